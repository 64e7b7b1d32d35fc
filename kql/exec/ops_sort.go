package exec

import (
	"context"
	"sort"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planSort, "sort", "order")
	registerOperator(planTop, "top")
	registerOperator(planUnion, "union")
}

// sortKey is a compiled sort key.
type sortKey struct {
	expr       *cexpr
	desc       bool
	nullsFirst bool
}

func (p *planner) sortKeys(keys []*syntax.SortKey, s *batch.Schema) ([]sortKey, error) {
	c := p.compiler(s)
	out := make([]sortKey, len(keys))
	for i, k := range keys {
		ce, err := c.compile(k.X)
		if err != nil {
			return nil, err
		}
		desc := k.Order != "asc"
		// Kusto: nulls last for descending, first for ascending, unless
		// stated.
		nullsFirst := !desc
		switch k.Nulls {
		case "first":
			nullsFirst = true
		case "last":
			nullsFirst = false
		}
		out[i] = sortKey{expr: ce, desc: desc, nullsFirst: nullsFirst}
	}
	return out, nil
}

func planSort(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.SortOp)
	keys, err := p.sortKeys(op.Keys, in.Schema())
	if err != nil {
		return nil, err
	}
	return sortNode(p, in, keys, -1), nil
}

func planTop(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.TopOp)
	n, err := p.constInt(op.Count)
	if err != nil {
		return nil, err
	}
	keys, err := p.sortKeys(op.Keys, in.Schema())
	if err != nil {
		return nil, err
	}
	return sortNode(p, in, keys, n), nil
}

func isNullish(v types.Value) bool {
	if v.Type == types.String {
		return false
	}
	return v.IsNull() || v.Type == types.Null || v.Type == types.Dynamic && v.D == nil
}

// sortNode sorts all input rows by keys (stable) and emits the first limit
// rows (all when limit < 0).
func sortNode(p *planner, in Node, keys []sortKey, limit int64) Node {
	return &funcNode{schema: in.Schema(), run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b, used, err := drain(ctx, in, p.q.mem, "sort")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		if b.Len == 0 {
			return nil
		}
		cols := make([]*batch.Column, len(keys))
		for i, k := range keys {
			c, err := k.expr.run(b)
			if err != nil {
				return err
			}
			cols[i] = c
		}
		idx := make([]int32, b.Len)
		for i := range idx {
			idx[i] = int32(i)
		}
		less := func(a, c int32) bool {
			for i, k := range keys {
				va, vc := valueAt(cols[i], int(a)), valueAt(cols[i], int(c))
				na, nc := isNullish(va), isNullish(vc)
				if na || nc {
					if na && nc {
						continue
					}
					if na {
						return k.nullsFirst
					}
					return !k.nullsFirst
				}
				r := types.SortCompare(va, vc)
				if r == 0 {
					continue
				}
				if k.desc {
					return r > 0
				}
				return r < 0
			}
			return false
		}
		sort.SliceStable(idx, func(i, j int) bool { return less(idx[i], idx[j]) })
		if limit >= 0 && int64(len(idx)) > limit {
			idx = idx[:limit]
		}
		for start := 0; start < len(idx); start += DefaultBatchSize {
			end := min(start+DefaultBatchSize, len(idx))
			if err := emit(filterBatch(b, idx[start:end])); err != nil {
				return err
			}
		}
		return nil
	}}
}

func planUnion(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.UnionOp)
	var legs []Node
	var names []string
	if in != nil {
		legs = append(legs, in)
		names = append(names, "")
	}
	fuzzy := false
	if v, ok := check.OpParam(op.Params, "isfuzzy"); ok && strings.EqualFold(v, "true") {
		fuzzy = true
	}
	for _, t := range op.Tables {
		pattern := ""
		if id, ok := t.(*syntax.Ident); ok && strings.Contains(id.Name, "*") {
			pattern = id.Name
		} else if _, ok := t.(*syntax.StarExpr); ok {
			pattern = "*"
		}
		if pattern != "" {
			tables := make([]string, 0, len(p.q.opts.Tables))
			for name := range p.q.opts.Tables {
				if check.WildcardMatch(pattern, name) {
					tables = append(tables, name)
				}
			}
			sort.Strings(tables)
			for _, name := range tables {
				legs = append(legs, p.scan(p.q.opts.Tables[name], nil))
				names = append(names, name)
			}
			continue
		}
		if id, ok := t.(*syntax.Ident); ok && fuzzy && !p.isTabular(id) {
			continue
		}
		n, err := p.plan(t)
		if err != nil {
			if fuzzy {
				continue
			}
			return nil, err
		}
		legs = append(legs, n)
		names = append(names, legName(t))
	}
	schemas := make([]*batch.Schema, len(legs))
	for i, l := range legs {
		schemas[i] = l.Schema()
	}
	kind, _ := check.OpParam(op.Params, "kind")
	out, srcNames := check.UnionSources(strings.ToLower(kind), schemas)
	out.Open = false
	src, hasSrc := check.OpParam(op.Params, "withsource")
	if hasSrc && src != "" {
		out.Fields = append([]batch.Field{{Name: src, Type: types.String}}, out.Fields...)
		srcNames = append([]string{""}, srcNames...)
	}
	// Map each leg's columns to output positions.
	maps := make([][]int, len(legs))
	for li, s := range schemas {
		m := make([]int, len(out.Fields))
		for oi, f := range out.Fields {
			m[oi] = -1
			if hasSrc && src != "" && oi == 0 {
				m[oi] = -2
				continue
			}
			for ci, cf := range s.Fields {
				if cf.Type == f.Type && cf.Name == srcNames[oi] {
					m[oi] = ci
					break
				}
			}
		}
		maps[li] = m
	}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		for li, leg := range legs {
			m := maps[li]
			name := names[li]
			err := leg.Run(ctx, func(b *batch.Batch) error {
				nb := &batch.Batch{Schema: out, Cols: make([]*batch.Column, len(out.Fields)), Len: b.Len}
				for oi, ci := range m {
					switch ci {
					case -2:
						nb.Cols[oi] = constColumn(types.NewString(name), types.String, b.Len)
					case -1:
						nb.Cols[oi] = constColumn(types.NullOf(out.Fields[oi].Type), out.Fields[oi].Type, b.Len)
					default:
						nb.Cols[oi] = b.Cols[ci]
					}
				}
				return emit(nb)
			})
			if err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// legName is the withsource value of a union leg: the table name when the
// leg is a name, else "union_arg<i>" style text.
func legName(e syntax.Expr) string {
	switch e := e.(type) {
	case *syntax.Ident:
		return e.Name
	case *syntax.ParenExpr:
		return legName(e.X)
	case *syntax.PipeExpr:
		if n := len(e.Ops); n > 0 {
			if as, ok := e.Ops[n-1].(*syntax.AsOp); ok {
				return as.Alias.Name
			}
		}
		if e.Source != nil && len(e.Ops) == 0 {
			return legName(e.Source)
		}
	}
	return ""
}
