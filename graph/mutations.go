package graph

import (
	"context"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
)

// Mutations are checked by the same code as case files: each builds the
// case-file entry it stands for and runs it through casefile.Check, so an
// edit through the API and a line in a case file are judged alike and get
// the same messages.

// Roles each kind of write needs.
const (
	editRole    = kg.Editor
	retractRole = kg.Admin
)

// check validates one entity or relation entry as a case file would hold
// it. editing names an entity the entry replaces, which the graph may hold
// already (under a case file of its own).
func (r *Resolver) check(ctx context.Context, section string, entry map[string]any, editing string) (*casefile.File, error) {
	doc := map[string]any{"version": casefile.Version, section: []any{entry}}
	src, err := yaml.Marshal(doc)
	if err != nil {
		return nil, kg.Errorf(kg.Invalid, "the input cannot be read as fields: %v", err)
	}
	files, err := casefile.Check([]casefile.Input{{Name: "input", Src: src}}, casefile.Options{
		Known: func(ids []string) (map[string]casefile.Known, error) {
			types, origins, err := r.Store.Known(ctx, ids)
			if err != nil {
				return nil, err
			}
			out := make(map[string]casefile.Known, len(types))
			for id, t := range types {
				if id != editing {
					out[id] = casefile.Known{Type: t, Origin: origins[id]}
				}
			}
			return out, nil
		},
	})
	if err != nil {
		if ps, ok := err.(casefile.Problems); ok {
			return nil, problemsError(ps)
		}
		return nil, err
	}
	return files[0], nil
}

// problemsError reports every problem; positions refer to the case-file
// entry the input stands for, so only the messages are shown.
func problemsError(ps casefile.Problems) error {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Message
	}
	return kg.Errorf(kg.Invalid, "%s", strings.Join(msgs, "; "))
}

func entry(id string, t kg.EntityType, fields map[string]any, cite []string) map[string]any {
	e := make(map[string]any, len(fields)+3)
	for k, v := range fields {
		e[k] = v
	}
	e["id"] = id
	if t != kg.Source {
		e["type"] = string(t)
		e["cite"] = cite
	}
	return e
}

func section(t kg.EntityType) string {
	if t == kg.Source {
		return "sources"
	}
	return "entities"
}

// reasonText is what the reason for a change may hold: prose, as a note
// in a case file may.
var reasonText = kg.TextRule{Max: 2000, Prose: true}

// edit names who makes a change and why, refusing a reason that a case
// file's note could not hold.
func edit(ctx context.Context, reason *string) (kg.Edit, error) {
	p, _ := kg.PrincipalFrom(ctx)
	e := kg.Edit{Actor: p.Name}
	if reason != nil {
		if err := reasonText.Check(*reason); err != nil {
			return kg.Edit{}, kg.Errorf(kg.Invalid, "reason %v", err)
		}
		e.Reason = *reason
	}
	return e, nil
}

// fromTypeEnum turns LEGAL_ARTICLE into LegalArticle.
func fromTypeEnum(t model.EntityType) (kg.EntityType, error) {
	for _, et := range kg.EntityTypes {
		if entityType(et) == t {
			return et, nil
		}
	}
	return "", kg.Errorf(kg.Invalid, "unknown entity type %s", t)
}

func (r *Resolver) createEntity(ctx context.Context, in model.EntityInput) (model.Entity, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	t, err := fromTypeEnum(in.Type)
	if err != nil {
		return nil, err
	}
	return r.saveEntity(ctx, in.ID, t, entry(in.ID, t, in.Fields, in.Cite), 0, in.Reason)
}

func (r *Resolver) updateEntity(ctx context.Context, id string, version int, set map[string]any, unset []string, cite []string, reason *string) (model.Entity, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	if version < 1 {
		return nil, kg.Errorf(kg.Invalid, "version must be the entity's version as you read it (1 or more), got %d", version)
	}
	b, err := r.Store.ReadEntity(ctx, id)
	if err != nil {
		return nil, err
	}
	current, err := caseFileEntry(b)
	if err != nil {
		return nil, err
	}
	for _, k := range unset {
		if k == "id" || k == "type" || k == "name" {
			return nil, kg.Errorf(kg.Invalid, "unset: %s cannot be removed", k)
		}
		delete(current, k)
	}
	for k, v := range set {
		if k == "id" || k == "type" || k == "cite" {
			return nil, kg.Errorf(kg.Invalid, "set: %s cannot be changed here", k)
		}
		current[k] = v
	}
	t := b.Entities[0].Type
	if t != kg.Source {
		current["cite"] = cite
	}
	return r.saveEntity(ctx, id, t, current, version, reason)
}

