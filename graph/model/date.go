package model

import (
	"strings"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
)

// FuzzyDate is a date as precise as its source. Only the case-file text is
// stored; the other fields are derived from it, so they cannot disagree.
type FuzzyDate struct {
	Text string `json:"text"`
}

func (d FuzzyDate) parsed() kg.Date {
	p, _ := kg.ParseDate(d.Text) // the importer accepted it, so it parses
	return p
}

func (d FuzzyDate) Precision() DatePrecision {
	return DatePrecision(strings.ToUpper(string(d.parsed().Precision)))
}

func (d FuzzyDate) Earliest() *string { return day(d.parsed().Earliest()) }

func (d FuzzyDate) Latest() *string { return day(d.parsed().Latest()) }

func day(t time.Time, ok bool) *string {
	if !ok {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func (d FuzzyDate) Qualifier() *DateQualifier {
	q := d.parsed().Qualifier
	if q == "" {
		return nil
	}
	v := DateQualifier(strings.ToUpper(q))
	return &v
}

func (d FuzzyDate) Estimated() bool { return d.parsed().Estimated }
