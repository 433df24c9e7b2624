package neo4jstore_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// additionOwner defines an organisation; additionAdder, another file, adds
// a name and a citation to it and states a relationship between two
// entities neither of which it defines.
const (
	additionOwner = `version: 2
sources:
  - id: source/{tag}-owner
    title: Owner's report
    publisher: Someone
entities:
  - id: organisation/{tag}-bureau
    type: Organisation
    name: Bureau {tag}
    aliases: [{owneralias}]
    description: {description}
    cite: [source/{tag}-owner#p1]
  - id: person/{tag}-head
    type: Person
    name: Head {tag}
    cite: [source/{tag}-owner#p1]
`
	additionAdder = `version: 2
sources:
  - id: source/{tag}-adder
    title: Adder's report
    publisher: Someone else
relations:
  - type: LEADS
    from: person/{tag}-head
    to: organisation/{tag}-bureau
    cite: [source/{tag}-adder#p2]
additions:
  - id: organisation/{tag}-bureau
    aliases: [{aliases}]
    cite: [source/{tag}-adder#p3]
`
)

// checked checks files, name and text pairs with {tag} filled in, against
// what the graph holds, as an import does.
func checked(t *testing.T, s *neo4jstore.Store, tag string, files ...string) ([]kg.Batch, error) {
	t.Helper()
	var inputs []casefile.Input
	for i := 0; i+1 < len(files); i += 2 {
		inputs = append(inputs, casefile.Input{Name: tag + "-" + files[i], Src: []byte(strings.ReplaceAll(files[i+1], "{tag}", tag))})
	}
	known := func(ids []string) (map[string]casefile.Known, error) {
		types, origins, err := s.Known(context.Background(), ids)
		out := map[string]casefile.Known{}
		for id, typ := range types {
			out[id] = casefile.Known{Type: typ, Origin: origins[id]}
		}
		return out, err
	}
	files2, err := casefile.Check(inputs, casefile.Options{Known: known})
	if err != nil {
		return nil, err
	}
	out := make([]kg.Batch, len(files2))
	for i, f := range files2 {
		out[i] = f.Batch
	}
	return out, nil
}

func mustCheck(t *testing.T, s *neo4jstore.Store, tag string, files ...string) []kg.Batch {
	t.Helper()
	b, err := checked(t, s, tag, files...)
	if err != nil {
		t.Fatalf("fixture:\n%v", err)
	}
	return b
}

// additionFixture is importFixture that also removes the test's additions.
func additionFixture(t *testing.T, uri string) string {
	t.Helper()
	tag := importFixture(t, uri)
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, "MATCH (a:Addition) WHERE a.file STARTS WITH $tag DELETE a", map[string]any{"tag": tag})
	})
	return tag
}

