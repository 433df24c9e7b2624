package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

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
	opts := casefile.InGraph(ctx, r.Editor)
	known := opts.Known
	opts.Known = func(ids []string) (map[string]casefile.Known, error) {
		k, err := known(ids)
		delete(k, editing)
		return k, err
	}
	files, err := casefile.Check([]casefile.Input{{Name: "input", Src: src}}, opts)
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

// editOf says who makes a change and why, refusing a reason that a case
// file's note could not hold, with the client's idempotency key bound to
// this mutation and its arguments: the same key sent with another change
// is refused, not answered with the first change's answer.
func editOf(ctx context.Context, reason, key *string) (kg.Edit, error) {
	p, _ := kg.PrincipalFrom(ctx)
	e := kg.Edit{Actor: p.Name}
	if reason != nil {
		if err := reasonText.Check(*reason); err != nil {
			return kg.Edit{}, kg.Errorf(kg.Invalid, "reason %v", err)
		}
		e.Reason = *reason
	}
	if key == nil {
		return e, nil
	}
	if err := checkIdempotencyKey(*key); err != nil {
		return kg.Edit{}, err
	}
	e.Key = *key
	fc := graphql.GetFieldContext(ctx)
	args := make(map[string]any, len(fc.Args))
	for k, v := range fc.Args {
		if k != "idempotencyKey" {
			args[k] = v
		}
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return kg.Edit{}, kg.Wrap(kg.Internal, err, "cannot fingerprint the request")
	}
	sum := sha256.Sum256(append([]byte(fc.Field.Name+"\n"), raw...))
	e.Fingerprint = hex.EncodeToString(sum[:])
	return e, nil
}

// checkIdempotencyKey accepts 8 to 200 printable ASCII characters: enough
// for a UUID or a random token, nothing that could hide in a log.
func checkIdempotencyKey(k string) error {
	if len(k) < 8 || len(k) > 200 {
		return kg.Errorf(kg.Invalid, "idempotencyKey: must be 8 to 200 characters long, such as a UUID; got %d", len(k))
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return kg.Errorf(kg.Invalid, "idempotencyKey: must be printable ASCII without spaces, such as a UUID; character %d is not", i+1)
		}
	}
	return nil
}

// afterSave reports a failure that came after the change was saved (reading
// it back for the answer): the client must not take it for a failed write.
func afterSave(err error, what string) error {
	return &kg.Error{Code: kg.ErrorCode(err), Saved: kg.SavedAnyway, Err: err,
		Message: what + " was saved, but reading it back for this answer failed (" + kg.ErrorMessage(err) + "); read it again"}
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

func (r *Resolver) createEntity(ctx context.Context, in model.EntityInput, key *string) (model.Entity, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	t, err := fromTypeEnum(in.Type)
	if err != nil {
		return nil, err
	}
	return r.saveEntity(ctx, in.ID, t, entry(in.ID, t, in.Fields, in.Cite), 0, in.Reason, key, true)
}

func (r *Resolver) updateEntity(ctx context.Context, id string, version int, set map[string]any, unset []string, cite []string, reason, key *string) (model.Entity, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	if version < 1 {
		return nil, kg.Errorf(kg.Invalid, "version must be the entity's version as you read it (1 or more), got %d", version)
	}
	b, err := r.Editor.ReadEntity(ctx, id)
	if err != nil {
		return nil, err
	}
	current, err := caseFileEntry(b)
	if err != nil {
		return nil, err
	}
	keepVisibility(current, b.Entities[0].Props)
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
	_, rename := set["name"]
	_, realias := set["aliases"]
	return r.saveEntity(ctx, id, t, current, version, reason, key, rename || realias || slices.Contains(unset, "aliases"))
}

// saveEntity checks and writes an entity's case-file fields, then, when
// names says its names are new, tells of its likely duplicates.
func (r *Resolver) saveEntity(ctx context.Context, id string, t kg.EntityType, e map[string]any, version int, reason, key *string, names bool) (model.Entity, error) {
	edit, err := editOf(ctx, reason, key)
	if err != nil {
		return nil, err
	}
	// The entity's own ID is left out of the check's lookup even when it
	// is created: a create sent again (its answer lost) must reach the
	// store, which answers it as done if the content is the same.
	f, err := r.check(ctx, section(t), e, id)
	if err != nil {
		return nil, err
	}
	ent := f.Batch.Entities[0]
	saved, err := r.Editor.SaveEntity(ctx, ent, f.Batch.Links, version, edit)
	if err != nil {
		return nil, err
	}
	if names {
		r.duplicatesAfterSave(ctx, ent, f.Batch.Links)
	}
	return r.readBack(ctx, id, fmt.Sprintf("%s (version %d)", id, saved))
}

// readBack answers a write with the entity as it is now.
func (r *Resolver) readBack(ctx context.Context, id, what string) (model.Entity, error) {
	sel, err := fieldSelection(ctx)
	if err != nil {
		return nil, afterSave(err, what)
	}
	es, err := r.fetch(ctx, []string{id}, sel)
	if err != nil {
		return nil, afterSave(err, what)
	}
	if len(es) == 0 || es[0] == nil {
		return nil, afterSave(kg.Errorf(kg.NotFound, "it was merged or retracted since"), what)
	}
	return es[0], nil
}

// keepVisibility states in entry, a stored fact rendered as a case-file
// entry, the visibility its props hold, so that a change that does not
// set or unset it keeps it: a restricted fact never turns public by an
// edit of another field.
func keepVisibility(entry, props map[string]any) {
	delete(entry, kg.GroupsProp)
	if groups, ok := props[kg.GroupsProp]; ok {
		entry["visibility"] = groups
	} else {
		delete(entry, "visibility")
	}
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

func (r *Resolver) retractEntity(ctx context.Context, id string, version int, reason string, key *string) (*model.Change, error) {
	if err := kg.Require(ctx, retractRole); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, kg.Errorf(kg.Invalid, "reason: say why the entity is retracted")
	}
	edit, err := editOf(ctx, &reason, key)
	if err != nil {
		return nil, err
	}
	change, err := r.Editor.RetractEntity(ctx, id, version, edit)
	if err != nil {
		return nil, err
	}
	return r.change(ctx, id, change)
}

func (r *Resolver) mergeEntities(ctx context.Context, keep string, keepVersion int, remove string, removeVersion int, reason string, key *string) (model.Entity, error) {
	if err := kg.Require(ctx, retractRole); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, kg.Errorf(kg.Invalid, "reason: say why the two are one")
	}
	edit, err := editOf(ctx, &reason, key)
	if err != nil {
		return nil, err
	}
	if err := r.Editor.MergeEntities(ctx, keep, remove, keepVersion, removeVersion, edit); err != nil {
		return nil, err
	}
	return r.readBack(ctx, keep, "the merge of "+remove+" into "+keep)
}

