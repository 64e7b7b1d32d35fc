package workspace

import (
	"context"
	"fmt"
	"sync"

	"kqlhunt/batch"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
)

// RowFilter decides which rows of a batch of a table to keep. It sees every
// column of the table.
type RowFilter func(table string, b *batch.Batch) (keep []bool, err error)

// filteredTable applies a RowFilter to a table's rows before a query sees
// them. It scans every column so the filter can read any of them, then
// hands the query only the columns it asked for.
//
// Each row in a time scope is judged once: the first scan with a given
// time scope that finds rows reads the table within that scope, filters
// it and keeps the surviving rows, and later scans with the same scope (a
// join reading the table twice) replay them. So a filter that counts what
// it removes counts every row once per run, and only rows the query could
// see. A scan that finds no rows at all (such as a dry run that only
// records the columns a query needs) is not remembered.
type filteredTable struct {
	name   string
	inner  exec.Table
	filter RowFilter

	mu    sync.Mutex
	cache map[string][]*batch.Batch
}

// WithInputFilter returns a copy of w whose tables pass through f. The
// copy remembers the rows f kept for each time scope, so make a new copy
// for each run of a query (copies are cheap).
func (w *Workspace) WithInputFilter(f RowFilter) *Workspace {
	c := *w
	c.Tables = make(map[string]exec.Table, len(w.Tables))
	for name, t := range w.Tables {
		c.Tables[name] = &filteredTable{name: name, inner: t, filter: f, cache: map[string][]*batch.Batch{}}
	}
	return &c
}

func (t *filteredTable) Schema() *batch.Schema { return t.inner.Schema() }

// unwrap returns the table the filter reads, so PrepareAll can find the
// file-backed table behind it.
func (t *filteredTable) unwrap() exec.Table { return t.inner }

func (t *filteredTable) Scan(ctx context.Context, req exec.ScanRequest, emit func(*batch.Batch) error) error {
	key := ""
	if ts := req.Time; ts != nil {
		key = fmt.Sprintf("%s\x00%d\x00%d", ts.Column, ts.From.UnixNano(), ts.To.UnixNano())
	}
	t.mu.Lock()
	batches, ok := t.cache[key]
	if !ok {
		var judged bool
		var err error
		batches, judged, err = t.load(ctx, req.Time)
		if err != nil {
			t.mu.Unlock()
			return err
		}
		if judged {
			t.cache[key] = batches
		}
	}
	t.mu.Unlock()
	schema := t.inner.Schema()
	for _, b := range batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		if req.Columns != nil {
			b = project(b, schema, req.Columns)
		}
		if err := emit(b); err != nil {
			return err
		}
	}
	return nil
}

// load reads every column of the rows within scope (all rows when scope
// is nil) and returns those the filter keeps, and whether the filter saw
// any row.
func (t *filteredTable) load(ctx context.Context, scope *exec.TimeScope) ([]*batch.Batch, bool, error) {
	var out []*batch.Batch
	judged := false
	err := t.inner.Scan(ctx, exec.ScanRequest{Time: scope}, func(b *batch.Batch) error {
		b = compact(b, inScope(b, scope))
		if b.Len == 0 {
			return nil
		}
		judged = true
		keep, err := t.filter(t.name, b)
		if err != nil {
			return err
		}
		b = compact(b, keep)
		if b.Len > 0 {
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("filtering table %s: %w", t.name, err)
	}
	return out, judged, nil
}

// inScope marks the rows of b whose time-scope column lies in the scope,
// as the executor would (rows with a null time are out); nil means every
// row.
func inScope(b *batch.Batch, scope *exec.TimeScope) []bool {
	if scope == nil || b.Schema == nil {
		return nil
	}
	i := b.Schema.Index(scope.Column)
	if i < 0 || b.Schema.Fields[i].Type != types.DateTime {
		return nil
	}
	c := b.Cols[i]
	from, to := types.TicksFromTime(scope.From), types.TicksFromTime(scope.To)
	keep := make([]bool, b.Len)
	all := true
	for r := 0; r < b.Len; r++ {
		keep[r] = !c.IsNull(r) && c.Ints[r] >= from && c.Ints[r] <= to
		all = all && keep[r]
	}
	if all {
		return nil
	}
	return keep
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
	idx := make([]int, 0, n)
	for i, k := range keep {
		if k {
			idx = append(idx, i)
		}
	}
	out := &batch.Batch{Schema: b.Schema, Len: n, Cols: make([]*batch.Column, len(b.Cols))}
	for ci, c := range b.Cols {
		out.Cols[ci] = batch.Take(c, idx)
	}
	return out
}
