package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/metrics"
)

// Operation names come from clients: however many a client invents, the
// requests family holds at most MaxOperations of them, and the rest count
// under "other".
func TestOperationNamesAreBounded(t *testing.T) {
	m := metrics.New()
	for i := range 3 * metrics.MaxOperations {
		m.Request(fmt.Sprintf("Op%d", i), "ok", "", 200, time.Millisecond)
	}
	m.Request("not a name {}", "ok", "", 200, time.Millisecond)
	m.Request("", "ok", "", 200, time.Millisecond)
	m.Request("Op0", "ok", "<script>", 200, time.Millisecond)
	n, err := testutil.GatherAndCount(m.Gatherer(), "casegraph_requests_total")
	if err != nil {
		t.Fatal(err)
	}
	if n > metrics.MaxOperations+3 {
		t.Errorf("%d series of casegraph_requests_total after %d operation names, want at most %d", n, 3*metrics.MaxOperations, metrics.MaxOperations+3)
	}
	text := scrape(t, m)
	for _, want := range []string{`operation="other"`, `operation="anonymous"`, `operation="Op0"`, `code="OTHER"`} {
		if !strings.Contains(text, want) {
			t.Errorf("no series with %s", want)
		}
	}
	for _, banned := range []string{"Op" + fmt.Sprint(2*metrics.MaxOperations), "not a name", "<script>"} {
		if strings.Contains(text, banned) {
			t.Errorf("a label holds %q", banned)
		}
	}
}

// Writes count by their kind and their error's code, so conflicts show.
func TestWritesCountConflicts(t *testing.T) {
	m := metrics.New()
	m.Write("save_entity", nil)
	m.Write("save_entity", kg.Errorf(kg.Conflict, "stale"))
	m.Write("save_entity", fmt.Errorf("plain"))
	text := scrape(t, m)
	for _, want := range []string{
		`casegraph_writes_total{code="OK",kind="save_entity"} 1`,
		`casegraph_writes_total{code="CONFLICT",kind="save_entity"} 1`,
		`casegraph_writes_total{code="INTERNAL",kind="save_entity"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no line %s in\n%s", want, text)
		}
	}
}

// The handler answers Prometheus' text format, which parses, with Go's
// runtime and the process beside casegraph's families.
func TestHandlerServesTextFormat(t *testing.T) {
	m := metrics.New()
	m.Request("Counts", "ok", "", 200, time.Millisecond)
	m.CacheEntries("example", func() int { return 3 }, func() int { return 30 })
	families, err := parse(scrape(t, m))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"casegraph_requests_total", "casegraph_request_duration_seconds", "casegraph_cache_entries", "casegraph_cache_bytes", "go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total"} {
		if families[name] == nil {
			t.Errorf("no family %s", name)
		}
	}
	if g := families["casegraph_cache_bytes"]; g != nil && g.Metric[0].GetGauge().GetValue() != 30 {
		t.Errorf("casegraph_cache_bytes = %v, want 30", g.Metric[0].GetGauge().GetValue())
	}
}

func scrape(t testing.TB, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	return string(body)
}

func parse(text string) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(strings.NewReader(text))
}
