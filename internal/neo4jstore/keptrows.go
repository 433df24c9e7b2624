package neo4jstore

import (
	"cmp"
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// Convictions kept across writes. Finding and ordering every row a filter
// matches is what a convictions page costs: under a popular article, tens
// of thousands of rows at 100,000 cases. A kept page is dropped by every
// write, so under a stream of edits that cost would be paid again and
// again. Kept therefore keeps, per filter, the list of the rows it
// matches in page order (keys only), and brings it up to date instead of
// computing it again: every write records which cases' rows it rewrote
// (changeQuery), so the rows of those cases alone are read again, under
// the filter, and take the place of their old ones in the list. A page is
// then read by the keys of its rows. The record reaches changesKept
// versions back; a list older than that, or a write that did not say what
// it changed, computes the list again.

// rowRef is a conviction row, by what tells it from the others and what
// orders it (convictionPageQuery's ORDER BY).
type rowRef struct {
	Case, Charge, Person string
	Day                  int64 // the row's date, days since 1970; noDay without one
}

const noDay = math.MinInt64

// compareRows orders rows as convictionPageQuery does: newest first, those
// without a date last, then by charge, person and case.
func compareRows(a, b rowRef) int {
	if a.Day != b.Day {
		switch {
		case a.Day == noDay:
			return 1
		case b.Day == noDay:
			return -1
		case a.Day > b.Day:
			return -1
		}
		return 1
	}
	return cmp.Or(strings.Compare(a.Charge, b.Charge), strings.Compare(a.Person, b.Person), strings.Compare(a.Case, b.Case))
}

// matched is the kept list of the rows a filter matches, in page order.
// It is never changed once kept: a patch makes a new one. A filter that
// matches more rows than a list may hold (keptRowsMax) is marked tooMany
// instead, and its pages are the store's own statement (Store.Convictions),
// which orders the rows in Neo4j and sends only the page; the mark is kept
// across versions, so such a filter is not counted again after each write.
type matched struct {
	rows    []rowRef
	tooMany bool
}

// rowRefBytes is about what a kept row takes: its IDs and the slice's
// share. A list may hold a quarter of the cache, as any kept answer.
const rowRefBytes = 160

func (k *Kept) keptRowsMax() int {
	if k.rowsMax > 0 {
		return k.rowsMax
	}
	return k.answers.max / 4 / rowRefBytes
}

func (m *matched) size() int {
	n := int(unsafe.Sizeof(matched{})) + cap(m.rows)*int(unsafe.Sizeof(rowRef{}))
	for _, r := range m.rows {
		n += len(r.Case) + len(r.Charge) + len(r.Person)
	}
	return n
}

// Convictions answers a page from the kept list of the filter's rows.
func (k *Kept) Convictions(ctx context.Context, f kg.ConvictionFilter, first, offset int) ([]kg.Conviction, int, error) {
	if k.answers == nil {
		return k.Store.Convictions(ctx, f, first, offset)
	}
	if err := checkPage(first, offset); err != nil {
		return nil, 0, err
	}
	version, err := k.graphVersion(ctx)
	if err != nil {
		return nil, 0, translate(err, "reading the graph version failed")
	}
	p, err := keepAt(ctx, k, version, "convictions", []any{f, first, offset}, func(ctx context.Context) (page[kg.Conviction], error) {
		m, err := k.matching(ctx, f, version)
		if err != nil {
			return page[kg.Conviction]{}, err
		}
		if m.tooMany {
			k.storePages.Add(1)
			cs, n, err := k.Store.Convictions(ctx, f, first, offset)
			return page[kg.Conviction]{cs, n}, err
		}
		n := len(m.rows)
		cs, err := k.Store.convictionsOf(ctx, f, m.rows[min(offset, n):min(offset+first, n)], n)
		return page[kg.Conviction]{cs, n}, err
	})
	return p.Items, p.Total, err
}

// matching returns the rows f matches at version (or a later one): kept,
// brought up to date from the record of changes, or read whole.
func (k *Kept) matching(ctx context.Context, f kg.ConvictionFilter, version int64) (*matched, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, kg.Wrap(kg.Internal, err, "reading convictions failed")
	}
	key := "convictionRows\x00" + string(b)
	// A list is kept per sight, as answerAt keeps it.
	before, since, kept := k.answers.settled(ctx, sightKey(ctx)+key)
	v, err := k.answerAt(ctx, key, version, true, func(ctx context.Context) (any, int, error) {
		var rows []rowRef
		var err error
		m, ok := before.(*matched)
		switch {
		case kept && ok && m.tooMany:
			return m, m.size(), nil
		case kept && ok && since < version:
			rows, err = k.patched(ctx, f, m, since, version)
		default:
			rows, err = k.Store.matchingRows(ctx, f, nil, k.keptRowsMax())
		}
		if err != nil {
			return nil, 0, err
		}
		m = &matched{rows: rows}
		if len(rows) > k.keptRowsMax() {
			m = &matched{tooMany: true}
		}
		return m, m.size(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*matched), nil
}

// patched brings m, the rows f matched at version since, up to version
// now.
func (k *Kept) patched(ctx context.Context, f kg.ConvictionFilter, m *matched, since, now int64) ([]rowRef, error) {
	c, complete, err := k.Store.changesSince(ctx, since, now)
	switch {
	case err != nil:
		return nil, err
	case !complete:
		return k.Store.matchingRows(ctx, f, nil, k.keptRowsMax())
	case len(c.cases) == 0:
		k.patches.Add(1)
		return m.rows, nil
	}
	fresh, err := k.Store.matchingRows(ctx, f, c.cases, 0)
	if err != nil {
		return nil, err
	}
	k.patches.Add(1)
	return patchRows(m.rows, c.cases, fresh), nil
}

// patchRows replaces the rows of cases in rows, both in page order, by
// fresh.
func patchRows(rows []rowRef, cases []string, fresh []rowRef) []rowRef {
	gone := make(map[string]bool, len(cases))
	for _, c := range cases {
		gone[c] = true
	}
	out := make([]rowRef, 0, len(rows)+len(fresh))
	i := 0
	for _, r := range rows {
		if gone[r.Case] {
			continue
		}
		for i < len(fresh) && compareRows(fresh[i], r) < 0 {
			out = append(out, fresh[i])
			i++
		}
		out = append(out, r)
	}
	return append(out, fresh[i:]...)
}

// matchingRows reads the keys of the rows f matches, of every case or of
// cases alone, in page order; with max above 0, no more than max + 1 of
// them, which says there are more than max.
func (s *Store) matchingRows(ctx context.Context, f kg.ConvictionFilter, cases []string, max int) ([]rowRef, error) {
	params := convictionParams(f)
	if cases != nil {
		params["cases"] = cases
	}
	q := rowsMatching(f, cases != nil) + "RETURN r.case AS case, r.charge AS charge, r.person AS person, r.date AS date"
	if max > 0 {
		q += " LIMIT $limit"
		params["limit"] = int64(max + 1)
	}
	res, err := s.readQuery(ctx, q, params)
	if err != nil {
		return nil, translate(err, "reading convictions failed")
	}
	out := make([]rowRef, len(res.Records))
	for i, rec := range res.Records {
		r := rowOf(rec, "reading conviction rows")
		out[i] = rowRef{Case: r.str("case"), Charge: r.str("charge"), Person: r.str("person"), Day: noDay}
		if !r.isNull("date") {
			d, err := col[neo4j.Date](rec, "reading conviction rows", "date")
			if err != nil {
				return nil, err
			}
			out[i].Day = time.Time(d).Unix() / 86400
		}
		if err := r.err(); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, compareRows)
	return out, nil
}

// convictionsOf answers the page of the rows keys, in their order, with
// total as the number of matches.
func (s *Store) convictionsOf(ctx context.Context, f kg.ConvictionFilter, keys []rowRef, total int) ([]kg.Conviction, error) {
	list := make([]map[string]any, len(keys))
	for i, k := range keys {
		list[i] = map[string]any{"case": k.Case, "charge": k.Charge, "person": k.Person}
	}
	res, err := s.readQuery(ctx, `UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS key
MATCH (r:ConvictionRow {charge: key.charge}) WHERE r.case = key.case AND r.person = key.person AND `+rowSeen+`
WITH i, r ORDER BY i
WITH collect(r) AS page
WITH page, $total AS total
`+pageOfRows(f), map[string]any{"keys": list, "total": int64(total)})
	if err != nil {
		return nil, translate(err, "reading convictions failed")
	}
	cs, _, err := decodeConvictions(res)
	return cs, err
}

// changes is what the writes between two graph versions changed.
type changes struct{ cases []string }

// changesSince reads what the writes after version since, up to now,
// changed; complete is false when the record does not say it all (it no
// longer reaches since, or a write changed everything).
func (s *Store) changesSince(ctx context.Context, since, now int64) (changes, bool, error) {
	res, err := s.readOwn(ctx, `MATCH (c:GraphChange) WHERE c.version > $since AND c.version <= $now
RETURN count(c) AS n, coalesce(max(CASE WHEN c.all THEN 1 ELSE 0 END), 0) AS all,
       reduce(x = [], l IN collect(c.cases) | x + l) AS cases`,
		map[string]any{"since": since, "now": now})
	if err != nil {
		return changes{}, false, translate(err, "reading the changes since a kept answer failed")
	}
	r := rowOf(res.Records[0], "reading the record of changes")
	c := changes{cases: dedupeStrings(r.strs("cases"))}
	complete := int64(r.num("n")) == now-since && r.num("all") == 0
	return c, complete, r.err()
}

// dedupeStrings sorts v and drops repeats.
func dedupeStrings(v []string) []string {
	slices.Sort(v)
	return slices.Compact(v)
}
