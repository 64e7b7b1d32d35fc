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
	registerOperator(planScan, "scan")
}

// scanStep is one compiled scan step.
type scanStep struct {
	cond    *cexpr
	assigns []scanAssign
	output  string // "all", "last" or "none"
}

type scanAssign struct {
	col  int // position in the row
	expr *cexpr
}

// scanState is the state of one step: the rows recorded for the steps up
// to it, the match id of its sequence, and for output=last the row
// waiting to be output.
type scanState struct {
	active  bool
	rows    [][]types.Value
	id      int64
	pending []types.Value
}

// planScan runs the scan operator's step machine over the serialized
// input: each record is checked against the steps from last to first,
// moving sequences forward (check 1) or extending the current step
// (check 2), as the Kusto documentation describes.
func planScan(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.ScanOp)
	inS := in.Schema()
	if len(op.OrderBy) > 0 {
		keys, err := p.sortKeys(op.OrderBy, inS)
		if err != nil {
			return nil, err
		}
		in = sortNode(p, in, keys, -1)
	}
	var parts []*cexpr
	for _, e := range op.PartitionBy {
		ce, err := p.compiler(inS).compile(e)
		if err != nil {
			return nil, err
		}
		parts = append(parts, ce)
	}
	out, stepS := check.ScanSchemas(op, inS)
	rowN := len(stepS.Fields) / (len(op.Steps) + 1)
	if len(op.Steps) == 0 {
		rowN = len(stepS.Fields)
	}
	defaults := make([]types.Value, rowN)
	for i := 0; i < rowN; i++ {
		defaults[i] = types.NullOf(stepS.Fields[i].Type)
	}
	for _, prm := range op.Declare {
		i := stepS.Index(prm.Name.Name)
		if prm.Default == nil || i < 0 {
			continue
		}
		v, err := p.constArg(prm.Default)
		if err != nil {
			return nil, err
		}
		defaults[i] = convertTo(v, stepS.Fields[i].Type)
	}
	names := map[string]bool{}
	for _, st := range op.Steps {
		if names[st.Name.Name] {
			return nil, p.errorf(st.Name, "scan: step %s is defined twice", st.Name.Name)
		}
		names[st.Name.Name] = true
	}
	c := p.compiler(stepS)
	c.window = true
	var steps []*scanStep
	for _, st := range op.Steps {
		ss := &scanStep{output: strings.ToLower(st.Output)}
		if ss.output == "" {
			ss.output = "all"
		}
		if st.Cond == nil {
			ss.cond = konstExpr(types.NewBool(true))
		} else {
			ce, err := c.compile(check.ScanStepRefs(st.Cond, names))
			if err != nil {
				return nil, err
			}
			ss.cond = ce
		}
		for _, a := range st.Assigns {
			ne, ok := a.(*syntax.NamedExpr)
			if !ok || len(ne.Names) != 1 {
				return nil, p.errorf(a, "scan: an assignment must have the form Column = Expression")
			}
			col := stepS.Index(ne.Names[0].Name)
			if col < 0 || col >= rowN {
				return nil, p.errorf(ne.Names[0], "scan: %s is not a column of the input or a declared column", ne.Names[0].Name)
			}
			ce, err := c.compile(check.ScanStepRefs(ne.Value, names))
			if err != nil {
				return nil, err
			}
			ss.assigns = append(ss.assigns, scanAssign{col: col, expr: ce})
		}
		steps = append(steps, ss)
	}
	idPos := -1
	if len(out.Fields) > rowN {
		idPos = rowN
	}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		n := len(steps)
		states := make([]*scanState, n)
		for k := range states {
			states[k] = &scanState{}
		}
		sink := newRowSink(out, emit)
		var nextID int64
		output := func(row []types.Value, id int64) error {
			vals := append([]types.Value(nil), row...)
			if idPos >= 0 {
				vals = append(vals, types.NewLong(id))
			}
			return sink.add(vals)
		}
		flushPending := func(st *scanState) error {
			if st.pending == nil {
				return nil
			}
			row := st.pending
			st.pending = nil
			return output(row, st.id)
		}
		one := &batch.Batch{Schema: stepS, Cols: make([]*batch.Column, len(stepS.Fields)), Len: 1}
		// fill sets up the evaluation row: the record, then each step's
		// recorded row in st (defaults where a step has none).
		fill := func(rec []types.Value, st *scanState) {
			for i, v := range rec {
				one.Cols[i] = constColumn(v, stepS.Fields[i].Type, 1)
			}
			for j := 0; j < n; j++ {
				var row []types.Value
				if st != nil && j < len(st.rows) {
					row = st.rows[j]
				}
				for i := 0; i < rowN; i++ {
					v := defaults[i]
					if row != nil {
						v = row[i]
					}
					k := rowN*(j+1) + i
					one.Cols[k] = constColumn(v, stepS.Fields[k].Type, 1)
				}
			}
		}
		test := func(s *scanStep) (bool, error) {
			col, err := s.cond.run(one)
			if err != nil {
				return false, err
			}
			return boolAt(col, 0) == 1, nil
		}
		extend := func(s *scanStep, rec []types.Value) ([]types.Value, error) {
			ext := append([]types.Value(nil), rec...)
			for _, a := range s.assigns {
				col, err := a.expr.run(one)
				if err != nil {
					return nil, err
				}
				ext[a.col] = convertTo(valueAt(col, 0), stepS.Fields[a.col].Type)
			}
			return ext, nil
		}
		emitStep := func(s *scanStep, st *scanState, row []types.Value) error {
			switch s.output {
			case "all":
				return output(row, st.id)
			case "last":
				st.pending = row
			}
			return nil
		}
		rec := make([]types.Value, rowN)
		// row runs the step machine on row r of b.
		row := func(b *batch.Batch, r int) error {
			for i := range inS.Fields {
				rec[i] = valueAt(b.Cols[i], r)
			}
			for i := len(inS.Fields); i < rowN; i++ {
				rec[i] = defaults[i]
			}
			for k := n - 1; k >= 0; k-- {
				s := steps[k]
				matched := false
				if k > 0 && states[k-1].active {
					fill(rec, states[k-1])
					ok, err := test(s)
					if err != nil {
						return err
					}
					if ok {
						if err := flushPending(states[k]); err != nil {
							return err
						}
						prev := states[k-1]
						if err := flushPending(prev); err != nil {
							return err
						}
						ns := &scanState{active: true, id: prev.id, rows: make([][]types.Value, k+1)}
						copy(ns.rows, prev.rows)
						states[k-1] = &scanState{}
						fill(rec, ns)
						ext, err := extend(s, rec)
						if err != nil {
							return err
						}
						ns.rows[k] = ext
						states[k] = ns
						if err := emitStep(s, ns, ext); err != nil {
							return err
						}
						matched = true
					}
				}
				if matched || !(states[k].active || k == 0) {
					continue
				}
				st := states[k]
				fill(rec, st)
				ok, err := test(s)
				if err != nil || !ok {
					if err != nil {
						return err
					}
					continue
				}
				ext, err := extend(s, rec)
				if err != nil {
					return err
				}
				if !st.active {
					st = &scanState{active: true, id: nextID, rows: make([][]types.Value, 1)}
					nextID++
					states[0] = st
				}
				st.rows[k] = ext
				if err := emitStep(s, st, ext); err != nil {
					return err
				}
			}
			return nil
		}
		var err error
		if len(parts) == 0 {
			err = in.Run(ctx, func(b *batch.Batch) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				for r := 0; r < b.Len; r++ {
					if err := row(b, r); err != nil {
						return err
					}
				}
				return nil
			})
		} else {
			// Each partition runs the machine from an empty state, over
			// its rows in input order.
			b, used, derr := drain(ctx, in, p.q.mem, "scan")
			if derr != nil {
				return derr
			}
			defer p.q.mem.release(used)
			err = forPartitions(b, parts, func(rows []int32) error {
				for _, st := range states {
					if err := flushPending(st); err != nil {
						return err
					}
				}
				for k := range states {
					states[k] = &scanState{}
				}
				for _, r := range rows {
					if err := ctx.Err(); err != nil {
						return err
					}
					if err := row(b, int(r)); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err != nil {
			return err
		}
		for _, st := range states {
			if err := flushPending(st); err != nil {
				return err
			}
		}
		return sink.flush()
	}}, nil
}

// groupRows lists the rows 0..n-1 of each distinct value of cols, in
// first-appearance order, leaving out the rows skip (when not nil) reports.
func groupRows(n int, cols []*batch.Column, skip func(r int) bool) [][]int32 {
	index := map[string]int{}
	var groups [][]int32
	var kb []byte
	for r := 0; r < n; r++ {
		if skip != nil && skip(r) {
			continue
		}
		kb = kb[:0]
		for _, c := range cols {
			kb = appendColumnKey(kb, c, r)
		}
		g, ok := index[string(kb)]
		if !ok {
			g = len(groups)
			index[string(kb)] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], int32(r))
	}
	return groups
}

// forPartitions calls fn with the rows of b of each distinct value of the
// partition expressions, in first-appearance order.
func forPartitions(b *batch.Batch, parts []*cexpr, fn func(rows []int32) error) error {
	cols := make([]*batch.Column, len(parts))
	for i, e := range parts {
		c, err := e.run(b)
		if err != nil {
			return err
		}
		cols[i] = c
	}
	for _, rows := range groupRows(b.Len, cols, nil) {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return nil
}
