package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"go.yaml.in/yaml/v3"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/server"
)

// The Grafana dashboard and the Prometheus alerting rules that operators
// are given (deploy/, docs/operations.md).
const (
	dashboardFile = "../../deploy/grafana/casegraph.json"
	rulesFile     = "../../deploy/prometheus/casegraph-rules.yml"
)

// notCasegraphs are the series the rules read that Prometheus makes, not
// casegraph: whether a scrape succeeded, and the blackbox exporter's probe
// of /readyz.
var notCasegraphs = map[string]bool{"up": true, "probe_success": true}

// targetLabels are the labels Prometheus adds to every series it scrapes.
var targetLabels = map[string]bool{"job": true, "instance": true}

// promQLWords are the functions, aggregations and keywords the
// expressions may use; every other name outside braces and label lists is
// a metric's.
var promQLWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`sum min max avg count count_values stddev stdvar topk bottomk quantile group
		by without on ignoring group_left group_right bool and or unless offset
		rate irate increase delta idelta deriv histogram_quantile abs ceil floor round clamp clamp_min clamp_max
		min_over_time max_over_time avg_over_time sum_over_time count_over_time last_over_time
		label_replace label_join vector scalar time absent absent_over_time changes resets sort sort_desc`) {
		promQLWords[w] = true
	}
}

// A dashboard or rule that names a metric, or a label of one, that the
// service does not export shows nothing, or never fires: every metric and
// every label their expressions name must be in a real scrape of the
// service, made after requests that move every family.
func TestDashboardAndAlertsNameRealMetrics(t *testing.T) {
	families := scrapeEveryFamily(t)
	exprs := dashboardExprs(t)
	if len(exprs) < 15 {
		t.Fatalf("the dashboard has %d expressions; want its panels' queries", len(exprs))
	}
	rules := ruleExprs(t)
	if len(rules) < 10 {
		t.Fatalf("the rules file has %d alerts", len(rules))
	}
	maps := map[string]map[string]string{"dashboard": exprs, "rules": rules}
	named := map[string]bool{}
	for file, exprs := range maps {
		for where, expr := range exprs {
			for _, problem := range checkExpr(expr, families, named) {
				t.Errorf("%s, %s: %s\n\t%s", file, where, problem, expr)
			}
		}
	}
	// The dashboard and the rules between them watch every casegraph family.
	for name := range families {
		if strings.HasPrefix(name, "casegraph_") && !named[name] {
			t.Errorf("neither the dashboard nor the rules use %s", name)
		}
	}
}

// scrapeEveryFamily serves the API against the test Neo4j, makes the
// requests that give every casegraph family a series (reads, a write and a
// conflict, cached answers and tokens, a persisted query, a rate-limit
// refusal), and parses what /metrics then answers.
func scrapeEveryFamily(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	a, shared := newMeteredAPI(t, func(o *server.Options) {
		// Enough for the requests below, then refusals.
		o.RateLimit, o.RateBurst = 0.001, 400
	})
	var counts string
	for _, ex := range server.Examples() {
		if strings.HasPrefix(ex.Name, "11-counts") {
			counts = ex.Query
		}
	}
	reader, admin := shared.tokens[kg.Reader], shared.tokens[kg.Admin]
	send(t, a.url, reader, map[string]any{"query": counts})
	send(t, a.url, reader, map[string]any{"query": counts})
	id := uniqueID("person")
	cleanup(t, id)
	send(t, a.url, admin, map[string]any{"query": fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: PERSON, fields: {name: "Monitoring"}, cite: %s}) { id } }`, id, cite)})
	send(t, a.url, admin, map[string]any{"query": fmt.Sprintf(`mutation { updateEntity(id: %q, version: 9, set: {description: "stale"}, cite: %s) { version } }`, id, cite)})
	digest := sha256.Sum256([]byte("{ __typename }"))
	apq := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(digest[:])}}
	if got := send(t, a.url, "", map[string]any{"query": "{ __typename }", "extensions": apq}); strings.Contains(got, `"errors"`) {
		t.Fatalf("a persisted query: %s", got)
	}
	for i := 0; ; i++ {
		if strings.Contains(send(t, a.url, "", map[string]any{"query": counts}), "RATE_LIMITED") {
			break
		}
		if i == 20 {
			t.Fatal("the rate limit never refused a request")
		}
	}
	return scrape(t, a.metrics)
}

// dashboardExprs returns the query of every panel's every target, keyed
// by panel title and target.
func dashboardExprs(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string
			Type    string
			Targets []struct {
				RefID string `json:"refId"`
				Expr  string
			}
		}
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("%s is not JSON: %v", dashboardFile, err)
	}
	out := map[string]string{}
	for _, p := range d.Panels {
		if p.Type != "row" && len(p.Targets) == 0 {
			t.Errorf("dashboard panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			if tg.Expr == "" {
				t.Errorf("dashboard panel %q, target %s has no expr", p.Title, tg.RefID)
			}
			out[p.Title+" "+tg.RefID] = tg.Expr
		}
	}
	return out
}

// ruleExprs returns the expression of every alerting rule, by its name.
func ruleExprs(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Rules []struct {
				Alert string
				Expr  string
			}
		}
	}
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", rulesFile, err)
	}
	out := map[string]string{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			out[r.Alert] = r.Expr
		}
	}
	return out
}

var (
	stringLiteral = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	// A selector: a metric name and its label matchers.
	selector = regexp.MustCompile(`([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}`)
	matcher  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")`)
	// The labels of by (…), without (…), on (…) and ignoring (…).
	labelList  = regexp.MustCompile(`\b(by|without|on|ignoring)\s*\(([^)]*)\)`)
	identifier = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	// Grafana's variables ($job, $__rate_interval) and durations ([5m]).
	variable = regexp.MustCompile(`\$[a-zA-Z_]+|\[[^\]]*\]`)
)

