package server_test

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Root fields are nullable: one that fails is null with an error naming
// its path, and the others still answer.
func TestPartialAnswer(t *testing.T) {
	a := newAPI(t)
	r, _ := a.post(t, `{ stats { nodes } timeline(of: "person/nope") { kind } }`, nil)
	var data struct {
		Stats *struct {
			Nodes int `json:"nodes"`
		} `json:"stats"`
		Timeline *[]any `json:"timeline"`
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatalf("data: %v\n%s", err, r.Data)
	}
	if data.Stats == nil || data.Stats.Nodes == 0 {
		t.Errorf("stats = %s, want the graph's counts beside the failed timeline", r.Data)
	}
	if data.Timeline != nil {
		t.Errorf("timeline = %v, want null", *data.Timeline)
	}
	if len(r.Errors) != 1 {
		t.Fatalf("errors %+v, want one", r.Errors)
	}
	if got := r.Errors[0].Path; !reflect.DeepEqual(got, []any{"timeline"}) {
		t.Errorf("error path %v, want [timeline]", got)
	}
	if code := r.Errors[0].Extensions["code"]; code != "NOT_FOUND" {
		t.Errorf("error code %v, want NOT_FOUND", code)
	}
}
