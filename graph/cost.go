package graph

import (
	"sync"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/casegraph/casegraph/internal/kg"
)

// What the root fields cost, in units of one lookup by ID (node): the rate
// limit counts the same units, so a client's budget goes as far as the
// database work its requests cause. The weights follow how many of each
// field the service answers per second next to lookups, measured on a
// synthetic graph of 10,000 cases (docs/api.md has the table).
const (
	lookupCost = 1 // node, nodes, relationship, stats, timeline, history
	// A question that reads the whole graph: entities (which sorts every
	// entity of its types) and the cross-case questions. Their answers
	// are kept until the graph changes, so most cost the database one
	// read; a question asked afresh costs it more the larger the graph.
	wholeGraphCost   = 20
	commonGroundCost = 2  // the surroundings of two entities
	schemaCost       = 10 // the whole schema, at most once per request
	writeCost        = 5  // a write transaction with its audit record
	// answerUnit is the complexity (fields in the answer) that costs as
	// much to build and send as one lookup.
	answerUnit = 1000
	// caseFileUnit is the bytes of a case file that cost one unit more to
	// check and import.
	caseFileUnit = 10000
)

// Upper bounds of the arguments that set a root field's work; the
// resolvers and the store refuse larger ones, so costs stop there too.
const (
	maxViewLimit   = 500 // neighbourhood's limit
	maxPathsLimit  = 100 // paths' limit
	maxSubgraphIDs = 500 // subgraph's ids
)

// rootCost returns what a root field costs and, for a graph view, how many
// items its nodes and edges may hold.
func (m *measurer) rootCost(f *ast.Field) (int, map[string]int) {
	switch f.Name {
	case "__typename":
		return 0, nil
	case "__schema":
		m.schemas[f.Alias] = true
		return schemaCost, nil
	}
	if f.Definition == nil || f.ObjectDefinition == nil {
		return lookupCost, nil
	}
	if f.ObjectDefinition.Name == "Mutation" {
		if f.Name == "importCaseFile" {
			content, _ := f.ArgumentMap(m.vars)["content"].(string)
			return writeCost + len(content)/caseFileUnit, nil
		}
		return writeCost, nil
	}
	args := f.ArgumentMap(m.vars)
	switch f.Name {
	case "neighbourhood":
		// Each level reads at most limit relationships of each node and
		// keeps at most limit nodes; measured, the work grows with both.
		depth := bounded(args, "depth", 1, kg.MaxViewDepth)
		limit := bounded(args, "limit", 1, maxViewLimit)
		return 1 + depth*limit/75, map[string]int{"nodes": limit, "edges": 2 * limit}
	case "paths":
		// Shortest paths search from both ends, so their work grows with
		// the branching of the graph to the power of half the length.
		length := bounded(args, "maxLength", 1, kg.MaxPathLength)
		limit := bounded(args, "limit", 1, maxPathsLimit)
		items := limit * length
		return 1 + (1<<length)/4 + limit/10, map[string]int{"nodes": items, "edges": items}
	case "subgraph":
		ids, _ := args["ids"].([]any)
		n := min(len(ids), maxSubgraphIDs)
		return 1 + n/50, map[string]int{"nodes": n, "edges": 2 * n}
	case "search":
		return 1 + bounded(args, "first", 0, MaxPageSize)/10, nil
	case "passages":
		// The index is cheap; finding the facts that cite the page reads
		// every fact's citations once.
		return wholeGraphCost, nil
	case "commonGround":
		return commonGroundCost, nil
	case "entities", "convictions", "counts", "chargeChanges", "similarCases",
		"arrestsAfterProtests", "pretrialDetention", "assessedCases",
		"articlePairs", "contestedClaims", "laterChargedAssociates", "coverage", "possibleDuplicates",
		"investigations":
		return wholeGraphCost, nil
	}
	return lookupCost, nil
}

// bounded reads an integer argument within [lo, hi]; out-of-range values
// are refused later, by the resolver, and cost as the nearest bound.
func bounded(args map[string]any, name string, lo, hi int) int {
	n, _ := intArg(args, name)
	return max(lo, min(n, hi))
}

// introspectionLists holds, for each list field of the introspection types,
// the longest such list in the schema: __Type.fields is the most fields any
// type has, __Field.args the most arguments of any field, and so on.
var introspectionLists = sync.OnceValue(func() map[string]int {
	n := map[string]int{}
	longest := func(key string, l int) { n[key] = max(n[key], l) }
	longest("__Schema.types", len(parsedSchema.Types))
	longest("__Schema.directives", len(parsedSchema.Directives))
	for _, d := range parsedSchema.Directives {
		longest("__Directive.args", len(d.Arguments))
	}
	for _, t := range parsedSchema.Types {
		longest("__Type.fields", len(t.Fields))
		longest("__Type.inputFields", len(t.Fields))
		longest("__Type.enumValues", len(t.EnumValues))
		longest("__Type.interfaces", len(t.Interfaces))
		longest("__Type.possibleTypes", len(parsedSchema.GetPossibleTypes(t)))
		for _, f := range t.Fields {
			longest("__Field.args", len(f.Arguments))
		}
	}
	return n
})
