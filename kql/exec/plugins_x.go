package exec

import (
	"context"
	"net/netip"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// pluginPlanner plans one evaluate plugin call; in is nil when evaluate
// starts the pipeline.
type pluginPlanner func(p *planner, op *syntax.EvaluateOp, in Node) (Node, error)

// plugins maps evaluate plugin names (lower case) to their planners. It is
// built once and never changed.
var plugins = map[string]pluginPlanner{
	"ipv4_lookup":  declared(planIPv4Lookup),
	"ipv6_lookup":  declared(planIPv6Lookup),
	"schema_merge": declared(planSchemaMerge),
	"pivot":        declared(planPivot),
	"narrow":       declared(planNarrow),

	"activity_counts_metrics": declared(planActivityCountsMetrics),
	"active_users_count":      declared(planActiveUsersCount),
	"rolling_percentile":      declared(planRollingPercentile),
	"sliding_window_counts":   declared(planSlidingWindowCounts),
	"basket":                  declared(planBasket),
	"activity_engagement":     declared(planActivityEngagement),
	"activity_metrics":        declared(planActivityMetrics),
	"new_activity_metrics":    declared(planNewActivityMetrics),
	"sequence_detect":         declared(planSequenceDetect),

	"funnel_sequence_completion": declared(planFunnelSequenceCompletion),
	"geo_polygon_lookup":         declared(planGeoPolygonLookup),
	"geo_line_lookup":            declared(planGeoLineLookup),
	"rows_near":                  declared(planRowsNear),
}

// declared applies an evaluate output schema such as
// : (Key:string, Count:long) or : (*, Extra:string) to a plugin's result:
// the declared columns in order, with their types (null where the data
// lacks them), after all the result's columns when the schema starts
// with *.
func declared(pl pluginPlanner) pluginPlanner {
	return func(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
		n, err := pl(p, op, in)
		if err != nil || op.Schema == nil || len(op.Schema.Columns) == 0 {
			return n, err
		}
		ns := n.Schema()
		out := &batch.Schema{}
		var src []int
		if op.Schema.Star {
			for i, f := range ns.Fields {
				out.Fields = append(out.Fields, f)
				src = append(src, i)
			}
		}
		for _, cd := range op.Schema.Columns {
			t, err := p.typeRef(cd.Type, types.String)
			if err != nil {
				return nil, err
			}
			if i := out.Index(cd.Name.Name); i >= 0 {
				out.Fields[i].Type = t
				continue
			}
			out.Fields = append(out.Fields, batch.Field{Name: cd.Name.Name, Type: t})
			src = append(src, ns.Index(cd.Name.Name))
		}
		return streamNode(n, out, func(b *batch.Batch) (*batch.Batch, error) {
			ob := &batch.Batch{Schema: out, Cols: make([]*batch.Column, len(out.Fields)), Len: b.Len}
			for j, f := range out.Fields {
				switch i := src[j]; {
				case i < 0:
					ob.Cols[j] = constColumn(types.NullOf(f.Type), f.Type, b.Len)
				case b.Cols[i].Type != f.Type:
					ob.Cols[j] = castColumn(b.Cols[i], f.Type)
				default:
					ob.Cols[j] = b.Cols[i]
				}
			}
			return ob, nil
		}), nil
	}
}

// pluginArgs splits a plugin call's arguments into positional ones and
// name = value ones (names lower-cased).
func pluginArgs(call *syntax.CallExpr) ([]syntax.Expr, map[string]syntax.Expr) {
	var pos []syntax.Expr
	named := map[string]syntax.Expr{}
	for _, a := range call.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			named[strings.ToLower(ne.Names[0].Name)] = ne.Value
			continue
		}
		pos = append(pos, a)
	}
	return pos, named
}

// constArg evaluates a constant plugin argument.
func (p *planner) constArg(e syntax.Expr) (types.Value, error) {
	ce, err := p.compiler(nil).compile(e)
	if err != nil {
		return types.Value{}, err
	}
	return evalConst(ce)
}

// needInput reports an error for a plugin that cannot start a pipeline.
func needInput(p *planner, op *syntax.EvaluateOp, in Node) error {
	if in == nil {
		return p.errorf(op.Call, "evaluate %s() needs an input table", op.Call.Fun.Name)
	}
	return nil
}

