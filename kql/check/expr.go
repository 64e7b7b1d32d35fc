package check

import (
	"strings"

	"kqlhunt/batch"
	"kqlhunt/internal/suggest"
	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// expr checks a scalar expression in the row context rs (nil outside any
// operator) and returns its type.
func (c *checker) expr(e syntax.Expr, sc *scope, rs *rowScope) types.Type {
	t := c.expr1(e, sc, rs)
	c.info.Types[e] = t
	return t
}

func (c *checker) expr1(e syntax.Expr, sc *scope, rs *rowScope) types.Type {
	switch e := e.(type) {
	case *syntax.Ident:
		return c.ident(e, sc, rs)
	case *syntax.Literal:
		return LiteralType(e)
	case *syntax.DynamicLit:
		if e.Value != nil {
			c.dynamicParts(e.Value)
		}
		return types.Dynamic
	case *syntax.ArrayLit, *syntax.ObjectLit:
		c.dynamicParts(e)
		return types.Dynamic
	case *syntax.StarExpr:
		return types.Null
	case *syntax.ParenExpr:
		if c.isTabular(e.X, sc) {
			c.errorf(e.Pos(), "a tabular expression cannot be used as a scalar (use toscalar())")
			c.tabular(e.X, sc)
			return types.Null
		}
		return c.expr(e.X, sc, rs)
	case *syntax.UnaryExpr:
		t := c.expr(e.X, sc, rs)
		if t != types.Null && !t.IsNumeric() && t != types.TimeSpan && t != types.Dynamic {
			c.errorf(e.OpPos, "operator %s cannot be applied to %s", e.Op, t)
		}
		return t
	case *syntax.BinaryExpr:
		return c.binary(e, sc, rs)
	case *syntax.InExpr:
		c.expr(e.X, sc, rs)
		for _, el := range e.List {
			if c.isTabular(el, sc) {
				s := c.tabular(el, sc)
				if s != nil && len(s.Fields) == 0 {
					c.errorf(el.Pos(), "the tabular expression in %s has no columns", e.Op)
				}
				continue
			}
			c.expr(el, sc, rs)
		}
		return types.Bool
	case *syntax.BetweenExpr:
		c.expr(e.X, sc, rs)
		c.expr(e.Lo, sc, rs)
		c.expr(e.Hi, sc, rs)
		return types.Bool
	case *syntax.CallExpr:
		return c.call(e, sc, rs)
	case *syntax.MemberExpr:
		if id, ok := e.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			side := rsSide(rs, id.Name)
			if side == nil {
				c.errorf(id.Pos(), "%s is only allowed in join conditions", id.Name)
				return types.Null
			}
			i := side.Index(e.Name.Name)
			if i < 0 && side.Open {
				c.info.Unknown[e.Name] = true
				return types.Null
			}
			if i < 0 {
				c.unknownName(e.Name, &rowScope{schema: side}, sc)
				return types.Null
			}
			c.info.Refs[e.Name] = &Symbol{Kind: SymColumn, Name: e.Name.Name, Type: side.Fields[i].Type}
			return side.Fields[i].Type
		}
		t := c.expr(e.X, sc, rs)
		if t != types.Dynamic && t != types.Null {
			c.errorf(e.Name.Pos(), "cannot access property %s of a %s value", e.Name.Name, t)
		}
		return types.Dynamic
	case *syntax.IndexExpr:
		t := c.expr(e.X, sc, rs)
		c.expr(e.Index, sc, rs)
		if t != types.Dynamic && t != types.Null {
			c.errorf(e.Lbrack, "cannot index a %s value", t)
		}
		return types.Dynamic
	case *syntax.NamedExpr:
		return c.expr(e.Value, sc, rs)
	case *syntax.FuncLit:
		c.errorf(e.Pos(), "a function literal is only allowed in a let statement")
		return types.Null
	default:
		if c.isTabular(e, sc) {
			c.errorf(e.Pos(), "a tabular expression cannot be used as a scalar (use toscalar())")
			c.tabular(e, sc)
			return types.Null
		}
	}
	c.errorf(e.Pos(), "unsupported expression")
	return types.Null
}

func (c *checker) dynamicParts(e syntax.Expr) {
	switch e := e.(type) {
	case *syntax.ArrayLit:
		for _, x := range e.Elems {
			c.dynamicParts(x)
		}
	case *syntax.ObjectLit:
		for _, x := range e.Values {
			c.dynamicParts(x)
		}
	case *syntax.Literal:
		c.info.Types[e] = LiteralType(e)
	}
}

