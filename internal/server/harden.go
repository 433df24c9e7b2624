package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/kg"
)

// Timeouts bound how long a connection may take over each part of a
// request, so slow or stalled clients cannot hold connections open.
type Timeouts struct {
	ReadHeader time.Duration // the request line and headers
	Read       time.Duration // the whole request, body included
	// Write is from the end of the headers to the end of the answer: a
	// client that does not read its answer is cut off then, and the
	// memory holding the answer freed. 0 is no limit.
	Write time.Duration
	Idle  time.Duration // between requests on a kept-alive connection
}

// writeGrace is how long after the request timeout an answer may take to
// be sent: enough for a slow reader to take the largest answer.
const writeGrace = 15 * time.Second

// TimeoutsFor returns the timeouts serve uses with a request timeout: the
// write timeout leaves every request its whole time and writeGrace to
// send its answer. Without a request timeout there is no write timeout
// either, since it would cut requests short.
func TimeoutsFor(request time.Duration) Timeouts {
	t := Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Idle: 2 * time.Minute}
	if request > 0 {
		t.Write = request + writeGrace
	}
	return t
}

// NewHTTPServer returns an http.Server for h with timeouts t.
func NewHTTPServer(h http.Handler, t Timeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
	}
}

// contentSecurityPolicy lets the GraphiQL page load its scripts, styles and
// fonts from this server and run its one inline script, known by hash, and
// nothing else. Styles need 'unsafe-inline': GraphiQL adds <style> elements
// as it runs, which no hash can name. The fonts are data: URLs in
// GraphiQL's stylesheet.
var contentSecurityPolicy = strings.Join([]string{
	"default-src 'none'",
	"script-src 'self' " + strings.Join(pageScriptHashes, " "),
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data:",
	"font-src 'self' data:",
	"connect-src 'self'",
	"base-uri 'none'",
	"form-action 'none'",
	"frame-ancestors 'none'",
}, "; ")

// securityHeaders sets on every response the headers that keep a browser
// from sniffing types, framing the pages or leaking addresses.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		next.ServeHTTP(w, r)
	})
}

// readBody reads a POST body whole, within the limit limitBody set, and
// refuses a JSON array: gqlgen would answer a batch with a decoding error
// that does not say what is wrong. It reads here rather than in gqlgen so
// a body over the limit without a declared length also gets a 413. JSON
// nested deeper than model.MaxJSONDepth is refused here too, in a GET
// request's variables and extensions as in a POST body, before a decoder
// walks it.
func readBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			// gqlgen answers a malformed query string with the parser's
			// error, which quotes it.
			query, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				answerError(w, r, http.StatusBadRequest,
					"the query string is not valid URL encoding: percent-encode %, & and ; inside values",
					map[string]any{"code": string(kg.Invalid)})
				return
			}
			for _, param := range []string{"variables", "extensions"} {
				for _, v := range query[param] {
					if tooDeep(w, r, "the "+param+" parameter", []byte(v)) || notObject(w, r, "the "+param+" parameter", v) {
						return
					}
				}
			}
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			answerError(w, r, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("the request body exceeds the limit of %d bytes", tooLarge.Limit),
				map[string]any{"code": string(kg.Invalid), "limit": "body", "max": tooLarge.Limit})
			return
		case err != nil:
			answerError(w, r, http.StatusBadRequest, "cannot read the request body",
				map[string]any{"code": string(kg.Invalid)})
			return
		}
		if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
			answerError(w, r, http.StatusBadRequest,
				"batching is not supported: the body is a JSON array; send one operation per request",
				map[string]any{"code": string(kg.Invalid), "limit": "batch"})
			return
		}
		if tooDeep(w, r, "the request body", body) {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// tooDeep answers a request whose JSON, what, nests deeper than
// model.MaxJSONDepth with 400, saying at which byte, and reports whether
// it did.
func tooDeep(w http.ResponseWriter, r *http.Request, what string, data []byte) bool {
	at := nestedPast(data, model.MaxJSONDepth)
	if at < 0 {
		return false
	}
	answerError(w, r, http.StatusBadRequest,
		fmt.Sprintf("%s nests JSON more than %d levels deep, at byte %d: send at most %d", what, model.MaxJSONDepth, at, model.MaxJSONDepth),
		map[string]any{"code": string(kg.Invalid), "limit": "jsonDepth", "max": model.MaxJSONDepth})
	return true
}

// notObject answers a GET request whose parameter, what, is not a JSON
// object with 400, saying why without quoting it, and reports whether it
// did. gqlgen's GET transport would answer without a code.
func notObject(w http.ResponseWriter, r *http.Request, what, value string) bool {
	if value == "" {
		return false // gqlgen reads an empty parameter as none
	}
	dec := json.NewDecoder(strings.NewReader(value))
	dec.UseNumber()
	var object map[string]any
	err := dec.Decode(&object)
	if err == nil {
		return false
	}
	answerError(w, r, http.StatusBadRequest, notJSON(what, err)+": want a JSON object",
		map[string]any{"code": string(kg.Invalid)})
	return true
}

// nestedPast returns the offset of the first bracket in data that opens a
// (max+1)th level of JSON objects and lists, or -1. It counts brackets
// outside strings and checks nothing else, leaving malformed JSON to the
// decoder: one pass over the bytes, which stops at the first level too
// many.
func nestedPast(data []byte, max int) int {
	depth := 0
	inString, escaped := false, false
	for i, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > max {
				return i
			}
		case (c == '}' || c == ']') && depth > 0:
			// A bracket that closes nothing is malformed JSON, the
			// decoder's to refuse; it must not earn levels for later.
			depth--
		}
	}
	return -1
}

// noIntrospection refuses operations that ask for __schema or __type, so
// a server can keep its schema to itself. __typename stays: clients need
// it to tell union members apart.
type noIntrospection struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = noIntrospection{}

func (noIntrospection) ExtensionName() string                   { return "NoIntrospection" }
func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

func (noIntrospection) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || !introspects(oc.Doc, oc.Operation.SelectionSet, map[string]bool{}) {
		return nil
	}
	return &gqlerror.Error{
		Message:    "introspection is disabled on this server (CASEGRAPH_INTROSPECTION=false); the schema is schema.graphqls",
		Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED", "limit": "introspection"},
	}
}

// introspects reports whether a selection asks for __schema or __type at
// the root, directly or through fragments; seen stops fragment cycles.
func introspects(doc *ast.QueryDocument, set ast.SelectionSet, seen map[string]bool) bool {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if introspects(doc, s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := doc.Fragments.ForName(s.Name); f != nil && introspects(doc, f.SelectionSet, seen) {
				return true
			}
		}
	}
	return false
}