// columnArg returns the input column an argument names.
func columnArg(p *planner, e syntax.Expr, s *batch.Schema, what string) (int, error) {
	name := check.ExprName(e)
	if lit, ok := e.(*syntax.Literal); ok && lit.Kind == syntax.LitString {
		name = lit.Value
	}
	i := s.Index(name)
	if name == "" || i < 0 {
		return -1, p.errorf(e, "%s: expected a column name", what)
	}
	return i, nil
}

// parseIPNet parses an address or a CIDR range of the wanted family
// ("a.b.c.d[/n]" or an IPv6 address with an optional "/n") and returns the
// masked prefix.
func parseIPNet(s string, v6 bool) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	var pfx netip.Prefix
	if strings.IndexByte(s, '/') >= 0 {
		x, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		pfx = x
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		pfx = netip.PrefixFrom(a, a.BitLen())
	}
	a := pfx.Addr()
	if v6 && a.Is4() {
		a = netip.AddrFrom16(a.As16())
		pfx = netip.PrefixFrom(a, pfx.Bits()+96)
	}
	if a.Is4() == v6 {
		return netip.Prefix{}, false
	}
	return pfx.Masked(), true
}

// planIPv4Lookup joins each input row with the lookup-table row whose IPv4
// range (a CIDR in the lookup key column) holds the row's address; the
// most specific range wins. Extra key columns must be equal on both
// sides. Unmatched rows are dropped unless return_unmatched = true.
func planIPv4Lookup(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	return planIPLookup(p, op, in, false)
}

// planIPv6Lookup is ipv4_lookup for IPv6 ranges; the lookup columns come
// first in its output.
func planIPv6Lookup(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	return planIPLookup(p, op, in, true)
}

func planIPLookup(p *planner, op *syntax.EvaluateOp, in Node, v6 bool) (Node, error) {
	fn := op.Call.Fun.Name
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	pos, named := pluginArgs(op.Call)
	if len(pos) < 3 {
		return nil, p.errorf(op.Call, "%s(LookupTable, SourceKey, LookupKey [, ExtraKey...] [, return_unmatched]) needs three arguments", fn)
	}
	unmatched := false
	if e, ok := named["return_unmatched"]; ok {
		v, err := p.constArg(e)
		if err != nil {
			return nil, err
		}
		unmatched = asBool(v).Bool()
	}
	extra := pos[3:]
	if n := len(extra); n > 0 {
		if lit, ok := extra[n-1].(*syntax.Literal); ok && lit.Kind == syntax.LitBool {
			v, err := p.constArg(lit)
			if err != nil {
				return nil, err
			}
			unmatched = asBool(v).Bool()
			extra = extra[:n-1]
		}
	}
	lookup, err := p.plan(pos[0])
	if err != nil {
		return nil, err
	}
	inS, lS := in.Schema(), lookup.Schema()
	src, err := columnArg(p, pos[1], inS, fn)
	if err != nil {
		return nil, err
	}
	key, err := columnArg(p, pos[2], lS, fn)
	if err != nil {
		return nil, err
	}
	var exIn, exL []int
	for _, e := range extra {
		a, err := columnArg(p, e, inS, fn+" extra key")
		if err != nil {
			return nil, err
		}
		b, err := columnArg(p, e, lS, fn+" extra key")
		if err != nil {
			return nil, err
		}
		exIn, exL = append(exIn, a), append(exL, b)
	}
	first, second := inS, lS
	if v6 {
		first, second = lS, inS
	}
	out := cloneSchemaExec(first)
	for _, f := range second.Fields {
		f.Name = check.UniqueName(f.Name, func(s string) bool { return out.Index(s) >= 0 })
		out.Fields = append(out.Fields, f)
	}
	bits := 32
	if v6 {
		bits = 128
	}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		lb, used, err := drain(ctx, lookup, p.q.mem, fn)
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		// byPrefix[n] maps a masked address to the lookup rows of that
		// range, for each prefix length in use.
		byPrefix := make([]map[netip.Prefix][]int32, bits+1)
		for r := 0; r < lb.Len; r++ {
			pfx, ok := parseIPNet(types.ToString(valueAt(lb.Cols[key], r)), v6)
			if !ok {
				continue
			}
			n := pfx.Bits()
			if byPrefix[n] == nil {
				byPrefix[n] = map[netip.Prefix][]int32{}
			}
			byPrefix[n][pfx] = append(byPrefix[n][pfx], int32(r))
		}
		return in.Run(ctx, func(b *batch.Batch) error {
			var sel, lsel []int32
			for r := 0; r < b.Len; r++ {
				match := int32(-1)
				if ip, ok := parseIPNet(types.ToString(valueAt(b.Cols[src], r)), v6); ok && ip.Bits() == bits {
				search:
					for n := bits; n >= 0; n-- {
						m := byPrefix[n]
						if m == nil {
							continue
						}
						pfx, _ := ip.Addr().Prefix(n)
						for _, lr := range m[pfx] {
							eq := true
							for k := range exIn {
								if types.SortCompare(valueAt(b.Cols[exIn[k]], r), valueAt(lb.Cols[exL[k]], int(lr))) != 0 {
									eq = false
									break
								}
							}
							if eq {
								match = lr
								break search
							}
						}
					}
				}
				if match < 0 && !unmatched {
					continue
				}
				sel = append(sel, int32(r))
				lsel = append(lsel, match)
			}
			if len(sel) == 0 {
				return nil
			}
			ob := &batch.Batch{Schema: out, Cols: make([]*batch.Column, 0, len(out.Fields)), Len: len(sel)}
			var inCols, lCols []*batch.Column
			for i := range inS.Fields {
				inCols = append(inCols, batch.Take(b.Cols[i], sel))
			}
			for j := range lS.Fields {
				lCols = append(lCols, gatherNullable(lb.Cols[j], lsel))
			}
			if v6 {
				ob.Cols = append(lCols, inCols...)
			} else {
				ob.Cols = append(inCols, lCols...)
			}
			return emit(ob)
		})
	}}, nil
}

