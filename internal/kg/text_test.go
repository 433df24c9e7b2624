package kg

import (
	"strings"
	"testing"
)

func TestTextRule(t *testing.T) {
	name := TextRule{Max: 20, Name: true}
	line := TextRule{Max: 20}
	prose := TextRule{Max: 40, Prose: true}
	tests := []struct {
		name string
		rule TextRule
		text string
		want string // in the error; "" when the text is fine
	}{
		{"a name", name, "Zhanbolat Mamai", ""},
		{"Cyrillic", name, "Жанболат Мамай", ""},
		{"Kazakh Latin", name, "Jañbolat Mamai", ""},
		{"words in two scripts", name, "Мамай (Mamai)", ""},
		{"Persian with a non-joiner", name, "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", ""},
		{"Devanagari with a joiner", name, "\u0915\u094d\u200d\u0937", ""},
		{"long enough", name, strings.Repeat("ж", 20), ""},

		{"too long", name, strings.Repeat("ж", 21), "is 21 characters long: at most 20"},
		{"zero-width space", name, "Zhanbolat\u200bMamai", "has U+200B at character 10, an invisible character"},
		{"word joiner", name, "Mamai\u2060", "U+2060"},
		{"byte order mark", line, "\ufeffMamai", "U+FEFF at character 1"},
		{"soft hyphen", name, "Ma\u00admai", "U+00AD"},
		{"tag character", name, "Mamai\U000e0041", "U+E0041"},
		{"variation selector", name, "Mamai\ufe0f", "U+FE0F"},
		{"Hangul filler", name, "Mamai \u3164", "U+3164"},
		{"joiner between Latin letters", name, "Mam\u200dai", "U+200D at character 4, a zero-width joiner"},
		{"non-joiner at the end", name, "Mamai\u200c", "U+200C"},
		{"right-to-left override", name, "\u202eiamaM", "U+202E at character 1, a bidirectional control"},
		{"isolate", line, "a\u2066b\u2069", "U+2066"},
		{"right-to-left mark", line, "a\u200f", "U+200F"},
		{"Arabic letter mark", line, "a\u061c", "U+061C"},
		{"NUL", line, "Mamai\x00", "U+0000 at character 6, a control character"},
		{"escape", prose, "red \x1b[31m", "U+001B"},
		{"C1 control", prose, "a\u0085b", "U+0085"},
		{"carriage return", prose, "one\r\ntwo", "U+000D at character 4, a carriage return"},
		{"line break in a name", name, "Zhanbolat\nMamai", "a line break or tab"},
		{"tab in a line", line, "a\tb", "a line break or tab"},
		{"line separator", prose, "a\u2028b", "a line or paragraph separator"},
		{"no-break space in a name", name, "Zhanbolat\u00a0Mamai", "U+00A0 at character 10, a space other than the ordinary one"},
		{"ideographic space", name, "a\u3000b", "U+3000"},
		{"two spaces", name, "Zhanbolat  Mamai", "two spaces in a row at character 11"},
		{"leading space", name, " Mamai", "starts or ends with a space"},
		{"trailing space", line, "Mamai ", "starts or ends with a space"},
		{"private use", line, "a\ue000", "U+E000"},
		{"noncharacter", line, "a\uffff", "U+FFFF"},
		{"invalid UTF-8", line, "a\xffb", "not valid UTF-8 at character 2"},
		{"stacked marks", line, "a" + strings.Repeat("\u0301", 9), "more than 8 combining marks"},
		{"Cyrillic a in a Latin name", name, "Zhanbolat M\u0430mai", "mixes Latin and Cyrillic letters in the word at character 11"},
		{"Greek o in a Latin name", name, "Almaty B\u03bfard", "mixes Latin and Greek"},

		{"prose keeps line breaks and tabs", prose, "First line.\n\tSecond line.\n", ""},
		{"prose keeps other spaces", prose, "10\u00a0000 tenge,  twice", ""},
		{"mixed scripts outside names", prose, "M\u0430mai", ""},
		{"zero-width space in prose too", prose, "a\u200bb", "U+200B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rule.Check(tt.text)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && err == nil:
				t.Errorf("accepted, want %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"registred":              `"registred"`,
		"\u202eiamaM\x00":        `"\u202eiamaM\x00"`,
		strings.Repeat("ж", 64):  `"` + strings.Repeat("ж", 64) + `"`,
		strings.Repeat("ж", 65):  `"` + strings.Repeat("ж", 64) + `"…`,
		strings.Repeat("a", 1e6): `"` + strings.Repeat("a", 64) + `"…`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%.20q...) = %s, want %s", in, got, want)
		}
	}
}
