// Package check is the KQL binder: it resolves the names of a parsed query
// (tables, columns, let-bound values and functions), computes the type of
// every scalar expression and the output schema of every tabular operator,
// and reports semantic errors with source positions.
//
// The checker records what it learns in an Info. The planner in package
// kqlhunt/kql/exec reads the Info rather than repeating the analysis.
package check

import (
	"fmt"
	"sort"

	"kqlhunt/batch"
	"kqlhunt/internal/suggest"
	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// SymbolKind says what a name stands for.
type SymbolKind uint8

// Symbol kinds.
const (
	// SymColumn is a column of the operator's input rows.
	SymColumn SymbolKind = iota
	// SymScalar is a let-bound scalar or a scalar function parameter.
	SymScalar
	// SymTable is a let-bound tabular value or a tabular parameter.
	SymTable
	// SymFunc is a let-bound user function or view.
	SymFunc
	// SymDBTable is a table of the environment.
	SymDBTable
)

// Symbol is what a name resolves to.
type Symbol struct {
	Kind   SymbolKind
	Name   string
	Type   types.Type      // SymScalar, SymColumn
	Schema *batch.Schema   // SymTable, SymDBTable
	Func   *syntax.FuncLit // SymFunc
	Let    *syntax.LetStmt // the binding statement, when let-bound
	// Value is the value of a constant scalar binding (a literal), when known.
	Value *types.Value
}

// Instance is one call of a user function: the function and the analysis of
// its body for the argument types of this call site.
type Instance struct {
	Func *syntax.FuncLit
	// Args holds one expression per parameter, in parameter order; nil
	// where the parameter's default is used.
	Args []syntax.Expr
	// Info describes the body as checked for this call.
	Info *Info
	// Tabular reports whether the function returns a table.
	Tabular bool
}

// Info is the result of checking a query.
type Info struct {
	// Types is the type of every scalar expression.
	Types map[syntax.Expr]types.Type
	// Schemas is the output schema of every tabular operator and tabular
	// expression.
	Schemas map[syntax.Node]*batch.Schema
	// Result is the schema of the query's result (nil for a query without
	// a tabular result statement).
	Result *batch.Schema
	// TablesRead lists the environment tables the query reads, sorted.
	TablesRead []string
	// Refs says what each resolved name refers to.
	Refs map[*syntax.Ident]*Symbol
	// Funcs is the catalogue entry of each built-in function call.
	Funcs map[*syntax.CallExpr]*funcs.Func
	// Calls is the instance of each user function call.
	Calls map[*syntax.CallExpr]*Instance
	// Names gives the output column names of list items that produce
	// columns (project, extend, summarize aggregates and keys, print,
	// serialize, mv-expand items): one name per item, several for tuple
	// assignments and arg_max/arg_min.
	Names map[syntax.Expr][]string
	// JoinKeys holds the resolved equality keys of join and lookup
	// operators.
	JoinKeys map[syntax.Operator][]JoinKey
	// Unknown marks column references tolerated as missing (in fuzzy
	// unions and column_ifexists).
	Unknown map[*syntax.Ident]bool

	tables     map[string]bool
	identCalls map[*syntax.Ident]*syntax.CallExpr
}

// JoinKey is one equality condition of a join: left column = right column.
type JoinKey struct {
	Left, Right string
}

func newInfo() *Info {
	return &Info{
		Types:    map[syntax.Expr]types.Type{},
		Schemas:  map[syntax.Node]*batch.Schema{},
		Refs:     map[*syntax.Ident]*Symbol{},
		Funcs:    map[*syntax.CallExpr]*funcs.Func{},
		Calls:    map[*syntax.CallExpr]*Instance{},
		Names:    map[syntax.Expr][]string{},
		JoinKeys: map[syntax.Operator][]JoinKey{},
		Unknown:  map[*syntax.Ident]bool{},
		tables:   map[string]bool{},
	}
}

// scope is a lexical scope of let bindings.
type scope struct {
	parent *scope
	syms   map[string]*Symbol
}

func (s *scope) lookup(name string) *Symbol {
	for ; s != nil; s = s.parent {
		if sym, ok := s.syms[name]; ok {
			return sym
		}
	}
	return nil
}

func (s *scope) names() []string {
	var out []string
	for ; s != nil; s = s.parent {
		for n := range s.syms {
			out = append(out, n)
		}
	}
	return out
}

type checker struct {
	file  *syntax.File
	env   *Env
	info  *Info
	root  *Info
	errs  *syntax.ErrorList
	depth int
	// ser reports whether the rows entering the current operator are
	// serialized (ordered), which window functions need.
	ser bool
	// tabDepth bounds the nesting of funcIsTabular (recursive functions).
	tabDepth int
}

// Check checks q against env. file maps positions to lines and columns for
// error messages (it may be nil). The returned error, when non-nil, is a
// syntax.ErrorList; the Info is returned even then, holding what could be
// determined.
func Check(file *syntax.File, q *syntax.Query, env *Env) (*Info, error) {
	if env == nil {
		env = DefaultEnv()
	}
	var errs syntax.ErrorList
	info := newInfo()
	c := &checker{file: file, env: env, info: info, root: info, errs: &errs}
	sc := &scope{syms: map[string]*Symbol{}}
	info.Result = c.stmts(q.Stmts, sc)
	for t := range info.tables {
		info.TablesRead = append(info.TablesRead, t)
	}
	sort.Strings(info.TablesRead)
	if len(errs) > 0 {
		errs.Dedupe()
		return info, errs
	}
	return info, nil
}

func (c *checker) errorf(pos syntax.Pos, format string, args ...any) {
	var p syntax.Position
	if c.file != nil && pos.IsValid() {
		p = c.file.Position(pos)
	} else if pos.IsValid() {
		p.Offset = int(pos)
	}
	c.errs.Add(p, fmt.Sprintf(format, args...))
}

// stmts checks a statement list and returns the schema of the last tabular
// expression statement.
func (c *checker) stmts(list []syntax.Stmt, sc *scope) *batch.Schema {
	var result *batch.Schema
	for _, st := range list {
		switch st := st.(type) {
		case *syntax.LetStmt:
			c.let(st, sc)
		case *syntax.SetStmt, *syntax.DeclareStmt:
			if d, ok := st.(*syntax.DeclareStmt); ok {
				for _, p := range d.Params {
					c.bindParam(p, sc, nil)
				}
			}
		case *syntax.ExprStmt:
			if c.isTabular(st.X, sc) {
				result = c.tabular(st.X, sc)
			} else {
				t := c.expr(st.X, sc, nil)
				result = &batch.Schema{Fields: []batch.Field{{Name: "print_0", Type: t}}}
			}
		}
	}
	return result
}

func (c *checker) let(st *syntax.LetStmt, sc *scope) {
	name := st.Name.Name
	sym := &Symbol{Name: name, Let: st}
	switch v := st.Value.(type) {
	case *syntax.FuncLit:
		sym.Kind = SymFunc
		sym.Func = v
		// Bind first so that the function may refer to itself by name
		// (recursion is rejected at call time by the depth limit).
		sc.syms[name] = sym
		c.checkFuncDecl(v, sc)
		return
	}
	if c.isTabular(st.Value, sc) {
		sym.Kind = SymTable
		sym.Schema = c.tabular(st.Value, sc)
	} else {
		sym.Kind = SymScalar
		sym.Type = c.expr(st.Value, sc, nil)
		if lit, ok := unparen(st.Value).(*syntax.Literal); ok {
			if v, err := LiteralValue(lit); err == nil {
				sym.Value = &v
			}
		}
	}
	sc.syms[name] = sym
}

// checkFuncDecl validates parameter declarations of a function literal.
func (c *checker) checkFuncDecl(f *syntax.FuncLit, sc *scope) {
	for _, p := range f.Params {
		if p.Type != nil && !p.Type.Tabular {
			if _, ok := types.ParseType(p.Type.Name); !ok {
				c.errorf(p.Type.NamePos, "unknown type %q", p.Type.Name)
			}
		}
		if p.Default != nil {
			c.expr(p.Default, sc, nil)
		}
	}
}

// bindParam binds a declared parameter in sc; argType/argSchema override
// the declared type when an argument is supplied.
func (c *checker) bindParam(p *syntax.Param, sc *scope, arg *Symbol) {
	sym := &Symbol{Name: p.Name.Name}
	if p.Type != nil && p.Type.Tabular {
		sym.Kind = SymTable
		sym.Schema = tabularParamSchema(p.Type)
	} else {
		sym.Kind = SymScalar
		if p.Type != nil {
			sym.Type, _ = types.ParseType(p.Type.Name)
		}
	}
	if arg != nil {
		if arg.Schema != nil {
			sym.Schema = arg.Schema
		}
		if sym.Kind == SymScalar && sym.Type == types.Null {
			sym.Type = arg.Type
		}
	}
	sc.syms[p.Name.Name] = sym
}

func tabularParamSchema(t *syntax.TypeRef) *batch.Schema {
	s := &batch.Schema{}
	for _, cd := range t.Columns {
		ty := typeOrString(cd.Type)
		s.Fields = append(s.Fields, batch.Field{Name: cd.Name.Name, Type: ty})
	}
	return s
}

func unparen(e syntax.Expr) syntax.Expr {
	for {
		p, ok := e.(*syntax.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// isTabular reports whether e denotes a table (as opposed to a scalar).
func (c *checker) isTabular(e syntax.Expr, sc *scope) bool {
	switch e := e.(type) {
	case *syntax.ParenExpr:
		return c.isTabular(e.X, sc)
	case *syntax.PipeExpr, *syntax.UnionOp, *syntax.RangeOp, *syntax.PrintOp,
		*syntax.DataTableOp, *syntax.ExternalDataOp, *syntax.SearchOp,
		*syntax.FindOp, *syntax.EvaluateOp:
		return true
	case *syntax.Ident:
		if sym := sc.lookup(e.Name); sym != nil {
			switch sym.Kind {
			case SymTable, SymDBTable:
				return true
			case SymFunc:
				return c.funcIsTabular(sym.Func, sc, 0)
			}
			return false
		}
		_, ok := c.env.Tables[e.Name]
		return ok
	case *syntax.CallExpr:
		name := e.Fun.Name
		if sym := sc.lookup(name); sym != nil {
			if sym.Kind == SymFunc {
				return c.funcIsTabular(sym.Func, sc, 0)
			}
			return false
		}
		switch name {
		case "table", "materialize", "view":
			return true
		}
		if _, ok := c.env.TableFuncs[name]; ok {
			return true
		}
		return false
	case *syntax.MemberExpr:
		// database('x').Table, cluster('c').database('d').Table
		if call, ok := e.X.(*syntax.CallExpr); ok && (call.Fun.Name == "database" || call.Fun.Name == "cluster") {
			return true
		}
	}
	return false
}

// funcIsTabular reports whether a user function's body ends in a tabular
// expression. Parameters are visible as their declared kinds.
func (c *checker) funcIsTabular(f *syntax.FuncLit, sc *scope, _ int) bool {
	if c.tabDepth > 16 || len(f.Body) == 0 {
		return false
	}
	c.tabDepth++
	defer func() { c.tabDepth-- }()
	inner := &scope{parent: sc, syms: map[string]*Symbol{}}
	for _, p := range f.Params {
		if p.Type != nil && p.Type.Tabular {
			inner.syms[p.Name.Name] = &Symbol{Kind: SymTable, Name: p.Name.Name}
		} else {
			inner.syms[p.Name.Name] = &Symbol{Kind: SymScalar, Name: p.Name.Name}
		}
	}
	for _, st := range f.Body {
		if l, ok := st.(*syntax.LetStmt); ok {
			sym := &Symbol{Name: l.Name.Name, Kind: SymScalar}
			if fl, ok := l.Value.(*syntax.FuncLit); ok {
				sym.Kind, sym.Func = SymFunc, fl
			} else if c.isTabular(l.Value, inner) {
				sym.Kind = SymTable
			}
			inner.syms[l.Name.Name] = sym
		}
	}
	last, ok := f.Body[len(f.Body)-1].(*syntax.ExprStmt)
	if !ok {
		return false
	}
	return c.isTabular(last.X, inner)
}

// tabular checks a tabular expression and returns its schema.
func (c *checker) tabular(e syntax.Expr, sc *scope) *batch.Schema {
	s := c.tabular1(e, sc)
	if s == nil {
		s = &batch.Schema{}
	}
	c.info.Schemas[e] = s
	return s
}

func (c *checker) tabular1(e syntax.Expr, sc *scope) *batch.Schema {
	switch e := e.(type) {
	case *syntax.ParenExpr:
		return c.tabular(e.X, sc)
	case *syntax.PipeExpr:
		var in *batch.Schema
		if e.Source != nil {
			in = c.tabular(e.Source, sc)
		} else {
			in = &batch.Schema{}
		}
		saved := c.ser
		c.ser = false
		if r, ok := e.Source.(*syntax.RangeOp); ok && r != nil {
			c.ser = true
		}
		for _, op := range e.Ops {
			in = c.op(op, in, sc)
			c.ser = serializedAfter(op, c.ser)
		}
		c.ser = saved
		return in
	case *syntax.Ident:
		return c.tableRef(e, sc)
	case *syntax.CallExpr:
		return c.tabularCall(e, sc)
	case *syntax.MemberExpr:
		// database("d").T: resolve T as a table of the environment.
		return c.tableRef(e.Name, sc)
	case syntax.Operator:
		return c.op(e, nil, sc)
	}
	c.errorf(e.Pos(), "expected a tabular expression")
	return nil
}

func (c *checker) tableRef(id *syntax.Ident, sc *scope) *batch.Schema {
	if sym := sc.lookup(id.Name); sym != nil {
		c.info.Refs[id] = sym
		switch sym.Kind {
		case SymTable:
			return sym.Schema
		case SymFunc:
			if len(sym.Func.Params) == 0 || allDefaulted(sym.Func) {
				call := &syntax.CallExpr{Fun: id, Lparen: id.End(), Rparen: id.End()}
				inst := c.instantiate(call, sym, sc)
				c.info.Calls[syntheticCallKey(c.info, id, call)] = inst
				if inst != nil && inst.Info != nil {
					return inst.Info.Result
				}
				return nil
			}
			c.errorf(id.Pos(), "function %s needs arguments", id.Name)
			return nil
		case SymScalar:
			c.errorf(id.Pos(), "%s is a scalar, not a table", id.Name)
			return nil
		}
	}
	if s, ok := c.env.Tables[id.Name]; ok {
		sym := &Symbol{Kind: SymDBTable, Name: id.Name, Schema: s}
		c.info.Refs[id] = sym
		c.root.tables[id.Name] = true
		return s
	}
	cands := append(c.env.TableNames(), sc.names()...)
	if s, ok := suggest.Closest(id.Name, cands); ok {
		c.errorf(id.Pos(), "unknown table %s (did you mean %s?)", id.Name, s)
	} else {
		c.errorf(id.Pos(), "unknown table %s", id.Name)
	}
	return nil
}

// syntheticCallKey records the call synthesised for an identifier that
// names a view or zero-argument function, and returns it.
func syntheticCallKey(info *Info, id *syntax.Ident, call *syntax.CallExpr) *syntax.CallExpr {
	if info.identCalls == nil {
		info.identCalls = map[*syntax.Ident]*syntax.CallExpr{}
	}
	info.identCalls[id] = call
	return call
}

// IdentCall returns the synthesised call for an identifier that names a
// user function or view invoked without parentheses, or nil.
func (info *Info) IdentCall(id *syntax.Ident) *syntax.CallExpr {
	return info.identCalls[id]
}

func allDefaulted(f *syntax.FuncLit) bool {
	for _, p := range f.Params {
		if p.Default == nil {
			return false
		}
	}
	return true
}

func (c *checker) tabularCall(call *syntax.CallExpr, sc *scope) *batch.Schema {
	name := call.Fun.Name
	if sym := sc.lookup(name); sym != nil && sym.Kind == SymFunc {
		c.info.Refs[call.Fun] = sym
		inst := c.instantiate(call, sym, sc)
		c.info.Calls[call] = inst
		if inst != nil && inst.Info != nil {
			return inst.Info.Result
		}
		return nil
	}
	switch name {
	case "table", "view":
		if len(call.Args) < 1 {
			c.errorf(call.Pos(), "table() needs a table name")
			return nil
		}
		arg := call.Args[0]
		t := c.expr(arg, sc, nil)
		if t != types.String && t != types.Null {
			c.errorf(arg.Pos(), "table() needs a string table name, not %s", t)
			return nil
		}
		v, ok := c.constValue(arg, sc)
		if !ok || v.Type != types.String {
			// A name known only when the query runs (a function
			// parameter): the table's columns cannot be checked here.
			return &batch.Schema{Open: true}
		}
		id := &syntax.Ident{NamePos: arg.Pos(), Name: v.S, EndP: arg.End()}
		s := c.tableRef(id, sc)
		c.info.Refs[call.Fun] = c.info.Refs[id]
		return s
	case "materialize":
		if len(call.Args) != 1 {
			c.errorf(call.Pos(), "materialize() takes one tabular argument")
			return nil
		}
		return c.tabular(call.Args[0], sc)
	}
	if hook, ok := c.env.TableFuncs[name]; ok {
		var args []types.Value
		var notConst syntax.Expr
		for _, a := range call.Args {
			t := c.expr(a, sc, nil)
			v, ok := c.constValue(a, sc)
			if !ok {
				if notConst == nil {
					notConst = a
				}
				v = types.NullOf(t)
			}
			args = append(args, v)
		}
		s, err := hook(args)
		if err != nil {
			if notConst != nil {
				c.errorf(notConst.Pos(), "argument of %s must be a constant", name)
			} else {
				c.errorf(call.Pos(), "%s: %v", name, err)
			}
			return nil
		}
		return s
	}
	c.errorf(call.Pos(), "unknown tabular function %s", name)
	return nil
}

// constValue returns the value of a constant expression (a literal or a
// let-bound literal).
func (c *checker) constValue(e syntax.Expr, sc *scope) (types.Value, bool) {
	switch e := unparen(e).(type) {
	case *syntax.Literal:
		v, err := LiteralValue(e)
		return v, err == nil
	case *syntax.Ident:
		if sym := sc.lookup(e.Name); sym != nil && sym.Value != nil {
			return *sym.Value, true
		}
	}
	return types.Value{}, false
}

const maxCallDepth = 32

// instantiate checks the body of a user function for one call site.
func (c *checker) instantiate(call *syntax.CallExpr, sym *Symbol, sc *scope, rs ...*rowScope) *Instance {
	var argRS *rowScope
	if len(rs) > 0 {
		argRS = rs[0]
	}
	f := sym.Func
	inst := &Instance{Func: f, Args: make([]syntax.Expr, len(f.Params))}
	// Match arguments to parameters: positional, then named.
	pos := 0
	for _, a := range call.Args {
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			found := false
			for i, p := range f.Params {
				if p.Name.Name == ne.Names[0].Name {
					inst.Args[i] = ne.Value
					found = true
				}
			}
			if !found {
				c.errorf(a.Pos(), "function %s has no parameter %s", sym.Name, ne.Names[0].Name)
			}
			continue
		}
		if pos >= len(f.Params) {
			c.errorf(a.Pos(), "too many arguments to %s: want %d", sym.Name, len(f.Params))
			break
		}
		inst.Args[pos] = a
		pos++
	}
	for i, p := range f.Params {
		if inst.Args[i] == nil && p.Default == nil {
			c.errorf(call.Rparen, "missing argument %s to %s", p.Name.Name, sym.Name)
		}
	}
	if c.depth >= maxCallDepth {
		c.errorf(call.Pos(), "function calls nested too deeply (recursive function %s?)", sym.Name)
		return inst
	}
	// Bind parameters in a scope whose parent is the definition scope. The
	// definition scope is approximated by the call scope, which contains it
	// (let bindings are never removed).
	inner := &scope{parent: sc, syms: map[string]*Symbol{}}
	for i, p := range f.Params {
		var arg *Symbol
		if a := inst.Args[i]; a != nil {
			if p.Type != nil && p.Type.Tabular {
				arg = &Symbol{Schema: c.tabular(a, sc)}
			} else {
				arg = &Symbol{Type: c.expr(a, sc, argRS)}
			}
		} else if p.Default != nil {
			arg = &Symbol{Type: c.info.Types[p.Default]}
		}
		c.bindParam(p, inner, arg)
		if a := inst.Args[i]; a != nil {
			if v, ok := c.constValue(a, sc); ok {
				inner.syms[p.Name.Name].Value = &v
			}
		}
	}
	sub := &checker{file: c.file, env: c.env, info: newInfo(), root: c.root, errs: c.errs, depth: c.depth + 1}
	sub.info.tables = c.root.tables
	// Body: lets then the result expression.
	var last syntax.Expr
	for _, st := range f.Body {
		switch st := st.(type) {
		case *syntax.LetStmt:
			sub.let(st, inner)
		case *syntax.ExprStmt:
			last = st.X
		}
	}
	if last != nil {
		if sub.isTabular(last, inner) {
			inst.Tabular = true
			sub.info.Result = sub.tabular(last, inner)
		} else {
			t := sub.expr(last, inner, nil)
			sub.info.Result = &batch.Schema{Fields: []batch.Field{{Name: "print_0", Type: t}}}
		}
	}
	inst.Info = sub.info
	return inst
}

// rowScope is the row context of a scalar expression: the columns of the
// operator's input and what else is allowed.
type rowScope struct {
	schema *batch.Schema
	// agg allows aggregate function calls (summarize).
	agg bool
	// left and right are the join sides for $left/$right.
	left, right *batch.Schema
	// fuzzy tolerates unknown columns (typed as dynamic... null).
	fuzzy bool
	// rowFuncs allows row_number/prev/next/row_cumsum.
	serialized bool
}

func (rs *rowScope) column(name string) (batch.Field, bool) {
	if rs == nil || rs.schema == nil {
		return batch.Field{}, false
	}
	i := rs.schema.Index(name)
	if i < 0 {
		return batch.Field{}, false
	}
	return rs.schema.Fields[i], true
}

func columnNames(s *batch.Schema) []string {
	if s == nil {
		return nil
	}
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}

func (c *checker) unknownName(id *syntax.Ident, rs *rowScope, sc *scope) {
	cands := append(columnNames(rsSchema(rs)), sc.names()...)
	if s, ok := suggest.Closest(id.Name, cands); ok {
		c.errorf(id.Pos(), "unknown column or name %s (did you mean %s?)", id.Name, s)
		return
	}
	c.errorf(id.Pos(), "unknown column or name %s", id.Name)
}

func rsSchema(rs *rowScope) *batch.Schema {
	if rs == nil {
		return nil
	}
	return rs.schema
}

// UniqueName returns name, or name with the smallest numeric suffix that
// is not in taken.
func UniqueName(name string, taken func(string) bool) string {
	if !taken(name) {
		return name
	}
	for i := 1; ; i++ {
		n := fmt.Sprintf("%s%d", name, i)
		if !taken(n) {
			return n
		}
	}
}

// serializedAfter reports whether the output of op is serialized, given
// whether its input was.
func serializedAfter(op syntax.Operator, in bool) bool {
	switch op.(type) {
	case *syntax.SortOp, *syntax.TopOp, *syntax.SerializeOp, *syntax.RangeOp, *syntax.GetSchemaOp:
		return true
	case *syntax.WhereOp, *syntax.TakeOp, *syntax.MvExpandOp, *syntax.ParseOp, *syntax.AsOp,
		*syntax.RenderOp, *syntax.ProjectOp:
		return in
	default:
		return false
	}
}
