package exec

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// activityInput is the common shape of the user-activity plugins: an id
// expression, a time expression, constant parameters, and optional
// dimension columns that split the output.
type activityInput struct {
	id, ts *cexpr
	consts []types.Value
	dims   []int
	tsName string
}

// activityArgs compiles id and time (args 0 and 1), nConst constant
// arguments, and the remaining arguments as dimension columns.
func activityArgs(p *planner, op *syntax.EvaluateOp, in Node, nConst int) (*activityInput, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	args := op.Call.Args
	if len(args) < 2+nConst {
		return nil, p.errorf(op.Call, "%s() needs at least %d arguments", op.Call.Fun.Name, 2+nConst)
	}
	inS := in.Schema()
	c := p.compiler(inS)
	a := &activityInput{}
	var err error
	if a.id, err = c.compile(args[0]); err != nil {
		return nil, err
	}
	if a.ts, err = c.compile(args[1]); err != nil {
		return nil, err
	}
	a.tsName = check.ExprName(args[1])
	if a.tsName == "" {
		a.tsName = "Timestamp"
	}
	for _, e := range args[2 : 2+nConst] {
		v, err := p.constArg(e)
		if err != nil {
			return nil, err
		}
		a.consts = append(a.consts, v)
	}
	for _, e := range args[2+nConst:] {
		i, err := columnArg(p, e, inS, op.Call.Fun.Name)
		if err != nil {
			return nil, err
		}
		a.dims = append(a.dims, i)
	}
	return a, nil
}

// ticksArgs reads consts[i], named names[i], as ticks for every name; the
// arguments at positions posFrom up to (not including) posTo must be
// positive.
func ticksArgs(p *planner, op *syntax.EvaluateOp, consts []types.Value, names []string, posFrom, posTo int) ([]int64, error) {
	v := make([]int64, len(names))
	for i, what := range names {
		x, err := ticksArg(p, op, consts[i], what, i >= posFrom && i < posTo)
		if err != nil {
			return nil, err
		}
		v[i] = x
	}
	return v, nil
}

// ticksArg returns a datetime or timespan constant as ticks.
func ticksArg(p *planner, op *syntax.EvaluateOp, v types.Value, what string, positive bool) (int64, error) {
	switch v.Type {
	case types.DateTime, types.TimeSpan, types.Long, types.Int:
		if v.IsNull() {
			break
		}
		if positive && v.I <= 0 {
			return 0, p.errorf(op.Call, "%s(): %s must be positive", op.Call.Fun.Name, what)
		}
		return v.I, nil
	}
	return 0, p.errorf(op.Call, "%s(): %s must be a datetime or timespan constant", op.Call.Fun.Name, what)
}

// activityRow is one input row reduced to what the plugins use.
type activityRow struct {
	dimKey string
	id     string
	t      int64
	row    int32 // for the dimension values
}

// readActivity drains the input and returns its rows with a non-null
// time, plus the batch (for dimension values).
func readActivity(ctx context.Context, p *planner, in Node, a *activityInput, what string) ([]activityRow, *batch.Batch, int64, error) {
	b, used, err := drain(ctx, in, p.q.mem, what)
	if err != nil {
		return nil, nil, 0, err
	}
	idc, err := a.id.run(b)
	if err != nil {
		p.q.mem.release(used)
		return nil, nil, 0, err
	}
	tc, err := a.ts.run(b)
	if err != nil {
		p.q.mem.release(used)
		return nil, nil, 0, err
	}
	rows := make([]activityRow, 0, b.Len)
	var kb []byte
	for r := 0; r < b.Len; r++ {
		tv := valueAt(tc, r)
		if tv.IsNull() || !intFamily(tv.Type) {
			continue
		}
		kb = kb[:0]
		for _, d := range a.dims {
			kb = appendColumnKey(kb, b.Cols[d], r)
		}
		iv := valueAt(idc, r)
		if iv.IsNull() {
			continue
		}
		kb2 := appendKey(nil, iv)
		rows = append(rows, activityRow{dimKey: string(kb), id: string(kb2), t: tv.I, row: int32(r)})
	}
	sz := int64(len(rows)) * 64
	if err := p.q.mem.add(sz, what); err != nil {
		p.q.mem.release(used)
		return nil, nil, 0, err
	}
	return rows, b, used + sz, nil
}

