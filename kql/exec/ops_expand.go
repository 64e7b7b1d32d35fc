package exec

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planMvExpand, "mv-expand")
	registerOperator(planParse, "parse", "parse-where")
	registerOperator(planEvaluate, "evaluate")
}

func planMvExpand(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.MvExpandOp)
	inS := in.Schema()
	opts, err := p.mvOptionsOf(op.Params, op.Limit)
	if err != nil {
		return nil, err
	}
	bagArray, limit, idxName := opts.bagArray, opts.limit, opts.idxName
	c := p.compiler(inS)
	s := &batch.Schema{Fields: append([]batch.Field(nil), inS.Fields...)}
	type item struct {
		expr *cexpr
		pos  int // output position
		to   types.Type
	}
	var items []item
	for _, it := range op.Items {
		ce, err := c.compile(it.X)
		if err != nil {
			return nil, err
		}
		name := ""
		if ns := itemNames(it.X); len(ns) > 0 {
			name = ns[0]
		} else {
			name = check.UniqueName("Column1", func(x string) bool { return s.Index(x) >= 0 })
		}
		t, err := p.typeRef(it.To, types.Dynamic)
		if err != nil {
			return nil, err
		}
		pos := setField(s, name, t)
		items = append(items, item{expr: ce, pos: pos, to: t})
	}
	idxPos := -1
	if idxName != "" {
		idxPos = setField(s, idxName, types.Long)
	}
	return streamNode(in, s, func(b *batch.Batch) (*batch.Batch, error) {
		cols := make([]*batch.Column, len(items))
		for i, it := range items {
			col, err := it.expr.run(b)
			if err != nil {
				return nil, err
			}
			cols[i] = col
		}
		var sel []int32
		vals := make([][]any, len(items))
		var idxs []int64
		for r := 0; r < b.Len; r++ {
			lists := make([][]any, len(items))
			n := 0
			for i := range items {
				lists[i] = expandDynamic(valueAt(cols[i], r), bagArray)
				n = max(n, len(lists[i]))
			}
			if limit >= 0 && int64(n) > limit {
				n = int(limit)
			}
			for k := 0; k < n; k++ {
				sel = append(sel, int32(r))
				for i := range items {
					var d any
					if k < len(lists[i]) {
						d = lists[i][k]
					}
					vals[i] = append(vals[i], d)
				}
				idxs = append(idxs, int64(k))
			}
		}
		out := &batch.Batch{Schema: s, Cols: make([]*batch.Column, len(s.Fields)), Len: len(sel)}
		for i := range inS.Fields {
			out.Cols[i] = batch.Take(b.Cols[i], sel)
		}
		for i, it := range items {
			bld := newBuilder(it.to, len(sel))
			for _, d := range vals[i] {
				if it.to == types.Dynamic {
					bld.add(types.NewDynamic(d))
				} else {
					bld.add(convertTo(types.FromDynamic(d), it.to))
				}
			}
			out.Cols[it.pos] = bld.build()
		}
		if idxPos >= 0 {
			out.Cols[idxPos] = &batch.Column{Type: types.Long, Len: len(idxs), Ints: idxs}
		}
		return out, nil
	}), nil
}

