package exec

import (
	"context"
	"fmt"
	"sort"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// planSequenceDetect finds, per combination of the dimension values, every
// chain of rows r1, r2, ... (in time order) where row ri satisfies step
// predicate i, consecutive steps are at most MaxSequenceStepWindow apart
// and the whole chain spans at most MaxSequenceSpan. Each chain is one
// output row: the dimensions, the time of each step and the duration.
func planSequenceDetect(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	args := op.Call.Args
	if len(args) < 4 {
		return nil, p.errorf(op.Call, "sequence_detect(TimelineColumn, MaxSequenceStepWindow, MaxSequenceSpan, Expr1, Expr2, ..., Dim1, ...) needs at least one step")
	}
	inS := in.Schema()
	c := p.compiler(inS)
	ts, err := c.compile(args[0])
	if err != nil {
		return nil, err
	}
	if ts.t != types.DateTime && ts.t != types.TimeSpan {
		return nil, p.errorf(args[0], "sequence_detect(): the timeline column must be a datetime, not %s", ts.t)
	}
	tsName := check.ExprName(args[0])
	var lim [2]int64
	for i, a := range args[1:3] {
		v, err := p.constArg(a)
		if err != nil {
			return nil, err
		}
		if v.Type != types.TimeSpan || v.IsNull() || v.I < 0 {
			return nil, p.errorf(a, "sequence_detect(): the windows must be non-negative timespan constants")
		}
		lim[i] = v.I
	}
	stepWin, span := lim[0], lim[1]
	type step struct {
		name string
		pred *cexpr
	}
	var steps []step
	var dims []*cexpr
	out := &batch.Schema{}
	var stepFields []batch.Field
	for _, a := range args[3:] {
		ce, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		if ce.t == types.Bool && len(dims) == 0 {
			name := fmt.Sprintf("Expr%d", len(steps)+1)
			if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
				name = ne.Names[0].Name
			}
			steps = append(steps, step{name: name, pred: ce})
			stepFields = append(stepFields, batch.Field{Name: name + "_" + tsName, Type: ts.t})
			continue
		}
		name := check.ExprName(a)
		if name == "" {
			name = fmt.Sprintf("Column%d", len(dims)+1)
		}
		t := ce.t
		if t == types.Null {
			t = types.String
		}
		dims = append(dims, ce)
		out.Fields = append(out.Fields, batch.Field{Name: name, Type: t})
	}
	if len(steps) == 0 {
		return nil, p.errorf(op.Call, "sequence_detect(): no step predicate (a bool expression) was given")
	}
	out.Fields = append(out.Fields, stepFields...)
	out.Fields = append(out.Fields, batch.Field{Name: "Duration", Type: types.TimeSpan})
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b, used, err := drain(ctx, in, p.q.mem, "sequence_detect")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		tc, err := ts.run(b)
		if err != nil {
			return err
		}
		dc := make([]*batch.Column, len(dims))
		for i, d := range dims {
			if dc[i], err = d.run(b); err != nil {
				return err
			}
		}
		pc := make([]*batch.Column, len(steps))
		for i, s := range steps {
			if pc[i], err = s.pred.run(b); err != nil {
				return err
			}
		}
		groups := groupRows(b.Len, dc, tc.IsNull)
		bld := newBuilders(out, 16)
		var outMem int64
		defer func() { p.q.mem.release(outMem) }()
		chain := make([]int32, len(steps))
		for _, rows := range groups {
			sort.SliceStable(rows, func(i, j int) bool { return tc.Ints[rows[i]] < tc.Ints[rows[j]] })
			// cands[i] lists the positions in rows matching step i.
			cands := make([][]int, len(steps))
			for pos, r := range rows {
				for i := range steps {
					if boolAt(pc[i], int(r)) == 1 {
						cands[i] = append(cands[i], pos)
					}
				}
			}
			var walk func(i, prevPos int) error
			walk = func(i, prevPos int) error {
				if i == len(steps) {
					first, last := tc.Ints[chain[0]], tc.Ints[chain[len(chain)-1]]
					for k, col := range dc {
						bld[k].add(valueAt(col, int(chain[0])))
					}
					for k, r := range chain {
						bld[len(dc)+k].add(valueAt(tc, int(r)))
					}
					bld[len(bld)-1].add(types.NewTimeSpan(last - first))
					sz := int64(16 * len(out.Fields))
					outMem += sz
					return p.q.mem.add(sz, "sequence_detect")
				}
				start := sort.SearchInts(cands[i], prevPos+1)
				for _, pos := range cands[i][start:] {
					r := rows[pos]
					t := tc.Ints[r]
					if i > 0 {
						prevT := tc.Ints[chain[i-1]]
						if t-prevT > stepWin {
							break
						}
						if t-tc.Ints[chain[0]] > span {
							break
						}
					}
					chain[i] = r
					if err := walk(i+1, pos); err != nil {
						return err
					}
				}
				return ctx.Err()
			}
			if err := walk(0, -1); err != nil {
				return err
			}
		}
		return emitBuilt(out, bld, emit)
	}}, nil
}