// byDim groups rows by dimension key, in first-appearance order.
func byDim(rows []activityRow) [][]activityRow {
	index := map[string]int{}
	var out [][]activityRow
	for _, r := range rows {
		i, ok := index[r.dimKey]
		if !ok {
			i = len(out)
			index[r.dimKey] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

// activitySchema is Timestamp-like column, the dimensions, then cols.
func activitySchema(inS *batch.Schema, a *activityInput, tsType types.Type, cols ...batch.Field) *batch.Schema {
	s := &batch.Schema{Fields: []batch.Field{{Name: a.tsName, Type: tsType}}}
	for _, d := range a.dims {
		s.Fields = append(s.Fields, inS.Fields[d])
	}
	s.Fields = append(s.Fields, cols...)
	return s
}

// activityOut builds the output rows of the activity plugins.
type activityOut struct {
	s   *batch.Schema
	b   *batch.Batch
	bld []*builder
}

func newActivityOut(s *batch.Schema, b *batch.Batch) *activityOut {
	return &activityOut{s: s, b: b, bld: newBuilders(s, 16)}
}

func (o *activityOut) add(ts types.Value, a *activityInput, dimRow int32, vals ...types.Value) {
	o.bld[0].add(ts)
	for i, d := range a.dims {
		o.bld[1+i].add(valueAt(o.b.Cols[d], int(dimRow)))
	}
	for i, v := range vals {
		o.bld[1+len(a.dims)+i].add(v)
	}
}

func (o *activityOut) emit(emit func(*batch.Batch) error) error {
	return emitBuilt(o.s, o.bld, emit)
}

// emitBuilt builds one column per builder into a batch of schema s and
// passes it to emit, unless it has no rows.
func emitBuilt(s *batch.Schema, bld []*builder, emit func(*batch.Batch) error) error {
	ob := &batch.Batch{Schema: s, Cols: make([]*batch.Column, len(bld))}
	for i, x := range bld {
		ob.Cols[i] = x.build()
	}
	ob.Len = ob.Cols[0].Len
	if ob.Len == 0 {
		return nil
	}
	return emit(ob)
}

// planActivityCountsMetrics computes per time window from Start to End:
// the number of rows, the distinct ids, the ids never seen in an earlier
// window, and the distinct ids seen so far.
func planActivityCountsMetrics(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	a, err := activityArgs(p, op, in, 3)
	if err != nil {
		return nil, err
	}
	start, err := ticksArg(p, op, a.consts[0], "Start", false)
	if err != nil {
		return nil, err
	}
	end, err := ticksArg(p, op, a.consts[1], "End", false)
	if err != nil {
		return nil, err
	}
	window, err := ticksArg(p, op, a.consts[2], "Window", true)
	if err != nil {
		return nil, err
	}
	inS := in.Schema()
	s := activitySchema(inS, a, types.DateTime,
		batch.Field{Name: "count", Type: types.Long}, batch.Field{Name: "dcount", Type: types.Long},
		batch.Field{Name: "new_dcount", Type: types.Long}, batch.Field{Name: "aggregated_dcount", Type: types.Long})
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		rows, b, used, err := readActivity(ctx, p, in, a, "activity_counts_metrics")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		nb, err := binCount(start, end, window, maxSeriesBins, "activity_counts_metrics", "windows")
		if err != nil || nb == 0 {
			return err
		}
		out := newActivityOut(s, b)
		for _, g := range byDim(rows) {
			counts := make([]int64, nb)
			ids := make([]map[string]bool, nb)
			for _, r := range g {
				if r.t < start {
					continue
				}
				k := (r.t - start) / window
				if k >= nb {
					continue
				}
				counts[k]++
				if ids[k] == nil {
					ids[k] = map[string]bool{}
				}
				ids[k][r.id] = true
			}
			seen := map[string]bool{}
			for k := int64(0); k < nb; k++ {
				newN := int64(0)
				for id := range ids[k] {
					if !seen[id] {
						seen[id] = true
						newN++
					}
				}
				out.add(types.NewDateTime(start+k*window), a, g[0].row,
					types.NewLong(counts[k]), types.NewLong(int64(len(ids[k]))), types.NewLong(newN), types.NewLong(int64(len(seen))))
			}
		}
		return out.emit(emit)
	}}, nil
}

// planActiveUsersCount counts, per Bin window from Start to End, the
// distinct ids that at some appearance in the window had appeared in at
// least ActivePeriods distinct Periods during the LookbackWindow ending
// at that appearance. Windows with no active id are omitted.
func planActiveUsersCount(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	a, err := activityArgs(p, op, in, 6)
	if err != nil {
		return nil, err
	}
	v, err := ticksArgs(p, op, a.consts, []string{"Start", "End", "LookbackWindow", "Period", "ActivePeriodsCount", "Bin"}, 2, 6)
	if err != nil {
		return nil, err
	}
	start, end, look, period, need, bin := v[0], v[1], v[2], v[3], v[4], v[5]
	s := activitySchema(in.Schema(), a, types.DateTime, batch.Field{Name: "dcount", Type: types.Long})
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		rows, b, used, err := readActivity(ctx, p, in, a, "active_users_count")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		out := newActivityOut(s, b)
		for _, g := range byDim(rows) {
			byID := map[string][]int64{}
			var order []string
			for _, r := range g {
				if _, ok := byID[r.id]; !ok {
					order = append(order, r.id)
				}
				byID[r.id] = append(byID[r.id], r.t)
			}
			active := map[int64]map[string]bool{}
			for _, id := range order {
				ts := byID[id]
				sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
				for i, t := range ts {
					if t < start || t > end {
						continue
					}
					periods := map[int64]bool{}
					for j := i; j >= 0 && ts[j] > t-look; j-- {
						periods[types.FloorDiv(ts[j], period)] = true
					}
					if int64(len(periods)) < need {
						continue
					}
					k := start + (t-start)/bin*bin
					if active[k] == nil {
						active[k] = map[string]bool{}
					}
					active[k][id] = true
				}
			}
			var keys []int64
			for k := range active {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
			for _, k := range keys {
				out.add(types.NewDateTime(k), a, g[0].row, types.NewLong(int64(len(active[k]))))
			}
		}
		return out.emit(emit)
	}}, nil
}

