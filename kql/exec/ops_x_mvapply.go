package exec

import (
	"context"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planMvApply, "mv-apply")
}

// holderNode replays whatever batch its owner put in cur; it is the input
// of a subquery planned once per run and run many times (mv-apply,
// partition).
type holderNode struct {
	schema *batch.Schema
	cur    *batch.Batch
}

func (n *holderNode) Schema() *batch.Schema { return n.schema }

func (n *holderNode) Run(_ context.Context, emit func(*batch.Batch) error) error {
	if n.cur == nil || n.cur.Len == 0 {
		return nil
	}
	return emit(n.cur)
}

// planOver plans ops over a fresh holder node of schema s.
func planOver(p *planner, s *batch.Schema, ops []syntax.Operator) (*holderNode, Node, error) {
	holder := &holderNode{schema: s}
	var n Node = holder
	for _, o := range ops {
		next, err := p.planOp(o, n)
		if err != nil {
			return nil, nil, err
		}
		n = next
	}
	return holder, n, nil
}

// mvOptions holds the options mv-expand and mv-apply share.
type mvOptions struct {
	bagArray bool   // bagexpansion=array or kind=array
	limit    int64  // the limit clause, or -1
	idxName  string // with_itemindex, or ""
}

// mvOptionsOf reads the parameters and limit clause of mv-expand or
// mv-apply.
func (p *planner) mvOptionsOf(params []*syntax.OpParam, limit syntax.Expr) (mvOptions, error) {
	o := mvOptions{limit: -1}
	for _, k := range []string{"bagexpansion", "kind"} {
		if v, ok := check.OpParam(params, k); ok && strings.EqualFold(v, "array") {
			o.bagArray = true
		}
	}
	if limit != nil {
		n, err := p.constInt(limit)
		if err != nil {
			return o, err
		}
		o.limit = n
	}
	o.idxName, _ = check.OpParam(params, "with_itemindex")
	return o, nil
}

// typeRef is the type r names, or def when r is nil (no type written).
func (p *planner) typeRef(r *syntax.TypeRef, def types.Type) (types.Type, error) {
	if r == nil {
		return def, nil
	}
	t, ok := types.ParseType(r.Name)
	if !ok {
		return 0, p.errorf(r, "unknown type %q", r.Name)
	}
	return t, nil
}

// setField gives the field name of s type t, appending it when s lacks
// it, and returns its position.
func setField(s *batch.Schema, name string, t types.Type) int {
	if pos := s.Index(name); pos >= 0 {
		s.Fields[pos].Type = t
		return pos
	}
	s.Fields = append(s.Fields, batch.Field{Name: name, Type: t})
	return len(s.Fields) - 1
}

// expandDynamic lists the elements mv-expand/mv-apply produce from v.
func expandDynamic(v types.Value, bagArray bool) []any {
	if v.Type != types.Dynamic {
		if v.IsNull() || v.Type == types.Null {
			return nil
		}
		return []any{types.ToDynamicElement(v)}
	}
	switch d := v.D.(type) {
	case nil:
		return nil
	case []any:
		return d
	case *types.Bag:
		out := make([]any, len(d.Keys))
		for i, k := range d.Keys {
			if bagArray {
				out[i] = []any{k, d.Vals[i]}
			} else {
				out[i] = &types.Bag{Keys: []string{k}, Vals: []any{d.Vals[i]}}
			}
		}
		return out
	default:
		return []any{d}
	}
}

