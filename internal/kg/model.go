package kg

import (
	"fmt"
	"strconv"
	"strings"
)

// Citation points at the paragraph of a source that states a fact.
type Citation struct {
	Source    string // a Source entity's ID
	Paragraph int    // 1-based
}

// ParseCitation parses "source/ID#pN".
func ParseCitation(s string) (Citation, error) {
	src, par, ok := strings.Cut(s, "#p")
	slug, isSource := strings.CutPrefix(src, "source/")
	if !ok || !isSource || !isSlug(slug, true) || par == "" || par[0] == '0' || strings.TrimLeft(par, "0123456789") != "" {
		return Citation{}, fmt.Errorf("%q is not a citation: want SOURCE-ID#pN, such as source/iphr-2023-04-mamai#p4", s)
	}
	n, err := strconv.Atoi(par)
	if err != nil {
		return Citation{}, fmt.Errorf("%q: paragraph number too large", s)
	}
	return Citation{Source: src, Paragraph: n}, nil
}

// isSlug reports whether s is words of lower-case letters (and, if digits,
// also digits) joined by single hyphens. Hand-written rather than a
// regular expression: every citation and ID a request reads passes here.
func isSlug(s string, digits bool) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z':
		case digits && c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

func (c Citation) String() string { return c.Source + "#p" + strconv.Itoa(c.Paragraph) }

// Entity is one node of the graph. Props holds its properties by case-file
// field name; values are string, []string, bool, int or Date.
type Entity struct {
	ID        string
	Type      EntityType
	Props     map[string]any
	Citations []Citation
}

// Link is one relationship. Field names the entity field it was written as
// ("" for a relation listed on its own), so an export can write it back the
// same way.
type Link struct {
	ID        string
	Type      RelType
	From, To  string
	Field     string
	Owner     string // for a field link, the entity whose field it is
	Props     map[string]any
	Citations []Citation
}

// Addition is what a case file adds to an entity that another file (or
// the API) defines: names and the citations that give them. It is kept
// apart from the entity's own properties, which stay its owner's, so each
// file's re-import changes only what that file stated.
type Addition struct {
	Target    string // the entity's ID
	Aliases   []string
	Citations []Citation
}

// AdditionID is the ID under which the graph keeps what file adds to the
// entity target.
func AdditionID(file, target string) string { return "addition/" + file + "/" + target }

// Batch is what one case file contributes to the graph; Origin names the
// file and Hash is its content's SHA-256, so an unchanged file is skipped.
type Batch struct {
	Origin    string
	Hash      string
	Entities  []Entity
	Links     []Link
	Additions []Addition
}

// Prefix returns the ID prefix of an entity type: LegalArticle → legal-article.
func (t EntityType) Prefix() string {
	var b strings.Builder
	for i, r := range string(t) {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('-')
		}
		b.WriteString(strings.ToLower(string(r)))
	}
	return b.String()
}

// TypeOfID returns the entity type an ID's prefix names.
func TypeOfID(id string) (EntityType, bool) {
	prefix, _, ok := strings.Cut(id, "/")
	if !ok {
		return "", false
	}
	for _, t := range EntityTypes {
		if t.Prefix() == prefix {
			return t, true
		}
	}
	return "", false
}

// ValidID reports whether id has the form kind/slug with a known kind.
func ValidID(id string) bool {
	kind, slug, ok := strings.Cut(id, "/")
	if !ok || !isSlug(kind, false) || !isSlug(slug, true) {
		return false
	}
	_, ok = TypeOfID(id)
	return ok
}