// planParse compiles the parse pattern to a regular expression with one
// group per extracted column.
func planParse(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.ParseOp)
	inS := in.Schema()
	kind, _ := check.OpParam(op.Params, "kind")
	kind = strings.ToLower(kind)
	if kind == "" {
		kind = "simple"
	}
	flags, _ := check.OpParam(op.Params, "flags")
	x, err := p.compiler(inS).compile(op.X)
	if err != nil {
		return nil, err
	}
	var re strings.Builder
	if flags != "" && kind == "regex" {
		re.WriteString("(?" + flags + ")")
	}
	re.WriteString("^")
	type target struct {
		pos   int
		t     types.Type
		group int
	}
	groups := 0
	var targets []target
	s := &batch.Schema{Fields: append([]batch.Field(nil), inS.Fields...)}
	for i, el := range op.Pattern {
		last := i == len(op.Pattern)-1
		switch el := el.(type) {
		case *syntax.Literal:
			if kind == "regex" {
				sub, err := regexp.Compile(el.Value)
				if err != nil {
					return nil, p.errorf(el, "invalid regex in parse pattern: %v", err)
				}
				groups += sub.NumSubexp()
				re.WriteString(el.Value)
			} else {
				re.WriteString(regexp.QuoteMeta(el.Value))
			}
		case *syntax.StarExpr:
			if last || kind == "regex" {
				re.WriteString("(?:.*)")
			} else {
				re.WriteString("(?:.*?)")
			}
		case *syntax.ColumnDecl:
			t, err := p.typeRef(el.Type, types.String)
			if err != nil {
				return nil, err
			}
			group := ".*?"
			if last || kind == "regex" {
				group = ".*"
			}
			if kind != "relaxed" {
				switch t {
				case types.Int, types.Long:
					group = `[-+]?\d+`
				case types.Real, types.Decimal:
					group = `[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`
				}
			}
			re.WriteString("(" + group + ")")
			groups++
			pos := setField(s, el.Name.Name, t)
			targets = append(targets, target{pos: pos, t: t, group: groups})
		default:
			return nil, p.errorf(op, "unsupported parse pattern element")
		}
	}
	rx, err := regexp.Compile("(?s)" + re.String())
	if err != nil {
		return nil, p.errorf(op, "invalid parse pattern: %v", err)
	}
	where := op.Keyword == "parse-where"
	return streamNode(in, s, func(b *batch.Batch) (*batch.Batch, error) {
		xc, err := x.run(b)
		if err != nil {
			return nil, err
		}
		bld := make([]*builder, len(targets))
		for i, t := range targets {
			bld[i] = newBuilder(t.t, b.Len)
		}
		var sel []int32
		for r := 0; r < b.Len; r++ {
			text := types.ToString(valueAt(xc, r))
			m := rx.FindStringSubmatch(text)
			ok := m != nil
			var vals []types.Value
			if ok {
				vals = make([]types.Value, len(targets))
				for i, t := range targets {
					v := convertTo(types.NewString(m[t.group]), t.t)
					if t.t != types.String && v.IsNull() && kind != "relaxed" {
						ok = false
					}
					vals[i] = v
				}
			}
			if where && !ok {
				continue
			}
			sel = append(sel, int32(r))
			for i, t := range targets {
				if ok {
					bld[i].add(vals[i])
				} else {
					bld[i].add(types.NullOf(t.t))
				}
			}
		}
		out := &batch.Batch{Schema: s, Cols: make([]*batch.Column, len(s.Fields)), Len: len(sel)}
		for i := range inS.Fields {
			out.Cols[i] = batch.Take(b.Cols[i], sel)
		}
		for i, t := range targets {
			out.Cols[t.pos] = bld[i].build()
		}
		return out, nil
	}), nil
}

func planEvaluate(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.EvaluateOp)
	switch strings.ToLower(op.Call.Fun.Name) {
	case "bag_unpack":
		return planBagUnpack(p, op, in)
	}
	if pl, ok := plugins[strings.ToLower(op.Call.Fun.Name)]; ok {
		return pl(p, op, in)
	}
	return nil, p.errorf(op.Call, "evaluate plugin %s is not supported", op.Call.Fun.Name)
}

