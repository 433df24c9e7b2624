package kg

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// The rule for uncertain dates, checked on examples and as properties of
// random dates, and fuzzed.

func mustParse(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDateBounds(t *testing.T) {
	tests := []struct {
		date             string
		earliest, latest string // "" where open
	}{
		{"2022", "2022-01-01", "2022-12-31"},
		{"2024-02", "2024-02-01", "2024-02-29"},
		{"2023-04-10", "2023-04-10", "2023-04-10"},
		{"before 2022-12", "", "2022-11-30"},
		{"before 2022", "", "2021-12-31"},
		{"after 2020-06-21", "2020-06-22", ""},
		{"after 2023-12", "2024-01-01", ""},
		{"2021-10-11?", "2021-10-11", "2021-10-11"},
	}
	for _, tt := range tests {
		d := mustParse(t, tt.date)
		e, eok := d.Earliest()
		l, lok := d.Latest()
		if got := fmtDay(e, eok); got != tt.earliest {
			t.Errorf("%s: earliest %q, want %q", tt.date, got, tt.earliest)
		}
		if got := fmtDay(l, lok); got != tt.latest {
			t.Errorf("%s: latest %q, want %q", tt.date, got, tt.latest)
		}
	}
}

func fmtDay(t time.Time, ok bool) string {
	if !ok {
		return ""
	}
	return t.Format(time.DateOnly)
}

func TestDateOrder(t *testing.T) {
	// Each date sorts before the next; Mamai's reclassification (before
	// December 2022) before the start of his trial (November 2022).
	order := []string{"2021", "2022-03", "before 2022-12", "2022-11", "2022-12-01", "after 2022-12-01", "2023-01"}
	for i := 0; i+1 < len(order); i++ {
		a, b := mustParse(t, order[i]), mustParse(t, order[i+1])
		if Compare(a, b) >= 0 || Compare(b, a) <= 0 {
			t.Errorf("%s should sort before %s", order[i], order[i+1])
		}
	}
	if SurelyBefore(mustParse(t, "before 2022-12"), mustParse(t, "2022-11")) {
		t.Error("before 2022-12 is surely before 2022-11: it may fall in November")
	}
	if !SurelyBefore(mustParse(t, "2022-10"), mustParse(t, "2022-11")) {
		t.Error("October is not surely before November")
	}
}

func TestMonthsBetween(t *testing.T) {
	tests := []struct {
		a, b        string
		least, most int
	}{
		{"2023-04-10", "2023-04-10", 0, 0},
		{"2022-03-01", "2022-11-01", 8, 8},
		{"2022-03", "2022-11", 7, 9},
		{"before 2022-12", "2023-01", 1, -1},
		{"2020-04-17", "after 2020-06-21", 2, -1},
		{"2022-01", "2022-03", 1, 3},
		{"2021", "2022-03", 2, 15},
	}
	for _, tt := range tests {
		got := MonthsBetween(mustParse(t, tt.a), mustParse(t, tt.b))
		if got != (Span{tt.least, tt.most}) {
			t.Errorf("%s to %s: %+v, want {%d %d}", tt.a, tt.b, got, tt.least, tt.most)
		}
	}
}

func TestWithin(t *testing.T) {
	from, to := day("2022-06-01"), day("2023-01-01")
	tests := map[string]bool{
		"2022-06-01": true, "2022-12-31": true, "2022-07": true,
		"2022": false, "2022-05-31": false, "2023-01-01": false,
		"before 2022-12": false, "after 2022-06": false,
	}
	for s, want := range tests {
		if got := mustParse(t, s).Within(&from, &to); got != want {
			t.Errorf("%s within [2022-06-01, 2023-01-01): %v, want %v", s, got, want)
		}
	}
	if !mustParse(t, "before 2022-12").Within(nil, &to) || mustParse(t, "before 2022-12").Within(&from, nil) {
		t.Error("an open side is within an open bound only")
	}
}

// randomDate draws a date of any precision and qualifier between 2015 and
// 2025.
func randomDate(r *rand.Rand) Date {
	y, m, dd := 2015+r.Intn(10), 1+r.Intn(12), 1+r.Intn(28)
	var s string
	switch r.Intn(3) {
	case 0:
		s = fmt.Sprintf("%d", y)
	case 1:
		s = fmt.Sprintf("%d-%02d", y, m)
	default:
		s = fmt.Sprintf("%d-%02d-%02d", y, m, dd)
	}
	switch r.Intn(4) {
	case 0:
		s = "before " + s
	case 1:
		s = "after " + s
	}
	if r.Intn(5) == 0 {
		s += "?"
	}
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestUncertainDateProperties(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		a, b, c := randomDate(r), randomDate(r), randomDate(r)
		checkDatePair(t, a, b)
		// Compare is a total preorder: transitive as well.
		if Compare(a, b) <= 0 && Compare(b, c) <= 0 && Compare(a, c) > 0 {
			t.Fatalf("not transitive: %s <= %s <= %s but %s > %s", a.Text, b.Text, c.Text, a.Text, c.Text)
		}
		// Narrowing a date never widens the span from it: a day inside a
		// month is bounded at least as tightly as the month.
		if a.Qualifier == "" && a.Precision != Day && b.Qualifier == "" {
			inner := mustParse(t, a.Start.Format(time.DateOnly))
			outer, narrow := MonthsBetween(a, b), MonthsBetween(inner, b)
			if narrow.Least < outer.Least || outer.Most >= 0 && narrow.Most > outer.Most {
				t.Fatalf("%s→%s spans %+v, but %s→%s spans %+v", inner.Text, b.Text, narrow, a.Text, b.Text, outer)
			}
		}
	}
}

// checkDatePair checks what must hold of any two dates.
func checkDatePair(t testing.TB, a, b Date) {
	t.Helper()
	for _, d := range []Date{a, b} {
		e, eok := d.Earliest()
		l, lok := d.Latest()
		if !eok && !lok {
			t.Fatalf("%s has neither bound", d.Text)
		}
		p := d.Position()
		if eok && p.Before(e) || lok && p.After(l) || eok && lok && l.Before(e) {
			t.Fatalf("%s: earliest %v, position %v, latest %v out of order", d.Text, e, p, l)
		}
		if d.Within(nil, nil) != true {
			t.Fatalf("%s is not within an unbounded range", d.Text)
		}
	}
	if Compare(a, b) != -Compare(b, a) {
		t.Fatalf("Compare(%s, %s) = %d but Compare(%s, %s) = %d", a.Text, b.Text, Compare(a, b), b.Text, a.Text, Compare(b, a))
	}
	if SurelyBefore(a, b) && (SurelyBefore(b, a) || Compare(a, b) >= 0) {
		t.Fatalf("%s is surely before %s, yet they sort the other way", a.Text, b.Text)
	}
	s := MonthsBetween(a, b)
	if s.Least < 0 || s.Most != -1 && s.Most < s.Least {
		t.Fatalf("%s to %s: %+v", a.Text, b.Text, s)
	}
	if SurelyBefore(a, b) && a.Precision == Day && b.Precision == Day && a.Qualifier == "" && b.Qualifier == "" && s.Least != s.Most {
		t.Fatalf("two days %s and %s give a range %+v", a.Text, b.Text, s)
	}
}

func FuzzDateArithmetic(f *testing.F) {
	f.Add("before 2022-12", "2023-01")
	f.Add("2022-03", "2022-11")
	f.Add("after 2020-06-21", "2020")
	f.Fuzz(func(t *testing.T, x, y string) {
		a, err := ParseDate(x)
		if err != nil {
			return
		}
		b, err := ParseDate(y)
		if err != nil {
			return
		}
		checkDatePair(t, a, b)
	})
}

func TestOneQualifierAtMost(t *testing.T) {
	for _, s := range []string{"before after 2022", "after before 2022-03", "before before 2022"} {
		if d, err := ParseDate(s); err == nil {
			t.Errorf("%q parses as %+v", s, d)
		}
	}
}
