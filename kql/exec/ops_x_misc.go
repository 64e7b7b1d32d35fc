package exec

import (
	"context"
	"math/rand/v2"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planSample, "sample")
	registerOperator(planSampleDistinct, "sample-distinct")
	registerOperator(planConsume, "consume")
	registerOperator(planPartition, "partition")
	registerOperator(planSearch, "search")
	registerOperator(planMultiResult, "fork", "facet")
}

// planMultiResult rejects operators whose output is several tables: a
// query here yields one table.
func planMultiResult(p *planner, o syntax.Operator, _ Node) (Node, error) {
	return nil, p.errorf(o, "%s returns several result tables, but a query returns one table here: run each branch as its own query", o.Name())
}

// planSample keeps n rows chosen uniformly at random (reservoir sampling;
// only the n kept rows are held in memory).
func planSample(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.SampleOp)
	n, err := p.constInt(op.Count)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, p.errorf(op.Count, "sample: the count must not be negative")
	}
	s := in.Schema()
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		if n == 0 {
			return nil
		}
		var kept []*batch.Batch // one single-row batch per kept row
		var used int64
		defer func() { p.q.mem.release(used) }()
		seen := int64(0)
		rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		err := in.Run(ctx, func(b *batch.Batch) error {
			for r := 0; r < b.Len; r++ {
				seen++
				slot := int64(-1)
				if int64(len(kept)) < n {
					slot = int64(len(kept))
					kept = append(kept, nil)
				} else if j := rng.Int64N(seen); j < n {
					slot = j
				}
				if slot < 0 {
					continue
				}
				row := filterBatch(b, []int32{int32(r)})
				if kept[slot] == nil {
					sz := batchBytes(row)
					used += sz
					if err := p.q.mem.add(sz, "sample"); err != nil {
						return err
					}
				}
				kept[slot] = row
			}
			return nil
		})
		if err != nil || len(kept) == 0 {
			return err
		}
		return emit(concatBatches(s, kept))
	}}, nil
}

// planSampleDistinct returns up to n distinct values of a column (the
// first ones met; Kusto does not promise a random choice).
func planSampleDistinct(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.SampleDistinctOp)
	n, err := p.constInt(op.Count)
	if err != nil {
		return nil, err
	}
	ce, err := p.compiler(in.Schema()).compile(op.Of)
	if err != nil {
		return nil, err
	}
	t := ce.t
	if t == types.Null {
		t = types.String
	}
	name := check.ExprName(op.Of)
	if name == "" {
		name = "Column1"
	}
	s := &batch.Schema{Fields: []batch.Field{{Name: name, Type: t}}}
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		seen := map[string]bool{}
		var used int64
		defer func() { p.q.mem.release(used) }()
		bld := newBuilder(t, 16)
		var kb []byte
		err := in.Run(ctx, func(b *batch.Batch) error {
			col, err := ce.run(b)
			if err != nil {
				return err
			}
			for r := 0; r < col.Len && int64(len(seen)) < n; r++ {
				kb = appendColumnKey(kb[:0], col, r)
				if seen[string(kb)] {
					continue
				}
				seen[string(kb)] = true
				used += int64(len(kb) + 48)
				if err := p.q.mem.add(int64(len(kb)+48), "sample-distinct"); err != nil {
					return err
				}
				bld.add(valueAt(col, r))
			}
			if int64(len(seen)) >= n {
				return &errStop{}
			}
			return nil
		})
		if _, stop := err.(*errStop); err != nil && !stop {
			return err
		}
		if bld.col.Len == 0 {
			return nil
		}
		return emit(&batch.Batch{Schema: s, Cols: []*batch.Column{bld.build()}, Len: bld.col.Len})
	}}, nil
}

// planConsume reads its input and discards it.
func planConsume(p *planner, o syntax.Operator, in Node) (Node, error) {
	s := &batch.Schema{}
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		return in.Run(ctx, func(*batch.Batch) error { return ctx.Err() })
	}}, nil
}