// planBagUnpack expands the keys of a dynamic column into columns. The
// output columns are known only once the data has been read, so the node
// drains its input first.
func planBagUnpack(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if in == nil || len(op.Call.Args) < 1 {
		return nil, p.errorf(op.Call, "bag_unpack() needs a dynamic column")
	}
	inS := in.Schema()
	x, err := p.compiler(inS).compile(op.Call.Args[0])
	if err != nil {
		return nil, err
	}
	prefix, conflict := "", "error"
	ignored := map[string]bool{}
	for i, a := range op.Call.Args[1:] {
		name := []string{"OutputColumnPrefix", "columnsConflict", "ignoredProperties"}[min(i, 2)]
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			name, a = ne.Names[0].Name, ne.Value
		}
		v, err := p.constArg(a)
		if err != nil {
			return nil, err
		}
		switch strings.ToLower(name) {
		case "outputcolumnprefix":
			prefix = types.ToString(v)
		case "columnsconflict":
			conflict = strings.ToLower(types.ToString(v))
		case "ignoredproperties":
			for _, s := range dynStrings(v) {
				ignored[s] = true
			}
		default:
			return nil, p.errorf(a, "bag_unpack: unknown argument %s", name)
		}
	}
	colName := check.ExprName(op.Call.Args[0])
	// Run the input now: the schema depends on the data.
	b, used, err := drain(p.q.ctx, in, p.q.mem, "bag_unpack")
	if err != nil {
		return nil, err
	}
	defer p.q.mem.release(used)
	xc, err := x.run(b)
	if err != nil {
		return nil, err
	}
	var keys []string
	seen := map[string]bool{}
	for r := 0; r < b.Len; r++ {
		if bag, ok := valueAt(xc, r).D.(*types.Bag); ok {
			for _, k := range bag.Keys {
				if !seen[k] && !ignored[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
	}
	sort.Strings(keys)
	replaced := map[string]int{}
	s := &batch.Schema{}
	var keep []int
	for i, f := range inS.Fields {
		if f.Name == colName {
			continue
		}
		if seen[f.Name[min(len(prefix), len(f.Name)):]] && strings.HasPrefix(f.Name, prefix) && conflict == "replace_source" {
			replaced[f.Name] = len(s.Fields)
			s.Fields = append(s.Fields, f)
			keep = append(keep, -1)
			continue
		}
		s.Fields = append(s.Fields, f)
		keep = append(keep, i)
	}
	out := &batch.Batch{Schema: s, Len: b.Len}
	for _, i := range keep {
		if i < 0 {
			out.Cols = append(out.Cols, nil) // filled from the bag below
			continue
		}
		out.Cols = append(out.Cols, b.Cols[i])
	}
	for _, k := range keys {
		name := prefix + k
		if pos, ok := replaced[name]; ok {
			s.Fields[pos].Type = bagColumnType(xc, k)
			out.Cols[pos] = bagColumn(xc, k, s.Fields[pos].Type, b.Len)
			continue
		}
		if s.Index(name) >= 0 {
			if conflict == "keep_source" {
				continue
			}
			return nil, p.errorf(op.Call, "bag_unpack: column %s already exists (use columnsConflict)", name)
		}
		t := bagColumnType(xc, k)
		s.Fields = append(s.Fields, batch.Field{Name: name, Type: t})
		out.Cols = append(out.Cols, bagColumn(xc, k, t, b.Len))
	}
	res := &Result{Schema: s}
	if out.Len > 0 {
		res.Batches = []*batch.Batch{out}
	}
	return &resultNode{res: res}, nil
}

// bagColumn extracts property k of every bag in xc as a column of type t.
func bagColumn(xc *batch.Column, k string, t types.Type, n int) *batch.Column {
	bld := newBuilder(t, n)
	for r := 0; r < n; r++ {
		var d any
		if bag, ok := valueAt(xc, r).D.(*types.Bag); ok {
			d, _ = bag.Get(k)
		}
		if t == types.Dynamic {
			bld.add(types.NewDynamic(d))
		} else if d == nil {
			bld.add(types.NullOf(t))
		} else {
			bld.add(convertTo(types.FromDynamic(d), t))
		}
	}
	return bld.build()
}

// bagColumnType is the column type bag_unpack gives a key: dynamic, as
// the values of a property may differ in type between rows.
func bagColumnType(_ *batch.Column, _ string) types.Type { return types.Dynamic }

// windowProject evaluates extend/project items that use window functions
// over the whole (serialized) input at once.
func windowProject(p *planner, in Node, s *batch.Schema, srcs []colSource) Node {
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b, used, err := drain(ctx, in, p.q.mem, "serialize")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		if b.Len == 0 {
			return nil
		}
		out, err := projectBatch(b, s, srcs)
		if err != nil {
			return err
		}
		return emit(out)
	}}
}

