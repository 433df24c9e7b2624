package casefile

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"status", "status", 0},
		{"Person", "person", 0},
		{"defendent", "defendant", 1},
		{"convicetd", "convicted", 1}, // two letters swapped
		{"custodal", "custodial", 1},
		{"extremist", "extremism", 1},
		{"ca", "abc", 3}, // a swap is not edited again
		{"age", "name", 2},
		{"мамай", "мамаи", 1}, // letters, not bytes
		{"person/zhanbolat-mamay", "person/zhanbolat-mamai", 1},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := distance(tt.b, tt.a); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	tests := []struct {
		name       string
		s          string
		candidates []string
		want       []string
	}{
		{"one close", "convicetd", chargeState, []string{"convicted"}},
		{"case differs", "Convicted", chargeState, []string{"convicted"}},
		{"none close", "sentenced", chargeState, nil},
		{"short words need most letters right", "age", []string{"name", "id"}, nil},
		{"a short word with one slip", "di", []string{"id", "type"}, []string{"id"}},
		{"nearest first, then by name", "abcdefgh", []string{"abcdefxx", "abcdefgx", "abcdefhg", "zbcdefgh"}, []string{"abcdefgx", "abcdefhg", "zbcdefgh"}},
		{"at most three", "person/a-b", []string{"person/a-c", "person/a-d", "person/a-e", "person/a-f"}, []string{"person/a-c", "person/a-d", "person/a-e"}},
		{"repeats are left out", "kinx", []string{"kind", "king", "king"}, []string{"kind", "king"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := closest(tt.s, tt.candidates); !slices.Equal(got, tt.want) && len(got)+len(tt.want) > 0 {
				t.Errorf("closest(%q) = %q, want %q", tt.s, got, tt.want)
			}
		})
	}
}

func TestDidYouMean(t *testing.T) {
	for _, tt := range []struct {
		candidates []string
		want       string
	}{
		{nil, ""},
		{[]string{"abcx"}, "did you mean abcx?"},
		{[]string{"abcx", "abcy"}, "did you mean abcx or abcy?"},
		{[]string{"abcx", "abcy", "abcz"}, "did you mean abcx, abcy or abcz?"},
	} {
		if got := didYouMean(tt.candidates); got != tt.want {
			t.Errorf("didYouMean(%q) = %q, want %q", tt.candidates, got, tt.want)
		}
	}
}
