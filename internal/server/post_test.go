package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestResponseType(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                  mediaJSON,
		"application/json":                  mediaJSON,
		"*/*":                               mediaJSON,
		"application/*;q=0.9":               mediaJSON,
		"application/graphql-response+json": mediaGraphQLResponse,
		"text/html, application/json":       mediaJSON,
		"application/graphql-response+json, application/json;q=0.9": mediaGraphQLResponse,
		"text/html":  mediaGraphQLResponse,
		"nonsense;;": mediaGraphQLResponse,
	} {
		if got := responseType(accept); got != want {
			t.Errorf("Accept %q: %s, want %s", accept, got, want)
		}
	}
}

// writeResponse must write what json.Marshal of the response means.
func TestWriteResponseMatchesJSONMarshal(t *testing.T) {
	hasNext := true
	for name, resp := range map[string]*graphql.Response{
		"data":         {Data: json.RawMessage(`{"node":{"id":"person/a","name":"A <b> & c"}}`)},
		"null data":    {Data: json.RawMessage(`null`)},
		"no data":      {Errors: gqlerror.List{{Message: "bad query", Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"}}}},
		"errors, data": {Data: json.RawMessage(`{"a":null}`), Errors: gqlerror.List{{Message: "gone", Path: ast.Path{ast.PathName("a")}}}},
		"extensions":   {Data: json.RawMessage(`{}`), Extensions: map[string]any{"cost": 3}},
		"incremental":  {Data: json.RawMessage(`{}`), HasNext: &hasNext, Label: "l"},
	} {
		var got bytes.Buffer
		writeResponse(&got, resp)
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got.Bytes(), &g); err != nil {
			t.Errorf("%s: wrote %s, not JSON: %v", name, got.Bytes(), err)
			continue
		}
		_ = json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: wrote %s, json.Marshal gives %s", name, got.Bytes(), want)
		}
	}
}
