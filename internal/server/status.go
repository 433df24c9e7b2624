package server

import (
	"bytes"
	"context"
	"encoding/json"
	"mime"
	"net/http"

	"github.com/99designs/gqlgen/graphql"

	"github.com/casegraph/casegraph/internal/kg"
)

// answerKey holds the *answer of a /graphql request in its context.
type answerKey struct{}

// answer is what the GraphQL layer learns about its response that the HTTP
// status depends on; graphQL's AroundResponses hook fills it in before
// gqlgen writes the body.
type answer struct {
	ran      bool // the operation was executed, so its data entry stays, even null
	noQuery  bool // the request named no query at all
	dataNull bool // there is no data to show: absent or null
	// Neo4j is away: some error is UNAVAILABLE, or every one is.
	someUnavailable, onlyUnavailable bool
}

// noteAnswer records what the status of resp should reflect.
func noteAnswer(ctx context.Context, resp *graphql.Response) {
	a, _ := ctx.Value(answerKey{}).(*answer)
	if a == nil || resp == nil {
		return
	}
	// gqlgen leaves Data empty only when it refused the request before
	// executing it; an executed operation's data is at least null.
	a.ran = len(resp.Data) > 0
	if graphql.HasOperationContext(ctx) && graphql.GetOperationContext(ctx).RawQuery == "" {
		a.noQuery = true
	}
	unavailable, other := 0, 0
	for _, e := range resp.Errors {
		if code, _ := e.Extensions["code"].(string); code == string(kg.Unavailable) {
			unavailable++
		} else {
			other++
		}
	}
	a.dataNull = !a.ran || string(resp.Data) == "null"
	a.someUnavailable = unavailable > 0
	a.onlyUnavailable = unavailable > 0 && other == 0
}

// outage says whether an answer is the service's failure to answer because
// Neo4j is away: there is no data, or Neo4j's absence is all the errors
// say. A partial answer with other errors is not: the client has data to
// show and errors to explain. application/graphql-response+json allows no
// 5xx when there is data, so only a null one counts there.
func (a *answer) outage(mediaType string) bool {
	if mediaType == mediaGraphQLResponse {
		return a.someUnavailable && a.dataNull
	}
	return a.someUnavailable && (a.dataNull || a.onlyUnavailable)
}

// graphQLStatus sets the HTTP status of gqlgen's answers where GraphQL over
// HTTP, or the clients' need to retry, asks for another one than gqlgen's:
//
//   - 503 with Retry-After when Neo4j is away, so load balancers, proxies,
//     monitoring and clients' retry logic see an outage without reading
//     the body (GraphQL over HTTP discourages a 5xx for application/json
//     but allows it; see docs/reliability.md);
//   - 200 instead of 422 for parse, validation and variable errors answered
//     as application/json, whose clients read errors from the body and may
//     drop the body of a non-2xx answer (400 when the request had no query:
//     that is not a GraphQL request at all);
//   - no "data" entry in answers to requests that were never executed
//     (refused by the parser, validation or a limit), as the GraphQL spec
//     says and application/graphql-response+json clients check.
//
// It buffers the answer, which gqlgen has already marshalled in full and
// whose size the query limits bound, so it can choose the status last.
func graphQLStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := &answer{}
		bw := &bufferedWriter{header: w.Header()}
		next.ServeHTTP(bw, r.WithContext(context.WithValue(r.Context(), answerKey{}, a)))

		status, body := bw.status, bw.body.Bytes()
		if status == 0 {
			status = http.StatusOK
		}
		mediaType, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
		switch {
		case status == http.StatusOK && a.outage(mediaType):
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", "1")
		case status == http.StatusUnprocessableEntity && mediaType == mediaJSON:
			status = http.StatusOK
			if a.noQuery {
				status = http.StatusBadRequest
			}
		}
		// application/graphql-response+json needs a 4xx or 5xx for an answer
		// without data: where gqlgen's 200 stands (a limit's refusal, an
		// unknown persisted query) "data": null stays.
		if !a.ran && (status >= 400 || mediaType != mediaGraphQLResponse) {
			body = withoutNullData(body)
			w.Header().Del("Content-Length")
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// withoutNullData drops a null "data" entry from a JSON object; anything
// else is returned as it is.
func withoutNullData(body []byte) []byte {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return body
	}
	if d, ok := fields["data"]; !ok || !bytes.Equal(bytes.TrimSpace(d), []byte("null")) {
		return body
	}
	delete(fields, "data")
	out, err := json.Marshal(fields)
	if err != nil {
		return body
	}
	return out
}

// bufferedWriter holds an answer until graphQLStatus has chosen its status.
// Headers go straight to the real writer's map: nothing is sent before
// WriteHeader on the real writer.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
