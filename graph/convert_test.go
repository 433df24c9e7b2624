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

// A range starts and ends at dates: a bound has no day to start from.
func TestRangeBoundsAreDates(t *testing.T) {
	for _, s := range []string{"before 2022", "after 2022-12"} {
		if _, err := optionalDate("filter.from", &s); kg.ErrorCode(err) != kg.Invalid {
			t.Errorf("%q: %v, want BAD_USER_INPUT", s, err)
		}
	}
	for _, s := range []string{"2022", "2022-03", "2022-03-15", "2022-03?"} {
		if d, err := optionalDate("filter.from", &s); err != nil || d == nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}
