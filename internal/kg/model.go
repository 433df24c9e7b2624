package kg

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Citation points at the paragraph of a source that states a fact.
type Citation struct {
	Source    string // a Source entity's ID
	Paragraph int    // 1-based
}

var citationRE = regexp.MustCompile(`^(source/[a-z0-9]+(?:-[a-z0-9]+)*)#p([1-9][0-9]*)$`)

// ParseCitation parses "source/ID#pN".
func ParseCitation(s string) (Citation, error) {
	m := citationRE.FindStringSubmatch(s)
	if m == nil {
		return Citation{}, fmt.Errorf("%q is not a citation: want SOURCE-ID#pN, such as source/iphr-2023-04-mamai#p4", s)
	}
	n, err := strconv.Atoi(m[2])
	if err != nil {
		return Citation{}, fmt.Errorf("%q: paragraph number too large", s)
	}
	return Citation{Source: m[1], Paragraph: n}, nil
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

// Batch is what one case file contributes to the graph; Origin names the
// file and Hash is its content's SHA-256, so an unchanged file is skipped.
type Batch struct {
	Origin   string
	Hash     string
	Entities []Entity
	Links    []Link
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

var idRE = regexp.MustCompile(`^[a-z]+(?:-[a-z]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidID reports whether id has the form kind/slug with a known kind.
func ValidID(id string) bool {
	if !idRE.MatchString(id) {
		return false
	}
	_, ok := TypeOfID(id)
	return ok
}
