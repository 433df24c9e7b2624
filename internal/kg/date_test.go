package kg

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in        string
		start     string
		precision Precision
		qualifier string
		estimated bool
	}{
		{"2022", "2022-01-01", Year, "", false},
		{"2022-03", "2022-03-01", Month, "", false},
		{"2023-04-10", "2023-04-10", Day, "", false},
		{"before 2022-11", "2022-11-01", Month, "before", false},
		{"after 2023-07-11", "2023-07-11", Day, "after", false},
		{"2022-03?", "2022-03-01", Month, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDate(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Start.Format(time.DateOnly); got != tt.start || d.Precision != tt.precision || d.Qualifier != tt.qualifier || d.Estimated != tt.estimated {
				t.Errorf("got %s %s %q %v", got, d.Precision, d.Qualifier, d.Estimated)
			}
			if d.Text != tt.in {
				t.Errorf("Text = %q, want the input", d.Text)
			}
		})
	}
	for _, bad := range []string{"", "2023-02-30", "2023-13", "22", "2022-3", "April 2023", "before", "2022/03/01"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted an impossible date", bad)
		}
	}
}

func TestDateEnd(t *testing.T) {
	d, _ := ParseDate("2022-11")
	if got := d.End().Format(time.DateOnly); got != "2022-12-01" {
		t.Errorf("End of 2022-11 = %s", got)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]int{"P6Y": 72, "P1Y6M": 18, "P3M": 3, "P18M": 18} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "P", "6Y", "P6", "P6M1Y", "P1Y1Y", "P1D", "PY", "P99999Y", "P1000000000000000000Y"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted a bad duration", bad)
		}
	}
}