func (r *Resolver) createRelation(ctx context.Context, in model.RelationInput, key *string) (*model.Edge, error) {
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
	return r.saveRelation(ctx, e, true, in.Reason, key)
}

func (r *Resolver) updateRelation(ctx context.Context, id string, t model.RelationType, set map[string]any, unset []string, cite []string, reason, key *string) (*model.Edge, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	v, err := r.Views.Relationship(ctx, id)
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
	keepVisibility(e, old.Props)
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
	return r.saveRelation(ctx, e, false, reason, key)
}

func (r *Resolver) saveRelation(ctx context.Context, e map[string]any, create bool, reason, key *string) (*model.Edge, error) {
	edit, err := editOf(ctx, reason, key)
	if err != nil {
		return nil, err
	}
	f, err := r.check(ctx, "relations", e, "")
	if err != nil {
		return nil, err
	}
	l := f.Batch.Links[0]
	if err := r.Editor.SaveRelation(ctx, l, create, edit); err != nil {
		return nil, err
	}
	edge, err := r.queryResolver().Relationship(ctx, l.ID)
	switch {
	case err != nil:
		return nil, afterSave(err, "relationship "+l.ID)
	case edge == nil:
		return nil, afterSave(kg.Errorf(kg.NotFound, "it was moved, merged or retracted since"), "relationship "+l.ID)
	}
	return edge, nil
}

func (r *Resolver) queryResolver() *queryResolver { return &queryResolver{r} }

func (r *Resolver) retractRelation(ctx context.Context, id string, t model.RelationType, reason string, key *string) (*model.Change, error) {
	if err := kg.Require(ctx, retractRole); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, kg.Errorf(kg.Invalid, "reason: say why the relationship is retracted")
	}
	edit, err := editOf(ctx, &reason, key)
	if err != nil {
		return nil, err
	}
	change, err := r.Editor.RetractRelation(ctx, kg.RelType(t), id, edit)
	if err != nil {
		return nil, err
	}
	return r.change(ctx, id, change)
}

// change answers a retraction with its history record.
func (r *Resolver) change(ctx context.Context, target, id string) (*model.Change, error) {
	cs, err := r.history(ctx, target)
	if err != nil {
		return nil, afterSave(err, "the retraction of "+target)
	}
	for _, c := range cs {
		if c.ID == id {
			return c, nil
		}
	}
	return nil, afterSave(kg.Errorf(kg.NotFound, "its history record %s is missing", id), "the retraction of "+target)
}