func cloneSchemaExec(s *batch.Schema) *batch.Schema {
	return &batch.Schema{Fields: append([]batch.Field(nil), s.Fields...)}
}

// schemaOutput is the getschema layout that schema_merge reads and
// writes.
var schemaOutput = &batch.Schema{Fields: []batch.Field{
	{Name: "ColumnName", Type: types.String},
	{Name: "ColumnOrdinal", Type: types.Int},
	{Name: "DataType", Type: types.String},
	{Name: "ColumnType", Type: types.String},
}}

// planSchemaMerge merges the getschema outputs unioned into its input (a
// new schema starts where ColumnOrdinal drops back to 0) into one schema.
// With PreserveOrder (the default) a column seen in a different relative
// order is reported as an error row at the end.
func planSchemaMerge(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	pos, named := pluginArgs(op.Call)
	preserve := true
	var pe syntax.Expr
	if len(pos) > 0 {
		pe = pos[0]
	}
	if e, ok := named["preserveorder"]; ok {
		pe = e
	}
	if pe != nil {
		v, err := p.constArg(pe)
		if err != nil {
			return nil, err
		}
		preserve = asBool(v).Bool()
	}
	inS := in.Schema()
	idx := make([]int, 4)
	for i, f := range schemaOutput.Fields {
		idx[i] = inS.Index(f.Name)
		if idx[i] < 0 {
			return nil, p.errorf(op.Call, "schema_merge: the input must be getschema output (no %s column)", f.Name)
		}
	}
	return &funcNode{schema: schemaOutput, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b, used, err := drain(ctx, in, p.q.mem, "schema_merge")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		type col struct {
			name, dataType, colType string
			bad                     bool
		}
		var merged []*col
		at := map[string]int{}
		last := -1
		prevOrd := int64(-1)
		for r := 0; r < b.Len; r++ {
			text := func(i int) string { return types.ToString(valueAt(b.Cols[idx[i]], r)) }
			name := text(0)
			ord := types.ToLong(valueAt(b.Cols[idx[1]], r))
			if !ord.IsNull() && ord.I <= prevOrd {
				last = -1 // a new schema
			}
			if !ord.IsNull() {
				prevOrd = ord.I
			}
			i, ok := at[name]
			if !ok {
				at[name] = len(merged)
				merged = append(merged, &col{name: name, dataType: text(2), colType: text(3)})
				last = len(merged) - 1
				continue
			}
			if i < last {
				merged[i].bad = true
				continue
			}
			last = i
		}
		bld := []*builder{newBuilder(types.String, len(merged)), newBuilder(types.Int, len(merged)), newBuilder(types.String, len(merged)), newBuilder(types.String, len(merged))}
		var good, bad []*col
		for _, c := range merged {
			if c.bad {
				bad = append(bad, c)
			} else {
				good = append(good, c)
			}
		}
		n := 0
		for _, c := range append(good, bad...) {
			bld[0].add(types.NewString(c.name))
			if c.bad && preserve {
				const why = "ERROR(columns are out of order)"
				bld[1].add(types.NewInt(-1))
				bld[2].add(types.NewString("ERROR(unknown CSL type:" + why + ")"))
				bld[3].add(types.NewString(why))
				continue
			}
			bld[1].add(types.NewInt(int64(n)))
			n++
			bld[2].add(types.NewString(c.dataType))
			bld[3].add(types.NewString(c.colType))
		}
		if len(merged) == 0 {
			return nil
		}
		ob := &batch.Batch{Schema: schemaOutput, Len: len(merged)}
		for _, x := range bld {
			ob.Cols = append(ob.Cols, x.build())
		}
		return emit(ob)
	}}, nil
}

