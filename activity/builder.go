package activity

import (
	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// DefaultBatchRows is the batch size used when NewBuilder is given n <= 0.
const DefaultBatchRows = 8192

// Builder appends Records into columnar batches of up to N rows, building
// only the requested columns. A missing EventSubmissionTimestamp and a
// nil dynamic value are marked in the column's Nulls. Repetitive string columns (operation, status,
// category, resource group, caller, …) are dictionary-encoded; the others
// are plain string vectors.
type Builder struct {
	n      int
	schema *batch.Schema
	defs   []*colDef
	cols   []*batch.Column
	dicts  []map[string]uint32
	rows   int
}

// NewBuilder returns a builder for the named columns (nil or empty: every
// column, in schema order) producing batches of up to n rows.
func NewBuilder(cols []string, n int) (*Builder, error) {
	if n <= 0 {
		n = DefaultBatchRows
	}
	b := &Builder{n: n, schema: &batch.Schema{}}
	if len(cols) == 0 {
		cols = ColumnNames()
	}
	seen := map[string]bool{}
	for _, name := range cols {
		i, ok := columnIndex[name]
		if !ok {
			return nil, unknownColumn(name)
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		b.defs = append(b.defs, &columns[i])
		b.schema.Fields = append(b.schema.Fields, batch.Field{Name: name, Type: columns[i].typ})
	}
	b.reset()
	return b, nil
}

// Schema returns the schema of the batches the builder produces.
func (b *Builder) Schema() *batch.Schema { return b.schema }

// Len returns the number of rows pending in the current batch.
func (b *Builder) Len() int { return b.rows }

// Full reports whether the current batch holds N rows.
func (b *Builder) Full() bool { return b.rows >= b.n }

func (b *Builder) reset() {
	b.cols = make([]*batch.Column, len(b.defs))
	b.dicts = make([]map[string]uint32, len(b.defs))
	for i, d := range b.defs {
		c := &batch.Column{Type: d.typ}
		switch {
		case d.typ == types.String && d.dict:
			c.Dict = []string{}
			c.Codes = make([]uint32, 0, b.n)
			b.dicts[i] = map[string]uint32{}
		case d.typ == types.String:
			c.Strs = make([]string, 0, b.n)
		case d.typ == types.DateTime:
			c.Ints = make([]int64, 0, b.n)
		case d.typ == types.Dynamic:
			c.Dyns = make([]any, 0, b.n)
		}
		b.cols[i] = c
	}
	b.rows = 0
}

// Append adds r as one row. It returns the finished batch when the row
// filled it (the builder then starts a new one), nil otherwise.
func (b *Builder) Append(r *Record) *batch.Batch {
	for i, d := range b.defs {
		c := b.cols[i]
		switch {
		case d.str != nil && c.Codes != nil:
			s := d.str(r)
			code, ok := b.dicts[i][s]
			if !ok {
				code = uint32(len(c.Dict))
				c.Dict = append(c.Dict, s)
				b.dicts[i][s] = code
			}
			c.Codes = append(c.Codes, code)
		case d.str != nil:
			c.Strs = append(c.Strs, d.str(r))
		case d.tm != nil:
			t, ok := d.tm(r)
			c.Ints = append(c.Ints, t)
			if !ok && c.Nulls == nil {
				c.Nulls = make([]bool, b.rows, b.n)
			}
			if c.Nulls != nil {
				c.Nulls = append(c.Nulls, !ok)
			}
		case d.dyn != nil:
			v := d.dyn(r)
			c.Dyns = append(c.Dyns, v)
			if v == nil && c.Nulls == nil {
				c.Nulls = make([]bool, b.rows, b.n)
			}
			if c.Nulls != nil {
				c.Nulls = append(c.Nulls, v == nil)
			}
		}
		c.Len++
	}
	b.rows++
	if b.rows >= b.n {
		return b.Flush()
	}
	return nil
}

// Flush returns the pending rows as a batch (nil when there are none) and
// starts a new batch.
func (b *Builder) Flush() *batch.Batch {
	if b.rows == 0 {
		return nil
	}
	out := &batch.Batch{Schema: b.schema, Cols: b.cols, Len: b.rows}
	b.reset()
	return out
}