func (r *Resolver) history(ctx context.Context, id string) ([]*model.Change, error) {
	cs, err := r.Histories.History(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Change, len(cs))
	for i, c := range cs {
		out[i] = changeModel(c)
	}
	return out, nil
}

func changeModel(c kg.Change) *model.Change {
	mc := &model.Change{ID: c.ID, At: c.At.UTC().Format(time.RFC3339Nano), Actor: c.Actor, Op: model.Vocab(c.Op), Target: c.Target, Kind: c.Kind, Before: c.Before, After: c.After}
	if c.Reason != "" {
		mc.Reason = &c.Reason
	}
	if c.Version > 0 {
		mc.Version = &c.Version
	}
	return mc
}

// importCaseFile checks and imports a case file's content, as
// `casegraph import` does a file on disk, merged against the file's last
// import. Removing what the file no longer states is allowed to admins.
func (r *Resolver) importCaseFile(ctx context.Context, name, content string, dryRun bool, onConflict *model.ConflictSide, reason, key *string) (*model.ImportReport, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	if !validFileName(name) {
		return nil, kg.Errorf(kg.Invalid, "name: %s must be a plain file name ending in .yaml, such as mamai.yaml", kg.Quote(name))
	}
	edit, err := editOf(ctx, reason, key)
	if err != nil {
		return nil, err
	}
	report := &model.ImportReport{Problems: []*model.Problem{}, Changes: []string{}, Conflicts: []*model.ImportConflict{}, Duplicates: []*model.DuplicatePair{}}
	files, err := casefile.Check([]casefile.Input{{Name: name, Src: []byte(content)}}, casefile.InGraph(ctx, r.Editor))
	if ps, ok := err.(casefile.Problems); ok {
		for _, p := range ps {
			report.Problems = append(report.Problems, &model.Problem{File: p.File, Line: p.Line, Column: p.Column, Message: p.Message})
		}
		return report, nil
	}
	if err != nil {
		return nil, err
	}
	p, _ := kg.PrincipalFrom(ctx)
	o := kg.ImportOptions{Edit: edit, MayRemove: p.Role >= retractRole, DryRun: dryRun}
	if onConflict != nil {
		o.OnConflict = kg.Side(*onConflict)
	}
	res, err := r.Editor.Import(ctx, []kg.Batch{files[0].Batch}, o)
	if err != nil {
		return nil, err
	}
	for _, c := range res.Changes {
		report.Changes = append(report.Changes, c.String())
	}
	for _, c := range res.Conflicts {
		mc := &model.ImportConflict{File: c.File, Target: c.ID, Kind: c.Kind, Reason: c.Reason,
			GraphValue: valueOf(c.Field, c.Graph), BaseValue: valueOf(c.Field, c.Base), FileValue: valueOf(c.Field, c.Now)}
		if c.Field != "" {
			mc.Field = &c.Field
		}
		report.Conflicts = append(report.Conflicts, mc)
	}
	report.Unchanged = res.Kept
	if report.Duplicates, err = r.importedDuplicates(ctx, files[0].Batch, res.Duplicates); err != nil {
		if !dryRun && res.Refusal == nil && len(res.Changes) > 0 {
			err = afterSave(err, "the import")
		}
		return nil, err
	}
	if res.Refusal != nil {
		msg := res.Refusal.Message
		if len(res.Conflicts) > 0 && o.OnConflict == kg.Refuse {
			msg += " (onConflict: KEEP_GRAPH or TAKE_FILE)"
		}
		report.Refusal = &msg
		code := string(res.Refusal.Code)
		report.RefusalCode = &code
		return report, nil
	}
	report.Ok = true
	report.Written = !dryRun && len(res.Changes) > 0
	return report, nil
}

// valueOf shows one side of a conflict as a JSON object: the field and its
// value, or the whole fact. Nil when that side holds nothing.
func valueOf(field string, v any) map[string]any {
	if v == nil {
		return nil
	}
	if field == "" {
		m, _ := v.(map[string]any)
		return m
	}
	return map[string]any{field: v}
}

// fileNameText is what a case file's name may hold: it is the origin of
// every fact the file states, shown and exported with them.
var fileNameText = kg.TextRule{Max: 200}

func validFileName(name string) bool {
	return strings.HasSuffix(name, ".yaml") && !strings.ContainsAny(name, "/\\") && !strings.HasPrefix(name, ".") &&
		fileNameText.Check(name) == nil
}
