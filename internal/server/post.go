package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/casegraph/casegraph/internal/kg"
)

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// postJSON answers POST requests as gqlgen's transport.POST does (the same
// content negotiation and statuses) but writes the answer itself, and
// answers a body that is not a GraphQL request without quoting it, as
// transport.POST would. gqlgen passes every answer through json.Marshal,
// which checks and copies again the data its executor has just written as
// compact JSON.
//
// It is kept for speed, measured against transport.POST with
// BenchmarkNodeQuery (docs/benchmarks.md, "What was tried"): the process's
// CPU time over alternating runs, since the wall-clock times of this
// two-core machine vary far more than the gain. transport.POST took 4%
// more CPU per request, and 12% more with the check readBody would then
// need so that a bad body is not quoted back (decoding every body twice).
// Measure again before replacing it, and remove it when the gain is gone.
type postJSON struct{}

var _ graphql.Transport = postJSON{}

func (postJSON) Supports(r *http.Request) bool { return transport.POST{}.Supports(r) }

func (postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseType(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", contentType)
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		// readBody has read the body whole, so this should not happen;
		// the reader's error, which may quote it, stays unshown.
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{{Message: "cannot read the request body", Extensions: map[string]any{"code": string(kg.Invalid)}}}))
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{{Message: notJSON("the request body", err) + ": " + wantBody, Extensions: map[string]any{"code": string(kg.Invalid)}}}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		if errcode.GetErrorKind(opErr) == errcode.KindProtocol {
			if contentType == mediaGraphQLResponse {
				w.WriteHeader(http.StatusBadRequest)
			} else {
				w.WriteHeader(http.StatusUnprocessableEntity)
			}
		}
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen runs nothing once the request's context has ended: its
		// client left, or its time ran out before the operation started.
		resp = exec.DispatchError(ctx, gqlerror.List{{
			Message:    "the request's time ran out before it could run; retry",
			Extensions: map[string]any{"code": string(kg.Unavailable)},
		}})
	}
	writeResponse(w, resp)
}

// notJSON says why what, a body or a GET request's parameter, is not the
// JSON it should be, without quoting it: gqlgen's message repeated the
// whole body, and whatever a client sent (or was made to send) would come
// back in the answer and any log of it.
func notJSON(what string, err error) string {
	var syntax *json.SyntaxError
	var wrongType *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("%s is not valid JSON (at byte %d)", what, syntax.Offset)
	case errors.As(err, &wrongType) && wrongType.Field != "":
		return fmt.Sprintf("%s's %s is a JSON %s", what, wrongType.Field, wrongType.Value)
	case errors.As(err, &wrongType):
		return fmt.Sprintf("%s is a JSON %s", what, wrongType.Value)
	case errors.Is(err, io.EOF):
		return what + " is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return what + " ends inside its JSON"
	}
	return what + " cannot be read as JSON"
}

// responseType picks the answer's media type from an Accept header as
// transport.POST does: the first of its media types that gqlgen knows
// decides, application/graphql-response+json if none does, and
// application/json if there is no Accept header.
func responseType(accept string) string {
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", mediaJSON:
			return mediaJSON
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		}
	}
	return mediaGraphQLResponse
}

// writeResponse writes what json.Marshal of resp means, with the data as
// the executor wrote it (so <, > and & in strings are not escaped). Answers of incremental delivery or with extensions,
// which casegraph does not send, still go through json.Marshal.
func writeResponse(w io.Writer, resp *graphql.Response) {
	if resp.Label != "" || resp.Path != nil || resp.HasNext != nil || len(resp.Extensions) > 0 {
		b, err := json.Marshal(resp)
		if err != nil {
			b = unmarshallable(err)
		}
		_, _ = w.Write(b)
		return
	}
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			_, _ = w.Write(unmarshallable(err))
			return
		}
		_, _ = io.WriteString(w, `{"errors":`)
		_, _ = w.Write(errs)
		_, _ = io.WriteString(w, `,"data":`)
	} else {
		_, _ = io.WriteString(w, `{"data":`)
	}
	if len(resp.Data) == 0 {
		_, _ = io.WriteString(w, "null}")
		return
	}
	_, _ = w.Write(resp.Data)
	_, _ = io.WriteString(w, "}")
}

func unmarshallable(err error) []byte {
	b, _ := json.Marshal(map[string]any{"errors": []map[string]string{{"message": "the answer cannot be written as JSON: " + err.Error()}}})
	return b
}
