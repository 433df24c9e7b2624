package neo4jstore

import (
	"fmt"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// Reading rows. Every column a statement returns, and every key of a map
// it builds, is read by name through col and optCol, or through a row.
// A name the statement does not return, a null where the code needs a
// value, or a value of another type is a fault in the statement or in the
// code that reads it: it fails the request as INTERNAL, its cause (the
// statement's purpose and the column) logged, never reading as an empty
// string, a zero or a missing entity. Property maps of nodes (props(n),
// properties(r)) are not columns: a property the graph does not hold is
// simply absent from them.

// columns is what a row is read from: a *neo4j.Record, or a map that a
// statement returns in one of its columns (mapColumns).
type columns interface {
	Get(key string) (any, bool)
}

// mapColumns reads a map a statement returns, such as a map projection,
// by its keys.
type mapColumns map[string]any

func (m mapColumns) Get(key string) (any, bool) {
	v, ok := m[key]
	return v, ok
}

// ColumnError is a row whose shape is not the one the code reading it
// expects.
type ColumnError struct {
	What    string // what the statement is for
	Column  string
	Problem string
}

func (e *ColumnError) Error() string {
	return fmt.Sprintf("%s: column %s: %s", e.What, e.Column, e.Problem)
}

// badColumn is the error for a column that is not as expected; the
// client sees only what failed, the log the column and why.
func badColumn(what, column, problem string) error {
	return kg.Wrap(kg.Internal, &ColumnError{What: what, Column: column, Problem: problem}, what+" failed")
}

// col returns column name of c as a T: a missing column, a null or a value
// of another type is an error naming the column and what, the statement's
// purpose.
func col[T any](c columns, what, name string) (T, error) {
	v, ok, err := optCol[T](c, what, name)
	if err == nil && !ok {
		err = badColumn(what, name, "null, want a value")
	}
	return v, err
}

// optCol is col for a column that may be null: a null reads as the zero T
// and false.
func optCol[T any](c columns, what, name string) (T, bool, error) {
	var zero T
	raw, found := c.Get(name)
	if !found {
		return zero, false, badColumn(what, name, "missing: the statement returns "+keysOf(c))
	}
	if raw == nil {
		return zero, false, nil
	}
	v, ok := raw.(T)
	if !ok {
		return zero, false, badColumn(what, name, fmt.Sprintf("a %T, want a %T", raw, zero))
	}
	return v, true, nil
}

// keysOf lists the names c has, for the error of a missing one.
func keysOf(c columns) string {
	var keys []string
	switch c := c.(type) {
	case mapColumns:
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
	case interface{ AsMap() map[string]any }:
		for k := range c.AsMap() {
			keys = append(keys, k)
		}
		sort.Strings(keys)
	}
	if len(keys) == 0 {
		return "none"
	}
	return strings.Join(keys, ", ")
}

// listOf returns column name of c, a list, as a []T: an element of another
// type (or null) is an error too.
func listOf[T any](c columns, what, name string) ([]T, error) {
	raw, err := col[[]any](c, what, name)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(raw))
	for i, e := range raw {
		v, ok := e.(T)
		if !ok {
			return nil, badColumn(what, name, fmt.Sprintf("element %d is a %T, want a %T", i, e, v))
		}
		out[i] = v
	}
	return out, nil
}

// mapList returns column name of c, a list of maps, each to be read by its
// keys.
func mapList(c columns, what, name string) ([]mapColumns, error) {
	raw, err := listOf[map[string]any](c, what, name)
	if err != nil {
		return nil, err
	}
	out := make([]mapColumns, len(raw))
	for i, m := range raw {
		out[i] = m
	}
	return out, nil
}

// row reads many columns of one row, or keys of one map, one after
// another, keeping the first fault, so that code reading many checks once
// with err. The rows read out of a row share its fault.
type row struct {
	c     columns
	what  string
	fault *error
}

// rowOf reads c for a statement whose purpose is what.
func rowOf(c columns, what string) row {
	return row{c: c, what: what, fault: new(error)}
}

