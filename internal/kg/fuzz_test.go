package kg

import (
	"strings"
	"testing"
)

// FuzzIDs checks the parsers of the small textual forms that arrive from
// case files and API arguments: they never panic, and what they accept
// they read back unchanged from their own rendering, and citations and IDs
// are accepted exactly where their grammars say (see slug_test.go).
func FuzzIDs(f *testing.F) {
	for _, s := range []string{
		"person/zhanbolat-mamai", "source/iphr-2023-04-mamai#p4", "2022-03-15", "before 2022-12?",
		"after 2022", "P1Y6M", "P6Y", "life", "", "/", "source/x#p0", "2023-02-30",
	} {
		f.Add(s)
	}
	for _, s := range slugCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAgainstGrammar(t, s)
		if isASCII(s) {
			checkLatinASCII(t, s)
		}
		if c, err := ParseCitation(s); err == nil {
			if c.String() != s {
				t.Errorf("ParseCitation(%q).String() = %q", s, c.String())
			}
			if again, err := ParseCitation(c.String()); err != nil || again != c {
				t.Errorf("ParseCitation(%q) = %+v, read back as %+v, %v", s, c, again, err)
			}
			if c.Paragraph < 1 || !ValidID(c.Source) {
				t.Errorf("ParseCitation(%q) accepted paragraph %d of %q", s, c.Paragraph, c.Source)
			}
		}

		if ValidID(s) {
			typ, ok := TypeOfID(s)
			if !ok || !strings.HasPrefix(s, typ.Prefix()+"/") {
				t.Errorf("ValidID(%q) but TypeOfID = %q, %v", s, typ, ok)
			}
		}
		if typ, ok := TypeOfID(s); ok && !strings.HasPrefix(s, typ.Prefix()+"/") {
			t.Errorf("TypeOfID(%q) = %q, whose prefix %q the ID does not start with", s, typ, typ.Prefix())
		}

		if d, err := ParseDate(s); err == nil {
			if d.Text != s {
				t.Errorf("ParseDate(%q).Text = %q", s, d.Text)
			}
			if !d.End().After(d.Start) {
				t.Errorf("ParseDate(%q): end %v is not after start %v", s, d.End(), d.Start)
			}
			if again, err := ParseDate(d.Text); err != nil || !again.Start.Equal(d.Start) || again.Precision != d.Precision ||
				again.Qualifier != d.Qualifier || again.Estimated != d.Estimated {
				t.Errorf("ParseDate(%q) = %+v, read back as %+v, %v", s, d, again, err)
			}
		}

		if m, err := ParseDuration(s); err == nil && m < 0 {
			t.Errorf("ParseDuration(%q) = %d months", s, m)
		}
		if d, err := ParseDurationText(s); err == nil && d.Text != s {
			t.Errorf("ParseDurationText(%q).Text = %q", s, d.Text)
		}
	})
}
