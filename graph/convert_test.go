package graph

import (
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

// Every label must map onto a value the schema declares, or a new type
// would fail at run time with an invalid enum.
func TestEntityTypeCoversEveryLabel(t *testing.T) {
	for _, et := range kg.EntityTypes {
		if got := entityType(et); !got.IsValid() {
			t.Errorf("entityType(%s) = %q, not a value of the schema's EntityType", et, got)
		}
	}
	if got := entityType(kg.LegalArticle); got != "LEGAL_ARTICLE" {
		t.Errorf("entityType(LegalArticle) = %q, want LEGAL_ARTICLE", got)
	}
}