// planMvApply expands the items of every input row into a small table,
// runs the subquery over it and appends the subquery's columns to the
// row's columns (one output row per subquery row). The subquery runs over
// a holder node that each row refills.
func planMvApply(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.MvApplyOp)
	inS := in.Schema()
	opts, err := p.mvOptionsOf(op.Params, op.Limit)
	if err != nil {
		return nil, err
	}
	bagArray, limit, idxName := opts.bagArray, opts.limit, opts.idxName
	c := p.compiler(inS)
	sub := &batch.Schema{Fields: append([]batch.Field(nil), inS.Fields...)}
	type item struct {
		expr *cexpr
		pos  int
		to   types.Type
		name string
	}
	var items []item
	expanded := map[string]bool{}
	for _, it := range op.Items {
		ce, err := c.compile(it.X)
		if err != nil {
			return nil, err
		}
		name := ""
		if ns := itemNames(it.X); len(ns) > 0 {
			name = ns[0]
		} else {
			name = check.UniqueName("Column1", func(x string) bool { return expanded[x] })
		}
		t, err := p.typeRef(it.To, types.Dynamic)
		if err != nil {
			return nil, err
		}
		pos := setField(sub, name, t)
		expanded[name] = true
		items = append(items, item{expr: ce, pos: pos, to: t, name: name})
	}
	idxPos := -1
	if idxName != "" {
		idxPos = setField(sub, idxName, types.Long)
		expanded[idxName] = true
	}
	var subOps []syntax.Operator
	if op.Sub != nil {
		subOps = op.Sub.Ops
	}
	_, probe, err := planOver(p, sub, subOps)
	if err != nil {
		return nil, err
	}
	subS := probe.Schema()
	// Output: the input columns (less those the items replace), then the
	// subquery's new columns.
	out := &batch.Schema{}
	var fromIn []int // input column per output column, -1: from the subquery
	var fromSub []int
	for i, f := range inS.Fields {
		if expanded[f.Name] {
			continue
		}
		out.Fields = append(out.Fields, f)
		fromIn = append(fromIn, i)
		fromSub = append(fromSub, -1)
	}
	for j, f := range subS.Fields {
		if out.Index(f.Name) >= 0 {
			continue
		}
		out.Fields = append(out.Fields, f)
		fromIn = append(fromIn, -1)
		fromSub = append(fromSub, j)
	}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		// Each run plans the subquery over its own holder, so that runs
		// never share one.
		holder, subNode, err := planOver(p, sub, subOps)
		if err != nil {
			return err
		}
		return in.Run(ctx, func(b *batch.Batch) error {
			cols := make([]*batch.Column, len(items))
			for i, it := range items {
				col, err := it.expr.run(b)
				if err != nil {
					return err
				}
				cols[i] = col
			}
			var outRows []int32 // input row per output row
			var parts []*batch.Batch
			for r := 0; r < b.Len; r++ {
				if err := ctx.Err(); err != nil {
					return err
				}
				lists := make([][]any, len(items))
				n := 0
				for i := range items {
					lists[i] = expandDynamic(valueAt(cols[i], r), bagArray)
					n = max(n, len(lists[i]))
				}
				if limit >= 0 && int64(n) > limit {
					n = int(limit)
				}
				sb := &batch.Batch{Schema: sub, Cols: make([]*batch.Column, len(sub.Fields)), Len: n}
				sel := make([]int32, n)
				for k := range sel {
					sel[k] = int32(r)
				}
				for i := range inS.Fields {
					sb.Cols[i] = batch.Take(b.Cols[i], sel)
				}
				for i, it := range items {
					bld := newBuilder(it.to, n)
					for k := 0; k < n; k++ {
						var d any
						if k < len(lists[i]) {
							d = lists[i][k]
						}
						switch {
						case it.to == types.Dynamic:
							bld.add(types.NewDynamic(d))
						case d == nil:
							bld.add(types.NullOf(it.to))
						default:
							bld.add(convertTo(types.FromDynamic(d), it.to))
						}
					}
					sb.Cols[it.pos] = bld.build()
				}
				if idxPos >= 0 {
					idx := make([]int64, n)
					for k := range idx {
						idx[k] = int64(k)
					}
					sb.Cols[idxPos] = &batch.Column{Type: types.Long, Len: n, Ints: idx}
				}
				holder.cur = sb
				err := subNode.Run(ctx, func(ob *batch.Batch) error {
					if ob.Len == 0 {
						return nil
					}
					parts = append(parts, ob)
					for k := 0; k < ob.Len; k++ {
						outRows = append(outRows, int32(r))
					}
					return nil
				})
				holder.cur = nil
				if err != nil {
					return err
				}
			}
			if len(outRows) == 0 {
				return nil
			}
			subAll := concatBatches(subS, parts)
			ob := &batch.Batch{Schema: out, Cols: make([]*batch.Column, len(out.Fields)), Len: len(outRows)}
			for j := range out.Fields {
				if fromIn[j] >= 0 {
					ob.Cols[j] = batch.Take(b.Cols[fromIn[j]], outRows)
				} else {
					ob.Cols[j] = subAll.Cols[fromSub[j]]
				}
			}
			return emit(ob)
		})
	}}, nil
}