// planPivot turns the distinct values of a column into columns holding an
// aggregate (count() by default) of the rows with that value, grouped by
// the other columns (or the listed ones).
func planPivot(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	args := op.Call.Args
	if len(args) < 1 {
		return nil, p.errorf(op.Call, "pivot() needs a pivot column")
	}
	inS := in.Schema()
	pc, err := columnArg(p, args[0], inS, "pivot")
	if err != nil {
		return nil, err
	}
	col := &aggCollector{p: p, input: inS, schema: &batch.Schema{}}
	var aggE *cexpr
	used := map[string]bool{inS.Fields[pc].Name: true}
	rest := args[1:]
	if len(rest) > 0 {
		if call := aggCallOf(rest[0]); call != nil {
			if f := check.LookupFunc(call.Fun.Name); f != nil && f.Kind == funcs.Aggregate {
				aggE, err = (&compiler{p: p, agg: col}).compile(rest[0])
				if err != nil {
					return nil, err
				}
				inspect(call, func(n any) {
					if id, ok := n.(*syntax.Ident); ok {
						used[id.Name] = true
					}
				})
				rest = rest[1:]
			}
		}
	}
	if aggE == nil {
		count := &syntax.CallExpr{Fun: &syntax.Ident{Name: "count"}}
		aggE, err = (&compiler{p: p, agg: col}).compile(count)
		if err != nil {
			return nil, err
		}
	}
	var keys []int
	if len(rest) > 0 {
		for _, a := range rest {
			i, err := columnArg(p, a, inS, "pivot")
			if err != nil {
				return nil, err
			}
			keys = append(keys, i)
		}
	} else {
		for i, f := range inS.Fields {
			if !used[f.Name] {
				keys = append(keys, i)
			}
		}
	}
	aggT := aggE.t
	if aggT == types.Null {
		aggT = types.Long
	}
	// The output columns depend on the data: run the input while planning.
	b, usedMem, err := drain(p.q.ctx, in, p.q.mem, "pivot")
	if err != nil {
		return nil, err
	}
	defer p.q.mem.release(usedMem)
	pcol := b.Cols[pc]
	var values []types.Value
	vindex := map[string]int{}
	var kb []byte
	for r := 0; r < b.Len; r++ {
		kb = appendColumnKey(kb[:0], pcol, r)
		if _, ok := vindex[string(kb)]; !ok {
			vindex[string(kb)] = len(values)
			values = append(values, valueAt(pcol, r))
		}
	}
	out := &batch.Schema{}
	for _, k := range keys {
		out.Fields = append(out.Fields, inS.Fields[k])
	}
	for _, v := range values {
		name := types.ToString(v)
		name = check.UniqueName(name, func(s string) bool { return out.Index(s) >= 0 })
		out.Fields = append(out.Fields, batch.Field{Name: name, Type: aggT})
	}
	argCols := make([][]*batch.Column, len(col.slots))
	for j, s := range col.slots {
		for _, x := range s.args {
			c, err := x.run(b)
			if err != nil {
				return nil, err
			}
			argCols[j] = append(argCols[j], c)
		}
	}
	type pgroup struct {
		row  int
		aggs map[int][]funcs.Aggregator
	}
	gindex := map[string]*pgroup{}
	var groups []*pgroup
	newAggs := func() []funcs.Aggregator {
		st := make([]funcs.Aggregator, len(col.slots))
		for j, s := range col.slots {
			ts := make([]types.Type, len(s.args))
			for x, e := range s.args {
				ts[x] = e.t
			}
			st[j] = s.f.NewAgg(ts)
		}
		return st
	}
	for r := 0; r < b.Len; r++ {
		kb = kb[:0]
		for _, k := range keys {
			kb = appendColumnKey(kb, b.Cols[k], r)
		}
		g := gindex[string(kb)]
		if g == nil {
			g = &pgroup{row: r, aggs: map[int][]funcs.Aggregator{}}
			gindex[string(kb)] = g
			groups = append(groups, g)
		}
		vi := vindex[string(appendColumnKey(nil, pcol, r))]
		st := g.aggs[vi]
		if st == nil {
			st = newAggs()
			g.aggs[vi] = st
		}
		for j := range st {
			vals := make([]types.Value, len(argCols[j]))
			for x, c := range argCols[j] {
				vals[x] = valueAt(c, r)
			}
			st[j].Add(vals)
		}
	}
	ob := &batch.Batch{Schema: out, Len: len(groups)}
	sel := make([]int32, len(groups))
	for i, g := range groups {
		sel[i] = int32(g.row)
	}
	for _, k := range keys {
		ob.Cols = append(ob.Cols, batch.Take(b.Cols[k], sel))
	}
	empty := newAggs()
	for vi := range values {
		sb := &batch.Batch{Schema: col.schema, Cols: make([]*batch.Column, len(col.slots)), Len: len(groups)}
		for j, s := range col.slots {
			cb := newBuilder(s.t, len(groups))
			for _, g := range groups {
				if st := g.aggs[vi]; st != nil {
					cb.add(st[j].Result())
				} else {
					v := empty[j].Result()
					if v.IsNull() && s.t.IsNumeric() {
						v = convertTo(types.NewLong(0), s.t)
					}
					cb.add(v)
				}
			}
			sb.Cols[j] = cb.build()
		}
		c, err := aggE.run(sb)
		if err != nil {
			return nil, err
		}
		if c.Type != aggT {
			c = castColumn(c, aggT)
		}
		ob.Cols = append(ob.Cols, c)
	}
	res := &Result{Schema: out}
	if ob.Len > 0 {
		res.Batches = []*batch.Batch{ob}
	}
	return &resultNode{res: res}, nil
}

