package exec

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planWhere, "where", "filter")
	registerOperator(planProject, "project", "project-away", "project-keep", "project-rename", "project-reorder", "extend")
	registerOperator(planTake, "take", "limit")
	registerOperator(planCount, "count")
	registerOperator(planSerialize, "serialize")
	registerOperator(planAs, "as")
	registerOperator(planGetSchema, "getschema")
	registerOperator(planPassThrough, "render")
	registerOperator(planPrint, "print")
	registerOperator(planDataTable, "datatable")
	registerOperator(planRange, "range")
	registerOperator(planInvoke, "invoke")
}

// planInvoke plans T | invoke f(args) as f(T, args).
func planInvoke(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.InvokeOp)
	b := p.env.lookup(op.Call.Fun.Name)
	if b == nil || b.fn == nil {
		return nil, p.errorf(op.Call, "unknown function %s", op.Call.Fun.Name)
	}
	inner := &env{parent: p.env, vars: map[string]*binding{check.InvokeInput: {node: in}}}
	return p.with(inner).planCall(check.InvokeCall(op))
}

// streamNode applies fn to every input batch. fn must be safe to call
// from several goroutines at once: streaming operators right after a table
// scan run on the scan's batches in parallel (see parallelNode).
func streamNode(in Node, s *batch.Schema, fn func(b *batch.Batch) (*batch.Batch, error)) Node {
	if src, ok := in.(*parallelNode); ok {
		stages := append(append([]stage(nil), src.stages...), fn)
		return &parallelNode{src: src.src, stages: stages, schema: s}
	}
	if src, ok := in.(*scanNode); ok {
		return &parallelNode{src: src, stages: []stage{fn}, schema: s}
	}
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		return in.Run(ctx, func(b *batch.Batch) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			out, err := fn(b)
			if err != nil {
				return err
			}
			if out == nil || out.Len == 0 {
				return nil
			}
			return emit(out)
		})
	}}
}

// stage is the per-batch function of a streaming operator.
type stage func(b *batch.Batch) (*batch.Batch, error)

// parallelWorkers is the number of goroutines that run the streaming
// operators following a table scan.
const parallelWorkers = 2

// parallelNode runs a chain of streaming stages over a table scan's
// batches on several goroutines. Table rows have no order, so batches may
// come out in any order; calls to the downstream emit are serialised.
type parallelNode struct {
	src    *scanNode
	stages []stage
	schema *batch.Schema
}

func (n *parallelNode) Schema() *batch.Schema { return n.schema }

func (n *parallelNode) Run(ctx context.Context, emit func(*batch.Batch) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan *batch.Batch, parallelWorkers)
	var emitMu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < parallelWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if ctx.Err() != nil {
					continue
				}
				var err error
				for _, st := range n.stages {
					if b, err = st(b); err != nil || b == nil || b.Len == 0 {
						break
					}
				}
				if err == nil && b != nil && b.Len > 0 {
					emitMu.Lock()
					if ctx.Err() == nil {
						err = emit(b)
					}
					emitMu.Unlock()
				}
				if err != nil {
					cancel(err)
				}
			}
		}()
	}
	scanErr := n.src.Run(ctx, func(b *batch.Batch) error {
		select {
		case work <- b:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	})
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && err != context.Canceled {
		return err
	}
	if scanErr != nil {
		return scanErr
	}
	return ctx.Err()
}

func planWhere(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.WhereOp)
	pred, err := p.compiler(in.Schema()).compile(op.Pred)
	if err != nil {
		return nil, err
	}
	return whereNode(in, pred), nil
}

func whereNode(in Node, pred *cexpr) Node {
	if pred.konst {
		if asBool(pred.val).Bool() {
			return in
		}
		return &emptyNode{schema: in.Schema()}
	}
	return streamNode(in, in.Schema(), func(b *batch.Batch) (*batch.Batch, error) {
		col, err := pred.eval(b)
		if err != nil {
			return nil, err
		}
		sel := make([]int32, 0, b.Len)
		if col.Type == types.Bool {
			for i, v := range col.Ints[:col.Len] {
				if v != 0 && !col.IsNull(i) {
					sel = append(sel, int32(i))
				}
			}
		} else {
			for i := 0; i < col.Len; i++ {
				if boolAt(col, i) == 1 {
					sel = append(sel, int32(i))
				}
			}
		}
		return filterBatch(b, sel), nil
	})
}

