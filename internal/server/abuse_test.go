package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
	"github.com/casegraph/casegraph/internal/server"
)

// rawPost sends body to /graphql as it is and returns the status and the
// decoded answer.
func (a *api) rawPost(t *testing.T, body []byte) (int, response) {
	t.Helper()
	status, _, out := postBody(t, a.url, body)
	return status, out
}

// postBody sends body to the /graphql of the service at url and returns
// the status, the raw answer and the answer decoded.
func postBody(t *testing.T, url string, body []byte) (int, []byte, response) {
	t.Helper()
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lastRequest.Store(resp.Header.Get("X-Request-ID"))
	raw, _ := io.ReadAll(resp.Body)
	var out response
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("status %d, not JSON: %v\n%.300s", resp.StatusCode, err, raw)
	}
	return resp.StatusCode, raw, out
}

// lastRequest is the ID of the request postBody sent last.
var lastRequest atomic.Value

// lastStatements reads db_statements from the log line of the request
// postBody sent last.
func (a *api) lastStatements(t *testing.T) int {
	t.Helper()
	id, _ := lastRequest.Load().(string)
	return a.statementsOf(t, id)
}

// repeat joins n copies of format, each given its index.
func repeat(n int, format string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

// fragmentBomb is levels fragments, each spreading the next width times:
// width^levels selections once expanded, in a few hundred bytes.
func fragmentBomb(levels, width int) string {
	var b strings.Builder
	b.WriteString("{ entities(first: 1) { edges { node { ...F0 } } } }\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Entity { id ", i)
		for range width {
			if i+1 < levels {
				fmt.Fprintf(&b, "...F%d ", i+1)
			}
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// Each abuse is refused before it reaches the database, with an error
// that names the limit it hit.
func TestAbuseIsRefusedByANamedLimit(t *testing.T) {
	a := newAPI(t)
	body := func(query string, vars any) []byte {
		b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		return b
	}
	manyIDs := make([]string, 5000)
	for i := range manyIDs {
		manyIDs[i] = fmt.Sprintf("person/p%d", i)
	}
	hugeIDs := make([]string, 120000)
	for i := range hugeIDs {
		hugeIDs[i] = fmt.Sprintf("person/p%d", i)
	}
	deep := "{ node(id: \"person/zhanbolat-mamai\") { ... on Person { " + strings.Repeat("charges { case { ", 6) + "name" + strings.Repeat(" } }", 6) + " } } }"
	wide := `{ entities(first: 100) { edges { node { id name type ... on Person { aliases occupations
		memberships(first: 500) { type role } charges(first: 500) { name status verdict }
		sentences(first: 500) { kind term } restrictions(first: 500) { kind duration } } } } } }`
	tests := []struct {
		name    string
		body    []byte
		status  int
		code    string
		mention string // in the message
		limit   string // extensions.limit, when the limit sets one
	}{
		{"alias bomb within the token limit", body("{ "+repeat(1300, "a%d: entities(first: 100) { totalCount } ")+"}", nil),
			http.StatusOK, "BAD_USER_INPUT", "complexity", "complexity"},
		{"alias bomb of thousands", body("{ "+repeat(3000, "a%d: stats { nodes } ")+"}", nil),
			http.StatusOK, "GRAPHQL_PARSE_FAILED", "token limit", ""},
		{"fragment bomb", body(fragmentBomb(12, 6), nil),
			http.StatusOK, "BAD_USER_INPUT", "complexity", "complexity"},
		{"fragment cycle", body("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }", nil),
			http.StatusOK, "GRAPHQL_VALIDATION_FAILED", "spread", ""},
		{"wide query", body(wide, nil), http.StatusOK, "BAD_USER_INPUT", "complexity", "complexity"},
		{"deep query", body(deep, nil), http.StatusOK, "BAD_USER_INPUT", "depth", "depth"},
		{"many ids in a variable", body("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", map[string]any{"ids": manyIDs}),
			http.StatusOK, "BAD_USER_INPUT", "at most 100 ids", ""},
		{"huge variables", body("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", map[string]any{"ids": hugeIDs}),
			http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "exceeds the limit of 1048576 bytes", "body"},
		{"batched request", []byte(`[{"query":"{ stats { nodes } }"},{"query":"{ stats { nodes } }"}]`),
			http.StatusBadRequest, "BAD_USER_INPUT", "batching is not supported", "batch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, r := a.rawPost(t, tt.body)
			if status != tt.status || len(r.Errors) == 0 {
				t.Fatalf("status %d, %d errors; want %d and an error", status, len(r.Errors), tt.status)
			}
			e := r.Errors[0]
			if e.Extensions["code"] != tt.code || !strings.Contains(e.Message, tt.mention) {
				t.Errorf("error %q (%v), want code %s mentioning %q", e.Message, e.Extensions["code"], tt.code, tt.mention)
			}
			if tt.limit != "" && e.Extensions["limit"] != tt.limit {
				t.Errorf("extensions.limit = %v, want %q", e.Extensions["limit"], tt.limit)
			}
			if n := a.lastStatements(t); n != 0 {
				t.Errorf("a refused request still sent %d statements", n)
			}
		})
	}
}

// A client that sends its headers a line at a time, never finishing, is
// cut off by the header timeout instead of holding its connection.
func TestSlowClientIsCutOffByTheHeaderTimeout(t *testing.T) {
	srv := server.NewHTTPServer(emptyHandler(nil, nil), server.Timeouts{ReadHeader: 200 * time.Millisecond, Read: time.Second, Idle: time.Second})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		if _, err := io.WriteString(conn, "POST /graphql HTTP/1.1\r\nHost: casegraph\r\n"); err != nil {
			return
		}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := fmt.Fprintf(conn, "X-Slow-%d: y\r\n", i); err != nil {
				return
			}
		}
	}()
	// A guard, not a measurement: far beyond the header timeout, so only a
	// server that never closes the connection reaches it.
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	got, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection of a client that never finished its headers")
	}
	if len(got) > 0 && !strings.HasPrefix(string(got), "HTTP/1.1 408") {
		t.Errorf("the server answered %q, want the connection closed (or a 408)", got)
	}
}

