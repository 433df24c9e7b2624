package neo4jstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// countedStatements is the store's metrics, counting statements by mode.
type countedStatements struct {
	mu    sync.Mutex
	count map[string]int
}

func (c *countedStatements) Statement(mode string, _ time.Duration, _ error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count[mode]++
}
func (*countedStatements) Write(string, error)                         {}
func (*countedStatements) CacheLookup(string, bool)                    {}
func (*countedStatements) CacheEntries(string, func() int, func() int) {}
func (*countedStatements) Connections(func() int, int)                 {}

func (c *countedStatements) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count["read"] + c.count["write"]
}

// Every way the store sends a statement, the API's reads, the driver's
// ExecuteQuery (readiness, tokens), a write's transaction and export's
// read transaction, counts it in the metrics and gives it one span, a
// child of the caller's, that ends and holds the statement's text but no
// value it was sent with.
func TestEveryStatementIsCountedAndTraced(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	counted := &countedStatements{count: map[string]int{}}
	s := neo4jtest.StoreWith(t, neo4jstore.Options{URI: neo4jtest.URI(t), Database: "neo4j", Metrics: counted, Tracing: tp})
	id := fmt.Sprintf("source/traced-%d", time.Now().UnixNano())
	source := kg.Entity{ID: id, Type: kg.Source, Props: map[string]any{"title": "Traced", "publisher": "Someone"}}

	tests := []struct {
		name string
		do   func(ctx context.Context) error
		// want is how many statements it sends; 0 when it is not fixed.
		want int
	}{
		{"readiness", s.Ping, 1},
		{"tokens", func(ctx context.Context) error { _, err := s.ListTokens(ctx); return err }, 1},
		{"a keyed write", func(ctx context.Context) error {
			_, err := s.SaveEntity(ctx, source, nil, 0, kg.Edit{Actor: "test", Key: id, Fingerprint: id})
			return err
		}, 0},
		{"an API read", func(ctx context.Context) error { _, err := s.IDsNear(ctx, []string{id}, 2); return err }, 1},
		// The write count read before and after, the three queries of
		// the facts and the one of the texts.
		{"export", func(ctx context.Context) error { _, err := s.ReadBatches(ctx); return err }, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, parent := tp.Tracer("test").Start(context.Background(), tt.name)
			before := counted.total()
			if err := tt.do(ctx); err != nil {
				t.Fatal(err)
			}
			parent.End()
			counts := counted.total() - before
			var spans []sdktrace.ReadOnlySpan
			for _, sp := range rec.Ended() {
				if sp.Parent().SpanID() == parent.SpanContext().SpanID() {
					spans = append(spans, sp)
				}
			}
			if counts == 0 || (tt.want > 0 && counts != tt.want) {
				t.Errorf("%d statements counted, want %d", counts, tt.want)
			}
			if len(spans) != counts {
				t.Errorf("%d statement spans under the caller's, %d statements counted", len(spans), counts)
			}
			for _, sp := range spans {
				text := attr(sp, "db.query.text")
				if attr(sp, "db.system") != "neo4j" || text == "" {
					t.Errorf("span %q: attributes %v", sp.Name(), sp.Attributes())
				}
				for _, kv := range sp.Attributes() {
					if strings.Contains(kv.Value.Emit(), id) {
						t.Errorf("span %q attribute %s holds the ID it was sent with", sp.Name(), kv.Key)
					}
				}
			}
		})
	}
	if started, ended := len(rec.Started()), len(rec.Ended()); started != ended {
		t.Errorf("%d spans started, %d ended", started, ended)
	}
}

func attr(s sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.Emit()
		}
	}
	return ""
}