// checkExpr lists what expr names that the scrape does not hold, and adds
// the families it names to named.
func checkExpr(expr string, families map[string]*dto.MetricFamily, named map[string]bool) []string {
	var problems []string
	var used []*dto.MetricFamily
	family := func(metric string) (*dto.MetricFamily, bool) {
		if notCasegraphs[metric] {
			return nil, true
		}
		if f := families[metric]; f != nil {
			return f, true
		}
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			if f := families[strings.TrimSuffix(metric, suffix)]; f != nil && strings.HasSuffix(metric, suffix) &&
				(f.GetType() == dto.MetricType_HISTOGRAM || f.GetType() == dto.MetricType_SUMMARY) {
				return f, true
			}
		}
		return nil, false
	}
	rest := selector.ReplaceAllStringFunc(expr, func(sel string) string {
		m := selector.FindStringSubmatch(sel)
		f, ok := family(m[1])
		if !ok || f == nil {
			return m[1] // checked with the other names below
		}
		for _, mm := range matcher.FindAllStringSubmatch(m[2], -1) {
			label, value := mm[1], mm[3]
			if label == "le" {
				if !bucketMatches(f, mm[2], value) {
					problems = append(problems, fmt.Sprintf("%s has no bucket le%s%s", f.GetName(), mm[2], value))
				}
				continue
			}
			if !targetLabels[label] && !hasLabel(f, label) {
				problems = append(problems, fmt.Sprintf("%s has no label %s", f.GetName(), label))
			}
		}
		return m[1]
	})
	var lists []string
	rest = labelList.ReplaceAllStringFunc(rest, func(l string) string {
		lists = append(lists, strings.Split(labelList.FindStringSubmatch(l)[2], ",")...)
		return labelList.FindStringSubmatch(l)[1]
	})
	rest = variable.ReplaceAllString(stringLiteral.ReplaceAllString(rest, ""), "")
	for _, name := range identifier.FindAllString(rest, -1) {
		if promQLWords[name] {
			continue
		}
		f, ok := family(name)
		if !ok {
			problems = append(problems, fmt.Sprintf("no metric %s in /metrics", name))
			continue
		}
		if f != nil {
			named[f.GetName()] = true
			used = append(used, f)
		}
	}
	for _, l := range lists {
		l = strings.TrimSpace(l)
		if l == "" || targetLabels[l] {
			continue
		}
		if !slices.ContainsFunc(used, func(f *dto.MetricFamily) bool {
			return hasLabel(f, l) || (l == "le" && f.GetType() == dto.MetricType_HISTOGRAM)
		}) {
			problems = append(problems, fmt.Sprintf("no metric it reads has a label %s", l))
		}
	}
	return problems
}

func hasLabel(f *dto.MetricFamily, label string) bool {
	for _, m := range f.Metric {
		for _, l := range m.Label {
			if l.GetName() == label {
				return true
			}
		}
	}
	return false
}

// bucketMatches reports whether a matcher on le picks one of a
// histogram's buckets, written as the text format writes their bounds.
func bucketMatches(f *dto.MetricFamily, op, quoted string) bool {
	value, err := strconv.Unquote(quoted)
	if err != nil || f.GetType() != dto.MetricType_HISTOGRAM || len(f.Metric) == 0 {
		return false
	}
	for _, b := range f.Metric[0].GetHistogram().GetBucket() {
		bound := strconv.FormatFloat(b.GetUpperBound(), 'g', -1, 64)
		switch op {
		case "=":
			if bound == value {
				return true
			}
		case "=~":
			if regexp.MustCompile("^(?:" + value + ")$").MatchString(bound) {
				return true
			}
		default:
			return true
		}
	}
	return false
}