// The strings an attacker would try to break out of a Cypher literal or
// reach a procedure with.
var injections = []string{
	`'}) DETACH DELETE n //`,
	`" OR 1=1 //`,
	`\u0027) MATCH (n) DETACH DELETE n //`,
	`$ids`,
	`{id: 1}`,
	"`Entity`) DETACH DELETE n //",
	`CALL db.labels() YIELD label RETURN label`,
	`person/x' OR '1'='1`,
	`source/x"}) RETURN 1 //#p1`,
	"person/a\x00b",
}

// leakRE finds what must never reach a client: Neo4j's status codes and
// Cypher. The payload itself is removed first, since errors may quote the
// value they refuse.
var leakRE = regexp.MustCompile(`Neo\.(ClientError|TransientError|DatabaseError)|(?i:cypher)|\b(MATCH|MERGE|UNWIND|RETURN|DETACH|YIELD|OPTIONAL)\b|\$[a-z]+`)

// graphState sums up the bundled entities and the relationships among
// them: counts, and a checksum of every property.
func graphState(t *testing.T) string {
	t.Helper()
	paths, err := filepath.Glob("../../data/cases/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no bundled case files: %v", err)
	}
	origins := make([]string, len(paths))
	for i, p := range paths {
		origins[i] = filepath.Base(p)
	}
	recs := neo4jtest.Exec(t, neo4jtest.URI(t), `
		MATCH (n:Entity) WHERE n.origin IN $origins
		WITH n ORDER BY n.id
		WITH collect([n.id, labels(n), properties(n)]) AS nodes
		RETURN size(nodes) AS nodeCount, nodes,
			COLLECT {
				MATCH (a:Entity)-[r]->(b:Entity) WHERE a.origin IN $origins AND b.origin IN $origins
				RETURN [a.id, type(r), b.id, properties(r)] AS rel ORDER BY a.id, type(r), b.id, r.id
			} AS rels`, map[string]any{"origins": origins})
	nodeCount, _ := recs[0].Get("nodeCount")
	nodes, _ := recs[0].Get("nodes")
	rels, _ := recs[0].Get("rels")
	relList, _ := rels.([]any)
	if n, _ := nodeCount.(int64); n == 0 {
		t.Fatal("the bundled entities are not in the graph")
	}
	sum := sha256.Sum256([]byte(fmt.Sprint(nodes, rels)))
	return fmt.Sprintf("%v nodes, %d relationships, checksum %s", nodeCount, len(relList), hex.EncodeToString(sum[:8]))
}

