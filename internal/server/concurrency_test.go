package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// Eight writers for a minute: imports of two files that overlap in the
// shared entities they tie to (each flipping between versions, as admin or
// editor, with or without settling conflicts) and mutations of those same
// entities and of the files' own. No deadlock or other failure of the
// service may reach a client; every write acknowledged must be in the
// final graph and its history, and every one refused must not.

const concurrencyWriters = 8

// concurrencyFiles returns version k of file f ("a" or "b"): entities
// of its own that change with k, one that every version keeps, and
// relationships to the shared people and party.
func concurrencyFile(tag, f string, k int, nonce int) string {
	return fmt.Sprintf(`# import %[5]d
version: 1
entities:
  - id: person/%[1]s-%[2]s-keep
    type: Person
    name: %[2]s keep
    description: version %[3]d
    cite: [source/%[1]s-s#p1]
  - id: person/%[1]s-%[2]s%[3]d-1
    type: Person
    name: %[2]s%[3]d one
    cite: [source/%[1]s-s#p1]
  - id: person/%[1]s-%[2]s%[3]d-2
    type: Person
    name: %[2]s%[3]d two
    cite: [source/%[1]s-s#p1]
relations:
  - type: MEMBER_OF
    from: person/%[1]s-%[2]s%[3]d-1
    to: party/%[1]s-x
    cite: [source/%[1]s-s#p1]
  - type: ASSOCIATED_WITH
    from: person/%[1]s-%[2]s%[3]d-2
    to: person/%[1]s-p%[4]d
    cite: [source/%[1]s-s#p1]
  - type: ASSOCIATED_WITH
    from: person/%[1]s-%[2]s-keep
    to: person/%[1]s-p%[4]d
    cite: [source/%[1]s-s#p1]
`, tag, f, k, k%4, nonce)
}

func concurrencyShared(tag string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nsources:\n  - id: source/%s-s\n    title: Shared report\n    publisher: Someone\nentities:\n", tag)
	fmt.Fprintf(&b, "  - id: party/%s-x\n    type: Party\n    name: X\n    cite: [source/%s-s#p1]\n", tag, tag)
	for i := range 4 {
		fmt.Fprintf(&b, "  - id: person/%s-p%d\n    type: Person\n    name: P%d\n    cite: [source/%s-s#p1]\n", tag, i, i, tag)
	}
	return b.String()
}

// outcome is what one writer was told about one write.
type outcome struct {
	op     string // import, update, create, retract
	target string // the entity, relationship or file
	value  string // the description set, or the imported content's hash
	ok     bool   // acknowledged; otherwise refused with nothing saved
	k      int    // the imported version
}

