// Package exec plans and executes checked KQL queries over columnar
// batches. See DESIGN.md for how operators are planned and run and how to
// add one.
package exec

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// TableFunc is a host-supplied table-valued function such as
// _GetWatchlist(alias): it returns the table for constant arguments.
type TableFunc func(ctx context.Context, args []types.Value) (Table, error)

// Options configures a query run.
type Options struct {
	// Now is the instant now() and ago() refer to; zero means time.Now().
	Now time.Time
	// Tables maps table names to sources.
	Tables map[string]Table
	// Lookup, when set, is consulted for table names missing from Tables.
	Lookup func(name string) (Table, bool)
	// TimeScope, when set, filters every table reference to
	// From <= Column <= To.
	TimeScope *TimeScope
	// MemoryLimit bounds the state of blocking operators (summarize, join,
	// sort, distinct, materialize), in bytes; 0 means DefaultMemoryLimit.
	MemoryLimit int64
	// TableFuncs maps names of host table-valued functions to their
	// implementations.
	TableFuncs map[string]TableFunc
	// Filename names the query text in error positions.
	Filename string
	// Env is the checker's view of the tables (schemas of tables that may
	// have no data here, host table functions); nil means the built-in
	// schemas plus those of Tables. A table known to Env but missing from
	// Tables reads as empty.
	Env *check.Env
	// Params supplies values for {{Name}} placeholders in the query text.
	Params map[string]string
	// ExternalData, when set, maps the URIs of externaldata operators to
	// local copies: ok is false for a URI it does not know, which is then
	// read as a local path or file:// URI (remote URIs fail).
	ExternalData func(uri string) (path string, ok bool)
}

func (o *Options) table(name string) (Table, bool) {
	if t, ok := o.Tables[name]; ok {
		return t, true
	}
	if o.Lookup != nil {
		if t, ok := o.Lookup(name); ok {
			return t, true
		}
	}
	env := o.Env
	if env == nil {
		env = check.DefaultEnv()
	}
	if s, ok := env.Tables[name]; ok {
		return &MemTable{schema: s}, true
	}
	return nil, false
}

// CheckEnv returns the checker environment describing the tables and
// table functions of the options: the built-in schemas (AzureActivity),
// overridden by the schemas of Tables.
func (o *Options) CheckEnv(ctx context.Context) *check.Env {
	env := check.DefaultEnv()
	if o.Env != nil {
		env = &check.Env{Tables: map[string]*batch.Schema{}, TableFuncs: map[string]check.TableFunc{}}
		for k, v := range o.Env.Tables {
			env.Tables[k] = v
		}
		for k, v := range o.Env.TableFuncs {
			env.TableFuncs[k] = v
		}
	}
	for name, t := range o.Tables {
		env.AddTable(name, t.Schema())
	}
	for name, tf := range o.TableFuncs {
		if _, ok := env.TableFuncs[name]; ok {
			continue
		}
		tf := tf
		env.TableFuncs[name] = func(args []types.Value) (*batch.Schema, error) {
			t, err := tf(ctx, args)
			if err != nil {
				return nil, err
			}
			return t.Schema(), nil
		}
	}
	return env
}

// Run parses, checks, plans and executes a query. Parse and check errors
// come back as a syntax.ErrorList.
func Run(ctx context.Context, src string, opts Options) (*Result, error) {
	popts := &syntax.ParseOptions{Params: opts.Params}
	q, err := syntax.Parse(opts.Filename, src, popts)
	if err != nil {
		return nil, err
	}
	file := syntax.NewFileFor(opts.Filename, src, popts)
	info, err := check.Check(file, q, opts.CheckEnv(ctx))
	if err != nil {
		return nil, err
	}
	return RunQuery(ctx, file, q, info, opts)
}