// planNarrow unpivots its input into Row, Column, Value rows (one per
// cell, the value as a string).
func planNarrow(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	inS := in.Schema()
	out := &batch.Schema{Fields: []batch.Field{
		{Name: "Row", Type: types.Long}, {Name: "Column", Type: types.String}, {Name: "Value", Type: types.String},
	}}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		row := int64(0)
		return in.Run(ctx, func(b *batch.Batch) error {
			n := b.Len * len(inS.Fields)
			rc, cc, vc := newBuilder(types.Long, n), newBuilder(types.String, n), newBuilder(types.String, n)
			for r := 0; r < b.Len; r++ {
				for j, f := range inS.Fields {
					rc.add(types.NewLong(row))
					cc.add(types.NewString(f.Name))
					vc.add(types.NewString(types.ToString(valueAt(b.Cols[j], r))))
				}
				row++
			}
			if n == 0 {
				return nil
			}
			return emit(&batch.Batch{Schema: out, Cols: []*batch.Column{rc.build(), cc.build(), vc.build()}, Len: n})
		})
	}}, nil
}

// planRowsNear keeps, in input order, the rows within NumRows before and
// RowsAfter (default NumRows) after each row where Condition holds.
func planRowsNear(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	args := op.Call.Args
	if len(args) < 2 || len(args) > 3 {
		return nil, p.errorf(op.Call, "rows_near(Condition, NumRows [, RowsAfter]) takes two or three arguments")
	}
	inS := in.Schema()
	cond, err := p.compiler(inS).compile(args[0])
	if err != nil {
		return nil, err
	}
	before, err := p.constInt(args[1])
	if err != nil {
		return nil, err
	}
	after := before
	if len(args) == 3 {
		if after, err = p.constInt(args[2]); err != nil {
			return nil, err
		}
	}
	if before < 0 || after < 0 {
		return nil, p.errorf(op.Call, "rows_near(): the row counts must not be negative")
	}
	return &funcNode{schema: inS, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b, used, err := drain(ctx, in, p.q.mem, "rows_near")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		cc, err := cond.run(b)
		if err != nil {
			return err
		}
		keep := make([]bool, b.Len)
		for r := 0; r < b.Len; r++ {
			if boolAt(cc, r) != 1 {
				continue
			}
			lo, hi := max(int64(r)-before, 0), min(int64(r)+after, int64(b.Len-1))
			for i := lo; i <= hi; i++ {
				keep[i] = true
			}
		}
		var sel []int32
		for r, k := range keep {
			if k {
				sel = append(sel, int32(r))
			}
		}
		if len(sel) == 0 {
			return nil
		}
		return emit(filterBatch(b, sel))
	}}, nil
}