// colSource says where an output column of a projection comes from: an
// input column index or a compiled expression.
type colSource struct {
	in   int
	expr *cexpr
}

// projectNode evaluates the output columns of each batch from sources.
func projectNode(in Node, s *batch.Schema, srcs []colSource) Node {
	return streamNode(in, s, func(b *batch.Batch) (*batch.Batch, error) {
		return projectBatch(b, s, srcs)
	})
}

// projectBatch evaluates the output columns of b from sources, cast to
// the types of s.
func projectBatch(b *batch.Batch, s *batch.Schema, srcs []colSource) (*batch.Batch, error) {
	out := &batch.Batch{Schema: s, Cols: make([]*batch.Column, len(srcs)), Len: b.Len}
	for i, src := range srcs {
		if src.expr == nil {
			out.Cols[i] = b.Cols[src.in]
			continue
		}
		col, err := src.expr.run(b)
		if err != nil {
			return nil, err
		}
		if col.Type != s.Fields[i].Type {
			col = castColumn(col, s.Fields[i].Type)
		}
		out.Cols[i] = col
	}
	return out, nil
}

func castColumn(c *batch.Column, t types.Type) *batch.Column {
	b := newBuilder(t, c.Len)
	for i := 0; i < c.Len; i++ {
		b.add(convertTo(valueAt(c, i), t))
	}
	return b.build()
}

// hasWindow reports whether any of the expressions calls a window
// function.
func hasWindow(items []syntax.Expr) bool {
	found := false
	for _, it := range items {
		inspect(it, func(n any) {
			if c, ok := n.(*syntax.CallExpr); ok {
				switch c.Fun.Name {
				case "row_number", "prev", "next", "row_cumsum", "row_rank_min", "row_rank_dense", "row_rank", "row_window_session":
					found = true
				}
			}
		})
	}
	return found
}