// RunQuery plans and executes a query that has been parsed (and normally
// checked). info may be nil: the planner derives column types from the
// actual input schemas, which it must do anyway for operators whose output
// columns depend on the data (evaluate bag_unpack). file, when non-nil,
// gives run-time errors line:column positions.
func RunQuery(ctx context.Context, file *syntax.File, q *syntax.Query, info *check.Info, opts Options) (*Result, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	limit := opts.MemoryLimit
	if limit <= 0 {
		limit = DefaultMemoryLimit
	}
	qs := &query{
		ctx:   ctx,
		opts:  &opts,
		file:  file,
		info:  info,
		fctx:  &funcs.Context{Now: now},
		mem:   &memTracker{limit: limit},
		mat:   map[matKey]*Result{},
		nowTk: types.TicksFromTime(now),
	}
	p := &planner{q: qs, env: &env{vars: map[string]*binding{}}}
	var last syntax.Expr
	for _, st := range q.Stmts {
		switch st := st.(type) {
		case *syntax.LetStmt:
			if err := p.let(st); err != nil {
				return nil, err
			}
		case *syntax.DeclareStmt:
			for _, prm := range st.Params {
				if prm.Default != nil {
					p.env.vars[prm.Name.Name] = &binding{scalar: prm.Default, scalarEnv: p.env}
				}
			}
		case *syntax.ExprStmt:
			last = st.X
		}
	}
	if last == nil {
		return &Result{Schema: &batch.Schema{}}, nil
	}
	if !p.isTabular(last) {
		// A scalar statement: print it.
		last = &syntax.PrintOp{OpPos: last.Pos(), Items: []syntax.Expr{last}, EndP: last.End()}
	}
	return p.runTabular(last)
}

// query is the state shared by every planner of one query run.
type query struct {
	ctx   context.Context
	opts  *Options
	file  *syntax.File
	info  *check.Info
	fctx  *funcs.Context
	mem   *memTracker
	nowTk int64

	mu  sync.Mutex
	mat map[matKey]*Result
	// regexes caches compiled patterns (matches regex).
	regexes sync.Map
	// tabDepth bounds the nesting of fnIsTabular (recursive functions);
	// planning runs on one goroutine.
	tabDepth int
	// callDepth bounds the nesting of user function calls.
	callDepth int
}

type matKey struct {
	call *syntax.CallExpr
	env  *env
}

// binding is a let-bound name at run time.
type binding struct {
	// scalar is a lazily evaluated scalar let; value caches its value.
	scalar    syntax.Expr
	scalarEnv *env
	value     *types.Value
	// expr is a compiled per-row expression (a scalar function argument).
	expr *cexpr
	// table is a tabular let: the expression and its defining scope.
	table    syntax.Expr
	tableEnv *env
	// node is a ready tabular value (a tabular function argument).
	node Node
	// fn is a user-defined function with its defining scope.
	fn    *syntax.FuncLit
	fnEnv *env
}

// env is a runtime scope.
type env struct {
	parent *env
	vars   map[string]*binding
}

func (e *env) lookup(name string) *binding {
	for ; e != nil; e = e.parent {
		if b, ok := e.vars[name]; ok {
			return b
		}
	}
	return nil
}

// planner turns tabular expressions into Nodes within one scope.
type planner struct {
	q   *query
	env *env
}

func (p *planner) with(e *env) *planner { return &planner{q: p.q, env: e} }

func (p *planner) errorf(n syntax.Node, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	var pos syntax.Position
	if n != nil && n.Pos().IsValid() {
		if p.q.file != nil {
			pos = p.q.file.Position(n.Pos())
		} else {
			pos.Offset = int(n.Pos())
		}
	}
	return &syntax.Error{Pos: pos, Msg: msg}
}

func (p *planner) let(st *syntax.LetStmt) error {
	name := st.Name.Name
	switch v := st.Value.(type) {
	case *syntax.FuncLit:
		b := &binding{fn: v}
		p.env.vars[name] = b
		b.fnEnv = p.env
		return nil
	}
	if p.isTabular(st.Value) {
		p.env.vars[name] = &binding{table: st.Value, tableEnv: p.env}
		return nil
	}
	p.env.vars[name] = &binding{scalar: st.Value, scalarEnv: p.env}
	return nil
}

// scalarBinding evaluates a scalar let on first use.
func (p *planner) scalarBinding(b *binding) (types.Value, error) {
	if b.value != nil {
		return *b.value, nil
	}
	sub := p.with(b.scalarEnv)
	ce, err := sub.compiler(nil).compile(b.scalar)
	if err != nil {
		return types.Value{}, err
	}
	v, err := evalConst(ce)
	if err != nil {
		return types.Value{}, err
	}
	b.value = &v
	return v, nil
}

