package neo4jstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// ReadBatches reads back what the case files wrote: one batch per origin,
// sorted by origin, with entities in type order then by ID and links by
// type then ID. Properties are keyed by case-file field name as importBatch
// flattened them, so a batch can be written back as its case file; a field
// link names its owner. Nodes and relationships without an origin were not
// imported from case files and are left out; what files add to entities
// others define goes with the adding file.
//
// The reads are of one state of the graph, as a backup must be: Neo4j's
// transactions read what is committed when each statement runs, so a write
// committed between the queries of one transaction would be half in it.
// Every write raises the graph's write count under its lock
// (writeLockQuery); the count is read before and after, and a read that
// saw it move is made again, up to exportTries times.
func (s *Store) ReadBatches(ctx context.Context) ([]kg.Batch, error) {
	b, err := s.ReadBackup(ctx)
	return b.Batches, err
}

// Backup is what an export reads, of one state of the graph.
type Backup struct {
	Batches []kg.Batch
	// Texts are the paragraphs, by source ID, of the texts the graph
	// holds of exported sources without a file: texts sent through the
	// API, which no source document supplies again.
	Texts map[string][]string
}

// ReadBackup reads what ReadBatches does and, in the same transaction,
// the texts no source document holds.
func (s *Store) ReadBackup(ctx context.Context) (Backup, error) {
	for try := 1; ; try++ {
		out, err := s.readBatchesOnce(ctx)
		if !errors.Is(err, errGraphMoved) {
			return out, err
		}
		if try == exportTries {
			return Backup{}, kg.Errorf(kg.Unavailable, "the graph changed during each of %d reads of it; export again when fewer writes are made", exportTries)
		}
	}
}

// exportTries bounds the reads of ReadBatches.
const exportTries = 5

// errGraphMoved says a write committed during a read of the whole graph.
var errGraphMoved = errors.New("the graph changed during the read")

// writeCountQuery reads how many writes the graph has taken its lock for.
const writeCountQuery = `OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN coalesce(g.writes, 0) AS writes`

func (s *Store) readBatchesOnce(ctx context.Context) (Backup, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	writes := func(tx *wtx) (int64, error) {
		res, err := tx.Run(ctx, writeCountQuery, nil)
		if err != nil {
			return 0, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return 0, err
		}
		return col[int64](rec, "the export's read of the write count", "writes")
	}
	out, err := sess.ExecuteRead(ctx, func(driverTx neo4j.ManagedTransaction) (any, error) {
		tx := s.transaction(driverTx, neo4j.AccessModeRead)
		defer tx.endOpen()
		first, err := writes(tx)
		if err != nil {
			return nil, err
		}
		batches := map[string]*kg.Batch{}
		batch := func(origin string) *kg.Batch {
			if batches[origin] == nil {
				batches[origin] = &kg.Batch{Origin: origin}
			}
			return batches[origin]
		}

		// What the reader of ctx sees: the command line sees every fact.
		res, err := tx.Run(ctx, `
			MATCH (n:Entity) WHERE n.origin IS NOT NULL AND `+seen("n")+`
			RETURN n.origin AS origin, [l IN labels(n) WHERE l <> 'Entity'] AS labels, `+citedSeen("n")+` AS props`, nil)
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			r := rowOf(rec, "exporting entities")
			origin, props, labels := r.str("origin"), r.props("props"), r.strs("labels")
			if err := r.err(); err != nil {
				return nil, err
			}
			id, _ := props["id"].(string)
			t, ok := entityType(labels)
			if !ok {
				return nil, fmt.Errorf("entity %s has labels %v: none is an entity type", id, labels)
			}
			e := kg.Entity{ID: id, Type: t}
			if e.Props, e.Citations, err = unflatten(props, "id", "origin"); err != nil {
				return nil, fmt.Errorf("entity %s: %w", id, err)
			}
			b := batch(origin)
			b.Entities = append(b.Entities, e)
		}

		res, err = tx.Run(ctx, `
			MATCH (a:Entity)-[r]->(b:Entity) WHERE r.origin IS NOT NULL AND `+seenAll("r", "a", "b")+`
			RETURN type(r) AS type, a.id AS from, b.id AS to, `+citedSeen("r")+` AS props`, nil)
		if err != nil {
			return nil, err
		}
		if recs, err = res.Collect(ctx); err != nil {
			return nil, err
		}
		for _, rec := range recs {
			r := rowOf(rec, "exporting relationships")
			t, from, to, props := r.str("type"), r.str("from"), r.str("to"), r.props("props")
			if err := r.err(); err != nil {
				return nil, err
			}
			origin, _ := props["origin"].(string)
			id, _ := props["id"].(string)
			field, _ := props["field"].(string)
			owner, _ := props["owner"].(string)
			l := kg.Link{ID: id, Type: kg.RelType(t), From: from, To: to, Field: field, Owner: owner}
			if l.Props, l.Citations, err = unflatten(props, "id", "origin", "field"); err != nil {
				return nil, fmt.Errorf("relationship %s: %w", id, err)
			}
			b := batch(origin)
			b.Links = append(b.Links, l)
		}

		res, err = tx.Run(ctx, `
			MATCH (a:Addition) WHERE EXISTS { MATCH (t:Entity {id: a.target}) WHERE `+seen("t")+` }
			RETURN a.file AS file, `+citedSeen("a")+` AS props ORDER BY a.target`, nil)
		if err != nil {
			return nil, err
		}
		if recs, err = res.Collect(ctx); err != nil {
			return nil, err
		}
		for _, rec := range recs {
			r := rowOf(rec, "exporting additions")
			file, props := r.str("file"), r.props("props")
			if err := r.err(); err != nil {
				return nil, err
			}
			_, cites, err := unflatten(props)
			if err != nil {
				return nil, fmt.Errorf("addition %s: %w", str(props["id"]), err)
			}
			b := batch(file)
			b.Additions = append(b.Additions, kg.Addition{Target: str(props["target"]), Aliases: strs(props["aliases"]), Citations: cites})
		}

		texts, err := readTexts(ctx, tx)
		if err != nil {
			return nil, err
		}

		if hook := duringExport.Load(); hook != nil {
			(*hook)()
		}
		if last, err := writes(tx); err != nil || last != first {
			return nil, cmp.Or(err, errGraphMoved)
		}
		out := make([]kg.Batch, 0, len(batches))
		for _, b := range batches {
			sortBatch(b)
			out = append(out, *b)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Origin < out[j].Origin })
		return Backup{Batches: out, Texts: texts}, nil
	})
	if errors.Is(err, errGraphMoved) {
		return Backup{}, err
	}
	if err != nil {
		return Backup{}, translate(err, "reading the case files' facts failed")
	}
	return out.(Backup), nil
}

