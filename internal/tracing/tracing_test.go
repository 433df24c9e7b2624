package tracing_test

import (
	"context"
	"testing"

	"github.com/casegraph/casegraph/internal/tracing"
	"github.com/casegraph/casegraph/internal/tracing/otlptest"
)

// Without an endpoint there is no provider, so no exporter and no spans:
// the server and the store make none.
func TestNoEndpointInstallsNoExporter(t *testing.T) {
	tp, err := tracing.New(tracing.Config{ServiceName: "casegraph", SampleRatio: 1})
	if err != nil {
		t.Fatal(err)
	}
	if tp != nil {
		t.Fatalf("got a tracer provider %v with no endpoint configured", tp)
	}
}

// sendOne ends one span through a provider that sends to a receiver of
// its own at ratio, shuts the provider down, and returns the receiver.
func sendOne(t *testing.T, ratio float64) (recorded bool, rec *otlptest.Receiver) {
	t.Helper()
	rec = otlptest.Start(t)
	tp, err := tracing.New(tracing.Config{Endpoint: rec.URL + "/v1/traces", ServiceName: "casegraph", SampleRatio: ratio})
	if err != nil {
		t.Fatal(err)
	}
	if tp == nil {
		t.Fatal("no tracer provider with an endpoint configured")
	}
	_, span := tp.Tracer("test").Start(context.Background(), "POST /graphql")
	recorded = span.IsRecording()
	span.End()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	return recorded, rec
}

// With an endpoint, spans reach it as OTLP protobuf at /v1/traces, at the
// latest when the provider is shut down, as serve does when it stops.
func TestSpansReachTheEndpoint(t *testing.T) {
	_, rec := sendOne(t, 1)
	if spans := rec.Spans(); len(spans) != 1 || spans[0].Name != "POST /graphql" {
		t.Fatalf("the receiver got spans %v, want the one ended", spans)
	}
}

// A sample ratio of 0 keeps no trace.
func TestSampleRatioZeroSendsNothing(t *testing.T) {
	recorded, rec := sendOne(t, 0)
	if recorded {
		t.Error("a span is recorded at a sample ratio of 0")
	}
	if spans := rec.Spans(); len(spans) != 0 {
		t.Errorf("the receiver got %v", spans)
	}
}
