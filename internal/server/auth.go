package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/kg"
)

// bearerAuth puts the principal of the request's bearer token in its
// context, where kg.Require finds it. A token that is present must be valid,
// so a client with a mistyped token learns at once instead of being served
// as an anonymous reader. A request without a token passes only when reads
// are open; each mutation then refuses it with kg.Require.
//
// The token is never logged or echoed: errors name the problem, not the
// value.
//
// A token not found costs its client's address one unit of a budget of
// its own, as large as the rate limit's, and an address with nothing left
// there is refused before its token is looked up: guessing tokens, or a
// flood of made-up ones, cannot keep Neo4j busy. Valid tokens never spend
// it.
func bearerAuth(o Options, limiter *rateLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok, no := authenticate(r.Context(), o, limiter, clientAddr(r), r.Header.Get("Authorization"))
		if no != nil {
			switch {
			case no.wait > 0:
				refuseRate(w, r, limiter, no.wait)
			case no.code == kg.Unavailable || no.code == kg.Overloaded:
				// Neo4j is away or too busy: the client may retry shortly.
				w.Header().Set("Retry-After", "1")
				refuse(w, r, http.StatusServiceUnavailable, no.code, no.message)
			case no.code == kg.Internal:
				refuse(w, r, http.StatusInternalServerError, no.code, no.message)
			default:
				refuse(w, r, http.StatusUnauthorized, no.code, no.message)
			}
			return
		}
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if info := infoFrom(r.Context()); info != nil {
			info.actor = p.Name
		}
		next.ServeHTTP(w, r.WithContext(kg.WithPrincipal(r.Context(), p)))
	})
}

// refusal is why authenticate refused a client.
type refusal struct {
	code    kg.Code
	message string
	wait    time.Duration // over the budget for tokens not found: retry after
}

// authenticate applies the rules bearerAuth describes to the Authorization
// header (or, on a WebSocket, connection_init's Authorization) of a client
// at addr: it returns the token's principal, or ok false for a client
// without a token where reads are open, or why the client is refused.
func authenticate(ctx context.Context, o Options, limiter *rateLimiter, addr, header string) (p kg.Principal, ok bool, no *refusal) {
	if header == "" {
		if o.ReadAccess == ReadToken {
			return p, false, &refusal{code: kg.Unauthenticated, message: "this needs a bearer token with the reader role"}
		}
		return p, false, nil
	}
	token, ok := bearerToken(header)
	if !ok {
		return p, false, &refusal{code: kg.Unauthenticated, message: "the Authorization header must be \"Bearer\" and a token"}
	}
	if o.Authenticate == nil {
		return p, false, &refusal{code: kg.Unauthenticated, message: "the bearer token is not valid"}
	}
	guesses := "guess:" + addr
	if limiter != nil {
		if ok, wait := limiter.take(guesses, 1, 0); !ok {
			return p, false, &refusal{code: kg.RateLimited, wait: wait}
		}
	}
	p, err := o.Authenticate(ctx, token)
	switch code := kg.ErrorCode(err); {
	case err == nil:
		return p, true, nil
	case code == kg.Unauthenticated:
		if limiter != nil {
			limiter.take(guesses, 0, 1)
		}
		return p, false, &refusal{code: code, message: kg.ErrorMessage(err)}
	case code == kg.Unavailable || code == kg.Overloaded:
		o.Log.WarnContext(ctx, "cannot check a bearer token", "error", err.Error())
		return p, false, &refusal{code: code, message: kg.ErrorMessage(err)}
	default:
		o.Log.ErrorContext(ctx, "checking a bearer token failed", "error", err.Error())
		return p, false, &refusal{code: kg.Internal, message: "checking the bearer token failed"}
	}
}

// bearerToken reads "Bearer TOKEN"; the scheme's case does not matter
// (RFC 7235), and a token has no spaces.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}

// refuse answers in GraphQL's error shape, so clients handle it like any
// other error, and records the code for the request's log line.
func refuse(w http.ResponseWriter, r *http.Request, status int, code kg.Code, message string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="casegraph"`)
	}
	answerError(w, r, status, message, map[string]any{"code": string(code)})
}

// answerError writes one GraphQL-shaped error; extensions must hold its code.
func answerError(w http.ResponseWriter, r *http.Request, status int, message string, extensions map[string]any) {
	code, _ := extensions["code"].(string)
	if info := infoFrom(r.Context()); info != nil {
		info.errorCodes = append(info.errorCodes, code)
	}
	if id := kg.RequestID(r.Context()); id != "" && graph.LoggedCause(kg.Code(code)) {
		extensions["requestId"] = id
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{
		"message":    message,
		"extensions": extensions,
	}}})
}