func planProject(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.ProjectOp)
	inS := in.Schema()
	switch op.Keyword {
	case "extend", "project":
		window := hasWindow(op.Items)
		var s *batch.Schema
		var srcs []colSource
		if op.Keyword == "extend" {
			s = &batch.Schema{Fields: append([]batch.Field(nil), inS.Fields...)}
			for i := range inS.Fields {
				srcs = append(srcs, colSource{in: i})
			}
		} else {
			s = &batch.Schema{}
		}
		// Items of extend may refer to columns defined by earlier items:
		// compile each against the schema built so far, evaluating
		// chained definitions in a staged node.
		stage := in
		defined := map[string]bool{}
		n := 0
		for _, it := range op.Items {
			if id, ok := it.(*syntax.Ident); ok && op.Keyword == "project" && strings.Contains(id.Name, "*") {
				for i, f := range inS.Fields {
					if check.WildcardMatch(id.Name, f.Name) && s.Index(f.Name) < 0 {
						s.Fields = append(s.Fields, f)
						srcs = append(srcs, colSource{in: i})
					}
				}
				continue
			}
			c := p.compiler(inS)
			c.window = window
			if op.Keyword == "extend" && refsAny(it, defined) {
				defined = map[string]bool{}
				// Materialise what we have so far and continue from it.
				stage = projectNode(stage, s, srcs)
				inS = s
				s = &batch.Schema{Fields: append([]batch.Field(nil), inS.Fields...)}
				srcs = srcs[:0:0]
				for i := range inS.Fields {
					srcs = append(srcs, colSource{in: i})
				}
				c = p.compiler(inS)
				c.window = window
			}
			ce, err := c.compile(it)
			if err != nil {
				return nil, err
			}
			if call := aggCallOf(it); call != nil {
				if f := check.LookupFunc(call.Fun.Name); f != nil && len(f.Outputs) > 0 {
					onames := check.OutputNames(f, call, tupleNames(it))
					for k, nm := range onames {
						defined[nm] = true
						elem := bagElem(ce, f.Outputs[k].Name, f.Outputs[k].Type)
						setOutput(s, &srcs, nm, elem.t, colSource{in: -1, expr: elem})
					}
					continue
				}
			}
			names := itemNames(it)
			for _, nm := range names {
				defined[nm] = true
			}
			if len(names) > 1 {
				for k, nm := range names {
					elem := tupleElem(ce, k)
					setOutput(s, &srcs, nm, elem.t, colSource{in: -1, expr: elem})
				}
				continue
			}
			name := ""
			if len(names) == 1 {
				name = names[0]
			} else {
				n++
				name = fmt.Sprintf("Column%d", n)
				if op.Keyword == "extend" {
					for s.Index(name) >= 0 {
						n++
						name = fmt.Sprintf("Column%d", n)
					}
				}
			}
			t := ce.t
			if t == types.Null {
				t = types.String
				if ce.konst {
					ce = &cexpr{t: t, konst: true, val: types.NullOf(t)}
				}
			}
			if op.Keyword == "project" && s.Index(name) >= 0 {
				return nil, p.errorf(it, "column %s is projected more than once", name)
			}
			setOutput(s, &srcs, name, t, colSource{in: -1, expr: ce})
		}
		if window {
			return windowProject(p, stage, s, srcs), nil
		}
		return projectNode(stage, s, srcs), nil
	case "project-away", "project-keep":
		keep := op.Keyword == "project-keep"
		match := make([]bool, len(inS.Fields))
		for _, it := range op.Items {
			id, ok := it.(*syntax.Ident)
			if !ok {
				return nil, p.errorf(it, "%s expects column names", op.Keyword)
			}
			for i, f := range inS.Fields {
				if check.WildcardMatch(id.Name, f.Name) {
					match[i] = true
				}
			}
		}
		s := &batch.Schema{}
		var srcs []colSource
		for i, f := range inS.Fields {
			if match[i] == keep {
				s.Fields = append(s.Fields, f)
				srcs = append(srcs, colSource{in: i})
			}
		}
		return projectNode(in, s, srcs), nil
	case "project-rename":
		s := &batch.Schema{Fields: append([]batch.Field(nil), inS.Fields...)}
		idx := make([]int, len(inS.Fields))
		for i := range idx {
			idx[i] = i
		}
		for _, it := range op.Items {
			ne, ok := it.(*syntax.NamedExpr)
			if !ok || len(ne.Names) != 1 {
				return nil, p.errorf(it, "project-rename expects NewName = ExistingName")
			}
			old, ok := ne.Value.(*syntax.Ident)
			if !ok {
				return nil, p.errorf(it, "project-rename expects a column name")
			}
			i := s.Index(old.Name)
			if i < 0 {
				return nil, p.errorf(old, "unknown column %s", old.Name)
			}
			if j := s.Index(ne.Names[0].Name); j >= 0 && j != i {
				s.Fields = append(s.Fields[:j], s.Fields[j+1:]...)
				idx = append(idx[:j], idx[j+1:]...)
				if j < i {
					i--
				}
			}
			s.Fields[i].Name = ne.Names[0].Name
		}
		srcs := make([]colSource, len(idx))
		for k, i := range idx {
			srcs[k] = colSource{in: i}
		}
		return projectNode(in, s, srcs), nil
	case "project-reorder":
		s := &batch.Schema{}
		var srcs []colSource
		used := make([]bool, len(inS.Fields))
		for _, it := range op.Items {
			id, ok := check.ReorderPattern(it)
			if !ok {
				return nil, p.errorf(it, "project-reorder expects column names")
			}
			var group []int
			for i, f := range inS.Fields {
				if !used[i] && check.WildcardMatch(id.Name, f.Name) {
					used[i] = true
					group = append(group, i)
				}
			}
			order := ""
			for k, x := range op.Items {
				if x == it && k < len(op.Orders) {
					order = op.Orders[k]
				}
			}
			if order != "" {
				sortNames(group, inS, order)
			}
			for _, i := range group {
				s.Fields = append(s.Fields, inS.Fields[i])
				srcs = append(srcs, colSource{in: i})
			}
		}
		for i, f := range inS.Fields {
			if !used[i] {
				s.Fields = append(s.Fields, f)
				srcs = append(srcs, colSource{in: i})
			}
		}
		return projectNode(in, s, srcs), nil
	}
	return nil, p.errorf(op, "operator %s is not supported", op.Keyword)
}

