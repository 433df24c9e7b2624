package graph

import (
	"context"
	"strconv"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
)

// Source texts: passage search and coverage. Like the cross-case
// questions, the store answers with IDs in one statement, and the entities
// the client selects are fetched once per entity-valued field.

func (r *Resolver) passages(ctx context.Context, query string, sources []string, first *int, after *string) (*model.PassageConnection, error) {
	n, offset, err := page(first, after)
	if err != nil {
		return nil, err
	}
	hits, total, err := r.Sources.Passages(ctx, kg.PassageQuery{Text: query, Sources: sources, First: n, Offset: offset})
	if err != nil {
		return nil, err
	}
	ids := map[string][]string{}
	for _, h := range hits {
		ids["source"] = append(ids["source"], h.Source)
		ids["citedBy"] = append(ids["citedBy"], h.CitedBy...)
	}
	es, err := r.entitiesOf(ctx, []string{"edges", "node"}, ids)
	if err != nil {
		return nil, err
	}
	conn := &model.PassageConnection{TotalCount: total, PageInfo: pageInfo(offset, len(hits), total), Edges: make([]*model.PassageEdge, len(hits))}
	for i, h := range hits {
		node := &model.PassageHit{
			Source: as[model.Source](es["source"], h.Source), Paragraph: h.Paragraph, Ref: ref(h.Source, h.Paragraph),
			Text: h.Text, Snippet: make([]*model.SnippetPart, len(h.Snippet)),
			CitedBy: make([]model.Entity, 0, len(h.CitedBy)), CitingRelationships: h.CitingRelations,
		}
		if node.CitingRelationships == nil {
			node.CitingRelationships = []string{}
		}
		fillRequired(&node.Source, h.Source, kg.Source)
		for j, p := range h.Snippet {
			node.Snippet[j] = &model.SnippetPart{Text: p.Text, Match: p.Match}
		}
		for _, id := range h.CitedBy {
			e := es["citedBy"][id]
			if e == nil {
				e = placeholder(id, typeOf(id), "")
			}
			node.CitedBy = append(node.CitedBy, e)
		}
		conn.Edges[i] = &model.PassageEdge{Cursor: cursor(offset + i), Node: node}
	}
	return conn, nil
}

func (r *Resolver) coverage(ctx context.Context, source string) (*model.SourceCoverage, error) {
	c, err := r.Sources.Coverage(ctx, source)
	if err != nil {
		return nil, err
	}
	es, err := r.entitiesOf(ctx, nil, map[string][]string{"source": {source}})
	if err != nil {
		return nil, err
	}
	out := &model.SourceCoverage{
		Source: as[model.Source](es["source"], source), Held: c.Held, Paragraphs: c.Paragraphs,
		Cited: c.Cited, Uncited: make([]*model.Passage, len(c.Uncited)),
	}
	if out.Cited == nil {
		out.Cited = []int{}
	}
	fillRequired(&out.Source, source, kg.Source)
	for i, p := range c.Uncited {
		out.Uncited[i] = &model.Passage{Paragraph: p.Paragraph, Ref: ref(source, p.Paragraph), Text: p.Text}
	}
	return out, nil
}

func ref(source string, paragraph int) string { return source + "#p" + strconv.Itoa(paragraph) }

// addSource saves a source and, with content, its text: each non-blank
// line a paragraph. The text is checked before anything is written.
func (r *Resolver) addSource(ctx context.Context, input model.SourceInput, key *string) (*model.Source, error) {
	var paras []string
	if input.Content != nil {
		paras = casefile.Paragraphs([]byte(*input.Content), false)
		// The bounds are casefile.CheckText's, so a text a backup writes
		// beside the case files imports again.
		if err := casefile.CheckText(paras); err != nil {
			return nil, kg.Errorf(kg.Invalid, "content %v", err)
		}
	}
	e, err := r.saveEntity(ctx, input.ID, kg.Source, entry(input.ID, kg.Source, input.Fields, nil), 0, input.Reason, key, false)
	if err != nil {
		return nil, err
	}
	if paras != nil {
		edit, err := editOf(ctx, input.Reason, nil)
		if err != nil {
			return nil, err
		}
		if _, err := r.Editor.SaveTexts(ctx, map[string][]string{input.ID: paras}, edit); err != nil {
			// The source is in; its text is not, and sending the same
			// source and content again stores it.
			return nil, &kg.Error{Code: kg.ErrorCode(err), Saved: kg.SavedAnyway, Err: err,
				Message: "the source was saved but not its text: " + kg.ErrorMessage(err) + "; send addSource again with the same content to store the text"}
		}
	}
	s, _ := e.(*model.Source)
	return s, nil
}