// evalConst evaluates an expression that has no row context.
func evalConst(ce *cexpr) (types.Value, error) {
	if ce.konst {
		return ce.val, nil
	}
	one := &batch.Batch{Schema: &batch.Schema{}, Len: 1}
	col, err := ce.eval(one)
	if err != nil {
		return types.Value{}, err
	}
	return valueAt(col, 0), nil
}

// isTabular reports whether e denotes a table in the current scope.
func (p *planner) isTabular(e syntax.Expr) bool {
	switch e := e.(type) {
	case *syntax.ParenExpr:
		return p.isTabular(e.X)
	case *syntax.PipeExpr, *syntax.UnionOp, *syntax.RangeOp, *syntax.PrintOp,
		*syntax.DataTableOp, *syntax.ExternalDataOp, *syntax.SearchOp,
		*syntax.FindOp, *syntax.EvaluateOp:
		return true
	case *syntax.Ident:
		if b := p.env.lookup(e.Name); b != nil {
			if b.table != nil || b.node != nil {
				return true
			}
			if b.fn != nil {
				return p.fnIsTabular(b)
			}
			return false
		}
		_, ok := p.q.opts.table(e.Name)
		return ok
	case *syntax.CallExpr:
		if b := p.env.lookup(e.Fun.Name); b != nil {
			return b.fn != nil && p.fnIsTabular(b)
		}
		switch e.Fun.Name {
		case "table", "materialize", "view":
			return true
		}
		_, ok := p.q.opts.TableFuncs[e.Fun.Name]
		return ok
	case *syntax.MemberExpr:
		if call, ok := e.X.(*syntax.CallExpr); ok && (call.Fun.Name == "database" || call.Fun.Name == "cluster") {
			return true
		}
	}
	return false
}

func (p *planner) fnIsTabular(b *binding) bool {
	if len(b.fn.Body) == 0 || p.q.tabDepth > 16 {
		return false
	}
	p.q.tabDepth++
	defer func() { p.q.tabDepth-- }()
	last, ok := b.fn.Body[len(b.fn.Body)-1].(*syntax.ExprStmt)
	if !ok {
		return false
	}
	inner := &env{parent: b.fnEnv, vars: map[string]*binding{}}
	for _, prm := range b.fn.Params {
		if prm.Type != nil && prm.Type.Tabular {
			inner.vars[prm.Name.Name] = &binding{node: &emptyNode{schema: &batch.Schema{}}}
		} else {
			inner.vars[prm.Name.Name] = &binding{expr: konstExpr(types.NullOf(types.Null))}
		}
	}
	sub := p.with(inner)
	for _, st := range b.fn.Body {
		if l, ok := st.(*syntax.LetStmt); ok {
			if err := sub.let(l); err != nil {
				return false
			}
		}
	}
	return sub.isTabular(last.X)
}

// bindArgs binds a user function's parameters for one call. Scalar
// arguments are compiled with c (the caller's row context; nil outside
// one); tabular arguments are planned.
func (p *planner) bindArgs(call *syntax.CallExpr, b *binding, c *compiler) (*env, error) {
	fn := b.fn
	inner := &env{parent: b.fnEnv, vars: map[string]*binding{}}
	args := make([]syntax.Expr, len(fn.Params))
	pos := 0
	for _, a := range call.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			for i, prm := range fn.Params {
				if prm.Name.Name == ne.Names[0].Name {
					args[i] = ne.Value
				}
			}
			continue
		}
		if pos < len(args) {
			args[pos] = a
		}
		pos++
	}
	if c == nil {
		c = p.compiler(nil)
	}
	for i, prm := range fn.Params {
		a := args[i]
		if prm.Type != nil && prm.Type.Tabular {
			if a == nil {
				return nil, p.errorf(call, "missing tabular argument %s", prm.Name.Name)
			}
			n, err := p.plan(a)
			if err != nil {
				return nil, err
			}
			inner.vars[prm.Name.Name] = &binding{node: n}
			continue
		}
		var ce *cexpr
		var err error
		if a == nil {
			if prm.Default == nil {
				return nil, p.errorf(call, "missing argument %s", prm.Name.Name)
			}
			ce, err = p.with(b.fnEnv).compiler(nil).compile(prm.Default)
		} else {
			ce, err = c.compile(a)
		}
		if err != nil {
			return nil, err
		}
		if prm.Type != nil && !prm.Type.Tabular {
			if t, ok := types.ParseType(prm.Type.Name); ok && t != ce.t && ce.t != types.Null {
				ce = castExpr(ce, t)
			}
		}
		inner.vars[prm.Name.Name] = &binding{expr: ce}
	}
	return inner, nil
}

