package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/kg"
)

// Subscriptions are streams: a WebSocket (graphql-transport-ws, or the
// older graphql-ws) or a response of Server-Sent Events (graphql-sse,
// "distinct connections" mode). They last as long as the client wants, so
// they bypass what bounds a request in time and size (the request timeout,
// the server's read and write deadlines, the answer cap) and are bounded
// instead by the feed's count of open subscriptions, per client and in
// all. They carry subscriptions only; queries and mutations keep to
// POST and GET, where those bounds hold.

// MaxAddressStreams bounds the WebSockets and event streams one address
// holds open.
const MaxAddressStreams = 64

// Defaults of the streams' timing.
const (
	// DefaultTokenRecheck is how often a stream's token is checked again,
	// so a revoked token's subscriptions end.
	DefaultTokenRecheck = 30 * time.Second
	// keepAlive is how often an idle stream sends a ping, so proxies keep
	// it. A graphql-transport-ws peer must answer with a pong within two
	// of these or its socket is closed; on the other streams a peer that
	// vanished is noticed when a write to it fails or outlasts
	// streamWriteTimeout (which, while the kernel still takes what is
	// sent, may be only when TCP gives up on it).
	keepAlive = 25 * time.Second
	// initTimeout is how long a WebSocket may take to send
	// connection_init.
	initTimeout = 10 * time.Second
)

type streamKey struct{}
type addrKey struct{}

// isStream says whether a request opens a stream: a WebSocket upgrade, or
// a POST whose Accept names text/event-stream first. Clients such as urql
// name it after JSON in every request, for answers in parts, and those
// stay requests.
func isStream(r *http.Request) bool {
	if isWebSocket(r) {
		return true
	}
	first, _, _ := strings.Cut(r.Header.Get("Accept"), ",")
	first, _, _ = strings.Cut(first, ";")
	return r.Method == http.MethodPost && strings.EqualFold(strings.TrimSpace(first), "text/event-stream")
}

// isWebSocket says whether a request asks to upgrade to a WebSocket: its
// Upgrade header names the websocket protocol among its tokens.
func isWebSocket(r *http.Request) bool {
	return hasToken(r.Header, "Upgrade", "websocket")
}

