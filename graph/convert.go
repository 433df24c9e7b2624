package graph

import (
	"strings"
	"unicode"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/kg"
)

// entityType turns a label such as LegalArticle into the enum value
// LEGAL_ARTICLE.
func entityType(t kg.EntityType) model.EntityType {
	var b strings.Builder
	for i, r := range string(t) {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return model.EntityType(b.String())
}

// each converts a list of one string type into another: stored vocabulary
// values into model.Vocab and back. nil stays nil.
func each[U, T ~string](in []T) []U {
	if in == nil {
		return nil
	}
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = U(v)
	}
	return out
}