func TestConcurrentWritersKeepEveryAcknowledgedWrite(t *testing.T) {
	a := newAPI(t)
	duration := time.Minute
	if testing.Short() {
		duration = 10 * time.Second
	}
	tag := trustTag(t)
	t.Cleanup(func() {
		neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH ()-[r]->() WHERE r.id STARTS WITH $p DELETE r", map[string]any{"p": "rel/" + tag})
	})
	if rep := a.importAs(t, a.tokens[kg.Admin], tag+"-shared.yaml", concurrencyShared(tag), ""); !rep.Ok {
		t.Fatalf("shared file: %+v", rep)
	}
	var (
		mu       sync.Mutex
		outcomes []outcome
		failures []string
		nonce    int
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	record := func(o outcome) {
		mu.Lock()
		defer mu.Unlock()
		outcomes = append(outcomes, o)
	}
	nextNonce := func() int {
		mu.Lock()
		defer mu.Unlock()
		nonce++
		return nonce
	}
	// do sends one mutation and says whether it was acknowledged; any
	// failure that is not a refusal of the request itself fails the test.
	do := func(token, query string, vars map[string]any) (response, bool) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		r, status, err := a.send(token, body)
		if err != nil {
			fail("transport: %v", err)
			return r, false
		}
		if len(r.Errors) == 0 {
			return r, true
		}
		e := r.Errors[0].Extensions
		switch e["code"] {
		case "CONFLICT", "NOT_FOUND", "BAD_USER_INPUT", "FORBIDDEN":
		default:
			fail("status %d, %+v for %s", status, r.Errors, query)
		}
		if e["saved"] != "NO" {
			fail("an error whose change may have been saved: %+v", r.Errors)
		}
		return r, false
	}

	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for w := range concurrencyWriters {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			var mine []string // relationships this writer made and has not retracted
			for seq := 0; time.Now().Before(deadline); seq++ {
				switch n := rng.IntN(100); {
				case n < 25: // import one of the two files
					f, k := []string{"a", "b"}[rng.IntN(2)], rng.IntN(3)
					content := concurrencyFile(tag, f, k, nextNonce())
					token, args := a.tokens[kg.Admin], ""
					if rng.IntN(5) == 0 {
						token = a.tokens[kg.Editor]
					}
					if rng.IntN(2) == 0 {
						args = ", onConflict: TAKE_FILE"
					}
					r, ok := do(token, `mutation($c: String!, $n: String!) { importCaseFile(name: $n, content: $c`+args+`) { ok written refusal } }`,
						map[string]any{"c": content, "n": tag + "-" + f + ".yaml"})
					if ok {
						var d struct{ ImportCaseFile importReport }
						_ = json.Unmarshal(r.Data, &d)
						ok = d.ImportCaseFile.Ok
					}
					sum := sha256.Sum256([]byte(content))
					record(outcome{op: "import", target: f, value: hex.EncodeToString(sum[:]), ok: ok, k: k})
				case n < 55: // update a shared person, or a file's own one
					id := fmt.Sprintf("person/%s-p%d", tag, rng.IntN(4))
					if rng.IntN(3) == 0 {
						id = fmt.Sprintf("person/%s-%s-keep", tag, []string{"a", "b"}[rng.IntN(2)])
					}
					r, ok := do("", fmt.Sprintf(`{ node(id: %q) { ... on Entity { version } } }`, id), nil)
					var d struct{ Node *struct{ Version int } }
					if !ok || json.Unmarshal(r.Data, &d) != nil || d.Node == nil {
						continue // not imported yet
					}
					value := fmt.Sprintf("w%d-%d", w, seq)
					_, ok = do(a.tokens[kg.Editor], fmt.Sprintf(`mutation { updateEntity(id: %q, version: %d, set: {description: %q}, cite: ["source/%s-s#p1"]) { version } }`, id, d.Node.Version, value, tag), nil)
					record(outcome{op: "update", target: id, value: value, ok: ok})
				case n < 85 || len(mine) == 0: // tie a shared person to the party
					id := fmt.Sprintf("rel/%s-w%d-%d", tag, w, seq)
					_, ok := do(a.tokens[kg.Editor], fmt.Sprintf(`mutation { createRelation(input: {id: %q, type: MEMBER_OF, from: "person/%s-p%d", to: "party/%s-x", cite: ["source/%s-s#p1"]}) { id } }`, id, tag, rng.IntN(4), tag, tag), nil)
					if ok {
						mine = append(mine, id)
					}
					record(outcome{op: "create", target: id, ok: ok})
				default: // retract one of this writer's relationships
					i := rng.IntN(len(mine))
					id := mine[i]
					_, ok := do(a.tokens[kg.Admin], fmt.Sprintf(`mutation { retractRelation(id: %q, type: MEMBER_OF, reason: "test") { op } }`, id), nil)
					if ok {
						mine = slices.Delete(mine, i, i+1)
					}
					record(outcome{op: "retract", target: id, ok: ok})
				}
			}
		})
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}

	counts := map[string][2]int{}
	for _, o := range outcomes {
		c := counts[o.op]
		if o.ok {
			c[0]++
		} else {
			c[1]++
		}
		counts[o.op] = c
	}
	t.Logf("%d writes in %s (acknowledged, refused): %v", len(outcomes), duration, counts)
	if counts["import"][0] == 0 || counts["update"][0] == 0 || counts["create"][0] == 0 || counts["retract"][0] == 0 {
		t.Fatalf("some kind of write never went through: %v", counts)
	}

	// Relationships: made and kept, or never made.
	exists := map[string]bool{}
	for _, r := range neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH ()-[r:MEMBER_OF]->() WHERE r.id STARTS WITH $p RETURN r.id AS id", map[string]any{"p": "rel/" + tag}) {
		id, _ := r.Get("id")
		exists[id.(string)] = true
	}
	made, retracted := map[string]bool{}, map[string]bool{}
	for _, o := range outcomes {
		switch {
		case o.op == "create" && o.ok:
			made[o.target] = true
		case o.op == "retract" && o.ok:
			retracted[o.target] = true
		}
	}
	for _, o := range outcomes {
		switch o.op {
		case "create":
			if o.ok && !retracted[o.target] && !exists[o.target] {
				t.Errorf("acknowledged %s is not in the graph", o.target)
			}
			if !o.ok && exists[o.target] {
				t.Errorf("refused %s is in the graph", o.target)
			}
		case "retract":
			if o.ok && exists[o.target] {
				t.Errorf("acknowledged retraction of %s: it is still in the graph", o.target)
			}
			if !o.ok && made[o.target] && !retracted[o.target] && !exists[o.target] {
				t.Errorf("refused retraction of %s: it is gone", o.target)
			}
		}
	}

	// Updates: each acknowledged one in its entity's history, no refused
	// one; the entity holds the last one unless an import took it over.
	histories := map[string][]historyEntry{}
	for _, o := range outcomes {
		if o.op != "update" {
			continue
		}
		if _, ok := histories[o.target]; !ok {
			histories[o.target] = a.history(t, o.target)
		}
		found := slices.ContainsFunc(histories[o.target], func(h historyEntry) bool {
			return h.Op == "UPDATE" && h.After["description"] == o.value
		})
		if o.ok != found {
			t.Errorf("update of %s to %s: acknowledged %v, in the history %v", o.target, o.value, o.ok, found)
		}
	}

	// Imports: one history record per acknowledged import, none for a
	// refused one; the graph holds what the last recorded one stated.
	for _, f := range []string{"a", "b"} {
		var want []string
		for _, o := range outcomes {
			if o.op == "import" && o.target == f && o.ok {
				want = append(want, o.value)
			}
		}
		var got []string
		records := a.history(t, "casefile/"+tag+"-"+f+".yaml")
		for _, h := range records {
			got = append(got, fmt.Sprint(h.After["hash"]))
		}
		sort.Strings(want)
		sorted := slices.Clone(got)
		sort.Strings(sorted)
		if !slices.Equal(sorted, want) {
			t.Errorf("file %s: %d imports acknowledged, %d in the history", f, len(want), len(got))
			continue
		}
		if len(got) == 0 {
			continue
		}
		// Every import's content is unique (its nonce), so the last
		// record's hash names the version the graph must hold.
		last := got[len(got)-1]
		k := outcomes[slices.IndexFunc(outcomes, func(o outcome) bool { return o.op == "import" && o.value == last })].k
		want = []string{fmt.Sprintf("person/%s-%s%d-1", tag, f, k), fmt.Sprintf("person/%s-%s%d-2", tag, f, k), fmt.Sprintf("person/%s-%s-keep", tag, f)}
		sort.Strings(want)
		var ids []string
		for _, r := range neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH (n:Entity {origin: $o}) RETURN n.id AS id ORDER BY id", map[string]any{"o": tag + "-" + f + ".yaml"}) {
			id, _ := r.Get("id")
			ids = append(ids, id.(string))
		}
		if !slices.Equal(ids, want) {
			t.Errorf("file %s: the graph holds %v; its last import stated version %d, %v", f, ids, k, want)
		}
	}
}