func sortNames(idx []int, s *batch.Schema, order string) {
	less := func(a, b string) bool {
		if strings.HasPrefix(order, "granny") {
			return grannyLess(a, b)
		}
		return a < b
	}
	desc := strings.HasSuffix(order, "desc")
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0; j-- {
			a, b := s.Fields[idx[j-1]].Name, s.Fields[idx[j]].Name
			swap := less(b, a)
			if desc {
				swap = less(a, b)
			}
			if !swap {
				break
			}
			idx[j-1], idx[j] = idx[j], idx[j-1]
		}
	}
}

// grannyLess orders names with embedded numbers numerically (a2 < a10).
func grannyLess(a, b string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si := i
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			sj := j
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na, nb := strings.TrimLeft(a[si:i], "0"), strings.TrimLeft(b[sj:j], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			continue
		}
		if ca != cb {
			return ca < cb
		}
		i++
		j++
	}
	return len(a)-i < len(b)-j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// refsAny reports whether item mentions any of the names.
func refsAny(it syntax.Expr, names map[string]bool) bool {
	dep := false
	inspect(it, func(n any) {
		if id, ok := n.(*syntax.Ident); ok && names[id.Name] {
			dep = true
		}
	})
	return dep
}

// itemNames returns the output names of a projection item: the names of a
// NamedExpr, or the derived name of an expression (nil when none).
func itemNames(it syntax.Expr) []string {
	if ne, ok := it.(*syntax.NamedExpr); ok {
		out := make([]string, len(ne.Names))
		for i, id := range ne.Names {
			out[i] = id.Name
		}
		return out
	}
	if n := check.ExprName(it); n != "" {
		return []string{n}
	}
	return nil
}

func setOutput(s *batch.Schema, srcs *[]colSource, name string, t types.Type, src colSource) {
	if i := s.Index(name); i >= 0 {
		s.Fields[i].Type = t
		(*srcs)[i] = src
		return
	}
	s.Fields = append(s.Fields, batch.Field{Name: name, Type: t})
	*srcs = append(*srcs, src)
}

// tupleNames returns the names of a (a, b, ...) = X assignment, or nil.
func tupleNames(it syntax.Expr) []string {
	ne, ok := it.(*syntax.NamedExpr)
	if !ok {
		return nil
	}
	out := make([]string, len(ne.Names))
	for i, id := range ne.Names {
		out[i] = id.Name
	}
	return out
}

// bagElem takes property key of a dynamic bag expression, converted to t.
func bagElem(e *cexpr, key string, t types.Type) *cexpr {
	return &cexpr{t: t, eval: func(b *batch.Batch) (*batch.Column, error) {
		col, err := e.run(b)
		if err != nil {
			return nil, err
		}
		bld := newBuilder(t, col.Len)
		for i := 0; i < col.Len; i++ {
			v := member(valueAt(col, i), key)
			if t != types.Dynamic {
				if v.IsNull() {
					v = types.NullOf(t)
				} else {
					v = convertTo(types.FromDynamic(v.D), t)
				}
			}
			bld.add(v)
		}
		return bld.build(), nil
	}}
}

// tupleElem takes element k of a dynamic array expression (for
// (a, b) = f(...) assignments).
func tupleElem(e *cexpr, k int) *cexpr {
	return &cexpr{t: types.Dynamic, eval: func(b *batch.Batch) (*batch.Column, error) {
		col, err := e.run(b)
		if err != nil {
			return nil, err
		}
		out := &batch.Column{Type: types.Dynamic, Len: col.Len, Dyns: make([]any, col.Len)}
		for i := 0; i < col.Len; i++ {
			v := valueAt(col, i)
			if arr, ok := v.D.([]any); ok && k < len(arr) {
				out.Dyns[i] = arr[k]
			}
		}
		return out, nil
	}}
}

// errStop ends a run early once a node has all the rows it needs.
type errStop struct{}

func (*errStop) Error() string { return "stop" }

func planTake(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.TakeOp)
	n, err := p.constInt(op.Count)
	if err != nil {
		return nil, err
	}
	return takeNode(in, n), nil
}

