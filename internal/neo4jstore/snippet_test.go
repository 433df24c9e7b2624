package neo4jstore

import "testing"

func TestSnippetMarksMatchingWords(t *testing.T) {
	m := newWordMatcher("koshe almalinsky")
	parts := m.snippet("Supporters of DVK/Koshe were tried by the Алмалинский court.")
	var marked []string
	for _, p := range parts {
		if p.Match {
			marked = append(marked, p.Text)
		}
	}
	// A word inside a token joined by punctuation, and a Cyrillic word
	// one letter from the Latin query's transliteration.
	if len(marked) != 2 || marked[0] != "DVK/Koshe" || marked[1] != "Алмалинский" {
		t.Errorf("marked %q in %+v", marked, parts)
	}
	if m.matches("court") || m.matches("ko") {
		t.Error("unrelated words match")
	}
}

func TestWithinOneEdit(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"almalinskiy", "almalinsky", true}, {"koshe", "kosha", true}, {"koshe", "kshe", true},
		{"koshe", "koshe", true}, {"koshe", "kashi", false}, {"ab", "abcd", false},
	} {
		if got := withinOneEdit(tc.a, tc.b); got != tc.want {
			t.Errorf("withinOneEdit(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
