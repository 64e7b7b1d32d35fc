package check

import (
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// evaluateX checks the evaluate plugins whose rules live beside their
// executors; it returns nil, false for the others.
func (c *checker) evaluateX(op *syntax.EvaluateOp, in *batch.Schema, sc *scope) (*batch.Schema, bool) {
	out, ok := c.evaluateX1(op, in, sc)
	if !ok || op.Schema == nil || len(op.Schema.Columns) == 0 {
		return out, ok
	}
	// A declared output schema: (*, Col:type, ...) or (Col:type, ...).
	decl := &batch.Schema{}
	if op.Schema.Star {
		decl = cloneSchema(out)
	}
	for _, cd := range op.Schema.Columns {
		if cd.Type != nil {
			if _, ok := types.ParseType(cd.Type.Name); !ok {
				c.errorf(cd.Type.NamePos, "unknown type %q", cd.Type.Name)
			}
		}
		setField(decl, batch.Field{Name: cd.Name.Name, Type: declType(cd)})
	}
	return decl, true
}

func (c *checker) evaluateX1(op *syntax.EvaluateOp, in *batch.Schema, sc *scope) (*batch.Schema, bool) {
	name := strings.ToLower(op.Call.Fun.Name)
	fuzzy := in != nil && in.Open
	switch name {
	case "pivot":
		// The pivoted value columns depend on the data; the key columns
		// are the listed ones, or all but the pivot and aggregated ones.
		rs := &rowScope{schema: in, fuzzy: fuzzy}
		used := map[string]bool{}
		var keys []string
		explicit := false
		for i, a := range op.Call.Args {
			if i == 1 {
				if call := aggCall(a); call != nil {
					if f := LookupFunc(call.Fun.Name); f != nil && f.Kind == funcs.Aggregate {
						c.expr(a, sc, &rowScope{schema: in, agg: true, fuzzy: fuzzy})
						walkExpr(a, func(x syntax.Expr) {
							if id, ok := x.(*syntax.Ident); ok {
								used[id.Name] = true
							}
						})
						continue
					}
				}
			}
			c.expr(a, sc, rs)
			if i == 0 {
				used[ExprName(a)] = true
				continue
			}
			explicit = true
			keys = append(keys, ExprName(a))
		}
		out := &batch.Schema{Open: true}
		if in == nil {
			return out, true
		}
		if explicit {
			for _, k := range keys {
				if i := in.Index(k); i >= 0 {
					out.Fields = append(out.Fields, in.Fields[i])
				}
			}
			return out, true
		}
		for _, f := range in.Fields {
			if !used[f.Name] {
				out.Fields = append(out.Fields, f)
			}
		}
		return out, true
	case "rows_near":
		rs := &rowScope{schema: in, fuzzy: fuzzy, serialized: true}
		for _, a := range op.Call.Args {
			c.expr(a, sc, rs)
		}
		return in, true
	case "geo_polygon_lookup", "geo_line_lookup":
		// Output: the input columns, then the lookup table's columns
		// (its key column only with return_lookup_key = true).
		rs := &rowScope{schema: in, fuzzy: fuzzy}
		var table *batch.Schema
		var key string
		keepKey := false
		for i, a := range op.Call.Args {
			if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
				c.expr(ne.Value, sc, nil)
				if strings.EqualFold(ne.Names[0].Name, "return_lookup_key") {
					if lit, ok := ne.Value.(*syntax.Literal); ok && strings.EqualFold(lit.Raw, "true") {
						keepKey = true
					}
				}
				continue
			}
			switch i {
			case 0:
				table = c.tabular(a, sc)
			case 1:
				key = ExprName(a)
			default:
				c.expr(a, sc, rs)
			}
		}
		out := cloneSchema(in)
		out.Open = fuzzy
		if table != nil {
			for _, f := range table.Fields {
				if f.Name == key && !keepKey {
					continue
				}
				f.Name = UniqueName(f.Name, func(s string) bool { return out.Index(s) >= 0 })
				out.Fields = append(out.Fields, f)
			}
			out.Open = out.Open || table.Open
		}
		return out, true
	case "active_users_count", "activity_counts_metrics", "rolling_percentile", "sliding_window_counts",
		"activity_engagement", "activity_metrics", "basket", "sequence_detect", "funnel_sequence_completion":
		rs := &rowScope{schema: in, fuzzy: fuzzy}
		for _, a := range op.Call.Args {
			c.expr(a, sc, rs)
		}
		return &batch.Schema{Open: true}, true
	}
	return nil, false
}