func takeNode(in Node, limit int64) Node {
	return &funcNode{schema: in.Schema(), run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		if limit <= 0 {
			return nil
		}
		stop := &errStop{}
		var seen int64
		err := in.Run(ctx, func(b *batch.Batch) error {
			if seen+int64(b.Len) > limit {
				keep := int(limit - seen)
				sel := make([]int32, keep)
				for i := range sel {
					sel[i] = int32(i)
				}
				b = filterBatch(b, sel)
			}
			seen += int64(b.Len)
			if b.Len > 0 {
				if err := emit(b); err != nil {
					return err
				}
			}
			if seen >= limit {
				return stop
			}
			return nil
		})
		if errors.Is(err, stop) {
			return nil
		}
		return err
	}}
}

// constInt evaluates a constant integer expression (row counts).
func (p *planner) constInt(e syntax.Expr) (int64, error) {
	v, err := p.constArg(e)
	if err != nil {
		return 0, err
	}
	l := types.ToLong(v)
	if l.IsNull() {
		return 0, p.errorf(e, "expected an integer constant")
	}
	return l.I, nil
}

func planCount(p *planner, o syntax.Operator, in Node) (Node, error) {
	s := &batch.Schema{Fields: []batch.Field{{Name: "Count", Type: types.Long}}}
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		var n int64
		if err := in.Run(ctx, func(b *batch.Batch) error { n += int64(b.Len); return nil }); err != nil {
			return err
		}
		return emit(&batch.Batch{Schema: s, Len: 1, Cols: []*batch.Column{{Type: types.Long, Len: 1, Ints: []int64{n}}}})
	}}, nil
}

func planSerialize(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.SerializeOp)
	if len(op.Items) == 0 {
		return in, nil
	}
	ext := &syntax.ProjectOp{OpPos: op.OpPos, Keyword: "extend", Items: op.Items}
	return planProject(p, ext, in)
}

func planAs(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.AsOp)
	p.env.vars[op.Alias.Name] = &binding{node: in}
	return in, nil
}

func planPassThrough(p *planner, o syntax.Operator, in Node) (Node, error) { return in, nil }

func planGetSchema(p *planner, o syntax.Operator, in Node) (Node, error) {
	s := &batch.Schema{Fields: []batch.Field{
		{Name: "ColumnName", Type: types.String},
		{Name: "ColumnOrdinal", Type: types.Int},
		{Name: "DataType", Type: types.String},
		{Name: "ColumnType", Type: types.String},
	}}
	tb := NewTableBuilder(s)
	for i, f := range in.Schema().Fields {
		if err := tb.Add(types.NewString(f.Name), types.NewInt(int64(i)), types.NewString(dotNetType(f.Type)), types.NewString(f.Type.String())); err != nil {
			return nil, err
		}
	}
	return newScanNode(tb.Table(), ScanRequest{}, nil), nil
}

func dotNetType(t types.Type) string {
	switch t {
	case types.Bool:
		return "System.SByte"
	case types.Int:
		return "System.Int32"
	case types.Long:
		return "System.Int64"
	case types.Real:
		return "System.Double"
	case types.Decimal:
		return "System.Data.SqlTypes.SqlDecimal"
	case types.String:
		return "System.String"
	case types.DateTime:
		return "System.DateTime"
	case types.TimeSpan:
		return "System.TimeSpan"
	case types.Guid:
		return "System.Guid"
	case types.Dynamic:
		return "System.Object"
	}
	return "System.Object"
}

