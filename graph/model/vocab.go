package model

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Vocab is a value of a closed vocabulary as the graph stores it and the
// case files write it, such as political-activity-ban. GraphQL writes it
// as an enum value, POLITICAL_ACTIVITY_BAN. Every enum of such a
// vocabulary is bound to Vocab (gqlgen.yml), so this is the one place
// where the two spellings meet: resolvers and the store see only the
// stored one. GraphQL validation has already checked that an input is a
// value of its enum.
type Vocab string

// EnumValue is the GraphQL enum value of a stored value.
func EnumValue(stored string) string {
	return strings.ToUpper(strings.ReplaceAll(stored, "-", "_"))
}

// StoredValue is the stored value of a GraphQL enum value.
func StoredValue(enum string) string {
	return strings.ToLower(strings.ReplaceAll(enum, "_", "-"))
}

func (v Vocab) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(EnumValue(string(v))))
}

func (v *Vocab) UnmarshalGQL(x any) error {
	s, ok := x.(string)
	if !ok {
		return fmt.Errorf("an enum value must be a string, not %T", x)
	}
	*v = Vocab(StoredValue(s))
	return nil
}
