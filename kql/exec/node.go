package exec

import (
	"context"
	"reflect"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// Node is a planned tabular operator. Run pushes the node's output to emit
// batch by batch; every batch has the node's Schema (same columns, same
// order). A node may be run more than once (a let-bound table referenced
// twice plans twice, but a node bound to a tabular function parameter is
// shared), so Run must not consume state created by planning.
type Node interface {
	Schema() *batch.Schema
	Run(ctx context.Context, emit func(*batch.Batch) error) error
}

// scanNode reads a table, applying the time scope, and projects the
// requested columns.
type scanNode struct {
	t      Table
	req    ScanRequest
	schema *batch.Schema
	// out lists the positions (in the scan's batches) of the output
	// columns; nil means all, unchanged.
	out []int
}

func newScanNode(t Table, req ScanRequest, cols []string) *scanNode {
	n := &scanNode{t: t, req: req}
	ts := t.Schema()
	if req.Columns == nil {
		n.schema = ts
		return n
	}
	n.schema = &batch.Schema{}
	names := cols
	if names == nil {
		names = req.Columns
	}
	for _, c := range names {
		i := ts.Index(c)
		n.schema.Fields = append(n.schema.Fields, ts.Fields[i])
	}
	if len(req.Columns) != len(names) {
		for _, c := range names {
			for j, rc := range req.Columns {
				if rc == c {
					n.out = append(n.out, j)
					break
				}
			}
		}
	}
	return n
}

func (n *scanNode) Schema() *batch.Schema { return n.schema }

func (n *scanNode) Run(ctx context.Context, emit func(*batch.Batch) error) error {
	ts := n.req.Time
	var from, to int64
	tcol := -1
	if ts != nil {
		from, to = types.TicksFromTime(ts.From), types.TicksFromTime(ts.To)
	}
	return n.t.Scan(ctx, n.req, func(b *batch.Batch) error {
		if ts != nil {
			if tcol < 0 {
				tcol = b.Schema.Index(ts.Column)
			}
			if tcol >= 0 {
				c := b.Cols[tcol]
				sel := make([]int32, 0, b.Len)
				for i := 0; i < b.Len; i++ {
					if !c.IsNull(i) && c.Ints[i] >= from && c.Ints[i] <= to {
						sel = append(sel, int32(i))
					}
				}
				b = filterBatch(b, sel)
			}
		}
		if b.Len == 0 {
			return nil
		}
		if n.out != nil {
			nb := &batch.Batch{Schema: n.schema, Cols: make([]*batch.Column, len(n.out)), Len: b.Len}
			for j, i := range n.out {
				nb.Cols[j] = b.Cols[i]
			}
			b = nb
		} else if b.Schema != n.schema {
			b = &batch.Batch{Schema: n.schema, Cols: b.Cols, Len: b.Len}
		}
		return emit(b)
	})
}

// resultNode replays materialized rows.
type resultNode struct{ res *Result }

func (n *resultNode) Schema() *batch.Schema { return n.res.Schema }

func (n *resultNode) Run(ctx context.Context, emit func(*batch.Batch) error) error {
	for _, b := range n.res.Batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := emit(b); err != nil {
			return err
		}
	}
	return nil
}

// emptyNode produces no rows.
type emptyNode struct{ schema *batch.Schema }

func (n *emptyNode) Schema() *batch.Schema { return n.schema }

func (n *emptyNode) Run(context.Context, func(*batch.Batch) error) error { return nil }

// funcNode is a node whose Run is a closure; most operators are built
// from it.
type funcNode struct {
	schema *batch.Schema
	run    func(ctx context.Context, emit func(*batch.Batch) error) error
}

func (n *funcNode) Schema() *batch.Schema { return n.schema }

func (n *funcNode) Run(ctx context.Context, emit func(*batch.Batch) error) error {
	return n.run(ctx, emit)
}

// drain runs n and returns all its rows as one batch (nil when empty).
func drain(ctx context.Context, n Node, mem *memTracker, op string) (*batch.Batch, int64, error) {
	var bs []*batch.Batch
	var used int64
	err := n.Run(ctx, func(b *batch.Batch) error {
		if b.Len == 0 {
			return nil
		}
		sz := batchBytes(b)
		used += sz
		if err := mem.add(sz, op); err != nil {
			return err
		}
		bs = append(bs, b)
		return nil
	})
	if err != nil {
		mem.release(used)
		return nil, 0, err
	}
	if len(bs) == 0 {
		return emptyBatch(n.Schema()), used, nil
	}
	return concatBatches(n.Schema(), bs), used, nil
}

func emptyBatch(s *batch.Schema) *batch.Batch {
	b := &batch.Batch{Schema: s, Cols: make([]*batch.Column, len(s.Fields))}
	for i, f := range s.Fields {
		b.Cols[i] = newBuilder(f.Type, 0).build()
	}
	return b
}

// neededColumns returns the columns of a table (schema s) that the
// operators following its scan can use: the names mentioned in those
// operators up to the first one that fixes its output columns (project,
// summarize, distinct, count, ...). It returns nil (all columns) when an
// operator needs every column (pack_all, *, project-away, union, ...) or
// no operator fixes the output.
func neededColumns(ops []syntax.Operator, s *batch.Schema, userFunc func(name string) bool) []string {
	names := map[string]bool{}
	closed := false
	for _, op := range ops {
		all := false
		inspect(op, func(n any) {
			switch n := n.(type) {
			case *syntax.Ident:
				names[n.Name] = true
				if strings.Contains(n.Name, "*") {
					all = true
				}
			case *syntax.Literal:
				if n.Kind == syntax.LitString {
					names[n.Value] = true // column_ifexists("X", ...)
				}
			case *syntax.StarExpr:
				all = true
			case *syntax.CallExpr:
				switch n.Fun.Name {
				case "pack_all", "bag_pack_all":
					all = true
				case "column_ifexists":
					if len(n.Args) == 0 {
						break
					}
					if lit, ok := n.Args[0].(*syntax.Literal); !ok || lit.Kind != syntax.LitString {
						all = true // a column named by a let or parameter
					}
				default:
					if userFunc != nil && userFunc(n.Fun.Name) {
						all = true // the body may name columns indirectly
					}
				}
			}
		})
		if all {
			return nil
		}
		switch op := op.(type) {
		case *syntax.ProjectOp:
			switch op.Keyword {
			case "project", "project-keep":
				closed = true
			case "extend":
			default:
				return nil
			}
		case *syntax.SummarizeOp, *syntax.CountOp, *syntax.DistinctOp:
			closed = true
		case *syntax.WhereOp, *syntax.TakeOp, *syntax.SortOp, *syntax.TopOp, *syntax.ParseOp:
		default:
			return nil
		}
		if closed {
			break
		}
	}
	if !closed {
		return nil
	}
	var cols []string
	for _, f := range s.Fields {
		if names[f.Name] {
			cols = append(cols, f.Name)
		}
	}
	return cols
}

var (
	nodeType = reflect.TypeOf((*syntax.Node)(nil)).Elem()
)

// inspect calls fn for every syntax node reachable from root (pre-order),
// including nodes held in slices and pointers.
func inspect(root any, fn func(any)) {
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			if v.Type().Implements(nodeType) {
				fn(v.Interface())
			}
			if v.Elem().Kind() == reflect.Struct {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(root))
}
