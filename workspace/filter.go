package workspace

import (
	"context"

	"kqlhunt/batch"
	"kqlhunt/kql/exec"
)

// RowFilter decides which rows of a batch of a table to keep. It sees every
// column of the table.
type RowFilter func(table string, b *batch.Batch) (keep []bool, err error)

// filteredTable applies a RowFilter to a table's rows before a query sees
// them. It scans every column so the filter can read any of them, then
// hands the query only the columns it asked for.
type filteredTable struct {
	name   string
	inner  exec.Table
	filter RowFilter
}

// WithInputFilter returns a copy of w whose tables pass through f.
func (w *Workspace) WithInputFilter(f RowFilter) *Workspace {
	c := *w
	c.Tables = make(map[string]exec.Table, len(w.Tables))
	for name, t := range w.Tables {
		c.Tables[name] = &filteredTable{name: name, inner: t, filter: f}
	}
	return &c
}

func (t *filteredTable) Schema() *batch.Schema { return t.inner.Schema() }

func (t *filteredTable) Scan(ctx context.Context, req exec.ScanRequest, emit func(*batch.Batch) error) error {
	want := req.Columns
	full := req
	full.Columns = nil
	schema := t.inner.Schema()
	return t.inner.Scan(ctx, full, func(b *batch.Batch) error {
		keep, err := t.filter(t.name, b)
		if err != nil {
			return err
		}
		b = compact(b, keep)
		if want != nil {
			b = project(b, schema, want)
		}
		if b.Len == 0 {
			return nil
		}
		return emit(b)
	})
}

// project returns the named columns of b (whose schema is s), in order.
func project(b *batch.Batch, s *batch.Schema, cols []string) *batch.Batch {
	out := &batch.Batch{Schema: &batch.Schema{}, Len: b.Len}
	bs := b.Schema
	if bs == nil {
		bs = s
	}
	for _, name := range cols {
		i := bs.Index(name)
		if i < 0 {
			continue
		}
		out.Schema.Fields = append(out.Schema.Fields, bs.Fields[i])
		out.Cols = append(out.Cols, b.Cols[i])
	}
	return out
}

// compact returns the rows of b whose keep flag is set.
func compact(b *batch.Batch, keep []bool) *batch.Batch {
	if keep == nil {
		return b
	}
	n := 0
	for _, k := range keep {
		if k {
			n++
		}
	}
	if n == b.Len {
		return b
	}
	out := &batch.Batch{Schema: b.Schema, Len: n, Cols: make([]*batch.Column, len(b.Cols))}
	for ci, c := range b.Cols {
		nc := &batch.Column{Type: c.Type, Len: n, Dict: c.Dict}
		if c.Nulls != nil {
			nc.Nulls = make([]bool, 0, n)
		}
		for i, k := range keep {
			if !k {
				continue
			}
			if c.Nulls != nil {
				nc.Nulls = append(nc.Nulls, c.Nulls[i])
			}
			switch {
			case c.Ints != nil:
				nc.Ints = append(nc.Ints, c.Ints[i])
			case c.Reals != nil:
				nc.Reals = append(nc.Reals, c.Reals[i])
			case c.Codes != nil:
				nc.Codes = append(nc.Codes, c.Codes[i])
			case c.Strs != nil:
				nc.Strs = append(nc.Strs, c.Strs[i])
			case c.Dyns != nil:
				nc.Dyns = append(nc.Dyns, c.Dyns[i])
			}
		}
		out.Cols[ci] = nc
	}
	return out
}
