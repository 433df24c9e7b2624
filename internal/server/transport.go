package server

import (
	"context"
	"mime"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The codes of requests HTTP itself refuses: the client's transport, not
// what its user asked, must change. They are HTTP's, so they stay here
// rather than among the domain's codes.
const (
	codeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	codeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
)

// allowedMethods are the methods /graphql answers, as its 405s say.
const allowedMethods = "GET, POST, OPTIONS"

// wantBody says what a POST body must be.
const wantBody = "want a JSON object with query, and optionally operationName, variables and extensions"

// getKey marks the context of a GET request, for getQueriesOnly.
type getKey struct{}

// acceptTransports answers, as GraphQL errors with a code, the requests
// that none of graphQL's transports takes: gqlgen would answer them all
// 400 "transport not supported", without a code and whatever the cause.
// Neither the method nor the Content-Type is repeated: both are the
// client's text.
func acceptTransports(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			r = r.WithContext(context.WithValue(r.Context(), getKey{}, true))
		case http.MethodPost:
			if !postsJSON(w, r) {
				return
			}
		case http.MethodOptions:
		default:
			w.Header().Set("Allow", allowedMethods)
			answerError(w, r, http.StatusMethodNotAllowed,
				"/graphql takes queries by GET or POST and mutations by POST",
				map[string]any{"code": codeMethodNotAllowed})
			return
		}
		if r.Header.Get("Upgrade") != "" {
			// WebSockets went to the streams (see isStream). Any other
			// upgrade (curl's h2c) is declined by answering the request as
			// it is, as HTTP/1.1 allows; gqlgen's transports would refuse
			// it instead.
			r = r.Clone(r.Context())
			r.Header.Del("Upgrade")
		}
		next.ServeHTTP(w, r)
	})
}

// postsJSON says whether a POST's body is declared JSON, and answers 415
// when it is not.
func postsJSON(w http.ResponseWriter, r *http.Request) bool {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && mediaType == mediaJSON {
		return true
	}
	w.Header().Set("Accept-Post", mediaJSON)
	answerError(w, r, http.StatusUnsupportedMediaType,
		"a POST request's Content-Type must be application/json: "+wantBody,
		map[string]any{"code": codeUnsupportedMediaType})
	return false
}

// getQueriesOnly refuses a mutation sent by GET, which a browser may
// send from a link or an image, and a cache may repeat. It runs before
// the limits, so a refused request costs nothing more; graphQLStatus
// answers its error 405 with Allow: POST.
type getQueriesOnly struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = getQueriesOnly{}

func (getQueriesOnly) ExtensionName() string                   { return "GetQueriesOnly" }
func (getQueriesOnly) Validate(graphql.ExecutableSchema) error { return nil }

func (getQueriesOnly) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	// A subscription is told where to go by streamsCarrySubscriptions, as
	// one sent by POST is.
	if get, _ := ctx.Value(getKey{}).(bool); !get || oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return nil
	}
	return &gqlerror.Error{
		Message:    "a mutation must be sent by POST: GET requests may only query",
		Extensions: map[string]any{"code": codeMethodNotAllowed},
	}
}