// aliasesAndCitations reads an entity's aliases and citations as the API
// does.
func aliasesAndCitations(t *testing.T, s *neo4jstore.Store, id string) (aliases, cites []string) {
	t.Helper()
	typ, _ := kg.TypeOfID(id)
	sel := &kg.Selection{ByType: map[kg.EntityType][]kg.SelectedField{typ: {
		{Name: "aliases"},
		{Name: "citations", Sel: &kg.Selection{Fields: []kg.SelectedField{{Name: "paragraph"}}}},
	}}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := s.Entities(ctx, []string{id}, sel)
	if err != nil || len(got) != 1 || got[0] == nil {
		t.Fatalf("Entities(%s) = %v, %v", id, got, err)
	}
	for _, a := range got[0]["aliases"].([]any) {
		aliases = append(aliases, a.(string))
	}
	for _, c := range got[0]["citations"].([]any) {
		cites = append(cites, c.(map[string]any)["ref"].(string))
	}
	return aliases, cites
}

func awaitSearch(t *testing.T, uri string) {
	t.Helper()
	neo4jtest.Exec(t, uri, "CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()", nil)
}

func TestAdditionsToAnotherFilesEntity(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	tag := additionFixture(t, uri)
	adder := func(aliases string) string { return strings.ReplaceAll(additionAdder, "{aliases}", aliases) }
	bureau := "organisation/" + tag + "-bureau"
	word := strings.ReplaceAll(tag, "-", "") // one word, which the tag in the names does not match
	ownerAlias, added, other := "Ownername"+word, "Addedname"+word, "Othername"+word
	owner := func(description string) string {
		return strings.NewReplacer("{description}", description, "{owneralias}", ownerAlias).Replace(additionOwner)
	}

	importAll(t, s, mustCheck(t, s, tag, "owner.yaml", owner("First."), "adder.yaml", adder(added+", "+other)))
	aliases, cites := aliasesAndCitations(t, s, bureau)
	if want := []string{ownerAlias, added, other}; !slices.Equal(aliases, want) {
		t.Errorf("aliases = %v, want %v", aliases, want)
	}
	if want := []string{"source/" + tag + "-owner#p1", "source/" + tag + "-adder#p3"}; !slices.Equal(cites, want) {
		t.Errorf("citations = %v, want %v", cites, want)
	}
	awaitSearch(t, uri)
	if hits := search(t, s, kg.SearchQuery{Text: added, First: 5}); !slices.Contains(hitIDs(hits), bureau) {
		t.Errorf("search for the added name %s found %v, want %s", added, hitIDs(hits), bureau)
	}

	t.Run("the relationship stated by a third file", func(t *testing.T) {
		n := neo4jtest.Exec(t, uri, "MATCH (:Person {id: $from})-[r:LEADS]->(:Organisation {id: $to}) RETURN r.origin AS origin",
			map[string]any{"from": "person/" + tag + "-head", "to": bureau})
		if len(n) != 1 || n[0].AsMap()["origin"] != tag+"-adder.yaml" {
			t.Errorf("LEADS from the adder: %v, want one, stated by %s-adder.yaml", n, tag)
		}
	})

	t.Run("the owner's re-import keeps the addition", func(t *testing.T) {
		importAll(t, s, mustCheck(t, s, tag, "owner.yaml", owner("Second.")))
		if aliases, _ := aliasesAndCitations(t, s, bureau); !slices.Contains(aliases, added) {
			t.Errorf("after the owner's re-import aliases = %v, want %s still among them", aliases, added)
		}
		props := neo4jtest.Exec(t, uri, "MATCH (n:Entity {id: $id}) RETURN n.aliases AS aliases, n.description AS d", map[string]any{"id": bureau})
		if got := props[0].AsMap(); got["d"] != "Second." || len(got["aliases"].([]any)) != 1 {
			t.Errorf("the entity holds %v: want the owner's description and the owner's one alias only", got)
		}
		awaitSearch(t, uri)
		if hits := search(t, s, kg.SearchQuery{Text: added, First: 5}); !slices.Contains(hitIDs(hits), bureau) {
			t.Errorf("after the owner's re-import, search for %s found %v", added, hitIDs(hits))
		}
	})

	t.Run("the adder's re-import removes exactly what it dropped", func(t *testing.T) {
		res := importAll(t, s, mustCheck(t, s, tag, "adder.yaml", adder(other)))
		if !slices.ContainsFunc(res.Changes, func(c kg.FactChange) bool { return c.Kind == "Addition" && c.Op == "update" }) {
			t.Errorf("changes %+v: want the addition updated", res.Changes)
		}
		aliases, _ := aliasesAndCitations(t, s, bureau)
		if want := []string{ownerAlias, other}; !slices.Equal(aliases, want) {
			t.Errorf("aliases = %v, want %v", aliases, want)
		}
		awaitSearch(t, uri)
		if hits := search(t, s, kg.SearchQuery{Text: added, First: 5}); slices.Contains(hitIDs(hits), bureau) {
			t.Errorf("search for the dropped name %s still finds %s", added, bureau)
		}
		if hits := search(t, s, kg.SearchQuery{Text: ownerAlias, First: 5}); !slices.Contains(hitIDs(hits), bureau) {
			t.Errorf("search for the owner's alias %s found %v", ownerAlias, hitIDs(hits))
		}
	})

	t.Run("export writes the addition back into the adding file", func(t *testing.T) {
		batches, err := s.ReadBatches(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(batches, func(b kg.Batch) bool { return b.Origin == tag+"-adder.yaml" })
		if i < 0 {
			t.Fatal("no batch of the adding file")
		}
		out, err := casefile.Write(batches[i])
		if err != nil {
			t.Fatal(err)
		}
		if want := "additions:\n  - id: " + bureau + "\n    aliases: [" + other + "]\n    cite: [source/" + tag + "-adder#p3]\n"; !strings.Contains(string(out), want) {
			t.Errorf("exported\n%s\nwant it to hold\n%s", out, want)
		}
	})
}

func TestAdditionRefusals(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	tag := additionFixture(t, uri)
	_, err := checked(t, s, tag, "adder.yaml", "version: 2\nsources:\n  - id: source/{tag}-s\n    title: S\n    publisher: S\nadditions:\n  - id: organisation/{tag}-nowhere\n    aliases: [X]\n    cite: [source/{tag}-s#p1]\n")
	var ps casefile.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Line != 7 || ps[0].Column != 9 || !strings.Contains(ps[0].Message, "unknown id") {
		t.Errorf("an addition to an unknown ID: %v, want one problem at 7:9", err)
	}

	// Removing an entity takes with it what other files add to it.
	owner := strings.NewReplacer("{description}", "D.", "{owneralias}", "O").Replace(additionOwner)
	adder := strings.ReplaceAll(additionAdder, "{aliases}", "A")
	importAll(t, s, mustCheck(t, s, tag, "owner.yaml", owner, "adder.yaml", adder))
	emptied := "version: 2\nsources:\n  - id: source/{tag}-owner\n    title: Owner's report\n    publisher: Someone\n"
	importAll(t, s, mustCheck(t, s, tag, "owner.yaml", emptied))
	if n := neo4jtest.Exec(t, uri, "MATCH (a:Addition) WHERE a.file STARTS WITH $tag RETURN a.id", map[string]any{"tag": tag}); len(n) != 0 {
		t.Errorf("%d additions outlive the entity they add to", len(n))
	}
}

// A case file adds a made-up name of KIBHR, whose own aliases common.yaml
// states: search finds KIBHR by it, and common.yaml's names stay.
func TestAdditionToABundledEntity(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := searchStore(t)
	tag := additionFixture(t, uri)
	t.Cleanup(func() {
		// Give KIBHR back its own search text.
		neo4jtest.Exec(t, uri, "MATCH (a:Addition {target: 'organisation/kibhr'}) WHERE a.file STARTS WITH $tag DELETE a", map[string]any{"tag": tag})
		importAll(t, s, mustCheck(t, s, tag, "kibhr.yaml", "version: 2\nsources:\n  - id: source/{tag}-s\n    title: S\n    publisher: S\n"))
	})
	before, _ := aliasesAndCitations(t, s, "organisation/kibhr")
	if !slices.Contains(before, "KMBPCh") {
		t.Fatalf("KIBHR's aliases %v lack common.yaml's KMBPCh", before)
	}
	name := "Qzxbureau" + strings.ReplaceAll(tag, "-", "")
	file := "version: 2\nsources:\n  - id: source/{tag}-s\n    title: S\n    publisher: S\nadditions:\n  - id: organisation/kibhr\n    aliases: [" + name + "]\n    cite: [source/{tag}-s#p1]\n"
	importAll(t, s, mustCheck(t, s, tag, "kibhr.yaml", file))
	aliases, cites := aliasesAndCitations(t, s, "organisation/kibhr")
	if want := append(slices.Clone(before), name); !slices.Equal(aliases, want) {
		t.Errorf("aliases = %v, want %v", aliases, want)
	}
	if !slices.Contains(cites, "source/"+tag+"-s#p1") {
		t.Errorf("citations %v lack the addition's", cites)
	}
	awaitSearch(t, uri)
	if hits := search(t, s, kg.SearchQuery{Text: name, First: 3}); len(hits) == 0 || hits[0].ID != "organisation/kibhr" || hits[0].Matched != name {
		t.Errorf("search for %s: %+v, want KIBHR first, matched by the added name", name, hits)
	}
}
