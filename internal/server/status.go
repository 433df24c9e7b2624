package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

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
	// The service could not answer: Neo4j is away (UNAVAILABLE) or every
	// connection the API may use is busy (OVERLOADED). Some error says
	// so, or every one does.
	someUnavailable, onlyUnavailable bool
	// retryAfter is the Retry-After, in seconds, of a request refused
	// by the client's budget (graph.Limits, clientBudget); 0 if it was not.
	retryAfter int
	// mutation: the operation writes. Its answer is never replaced by the
	// answer cap's error: it may say a change was saved.
	mutation bool
	// getMutation: a mutation sent by GET was refused (getQueriesOnly).
	getMutation bool
}

// retryLater says whether an error code means that the service, not the
// request, failed, so the same request may succeed in a moment.
func retryLater(code string) bool {
	return code == string(kg.Unavailable) || code == string(kg.Overloaded)
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
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		a.noQuery = oc.RawQuery == ""
		a.mutation = oc.Operation != nil && oc.Operation.Operation == ast.Mutation
	}
	unavailable, other := 0, 0
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		switch {
		case e.Extensions["saved"] != nil && e.Extensions["saved"] != "NO":
			// A write that was, or may have been, saved is no outage: a
			// 503 would tell proxies and clients to send it again.
			other++
		case retryLater(code):
			unavailable++
		case code == codeMethodNotAllowed:
			a.getMutation = true
			other++
		case code == string(kg.RateLimited) && !a.ran:
			a.retryAfter, _ = e.Extensions["retryAfter"].(int)
			other++
		default:
			other++
		}
	}
	a.dataNull = !a.ran || string(resp.Data) == "null"
	a.someUnavailable = unavailable > 0
	a.onlyUnavailable = unavailable > 0 && other == 0
}

// outage says whether an answer is the service's failure to answer because
// Neo4j is away or too busy: there is no data, or that is all the errors
// say. An answer with other errors is not, even if every root field is
// null: the client has errors to explain, which a retry would not mend.
// application/graphql-response+json allows no 5xx when there is data, so
// only a null one counts there; root fields are nullable, so a failed
// query answers {"stats": null}, which is data.
func (a *answer) outage(mediaType string) bool {
	if mediaType == mediaGraphQLResponse {
		return a.someUnavailable && a.dataNull
	}
	return a.someUnavailable && (a.dataNull || a.onlyUnavailable)
}

// graphQLStatus sets the HTTP status of gqlgen's answers where GraphQL over
// HTTP, or the clients' need to retry, asks for another one than gqlgen's:
//
//   - 503 with Retry-After when Neo4j is away or every connection the API
//     may use is busy, so load balancers, proxies, monitoring and clients'
//     retry logic see an outage without reading the body (GraphQL over
//     HTTP discourages a 5xx for application/json but allows it; see
//     docs/reliability.md);
//   - 429 with Retry-After when the client's budget cannot pay for the
//     operation, as for requests refused before GraphQL ran (rateLimit);
//   - 405 with Allow: POST for a mutation sent by GET (getQueriesOnly), as
//     GraphQL over HTTP asks; gqlgen's GET transport would answer 406;
//   - an error instead of an answer larger than maxAnswer bytes, so no
//     request can make the service hold and send an answer of any size
//     (but for a mutation's, which may say what was saved, and which the
//     one-mutation-per-request rule and the body limit keep small);
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
func graphQLStatus(maxAnswer int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := &answer{}
		bw := &bufferedWriter{header: w.Header(), max: maxAnswer, answer: a}
		next.ServeHTTP(bw, r.WithContext(context.WithValue(r.Context(), answerKey{}, a)))

		status, body := bw.status, bw.body.Bytes()
		if status == 0 {
			status = http.StatusOK
		}
		mediaType, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
		if bw.over {
			body = answerTooLarge(r, bw.size, maxAnswer, mediaType)
			w.Header().Del("Content-Length")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body)
			return
		}
		switch {
		case a.getMutation:
			status = http.StatusMethodNotAllowed
			w.Header().Set("Allow", http.MethodPost)
		case status == http.StatusOK && a.retryAfter > 0:
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(a.retryAfter))
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

// answerTooLarge is the answer sent instead of one over the limit: an
// error that names the limit, and no data (null for
// application/graphql-response+json, which allows an answer without data
// only with a 4xx or 5xx status). The request ran, so it keeps its 200.
func answerTooLarge(r *http.Request, size, limit int, mediaType string) []byte {
	e := map[string]any{
		"message": fmt.Sprintf("the answer of %d bytes is larger than the limit of %d bytes: ask for fewer fields, smaller pages or smaller graph views", size, limit),
		"extensions": map[string]any{
			"code": string(kg.Invalid), "limit": "answer", "max": limit,
		},
	}
	out := map[string]any{"errors": []any{e}}
	if mediaType == mediaGraphQLResponse {
		out["data"] = nil
	}
	if info := infoFrom(r.Context()); info != nil {
		info.errorCodes = []string{string(kg.Invalid)}
	}
	b, _ := json.Marshal(out)
	return b
}

// bufferedWriter holds an answer until graphQLStatus has chosen its status.
// Headers go straight to the real writer's map: nothing is sent before
// WriteHeader on the real writer. Past max bytes it keeps only the count.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
	max    int  // bytes to hold at most; 0 holds any
	size   int  // bytes written
	over   bool // more than max were written, and the body was dropped
	answer *answer
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
	b.size += len(p)
	if b.over || (b.max > 0 && b.size > b.max && !b.answer.mutation) {
		if !b.over {
			b.over = true
			b.body = bytes.Buffer{}
		}
		return len(p), nil
	}
	return b.body.Write(p)
}
