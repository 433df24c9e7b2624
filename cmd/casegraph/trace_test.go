package main

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/neo4jtest"
	"github.com/casegraph/casegraph/internal/tracing/otlptest"
)

// With OTEL_EXPORTER_OTLP_ENDPOINT set, serve's spans reach the receiver,
// the last of them sent when it stops: the request's, named by its
// X-Request-ID, with its statements in the same trace, whose ID the
// request's log line gives.
func TestServeSendsTraces(t *testing.T) {
	uri := neo4jtest.URI(t)
	rec := otlptest.Start(t)
	var requestID string
	var logs *syncBuffer
	// Registered before service's, so it runs once serve has stopped.
	t.Cleanup(func() {
		var trace []byte
		for _, s := range rec.Spans() {
			if s.Name == "POST /graphql" && otlptest.Attr(s, "casegraph.request_id") == requestID {
				trace = s.TraceId
			}
		}
		if trace == nil {
			t.Fatalf("no span of request %s reached the receiver", requestID)
		}
		statements := 0
		for _, s := range rec.Spans() {
			if string(s.TraceId) == string(trace) && otlptest.Attr(s, "db.system") == "neo4j" {
				statements++
			}
		}
		if statements == 0 {
			t.Error("no statement span in the request's trace")
		}
		var line map[string]any
		for _, l := range strings.Split(logs.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" && m["request_id"] == requestID {
				line = m
			}
		}
		if line["trace_id"] != hex.EncodeToString(trace) {
			t.Errorf("request log line %v, want trace_id %x", line, trace)
		}
	})
	base, serveLogs := service(t, uri, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": rec.URL})
	logs = serveLogs
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"query Probe { node(id: \"person/none\") { id } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	requestID = resp.Header.Get("X-Request-ID")
}
