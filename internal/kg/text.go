package kg

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Text in the graph is read by people deciding who is who, and it reaches
// them through browsers, terminals and exported files. Characters that do
// not show, or that change how the characters around them show, let a
// hostile editor make a name that looks like another (Zhanbolat Mamai with
// a zero-width space, or with a Cyrillic а), hide text in a note, or
// reorder what a reader sees (a right-to-left override). TextRule refuses
// them, and bounds how long a value may be.

// TextRule says what one text value may hold.
type TextRule struct {
	// Max is the most characters (Unicode code points) the value may have.
	Max int
	// Prose allows line breaks and tabs, and spaces other than U+0020:
	// notes and descriptions. Other text is one line, with single
	// ordinary spaces between words and none at either end.
	Prose bool
	// Name asks one script of each word: a name or an alias, which a
	// letter of a look-alike script (Cyrillic а for Latin a) would make
	// into a look-alike of another.
	Name bool
}

// maxMarks bounds the combining marks on one character. Real scripts stack
// at most four or five (Vietnamese two, Tibetan more); dozens make text that
// spills over the lines around it.
const maxMarks = 8

// Check returns what is wrong with s, or nil. The message says which
// character, where, and what to do; callers add the field's name.
func (r TextRule) Check(s string) error {
	if n := utf8.RuneCountInString(s); n > r.Max {
		return fmt.Errorf("is %d characters long: at most %d are allowed", n, r.Max)
	}
	if !r.Prose {
		if s != "" && (s[0] == ' ' || s[len(s)-1] == ' ') {
			return fmt.Errorf("starts or ends with a space: remove it")
		}
	}
	var prev rune
	marks := 0
	i := 0
	for off, c := range s {
		i++
		if c == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[off:]); size == 1 {
				return fmt.Errorf("is not valid UTF-8 at character %d", i)
			}
		}
		if what := r.refused(s, off, c); what != "" {
			return fmt.Errorf("has %U at character %d, %s", c, i, what)
		}
		if !r.Prose && c == ' ' && prev == ' ' {
			return fmt.Errorf("has two spaces in a row at character %d: use one", i)
		}
		if unicode.Is(unicode.M, c) {
			if marks++; marks > maxMarks {
				return fmt.Errorf("has more than %d combining marks on one character at character %d", maxMarks, i)
			}
		} else {
			marks = 0
		}
		prev = c
	}
	if r.Name {
		return mixedScripts(s)
	}
	return nil
}

// refused says why the character c at byte off of s is not allowed, or "".
func (r TextRule) refused(s string, off int, c rune) string {
	switch {
	case c == '\n' || c == '\t':
		if r.Prose {
			return ""
		}
		return "a line break or tab: this field is one line"
	case c == '\r':
		return "a carriage return: end lines with a line feed alone"
	case unicode.Is(unicode.Cc, c):
		return "a control character: remove it"
	case c == '\u2028' || c == '\u2029':
		return "a line or paragraph separator: use an ordinary line break in notes, none elsewhere"
	case isBidiControl(c):
		return "a bidirectional control, which reorders how the text around it is shown: remove it"
	case c == '\u200c' || c == '\u200d':
		if joinsLetters(s, off, c) {
			return ""
		}
		return "a zero-width joiner, allowed only between letters of scripts that need one (Arabic, the Indic scripts): remove it"
	case isInvisible(c):
		return "an invisible character: remove it"
	case unicode.Is(unicode.Co, c) || isNoncharacter(c):
		return "a private-use or noncharacter code point, which shows differently on every machine: remove it"
	case !r.Prose && c != ' ' && unicode.Is(unicode.Zs, c):
		return "a space other than the ordinary one (U+0020): use that"
	}
	return ""
}

// isBidiControl reports the characters that change the direction of the
// text around them: the marks, embeddings, overrides and isolates.
func isBidiControl(c rune) bool {
	switch {
	case c == '\u061c', c == '\u200e', c == '\u200f':
		return true
	case c >= '\u202a' && c <= '\u202e', c >= '\u2066' && c <= '\u2069':
		return true
	}
	return false
}

// isInvisible reports characters that show nothing: every format
// character (Unicode category Cf: zero-width space, word joiner, soft
// hyphen, byte order mark, tags, ...), and the blanks outside it that
// fonts draw as nothing (Hangul fillers, the braille blank, variation
// selectors, the combining grapheme joiner).
func isInvisible(c rune) bool {
	if unicode.Is(unicode.Cf, c) {
		return true
	}
	switch c {
	case '\u034f', '\u115f', '\u1160', '\u17b4', '\u17b5', '\u2800', '\u3164', '\uffa0':
		return true
	}
	return c >= '\ufe00' && c <= '\ufe0f' || c >= 0xe0100 && c <= 0xe01ef
}

func isNoncharacter(c rune) bool {
	return c >= '\ufdd0' && c <= '\ufdef' || c&0xfffe == 0xfffe
}

// joiningScripts need the zero-width joiner and non-joiner to spell some
// words correctly: Persian, for one, writes a non-joiner inside words.
var joiningScripts = []*unicode.RangeTable{
	unicode.Arabic, unicode.Syriac, unicode.Nko, unicode.Mongolian,
	unicode.Devanagari, unicode.Bengali, unicode.Gurmukhi, unicode.Gujarati,
	unicode.Oriya, unicode.Tamil, unicode.Telugu, unicode.Kannada,
	unicode.Malayalam, unicode.Sinhala, unicode.Tibetan, unicode.Myanmar,
	unicode.Khmer,
}

// joinsLetters reports whether the joiner c at byte off stands between two
// letters or marks of one joining script, where it is part of the spelling.
func joinsLetters(s string, off int, c rune) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:off])
	after, _ := utf8.DecodeRuneInString(s[off+utf8.RuneLen(c):])
	for _, script := range joiningScripts {
		if unicode.Is(script, before) && unicode.Is(script, after) {
			return true
		}
	}
	return false
}

// lookAlikeScripts have letters that look the same as one another's.
var lookAlikeScripts = []struct {
	name  string
	table *unicode.RangeTable
}{{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek}}

// mixedScripts refuses a word with letters of two look-alike scripts.
func mixedScripts(s string) error {
	word, i := 0, 0 // the word's first character, and where we are
	first := ""     // the script of the word's first letter of those
	for _, c := range s {
		i++
		if !unicode.IsLetter(c) && !unicode.IsMark(c) {
			first, word = "", 0
			continue
		}
		if word == 0 {
			word = i
		}
		for _, sc := range lookAlikeScripts {
			if !unicode.Is(sc.table, c) {
				continue
			}
			if first == "" {
				first = sc.name
			} else if first != sc.name {
				return fmt.Errorf("mixes %s and %s letters in the word at character %d, which makes it look like a name it is not: write each word in one script", first, sc.name, word)
			}
		}
	}
	return nil
}

// Quote quotes a value from the input for a message, escaping what does
// not print and cutting it short: a message names the value, it does not
// give back a megabyte of it.
func Quote(s string) string {
	const most = 64 // characters
	end := 0
	for n := 0; end < len(s) && n < most; n++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	if end == len(s) {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:end]) + "…"
}
