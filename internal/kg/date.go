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