// injectionCase is an operation with one string argument to fill: $p is
// the payload, and every other argument is chosen so that a correct
// server writes nothing (a wrong version, an unknown entity, a dry run).
type injectionCase struct {
	name, query string
	vars        func(p string) map[string]any
}

func injectionCases() []injectionCase {
	v := func(kv ...any) func(string) map[string]any {
		return func(p string) map[string]any {
			m := map[string]any{}
			for i := 0; i < len(kv); i += 2 {
				val := kv[i+1]
				switch x := val.(type) {
				case func(string) any:
					val = x(p)
				}
				m[kv[i].(string)] = val
			}
			return m
		}
	}
	payload := func(p string) any { return p }
	inList := func(p string) any { return []string{p} }
	inJSON := func(field string) func(string) any {
		return func(p string) any { return map[string]any{field: p, p: p} }
	}
	mamai, cite := "person/zhanbolat-mamai", []string{"source/iphr-2023-04-mamai#p3"}
	filter := func(field string, list bool) func(string) any {
		return func(p string) any {
			if list {
				return map[string]any{field: []string{p}}
			}
			return map[string]any{field: p}
		}
	}
	caseFile := func(p string) any {
		q, _ := json.Marshal(p)
		return "version: 1\nentities:\n  - id: person/injection-probe\n    type: Person\n    name: " + string(q) +
			"\n    description: " + string(q) + "\n    cite: [source/iphr-2023-04-mamai#p3]\n"
	}
	return []injectionCase{
		{"node.id", `query($p: ID!) { node(id: $p) { id } }`, v("p", payload)},
		{"nodes.ids", `query($p: [ID!]!) { nodes(ids: $p) { id } }`, v("p", inList)},
		{"entities.after", `query($p: String) { entities(after: $p) { totalCount } }`, v("p", payload)},
		{"search.query", `query($p: String!) { search(query: $p) { entity { id } } }`, v("p", payload)},
		{"neighbourhood.id", `query($p: ID!) { neighbourhood(id: $p) { truncated } }`, v("p", payload)},
		{"paths.from", `query($p: ID!, $o: ID!) { paths(from: $p, to: $o) { paths } }`, v("p", payload, "o", mamai)},
		{"paths.to", `query($p: ID!, $o: ID!) { paths(from: $o, to: $p) { paths } }`, v("p", payload, "o", mamai)},
		{"subgraph.ids", `query($p: [ID!]!) { subgraph(ids: $p) { truncated } }`, v("p", inList)},
		{"relationship.id", `query($p: ID!) { relationship(id: $p) { id } }`, v("p", payload)},
		{"timeline.of", `query($p: ID!) { timeline(of: $p) { title } }`, v("p", payload)},
		{"timeline.from", `query($p: String) { timeline(of: "case/zhanbolat-mamai-2022", from: $p) { title } }`, v("p", payload)},
		{"timeline.to", `query($p: String) { timeline(of: "case/zhanbolat-mamai-2022", to: $p) { title } }`, v("p", payload)},
		{"convictions.after", `query($p: String) { convictions(after: $p) { totalCount } }`, v("p", payload)},
		{"convictions.filter.articles", `query($f: ConvictionFilter) { convictions(filter: $f) { totalCount } }`, v("f", filter("articles", true))},
		{"convictions.filter.courts", `query($f: ConvictionFilter) { convictions(filter: $f) { totalCount } }`, v("f", filter("courts", true))},
		{"convictions.filter.cities", `query($f: ConvictionFilter) { convictions(filter: $f) { totalCount } }`, v("f", filter("cities", true))},
		{"convictions.filter.countries", `query($f: ConvictionFilter) { convictions(filter: $f) { totalCount } }`, v("f", filter("countries", true))},
		{"convictions.filter.parties", `query($f: ConvictionFilter) { convictions(filter: $f) { totalCount } }`, v("f", filter("parties", true))},
		{"convictions.filter.from", `query($f: ConvictionFilter) { convictions(filter: $f) { totalCount } }`, v("f", filter("from", false))},
		{"convictions.filter.to", `query($f: ConvictionFilter) { convictions(filter: $f) { totalCount } }`, v("f", filter("to", false))},
		{"counts.filter.articles", `query($f: ConvictionFilter) { counts(by: ARTICLE, filter: $f) { count } }`, v("f", filter("articles", true))},
		{"counts.filter.countries", `query($f: ConvictionFilter) { counts(by: ARTICLE, filter: $f) { count } }`, v("f", filter("countries", true))},
		{"commonGround.a", `query($p: ID!, $o: ID!) { commonGround(a: $p, b: $o) { shared { label } } }`, v("p", payload, "o", mamai)},
		{"commonGround.b", `query($p: ID!, $o: ID!) { commonGround(a: $o, b: $p) { shared { label } } }`, v("p", payload, "o", mamai)},
		{"similarCases.to", `query($p: ID!) { similarCases(to: $p) { score } }`, v("p", payload)},
		{"history.id", `query($p: ID!) { history(id: $p) { id } }`, v("p", payload)},

		{"createEntity.id", `mutation($p: ID!) { createEntity(input: {id: $p, type: PERSON, fields: {name: "X"}, cite: ["source/no-such-source#p1"]}) { id } }`, v("p", payload)},
		{"createEntity.fields", `mutation($f: JSON!) { createEntity(input: {id: "person/injection-probe", type: PERSON, fields: $f, cite: ["source/no-such-source#p1"]}) { id } }`, v("f", inJSON("name"))},
		{"createEntity.cite", `mutation($p: [String!]!) { createEntity(input: {id: "person/injection-probe", type: PERSON, fields: {name: "X"}, cite: $p}) { id } }`, v("p", inList)},
		{"createEntity.reason", `mutation($p: String) { createEntity(input: {id: "person/injection-probe", type: PERSON, fields: {name: "X"}, cite: ["source/no-such-source#p1"], reason: $p}) { id } }`, v("p", payload)},
		{"updateEntity.id", `mutation($p: ID!, $c: [String!]!) { updateEntity(id: $p, version: 999999, set: {name: "X"}, cite: $c) { id } }`, v("p", payload, "c", cite)},
		{"updateEntity.set", `mutation($f: JSON, $c: [String!]!) { updateEntity(id: "person/zhanbolat-mamai", version: 999999, set: $f, cite: $c) { id } }`, v("f", inJSON("description"), "c", cite)},
		{"updateEntity.set value", `mutation($f: JSON, $c: [String!]!) { updateEntity(id: "person/zhanbolat-mamai", version: 999999, set: $f, cite: $c) { id } }`, v("f", func(p string) any { return map[string]any{"description": p} }, "c", cite)},
		{"updateEntity.unset", `mutation($p: [String!], $c: [String!]!) { updateEntity(id: "person/zhanbolat-mamai", version: 999999, unset: $p, cite: $c) { id } }`, v("p", inList, "c", cite)},
		{"updateEntity.cite", `mutation($p: [String!]!) { updateEntity(id: "person/zhanbolat-mamai", version: 999999, set: {description: "X"}, cite: $p) { id } }`, v("p", inList)},
		{"updateEntity.reason", `mutation($p: String, $c: [String!]!) { updateEntity(id: "person/zhanbolat-mamai", version: 999999, set: {description: "X"}, cite: $c, reason: $p) { id } }`, v("p", payload, "c", cite)},
		{"retractEntity.id", `mutation($p: ID!) { retractEntity(id: $p, version: 999999, reason: "x") { id } }`, v("p", payload)},
		{"retractEntity.reason", `mutation($p: String!) { retractEntity(id: "person/zhanbolat-mamai", version: 999999, reason: $p) { id } }`, v("p", payload)},
		{"mergeEntities.keep", `mutation($p: ID!) { mergeEntities(keep: $p, keepVersion: 999999, remove: "person/no-such-person", removeVersion: 999999, reason: "x") { id } }`, v("p", payload)},
		{"mergeEntities.remove", `mutation($p: ID!) { mergeEntities(keep: "person/zhanbolat-mamai", keepVersion: 999999, remove: $p, removeVersion: 999999, reason: "x") { id } }`, v("p", payload)},
		{"mergeEntities.reason", `mutation($p: String!) { mergeEntities(keep: "person/zhanbolat-mamai", keepVersion: 999999, remove: "person/no-such-person", removeVersion: 999999, reason: $p) { id } }`, v("p", payload)},
		{"addSource.id", `mutation($p: ID!) { addSource(input: {id: $p, fields: {title: "X", bogus: 1}}) { id } }`, v("p", payload)},
		{"addSource.fields", `mutation($f: JSON!) { addSource(input: {id: "source/injection-probe", fields: $f}) { id } }`, v("f", inJSON("title"))},
		{"addSource.reason", `mutation($p: String) { addSource(input: {id: "source/injection-probe", fields: {title: "X", bogus: 1}, reason: $p}) { id } }`, v("p", payload)},
		{"createRelation.id", `mutation($p: ID) { createRelation(input: {id: $p, type: MEMBER_OF, from: "person/zhanbolat-mamai", to: "party/no-such-party", cite: ["source/iphr-2023-04-mamai#p3"]}) { id } }`, v("p", payload)},
		{"createRelation.from", `mutation($p: ID!) { createRelation(input: {type: MEMBER_OF, from: $p, to: "party/no-such-party", cite: ["source/iphr-2023-04-mamai#p3"]}) { id } }`, v("p", payload)},
		{"createRelation.to", `mutation($p: ID!) { createRelation(input: {type: MEMBER_OF, from: "person/zhanbolat-mamai", to: $p, cite: ["source/iphr-2023-04-mamai#p3"]}) { id } }`, v("p", payload)},
		{"createRelation.fields", `mutation($f: JSON) { createRelation(input: {type: MEMBER_OF, from: "person/zhanbolat-mamai", to: "party/no-such-party", fields: $f, cite: ["source/iphr-2023-04-mamai#p3"]}) { id } }`, v("f", inJSON("role"))},
		{"createRelation.cite", `mutation($p: [String!]!) { createRelation(input: {type: MEMBER_OF, from: "person/zhanbolat-mamai", to: "party/no-such-party", cite: $p}) { id } }`, v("p", inList)},
		{"createRelation.reason", `mutation($p: String) { createRelation(input: {type: MEMBER_OF, from: "person/zhanbolat-mamai", to: "party/no-such-party", cite: ["source/iphr-2023-04-mamai#p3"], reason: $p}) { id } }`, v("p", payload)},
		{"updateRelation.id", `mutation($p: ID!) { updateRelation(id: $p, type: MEMBER_OF, set: {role: "x"}, cite: ["source/iphr-2023-04-mamai#p3"]) { id } }`, v("p", payload)},
		{"updateRelation.set", `mutation($f: JSON) { updateRelation(id: "rel-no-such", type: MEMBER_OF, set: $f, cite: ["source/iphr-2023-04-mamai#p3"]) { id } }`, v("f", inJSON("role"))},
		{"updateRelation.unset", `mutation($p: [String!]) { updateRelation(id: "rel-no-such", type: MEMBER_OF, unset: $p, cite: ["source/iphr-2023-04-mamai#p3"]) { id } }`, v("p", inList)},
		{"updateRelation.cite", `mutation($p: [String!]!) { updateRelation(id: "rel-no-such", type: MEMBER_OF, set: {role: "x"}, cite: $p) { id } }`, v("p", inList)},
		{"updateRelation.reason", `mutation($p: String) { updateRelation(id: "rel-no-such", type: MEMBER_OF, set: {role: "x"}, cite: ["source/iphr-2023-04-mamai#p3"], reason: $p) { id } }`, v("p", payload)},
		{"retractRelation.id", `mutation($p: ID!) { retractRelation(id: $p, type: MEMBER_OF, reason: "x") { id } }`, v("p", payload)},
		{"retractRelation.reason", `mutation($p: String!) { retractRelation(id: "rel-no-such", type: MEMBER_OF, reason: $p) { id } }`, v("p", payload)},
		{"importCaseFile.name", `mutation($p: String!) { importCaseFile(name: $p, content: "version: 1\n", dryRun: true) { ok changes } }`, v("p", payload)},
		{"importCaseFile.content", `mutation($p: String!) { importCaseFile(name: "probe.yaml", content: $p, dryRun: true) { ok changes } }`, v("p", payload)},
		{"importCaseFile.content values", `mutation($p: String!) { importCaseFile(name: "probe.yaml", content: $p, dryRun: true) { ok changes } }`, v("p", caseFile)},
	}
}