func (r row) err() error { return *r.fault }

// errOr returns the row's fault if it has one, else err: for an answer
// decided on a column that may itself be at fault.
func (r row) errOr(err error) error {
	if *r.fault != nil {
		return *r.fault
	}
	return err
}

func (r row) keep(err error) {
	if err != nil && *r.fault == nil {
		*r.fault = err
	}
}

// str reads a string column that is never null.
func (r row) str(k string) string {
	v, err := col[string](r.c, r.what, k)
	r.keep(err)
	return v
}

// optStr reads a string column that may be null, as "".
func (r row) optStr(k string) string {
	v, _, err := optCol[string](r.c, r.what, k)
	r.keep(err)
	return v
}

// flag reads a boolean column that is never null.
func (r row) flag(k string) bool {
	v, err := col[bool](r.c, r.what, k)
	r.keep(err)
	return v
}

// num reads a number column that is never null. Cypher's arithmetic may
// turn an integer into a float; the number is whole either way.
func (r row) num(k string) int {
	n, ok := r.optNum(k)
	if !ok && *r.fault == nil {
		r.keep(badColumn(r.what, k, "null, want a number"))
	}
	return n
}

// optNum reads a number column that may be null: false when it is.
func (r row) optNum(k string) (int, bool) {
	raw, found := r.c.Get(k)
	switch v := raw.(type) {
	case int64:
		return int(v), true
	case float64:
		return int(v), true
	case nil:
		if !found {
			r.keep(badColumn(r.what, k, "missing: the statement returns "+keysOf(r.c)))
		}
		return 0, false
	}
	r.keep(badColumn(r.what, k, fmt.Sprintf("a %T, want a number", raw)))
	return 0, false
}

// strs reads a list of strings that is never null.
func (r row) strs(k string) []string {
	v, err := listOf[string](r.c, r.what, k)
	r.keep(err)
	return v
}

// optStrs reads a list of strings that may be null, as an empty list.
func (r row) optStrs(k string) []string {
	if r.isNull(k) {
		return []string{}
	}
	return r.strs(k)
}

// rows reads a list of maps that is never null, each a row sharing r's
// fault.
func (r row) rows(k string) []row {
	ms, err := mapList(r.c, r.what, k)
	r.keep(err)
	out := make([]row, len(ms))
	for i, m := range ms {
		out[i] = row{c: m, what: r.what, fault: r.fault}
	}
	return out
}

// props reads a map that is never null and whose keys are not fixed, such
// as the properties of a node (properties(n)): a property the graph does
// not hold is absent from it.
func (r row) props(k string) map[string]any {
	m, err := col[map[string]any](r.c, r.what, k)
	r.keep(err)
	return m
}

// isNull reports whether column k is null; a missing column is kept as
// the fault.
func (r row) isNull(k string) bool {
	raw, found := r.c.Get(k)
	if !found {
		r.keep(badColumn(r.what, k, "missing: the statement returns "+keysOf(r.c)))
	}
	return found && raw == nil
}

// date reads a date's case-file text, which may be null. The importer
// wrote that text from a parsed date, so it parses; if it ever does not,
// the date reads as unknown rather than failing the whole answer.
func (r row) date(k string) *kg.Date {
	s := r.optStr(k)
	if s == "" {
		return nil
	}
	d, err := kg.ParseDate(s)
	if err != nil {
		return nil
	}
	return &d
}

// recordRows reads records of a statement whose purpose is what as rows
// sharing one fault: check it once with rowsErr after reading them.
func recordRows(recs []*neo4j.Record, what string) []row {
	fault := new(error)
	out := make([]row, len(recs))
	for i, r := range recs {
		out[i] = row{c: r, what: what, fault: fault}
	}
	return out
}

// rowsErr is the first fault of rows that share one (recordRows).
func rowsErr(rows []row) error {
	if len(rows) == 0 {
		return nil
	}
	return rows[0].err()
}
