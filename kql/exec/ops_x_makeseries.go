package exec

import (
	"context"
	"fmt"
	"math"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planMakeSeries, "make-series")
}

// maxSeriesBins bounds the length of one make-series series.
const maxSeriesBins = 1 << 20

// seriesAgg is one make-series aggregation.
type seriesAgg struct {
	col  *aggCollector
	expr *cexpr // over the slot batch of col
	def  types.Value
}

// seriesAxis converts axis values to bin positions.
type seriesAxis struct {
	t    types.Type
	real bool
	// start and step as int64 (int-family axis) or float64 (real axis).
	si, stepI int64
	sf, stepF float64
	n         int
}

func (a *seriesAxis) bin(v types.Value) (int, bool) {
	if v.IsNull() || v.Type == types.Null {
		return 0, false
	}
	if a.real {
		f := types.ToReal(v)
		if f.IsNull() {
			return 0, false
		}
		k := math.Floor((f.F - a.sf) / a.stepF)
		if k < 0 || k >= float64(a.n) || math.IsNaN(k) {
			return 0, false
		}
		return int(k), true
	}
	if v.I < a.si {
		return 0, false
	}
	k := (v.I - a.si) / a.stepI
	if k >= int64(a.n) {
		return 0, false
	}
	return int(k), true
}

func (a *seriesAxis) value(k int) any {
	if a.real {
		return a.sf + float64(k)*a.stepF
	}
	return types.ToDynamicElement(types.Value{Type: a.t, I: a.si + int64(k)*a.stepI})
}