// Injection strings in every string argument of every query and mutation
// change nothing in the graph, and no answer shows Cypher or Neo4j's codes.
func TestCypherInjectionChangesNothing(t *testing.T) {
	a := newAPI(t)
	before := graphState(t)
	token := a.tokens[kg.Admin]
	for _, c := range injectionCases() {
		t.Run(c.name, func(t *testing.T) {
			for _, p := range injections {
				r, _ := a.postAs(t, token, c.query, c.vars(p))
				for _, e := range r.Errors {
					if e.Extensions["code"] == string(kg.Internal) || e.Extensions["code"] == "GRAPHQL_VALIDATION_FAILED" {
						t.Errorf("payload %q: %v error %q; want the argument refused or answered", p, e.Extensions["code"], e.Message)
					}
					msg := e.Message
					for _, form := range []string{fmt.Sprintf("%q", p), p, strings.ToLower(p)} {
						msg = strings.ReplaceAll(msg, form, "")
					}
					if leak := leakRE.FindString(msg); leak != "" {
						t.Errorf("payload %q: error %q shows %q", p, e.Message, leak)
					}
				}
			}
		})
	}
	if after := graphState(t); after != before {
		t.Errorf("the graph changed:\nbefore %s\nafter  %s", before, after)
	}
	// Nothing anywhere in the graph holds a payload.
	recs := neo4jtest.Exec(t, neo4jtest.URI(t), `
		MATCH (n) WHERE any(k IN keys(n) WHERE
			any(v IN CASE WHEN valueType(n[k]) STARTS WITH 'LIST' THEN n[k] ELSE [n[k]] END WHERE
				any(p IN $payloads WHERE toStringOrNull(v) CONTAINS p)))
		RETURN count(n) AS n`, map[string]any{"payloads": injections})
	if n, _ := recs[0].Get("n"); n != int64(0) {
		t.Errorf("%v nodes hold an injection string", n)
	}
}