// hasToken says whether one of the comma-separated values of header key is
// token, in any case.
func hasToken(h http.Header, key, token string) bool {
	for _, v := range h.Values(key) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// handshakeOK makes the checks coder/websocket makes of a handshake, in
// its words: one that fails them is refused here with a code, where coder
// would answer with text quoting the client's headers and gqlgen would add
// an error without a code.
func handshakeOK(r *http.Request) bool {
	keys := r.Header.Values("Sec-WebSocket-Key")
	if len(keys) != 1 {
		return false
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(keys[0]))
	return err == nil && len(key) == 16 &&
		r.ProtoAtLeast(1, 1) && r.Method == http.MethodGet &&
		hasToken(r.Header, "Connection", "upgrade") && hasToken(r.Header, "Upgrade", "websocket") &&
		r.Header.Get("Sec-WebSocket-Version") == "13"
}

// streamOnly is a stream's transport that takes only the requests streams
// routed to it.
type streamOnly struct{ graphql.Transport }

func (t streamOnly) Supports(r *http.Request) bool {
	stream, _ := r.Context().Value(streamKey{}).(bool)
	return stream && t.Transport.Supports(r)
}

func ptr[T any](v T) *T { return &v }

// streams is the /graphql chain of streams; gql must hold the Websocket
// and SSE transports (see graphQL).
func streams(o Options, limiter *rateLimiter, gql http.Handler) http.Handler {
	open := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A stream outlives the server's deadlines for a request.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		ctx := context.WithValue(r.Context(), streamKey{}, true)
		ctx = context.WithValue(ctx, addrKey{}, clientAddr(r))
		gql.ServeHTTP(w, r.WithContext(ctx))
	})
	sse := bearerAuth(o, limiter, rateLimit(limiter, limitBody(MaxBodyBytes, readBody(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// gqlgen's event streams quote a body they cannot decode in
			// the answer and the log; postJSON's words say what is wrong
			// without quoting it.
			body, _ := io.ReadAll(r.Body)
			var params graphql.RawParams
			if err := json.Unmarshal(body, &params); err != nil {
				answerError(w, r, http.StatusBadRequest, notJSON("the request body", err)+": "+wantBody, map[string]any{"code": string(kg.Invalid)})
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			ctx := whileValid(r.Context(), o, r.Header.Get("Authorization"))
			open.ServeHTTP(newDeadlineWriter(w, streamWriteTimeout), r.WithContext(graph.WithSubscriber(ctx, clientKey(r.Context(), clientAddr(r)))))
			// The connection may serve another request, which the last
			// write's deadline must not cut short.
			_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		})))))
	// A WebSocket's token comes in connection_init (browsers cannot set
	// its headers): webSocketInit checks it. Opening one costs a unit of
	// the address's rate budget, as a request does.
	allowed := exactOrigins(o.CORSOrigins)
	ws := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A handshake gqlgen could not accept is told what is wrong, with
		// a code, rather than gqlgen's bare "unable to upgrade".
		if !handshakeOK(r) {
			answerError(w, r, http.StatusBadRequest,
				"a WebSocket opens with a GET carrying Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Version: 13 and one Sec-WebSocket-Key of 16 bytes in base64, and a subprotocol: graphql-transport-ws or graphql-ws",
				map[string]any{"code": string(kg.Invalid)})
			return
		}
		if !sameOriginOr(r, allowed) {
			refuse(w, r, http.StatusForbidden, kg.Forbidden, "WebSockets are taken from this server's own pages and the origins CASEGRAPH_CORS_ORIGINS lists")
			return
		}
		if limiter != nil {
			if ok, wait := limiter.allow("addr:" + clientAddr(r)); !ok {
				refuseRate(w, r, limiter, wait)
				return
			}
		}
		if limiter != nil {
			r = r.WithContext(context.WithValue(r.Context(), meterKey{}, &socketMeter{limiter: limiter}))
		}
		open.ServeHTTP(w, r)
	})
	held := &streamCount{byAddr: map[string]int{}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Streams last: each address may hold a bounded number, whether or
		// not they carry a subscription.
		addr := clientAddr(r)
		if !held.enter(addr) {
			answerError(w, r, http.StatusTooManyRequests,
				fmt.Sprintf("this address has %d WebSockets and event streams open, the most it may: close one first", MaxAddressStreams),
				map[string]any{"code": string(kg.RateLimited), "limit": "streams", "max": MaxAddressStreams})
			return
		}
		defer held.leave(addr)
		switch {
		case isWebSocket(r):
			ws.ServeHTTP(w, r)
		case postsJSON(w, r): // gqlgen would answer 400 without a code
			sse.ServeHTTP(w, r)
		}
	})
}

// streamCount counts the streams each address holds open.
type streamCount struct {
	mu     sync.Mutex
	byAddr map[string]int
}

func (c *streamCount) enter(addr string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byAddr[addr] >= MaxAddressStreams {
		return false
	}
	c.byAddr[addr]++
	return true
}

func (c *streamCount) leave(addr string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byAddr[addr]--; c.byAddr[addr] <= 0 {
		delete(c.byAddr, addr)
	}
}