// planPartition runs a subquery on the rows of each distinct value of a
// column and unions the results. The subquery runs over a holder node
// refilled per partition.
func planPartition(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.PartitionOp)
	sub, ok := op.Sub.(*syntax.PipeExpr)
	if op.Braced || !ok || sub.Source != nil {
		return nil, p.errorf(op, "partition: only the form partition by Column (subquery) is supported")
	}
	inS := in.Schema()
	key, err := p.compiler(inS).compile(op.By)
	if err != nil {
		return nil, err
	}
	_, probe, err := planOver(p, inS, sub.Ops)
	if err != nil {
		return nil, err
	}
	return &funcNode{schema: probe.Schema(), run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		holder, subNode, err := planOver(p, inS, sub.Ops)
		if err != nil {
			return err
		}
		b, used, err := drain(ctx, in, p.q.mem, "partition")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		kc, err := key.run(b)
		if err != nil {
			return err
		}
		index := map[string]int{}
		var parts [][]int32
		var kb []byte
		for r := 0; r < b.Len; r++ {
			kb = appendColumnKey(kb[:0], kc, r)
			i, ok := index[string(kb)]
			if !ok {
				i = len(parts)
				index[string(kb)] = i
				parts = append(parts, nil)
			}
			parts[i] = append(parts[i], int32(r))
		}
		for _, rows := range parts {
			if err := ctx.Err(); err != nil {
				return err
			}
			holder.cur = filterBatch(b, rows)
			err := subNode.Run(ctx, emit)
			holder.cur = nil
			if err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// planSearch filters rows with a search predicate: a bare string term
// matches rows where any column has the term (case-insensitive unless
// kind=case_sensitive; "*term*", "term*" and "*term" match substrings,
// prefixes and suffixes). Other predicate parts are ordinary expressions.
// Started a pipeline, search reads the listed tables (or every known
// table) and adds a $table column.
func planSearch(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.SearchOp)
	cs := false
	if v, ok := check.OpParam(op.Params, "kind"); ok && strings.EqualFold(v, "case_sensitive") {
		cs = true
	}
	if in != nil {
		if len(op.Tables) > 0 {
			return nil, p.errorf(op, "search: 'in (tables)' cannot follow an input")
		}
		pred, err := p.searchPred(op.Pred, in.Schema(), cs)
		if err != nil {
			return nil, err
		}
		return whereNode(in, pred), nil
	}
	names, legs, err := p.searchLegs(op.Tables)
	if err != nil {
		return nil, err
	}
	// Union the filtered legs by column name, with $table first.
	out := &batch.Schema{Fields: []batch.Field{{Name: "$table", Type: types.String}}}
	preds := make([]*cexpr, len(legs))
	for i, l := range legs {
		pr, err := p.searchPred(op.Pred, l.Schema(), cs)
		if err != nil {
			return nil, err
		}
		preds[i] = pr
		for _, f := range l.Schema().Fields {
			j := out.Index(f.Name)
			if j < 0 {
				out.Fields = append(out.Fields, f)
			} else if out.Fields[j].Type != f.Type {
				out.Fields[j].Type = types.Dynamic
			}
		}
	}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		for i, l := range legs {
			ls := l.Schema()
			name := names[i]
			err := whereNode(l, preds[i]).Run(ctx, func(b *batch.Batch) error {
				ob := &batch.Batch{Schema: out, Cols: make([]*batch.Column, len(out.Fields)), Len: b.Len}
				ob.Cols[0] = constColumn(types.NewString(name), types.String, b.Len)
				for j, f := range out.Fields[1:] {
					k := ls.Index(f.Name)
					switch {
					case k < 0:
						ob.Cols[j+1] = constColumn(types.NullOf(f.Type), f.Type, b.Len)
					case ls.Fields[k].Type != f.Type:
						ob.Cols[j+1] = castColumn(b.Cols[k], f.Type)
					default:
						ob.Cols[j+1] = b.Cols[k]
					}
				}
				return emit(ob)
			})
			if err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// searchPred compiles a search predicate against schema s.
func (p *planner) searchPred(e syntax.Expr, s *batch.Schema, cs bool) (*cexpr, error) {
	switch x := e.(type) {
	case *syntax.ParenExpr:
		return p.searchPred(x.X, s, cs)
	case *syntax.BinaryExpr:
		if op := strings.ToLower(x.Op); op == "and" || op == "or" {
			l, err := p.searchPred(x.X, s, cs)
			if err != nil {
				return nil, err
			}
			r, err := p.searchPred(x.Y, s, cs)
			if err != nil {
				return nil, err
			}
			return logical(op, l, r), nil
		}
		// * op "text": any column satisfies the string operator.
		if _, star := x.X.(*syntax.StarExpr); star && !strings.HasPrefix(x.Op, "!") {
			lit, ok := x.Y.(*syntax.Literal)
			f := stringOp(x.Op)
			if x.Op == "==" {
				f = func(s, n string) bool { return s == n }
			}
			if !ok || lit.Kind != syntax.LitString || f == nil {
				return nil, p.errorf(x, "search: * %s needs a string literal and a string operator", x.Op)
			}
			needle := lit.Value
			return anyColumn(s, func(h string) bool { return f(h, needle) }), nil
		}
	case *syntax.Literal:
		if x.Kind == syntax.LitString {
			return searchTerm(x.Value, s, cs), nil
		}
	}
	return p.compiler(s).compile(e)
}

// searchTerm matches rows where any column's text matches term.
func searchTerm(term string, s *batch.Schema, cs bool) *cexpr {
	match := func(hay string) bool { return types.Has(hay, term, cs) }
	lead, trail := strings.HasPrefix(term, "*"), strings.HasSuffix(term, "*") && len(term) > 1
	core := strings.TrimSuffix(strings.TrimPrefix(term, "*"), "*")
	switch {
	case core == "":
		match = func(string) bool { return true }
	case lead && trail:
		match = func(hay string) bool { return types.Contains(hay, core, cs) }
	case trail:
		match = func(hay string) bool { return types.HasPrefix(hay, core, cs) }
	case lead:
		match = func(hay string) bool { return types.HasSuffix(hay, core, cs) }
	}
	return anyColumn(s, match)
}

// anyColumn matches rows where the text of any column satisfies match.
func anyColumn(s *batch.Schema, match func(string) bool) *cexpr {
	return &cexpr{t: types.Bool, eval: func(b *batch.Batch) (*batch.Column, error) {
		out := &batch.Column{Type: types.Bool, Len: b.Len, Ints: make([]int64, b.Len)}
		for j := range s.Fields {
			c := b.Cols[j]
			for r := 0; r < b.Len; r++ {
				if out.Ints[r] != 0 {
					continue
				}
				var text string
				if c.Type == types.String {
					text = c.Str(r)
				} else {
					v := valueAt(c, r)
					if v.IsNull() {
						continue
					}
					text = types.ToString(v)
				}
				if match(text) {
					out.Ints[r] = 1
				}
			}
		}
		return out, nil
	}}
}
