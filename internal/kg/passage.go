package kg

// Source texts: a source's paragraphs, as citations count them.

// Passage is one paragraph of a source's text.
type Passage struct {
	Source    string
	Paragraph int // from 1
	Text      string
}

// PassageQuery searches the paragraphs of the texts the graph holds.
type PassageQuery struct {
	Text    string
	Sources []string // only these sources; none: all
	First   int
	Offset  int
}

// PassageHit is a paragraph that matches, with the facts that cite it.
type PassageHit struct {
	Source          string
	Paragraph       int
	Text            string
	Snippet         []SnippetPart
	CitedBy         []string // entity IDs
	CitingRelations []string // relationship IDs
}

// SnippetPart is a piece of a passage's text; Match marks the words the
// query found.
type SnippetPart struct {
	Text  string
	Match bool
}

// Coverage is which paragraphs of a source facts cite.
type Coverage struct {
	Source     string
	Held       bool // the graph holds the source's text
	Paragraphs int
	Cited      []int     // paragraph numbers, ascending
	Uncited    []Passage // in order
}

// Why a citation has no quote.
const (
	TextNotHeld = "the graph does not hold the source's text"
	NoParagraph = "the source's text has no such paragraph"
)