func rsSide(rs *rowScope, name string) *batch.Schema {
	if rs == nil {
		return nil
	}
	if name == "$left" {
		return rs.left
	}
	return rs.right
}

// LiteralType returns the type of a literal.
func LiteralType(l *syntax.Literal) types.Type {
	switch l.Kind {
	case syntax.LitBool:
		return types.Bool
	case syntax.LitInt:
		return types.Int
	case syntax.LitLong:
		return types.Long
	case syntax.LitReal:
		return types.Real
	case syntax.LitDecimal:
		return types.Decimal
	case syntax.LitString:
		return types.String
	case syntax.LitDateTime:
		return types.DateTime
	case syntax.LitTimeSpan:
		return types.TimeSpan
	case syntax.LitGuid:
		return types.Guid
	}
	return types.Null
}

func (c *checker) ident(id *syntax.Ident, sc *scope, rs *rowScope) types.Type {
	if f, ok := rs.column(id.Name); ok {
		c.info.Refs[id] = &Symbol{Kind: SymColumn, Name: id.Name, Type: f.Type}
		return f.Type
	}
	if sym := sc.lookup(id.Name); sym != nil {
		c.info.Refs[id] = sym
		switch sym.Kind {
		case SymScalar:
			return sym.Type
		case SymFunc:
			if len(sym.Func.Params) == 0 && !c.funcIsTabular(sym.Func, sc, 0) {
				call := &syntax.CallExpr{Fun: id, Lparen: id.End(), Rparen: id.End()}
				inst := c.instantiate(call, sym, sc)
				c.info.Calls[syntheticCallKey(c.info, id, call)] = inst
				if inst.Info != nil && inst.Info.Result != nil && len(inst.Info.Result.Fields) == 1 {
					return inst.Info.Result.Fields[0].Type
				}
				return types.Null
			}
		}
		c.errorf(id.Pos(), "%s is a table or function, not a scalar", id.Name)
		return types.Null
	}
	if rs != nil && rs.fuzzy {
		c.info.Unknown[id] = true
		return types.Null
	}
	c.unknownName(id, rs, sc)
	return types.Null
}

var comparisonOps = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

func isStringOp(op string) bool {
	switch op {
	case "=~", "!~", "has", "!has", "has_cs", "!has_cs", "hasprefix", "!hasprefix",
		"hasprefix_cs", "!hasprefix_cs", "hassuffix", "!hassuffix", "hassuffix_cs",
		"!hassuffix_cs", "contains", "!contains", "contains_cs", "!contains_cs",
		"startswith", "!startswith", "startswith_cs", "!startswith_cs", "endswith",
		"!endswith", "endswith_cs", "!endswith_cs", "matches regex", "like", "notlike", "!like":
		return true
	}
	return false
}

func (c *checker) binary(e *syntax.BinaryExpr, sc *scope, rs *rowScope) types.Type {
	a := c.expr(e.X, sc, rs)
	b := c.expr(e.Y, sc, rs)
	switch {
	case e.Op == "and" || e.Op == "or":
		for _, x := range []struct {
			t types.Type
			e syntax.Expr
		}{{a, e.X}, {b, e.Y}} {
			if x.t != types.Bool && x.t != types.Null && x.t != types.Dynamic {
				c.errorf(x.e.Pos(), "operand of %s must be bool, not %s", e.Op, x.t)
			}
		}
		return types.Bool
	case comparisonOps[e.Op]:
		if !comparable(a, b) {
			c.errorf(e.OpPos, "cannot compare %s with %s using %s", a, b, e.Op)
		}
		return types.Bool
	case isStringOp(e.Op):
		return types.Bool
	}
	t, err := types.ArithType(e.Op, a, b)
	if err != nil {
		c.errorf(e.OpPos, "%v", err)
		return types.Null
	}
	return t
}

func comparable(a, b types.Type) bool {
	if a == types.Null || b == types.Null || a == b || a == types.Dynamic || b == types.Dynamic {
		return true
	}
	if a.IsNumeric() && b.IsNumeric() {
		return true
	}
	if (a == types.String && b == types.Guid) || (a == types.Guid && b == types.String) {
		return true
	}
	return false
}

// rowFuncs are the window functions that need serialized input.
var rowFuncs = map[string]bool{"row_rank": true, "row_number": true, "prev": true, "next": true, "row_cumsum": true, "row_rank_dense": true, "row_rank_min": true, "row_window_session": true}

