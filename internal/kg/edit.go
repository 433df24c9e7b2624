package kg

import (
	"fmt"
	"strings"
	"time"
)

// Edit says who makes a change, and why.
type Edit struct {
	Actor  string
	Reason string
	// Key, when set, is the client's idempotency key for this change:
	// a change sent again with the same key is not made twice but answered
	// as it was the first time. Fingerprint is a digest of the request the
	// key was first used for; the same key with another request is refused.
	Key, Fingerprint string
}

// Change is one entry of the audit trail: who changed what, when, and the
// fact before and after. Retracted facts stay visible here.
type Change struct {
	ID      string
	At      time.Time
	Actor   string
	Op      string // one of ChangeOps
	Target  string // the entity's or relationship's ID
	Kind    string // its type
	Reason  string
	Version int            // the entity's version after the change; 0 for relationships
	Before  map[string]any // nil on create
	After   map[string]any // nil on retract
	// FullAfter, when set, is the After of readers who see every
	// restricted fact the change counts; others read After, which counts
	// the public ones (the record of a case file's import).
	FullAfter map[string]any
	// Feed is the change's number in the feed of all changes, in commit
	// order; 0 for changes recorded before the feed was.
	Feed int64
}

// Side is what an import does with a fact that both its file and the graph
// changed since the file's last import (a conflict).
type Side string

const (
	Refuse    Side = ""           // write nothing and list the conflicts
	KeepGraph Side = "KEEP_GRAPH" // keep the graph's value
	TakeFile  Side = "TAKE_FILE"  // take the file's value
)

// FactConflict is one fact that a re-imported case file and the graph both
// changed since that file's last import, each in its own way. Values are
// as JSON would hold them; Absent says a side holds no value (the field, or
// the whole fact, is not there).
type FactConflict struct {
	File  string
	ID    string // the entity's or relationship's ID
	Kind  string // its type
	Field string // "" when the whole fact is at stake
	Graph any
	Base  any // what the file stated at its last import
	Now   any // what the file states now
	// Reason says what each side did, such as "changed in the graph,
	// removed from the file".
	Reason string
}

// ImportOptions says who imports and what the import may do.
type ImportOptions struct {
	Edit Edit
	// MayRemove lets the import remove the facts a file no longer states.
	// Without it, an import that would remove any is refused and lists
	// them: removing facts is an admin's act.
	MayRemove bool
	// OnConflict settles the facts that the file and the graph both
	// changed since the file's last import; Refuse writes nothing and
	// lists them.
	OnConflict Side
	// DryRun plans the import without writing: the result is what the
	// same import would do now, refusals included.
	DryRun bool
}

// ImportResult says what an import changed or, in a dry run or when it was
// refused, would have changed.
type ImportResult struct {
	NodesCreated, NodesDeleted                 int
	RelationshipsCreated, RelationshipsDeleted int
	PropertiesSet                              int
	// Unchanged names the files skipped because their content had not
	// changed since their last import.
	Unchanged []string
	// Changes lists every fact created, updated or deleted, file by file.
	Changes []FactChange
	// Kept counts the facts stated by the files that stay as they are.
	Kept int
	// Conflicts lists the facts both sides changed; with OnConflict set
	// they were settled as it says, without it they stopped the import.
	Conflicts []FactConflict
	// Refusal, when set, says why nothing was written.
	Refusal *Error `json:",omitempty"`
	// Duplicates lists the entities the import creates or renames that
	// are likely the same as another, unless judged distinct.
	Duplicates []Duplicate `json:",omitempty"`
}

// FactChange is one fact an import creates, updates or deletes.
type FactChange struct {
	Op     string // create, update or delete
	Kind   string // the entity or relationship type
	ID     string
	File   string   // the case file that states (or stated) the fact
	Fields []string // for updates: the fields that change
}

// String is the change as one line of a report.
func (c FactChange) String() string {
	line := c.Op + " " + c.Kind + " " + c.ID
	if len(c.Fields) > 0 {
		line += ": " + strings.Join(c.Fields, ", ")
	}
	return line
}

// String says what an import changed, as the command line prints it.
func (r ImportResult) String() string {
	return fmt.Sprintf("%d nodes created, %d deleted; %d relationships created, %d deleted; %d properties set",
		r.NodesCreated, r.NodesDeleted, r.RelationshipsCreated, r.RelationshipsDeleted, r.PropertiesSet)
}
