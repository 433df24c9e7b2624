package server_test

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// The probes of TestRestrictedNeverLeaks beyond the examples: each root
// field of Query at least once, asked about entities that restricted
// facts touch (Mamai, the Democratic Party, article 274, the thirteen's
// case and its court), about restricted IDs, and about IDs no graph
// holds; then the writes an editor outside monitors must see fail as for
// an unknown ID. Selections are generated from the schema (every field
// that needs no argument, a few levels down), so a field added to a type
// is compared too.

// IDs of the test files (testdata/restricted), restricted to monitors.
const (
	witnessA     = "person/test-witness-a"
	witnessB     = "person/test-witness-b"
	witnessCase  = "case/test-witness-a-2023"
	memo         = "source/test-monitors-memo"
	closedHear   = "event/test-mamai-closed-hearing"
	mamaiIPHR    = "rel/test-mamai-associated-iphr"
	ilyashevDP   = "rel/test-ilyashev-member-democratic-party"
	witnessBDef  = "DEFENDANT_IN:person/test-witness-b->case/almaly-thirteen-2021"
	witnessBSent = "sentence/test-witness-b"
)

// IDs of bundled entities that restricted facts touch, and IDs no graph
// holds.
const (
	mamai     = "person/zhanbolat-mamai"
	ilyashev  = "person/alnur-ilyashev"
	mamaiCase = "case/zhanbolat-mamai-2022"
	thirteen  = "case/almaly-thirteen-2021"
	democrats = "party/democratic-party"
	iphr      = "organisation/iphr"
	almaly    = "court/almaty-almaly-district-court"
	art274    = "legal-article/kz-cc-274"
	iphrMamai = "source/iphr-2023-04-mamai"
	nobody    = "person/test-nobody"
	noCase    = "case/test-nobody"
	noSource  = "source/test-nobody"
	noRel     = "rel/test-nobody"
)

