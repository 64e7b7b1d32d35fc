package exec

import (
	"context"
	"fmt"
	"sort"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planTopNested, "top-nested")
}

// nestLevel is one compiled top-nested clause.
type nestLevel struct {
	n      int64 // -1: all
	of     *cexpr
	col    *aggCollector
	agg    *cexpr // over the slot batch of col
	asc    bool
	others *types.Value
	ofT    types.Type
	aggT   types.Type
}

// planTopNested plans a hierarchy of top-N aggregations: each level groups
// the rows its parent kept by a value, aggregates each group, and keeps
// the N groups with the largest (or smallest) aggregate.
func planTopNested(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.TopNestedOp)
	inS := in.Schema()
	out := &batch.Schema{}
	taken := func(s string) bool { return out.Index(s) >= 0 }
	var levels []*nestLevel
	for _, cl := range op.Clauses {
		lv := &nestLevel{n: -1, asc: cl.Order == "asc"}
		if cl.N != nil {
			n, err := p.constInt(cl.N)
			if err != nil {
				return nil, err
			}
			lv.n = n
		}
		ofName := ""
		if cl.Of != nil {
			ce, err := p.compiler(inS).compile(cl.Of)
			if err != nil {
				return nil, err
			}
			lv.of = ce
			if ns := itemNames(cl.Of); len(ns) > 0 {
				ofName = ns[0]
			}
		} else {
			lv.of = konstExpr(types.NewString(""))
		}
		if ofName == "" {
			ofName = fmt.Sprintf("Column%d", len(out.Fields)+1)
		}
		lv.ofT = lv.of.t
		if lv.ofT == types.Null {
			lv.ofT = types.String
		}
		if cl.WithOthers != nil {
			ce, err := p.compiler(nil).compile(cl.WithOthers)
			if err != nil {
				return nil, err
			}
			v, err := evalConst(ce)
			if err != nil {
				return nil, err
			}
			v = convertTo(v, lv.ofT)
			lv.others = &v
		}
		if cl.By == nil {
			return nil, p.errorf(op, "top-nested: each clause needs 'by Aggregation'")
		}
		lv.col = &aggCollector{p: p, input: inS, schema: &batch.Schema{}}
		ce, err := (&compiler{p: p, agg: lv.col}).compile(cl.By)
		if err != nil {
			return nil, err
		}
		lv.agg = ce
		lv.aggT = ce.t
		if lv.aggT == types.Null {
			lv.aggT = types.Long
		}
		aggName := "aggregated_" + ofName
		if cl.Of == nil {
			aggName = fmt.Sprintf("Column%d", len(out.Fields)+1)
		}
		if ne, ok := cl.By.(*syntax.NamedExpr); ok && len(ne.Names) > 0 {
			aggName = ne.Names[0].Name
		}
		if cl.Of != nil {
			out.Fields = append(out.Fields, batch.Field{Name: check.UniqueName(ofName, taken), Type: lv.ofT})
		}
		out.Fields = append(out.Fields, batch.Field{Name: check.UniqueName(aggName, taken), Type: lv.aggT})
		levels = append(levels, lv)
	}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b, used, err := drain(ctx, in, p.q.mem, "top-nested")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		ofCols := make([]*batch.Column, len(levels))
		argCols := make([][][]*batch.Column, len(levels))
		for i, lv := range levels {
			if ofCols[i], err = lv.of.run(b); err != nil {
				return err
			}
			argCols[i] = make([][]*batch.Column, len(lv.col.slots))
			for j, s := range lv.col.slots {
				for _, x := range s.args {
					c, err := x.run(b)
					if err != nil {
						return err
					}
					argCols[i][j] = append(argCols[i][j], c)
				}
			}
		}
		bld := newBuilders(out, 16)
		hasOf := make([]bool, len(levels))
		for i, cl := range op.Clauses {
			hasOf[i] = cl.Of != nil
		}
		// aggregate computes the aggregate of level li over rows.
		aggregate := func(li int, groups [][]int32) (*batch.Column, error) {
			lv := levels[li]
			sb := &batch.Batch{Schema: lv.col.schema, Cols: make([]*batch.Column, len(lv.col.slots)), Len: len(groups)}
			for j, s := range lv.col.slots {
				cb := newBuilder(s.t, len(groups))
				ts := make([]types.Type, len(s.args))
				for x, e := range s.args {
					ts[x] = e.t
				}
				for _, rows := range groups {
					var ag funcs.Aggregator = s.f.NewAgg(ts)
					vals := make([]types.Value, len(s.args))
					for _, r := range rows {
						for x, c := range argCols[li][j] {
							vals[x] = valueAt(c, int(r))
						}
						ag.Add(vals)
					}
					cb.add(ag.Result())
				}
				sb.Cols[j] = cb.build()
			}
			return lv.agg.run(sb)
		}
		var walk func(li int, rows []int32, prefix []types.Value) error
		walk = func(li int, rows []int32, prefix []types.Value) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if li == len(levels) {
				for i, v := range prefix {
					bld[i].add(v)
				}
				return nil
			}
			lv := levels[li]
			oc := ofCols[li]
			index := map[string]int{}
			var keys []types.Value
			var groups [][]int32
			var kb []byte
			for _, r := range rows {
				kb = appendColumnKey(kb[:0], oc, int(r))
				gi, ok := index[string(kb)]
				if !ok {
					gi = len(groups)
					index[string(kb)] = gi
					keys = append(keys, valueAt(oc, int(r)))
					groups = append(groups, nil)
				}
				groups[gi] = append(groups[gi], r)
			}
			aggc, err := aggregate(li, groups)
			if err != nil {
				return err
			}
			order := make([]int, len(groups))
			for i := range order {
				order[i] = i
			}
			sort.SliceStable(order, func(x, y int) bool {
				a, b := valueAt(aggc, order[x]), valueAt(aggc, order[y])
				an, bn := isNullish(a), isNullish(b)
				if an || bn {
					return !an && bn
				}
				c := types.SortCompare(a, b)
				if lv.asc {
					return c < 0
				}
				return c > 0
			})
			keep := len(order)
			if lv.n >= 0 && int64(keep) > lv.n {
				keep = int(lv.n)
			}
			for _, gi := range order[:keep] {
				next := append([]types.Value(nil), prefix...)
				if hasOf[li] {
					next = append(next, keys[gi])
				}
				next = append(next, valueAt(aggc, gi))
				if err := walk(li+1, groups[gi], next); err != nil {
					return err
				}
			}
			if lv.others != nil && keep < len(order) {
				var rest []int32
				for _, gi := range order[keep:] {
					rest = append(rest, groups[gi]...)
				}
				oa, err := aggregate(li, [][]int32{rest})
				if err != nil {
					return err
				}
				vals := append([]types.Value(nil), prefix...)
				if hasOf[li] {
					vals = append(vals, *lv.others)
				}
				vals = append(vals, valueAt(oa, 0))
				for len(vals) < len(out.Fields) {
					vals = append(vals, types.NullOf(out.Fields[len(vals)].Type))
				}
				for i, v := range vals {
					bld[i].add(v)
				}
			}
			return nil
		}
		all := make([]int32, b.Len)
		for i := range all {
			all[i] = int32(i)
		}
		if b.Len == 0 {
			return nil
		}
		if err := walk(0, all, nil); err != nil {
			return err
		}
		ob := &batch.Batch{Schema: out, Cols: make([]*batch.Column, len(out.Fields))}
		for i := range bld {
			ob.Cols[i] = bld[i].build()
		}
		ob.Len = ob.Cols[0].Len
		if ob.Len == 0 {
			return nil
		}
		return emit(ob)
	}}, nil
}
