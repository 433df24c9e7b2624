package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// Closed vocabularies are enums: a misspelt value is refused, naming the
// values there are, rather than matching nothing.
func TestMisspeltVocabularyIsRefused(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, query string
		vars        map[string]any
	}{
		{"a string where the enum is asked", `{ convictions(filter: {restrictionKinds: ["political-activty-ban"]}) { totalCount } }`, nil},
		{"an unknown enum value", `{ convictions(filter: {restrictionKinds: [POLITICAL_ACTIVTY_BAN]}) { totalCount } }`, nil},
		{"in a variable", `query($f: ConvictionFilter) { convictions(filter: $f) { totalCount } }`, map[string]any{"f": map[string]any{"restrictionKinds": []string{"political-activty-ban"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := a.post(t, tt.query, tt.vars)
			if len(r.Errors) != 1 {
				t.Fatalf("errors %+v, want one", r.Errors)
			}
			msg := r.Errors[0].Message
			for _, want := range []string{"RestrictionKind", "POLITICAL_ACTIVITY_BAN", "SOCIAL_MEDIA_BAN", "PRE_TRIAL_DETENTION"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not name %s", msg, want)
				}
			}
			if code := r.Errors[0].Extensions["code"]; code != "GRAPHQL_VALIDATION_FAILED" {
				t.Errorf("code %v, want GRAPHQL_VALIDATION_FAILED", code)
			}
		})
	}
}

// Enum values go in and come out in capitals, and reach the store as it
// stores them: the bans filter finds convictions, and the kinds read back
// are the ones asked for.
func TestVocabularyEnumsRoundTrip(t *testing.T) {
	a := newAPI(t)
	r, _ := a.post(t, `query($k: [RestrictionKind!]) {
		convictions(filter: {restrictionKinds: $k}, first: 100) { totalCount edges { node { restrictions { kind } charge { status verdict category } } } }
		counts(by: RESTRICTION_KIND) { key }
	}`, map[string]any{"k": []string{"POLITICAL_ACTIVITY_BAN"}})
	noErrors(t, r)
	var data struct {
		Convictions struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Restrictions []struct{ Kind string }
					Charge       struct{ Status, Verdict, Category string }
				}
			}
		}
		Counts []struct{ Key string }
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Convictions.TotalCount == 0 {
		t.Fatal("no convictions with a political-activity ban")
	}
	for _, e := range data.Convictions.Edges {
		n := e.Node
		banned := false
		for _, x := range n.Restrictions {
			banned = banned || x.Kind == "POLITICAL_ACTIVITY_BAN"
		}
		if !banned {
			t.Errorf("a conviction without the ban asked for: %+v", n.Restrictions)
		}
		if n.Charge.Verdict != "GUILTY" || !isEnumValue(n.Charge.Status) || !isEnumValue(n.Charge.Category) {
			t.Errorf("charge %+v: want enum values", n.Charge)
		}
	}
	found := false
	for _, c := range data.Counts {
		found = found || c.Key == "POLITICAL_ACTIVITY_BAN"
	}
	if !found {
		t.Errorf("counts by restriction kind %+v: want the keys as enum values, POLITICAL_ACTIVITY_BAN among them", data.Counts)
	}
}

// Countries are free text: one no conviction is from is refused, naming
// those there are.
func TestUnknownCountryIsRefused(t *testing.T) {
	a := newAPI(t)
	r, _ := a.post(t, `{ convictions(filter: {countries: ["kz"]}) { totalCount } ok: convictions(filter: {countries: ["KZ"]}) { totalCount } }`, nil)
	if len(r.Errors) != 1 {
		t.Fatalf("errors %+v, want one", r.Errors)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(e.Message, `"kz"`) || !strings.Contains(e.Message, "KZ") {
		t.Errorf("error %q %v: want BAD_USER_INPUT naming kz and the known KZ", e.Message, e.Extensions["code"])
	}
	if !strings.Contains(string(r.Data), `"ok":{"totalCount":`) {
		t.Errorf("data %s: want the KZ filter answered", r.Data)
	}
}

func isEnumValue(s string) bool {
	return s != "" && s == strings.ToUpper(s) && !strings.Contains(s, "-")
}
