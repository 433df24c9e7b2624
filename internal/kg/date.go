package kg

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Precision says how much of a date a source gives.
type Precision string

const (
	Year  Precision = "year"
	Month Precision = "month"
	Day   Precision = "day"
)

// Date is a date as precise as its source: "2022", "2022-03", "2022-03-15",
// optionally "before ..." or "after ...", optionally estimated ("2022-03?").
// Start is its earliest day, so dates compare and sort while "March 2022"
// stays "March 2022".
type Date struct {
	Text      string
	Start     time.Time
	Precision Precision
	Qualifier string // "", "before" or "after"
	Estimated bool
}

// ParseDate parses the case-file form of a date.
func ParseDate(s string) (Date, error) {
	d := Date{Text: s}
	rest := strings.TrimSpace(s)
	for _, q := range []string{"before ", "after "} {
		if strings.HasPrefix(rest, q) {
			d.Qualifier = strings.TrimSpace(q)
			rest = strings.TrimSpace(strings.TrimPrefix(rest, q))
			break
		}
	}
	if strings.HasSuffix(rest, "?") {
		d.Estimated = true
		rest = strings.TrimSuffix(rest, "?")
	}
	var layout string
	switch len(rest) {
	case 4:
		layout, d.Precision = "2006", Year
	case 7:
		layout, d.Precision = "2006-01", Month
	case 10:
		layout, d.Precision = "2006-01-02", Day
	default:
		return Date{}, fmt.Errorf("%q is not a date: want YYYY, YYYY-MM or YYYY-MM-DD, optionally after \"before \" or \"after \" and followed by \"?\"", s)
	}
	t, err := time.Parse(layout, rest)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a real date", s)
	}
	d.Start = t
	return d, nil
}

// The rule for uncertain dates (docs/model.md, "Dates"). A date stands
// for the days it can mean: a year or a month all of its days, "before X"
// every day before X's first, "after X" every day after X's last. An open
// side is unknown, never a guess.

// Earliest returns the first day the date can mean; ok is false for
// "before X", which has no first day.
func (d Date) Earliest() (t time.Time, ok bool) {
	switch d.Qualifier {
	case "before":
		return time.Time{}, false
	case "after":
		return d.End(), true
	}
	return d.Start, true
}

// Latest returns the last day the date can mean; ok is false for "after
// X", which has no last day.
func (d Date) Latest() (t time.Time, ok bool) {
	switch d.Qualifier {
	case "before":
		return d.Start.AddDate(0, 0, -1), true
	case "after":
		return time.Time{}, false
	}
	return d.End().AddDate(0, 0, -1), true
}

// Position is where a date sorts: its last possible day, or for "after X"
// its first. Dates sort by Position, then by Earliest with an unknown
// first day first, so "before 2022-12" sorts before "2022-11": both can
// end on 30 November, and only the bounded one must be over by then.
func (d Date) Position() time.Time {
	if t, ok := d.Latest(); ok {
		return t
	}
	t, _ := d.Earliest()
	return t
}

// Compare orders two dates by the rule of Position.
func Compare(a, b Date) int {
	if c := a.Position().Compare(b.Position()); c != 0 {
		return c
	}
	ea, oka := a.Earliest()
	eb, okb := b.Earliest()
	switch {
	case !oka && !okb:
		return 0
	case !oka:
		return -1
	case !okb:
		return 1
	}
	return ea.Compare(eb)
}

// SurelyBefore reports whether every day a can mean comes before every
// day b can mean; when neither a nor b is surely before the other, their
// order is uncertain.
func SurelyBefore(a, b Date) bool {
	la, ok := a.Latest()
	if !ok {
		return false
	}
	eb, ok := b.Earliest()
	return ok && la.Before(eb)
}

// Within reports whether every day the date can mean lies in [from, to).
// Filters keep a date only then, so a count never claims what the sources
// leave open.
func (d Date) Within(from, to *time.Time) bool {
	if from != nil {
		if e, ok := d.Earliest(); !ok || e.Before(*from) {
			return false
		}
	}
	if to != nil {
		if l, ok := d.Latest(); !ok || !l.Before(*to) {
			return false
		}
	}
	return true
}

// Span is a length of time the sources bound rather than state: at least
// Least months, at most Most; Most is -1 when nothing bounds it. Exact
// when the two are equal.
type Span struct{ Least, Most int }

// Months rounds the days between two days to months, as every duration of
// the API does: "2022-03-01 to 2022-11-01" is 8, "17 April to 21 June" 2.
func Months(from, to time.Time) int {
	days := to.Sub(from).Hours() / 24
	m := days / 30.4375
	if m < 0 {
		return -int(-m + 0.5)
	}
	return int(m + 0.5)
}

// MonthsBetween bounds the months from a to b, b being known to come
// after a (a charge's change after the change before it, a verdict after
// an arrest): at least from a's last possible day to b's first, at most
// from a's first to b's last. A bound that is not known is open: Least 0,
// Most -1.
func MonthsBetween(a, b Date) Span {
	s := Span{Least: 0, Most: -1}
	if la, ok := a.Latest(); ok {
		if eb, ok := b.Earliest(); ok && eb.After(la) {
			s.Least = Months(la, eb)
		}
	}
	if ea, ok := a.Earliest(); ok {
		if lb, ok := b.Latest(); ok {
			s.Most = max(Months(ea, lb), s.Least)
		}
	}
	return s
}

// End returns the first day after the period the date names.
func (d Date) End() time.Time {
	switch d.Precision {
	case Year:
		return d.Start.AddDate(1, 0, 0)
	case Month:
		return d.Start.AddDate(0, 1, 0)
	}
	return d.Start.AddDate(0, 0, 1)
}

// ParseDuration parses an ISO 8601 period in years and months (P6Y, P1Y6M,
// P3M) and returns it in months.
func ParseDuration(s string) (int, error) {
	bad := fmt.Errorf("%q is not a duration: want an ISO 8601 period such as P6Y, P1Y6M or P3M", s)
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, bad
	}
	months, num := 0, ""
	seen := ""
	for _, r := range s[1:] {
		switch {
		case r >= '0' && r <= '9':
			num += string(r)
		case (r == 'Y' || r == 'M') && num != "" && len(num) <= 4 && !strings.ContainsRune(seen, r) && !(r == 'Y' && seen != ""):
			// Four digits are plenty for a sentence; more could overflow.
			n, err := strconv.Atoi(num)
			if err != nil {
				return 0, bad
			}
			if r == 'Y' {
				n *= 12
			}
			months += n
			seen += string(r)
			num = ""
		default:
			return 0, bad
		}
	}
	if num != "" {
		return 0, bad
	}
	return months, nil
}

// Duration is a sentence's or a ban's length as the case file gives it: an
// ISO 8601 period, "life", or "sentence" (as long as the sentence runs).
// Months is -1 where the text is not a period.
type Duration struct {
	Text   string
	Months int
}

// ParseDurationText parses the case-file form of a duration.
func ParseDurationText(s string) (Duration, error) {
	if s == "life" || s == "sentence" {
		return Duration{Text: s, Months: -1}, nil
	}
	m, err := ParseDuration(s)
	if err != nil {
		return Duration{}, fmt.Errorf("%w, or life, or sentence", err)
	}
	return Duration{Text: s, Months: m}, nil
}
