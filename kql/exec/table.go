package exec

import (
	"context"
	"fmt"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// DefaultBatchSize is the number of rows sources should put in a batch.
const DefaultBatchSize = 8192

// DefaultMemoryLimit is the memory limit used when Options.MemoryLimit is 0.
const DefaultMemoryLimit int64 = 4 << 30

// Table is a source of rows.
type Table interface {
	// Schema returns the table's columns.
	Schema() *batch.Schema
	// Scan emits the table's rows in batches. Each emitted batch holds
	// the columns named in req.Columns, in that order (all columns when
	// req.Columns is nil). A source may use req.Preds and req.Time to skip
	// rows, but need not: the executor applies them again.
	Scan(ctx context.Context, req ScanRequest, emit func(*batch.Batch) error) error
}

// ScanRequest says what a query needs from a table.
type ScanRequest struct {
	// Columns lists the columns to materialise; nil means all.
	Columns []string
	// Preds are simple conjunctive predicates a source may use to skip
	// rows (optional).
	Preds []Pred
	// Time, when non-nil, restricts rows to From <= Column <= To
	// (optional for the source).
	Time *TimeScope
}

// Pred is a simple predicate: Column Op Value, with Op a comparison (==,
// !=, <, <=, >, >=) or a KQL string operator (=~, !~, has, !has, has_cs,
// contains, startswith, endswith, hasprefix, hassuffix, their _cs and
// negated forms), as written in a where clause. StringMatcher and
// TimeRange decide it exactly as the where clause does.
type Pred struct {
	Column string
	Op     string
	Value  types.Value
}

// TimeScope restricts every table reference to rows whose Column lies in
// [From, To] (both inclusive), as Sentinel does with a rule's lookback.
type TimeScope struct {
	Column   string
	From, To time.Time
}

// MemTable is an in-memory table made of batches that share its schema.
type MemTable struct {
	schema  *batch.Schema
	batches []*batch.Batch
}

// NewMemTable returns a table holding the given batches. Every batch must
// have the table's schema (same column count and types).
func NewMemTable(s *batch.Schema, batches ...*batch.Batch) (*MemTable, error) {
	for bi, b := range batches {
		if len(b.Cols) != len(s.Fields) {
			return nil, fmt.Errorf("batch %d has %d columns, schema has %d", bi, len(b.Cols), len(s.Fields))
		}
		for i, c := range b.Cols {
			if c.Type != s.Fields[i].Type {
				return nil, fmt.Errorf("batch %d column %s has type %s, schema says %s", bi, s.Fields[i].Name, c.Type, s.Fields[i].Type)
			}
			if c.Len != b.Len {
				return nil, fmt.Errorf("batch %d column %s has %d rows, batch has %d", bi, s.Fields[i].Name, c.Len, b.Len)
			}
		}
	}
	return &MemTable{schema: s, batches: batches}, nil
}

// Schema implements Table.
func (t *MemTable) Schema() *batch.Schema { return t.schema }

// Scan implements Table. It applies the time scope but ignores Preds.
func (t *MemTable) Scan(ctx context.Context, req ScanRequest, emit func(*batch.Batch) error) error {
	idx := make([]int, 0, len(t.schema.Fields))
	out := &batch.Schema{}
	if req.Columns == nil {
		for i, f := range t.schema.Fields {
			idx = append(idx, i)
			out.Fields = append(out.Fields, f)
		}
	} else {
		for _, name := range req.Columns {
			i := t.schema.Index(name)
			if i < 0 {
				return fmt.Errorf("table has no column %s", name)
			}
			idx = append(idx, i)
			out.Fields = append(out.Fields, t.schema.Fields[i])
		}
	}
	for _, b := range t.batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		nb := &batch.Batch{Schema: out, Cols: make([]*batch.Column, len(idx)), Len: b.Len}
		for j, i := range idx {
			nb.Cols[j] = b.Cols[i]
		}
		if err := emit(nb); err != nil {
			return err
		}
	}
	return nil
}

// Rows returns the number of rows in the table.
func (t *MemTable) Rows() int {
	n := 0
	for _, b := range t.batches {
		n += b.Len
	}
	return n
}

// TableBuilder builds a MemTable row by row, cutting batches of
// DefaultBatchSize rows.
type TableBuilder struct {
	schema  *batch.Schema
	cur     []*builder
	n       int
	batches []*batch.Batch
}

// NewTableBuilder returns a builder for a table of schema s.
func NewTableBuilder(s *batch.Schema) *TableBuilder {
	tb := &TableBuilder{schema: s}
	tb.reset()
	return tb
}

func (tb *TableBuilder) reset() {
	tb.cur = make([]*builder, len(tb.schema.Fields))
	for i, f := range tb.schema.Fields {
		tb.cur[i] = newBuilder(f.Type, 64)
	}
	tb.n = 0
}

// Add appends one row; values are converted to the column types.
func (tb *TableBuilder) Add(row ...types.Value) error {
	if len(row) != len(tb.schema.Fields) {
		return fmt.Errorf("row has %d values, table has %d columns", len(row), len(tb.schema.Fields))
	}
	for i, v := range row {
		tb.cur[i].add(v)
	}
	tb.n++
	if tb.n >= DefaultBatchSize {
		tb.flush()
	}
	return nil
}

func (tb *TableBuilder) flush() {
	if tb.n == 0 {
		return
	}
	b := &batch.Batch{Schema: tb.schema, Cols: make([]*batch.Column, len(tb.cur)), Len: tb.n}
	for i, c := range tb.cur {
		b.Cols[i] = c.build()
	}
	tb.batches = append(tb.batches, b)
	tb.reset()
}

// Table returns the built table.
func (tb *TableBuilder) Table() *MemTable {
	tb.flush()
	return &MemTable{schema: tb.schema, batches: tb.batches}
}

// Result is the output of a query.
type Result struct {
	Schema  *batch.Schema
	Batches []*batch.Batch
}

// NumRows returns the number of result rows.
func (r *Result) NumRows() int {
	n := 0
	for _, b := range r.Batches {
		n += b.Len
	}
	return n
}

// Value returns the value at (row, col) of the result. It panics when
// either index is out of range, like a slice index.
func (r *Result) Value(row, col int) types.Value {
	for _, b := range r.Batches {
		if row < b.Len {
			return valueAt(b.Cols[col], row)
		}
		row -= b.Len
	}
	panic("exec: row index out of range")
}

// Row returns all values of one result row.
func (r *Result) Row(row int) []types.Value {
	out := make([]types.Value, len(r.Schema.Fields))
	for i := range out {
		out[i] = r.Value(row, i)
	}
	return out
}
