package ftm

import (
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// schemaOf picks an entity's FtM schema; "" leaves the entity out. FtM has
// no schema for a legal code or article (a charge names its article in its
// summary), nor for people counted but not named: a Group written as a
// LegalEntity would be matched and screened as though someone were named.
// Sentences and restrictions are Events, not Sanctions: in FtM a Sanction
// is a listing on a sanctions programme, and screening tools would flag
// the defendant as sanctioned.
func schemaOf(e kg.Entity) string {
	switch e.Type {
	case kg.Person:
		return "Person"
	case kg.Party:
		return "Organization"
	case kg.Organisation:
		switch e.Props["kind"] {
		case "government-agency", "prosecutor", "law-enforcement":
			return "PublicBody"
		case "company":
			return "Company"
		}
		return "Organization"
	case kg.Court:
		return "PublicBody"
	case kg.Place:
		return "Address"
	case kg.Case:
		return "CourtCase"
	case kg.Source:
		return "Document"
	case kg.Event, kg.Proceeding, kg.Charge, kg.Sentence, kg.Restriction:
		return "Event"
	}
	return ""
}

// commonProperties maps the fields every entity has to FtM properties.
var commonProperties = map[string]string{
	"name": "name", "aliases": "alias", "description": "description", "note": "notes",
}

// typeProperties maps each type's own fields. A field that neither map
// names, and a date FtM cannot hold (a bound or an estimate), goes into
// the summary as "field: value", so nothing is dropped unsaid.
var typeProperties = map[kg.EntityType]map[string]string{
	kg.Person:       {"occupations": "profession"},
	kg.Party:        {"registrationStatus": "status", "founded": "incorporationDate"},
	kg.Organisation: {"kind": "classification"},
	kg.Event:        {"date": "date", "end": "endDate"},
	kg.Case:         {"kind": "type", "opened": "fileDate", "jurisdiction": "country"},
	kg.Proceeding:   {"start": "startDate", "date": "date"},
	kg.Charge:       {"date": "date", "allegation": "description", "outcome": "notes"},
	kg.Sentence:     {"date": "date"},
	kg.Restriction:  {"start": "startDate", "end": "endDate"},
	kg.Source: {
		"title": "title", "publisher": "publisher", "date": "publishedAt", "url": "sourceUrl",
		"file": "fileName", "language": "language", "note": "notes",
	},
}

// linkProperties maps a relationship's fields to the properties of its
// interval entity; role and status depend on the schema (see edgeOf).
var linkProperties = map[string]string{
	"start": "startDate", "end": "endDate", "date": "date", "changeDate": "date", "note": "description",
}

// topics are FtM's controlled tags for what casegraph states outright:
// a person's occupation, an organisation's kind. Nothing here says crime,
// sanction or PEP: casegraph records prosecutions, not findings of risk.
var (
	occupationTopics = map[string]string{
		"journalist": "role.journo", "blogger": "role.journo",
		"activist": "role.act", "rights-defender": "role.act",
		"judge": "role.judge", "lawyer": "role.lawyer",
	}
	kindTopics = map[string]string{
		"government-agency": "gov", "prosecutor": "gov.judicial",
		"law-enforcement": "gov.security", "intergovernmental": "gov.igo",
	}
)

// languages turns the ISO 639-1 codes of sources into the ISO 639-3 codes
// FtM takes, for the languages its model lists; another code goes into
// the summary.
var languages = map[string]string{
	"en": "eng", "ru": "rus", "kk": "kaz", "ky": "kir", "uz": "uzb", "tg": "tgk", "tk": "tuk",
	"uk": "ukr", "be": "bel", "az": "aze", "hy": "hye", "ka": "kat", "mn": "mon", "tr": "tur",
	"de": "deu", "fr": "fra", "es": "spa", "it": "ita", "pl": "pol", "lt": "lit", "lv": "lav",
	"et": "est", "ro": "ron", "zh": "zho", "ar": "ara", "fa": "fas",
}

// countries are the two-letter codes FtM's model accepts: ISO 3166-1 and
// a few more (xk Kosovo, zz global). A jurisdiction outside them, such as
// the synthetic data's XX, goes into the summary.
var countries = strings.Fields(`
	ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo
	bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cp cq cr cu cv cw cx cy cz dd
	de dg dj dk dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl
	gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu ic id ie il im in io ip iq ir is it je jm
	jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg
	mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om
	pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk
	sl sm sn so sr ss st sv sx sy sz ta tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug
	um un us uy uz va vc ve vg vi vn vu wf ws xk ye yt za zm zr zw zz
`)

// folded are the field links FtM states as a property of the entity whose
// field it is; they share that entity's citations, so nothing is lost.
var folded = map[kg.RelType]string{
	kg.LocatedIn:   "addressEntity",
	kg.ChargedWith: "involved", kg.SentencedTo: "involved", kg.SubjectTo: "involved", kg.TriedIn: "involved",
	kg.BroughtBy: "organizer", kg.ImposedBy: "organizer", kg.HeldBy: "organizer",
}

// edge says how a relationship becomes an FtM interval entity: the
// schema, the properties naming its two ends, the property of its role,
// and the word that names the tie where the schema does not.
type edge struct {
	schema, from, to, role, word string
}

// edgeOf picks the interval schema of a relationship between entities of
// the FtM schemata from and to. Ties FtM has no schema for become an
// UnknownLink whose role names them.
func edgeOf(t kg.RelType, from, to string) edge {
	party := func(word string) edge { return edge{"CourtCaseParty", "party", "case", "role", word} }
	switch t {
	case "LEADS":
		return edge{"Directorship", "director", "organization", "role", ""}
	case "MEMBER_OF":
		return edge{"Membership", "member", "organization", "role", ""}
	case "WORKS_FOR":
		return edge{"Employment", "employee", "employer", "role", ""}
	case "OWNS":
		if to == "Company" {
			return edge{"Ownership", "owner", "asset", "role", ""}
		}
	case "RELATIVE_OF":
		// "A RELATIVE_OF B, role: wife" says A is B's wife; FtM's Family
		// says the relative is the person's relationship.
		return edge{"Family", "relative", "person", "relationship", ""}
	case "ASSOCIATED_WITH":
		if from == "Person" && to == "Person" {
			return edge{"Associate", "person", "associate", "relationship", ""}
		}
	case "DEFENDANT_IN":
		return party("defendant")
	case "COMPLAINANT_IN":
		return party("complainant")
	case "LAWYER_IN":
		return party("defence lawyer")
	case "JUDGE_IN":
		return party("judge")
	case "PROSECUTOR_IN":
		return party("prosecutor")
	}
	return edge{"UnknownLink", "subject", "object", "role", strings.ToLower(strings.ReplaceAll(string(t), "_", " "))}
}