// planRollingPercentile computes, per Bin of the index column, the
// nearest-rank percentile of the values in the window of BinsPerWindow
// bins ending at that bin.
func planRollingPercentile(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	args := op.Call.Args
	if len(args) < 5 {
		return nil, p.errorf(op.Call, "rolling_percentile(ValueColumn, Percentile, IndexColumn, Bin, BinsPerWindow [, dims]) needs five arguments")
	}
	inS := in.Schema()
	c := p.compiler(inS)
	val, err := c.compile(args[0])
	if err != nil {
		return nil, err
	}
	idx, err := c.compile(args[2])
	if err != nil {
		return nil, err
	}
	if !intFamily(idx.t) && idx.t != types.Real {
		return nil, p.errorf(args[2], "rolling_percentile(): the index column must be numeric, datetime or timespan")
	}
	pv, err := p.constArg(args[1])
	if err != nil {
		return nil, err
	}
	pct := types.ToReal(pv)
	if pct.IsNull() || pct.F < 0 || pct.F > 100 {
		return nil, p.errorf(args[1], "rolling_percentile(): the percentile must be a number from 0 to 100")
	}
	bv, err := p.constArg(args[3])
	if err != nil {
		return nil, err
	}
	binF := types.ToReal(bv).F
	if bv.Type == types.TimeSpan || bv.Type == types.Long || bv.Type == types.Int {
		binF = float64(bv.I)
	}
	if !(binF > 0) {
		return nil, p.errorf(args[3], "rolling_percentile(): the bin size must be positive")
	}
	nwin, err := p.constInt(args[4])
	if err != nil {
		return nil, err
	}
	if nwin < 1 {
		return nil, p.errorf(args[4], "rolling_percentile(): BinsPerWindow must be at least 1")
	}
	var dims []int
	for _, e := range args[5:] {
		i, err := columnArg(p, e, inS, "rolling_percentile")
		if err != nil {
			return nil, err
		}
		dims = append(dims, i)
	}
	idxName := check.ExprName(args[2])
	if idxName == "" {
		idxName = "Index"
	}
	valName := check.ExprName(args[0])
	pname := strconv.FormatFloat(pct.F, 'f', -1, 64)
	s := &batch.Schema{Fields: []batch.Field{{Name: idxName, Type: idx.t}}}
	for _, d := range dims {
		s.Fields = append(s.Fields, inS.Fields[d])
	}
	vt := val.t
	if vt == types.Null {
		vt = types.Real
	}
	s.Fields = append(s.Fields, batch.Field{Name: fmt.Sprintf("rolling_%d_percentile_%s_%s", nwin, valName, pname), Type: vt})
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b, used, err := drain(ctx, in, p.q.mem, "rolling_percentile")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		vc, err := val.run(b)
		if err != nil {
			return err
		}
		ic, err := idx.run(b)
		if err != nil {
			return err
		}
		type grp struct {
			row  int
			bins map[int64][]types.Value
		}
		index := map[string]*grp{}
		var groups []*grp
		var kb []byte
		for r := 0; r < b.Len; r++ {
			iv, v := valueAt(ic, r), valueAt(vc, r)
			if iv.IsNull() || v.IsNull() {
				continue
			}
			var k int64
			if ic.Type == types.Real {
				k = int64(math.Floor(iv.F / binF))
			} else {
				k = types.FloorDiv(iv.I, int64(binF))
			}
			kb = kb[:0]
			for _, d := range dims {
				kb = appendColumnKey(kb, b.Cols[d], r)
			}
			g := index[string(kb)]
			if g == nil {
				g = &grp{row: r, bins: map[int64][]types.Value{}}
				index[string(kb)] = g
				groups = append(groups, g)
			}
			g.bins[k] = append(g.bins[k], v)
		}
		bld := newBuilders(s, 16)
		for _, g := range groups {
			var keys []int64
			for k := range g.bins {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
			if len(keys) == 0 {
				continue
			}
			for k := keys[0]; k <= keys[len(keys)-1]; k++ {
				if err := ctx.Err(); err != nil {
					return err
				}
				var vals []types.Value
				for w := k - nwin + 1; w <= k; w++ {
					vals = append(vals, g.bins[w]...)
				}
				if ic.Type == types.Real {
					bld[0].add(types.NewReal(float64(k) * binF))
				} else {
					bld[0].add(types.Value{Type: ic.Type, I: k * int64(binF)})
				}
				for i, d := range dims {
					bld[1+i].add(valueAt(b.Cols[d], g.row))
				}
				if len(vals) == 0 {
					bld[len(bld)-1].add(types.NullOf(vt))
					continue
				}
				sort.Slice(vals, func(i, j int) bool { return types.SortCompare(vals[i], vals[j]) < 0 })
				rank := int(math.Ceil(pct.F / 100 * float64(len(vals))))
				bld[len(bld)-1].add(vals[min(max(rank-1, 0), len(vals)-1)])
			}
		}
		return emitBuilt(s, bld, emit)
	}}, nil
}