func (c *checker) call(call *syntax.CallExpr, sc *scope, rs *rowScope) types.Type {
	name := call.Fun.Name
	if sym := sc.lookup(name); sym != nil && sym.Kind == SymFunc {
		c.info.Refs[call.Fun] = sym
		inst := c.instantiate(call, sym, sc, rs)
		c.info.Calls[call] = inst
		if inst.Tabular {
			c.errorf(call.Pos(), "function %s returns a table, not a scalar", name)
			return types.Null
		}
		if inst.Info != nil && inst.Info.Result != nil && len(inst.Info.Result.Fields) == 1 {
			return inst.Info.Result.Fields[0].Type
		}
		return types.Null
	}
	switch name {
	case "toscalar":
		if len(call.Args) != 1 {
			c.errorf(call.Pos(), "toscalar() takes one argument")
			return types.Null
		}
		if c.isTabular(call.Args[0], sc) {
			s := c.tabular(call.Args[0], sc)
			if s == nil || len(s.Fields) == 0 {
				return types.Null
			}
			return s.Fields[0].Type
		}
		return c.expr(call.Args[0], sc, nil)
	case "column_ifexists":
		if len(call.Args) != 2 {
			c.errorf(call.Pos(), "column_ifexists() takes two arguments")
			return types.Null
		}
		def := c.expr(call.Args[1], sc, rs)
		c.expr(call.Args[0], sc, nil)
		v, ok := c.constValue(call.Args[0], sc)
		if !ok || v.Type != types.String {
			c.errorf(call.Args[0].Pos(), "column_ifexists() needs a constant column name")
			return def
		}
		if f, ok := rs.column(v.S); ok {
			return f.Type
		}
		return def
	case "typeof":
		if _, ok := TypeOfArg(call); !ok {
			c.errorf(call.Pos(), "typeof() expects a type name")
		}
		return types.String
	case "pack_all", "bag_pack_all":
		if rs == nil || rs.schema == nil {
			c.errorf(call.Pos(), "%s() needs a row context", name)
		}
		for _, a := range call.Args {
			c.expr(a, sc, nil)
		}
		return types.Dynamic
	case "materialize", "table", "view":
		c.errorf(call.Pos(), "%s() returns a table, not a scalar", name)
		return types.Null
	}
	if rowFuncs[name] {
		if rs == nil || !rs.serialized {
			c.errorf(call.Pos(), "%s() needs serialized input (add serialize or sort before it)", name)
		}
		var first types.Type
		for i, a := range call.Args {
			t := c.expr(a, sc, rs)
			if i == 0 {
				first = t
			}
		}
		switch name {
		case "row_number", "row_rank", "row_rank_dense", "row_rank_min":
			return types.Long
		case "row_window_session":
			return types.DateTime
		}
		if len(call.Args) == 0 {
			c.errorf(call.Pos(), "%s() needs an argument", name)
		}
		return first
	}
	f := LookupFunc(name)
	if f == nil {
		if _, ok := c.env.TableFuncs[name]; ok {
			c.errorf(call.Pos(), "%s returns a table, not a scalar", name)
			return types.Null
		}
		cands := append(FuncNames(), sc.names()...)
		if s, ok := suggest.Closest(name, cands); ok {
			c.errorf(call.Fun.Pos(), "unknown function %s (did you mean %s?)", name, s)
		} else {
			c.errorf(call.Fun.Pos(), "unknown function %s", name)
		}
		for _, a := range call.Args {
			c.expr(a, sc, rs)
		}
		return types.Null
	}
	c.info.Funcs[call] = f
	if f.Kind == funcs.Aggregate && (rs == nil || !rs.agg) {
		c.errorf(call.Fun.Pos(), "aggregate function %s() is only allowed in summarize (and similar operators)", name)
	}
	argRS := rs
	if f.Kind == funcs.Aggregate && rs != nil {
		cp := *rs
		cp.agg = false
		argRS = &cp
	}
	n := len(call.Args)
	if n < f.MinArgs || (f.MaxArgs >= 0 && n > f.MaxArgs) {
		switch {
		case f.MinArgs == f.MaxArgs:
			c.errorf(call.Fun.Pos(), "%s() takes %d argument%s, got %d", name, f.MinArgs, plural(f.MinArgs), n)
		case f.MaxArgs < 0:
			c.errorf(call.Fun.Pos(), "%s() takes at least %d argument%s, got %d", name, f.MinArgs, plural(f.MinArgs), n)
		default:
			c.errorf(call.Fun.Pos(), "%s() takes %d to %d arguments, got %d", name, f.MinArgs, f.MaxArgs, n)
		}
	}
	args := make([]types.Type, n)
	for i, a := range call.Args {
		if _, ok := a.(*syntax.StarExpr); ok {
			args[i] = types.Null
			continue
		}
		args[i] = c.expr(a, sc, argRS)
	}
	t, err := CallType(f, call, args)
	if err != nil {
		c.errorf(call.Fun.Pos(), "%v", err)
		return types.Null
	}
	return t
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ExprName returns the column name Kusto gives an unnamed expression in
// project, extend, summarize by and similar lists: the column name for a
// column, Prop_path for dynamic member access, the argument's name for
// name-preserving functions such as bin and tostring, and "" otherwise.
func ExprName(e syntax.Expr) string {
	switch e := e.(type) {
	case *syntax.Ident:
		return e.Name
	case *syntax.ParenExpr:
		return ExprName(e.X)
	case *syntax.MemberExpr:
		if id, ok := e.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			return e.Name.Name
		}
		if x := ExprName(e.X); x != "" {
			return x + "_" + e.Name.Name
		}
	case *syntax.IndexExpr:
		if lit, ok := e.Index.(*syntax.Literal); ok && lit.Kind == syntax.LitString {
			if x := ExprName(e.X); x != "" {
				return x + "_" + lit.Value
			}
		}
	case *syntax.CallExpr:
		switch strings.ToLower(e.Fun.Name) {
		case "bin", "floor", "bin_at", "tostring", "toint", "tolong", "todouble", "toreal",
			"todatetime", "totimespan", "tobool", "toboolean", "todecimal", "toguid", "todynamic", "parse_json", "todate":
			if len(e.Args) > 0 {
				return ExprName(e.Args[0])
			}
		}
	}
	return ""
}

