package graph

import (
	"context"
	"fmt"
	"slices"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/kg"
)

// citationSources fetches the Source entities that citations point at, for
// the citation field reached by path, in one store call.
func (r *Resolver) citationSources(ctx context.Context, cites []kg.Citation, path ...string) (map[string]model.Entity, error) {
	ids := make([]string, len(cites))
	for i, c := range cites {
		ids[i] = c.Source
	}
	return r.fetchAt(ctx, ids, append(path, "source")...)
}

func citations(cs []kg.Citation, sources map[string]model.Entity) []*model.Citation {
	out := make([]*model.Citation, 0, len(cs))
	for _, c := range cs {
		mc := &model.Citation{Ref: c.String(), Paragraph: c.Paragraph}
		if s, ok := sources[c.Source].(*model.Source); ok {
			mc.Source = s
		} else {
			mc.Source = &model.Source{ID: c.Source}
		}
		out = append(out, mc)
	}
	return out
}

// quote fills in the quotes of citations the client asked for at path,
// with one store call for all of them.
func (r *Resolver) quote(ctx context.Context, cs []*model.Citation, path ...string) error {
	sel, err := selectionAt(ctx, path...)
	if err != nil || sel == nil || len(cs) == 0 || !slices.ContainsFunc(sel.Fields, func(f kg.SelectedField) bool {
		return f.Name == "quote" || f.Name == "unquoted"
	}) {
		return err
	}
	cites := make([]kg.Citation, 0, len(cs))
	for _, c := range cs {
		if kc, err := kg.ParseCitation(c.Ref); err == nil {
			cites = append(cites, kc)
		}
	}
	quotes, held, err := r.Sources.Quotes(ctx, cites)
	if err != nil {
		return err
	}
	for _, c := range cs {
		switch q, ok := quotes[c.Ref]; {
		case ok:
			c.Quote = &q
		case held[c.Source.ID]:
			c.Unquoted = ptr(kg.NoParagraph)
		default:
			c.Unquoted = ptr(kg.TextNotHeld)
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// graphView converts a store view; edgesPath names where its edges sit in
// the answer, to fetch the cited sources the client selected.
func (r *Resolver) graphView(ctx context.Context, v kg.GraphView) ([]*model.GraphNode, []*model.GraphEdge, error) {
	var all []kg.Citation
	for _, e := range v.Edges {
		all = append(all, e.Citations...)
	}
	sources, err := r.citationSources(ctx, all, "edges", "sources")
	if err != nil {
		return nil, nil, err
	}
	nodes := make([]*model.GraphNode, len(v.Nodes))
	for i, n := range v.Nodes {
		nodes[i] = &model.GraphNode{ID: "GraphNode:" + n.ID, Entity: n.ID, Type: entityType(n.Type), Label: n.Label, Properties: n.Props}
	}
	edges := make([]*model.GraphEdge, len(v.Edges))
	var shown []*model.Citation
	for i, e := range v.Edges {
		edges[i] = &model.GraphEdge{
			ID: "GraphEdge:" + e.ID, Relationship: e.ID, Type: model.RelationType(e.Type), Source: e.Source, Target: e.Target,
			Properties: e.Props, Sources: citations(e.Citations, sources),
		}
		shown = append(shown, edges[i].Sources...)
	}
	return nodes, edges, r.quote(ctx, shown, "edges", "sources")
}

// view converts a store view into the API's answer.
func (r *Resolver) view(ctx context.Context, v kg.GraphView) (*model.GraphView, error) {
	nodes, edges, err := r.graphView(ctx, v)
	if err != nil {
		return nil, err
	}
	return &model.GraphView{Nodes: nodes, Edges: edges, Truncated: v.Truncated}, nil
}

func relTypes(ts []model.RelationType) []kg.RelType {
	out := make([]kg.RelType, len(ts))
	for i, t := range ts {
		out[i] = kg.RelType(t)
	}
	return out
}

// optionalDate parses an optional date argument, naming it in the error.
func optionalDate(name string, s *string) (*kg.Date, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	d, err := kg.ParseDate(*s)
	if err == nil && d.Qualifier != "" {
		err = fmt.Errorf("%q is a bound, not a date: a range starts or ends at a date such as 2022, 2022-03 or 2022-03-15", *s)
	}
	if err != nil {
		return nil, kg.Errorf(kg.Invalid, "%s: %v", name, err)
	}
	return &d, nil
}

func fuzzy(d *kg.Date) *model.FuzzyDate {
	if d == nil {
		return nil
	}
	return &model.FuzzyDate{Text: d.Text}
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}