// planSlidingWindowCounts computes, per Bin from Start to End, the number
// of rows and of distinct ids in the LookbackWindow ending at the end of
// the bin.
func planSlidingWindowCounts(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	a, err := activityArgs(p, op, in, 4)
	if err != nil {
		return nil, err
	}
	v, err := ticksArgs(p, op, a.consts, []string{"Start", "End", "LookbackWindow", "Bin"}, 2, 4)
	if err != nil {
		return nil, err
	}
	start, end, look, bin := v[0], v[1], v[2], v[3]
	s := activitySchema(in.Schema(), a, types.DateTime, batch.Field{Name: "Count", Type: types.Long}, batch.Field{Name: "dcount", Type: types.Long})
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		rows, b, used, err := readActivity(ctx, p, in, a, "sliding_window_counts")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		nb, err := binCount(start, end, bin, maxSeriesBins, "sliding_window_counts", "bins")
		if err != nil || nb == 0 {
			return err
		}
		out := newActivityOut(s, b)
		for _, g := range byDim(rows) {
			sort.Slice(g, func(i, j int) bool { return g[i].t < g[j].t })
			for k := int64(0); k < nb; k++ {
				if err := ctx.Err(); err != nil {
					return err
				}
				hi := start + (k+1)*bin // exclusive end of the bin
				lo := hi - look
				from := sort.Search(len(g), func(i int) bool { return g[i].t >= lo })
				ids := map[string]bool{}
				n := int64(0)
				for i := from; i < len(g) && g[i].t < hi; i++ {
					if g[i].t < start {
						continue
					}
					n++
					ids[g[i].id] = true
				}
				out.add(types.NewDateTime(start+k*bin), a, g[0].row, types.NewLong(n), types.NewLong(int64(len(ids))))
			}
		}
		return out.emit(emit)
	}}, nil
}