// probesOf lists the probes, their selections made from schema.
func probesOf(schema *ast.Schema) []probe {
	sel := func(typ string, depth int) string { return selection(schema, typ, depth) }
	var ps []probe
	add := func(name, query string, shows ...string) {
		ps = append(ps, probe{name: name, query: query, shows: shows})
	}
	fails := func(name, query string, shows ...string) {
		ps = append(ps, probe{name: name, query: query, fails: true, shows: shows})
	}

	// Rows of the cross-case questions give their entities' IDs: the
	// entities' own fields are the node probes', and a whole entity under
	// every field of a row would make statements Neo4j takes seconds to
	// plan.

	// node and nodes: entities of each type that restricted facts touch,
	// whole, and restricted and unknown IDs.
	for _, n := range []struct{ id, typ string }{
		{mamai, "Person"}, {ilyashev, "Person"}, {democrats, "Party"}, {mamaiCase, "Case"}, {thirteen, "Case"},
		{almaly, "Court"}, {"court/almaty-court-mamai-trial", "Court"}, {art274, "LegalArticle"}, {"legal-article/kz-cc-405-1", "LegalArticle"},
		{iphr, "Organisation"}, {"organisation/kibhr", "Organisation"}, {"event/january-2022-unrest", "Event"},
		{"event/test-public-notice", "Event"}, {"proceeding/almaly-thirteen-first-instance", "Proceeding"},
		{iphrMamai, "Source"}, {"place/almaty", "Place"}, {"person/test-witness-a-namesake", "Person"},
	} {
		add("node/"+n.id, fmt.Sprintf(`{ node(id: %q) { ... on %s { %s } } }`, n.id, n.typ, sel(n.typ, 1)), showsOn(n.id)...)
	}
	for _, id := range []string{witnessA, witnessB, witnessCase, memo, closedHear, witnessBSent, nobody, noSource} {
		add("node/"+id, fmt.Sprintf(`{ node(id: %q) { id __typename ... on Entity { name } } }`, id), showsOf(id)...)
	}
	add("nodes", fmt.Sprintf(`{ nodes(ids: [%q, %q, %q, %q, %q, %q]) { %s } }`, mamai, witnessA, nobody, memo, democrats, witnessCase, sel("Node", 1)), witnessA, memo, witnessCase)

	// entities: every type, and those with restricted facts, page by page.
	add("entities/all", `{ entities(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id __typename } } } }`)
	for _, typ := range []string{"PERSON", "CASE", "CHARGE", "SENTENCE", "RESTRICTION", "EVENT", "SOURCE"} {
		add("entities/"+typ, fmt.Sprintf(`{ byName: entities(types: [%s], first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } }
			byID: entities(types: [%s], first: 7, orderBy: {field: ID, direction: DESC}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`, typ, typ),
			map[string][]string{"PERSON": {witnessA, witnessB}, "SOURCE": {memo}, "CASE": {witnessCase}}[typ]...)
	}

	// search: names and aliases of restricted entities, and names both share.
	for _, q := range []string{"Test Witness", "Witness Alpha", "Mamai", "closed hearing", "test", "Democratic Party"} {
		add("search/"+q, fmt.Sprintf(`{ search(query: %q, first: 100) { matched entity { id __typename name } } }`, q),
			map[string][]string{"Test Witness": {witnessA, witnessB}, "Witness Alpha": {witnessA}, "closed hearing": {closedHear}}[q]...)
	}
	add("search/types", `{ search(query: "Witness", types: [PERSON, CASE, SOURCE], first: 100) { matched entity { id name } } }`, witnessA)

	// neighbourhood, paths, subgraph, relationship: the views of the graph.
	graphView := sel("GraphView", 2)
	add("neighbourhood/mamai", fmt.Sprintf(`{ neighbourhood(id: %q, depth: 1, limit: 100) { %s } }`, mamai, graphView), mamaiIPHR)
	add("neighbourhood/democrats-2", fmt.Sprintf(`{ neighbourhood(id: %q, depth: 2, limit: 200) { %s } }`, democrats, graphView), witnessA, ilyashevDP)
	add("neighbourhood/thirteen-people", fmt.Sprintf(`{ neighbourhood(id: %q, depth: 2, types: [PERSON, SENTENCE], limit: 50) { %s } }`, thirteen, graphView), witnessB)
	add("neighbourhood/mamai-small", fmt.Sprintf(`{ neighbourhood(id: %q, depth: 3, limit: 5, relationshipTypes: [ASSOCIATED_WITH, MEMBER_OF, LEADS]) { %s } }`, mamai, graphView))
	fails("neighbourhood/restricted", fmt.Sprintf(`{ neighbourhood(id: %q) { %s } }`, witnessA, graphView), witnessA, witnessCase)
	fails("neighbourhood/unknown", fmt.Sprintf(`{ neighbourhood(id: %q) { %s } }`, nobody, graphView))
	pathView := sel("PathView", 2)
	add("paths/mamai-iphr", fmt.Sprintf(`{ paths(from: %q, to: %q, maxLength: 3) { %s } }`, mamai, iphr, pathView), mamaiIPHR)
	add("paths/ilyashev-mamai", fmt.Sprintf(`{ paths(from: %q, to: %q, maxLength: 4, limit: 100) { %s } }`, ilyashev, mamai, pathView), ilyashevDP)
	add("paths/thirteen-mamai", fmt.Sprintf(`{ paths(from: %q, to: %q, maxLength: 6, limit: 5) { %s } }`, thirteen, mamaiCase, pathView))
	fails("paths/to-restricted", fmt.Sprintf(`{ paths(from: %q, to: %q) { %s } }`, mamai, witnessA, pathView), witnessA)
	fails("paths/to-unknown", fmt.Sprintf(`{ paths(from: %q, to: %q) { %s } }`, mamai, nobody, pathView))
	add("subgraph", fmt.Sprintf(`{ subgraph(ids: [%q, %q, %q, %q, %q, %q, %q, %q]) { %s } }`, mamai, democrats, iphr, ilyashev, witnessA, nobody, mamaiCase, witnessCase, graphView), witnessA, mamaiIPHR, ilyashevDP)
	edge := sel("Edge", 2)
	for _, id := range []string{mamaiIPHR, ilyashevDP, witnessBDef, noRel, "ABOUT:" + memo + "->" + mamaiCase} {
		add("relationship/"+id, fmt.Sprintf(`{ relationship(id: %q) { %s } }`, id, edge), showsOf(id)...)
	}
	add("relationship/public-citing-restricted", fmt.Sprintf(`{ relationship(id: %q) { %s } }`, "ABOUT:event/test-public-notice->"+mamaiCase, edge), memo)
	add("relationship/bundled", fmt.Sprintf(`{ relationship(id: %q) { %s } }`, "LEADS:"+mamai+"->"+democrats, edge))

	// timeline.
	timeline := sel("TimelineEntry", 2)
	for _, id := range []string{mamaiCase, thirteen, mamai, democrats, "place/almaty", iphr} {
		add("timeline/"+id, fmt.Sprintf(`{ timeline(of: %q) { %s } }`, id, timeline), map[string][]string{mamaiCase: {closedHear}}[id]...)
	}
	add("timeline/range", fmt.Sprintf(`{ timeline(of: %q, from: "2022-12", to: "2023") { %s } }`, mamaiCase, timeline), closedHear)
	fails("timeline/restricted", fmt.Sprintf(`{ timeline(of: %q) { %s } }`, witnessCase, timeline), "event/test-witness-a-arrest")
	fails("timeline/unknown", fmt.Sprintf(`{ timeline(of: %q) { %s } }`, noCase, timeline))

	// convictions and counts.
	conv := sel("ConvictionConnection", 2)
	for _, f := range []struct{ name, filter string }{
		{"all", `{}`},
		{"article-274", fmt.Sprintf(`{articles: [%q]}`, art274)},
		{"almaly-court", fmt.Sprintf(`{courts: [%q]}`, almaly)},
		{"democrats", fmt.Sprintf(`{parties: [%q]}`, democrats)},
		{"bans", `{restrictionKinds: [POLITICAL_ACTIVITY_BAN, CIVIC_ACTIVITY_BAN]}`},
		{"2021-08", `{from: "2021-08", to: "2021-08"}`},
		{"in-force", `{sentenceInForce: true, sentenceKinds: [SUSPENDED, CUSTODIAL]}`},
		{"almaty-extremism", `{cities: ["place/almaty"], categories: [EXTREMISM, FALSE_INFORMATION]}`},
	} {
		add("convictions/"+f.name, fmt.Sprintf(`{ convictions(filter: %s, first: 50) { %s } }`, f.filter, conv),
			map[string][]string{"all": {witnessA, witnessB}, "article-274": {witnessA}, "democrats": {witnessA}, "2021-08": {witnessB}}[f.name]...)
	}
	add("convictions/page", `{ convictions(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { person { id } charge { id } } } } }`)
	for _, v := range enumValues(schema, "CountDimension") {
		add("counts/"+v, fmt.Sprintf(`{ all: counts(by: %s) { %s } bans: counts(by: %s, filter: {restrictionKinds: [POLITICAL_ACTIVITY_BAN, CIVIC_ACTIVITY_BAN]}) { %s } }`, v, sel("GroupCount", 1), v, sel("GroupCount", 1)))
	}

	// The pattern questions.
	add("chargeChanges", fmt.Sprintf(`{ chargeChanges { %s } }`, sel("ChargeChange", 1)))
	common := sel("CommonGround", 2)
	add("commonGround/mamai-ilyashev", fmt.Sprintf(`{ commonGround(a: %q, b: %q) { %s } }`, mamai, ilyashev, common), democrats)
	add("commonGround/cases", fmt.Sprintf(`{ commonGround(a: %q, b: %q) { %s } }`, mamaiCase, thirteen, common))
	fails("commonGround/restricted", fmt.Sprintf(`{ commonGround(a: %q, b: %q) { %s } }`, mamai, witnessA, common), witnessA)
	fails("commonGround/unknown", fmt.Sprintf(`{ commonGround(a: %q, b: %q) { %s } }`, mamai, nobody, common))
	similar := sel("SimilarCase", 1)
	add("similarCases/mamai", fmt.Sprintf(`{ similarCases(to: %q, first: 100) { %s } }`, mamaiCase, similar), witnessCase)
	add("similarCases/thirteen", fmt.Sprintf(`{ similarCases(to: %q, first: 100) { %s } }`, thirteen, similar))
	// Cases like the restricted one: an outsider's is an unknown ID; a
	// member gets them, Mamai's (the same article) among them.
	fails("similarCases/restricted", fmt.Sprintf(`{ similarCases(to: %q) { %s } }`, witnessCase, similar), mamaiCase)
	fails("similarCases/unknown", fmt.Sprintf(`{ similarCases(to: %q) { %s } }`, noCase, similar))
	add("arrestsAfterProtests", fmt.Sprintf(`{ a12: arrestsAfterProtests(withinMonths: 12) { %s } a60: arrestsAfterProtests(withinMonths: 60) { %s } }`,
		sel("ArrestAfterProtest", 1), sel("ArrestAfterProtest", 1)), witnessA)
	add("pretrialDetention", fmt.Sprintf(`{ pretrialDetention { %s } }`, sel("PretrialRecord", 1)), witnessA)
	add("assessedCases", fmt.Sprintf(`{ one: assessedCases(minOrganisations: 1) { %s } two: assessedCases { %s } }`,
		sel("AssessedCase", 1), sel("AssessedCase", 1)), witnessCase)
	// Witness B's charges, under 405-1 and 405-2, are one article at the
	// top of the code: they make no pair, so members see what all do.
	add("articlePairs", fmt.Sprintf(`{ articlePairs { %s } }`, sel("ArticlePair", 1)))
	add("contestedClaims", fmt.Sprintf(`{ contestedClaims { %s } }`, sel("ContestedClaim", 1)), mamaiIPHR)
	add("laterChargedAssociates", fmt.Sprintf(`{ laterChargedAssociates { %s } }`, sel("LaterChargedAssociate", 1)), witnessA)
	add("stats", fmt.Sprintf(`{ stats { %s } }`, sel("GraphStats", 2)))

	// history: of the imports, of entities and relationships. An entry's
	// at, the clock time of the import, is not asked.
	change := strings.ReplaceAll(" "+sel("Change", 1)+" ", " at ", " ")
	for _, id := range []string{mamai, democrats, witnessA, nobody, mamaiIPHR, noRel, "casefile/monitors-case.yaml", "casefile/public-with-restricted.yaml", "casefile/mamai.yaml"} {
		add("history/"+id, fmt.Sprintf(`{ history(id: %q) { %s } }`, id, change))
	}

	// passages and coverage: the restricted memo's text, and a public
	// source's paragraph only restricted facts cite.
	passages := sel("PassageConnection", 3)
	for _, q := range []string{"Test Witness", "zeppelin", "Mamai suspended sentence", "politically motivated"} {
		add("passages/"+q, fmt.Sprintf(`{ passages(query: %q, first: 50) { %s } }`, q, passages), map[string][]string{"Test Witness": {memo}}[q]...)
	}
	add("passages/in-memo", fmt.Sprintf(`{ passages(query: "Witness", sources: [%q, %q], first: 50) { %s } }`, memo, iphrMamai, passages), memo)
	coverage := sel("SourceCoverage", 2)
	// Its second paragraph is cited by restricted facts alone.
	add("coverage/"+iphrMamai, fmt.Sprintf(`{ coverage(source: %q) { %s } }`, iphrMamai, coverage))
	for _, id := range []string{memo, noSource} {
		fails("coverage/"+id, fmt.Sprintf(`{ coverage(source: %q) { %s } }`, id, coverage), showsOf(id)...)
	}

	// investigations: one saved naming a restricted entity beside a
	// public one (saveProbeInvestigation).
	inv := sel("Investigation", 1)
	add("investigation", fmt.Sprintf(`{ investigation(id: "investigation/restricted-test") { %s } }`, inv), witnessA)
	add("investigation/unknown", fmt.Sprintf(`{ investigation(id: "investigation/test-nobody") { %s } }`, inv))
	add("investigations", fmt.Sprintf(`{ investigations(first: 5) { %s } }`, sel("InvestigationConnection", 2)), witnessA)

	// possibleDuplicates: the restricted witness and its public namesake.
	add("possibleDuplicates", fmt.Sprintf(`{ all: possibleDuplicates(first: 100) { %s } people: possibleDuplicates(types: [PERSON], first: 100) { %s } }`,
		sel("DuplicatePair", 1), sel("DuplicatePair", 1)), witnessA)

	return append(ps, writeProbes(sel("ImportReport", 1))...)
}