func planPrint(p *planner, o syntax.Operator, _ Node) (Node, error) {
	op := o.(*syntax.PrintOp)
	s := &batch.Schema{}
	var vals []types.Value
	c := p.compiler(nil)
	for i, it := range op.Items {
		ce, err := c.compile(it)
		if err != nil {
			return nil, err
		}
		v, err := evalConst(ce)
		if err != nil {
			return nil, err
		}
		if call := aggCallOf(it); call != nil {
			if f := check.LookupFunc(call.Fun.Name); f != nil && len(f.Outputs) > 0 {
				for k, nm := range check.OutputNames(f, call, tupleNames(it)) {
					ev, err := evalConst(bagElem(ce, f.Outputs[k].Name, f.Outputs[k].Type))
					if err != nil {
						return nil, err
					}
					s.Fields = append(s.Fields, batch.Field{Name: nm, Type: f.Outputs[k].Type})
					vals = append(vals, ev)
				}
				continue
			}
		}
		if ne, ok := it.(*syntax.NamedExpr); ok && len(ne.Names) > 1 {
			for k, id := range ne.Names {
				ev, err := evalConst(tupleElem(ce, k))
				if err != nil {
					return nil, err
				}
				s.Fields = append(s.Fields, batch.Field{Name: id.Name, Type: types.Dynamic})
				vals = append(vals, ev)
			}
			continue
		}
		name := fmt.Sprintf("print_%d", i)
		if ne, ok := it.(*syntax.NamedExpr); ok && len(ne.Names) > 0 {
			name = ne.Names[0].Name
		}
		t := ce.t
		if t == types.Null {
			t = types.String
		}
		s.Fields = append(s.Fields, batch.Field{Name: name, Type: t})
		vals = append(vals, v)
	}
	tb := NewTableBuilder(s)
	if err := tb.Add(vals...); err != nil {
		return nil, err
	}
	return newScanNode(tb.Table(), ScanRequest{}, nil), nil
}

func planDataTable(p *planner, o syntax.Operator, _ Node) (Node, error) {
	op := o.(*syntax.DataTableOp)
	s, err := p.declSchema(op.Columns)
	if err != nil {
		return nil, err
	}
	n := len(s.Fields)
	if n == 0 || len(op.Values)%n != 0 {
		return nil, p.errorf(op, "datatable has %d values, not a multiple of its %d columns", len(op.Values), n)
	}
	tb := NewTableBuilder(s)
	row := make([]types.Value, n)
	for i, e := range op.Values {
		v, err := p.constArg(e)
		if err != nil {
			return nil, err
		}
		ft := s.Fields[i%n].Type
		if v.Type != ft && !(v.Type == types.Null) {
			cv := convertTo(v, ft)
			if cv.IsNull() && !v.IsNull() && ft != types.Dynamic {
				return nil, p.errorf(e, "value of type %s does not fit column %s of type %s", v.Type, s.Fields[i%n].Name, ft)
			}
			v = cv
		}
		row[i%n] = v
		if i%n == n-1 {
			if err := tb.Add(row...); err != nil {
				return nil, err
			}
		}
	}
	return newScanNode(tb.Table(), ScanRequest{}, nil), nil
}

func planRange(p *planner, o syntax.Operator, _ Node) (Node, error) {
	op := o.(*syntax.RangeOp)
	var vals [3]types.Value
	for i, e := range []syntax.Expr{op.From, op.To, op.Step} {
		v, err := p.constArg(e)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	from, to, step := vals[0], vals[1], vals[2]
	t := from.Type
	if t.IsInteger() && (to.Type == types.Real || step.Type == types.Real) {
		t = types.Real
	}
	if t == types.Int {
		t = types.Long
	}
	s := &batch.Schema{Fields: []batch.Field{{Name: op.Column.Name, Type: t}}}
	if from.IsNull() || to.IsNull() || step.IsNull() {
		return &emptyNode{schema: s}, nil
	}
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b := newBuilder(t, DefaultBatchSize)
		cur := convertTo(from, t)
		flush := func() error {
			col := b.build()
			if col.Len == 0 {
				return nil
			}
			b = newBuilder(t, DefaultBatchSize)
			return emit(&batch.Batch{Schema: s, Cols: []*batch.Column{col}, Len: col.Len})
		}
		pos := types.CompareOp(">", step, types.NewLong(0)).Bool() || step.Type == types.TimeSpan && step.I > 0
		if !pos && !(types.CompareOp("<", step, types.NewLong(0)).Bool() || step.Type == types.TimeSpan && step.I < 0) {
			return fmt.Errorf("range step must not be zero")
		}
		for count := 0; ; count++ {
			var cont types.Value
			if pos {
				cont = types.CompareOp("<=", cur, to)
			} else {
				cont = types.CompareOp(">=", cur, to)
			}
			if !cont.Bool() {
				break
			}
			b.add(cur)
			if b.col.Len >= DefaultBatchSize {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := flush(); err != nil {
					return err
				}
			}
			next, err := types.Arith("+", cur, step)
			if err != nil {
				return err
			}
			cur = convertTo(next, t)
		}
		return flush()
	}}, nil
}
