package check

import (
	"fmt"

	"kqlhunt/batch"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// ScanRefName is the column name under which a scan step reference
// step.col is exposed to step conditions and assignments.
func ScanRefName(step, col string) string { return step + "." + col }

// ScanStepRefs returns a copy of e in which every reference step.col to a
// scan step named in steps becomes an identifier named ScanRefName(step,
// col), so that it resolves like a column. Subtrees without such a
// reference are shared with e, which is not modified.
func ScanStepRefs(e syntax.Expr, steps map[string]bool) syntax.Expr {
	out, _ := scanRefs(e, steps)
	return out
}

func scanRefs(e syntax.Expr, steps map[string]bool) (syntax.Expr, bool) {
	list := func(xs []syntax.Expr) ([]syntax.Expr, bool) {
		var out []syntax.Expr
		changed := false
		for i, x := range xs {
			nx, ch := scanRefs(x, steps)
			if ch && !changed {
				changed = true
				out = append([]syntax.Expr(nil), xs[:i]...)
			}
			if changed {
				out = append(out, nx)
			}
		}
		if !changed {
			return xs, false
		}
		return out, true
	}
	switch x := e.(type) {
	case *syntax.MemberExpr:
		if id, ok := x.X.(*syntax.Ident); ok && steps[id.Name] {
			return &syntax.Ident{NamePos: id.NamePos, Name: ScanRefName(id.Name, x.Name.Name), EndP: x.Name.EndP}, true
		}
		nx, ch := scanRefs(x.X, steps)
		if !ch {
			return e, false
		}
		c := *x
		c.X = nx
		return &c, true
	case *syntax.ParenExpr:
		nx, ch := scanRefs(x.X, steps)
		if !ch {
			return e, false
		}
		c := *x
		c.X = nx
		return &c, true
	case *syntax.UnaryExpr:
		nx, ch := scanRefs(x.X, steps)
		if !ch {
			return e, false
		}
		c := *x
		c.X = nx
		return &c, true
	case *syntax.BinaryExpr:
		l, ch1 := scanRefs(x.X, steps)
		r, ch2 := scanRefs(x.Y, steps)
		if !ch1 && !ch2 {
			return e, false
		}
		c := *x
		c.X, c.Y = l, r
		return &c, true
	case *syntax.InExpr:
		l, ch1 := scanRefs(x.X, steps)
		ls, ch2 := list(x.List)
		if !ch1 && !ch2 {
			return e, false
		}
		c := *x
		c.X, c.List = l, ls
		return &c, true
	case *syntax.BetweenExpr:
		a, ch1 := scanRefs(x.X, steps)
		lo, ch2 := scanRefs(x.Lo, steps)
		hi, ch3 := scanRefs(x.Hi, steps)
		if !ch1 && !ch2 && !ch3 {
			return e, false
		}
		c := *x
		c.X, c.Lo, c.Hi = a, lo, hi
		return &c, true
	case *syntax.CallExpr:
		args, ch := list(x.Args)
		if !ch {
			return e, false
		}
		c := *x
		c.Args = args
		return &c, true
	case *syntax.IndexExpr:
		a, ch1 := scanRefs(x.X, steps)
		i, ch2 := scanRefs(x.Index, steps)
		if !ch1 && !ch2 {
			return e, false
		}
		c := *x
		c.X, c.Index = a, i
		return &c, true
	case *syntax.NamedExpr:
		v, ch := scanRefs(x.Value, steps)
		if !ch {
			return e, false
		}
		c := *x
		c.Value = v
		return &c, true
	}
	return e, false
}

// ScanSchemas returns the output schema of a scan operator over rows of
// schema in (in plus the declared columns, plus the match id column) and
// the schema its step expressions are evaluated against (the output
// columns before the match id, then ScanRefName(step, col) for every step
// and every such column).
func ScanSchemas(op *syntax.ScanOp, in *batch.Schema) (out, steps *batch.Schema) {
	row := cloneSchema(in)
	for _, p := range op.Declare {
		t := typeOrString(p.Type)
		setField(row, batch.Field{Name: p.Name.Name, Type: t})
	}
	steps = cloneSchema(row)
	for _, st := range op.Steps {
		for _, f := range row.Fields {
			steps.Fields = append(steps.Fields, batch.Field{Name: ScanRefName(st.Name.Name, f.Name), Type: f.Type})
		}
	}
	out = row
	if id, ok := OpParam(op.Params, "with_match_id"); ok && id != "" {
		out = cloneSchema(row)
		setField(out, batch.Field{Name: id, Type: types.Long})
	}
	return out, steps
}

// opX checks operators whose rules live beside their executors; it
// returns nil, false for the others.
func (c *checker) opX(op syntax.Operator, in *batch.Schema, sc *scope) (*batch.Schema, bool) {
	switch op := op.(type) {
	case *syntax.ScanOp:
		out, stepS := ScanSchemas(op, in)
		names := map[string]bool{}
		for _, st := range op.Steps {
			names[st.Name.Name] = true
		}
		for _, p := range op.Declare {
			if p.Default != nil {
				c.expr(p.Default, sc, nil)
			}
		}
		irs := c.rs(in)
		c.sortKeys(op.OrderBy, sc, irs)
		for _, e := range op.PartitionBy {
			c.expr(e, sc, irs)
		}
		srs := &rowScope{schema: stepS, fuzzy: in != nil && in.Open, serialized: true}
		for _, st := range op.Steps {
			if st.Cond != nil {
				c.expr(ScanStepRefs(st.Cond, names), sc, srs)
			}
			for _, a := range st.Assigns {
				c.expr(ScanStepRefs(a, names), sc, srs)
			}
		}
		return out, true
	case *syntax.EvaluateOp:
		return c.evaluateX(op, in, sc)
	case *syntax.TopNestedOp:
		// Each level adds its value column (when "of" is given) and its
		// aggregate column (named, or aggregated_<of>).
		out := &batch.Schema{}
		rs := c.rs(in)
		taken := func(s string) bool { return out.Index(s) >= 0 }
		for _, cl := range op.Clauses {
			if cl.N != nil {
				c.countExpr(cl.N, sc)
			}
			ofName := ""
			if cl.Of != nil {
				t := c.expr(cl.Of, sc, rs)
				ofName = itemName(cl.Of, "")
				if ofName == "" {
					ofName = fmt.Sprintf("Column%d", len(out.Fields)+1)
				}
				if t == types.Null {
					t = types.String
				}
				out.Fields = append(out.Fields, batch.Field{Name: UniqueName(ofName, taken), Type: t})
			}
			if cl.WithOthers != nil {
				c.expr(cl.WithOthers, sc, nil)
			}
			if cl.By == nil {
				continue
			}
			t := c.expr(cl.By, sc, &rowScope{schema: in, agg: true, fuzzy: in != nil && in.Open})
			if t == types.Null {
				t = types.Long
			}
			name := "aggregated_" + ofName
			if ofName == "" {
				name = fmt.Sprintf("Column%d", len(out.Fields)+1)
			}
			if ne, ok := cl.By.(*syntax.NamedExpr); ok && len(ne.Names) > 0 {
				name = ne.Names[0].Name
			}
			out.Fields = append(out.Fields, batch.Field{Name: UniqueName(name, taken), Type: t})
		}
		out.Open = in != nil && in.Open
		return out, true
	}
	return nil, false
}