// windowCall compiles row_number, prev, next and row_cumsum; the batch they
// see is the whole serialized input.
func (c *compiler) windowCall(e *syntax.CallExpr) (*cexpr, error) {
	args := make([]*cexpr, len(e.Args))
	for i, a := range e.Args {
		ce, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = ce
	}
	switch e.Fun.Name {
	case "row_number":
		start := int64(1)
		if len(args) > 0 {
			v := types.ToLong(args[0].val)
			if args[0].konst && !v.IsNull() {
				start = v.I
			}
		}
		var restart *cexpr
		if len(args) > 1 {
			restart = args[1]
		}
		return &cexpr{t: types.Long, eval: func(b *batch.Batch) (*batch.Column, error) {
			out := &batch.Column{Type: types.Long, Len: b.Len, Ints: make([]int64, b.Len)}
			var rc *batch.Column
			if restart != nil {
				var err error
				if rc, err = restart.run(b); err != nil {
					return nil, err
				}
			}
			n := start
			for i := range out.Ints {
				if rc != nil && i > 0 && boolAt(rc, i) == 1 {
					n = start
				}
				out.Ints[i] = n
				n++
			}
			return out, nil
		}}, nil
	case "prev", "next":
		if len(args) < 1 {
			return nil, c.errorf(e, "%s() needs a column", e.Fun.Name)
		}
		off := int64(1)
		if len(args) > 1 {
			v := types.ToLong(args[1].val)
			if !args[1].konst || v.IsNull() {
				return nil, c.errorf(e, "%s() offset must be a constant", e.Fun.Name)
			}
			off = v.I
		}
		if e.Fun.Name == "prev" {
			off = -off
		}
		x := args[0]
		var def *cexpr
		if len(args) > 2 {
			def = args[2]
		}
		t := x.t
		return &cexpr{t: t, eval: func(b *batch.Batch) (*batch.Column, error) {
			xc, dc, err := runWithOptional(b, x, def)
			if err != nil {
				return nil, err
			}
			bld := newBuilder(t, b.Len)
			for i := 0; i < b.Len; i++ {
				j := int64(i) + off
				switch {
				case j >= 0 && j < int64(b.Len):
					bld.add(valueAt(xc, int(j)))
				case dc != nil:
					bld.add(valueAt(dc, i))
				default:
					bld.add(types.NullOf(t))
				}
			}
			return bld.build(), nil
		}}, nil
	case "row_rank_min", "row_rank_dense", "row_rank":
		if len(args) < 1 {
			return nil, c.errorf(e, "%s() needs a column", e.Fun.Name)
		}
		x := args[0]
		var restart *cexpr
		if len(args) > 1 {
			restart = args[1]
		}
		dense := e.Fun.Name == "row_rank_dense"
		return &cexpr{t: types.Long, eval: func(b *batch.Batch) (*batch.Column, error) {
			xc, rc, err := runWithOptional(b, x, restart)
			if err != nil {
				return nil, err
			}
			out := &batch.Column{Type: types.Long, Len: b.Len, Ints: make([]int64, b.Len)}
			var rank int64
			start := 0 // first row of the current partition
			for i := 0; i < b.Len; i++ {
				if i > 0 && rc != nil && boolAt(rc, i) == 1 {
					start, rank = i, 0
				}
				same := i > start && types.SortCompare(valueAt(xc, i), valueAt(xc, i-1)) == 0
				switch {
				case same:
				case dense:
					rank++
				default:
					rank = int64(i-start) + 1
				}
				out.Ints[i] = rank
			}
			return out, nil
		}}, nil
	case "row_window_session":
		if len(args) < 3 || !args[1].konst || !args[2].konst {
			return nil, c.errorf(e, "row_window_session() needs an expression and two constant timespans")
		}
		x, maxFirst, maxGap := args[0], args[1].val, args[2].val
		var restart *cexpr
		if len(args) > 3 {
			restart = args[3]
		}
		return &cexpr{t: types.DateTime, eval: func(b *batch.Batch) (*batch.Column, error) {
			xc, rc, err := runWithOptional(b, x, restart)
			if err != nil {
				return nil, err
			}
			bld := newBuilder(types.DateTime, b.Len)
			var start, prev types.Value
			have := false
			for i := 0; i < b.Len; i++ {
				v := valueAt(xc, i)
				if v.IsNull() {
					bld.add(types.NullOf(types.DateTime))
					continue
				}
				newSession := !have || (rc != nil && boolAt(rc, i) == 1)
				if !newSession {
					fromFirst, err1 := types.Arith("-", v, start)
					gap, err2 := types.Arith("-", v, prev)
					if err1 != nil || err2 != nil {
						return nil, fmt.Errorf("row_window_session(): %v", errors.Join(err1, err2))
					}
					newSession = types.CompareOp(">", fromFirst, maxFirst).Bool() || types.CompareOp(">", gap, maxGap).Bool()
				}
				if newSession {
					start, have = v, true
				}
				prev = v
				bld.add(convertTo(start, types.DateTime))
			}
			return bld.build(), nil
		}}, nil
	case "row_cumsum":
		if len(args) < 1 {
			return nil, c.errorf(e, "row_cumsum() needs a column")
		}
		x := args[0]
		var restart *cexpr
		if len(args) > 1 {
			restart = args[1]
		}
		t := x.t
		return &cexpr{t: t, eval: func(b *batch.Batch) (*batch.Column, error) {
			xc, rc, err := runWithOptional(b, x, restart)
			if err != nil {
				return nil, err
			}
			bld := newBuilder(t, b.Len)
			sum := types.NullOf(t)
			for i := 0; i < b.Len; i++ {
				if rc != nil && boolAt(rc, i) == 1 {
					sum = types.NullOf(t)
				}
				v := valueAt(xc, i)
				switch {
				case v.IsNull():
				case sum.IsNull():
					sum = v
				default:
					s, err := types.Arith("+", sum, v)
					if err != nil {
						return nil, err
					}
					sum = s
				}
				if sum.IsNull() {
					bld.add(convertTo(types.NewLong(0), t))
				} else {
					bld.add(sum)
				}
			}
			return bld.build(), nil
		}}, nil
	}
	return nil, c.errorf(e, "unknown window function %s", e.Fun.Name)
}

// runWithOptional runs x over b, and opt too unless it is nil (then its
// column is nil).
func runWithOptional(b *batch.Batch, x, opt *cexpr) (xc, oc *batch.Column, err error) {
	if xc, err = x.run(b); err != nil {
		return nil, nil, err
	}
	if opt != nil {
		if oc, err = opt.run(b); err != nil {
			return nil, nil, err
		}
	}
	return xc, oc, nil
}