// aggPrefix gives the output-name prefix of an aggregate: count() is
// count_, make_set(X) is set_X, and most others are fn_X.
func aggPrefix(name string) string {
	switch name {
	case "make_set", "makeset", "make_set_if":
		return "set"
	case "make_list", "makelist", "make_list_if", "make_list_with_nulls":
		return "list"
	case "make_bag", "make_bag_if":
		return "bag"
	case "take_any", "any", "take_anyif", "anyif":
		return "any"
	case "countif":
		return "countif"
	case "dcountif":
		return "dcountif"
	case "variancep":
		return "variance"
	case "stdevp":
		return "stdev"
	}
	return name
}

// PercentileNames returns the default output column names of
// percentile(s)/percentilew(s) calls, one per requested percentile
// (percentiles(x, 50, 99.9) gives percentile_x_50 and percentile_x_99_9),
// or a single percentile_x for the _array forms. It returns nil for other
// calls.
func PercentileNames(call *syntax.CallExpr) []string {
	name := strings.ToLower(call.Fun.Name)
	first := 1
	switch name {
	case "percentile", "percentiles", "percentiles_array":
	case "percentilew", "percentilesw", "percentilesw_array":
		first = 2
	default:
		return nil
	}
	x := ""
	if len(call.Args) > 0 {
		x = ExprName(call.Args[0])
	}
	base := "percentile_" + x
	if strings.HasSuffix(name, "_array") {
		return []string{base}
	}
	var out []string
	for _, a := range call.Args[min(first, len(call.Args)):] {
		text := "Column"
		if lit, ok := unparen(a).(*syntax.Literal); ok {
			text = strings.ReplaceAll(lit.Raw, ".", "_")
		}
		out = append(out, base+"_"+text)
	}
	return out
}

// AggName returns the default output column name of an aggregate call.
func AggName(call *syntax.CallExpr) string {
	name := strings.ToLower(call.Fun.Name)
	if names := PercentileNames(call); len(names) > 0 {
		return names[0]
	}
	switch name {
	case "countif", "count_distinctif":
		return name + "_"
	case "count", "count_distinct":
		if len(call.Args) == 0 {
			return name + "_"
		}
	case "covariance", "covarianceif", "covariancep", "covariancepif":
		// Two-column aggregates are named after both columns.
		if len(call.Args) >= 2 {
			if x, y := ExprName(call.Args[0]), ExprName(call.Args[1]); x != "" && y != "" {
				return name + "_" + x + "_" + y
			}
		}
	}
	p := aggPrefix(name)
	if len(call.Args) > 0 {
		if n := ExprName(call.Args[0]); n != "" {
			return p + "_" + n
		}
	}
	return p + "_"
}
