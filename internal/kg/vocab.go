package kg

// The closed vocabularies of the answers the store computes, as it writes
// them; the case files' own lists (restriction kinds, event kinds, …) are
// the checker's (casefile.Values). The API declares an enum for each, and
// a test keeps the two in step.
var (
	// TimelineSteps are the kinds of timeline entries that are not
	// events; an event's entry has the event's kind.
	TimelineSteps = []string{"charge", "sentence", "proceeding", "proceeding-start", "restriction-start", "restriction-end"}
	// SharedKinds are what two people or cases can have in common.
	SharedKinds = []string{"article", "court", "event", "offence-category", "organisation", "party", "place", "restriction-kind"}
	// ProtestTies are how a person is tied to a protest: took part in or
	// organised it, through their party, or through a case about it.
	ProtestTies = []string{"participated", "organised", "party-participated", "party-organised", "case-concerns"}
	// ChangeOps are the acts the audit trail records.
	// recordChanges refuses any other.
	ChangeOps = []string{"create", "update", "retract", "merge", "judge", "import", "text", "text-replaced"}
)