// periodRange is the optional Start and End of an activity plugin.
type periodRange struct {
	set        bool
	start, end int64
}

// activityPeriodArgs reads the arguments of an activity plugin whose
// constants are an optional Start and End (present when the third
// argument is a datetime) followed by nWin windows.
func activityPeriodArgs(p *planner, op *syntax.EvaluateOp, in Node, nWin int) (*activityInput, periodRange, error) {
	var rng periodRange
	if len(op.Call.Args) > 2 {
		if v, err := p.constArg(op.Call.Args[2]); err == nil && v.Type == types.DateTime {
			rng.set = true
		}
	}
	nConst := nWin
	if rng.set {
		nConst += 2
	}
	a, err := activityArgs(p, op, in, nConst)
	if err != nil {
		return nil, rng, err
	}
	if rng.set {
		if rng.start, err = ticksArg(p, op, a.consts[0], "Start", false); err != nil {
			return nil, rng, err
		}
		if rng.end, err = ticksArg(p, op, a.consts[1], "End", false); err != nil {
			return nil, rng, err
		}
	}
	return a, rng, nil
}

// periods returns the start of the first period of width step and the
// number of periods: from Start to End when set, else spanning the rows
// (which must not be empty) from a step-aligned start. It fails when the
// count exceeds maxSeriesBins, naming the plugin.
func (r periodRange) periods(rows []activityRow, step int64, plugin string) (lo, nb int64, err error) {
	lo, hi := r.start, r.end
	if !r.set {
		lo, hi = rows[0].t, rows[0].t
		for _, x := range rows {
			lo, hi = min(lo, x.t), max(hi, x.t)
		}
		lo = types.FloorDiv(lo, step) * step
	}
	nb, err = binCount(lo, hi, step, maxSeriesBins, plugin, "periods")
	return lo, nb, err
}

// binCount is the number of bins of width step from from to to (0 when
// to is before from); more than limit is an error naming the plugin and
// what the bins are.
func binCount(from, to, step, limit int64, plugin, unit string) (int64, error) {
	nb := types.FloorDiv(to-from, step) + 1
	if nb <= 0 {
		return 0, nil
	}
	if nb > limit {
		return 0, fmt.Errorf("%s: %d %s exceed the limit of %d", plugin, nb, unit, limit)
	}
	return nb, nil
}

// planActivityEngagement computes, per InnerActivityWindow period from
// Start to End, the distinct ids in that period, the distinct ids in the
// OuterActivityWindow ending with it, and their ratio (DAU/MAU style).
// Without Start and End the periods span the data.
func planActivityEngagement(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	a, rng, err := activityPeriodArgs(p, op, in, 2)
	if err != nil {
		return nil, err
	}
	nConst := len(a.consts)
	inner, err := ticksArg(p, op, a.consts[nConst-2], "InnerActivityWindow", true)
	if err != nil {
		return nil, err
	}
	outer, err := ticksArg(p, op, a.consts[nConst-1], "OuterActivityWindow", true)
	if err != nil {
		return nil, err
	}
	cols := []batch.Field{{Name: "dcount_activities_inner", Type: types.Long},
		{Name: "dcount_activities_outer", Type: types.Long}, {Name: "activity_ratio", Type: types.Real}}
	dcount := func(g []activityRow, from, to int64) int64 {
		i := sort.Search(len(g), func(i int) bool { return g[i].t >= from })
		ids := map[string]bool{}
		for ; i < len(g) && g[i].t < to; i++ {
			ids[g[i].id] = true
		}
		return int64(len(ids))
	}
	return periodPlugin(p, in, a, rng, inner, "activity_engagement", cols,
		func(ctx context.Context, g []activityRow, lo, nb int64, row func(k int64, vals ...types.Value)) error {
			sort.Slice(g, func(i, j int) bool { return g[i].t < g[j].t })
			for k := int64(0); k < nb; k++ {
				if err := ctx.Err(); err != nil {
					return err
				}
				e := lo + (k+1)*inner
				in, out := dcount(g, e-inner, e), dcount(g, e-outer, e)
				ratio := 0.0
				if out > 0 {
					ratio = float64(in) / float64(out)
				}
				row(k, types.NewLong(in), types.NewLong(out), types.NewReal(ratio))
			}
			return nil
		}), nil
}