// readTexts reads the texts of exported sources (those with an origin)
// that have no file: a source with a file has its text read again from
// the sources directory at import. A text whose passages are not numbered
// 1 to its count is an error, not a text to back up.
func readTexts(ctx context.Context, tx *wtx) (map[string][]string, error) {
	res, err := tx.Run(ctx, `
		MATCH (t:SourceText)
		MATCH (src:Entity {id: t.source}) WHERE src:Source AND src.origin IS NOT NULL AND src.file IS NULL AND `+seen("src")+`
		CALL (t) {
		  MATCH (p:Passage {source: t.source})
		  WITH p ORDER BY p.n
		  RETURN collect(p.n) AS numbers, collect(p.text) AS paragraphs
		}
		RETURN t.source AS source, t.paragraphs AS count, numbers, paragraphs`, nil)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(recs))
	for _, r := range recs {
		row := rowOf(r, "the export's read of source texts")
		id, paras, count := row.str("source"), row.strs("paragraphs"), row.num("count")
		nums, err := listOf[int64](r, "the export's read of source texts", "numbers")
		if err = row.errOr(err); err != nil {
			return nil, err
		}
		ok := count == len(paras) && len(nums) == len(paras)
		for i := 0; ok && i < len(nums); i++ {
			ok = nums[i] == int64(i+1)
		}
		if !ok {
			return nil, fmt.Errorf("the text of %s is not whole: %d paragraphs recorded, passages %v", id, count, nums)
		}
		out[id] = paras
	}
	return out, nil
}

// duringExport, when a test sets it, runs in each read of ReadBatches
// after its queries and before it checks the write count.
var duringExport atomic.Pointer[func()]

func entityType(labels []string) (kg.EntityType, bool) {
	for _, l := range labels {
		for _, t := range kg.EntityTypes {
			if string(t) == l {
				return t, true
			}
		}
	}
	return "", false
}

func sortBatch(b *kg.Batch) {
	rank := map[kg.EntityType]int{}
	for i, t := range kg.EntityTypes {
		rank[t] = i
	}
	sort.Slice(b.Entities, func(i, j int) bool {
		x, y := b.Entities[i], b.Entities[j]
		if x.Type != y.Type {
			return rank[x.Type] < rank[y.Type]
		}
		return x.ID < y.ID
	})
	sort.Slice(b.Links, func(i, j int) bool {
		x, y := b.Links[i], b.Links[j]
		if x.Type != y.Type {
			return x.Type < y.Type
		}
		return x.ID < y.ID
	})
}

// unflatten undoes flatten: it drops the bookkeeping properties (skip,
// sources), turns citations back into kg.Citation, and folds each date's
// Text and Precision siblings back into a kg.Date and each duration's
// Months sibling into a kg.Duration (flatten always writes Months, -1 for
// "life" and "sentence").
func unflatten(props map[string]any, skip ...string) (map[string]any, []kg.Citation, error) {
	drop := map[string]bool{"citations": true, "sources": true}
	for k := range derived {
		drop[k] = true
	}
	for _, k := range skip {
		drop[k] = true
	}
	for k := range props {
		if _, ok := props[k+"Precision"]; ok {
			drop[k+"Text"], drop[k+"Precision"], drop[k+"Earliest"], drop[k+"Latest"] = true, true, true, true
		}
		if _, ok := props[k+"Months"]; ok {
			drop[k+"Months"] = true
		}
	}
	out := make(map[string]any, len(props))
	for k, v := range props {
		if drop[k] {
			continue
		}
		var err error
		switch {
		case props[k+"Precision"] != nil:
			text, _ := props[k+"Text"].(string)
			out[k], err = kg.ParseDate(text)
		case props[k+"Months"] != nil:
			text, _ := v.(string)
			out[k], err = kg.ParseDurationText(text)
		default:
			out[k], err = plain(v)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", k, err)
		}
	}
	var cites []kg.Citation
	if raw, has := props["citations"]; has {
		list, err := plain(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("citations: %w", err)
		}
		ss, _ := list.([]string)
		for _, s := range ss {
			c, err := kg.ParseCitation(s)
			if err != nil {
				return nil, nil, err
			}
			cites = append(cites, c)
		}
	}
	return out, cites, nil
}

// plain turns a list read from Neo4j, which comes back as []any, into the
// []string the case-file model uses; other values pass through.
func plain(v any) (any, error) {
	list, ok := v.([]any)
	if !ok {
		return v, nil
	}
	ss := make([]string, len(list))
	for i, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("a list holds a %T, want strings", x)
		}
		ss[i] = s
	}
	return ss, nil
}