// sameOriginOr allows a request without an Origin (not from a browser),
// from a page of this server, or from an origin allowed.
func sameOriginOr(r *http.Request, allowed func(string) bool) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || allowed(origin) {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// clientKey names a client as the rate limit does: by its token's name,
// or by its address.
func clientKey(ctx context.Context, addr string) string {
	if p, ok := kg.PrincipalFrom(ctx); ok {
		return "token:" + p.Name
	}
	return "addr:" + addr
}

// webSocketInit authenticates a WebSocket's connection_init by its
// Authorization entry, by the rules of bearerAuth, and spends the rate
// budget as a request would.
func webSocketInit(o Options, limiter *rateLimiter) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		addr, _ := ctx.Value(addrKey{}).(string)
		header := payload.Authorization()
		p, ok, no := authenticate(ctx, o, limiter, addr, header)
		if no != nil {
			if info := infoFrom(ctx); info != nil {
				info.errorCodes = append(info.errorCodes, string(no.code))
			}
			message := string(no.code) + ": " + no.message
			if no.wait > 0 {
				message = string(kg.RateLimited) + ": too many tokens that are not valid from this address; retry later"
			}
			ctx = transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, closeCodes[no.code]), string(no.code))
			return ctx, nil, errors.New(message)
		}
		if ok {
			ctx = kg.WithPrincipal(ctx, p)
			if info := infoFrom(ctx); info != nil {
				info.actor = p.Name
			}
		}
		key := clientKey(ctx, addr)
		if limiter != nil {
			// Each message then pays a unit as it comes (socketMeter), as
			// a request pays at the door, and Limits the rest of its cost.
			ctx = graph.WithBudget(ctx, clientBudget{limiter, key})
		}
		if m, ok := ctx.Value(meterKey{}).(*socketMeter); ok {
			m.setClient(key)
		}
		return graph.WithSubscriber(whileValid(ctx, o, header), key), nil, nil
	}
}

// closeCodes close a WebSocket whose connection_init is refused, as
// graphql-ws clients read them: 4401 and 4403 are not retried, 1013 is.
var closeCodes = map[kg.Code]int{
	kg.Unauthenticated: 4401,
	kg.RateLimited:     4429,
	kg.Unavailable:     1013,
	kg.Overloaded:      1013,
	kg.Internal:        4500,
}

// whileValid returns a context that ends when the bearer token of header,
// checked again every TokenRecheck, is no longer valid (revoked, or its
// role taken away): a stream then ends, as a request with it would be
// refused. Without a token it is ctx.
func whileValid(ctx context.Context, o Options, header string) context.Context {
	token, ok := bearerToken(header)
	if !ok || o.Authenticate == nil {
		return ctx
	}
	every := o.TokenRecheck
	if every <= 0 {
		every = DefaultTokenRecheck
	}
	ctx, cancel := context.WithCancelCause(ctx)
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			check, stop := context.WithTimeout(ctx, 5*time.Second)
			_, err := o.Authenticate(check, token)
			stop()
			// Neo4j being away is no reason to end a stream: the token is
			// checked again next time.
			if kg.ErrorCode(err) == kg.Unauthenticated {
				cancel(err)
				return
			}
		}
	}()
	return ctx
}

// streamsCarrySubscriptions refuses a subscription outside a stream (POST
// would wait for its first change, then end) and a query or mutation
// inside one (it would escape the request timeout and the answer cap).
type streamsCarrySubscriptions struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = streamsCarrySubscriptions{}

func (streamsCarrySubscriptions) ExtensionName() string                   { return "StreamsCarrySubscriptions" }
func (streamsCarrySubscriptions) Validate(graphql.ExecutableSchema) error { return nil }

func (streamsCarrySubscriptions) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	stream, _ := ctx.Value(streamKey{}).(bool)
	switch subscription := oc.Operation.Operation == ast.Subscription; {
	case subscription && !stream:
		return &gqlerror.Error{
			Message:    "a subscription needs a stream: a WebSocket (graphql-transport-ws or graphql-ws) or a POST with Accept: text/event-stream (graphql-sse); see docs/api.md",
			Extensions: map[string]any{"code": string(kg.Invalid)},
		}
	case !subscription && stream:
		return &gqlerror.Error{
			Message:    "WebSockets and event streams carry subscriptions: send queries and mutations by POST or GET",
			Extensions: map[string]any{"code": string(kg.Invalid)},
		}
	}
	return nil
}