// planFunnelSequenceCompletion counts, per Step window from Start to End
// and per maximal period, the distinct ids that went through the first
// k states of Sequence (in time order, the whole chain within the period,
// starting in the window), for each k.
func planFunnelSequenceCompletion(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	args := op.Call.Args
	if len(args) != 8 {
		return nil, p.errorf(op.Call, "funnel_sequence_completion(IdColumn, TimelineColumn, Start, End, Step, StateColumn, Sequence, MaxSequenceStepWindows) takes eight arguments")
	}
	inS := in.Schema()
	c := p.compiler(inS)
	idE, err := c.compile(args[0])
	if err != nil {
		return nil, err
	}
	tsE, err := c.compile(args[1])
	if err != nil {
		return nil, err
	}
	stE, err := c.compile(args[5])
	if err != nil {
		return nil, err
	}
	var lim [3]int64
	for i, a := range args[2:5] {
		v, err := p.constArg(a)
		if err != nil {
			return nil, err
		}
		if !intFamily(v.Type) || v.IsNull() || (i == 2 && v.I <= 0) {
			return nil, p.errorf(a, "funnel_sequence_completion(): Start and End must be datetimes and Step a positive timespan")
		}
		lim[i] = v.I
	}
	start, end, stepW := lim[0], lim[1], lim[2]
	seqV, err := p.constArg(args[6])
	if err != nil {
		return nil, err
	}
	seqArr, ok := seqV.D.([]any)
	if seqV.Type != types.Dynamic || !ok || len(seqArr) == 0 {
		return nil, p.errorf(args[6], "funnel_sequence_completion(): Sequence must be a non-empty dynamic array")
	}
	var seq []string
	for _, s := range seqArr {
		seq = append(seq, types.DynamicToString(s))
	}
	perV, err := p.constArg(args[7])
	if err != nil {
		return nil, err
	}
	perArr, ok := perV.D.([]any)
	if perV.Type != types.Dynamic || !ok || len(perArr) == 0 {
		return nil, p.errorf(args[7], "funnel_sequence_completion(): MaxSequenceStepWindows must be a non-empty dynamic array of timespans")
	}
	var periods []int64
	for _, x := range perArr {
		v := types.ToTimeSpan(types.FromDynamic(x))
		if v.IsNull() {
			return nil, p.errorf(args[7], "funnel_sequence_completion(): %v is not a timespan", types.DynamicToString(x))
		}
		periods = append(periods, v.I)
	}
	tsName := check.ExprName(args[1])
	stName := check.ExprName(args[5])
	if stName == "" || stName == tsName {
		stName = "State"
	}
	out := &batch.Schema{Fields: []batch.Field{{Name: tsName, Type: tsE.t}, {Name: stName, Type: types.String},
		{Name: "Period", Type: types.TimeSpan}, {Name: "dcount", Type: types.Long}}}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b, used, err := drain(ctx, in, p.q.mem, "funnel_sequence_completion")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		idc, err := idE.run(b)
		if err != nil {
			return err
		}
		tc, err := tsE.run(b)
		if err != nil {
			return err
		}
		sc, err := stE.run(b)
		if err != nil {
			return err
		}
		stateIdx := map[string]int{}
		for i, s := range seq {
			if _, dup := stateIdx[s]; !dup {
				stateIdx[s] = i
			}
		}
		type ev struct {
			t     int64
			state int
		}
		byID := map[string][]ev{}
		var order []string
		for r := 0; r < b.Len; r++ {
			iv, tv := valueAt(idc, r), valueAt(tc, r)
			if iv.IsNull() || tv.IsNull() {
				continue
			}
			st, ok := stateIdx[types.ToString(valueAt(sc, r))]
			if !ok {
				continue
			}
			k := string(appendKey(nil, iv))
			if _, seen := byID[k]; !seen {
				order = append(order, k)
			}
			byID[k] = append(byID[k], ev{t: tv.I, state: st})
		}
		nb, err := binCount(start, end, stepW, maxSeriesBins, "funnel_sequence_completion", "windows")
		if err != nil || nb == 0 {
			return err
		}
		// counts[window][period][level]
		counts := make([][][]int64, nb)
		for w := range counts {
			counts[w] = make([][]int64, len(periods))
			for pi := range periods {
				counts[w][pi] = make([]int64, len(seq))
			}
		}
		for _, id := range order {
			if err := ctx.Err(); err != nil {
				return err
			}
			evs := byID[id]
			sort.SliceStable(evs, func(i, j int) bool { return evs[i].t < evs[j].t })
			for pi, per := range periods {
				best := map[int64]int{} // window -> deepest level reached
				for i, e := range evs {
					if e.state != 0 || e.t < start || e.t > end {
						continue
					}
					w := (e.t - start) / stepW
					level := 0
					for j := i + 1; j < len(evs) && level+1 < len(seq); j++ {
						if evs[j].t-e.t > per {
							break
						}
						if evs[j].state == level+1 {
							level++
						}
					}
					if l, ok := best[w]; !ok || level > l {
						best[w] = level
					}
				}
				for w, l := range best {
					for k := 0; k <= l; k++ {
						counts[w][pi][k]++
					}
				}
			}
		}
		bld := newBuilders(out, int(nb)*len(periods)*len(seq))
		for w := int64(0); w < nb; w++ {
			for pi, per := range periods {
				for k, s := range seq {
					bld[0].add(types.Value{Type: tsE.t, I: start + w*stepW})
					bld[1].add(types.NewString(s))
					bld[2].add(types.NewTimeSpan(per))
					bld[3].add(types.NewLong(counts[w][pi][k]))
				}
			}
		}
		ob := &batch.Batch{Schema: out, Cols: make([]*batch.Column, len(bld))}
		for i, x := range bld {
			ob.Cols[i] = x.build()
		}
		ob.Len = ob.Cols[0].Len
		return emit(ob)
	}}, nil
}