// planActivityMetrics compares each Window period from Start to End with
// the previous one: distinct ids, ids not seen in the previous period,
// and the retention and churn rates (NaN for the first period). Without
// Start and End the periods span the data.
func planActivityMetrics(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	a, rng, err := activityPeriodArgs(p, op, in, 1)
	if err != nil {
		return nil, err
	}
	window, err := ticksArg(p, op, a.consts[len(a.consts)-1], "Window", true)
	if err != nil {
		return nil, err
	}
	cols := []batch.Field{{Name: "dcount_values", Type: types.Long}, {Name: "dcount_newvalues", Type: types.Long},
		{Name: "retention_rate", Type: types.Real}, {Name: "churn_rate", Type: types.Real}}
	return periodPlugin(p, in, a, rng, window, "activity_metrics", cols,
		func(_ context.Context, g []activityRow, lo, nb int64, row func(k int64, vals ...types.Value)) error {
			ids := make([]map[string]bool, nb)
			for _, r := range g {
				if r.t < lo {
					continue
				}
				k := (r.t - lo) / window
				if k >= nb {
					continue
				}
				if ids[k] == nil {
					ids[k] = map[string]bool{}
				}
				ids[k][r.id] = true
			}
			for k := int64(0); k < nb; k++ {
				cur := ids[k]
				var prev map[string]bool
				if k > 0 {
					prev = ids[k-1]
				}
				newN := int64(0)
				for id := range cur {
					if !prev[id] {
						newN++
					}
				}
				ret := math.NaN()
				if k > 0 && len(prev) > 0 {
					ret = float64(int64(len(cur))-newN) / float64(len(prev))
				}
				row(k, types.NewLong(int64(len(cur))), types.NewLong(newN), types.NewReal(ret), types.NewReal(1-ret))
			}
			return nil
		}), nil
}

// periodPlugin is the node of an activity plugin that reports per group
// of dimension values and per period of width step (see
// periodRange.periods). Its columns are the period start, cols, then the
// dimensions. stats gets the rows of one group and the periods, and calls
// row with the values of cols for period k.
func periodPlugin(p *planner, in Node, a *activityInput, rng periodRange, step int64, name string, cols []batch.Field,
	stats func(ctx context.Context, g []activityRow, lo, nb int64, row func(k int64, vals ...types.Value)) error) Node {
	inS := in.Schema()
	s := &batch.Schema{Fields: append([]batch.Field{{Name: a.tsName, Type: types.DateTime}}, cols...)}
	for _, d := range a.dims {
		s.Fields = append(s.Fields, inS.Fields[d])
	}
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		rows, b, used, err := readActivity(ctx, p, in, a, name)
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		if len(rows) == 0 {
			return nil
		}
		lo, nb, err := rng.periods(rows, step, name)
		if err != nil || nb == 0 {
			return err
		}
		bld := newBuilders(s, int(nb))
		for _, g := range byDim(rows) {
			row := func(k int64, vals ...types.Value) {
				bld[0].add(types.NewDateTime(lo + k*step))
				for i, v := range vals {
					bld[1+i].add(v)
				}
				for i, d := range a.dims {
					bld[1+len(vals)+i].add(valueAt(b.Cols[d], int(g[0].row)))
				}
			}
			if err := stats(ctx, g, lo, nb, row); err != nil {
				return err
			}
		}
		return emitBuilt(s, bld, emit)
	}}
}

