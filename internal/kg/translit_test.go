package kg

import (
	"slices"
	"testing"
	"unicode/utf8"
)

func TestTranslitLatin(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"russian surname", "Жыланбаев", "zhylanbayev"},
		{"russian full name", "Марат Жыланбаев", "marat zhylanbayev"},
		{"ye at word start", "Ермухамет Шилибаев", "yermukhamet shilibayev"},
		{"e after a consonant", "Степногорск", "stepnogorsk"},
		{"short i, soft sign dropped", "Айжан Кульбаева", "ayzhan kulbayeva"},
		{"hard sign and yo", "объём", "obyom"},
		{"yo after a consonant", "Пётр", "pyotr"},
		{"combining accents dropped", "Frontie\u0300res", "frontieres"},
		{"kh ts ch sh shch", "Хац Чуш Щи", "khats chush shchi"},
		{"yu ya y", "Юлия Яковлевна Рысбай", "yuliya yakovlevna rysbay"},
		{"kazakh letters", "ә ғ қ ң ө ұ ү һ і", "a gh q ng o u u h i"},
		{"kazakh word", "Қантар", "qantar"},
		{"kazakh upper case", "ӘҒҚҢӨҰҮҺІ", "aghqngouuhi"},
		{"latin kept, lower-cased", "Zhanbolat MAMAI", "zhanbolat mamai"},
		{"latin accents folded", "Frontières Qaqımzhanov Ağa Şal Ñuño Ūlü", "frontieres qaqimzhanov aga sal nuno ulu"},
		{"dotted capital i", "İlyas", "ilyas"},
		{"punctuation and digits kept", "УК РК, ст. 274-1", "uk rk, st. 274-1"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Latin(tt.in); got != tt.want {
				t.Errorf("Latin(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTranslitPhoneticKey(t *testing.T) {
	// Each group lists spellings of one word that must share a key.
	groups := []struct {
		name  string
		words []string
		want  string
	}{
		{"ay and ai", []string{"Mamai", "Mamay", "Мамай", "MAMAI"}, "mamai"},
		{"yev and ev", []string{"Zhylanbaev", "Zhylanbayev", "Жыланбаев", "Zhylanbaew"}, "jilanbaev"},
		{"zh and j, q and k, doubled s", []string{"Qasym", "Kassym", "Қасым"}, "kasim"},
		{"zh and j", []string{"Zhomart", "Jomart", "Жомарт"}, "jomart"},
		{"gh and g", []string{"Algha", "Alga"}, "alga"},
		{"kh and h", []string{"Mukhtar", "Muhtar", "Мухтар"}, "muhtar"},
		{"initial ye", []string{"Yermukhamet", "Ermukhamet", "Ермухамет"}, "ermuhamet"},
		{"iy ending", []string{"Dmitriy", "Dmitri", "Дмитрий"}, "dmitri"},
		{"dotless i and accents", []string{"Qaqımzhanov", "Qaqimzhanov", "Kakimzhanov"}, "kakimjanov"},
		{"dzh", []string{"Dzhaksybekov", "Jaksybekov"}, "jaksibekov"},
		{"digits keep doubles", []string{"2022"}, "2022"},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, w := range g.words {
				if got := PhoneticKey(w); got != g.want {
					t.Errorf("PhoneticKey(%q) = %q, want %q", w, got, g.want)
				}
			}
		})
	}
}

func TestTranslitWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"spaces", "Marat  Zhylanbaev", []string{"Marat", "Zhylanbaev"}},
		{"hyphen and punctuation", "Zhan-Aidar, (article 274:*)", []string{"Zhan", "Aidar", "article", "274"}},
		{"cyrillic", "Айгерим Тлеужан!", []string{"Айгерим", "Тлеужан"}},
		{"combining marks stay in the word", "Frontie\u0300res", []string{"Frontie\u0300res"}},
		{"only operators", `+ - && || ! ( ) { } [ ] ^ " ~ * ? : \ /`, nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Words(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Latin's shortcut for ASCII must give what the general case gives.
func TestTranslitLatinASCII(t *testing.T) {
	var all []byte
	for c := range byte(utf8.RuneSelf) {
		all = append(all, c)
		checkLatinASCII(t, string(c))
	}
	checkLatinASCII(t, string(all))
	checkLatinASCII(t, "Zhanbolat MAMAI, Marat Zhylanbaev-Ablyazov")
}

func checkLatinASCII(t *testing.T, s string) {
	t.Helper()
	if got, want := Latin(s), latin(s); got != want {
		t.Errorf("Latin(%q) = %q, the general case gives %q", s, got, want)
	}
}