// castExpr converts the values of e to type t.
func castExpr(e *cexpr, t types.Type) *cexpr {
	if e.konst {
		return &cexpr{t: t, konst: true, val: convertTo(e.val, t)}
	}
	return &cexpr{t: t, eval: func(b *batch.Batch) (*batch.Column, error) {
		col, err := e.eval(b)
		if err != nil {
			return nil, err
		}
		out := newBuilder(t, col.Len)
		for i := 0; i < col.Len; i++ {
			out.add(convertTo(valueAt(col, i), t))
		}
		return out.build(), nil
	}}
}

// runTabular plans and runs a tabular expression to completion.
func (p *planner) runTabular(e syntax.Expr) (*Result, error) {
	n, err := p.plan(e)
	if err != nil {
		return nil, err
	}
	return collect(p.q.ctx, n, p.q.mem, "result")
}

// collect runs a node and gathers its batches.
func collect(ctx context.Context, n Node, mem *memTracker, what string) (*Result, error) {
	res := &Result{Schema: n.Schema()}
	err := n.Run(ctx, func(b *batch.Batch) error {
		if b.Len == 0 {
			return nil
		}
		if err := mem.add(batchBytes(b), what); err != nil {
			return err
		}
		res.Batches = append(res.Batches, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// firstColumnValues runs a tabular expression and returns the values of
// its first column (for in (subquery)).
func (p *planner) firstColumnValues(e syntax.Expr) ([]types.Value, error) {
	res, err := p.runTabular(e)
	if err != nil {
		return nil, err
	}
	if len(res.Schema.Fields) == 0 {
		return nil, nil
	}
	out := make([]types.Value, 0, res.NumRows())
	for _, b := range res.Batches {
		for i := 0; i < b.Len; i++ {
			out = append(out, valueAt(b.Cols[0], i))
		}
	}
	return out, nil
}

// plan turns a tabular expression into a Node.
func (p *planner) plan(e syntax.Expr) (Node, error) {
	switch e := e.(type) {
	case *syntax.ParenExpr:
		return p.plan(e.X)
	case *syntax.PipeExpr:
		var in Node
		ops := filtersFirst(e.Ops)
		if e.Source != nil {
			var err error
			in, err = p.planSource(e.Source, ops)
			if err != nil {
				return nil, err
			}
		}
		for _, op := range ops {
			n, err := p.planOp(op, in)
			if err != nil {
				return nil, err
			}
			in = n
		}
		if in == nil {
			return nil, p.errorf(e, "pipeline has no input")
		}
		return in, nil
	case *syntax.Ident:
		return p.planSource(e, nil)
	case *syntax.CallExpr:
		return p.planCall(e)
	case *syntax.MemberExpr:
		return p.planSource(e.Name, nil)
	case syntax.Operator:
		return p.planOp(e, nil)
	}
	return nil, p.errorf(e, "expected a tabular expression")
}

// filtersFirst moves each where operator ahead of the extend operators
// before it when the predicate uses none of the columns they define, so
// that rows are filtered before expressions are computed for them. It
// returns ops itself when nothing moves.
func filtersFirst(ops []syntax.Operator) []syntax.Operator {
	out := ops
	copied := false
	for i := 1; i < len(out); i++ {
		w, ok := out[i].(*syntax.WhereOp)
		if !ok {
			continue
		}
		for j := i; j > 0; j-- {
			if _, ok := out[j-1].(*syntax.WhereOp); ok {
				// Filters commute with each other.
				if !copied {
					out = append([]syntax.Operator(nil), ops...)
					copied = true
				}
				out[j-1], out[j] = out[j], out[j-1]
				continue
			}
			ext, ok := out[j-1].(*syntax.ProjectOp)
			if !ok || hasWindow(ext.Items) || hasWindow([]syntax.Expr{w.Pred}) || !filterCommutes(w, ext) {
				break
			}
			if !copied {
				out = append([]syntax.Operator(nil), ops...)
				copied = true
			}
			out[j-1], out[j] = out[j], out[j-1]
		}
	}
	return out
}

// filterCommutes reports whether where w may run before the projection op
// that precedes it: the predicate must use only columns that op passes
// through unchanged.
func filterCommutes(w *syntax.WhereOp, op *syntax.ProjectOp) bool {
	switch op.Keyword {
	case "extend":
		defined := map[string]bool{}
		for _, it := range op.Items {
			names := itemNames(it)
			if len(names) == 0 {
				return false // an unnamed item: its name is not known here
			}
			for _, n := range names {
				defined[n] = true
			}
		}
		return !refsAny(w.Pred, defined)
	case "project":
		// Only columns projected as themselves (a plain name) pass
		// through unchanged; any other name the predicate uses blocks.
		kept := map[string]bool{}
		for _, it := range op.Items {
			id, ok := it.(*syntax.Ident)
			if !ok || strings.Contains(id.Name, "*") {
				continue
			}
			kept[id.Name] = true
		}
		ok := true
		inspect(w.Pred, func(n any) {
			if id, isID := n.(*syntax.Ident); isID && !kept[id.Name] && projectDefines(op, id.Name) {
				ok = false
			}
		})
		return ok
	case "project-away", "project-keep", "project-reorder":
		return true
	case "project-rename":
		defined := map[string]bool{}
		for _, it := range op.Items {
			for _, n := range itemNames(it) {
				defined[n] = true
			}
		}
		return !refsAny(w.Pred, defined)
	}
	return false
}

// projectDefines reports whether a project operator outputs a column named
// name computed by an expression or renamed (so a predicate using name
// must stay after it). Unknown names (let-bound scalars) do not block.
func projectDefines(op *syntax.ProjectOp, name string) bool {
	for _, it := range op.Items {
		if _, ok := it.(*syntax.Ident); ok {
			continue
		}
		names := itemNames(it)
		if len(names) == 0 {
			return true // an unnamed computed column (Column1...)
		}
		for _, n := range names {
			if n == name {
				return true
			}
		}
	}
	return false
}

// planSource plans the source of a pipeline; ops are the operators that
// follow, used to decide which columns a table scan must produce.
func (p *planner) planSource(src syntax.Expr, ops []syntax.Operator) (Node, error) {
	id, ok := src.(*syntax.Ident)
	if !ok {
		if m, ok := src.(*syntax.MemberExpr); ok {
			id = m.Name
		} else {
			return p.plan(src)
		}
	}
	if b := p.env.lookup(id.Name); b != nil {
		switch {
		case b.node != nil:
			return b.node, nil
		case b.table != nil:
			return p.with(b.tableEnv).plan(b.table)
		case b.fn != nil:
			return p.planCall(&syntax.CallExpr{Fun: id, Lparen: id.End(), Rparen: id.End()})
		}
		return nil, p.errorf(id, "%s is a scalar, not a table", id.Name)
	}
	t, ok := p.q.opts.table(id.Name)
	if !ok {
		return nil, p.errorf(id, "unknown table %s", id.Name)
	}
	cols := neededColumns(ops, t.Schema(), func(name string) bool {
		b := p.env.lookup(name)
		return b != nil && b.fn != nil
	})
	n := p.scan(t, cols)
	n.req.Preds = p.pushablePreds(ops, t.Schema())
	return n, nil
}

// pushablePreds collects simple Column Op Constant conjuncts of the where
// operators that directly follow a scan, as hints for the source.
func (p *planner) pushablePreds(ops []syntax.Operator, s *batch.Schema) []Pred {
	var preds []Pred
	var add func(e syntax.Expr)
	add = func(e syntax.Expr) {
		switch x := e.(type) {
		case *syntax.ParenExpr:
			add(x.X)
		case *syntax.BetweenExpr:
			// Col between (lo .. hi) on datetimes: Col >= lo and Col <= hi.
			id, ok := x.X.(*syntax.Ident)
			if x.Not || !ok || s.Index(id.Name) < 0 || s.Fields[s.Index(id.Name)].Type != types.DateTime {
				return
			}
			lo, lok := p.constOperand(x.Lo)
			hi, hok := p.constOperand(x.Hi)
			if lok && hok && lo.Type == types.DateTime && hi.Type == types.DateTime {
				preds = append(preds, Pred{Column: id.Name, Op: ">=", Value: lo}, Pred{Column: id.Name, Op: "<=", Value: hi})
			}
		case *syntax.BinaryExpr:
			if x.Op == "and" {
				add(x.X)
				add(x.Y)
				return
			}
			switch x.Op {
			case "==", "!=", "<", "<=", ">", ">=":
			default:
				if stringOp(x.Op) == nil {
					return
				}
			}
			id, ok := x.X.(*syntax.Ident)
			if !ok || s.Index(id.Name) < 0 || p.env.lookup(id.Name) != nil && s.Index(id.Name) < 0 {
				return
			}
			if v, ok := p.constOperand(x.Y); ok {
				preds = append(preds, Pred{Column: id.Name, Op: x.Op, Value: v})
			}
		}
	}
	for _, op := range ops {
		w, ok := op.(*syntax.WhereOp)
		if !ok {
			break
		}
		add(w.Pred)
	}
	return preds
}

// constOperand returns the value of e when it is a constant that is cheap
// to compute at planning time (no toscalar, no user function, no tabular
// let binding).
func (p *planner) constOperand(e syntax.Expr) (types.Value, bool) {
	heavy := false
	inspect(e, func(n any) {
		if c, ok := n.(*syntax.CallExpr); ok && (c.Fun.Name == "toscalar" || p.env.lookup(c.Fun.Name) != nil) {
			heavy = true
		}
		if id, ok := n.(*syntax.Ident); ok {
			if b := p.env.lookup(id.Name); b != nil && b.value == nil {
				heavy = true
			}
		}
	})
	if heavy {
		return types.Value{}, false
	}
	ce, err := p.compiler(nil).compile(e)
	if err != nil || !ce.konst {
		return types.Value{}, false
	}
	return ce.val, true
}

func (p *planner) scan(t Table, cols []string) *scanNode {
	req := ScanRequest{Columns: cols}
	ts := p.q.opts.TimeScope
	if ts != nil {
		col := ts.Column
		if col == "" {
			col = "TimeGenerated"
		}
		if i := t.Schema().Index(col); i >= 0 && t.Schema().Fields[i].Type == types.DateTime {
			tsc := *ts
			tsc.Column = col
			req.Time = &tsc
			if cols != nil && !containsStr(cols, col) {
				req.Columns = append(append([]string(nil), cols...), col)
			}
		}
	}
	return newScanNode(t, req, cols)
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *planner) planCall(call *syntax.CallExpr) (Node, error) {
	name := call.Fun.Name
	if b := p.env.lookup(name); b != nil && b.fn != nil {
		if p.q.callDepth >= maxCallDepth {
			return nil, p.errorf(call, "function calls nested too deeply (recursive function %s?)", name)
		}
		p.q.callDepth++
		defer func() { p.q.callDepth-- }()
		inner, err := p.bindArgs(call, b, nil)
		if err != nil {
			return nil, err
		}
		sub := p.with(inner)
		var last syntax.Expr
		for _, st := range b.fn.Body {
			switch st := st.(type) {
			case *syntax.LetStmt:
				if err := sub.let(st); err != nil {
					return nil, err
				}
			case *syntax.ExprStmt:
				last = st.X
			}
		}
		if last == nil {
			return nil, p.errorf(call, "function %s has no result", name)
		}
		if !sub.isTabular(last) {
			last = &syntax.PrintOp{OpPos: last.Pos(), Items: []syntax.Expr{last}, EndP: last.End()}
		}
		return sub.plan(last)
	}
	switch name {
	case "table", "view":
		if len(call.Args) == 1 {
			if lit, ok := call.Args[0].(*syntax.Literal); ok && lit.Kind == syntax.LitString {
				return p.planSource(&syntax.Ident{NamePos: lit.Pos(), Name: lit.Value, EndP: lit.End()}, nil)
			}
		}
		return nil, p.errorf(call, "table() needs a constant table name")
	case "materialize":
		if len(call.Args) != 1 {
			return nil, p.errorf(call, "materialize() takes one argument")
		}
		return p.materialize(call)
	}
	if tf, ok := p.q.opts.TableFuncs[name]; ok {
		var args []types.Value
		for _, a := range call.Args {
			v, err := p.constArg(a)
			if err != nil {
				return nil, err
			}
			args = append(args, v)
		}
		t, err := tf(p.q.ctx, args)
		if err != nil {
			return nil, p.errorf(call, "%s: %v", name, err)
		}
		return newScanNode(t, ScanRequest{}, nil), nil
	}
	return nil, p.errorf(call, "unknown tabular function %s", name)
}

// materialize computes its argument once per query and caches the rows.
func (p *planner) materialize(call *syntax.CallExpr) (Node, error) {
	key := matKey{call, p.env}
	p.q.mu.Lock()
	res, ok := p.q.mat[key]
	p.q.mu.Unlock()
	if !ok {
		var err error
		res, err = p.runTabular(call.Args[0])
		if err != nil {
			return nil, err
		}
		p.q.mu.Lock()
		p.q.mat[key] = res
		p.q.mu.Unlock()
	}
	return &resultNode{res: res}, nil
}

// maxCallDepth bounds the nesting of user function calls.
const maxCallDepth = 32

// opPlanner plans one operator given its input (nil for operators that
// start a pipeline).
type opPlanner func(p *planner, op syntax.Operator, in Node) (Node, error)

// operators maps operator keywords to their planners. It is filled once by
// the init functions of the operator files and never changed afterwards.
var operators = map[string]opPlanner{}

// registerOperator adds the planner for an operator keyword; it is called
// only from init functions.
func registerOperator(planner opPlanner, names ...string) {
	for _, n := range names {
		if _, dup := operators[n]; dup {
			panic("exec: operator registered twice: " + n)
		}
		operators[n] = planner
	}
}

func (p *planner) planOp(op syntax.Operator, in Node) (Node, error) {
	if err := p.q.ctx.Err(); err != nil {
		return nil, err
	}
	name := op.Name()
	pl, ok := operators[name]
	if !ok {
		return nil, p.errorf(op, "operator %s is not supported", name)
	}
	if in == nil {
		switch op.(type) {
		case *syntax.UnionOp, *syntax.RangeOp, *syntax.PrintOp, *syntax.DataTableOp,
			*syntax.ExternalDataOp, *syntax.SearchOp, *syntax.FindOp, *syntax.EvaluateOp:
		default:
			return nil, p.errorf(op, "operator %s needs an input", name)
		}
	}
	return pl(p, op, in)
}

// compileRegex compiles a regular expression once per pattern and query.
func (q *query) compileRegex(pattern string) (*regexp.Regexp, error) {
	if re, ok := q.regexes.Load(pattern); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	q.regexes.Store(pattern, re)
	return re, nil
}

// memTracker accounts the memory held by blocking operators.
type memTracker struct {
	mu    sync.Mutex
	used  int64
	limit int64
}

// ErrMemoryLimit is wrapped by errors reporting that an operator exceeded
// Options.MemoryLimit.
var ErrMemoryLimit = errors.New("memory limit exceeded")

func (m *memTracker) add(n int64, op string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.used += n
	if m.used > m.limit {
		return fmt.Errorf("%s: %w: the query needs more than %d bytes (set a larger memory limit or reduce the data)", op, ErrMemoryLimit, m.limit)
	}
	return nil
}

func (m *memTracker) release(n int64) {
	m.mu.Lock()
	m.used -= n
	m.mu.Unlock()
}
