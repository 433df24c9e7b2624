package kg

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names in the case files come in Cyrillic and in several Latin spellings:
// Жыланбаев, Zhylanbaev, Zhylanbayev; Мамай, Mamai, Mamay. Search meets
// them in two steps. Latin writes any text in lower-case ASCII Latin, so
// Cyrillic and accented spellings become comparable. PhoneticKey then
// smooths one word further, so that the common spelling variants of a name
// share a key. Both are pure and used alike on stored names and on queries.

// cyrillic maps the Russian and Kazakh letters to Latin, roughly as English
// language reporting spells Kazakh names (BGN/PCGN for Russian; for Kazakh
// ғ gh, қ q, ң ng, and the other letters without their marks). е is
// handled in Latin, since it depends on its position.
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh",
	'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya", 'ё': "yo",
	// Kazakh
	'ә': "a", 'ғ': "gh", 'қ': "q", 'ң': "ng", 'ө': "o", 'ұ': "u", 'ү': "u",
	'һ': "h", 'і': "i",
}

// accents folds the accented Latin letters of Western European names and of
// the Kazakh and Turkic Latin alphabets (ä ğ ı ñ ö ş ū ü) to plain ASCII.
var accents = map[rune]string{}

func init() {
	for plain, letters := range map[string]string{
		"a": "àáâãäåāăąǎə", "ae": "æ", "c": "çćĉċč", "d": "ďđ",
		"e": "èéêëēĕėęě", "g": "ĝğġģǵ", "h": "ĥħ", "i": "ìíîïĩīĭįı",
		"j": "ĵ", "k": "ķ", "l": "ĺļľŀł", "n": "ñńņňŉ", "o": "òóôõöøōŏő",
		"oe": "œ", "r": "ŕŗř", "s": "śŝşšș", "ss": "ß", "t": "ţťŧț",
		"u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range letters {
			accents[r] = plain
		}
	}
}

// Latin returns s in lower case with Cyrillic letters transliterated and
// Latin diacritics removed, composed or combining; other characters are
// kept as they are. е is written ye at the start of a word and after a
// vowel, й or a soft or hard sign (Ермухамет → yermukhamet, Далибаев →
// dalibayev), e elsewhere; ё is always yo (Пётр → pyotr).
func Latin(s string) string {
	if isASCII(s) {
		// Nothing to transliterate or strip: most names an analyst types
		// or a search ranks, and the fast path of strings.ToLower.
		return strings.ToLower(s)
	}
	return latin(s)
}

// latin is Latin's general case, for any text.
func latin(s string) string {
	var b strings.Builder
	prev := ' '
	for _, r := range strings.ToLower(s) {
		switch {
		case r == 'е':
			if !unicode.IsLetter(prev) || strings.ContainsRune("аеёиоуыэюяәөұүіьъй", prev) {
				b.WriteString("y")
			}
			b.WriteString("e")
		case cyrillic[r] != "" || r == 'ъ' || r == 'ь':
			b.WriteString(cyrillic[r])
		case accents[r] != "":
			b.WriteString(accents[r])
		case unicode.Is(unicode.Mn, r):
			// a combining accent of decomposed text: dropped like the
			// accents of composed letters
			continue
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Words splits s into its runs of letters, digits and combining marks.
// Everything else, punctuation and the operators of query languages
// included, separates words, as Lucene's standard tokenizer mostly does.
func Words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// phoneticRules rewrite a Latin word, in order, so spelling variants meet:
// zh, dzh and j are one sound, as are kh and h, gh and g, q and k, w and v.
var phoneticRules = strings.NewReplacer("dzh", "j", "zh", "j", "kh", "h", "gh", "g", "q", "k", "w", "v")

// PhoneticKey returns a key for one word such that common spellings of the
// same name share it. Rules, applied after Latin:
//
//   - dzh, zh → j; kh → h; gh → g; q → k; w → v (Qasym-Zhomart, Kassym-Jomart)
//   - ye → e at the start of a word or after a vowel (Zhylanbayev, Zhylanbaev)
//   - y → i, which also makes ay → ai and iy → i (Mamay, Mamai)
//   - a doubled letter counts once (Kassym, Qasym; Assylov, Asylov);
//     doubled digits stay, so numbers keep their value
//
// Zhylanbayev and Жыланбаев both become jilanbaev. The key is for
// matching only, never for display.
func PhoneticKey(word string) string {
	w := []rune(phoneticRules.Replace(Latin(word)))
	var out []rune
	for i := 0; i < len(w); i++ {
		r := w[i]
		if r == 'y' && i+1 < len(w) && w[i+1] == 'e' && (i == 0 || isVowel(w[i-1])) {
			continue // the e follows
		}
		if r == 'y' {
			r = 'i'
		}
		if n := len(out); n > 0 && out[n-1] == r && unicode.IsLetter(r) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

func isVowel(r rune) bool { return strings.ContainsRune("aeiouy", r) }
