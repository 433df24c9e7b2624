package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/kg"
)

// Saved investigations are named views of the graph; they state no facts,
// so kg checks them, not the case-file rules. Saving one needs the editor
// role; deleting one, its creator with the editor role or an admin, as
// removing facts does.

func (r *Resolver) investigations() (Investigations, error) {
	if r.Investigations == nil {
		return nil, kg.Errorf(kg.Unavailable, "this service keeps no saved investigations")
	}
	return r.Investigations, nil
}

func (r *Resolver) investigation(ctx context.Context, id string) (*model.Investigation, error) {
	store, err := r.investigations()
	if err != nil {
		return nil, err
	}
	if err := kg.CheckInvestigationID(id); err != nil {
		return nil, err
	}
	inv, ok, err := store.Investigation(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	return investigationModel(inv), nil
}

func (r *Resolver) listInvestigations(ctx context.Context, first *int, after *string) (*model.InvestigationConnection, error) {
	store, err := r.investigations()
	if err != nil {
		return nil, err
	}
	n, offset, err := page(first, after)
	if err != nil {
		return nil, err
	}
	invs, total, err := store.ListInvestigations(ctx, n, offset)
	if err != nil {
		return nil, err
	}
	// The page's entities are fetched in one round trip, not one per
	// investigation; the entities resolver then finds them in place.
	var ids []string
	for _, inv := range invs {
		ids = append(ids, inv.Entities...)
	}
	byID, err := r.fetchAt(ctx, ids, "edges", "node", "entities")
	if err != nil {
		return nil, err
	}
	conn := &model.InvestigationConnection{TotalCount: total, PageInfo: pageInfo(offset, len(invs), total)}
	for i, inv := range invs {
		m := investigationModel(inv)
		m.Entities = make([]model.Entity, 0, len(inv.Entities))
		for _, id := range inv.Entities {
			if e, ok := byID[id]; ok {
				m.Entities = append(m.Entities, e)
			}
		}
		conn.Edges = append(conn.Edges, &model.InvestigationEdge{Cursor: cursor(offset + i), Node: m})
	}
	if conn.Edges == nil {
		conn.Edges = []*model.InvestigationEdge{}
	}
	return conn, nil
}

func (r *Resolver) saveInvestigation(ctx context.Context, in model.InvestigationInput, version *int, reason, key *string) (*model.Investigation, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	store, err := r.investigations()
	if err != nil {
		return nil, err
	}
	v := 0
	if version != nil {
		v = *version
	}
	if v < 0 {
		return nil, kg.Errorf(kg.Invalid, "version: 0 or left out to create, the version as read to change; got %d", v)
	}
	if err := kg.CheckInvestigationID(in.ID); err != nil {
		return nil, kg.Errorf(kg.Invalid, "input.%s", kg.ErrorMessage(err))
	}
	c, err := investigationContent(in)
	if err != nil {
		return nil, err
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	edit, err := editOf(ctx, reason, key)
	if err != nil {
		return nil, err
	}
	saved, err := store.SaveInvestigation(ctx, in.ID, c, v, edit)
	if err != nil {
		return nil, err
	}
	inv, ok, err := store.Investigation(ctx, in.ID)
	switch {
	case err != nil:
		return nil, afterSave(err, fmt.Sprintf("%s (version %d)", in.ID, saved))
	case !ok:
		return nil, afterSave(kg.Errorf(kg.NotFound, "it was deleted since"), fmt.Sprintf("%s (version %d)", in.ID, saved))
	}
	return investigationModel(inv), nil
}

func (r *Resolver) deleteInvestigation(ctx context.Context, id string, version int, reason, key *string) (*model.Change, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	store, err := r.investigations()
	if err != nil {
		return nil, err
	}
	if err := kg.CheckInvestigationID(id); err != nil {
		return nil, err
	}
	if version < 1 {
		return nil, kg.Errorf(kg.Invalid, "version must be the investigation's version as you read it (1 or more), got %d", version)
	}
	edit, err := editOf(ctx, reason, key)
	if err != nil {
		return nil, err
	}
	p, _ := kg.PrincipalFrom(ctx)
	change, err := store.DeleteInvestigation(ctx, id, version, p.Role >= retractRole, edit)
	if err != nil {
		return nil, err
	}
	return r.change(ctx, id, change)
}

// investigationContent converts the input; kg checks it.
func investigationContent(in model.InvestigationInput) (kg.InvestigationContent, error) {
	c := kg.InvestigationContent{Name: in.Name, Entities: in.Entities}
	if c.Entities == nil {
		c.Entities = []string{}
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	for _, p := range in.Positions {
		c.Positions = append(c.Positions, kg.Position{Entity: p.Entity, X: p.X, Y: p.Y})
	}
	for _, n := range in.Notes {
		c.Notes = append(c.Notes, kg.Note{Entity: n.Entity, Text: n.Text})
	}
	if f := in.Filters; f != nil {
		for _, t := range f.HiddenTypes {
			et, err := fromTypeEnum(t)
			if err != nil {
				return c, err
			}
			c.HiddenTypes = append(c.HiddenTypes, et)
		}
		for _, t := range f.HiddenRelationshipTypes {
			c.HiddenRels = append(c.HiddenRels, kg.RelType(t))
		}
		c.State = f.State
	}
	return c, nil
}

func investigationModel(inv kg.Investigation) *model.Investigation {
	m := &model.Investigation{ID: inv.ID, Name: inv.Name, Description: inv.Description, EntityIds: inv.Entities,
		CreatedBy: inv.CreatedBy, UpdatedBy: inv.UpdatedBy, UpdatedAt: inv.UpdatedAt.UTC().Format(time.RFC3339Nano), Version: inv.Version,
		Positions: []*model.InvestigationPosition{}, Notes: []*model.InvestigationNote{},
		Filters: &model.InvestigationFilters{HiddenTypes: []model.EntityType{}, HiddenRelationshipTypes: []model.RelationType{}, State: inv.State}}
	if m.EntityIds == nil {
		m.EntityIds = []string{}
	}
	for _, p := range inv.Positions {
		m.Positions = append(m.Positions, &model.InvestigationPosition{Entity: p.Entity, X: p.X, Y: p.Y})
	}
	for _, n := range inv.Notes {
		m.Notes = append(m.Notes, &model.InvestigationNote{Entity: n.Entity, Text: n.Text})
	}
	for _, t := range inv.HiddenTypes {
		m.Filters.HiddenTypes = append(m.Filters.HiddenTypes, entityType(t))
	}
	for _, t := range inv.HiddenRels {
		m.Filters.HiddenRelationshipTypes = append(m.Filters.HiddenRelationshipTypes, model.RelationType(t))
	}
	return m
}

// investigationEntities resolves an investigation's entities as the
// selection asks, leaving out those no longer in the graph, unless a list
// fetched them already (a non-nil Entities).
func (r *Resolver) investigationEntities(ctx context.Context, inv *model.Investigation) ([]model.Entity, error) {
	if inv.Entities != nil {
		return inv.Entities, nil
	}
	ids := inv.EntityIds
	es, err := r.fetchSelected(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Entity, 0, len(es))
	for _, e := range es {
		if e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}
