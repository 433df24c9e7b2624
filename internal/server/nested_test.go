package server

import (
	"strings"
	"testing"
)

func TestNestedPast(t *testing.T) {
	tests := []struct {
		name string
		json string
		want int
	}{
		{"flat", `{"a": [1, 2, {"b": "c"}]}`, -1},
		{"as deep as allowed", strings.Repeat("[", 3) + strings.Repeat("]", 3), -1},
		{"a level too deep", `{"a":[[{"b":1}]]}`, 7},
		{"brackets in strings", `{"a": "[[[[{{{{", "b": "\"[[[["}`, -1},
		{"escaped backslash ends a string", `{"a": "\\", "b": [[[[]]]]}`, 19},
		{"closing brackets earn nothing", `]]]]]]]][[[[`, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nestedPast([]byte(tt.json), 3); got != tt.want {
				t.Errorf("nestedPast(%s, 3) = %d, want %d", tt.json, got, tt.want)
			}
		})
	}
}