// planMakeSeries builds, per group, one array per aggregation with a value
// per axis bin (the default where a bin has no rows) and the array of bin
// starts. The operator is blocking: it reads its whole input first.
func planMakeSeries(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.MakeSeriesOp)
	inS := in.Schema()
	kc := p.compiler(inS)
	out := &batch.Schema{}
	var keys []*cexpr
	for _, k := range op.By {
		ce, err := kc.compile(k)
		if err != nil {
			return nil, err
		}
		name := fmt.Sprintf("Column%d", len(out.Fields)+1)
		if ns := itemNames(k); len(ns) > 0 {
			name = ns[0]
		}
		t := ce.t
		if t == types.Null {
			t = types.String
		}
		keys = append(keys, ce)
		if i := out.Index(name); i >= 0 {
			out.Fields[i].Type = t
		} else {
			out.Fields = append(out.Fields, batch.Field{Name: name, Type: t})
		}
	}
	var aggs []*seriesAgg
	for _, a := range op.Aggs {
		col := &aggCollector{p: p, input: inS, schema: &batch.Schema{}}
		ce, err := (&compiler{p: p, agg: col}).compile(a.X)
		if err != nil {
			return nil, err
		}
		t := ce.t
		def := convertTo(types.NewLong(0), t)
		if t == types.Null || t == types.Dynamic || t == types.String || t == types.Bool || t == types.Guid {
			def = types.NullOf(t)
		}
		if a.Default != nil {
			dc, err := p.compiler(nil).compile(a.Default)
			if err != nil {
				return nil, err
			}
			dv, err := evalConst(dc)
			if err != nil {
				return nil, err
			}
			if t != types.Null && !dv.IsNull() && dv.Type != types.Null {
				dv = convertTo(dv, t)
			}
			def = dv
		}
		name := ""
		if ne, ok := a.X.(*syntax.NamedExpr); ok && len(ne.Names) > 0 {
			name = ne.Names[0].Name
		} else if call := aggCallOf(a.X); call != nil {
			name = check.AggName(call)
		} else {
			name = fmt.Sprintf("Column%d", len(out.Fields)+1)
		}
		name = check.UniqueName(name, func(s string) bool { return out.Index(s) >= 0 })
		out.Fields = append(out.Fields, batch.Field{Name: name, Type: types.Dynamic})
		aggs = append(aggs, &seriesAgg{col: col, expr: ce, def: def})
	}
	axisE, err := kc.compile(op.On)
	if err != nil {
		return nil, err
	}
	switch {
	case intFamily(axisE.t) && axisE.t != types.Bool, axisE.t == types.Real, axisE.t == types.Decimal:
	default:
		return nil, p.errorf(op.On, "make-series: the axis must be numeric, datetime or timespan, not %s", axisE.t)
	}
	konst := func(e syntax.Expr) (types.Value, bool, error) {
		if e == nil {
			return types.Value{}, false, nil
		}
		ce, err := p.compiler(nil).compile(e)
		if err != nil {
			return types.Value{}, false, err
		}
		v, err := evalConst(ce)
		if err != nil {
			return types.Value{}, false, err
		}
		if v.IsNull() || v.Type == types.Null {
			return types.Value{}, false, nil
		}
		return v, true, nil
	}
	from, hasFrom, err := konst(op.From)
	if err != nil {
		return nil, err
	}
	to, hasTo, err := konst(op.To)
	if err != nil {
		return nil, err
	}
	step, hasStep, err := konst(op.Step)
	if err != nil {
		return nil, err
	}
	if !hasStep {
		return nil, p.errorf(op, "make-series needs a step")
	}
	axisName := check.ExprName(op.On)
	if axisName == "" {
		axisName = "Column"
	}
	axisPos := out.Index(axisName)
	if axisPos >= 0 {
		out.Fields[axisPos].Type = types.Dynamic
	} else {
		axisPos = len(out.Fields)
		out.Fields = append(out.Fields, batch.Field{Name: axisName, Type: types.Dynamic})
	}
	nonempty := false
	if v, ok := check.OpParam(op.Params, "kind"); ok && strings.EqualFold(v, "nonempty") {
		nonempty = true
	}
	real := axisE.t == types.Real || axisE.t == types.Decimal
	ax := &seriesAxis{t: axisE.t, real: real}
	if real {
		ax.stepF = types.ToReal(step).F
		if !(ax.stepF > 0) {
			return nil, p.errorf(op.Step, "make-series: step must be positive")
		}
	} else {
		ax.stepI = step.I
		if step.Type == types.Real || step.Type == types.Decimal {
			ax.stepI = int64(step.F)
		}
		if ax.stepI <= 0 {
			return nil, p.errorf(op.Step, "make-series: step must be positive")
		}
	}
	asF := func(v types.Value) float64 { return types.ToReal(v).F }
	asI := func(v types.Value) int64 {
		if v.Type == types.Real || v.Type == types.Decimal {
			return int64(v.F)
		}
		return v.I
	}
	inRange := op.InRange
	// axisFor computes the bins of one series: from/to when given (to is
	// exclusive, or inclusive in the "in range(...)" form, which also bins
	// with bin() rather than bin_at()), otherwise the bins holding data.
	axisFor := func(lo, hi types.Value, hasData bool) (*seriesAxis, error) {
		a := *ax
		if !hasData && !(hasFrom && hasTo) {
			return nil, nil
		}
		if real {
			if hasFrom {
				a.sf = asF(from)
				if inRange {
					a.sf = math.Floor(a.sf/a.stepF) * a.stepF
				}
			} else {
				a.sf = math.Floor(asF(lo)/a.stepF) * a.stepF
			}
			var n float64
			switch {
			case hasTo && inRange:
				n = math.Floor((asF(to)-a.sf)/a.stepF) + 1
			case hasTo:
				n = math.Ceil((asF(to) - a.sf) / a.stepF)
			default:
				n = math.Floor((asF(hi)-a.sf)/a.stepF) + 1
			}
			if n > maxSeriesBins {
				return nil, fmt.Errorf("make-series: %v bins exceed the limit of %d", n, maxSeriesBins)
			}
			if n > 0 {
				a.n = int(n)
			}
			return &a, nil
		}
		if hasFrom {
			a.si = asI(from)
			if inRange {
				a.si = types.FloorDiv(a.si, a.stepI) * a.stepI
			}
		} else {
			a.si = types.FloorDiv(lo.I, a.stepI) * a.stepI
		}
		var n int64
		switch {
		case hasTo && inRange:
			n = types.FloorDiv(asI(to)-a.si, a.stepI) + 1
		case hasTo:
			if d := asI(to) - a.si; d > 0 {
				n = (d + a.stepI - 1) / a.stepI
			}
		default:
			n = types.FloorDiv(hi.I-a.si, a.stepI) + 1
		}
		if n > maxSeriesBins {
			return nil, fmt.Errorf("make-series: %d bins exceed the limit of %d", n, maxSeriesBins)
		}
		if n > 0 {
			a.n = int(n)
		}
		return &a, nil
	}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b, used, err := drain(ctx, in, p.q.mem, "make-series")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		axc, err := axisE.run(b)
		if err != nil {
			return err
		}
		keyCols := make([]*batch.Column, len(keys))
		for i, k := range keys {
			if keyCols[i], err = k.run(b); err != nil {
				return err
			}
		}
		argCols := make([][][]*batch.Column, len(aggs))
		for i, ag := range aggs {
			argCols[i] = make([][]*batch.Column, len(ag.col.slots))
			for j, s := range ag.col.slots {
				for _, x := range s.args {
					c, err := x.run(b)
					if err != nil {
						return err
					}
					argCols[i][j] = append(argCols[i][j], c)
				}
			}
		}
		type sgroup struct {
			keys   []types.Value
			rows   []int32
			lo, hi types.Value
			axis   *seriesAxis
			bins   map[int][][]funcs.Aggregator // bin -> agg -> slot
		}
		index := map[string]*sgroup{}
		var groups []*sgroup
		var state int64
		defer func() { p.q.mem.release(state) }()
		var kb []byte
		for r := 0; r < b.Len; r++ {
			v := valueAt(axc, r)
			if v.IsNull() || v.Type == types.Null {
				continue
			}
			kb = kb[:0]
			for _, kc := range keyCols {
				kb = appendColumnKey(kb, kc, r)
			}
			g := index[string(kb)]
			if g == nil {
				g = &sgroup{bins: map[int][][]funcs.Aggregator{}, lo: v, hi: v}
				for _, kc := range keyCols {
					g.keys = append(g.keys, valueAt(kc, r))
				}
				index[string(kb)] = g
				groups = append(groups, g)
				sz := int64(len(kb) + 96)
				state += sz
				if err := p.q.mem.add(sz, "make-series"); err != nil {
					return err
				}
			}
			g.rows = append(g.rows, int32(r))
			if types.SortCompare(v, g.lo) < 0 {
				g.lo = v
			}
			if types.SortCompare(v, g.hi) > 0 {
				g.hi = v
			}
		}
		state += int64(b.Len) * 4
		if err := p.q.mem.add(int64(b.Len)*4, "make-series"); err != nil {
			return err
		}
		if len(groups) == 0 {
			if !nonempty || len(keys) > 0 || !(hasFrom && hasTo) {
				return nil
			}
			groups = append(groups, &sgroup{bins: map[int][][]funcs.Aggregator{}})
		}
		for _, g := range groups {
			if err := ctx.Err(); err != nil {
				return err
			}
			g.axis, err = axisFor(g.lo, g.hi, len(g.rows) > 0)
			if err != nil {
				return err
			}
			if g.axis == nil {
				g.axis = &seriesAxis{}
			}
			for _, r := range g.rows {
				k, ok := g.axis.bin(valueAt(axc, int(r)))
				if !ok {
					continue
				}
				st := g.bins[k]
				if st == nil {
					st = make([][]funcs.Aggregator, len(aggs))
					for i, ag := range aggs {
						st[i] = make([]funcs.Aggregator, len(ag.col.slots))
						for j, s := range ag.col.slots {
							ts := make([]types.Type, len(s.args))
							for x, e := range s.args {
								ts[x] = e.t
							}
							st[i][j] = s.f.NewAgg(ts)
						}
					}
					g.bins[k] = st
					sz := int64(64 + 64*len(aggs))
					state += sz
					if err := p.q.mem.add(sz, "make-series"); err != nil {
						return err
					}
				}
				for i := range aggs {
					for j := range st[i] {
						vals := make([]types.Value, len(argCols[i][j]))
						for x, c := range argCols[i][j] {
							vals[x] = valueAt(c, int(r))
						}
						st[i][j].Add(vals)
					}
				}
			}
		}
		bld := newBuilders(out, len(groups))
		for _, g := range groups {
			if err := ctx.Err(); err != nil {
				return err
			}
			n := g.axis.n
			for i, kv := range g.keys {
				bld[i].add(kv)
			}
			for i, ag := range aggs {
				sb := &batch.Batch{Schema: ag.col.schema, Cols: make([]*batch.Column, len(ag.col.slots)), Len: n}
				for j, s := range ag.col.slots {
					cb := newBuilder(s.t, n)
					for k := 0; k < n; k++ {
						if st := g.bins[k]; st != nil {
							cb.add(st[i][j].Result())
						} else {
							cb.add(types.NullOf(s.t))
						}
					}
					sb.Cols[j] = cb.build()
				}
				col, err := ag.expr.run(sb)
				if err != nil {
					return err
				}
				arr := make([]any, n)
				for k := range arr {
					if g.bins[k] != nil {
						arr[k] = types.ToDynamicElement(valueAt(col, k))
					} else {
						arr[k] = types.ToDynamicElement(ag.def)
					}
				}
				bld[len(keys)+i].add(types.NewDynamic(arr))
			}
			axis := make([]any, n)
			for k := range axis {
				axis[k] = g.axis.value(k)
			}
			bld[axisPos].add(types.NewDynamic(axis))
		}
		ob := &batch.Batch{Schema: out, Cols: make([]*batch.Column, len(out.Fields)), Len: len(groups)}
		for i := range bld {
			ob.Cols[i] = bld[i].build()
		}
		return emit(ob)
	}}, nil
}