// planNewActivityMetrics compares each cohort of new ids (first seen in a
// Window period from Start to End, or only the Cohort period when given)
// with every later period: ids new in that period, cohort ids retained
// and churned, and the retention and churn rates. An optional tabular
// last argument lists ids seen before Start (they never count as new).
func planNewActivityMetrics(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	call := *op.Call
	var lookback Node
	if n := len(call.Args); n > 5 && p.isTabular(call.Args[n-1]) {
		lb, err := p.plan(call.Args[n-1])
		if err != nil {
			return nil, err
		}
		lookback = lb
		call.Args = call.Args[:n-1]
	}
	cohortArg := false
	if len(call.Args) > 5 {
		if v, err := p.constArg(call.Args[5]); err == nil && v.Type == types.DateTime {
			cohortArg = true
		}
	}
	nConst := 3
	if cohortArg {
		nConst = 4
	}
	sub := *op
	sub.Call = &call
	a, err := activityArgs(p, &sub, in, nConst)
	if err != nil {
		return nil, err
	}
	v, err := ticksArgs(p, op, a.consts, []string{"Start", "End", "Window", "Cohort"}[:nConst], 2, 3)
	if err != nil {
		return nil, err
	}
	start, end, window := v[0], v[1], v[2]
	idName := check.ExprName(call.Args[0])
	inS := in.Schema()
	s := &batch.Schema{Fields: []batch.Field{{Name: "from_" + a.tsName, Type: types.DateTime}, {Name: "to_" + a.tsName, Type: types.DateTime},
		{Name: "dcount_new_values", Type: types.Long}, {Name: "dcount_retained_values", Type: types.Long},
		{Name: "dcount_churn_values", Type: types.Long}, {Name: "retention_rate", Type: types.Real}, {Name: "churn_rate", Type: types.Real}}}
	for _, d := range a.dims {
		s.Fields = append(s.Fields, inS.Fields[d])
	}
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		rows, b, used, err := readActivity(ctx, p, in, a, "new_activity_metrics")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		before := map[string]bool{}
		if lookback != nil {
			lb, lused, err := drain(ctx, lookback, p.q.mem, "new_activity_metrics")
			if err != nil {
				return err
			}
			defer p.q.mem.release(lused)
			col := lb.Schema.Index(idName)
			if col < 0 && len(lb.Schema.Fields) > 0 {
				col = 0
			}
			for r := 0; col >= 0 && r < lb.Len; r++ {
				if iv := valueAt(lb.Cols[col], r); !iv.IsNull() {
					before[string(appendKey(nil, iv))] = true
				}
			}
		}
		nb, err := binCount(start, end, window, 4096, "new_activity_metrics", "periods")
		if err != nil || nb == 0 {
			return err
		}
		from0, from1 := int64(0), nb
		if cohortArg {
			from0 = types.FloorDiv(v[3]-start, window)
			from1 = from0 + 1
		}
		bld := newBuilders(s, 16)
		for _, g := range byDim(rows) {
			ids := make([]map[string]bool, nb)
			first := map[string]int64{}
			for _, r := range g {
				if r.t < start {
					continue
				}
				k := (r.t - start) / window
				if k >= nb {
					continue
				}
				if ids[k] == nil {
					ids[k] = map[string]bool{}
				}
				ids[k][r.id] = true
				if f, ok := first[r.id]; !ok || k < f {
					first[r.id] = k
				}
			}
			for f := max(from0, 0); f < min(from1, nb); f++ {
				if err := ctx.Err(); err != nil {
					return err
				}
				cohort := map[string]bool{}
				seen := map[string]bool{}
				for id, k := range first {
					if k == f && !before[id] {
						cohort[id] = true
					}
					if k <= f {
						seen[id] = true
					}
				}
				for id := range before {
					seen[id] = true
				}
				for t := f; t < nb; t++ {
					var newN, kept int64
					if t == f {
						newN = int64(len(cohort))
					}
					for id := range ids[t] {
						if t > f && !seen[id] {
							newN++
						}
						if cohort[id] {
							kept++
						}
					}
					churn := int64(len(cohort)) - kept
					ret, cr := math.NaN(), math.NaN()
					if len(cohort) > 0 {
						ret = float64(kept) / float64(len(cohort))
						cr = float64(churn) / float64(len(cohort))
					}
					bld[0].add(types.NewDateTime(start + f*window))
					bld[1].add(types.NewDateTime(start + t*window))
					bld[2].add(types.NewLong(newN))
					bld[3].add(types.NewLong(kept))
					bld[4].add(types.NewLong(churn))
					bld[5].add(types.NewReal(ret))
					bld[6].add(types.NewReal(cr))
					for i, d := range a.dims {
						bld[7+i].add(valueAt(b.Cols[d], int(g[0].row)))
					}
				}
			}
		}
		return emitBuilt(s, bld, emit)
	}}, nil
}
