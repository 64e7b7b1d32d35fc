package check

import (
	"fmt"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// opMore checks the less common operators. It returns nil, false for an
// operator it does not know.
func (c *checker) opMore(op syntax.Operator, in *batch.Schema, sc *scope) (*batch.Schema, bool) {
	rs := c.rs(in)
	switch op := op.(type) {
	case *syntax.MakeSeriesOp:
		out := &batch.Schema{}
		for _, k := range op.By {
			t := c.expr(k, sc, rs)
			name := itemName(k, fmt.Sprintf("Column%d", len(out.Fields)+1))
			c.info.Names[k] = []string{name}
			setField(out, batch.Field{Name: name, Type: t})
		}
		aggRS := &rowScope{schema: in, agg: true, fuzzy: in.Open}
		for _, a := range op.Aggs {
			c.expr(a.X, sc, aggRS)
			if a.Default != nil {
				c.expr(a.Default, sc, nil)
			}
			name := ""
			if ne, ok := a.X.(*syntax.NamedExpr); ok && len(ne.Names) > 0 {
				name = ne.Names[0].Name
			} else if call := aggCall(a.X); call != nil {
				name = AggName(call)
			} else {
				name = fmt.Sprintf("Column%d", len(out.Fields)+1)
			}
			name = UniqueName(name, func(s string) bool { return out.Index(s) >= 0 })
			c.info.Names[a.X] = []string{name}
			out.Fields = append(out.Fields, batch.Field{Name: name, Type: types.Dynamic})
		}
		c.expr(op.On, sc, rs)
		for _, e := range []syntax.Expr{op.From, op.To, op.Step} {
			if e != nil {
				c.expr(e, sc, nil)
			}
		}
		axis := itemName(op.On, "Column")
		setField(out, batch.Field{Name: axis, Type: types.Dynamic})
		return out, true
	case *syntax.MvApplyOp:
		sub := &batch.Schema{}
		for _, it := range op.Items {
			c.expr(it.X, sc, rs)
			name := itemName(it.X, "Column1")
			t := types.Dynamic
			if it.To != nil {
				if pt, ok := types.ParseType(it.To.Name); ok {
					t = pt
				}
			}
			c.info.Names[it.X] = []string{name}
			setField(sub, batch.Field{Name: name, Type: t})
		}
		if op.Limit != nil {
			c.countExpr(op.Limit, sc)
		}
		if idx, ok := OpParam(op.Params, "with_itemindex"); ok && idx != "" {
			setField(sub, batch.Field{Name: idx, Type: types.Long})
		}
		out := &batch.Schema{Open: in.Open}
		for _, f := range in.Fields {
			if sub.Index(f.Name) < 0 {
				out.Fields = append(out.Fields, f)
			}
		}
		subIn := cloneSchema(in)
		for _, f := range sub.Fields {
			setField(subIn, f)
		}
		if op.Sub != nil {
			res := c.subPipe(op.Sub, subIn, sc)
			for _, f := range res.Fields {
				if out.Index(f.Name) < 0 {
					out.Fields = append(out.Fields, f)
				}
			}
		}
		return out, true
	case *syntax.ParseKvOp:
		c.expr(op.X, sc, rs)
		out := cloneSchema(in)
		for _, cd := range op.Columns {
			setField(out, batch.Field{Name: cd.Name.Name, Type: declType(cd)})
		}
		return out, true
	case *syntax.SampleOp:
		c.countExpr(op.Count, sc)
		return in, true
	case *syntax.SampleDistinctOp:
		c.countExpr(op.Count, sc)
		t := c.expr(op.Of, sc, rs)
		return &batch.Schema{Fields: []batch.Field{{Name: itemName(op.Of, "Column1"), Type: t}}}, true
	case *syntax.TopNestedOp:
		for _, cl := range op.Clauses {
			if cl.N != nil {
				c.countExpr(cl.N, sc)
			}
			if cl.Of != nil {
				c.expr(cl.Of, sc, rs)
			}
			if cl.By != nil {
				c.expr(cl.By, sc, &rowScope{schema: in, agg: true, fuzzy: in.Open})
			}
		}
		return &batch.Schema{Open: true}, true
	case *syntax.SearchOp:
		for _, t := range op.Tables {
			c.tabular(t, sc)
		}
		return &batch.Schema{Open: true}, true
	case *syntax.FindOp:
		for _, t := range op.Tables {
			c.tabular(t, sc)
		}
		return &batch.Schema{Open: true}, true
	case *syntax.ForkOp:
		var first *batch.Schema
		for _, br := range op.Branches {
			s := c.subPipe(br.Sub, in, sc)
			if first == nil {
				first = s
			}
		}
		return first, true
	case *syntax.FacetOp:
		for _, b := range op.By {
			c.expr(b, sc, rs)
		}
		if op.With != nil {
			c.subPipe(op.With, in, sc)
		}
		return &batch.Schema{Open: true}, true
	case *syntax.PartitionOp:
		c.expr(op.By, sc, rs)
		if p, ok := op.Sub.(*syntax.PipeExpr); ok && p.Source == nil {
			return c.subPipe(p, in, sc), true
		}
		if op.Sub != nil {
			return c.tabular(op.Sub, sc), true
		}
		return in, true
	case *syntax.ScanOp:
		out := cloneSchema(in)
		for _, p := range op.Declare {
			t := typeOrString(p.Type)
			setField(out, batch.Field{Name: p.Name.Name, Type: t})
		}
		for _, st := range op.Steps {
			srs := &rowScope{schema: out, fuzzy: true, serialized: true}
			c.expr(st.Cond, sc, srs)
			for _, a := range st.Assigns {
				c.expr(a, sc, srs)
			}
		}
		return out, true
	case *syntax.InvokeOp:
		sym := sc.lookup(op.Call.Fun.Name)
		if sym == nil || sym.Kind != SymFunc {
			c.errorf(op.Call.Fun.Pos(), "unknown function %s", op.Call.Fun.Name)
			return &batch.Schema{Open: true}, true
		}
		// T | invoke f(a, b) is f(T, a, b).
		inner := &scope{parent: sc, syms: map[string]*Symbol{
			InvokeInput: {Kind: SymTable, Name: InvokeInput, Schema: in},
		}}
		call := InvokeCall(op)
		c.info.Refs[op.Call.Fun] = sym
		inst := c.instantiate(call, sym, inner)
		c.info.Calls[op.Call] = inst
		if inst.Info != nil && inst.Info.Result != nil && inst.Tabular {
			return inst.Info.Result, true
		}
		c.errorf(op.Pos(), "invoke needs a function that returns a table")
		return &batch.Schema{Open: true}, true
	}
	return nil, false
}

// InvokeInput is the name under which T | invoke f(...) passes T to f.
const InvokeInput = "$invoke_input"

// InvokeCall returns the call that T | invoke f(args) stands for:
// f($invoke_input, args).
func InvokeCall(op *syntax.InvokeOp) *syntax.CallExpr {
	in := &syntax.Ident{NamePos: op.OpPos, Name: InvokeInput, EndP: op.OpPos}
	return &syntax.CallExpr{Fun: op.Call.Fun, Lparen: op.Call.Lparen,
		Args: append([]syntax.Expr{in}, op.Call.Args...), Rparen: op.Call.Rparen}
}

// subPipe checks a pipeline with an implicit input of schema in.
func (c *checker) subPipe(p *syntax.PipeExpr, in *batch.Schema, sc *scope) *batch.Schema {
	s := in
	saved := c.ser
	for _, op := range p.Ops {
		s = c.op(op, s, sc)
		c.ser = serializedAfter(op, c.ser)
	}
	c.ser = saved
	c.info.Schemas[p] = s
	return s
}

// openPlugins are evaluate plugins whose output columns depend on the data
// or the arguments; the checker accepts them with an open schema.
func openPlugin(name string) bool {
	switch strings.ToLower(name) {
	case "autocluster", "basket", "diffpatterns", "ipv4_lookup", "ipv6_lookup", "pivot", "narrow",
		"preview", "rolling_percentile", "session_count", "sliding_window_counts", "activity_counts_metrics",
		"activity_engagement", "activity_metrics", "new_activity_metrics", "funnel_sequence",
		"funnel_sequence_completion", "sequence_detect", "schema_merge", "infer_storage_schema",
		"dcount_intersect", "geo_point_to_geohash", "http_request", "http_request_post", "python", "r", "sql_request":
		return true
	}
	return false
}