func (r *Resolver) saveEntity(ctx context.Context, id string, t kg.EntityType, e map[string]any, version int, reason *string) (model.Entity, error) {
	editing := ""
	if version > 0 {
		editing = id
	}
	change, err := edit(ctx, reason)
	if err != nil {
		return nil, err
	}
	f, err := r.check(ctx, section(t), e, editing)
	if err != nil {
		return nil, err
	}
	ent := f.Batch.Entities[0]
	if _, err := r.Store.SaveEntity(ctx, ent, f.Batch.Links, version, change); err != nil {
		return nil, err
	}
	sel, err := fieldSelection(ctx)
	if err != nil {
		return nil, err
	}
	es, err := r.fetch(ctx, []string{id}, sel)
	if err != nil {
		return nil, err
	}
	return es[0], nil
}

// caseFileEntry renders a stored entity back into its case-file fields.
func caseFileEntry(b kg.Batch) (map[string]any, error) {
	src, err := casefile.Write(b)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Sources  []map[string]any `yaml:"sources"`
		Entities []map[string]any `yaml:"entities"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if all := append(doc.Sources, doc.Entities...); len(all) == 1 {
		return all[0], nil
	}
	return nil, kg.Errorf(kg.Internal, "entity %s did not render as one entry", b.Entities[0].ID)
}

func (r *Resolver) retractEntity(ctx context.Context, id string, version int, reason string) (*model.Change, error) {
	if err := kg.Require(ctx, retractRole); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, kg.Errorf(kg.Invalid, "reason: say why the entity is retracted")
	}
	change, err := edit(ctx, &reason)
	if err != nil {
		return nil, err
	}
	if err := r.Store.RetractEntity(ctx, id, version, change); err != nil {
		return nil, err
	}
	return r.lastChange(ctx, id)
}

func (r *Resolver) mergeEntities(ctx context.Context, keep string, keepVersion int, remove string, removeVersion int, reason string) (model.Entity, error) {
	if err := kg.Require(ctx, retractRole); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, kg.Errorf(kg.Invalid, "reason: say why the two are one")
	}
	change, err := edit(ctx, &reason)
	if err != nil {
		return nil, err
	}
	if err := r.Store.MergeEntities(ctx, keep, remove, keepVersion, removeVersion, change); err != nil {
		return nil, err
	}
	sel, err := fieldSelection(ctx)
	if err != nil {
		return nil, err
	}
	es, err := r.fetch(ctx, []string{keep}, sel)
	if err != nil {
		return nil, err
	}
	return es[0], nil
}

func (r *Resolver) createRelation(ctx context.Context, in model.RelationInput) (*model.Edge, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	e := map[string]any{}
	for k, v := range in.Fields {
		e[k] = v
	}
	e["type"], e["from"], e["to"], e["cite"] = string(in.Type), in.From, in.To, in.Cite
	if in.ID != nil {
		e["id"] = *in.ID
	}
	return r.saveRelation(ctx, e, true, in.Reason)
}

func (r *Resolver) updateRelation(ctx context.Context, id string, t model.RelationType, set map[string]any, unset []string, cite []string, reason *string) (*model.Edge, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	v, err := r.Store.Relationship(ctx, id)
	if err != nil {
		return nil, err
	}
	old := v.Edges[0]
	if string(old.Type) != string(t) {
		return nil, kg.Errorf(kg.Invalid, "relationship %s is a %s, not a %s", id, old.Type, t)
	}
	if _, ok := kg.RelationSpec(old.Type); !ok {
		return nil, kg.Errorf(kg.Invalid, "%s comes from a field of an entity: change it with updateEntity", id)
	}
	e := map[string]any{}
	for k, v := range old.Props {
		e[k] = v
	}
	for _, k := range unset {
		delete(e, k)
	}
	for k, v := range set {
		if k == "type" || k == "from" || k == "to" || k == "id" {
			return nil, kg.Errorf(kg.Invalid, "set: %s cannot be changed; retract the relation and create another", k)
		}
		e[k] = v
	}
	e["type"], e["from"], e["to"], e["cite"] = string(old.Type), old.Source, old.Target, cite
	if strings.HasPrefix(id, "rel/") {
		e["id"] = id
	}
	return r.saveRelation(ctx, e, false, reason)
}

func (r *Resolver) saveRelation(ctx context.Context, e map[string]any, create bool, reason *string) (*model.Edge, error) {
	change, err := edit(ctx, reason)
	if err != nil {
		return nil, err
	}
	f, err := r.check(ctx, "relations", e, "")
	if err != nil {
		return nil, err
	}
	l := f.Batch.Links[0]
	if err := r.Store.SaveRelation(ctx, l, create, change); err != nil {
		return nil, err
	}
	return r.queryResolver().Relationship(ctx, l.ID)
}

func (r *Resolver) queryResolver() *queryResolver { return &queryResolver{r} }

func (r *Resolver) retractRelation(ctx context.Context, id string, t model.RelationType, reason string) (*model.Change, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, kg.Errorf(kg.Invalid, "reason: say why the relationship is retracted")
	}
	change, err := edit(ctx, &reason)
	if err != nil {
		return nil, err
	}
	if err := r.Store.RetractRelation(ctx, kg.RelType(t), id, change); err != nil {
		return nil, err
	}
	return r.lastChange(ctx, id)
}

func (r *Resolver) lastChange(ctx context.Context, id string) (*model.Change, error) {
	cs, err := r.history(ctx, id)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return cs[len(cs)-1], nil
}

func (r *Resolver) history(ctx context.Context, id string) ([]*model.Change, error) {
	cs, err := r.Store.History(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Change, len(cs))
	for i, c := range cs {
		mc := &model.Change{ID: c.ID, At: c.At.UTC().Format(time.RFC3339Nano), Actor: c.Actor, Op: c.Op, Target: c.Target, Kind: c.Kind, Before: c.Before, After: c.After}
		if c.Reason != "" {
			mc.Reason = &c.Reason
		}
		if c.Version > 0 {
			mc.Version = &c.Version
		}
		out[i] = mc
	}
	return out, nil
}

// importCaseFile checks and imports a case file's content, as
// `casegraph import` does a file on disk.
func (r *Resolver) importCaseFile(ctx context.Context, name, content string, dryRun bool) (*model.ImportReport, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	if !validFileName(name) {
		return nil, kg.Errorf(kg.Invalid, "name: %s must be a plain file name ending in .yaml, such as mamai.yaml", kg.Quote(name))
	}
	report := &model.ImportReport{Problems: []*model.Problem{}, Changes: []string{}}
	files, err := casefile.Check([]casefile.Input{{Name: name, Src: []byte(content)}}, casefile.Options{
		Known: func(ids []string) (map[string]casefile.Known, error) {
			types, origins, err := r.Store.Known(ctx, ids)
			out := make(map[string]casefile.Known, len(types))
			for id, t := range types {
				out[id] = casefile.Known{Type: t, Origin: origins[id]}
			}
			return out, err
		},
	})
	if ps, ok := err.(casefile.Problems); ok {
		for _, p := range ps {
			report.Problems = append(report.Problems, &model.Problem{File: p.File, Line: p.Line, Column: p.Column, Message: p.Message})
		}
		return report, nil
	}
	if err != nil {
		return nil, err
	}
	b := files[0].Batch
	changes, unchanged, err := r.Store.PlanImport(ctx, b)
	if err != nil {
		return nil, err
	}
	report.Changes = changes
	report.Unchanged = unchanged
	if !dryRun {
		change, _ := edit(ctx, nil) // no reason to refuse
		if err := r.Store.ImportAs(ctx, b, change); err != nil {
			return nil, err
		}
	}
	report.Ok = true
	report.Written = !dryRun && len(changes) > 0
	return report, nil
}

// fileNameText is what a case file's name may hold: it is the origin of
// every fact the file states, shown and exported with them.
var fileNameText = kg.TextRule{Max: 200}

func validFileName(name string) bool {
	return strings.HasSuffix(name, ".yaml") && !strings.ContainsAny(name, "/\\") && !strings.HasPrefix(name, ".") &&
		fileNameText.Check(name) == nil
}