// writeProbes are writes by an editor outside monitors about restricted
// facts: each must fail as it does on B, where they do not exist.
// report selects the whole of an ImportReport.
func writeProbes(report string) []probe {
	cite := `cite: ["source/iphr-2023-04-mamai#p3"]`
	var ps []probe
	w := func(name, query string) {
		ps = append(ps, probe{name: "write/" + name, query: query, as: "editor", fails: true})
	}
	for _, id := range []string{witnessA, memo, nobody} {
		w("updateEntity/"+id, fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {description: "Changed by an outsider."}, %s) { id version } }`, id, cite))
		w("retractEntity/"+id, fmt.Sprintf(`mutation { retractEntity(id: %q, version: 1, reason: "outsider") { id } }`, id))
		w("mergeEntities/"+id, fmt.Sprintf(`mutation { mergeEntities(keep: "person/test-witness-a-namesake", keepVersion: 1, remove: %q, removeVersion: 1, reason: "outsider") { id } }`, id))
		w("judgeDuplicates/"+id, fmt.Sprintf(`mutation { judgeDuplicates(a: "person/test-witness-a-namesake", b: %q, verdict: DISTINCT, reason: "outsider") { verdict } }`, id))
		w("createRelation/"+id, fmt.Sprintf(`mutation { createRelation(input: {type: ASSOCIATED_WITH, from: %q, to: %q, %s}) { id } }`, mamai, id, cite))
		w("createEntity-citing/"+id, fmt.Sprintf(`mutation { createEntity(input: {id: "person/test-outsider-%s", type: PERSON, fields: {name: "Outsider Made"}, cite: ["%s#p1"]}) { id } }`, slug(id), id))
		w("saveInvestigation/"+id, fmt.Sprintf(`mutation { saveInvestigation(input: {id: "investigation/test-outsider-%s", name: "Outsider", entities: [%q, %q]}) { id } }`, slug(id), mamai, id))
	}
	for _, id := range []string{mamaiIPHR, noRel} {
		w("updateRelation/"+id, fmt.Sprintf(`mutation { updateRelation(id: %q, type: ASSOCIATED_WITH, set: {note: "Changed by an outsider."}, %s) { id } }`, id, cite))
		w("retractRelation/"+id, fmt.Sprintf(`mutation { retractRelation(id: %q, type: ASSOCIATED_WITH, reason: "outsider") { id } }`, id))
	}
	// A case file that names a restricted entity, checked by a dry run:
	// the problem, and any "did you mean", must be as on B. The report
	// answers a refused file, so the probe asks for no error.
	for _, id := range []string{witnessA, memo, "person/test-witness-x"} {
		file := fmt.Sprintf("version: 2\nrelations:\n  - type: ASSOCIATED_WITH\n    from: %s\n    to: %s\n    cite: [source/iphr-2023-04-mamai#p3]\n", mamai, id)
		ps = append(ps, probe{name: "write/importCaseFile/" + id, as: "editor", vars: map[string]any{"file": file},
			query: fmt.Sprintf(`mutation($file: String!) { importCaseFile(name: "test-outsider.yaml", content: $file, dryRun: true) { %s } }`, report)})
	}
	return ps
}

// showsOn are the restricted IDs a member sees on the bundled entity id.
func showsOn(id string) []string {
	switch id {
	case mamai:
		return []string{mamaiIPHR, memo}
	case ilyashev, democrats:
		return []string{ilyashevDP}
	case thirteen:
		return []string{witnessB}
	case art274:
		return []string{"charge/test-witness-a-274"}
	case "event/test-public-notice":
		return []string{memo}
	}
	return nil
}

// showsOf is the restricted ID itself, which a member may read.
func showsOf(id string) []string {
	if id == nobody || id == noSource || id == noRel {
		return nil
	}
	return []string{id}
}

// selection is every field of the type name that needs no argument, down
// to depth levels of objects; below that an object gives its id, or its
// scalar fields when it has none. An interface gives its own fields.
func selection(s *ast.Schema, name string, depth int) string {
	def := s.Types[name]
	if def == nil {
		panic("no type " + name + " in the schema")
	}
	if def.Kind == ast.Union {
		var b strings.Builder
		b.WriteString("__typename")
		for _, pt := range s.GetPossibleTypes(def) {
			fmt.Fprintf(&b, " ... on %s { %s }", pt.Name, selection(s, pt.Name, depth))
		}
		return b.String()
	}
	parts := []string{}
	if def.Kind == ast.Interface {
		parts = append(parts, "__typename")
	}
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") || needsArgument(f) {
			continue
		}
		inner := s.Types[f.Type.Name()]
		switch {
		case inner.Kind == ast.Scalar || inner.Kind == ast.Enum:
			parts = append(parts, f.Name)
		case depth > 0:
			parts = append(parts, f.Name+" { "+selection(s, inner.Name, depth-1)+" }")
		default:
			parts = append(parts, f.Name+" { "+named(s, inner)+" }")
		}
	}
	return strings.Join(parts, " ")
}

// named is how an object below the selection's depth is given: its id,
// or its scalar fields.
func named(s *ast.Schema, def *ast.Definition) string {
	if def.Kind == ast.Union {
		var b strings.Builder
		b.WriteString("__typename")
		for _, pt := range s.GetPossibleTypes(def) {
			fmt.Fprintf(&b, " ... on %s { %s }", pt.Name, named(s, pt))
		}
		return b.String()
	}
	if def.Fields.ForName("id") != nil {
		return "id"
	}
	var leaves []string
	for _, f := range def.Fields {
		if inner := s.Types[f.Type.Name()]; !needsArgument(f) && (inner.Kind == ast.Scalar || inner.Kind == ast.Enum) {
			leaves = append(leaves, f.Name)
		}
	}
	if len(leaves) == 0 {
		return "__typename"
	}
	return strings.Join(leaves, " ")
}

func needsArgument(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

// slug is id as one slug, for the IDs a probe makes.
func slug(id string) string { return strings.NewReplacer("/", "-", ":", "-", ">", "").Replace(id) }

func enumValues(s *ast.Schema, name string) []string {
	var out []string
	for _, v := range s.Types[name].EnumValues {
		out = append(out, v.Name)
	}
	return out
}
