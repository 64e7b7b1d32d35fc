package exec

import (
	"fmt"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// cexpr is a compiled scalar expression: it evaluates over a batch whose
// schema is the one it was compiled against and returns one column of type
// t with a row per input row.
type cexpr struct {
	t types.Type
	// konst is set for constant expressions; val holds the value.
	konst bool
	val   types.Value
	eval  func(b *batch.Batch) (*batch.Column, error)
}

func (e *cexpr) run(b *batch.Batch) (*batch.Column, error) {
	if e.konst {
		return constColumn(e.val, e.t, b.Len), nil
	}
	return e.eval(b)
}

func konstExpr(v types.Value) *cexpr {
	return &cexpr{t: v.Type, konst: true, val: v}
}

// compiler compiles scalar expressions against one input schema.
type compiler struct {
	p      *planner
	schema *batch.Schema
	// agg, when non-nil, collects aggregate calls (summarize): each call
	// becomes a reference to a column of the aggregate-results batch.
	agg *aggCollector
	// window allows row_number/prev/next/row_cumsum; the batch evaluated
	// is then the whole ordered input.
	window bool
}

func (p *planner) compiler(s *batch.Schema) *compiler {
	return &compiler{p: p, schema: s}
}

func (c *compiler) errorf(n syntax.Node, format string, args ...any) error {
	return c.p.errorf(n, format, args...)
}

func (c *compiler) compile(e syntax.Expr) (*cexpr, error) {
	switch e := e.(type) {
	case *syntax.ParenExpr:
		return c.compile(e.X)
	case *syntax.NamedExpr:
		return c.compile(e.Value)
	case *syntax.Literal:
		v, err := check.LiteralValue(e)
		if err != nil {
			return nil, c.errorf(e, "%v", err)
		}
		return konstExpr(v), nil
	case *syntax.DynamicLit:
		if e.Value == nil {
			return konstExpr(types.NullOf(types.Dynamic)), nil
		}
		d, err := dynamicValue(e.Value)
		if err != nil {
			return nil, c.errorf(e, "%v", err)
		}
		return konstExpr(types.NewDynamic(d)), nil
	case *syntax.ArrayLit, *syntax.ObjectLit:
		d, err := dynamicValue(e)
		if err != nil {
			return nil, c.errorf(e, "%v", err)
		}
		return konstExpr(types.NewDynamic(d)), nil
	case *syntax.Ident:
		return c.ident(e)
	case *syntax.UnaryExpr:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		if e.Op == "+" {
			return x, nil
		}
		return c.mapValues(x.t, []*cexpr{x}, func(args []types.Value) (types.Value, error) {
			return types.UnaryMinus(args[0])
		})
	case *syntax.BinaryExpr:
		return c.binary(e)
	case *syntax.InExpr:
		return c.in(e)
	case *syntax.BetweenExpr:
		return c.between(e)
	case *syntax.CallExpr:
		return c.call(e)
	case *syntax.MemberExpr:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		name := e.Name.Name
		return c.mapValues(types.Dynamic, []*cexpr{x}, func(args []types.Value) (types.Value, error) {
			return member(args[0], name), nil
		})
	case *syntax.IndexExpr:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		idx, err := c.compile(e.Index)
		if err != nil {
			return nil, err
		}
		return c.mapValues(types.Dynamic, []*cexpr{x, idx}, func(args []types.Value) (types.Value, error) {
			return index(args[0], args[1]), nil
		})
	}
	return nil, c.errorf(e, "unsupported scalar expression")
}

// dynamicValue converts a literal dynamic tree to the dynamic model.
func dynamicValue(e syntax.Expr) (any, error) {
	switch e := e.(type) {
	case nil:
		return nil, nil
	case *syntax.ArrayLit:
		out := make([]any, len(e.Elems))
		for i, x := range e.Elems {
			v, err := dynamicValue(x)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case *syntax.ObjectLit:
		bag := &types.Bag{}
		for i, k := range e.Keys {
			v, err := dynamicValue(e.Values[i])
			if err != nil {
				return nil, err
			}
			bag.Set(k, v)
		}
		return bag, nil
	case *syntax.Literal:
		v, err := check.LiteralValue(e)
		if err != nil {
			return nil, err
		}
		if v.IsNull() {
			return nil, nil
		}
		return types.ToDynamicElement(v), nil
	case *syntax.UnaryExpr:
		v, err := dynamicValue(e.X)
		if err != nil {
			return nil, err
		}
		if e.Op == "-" {
			r, err := types.UnaryMinus(types.FromDynamic(v))
			if err != nil {
				return nil, err
			}
			return types.ToDynamicElement(r), nil
		}
		return v, nil
	case *syntax.DynamicLit:
		return dynamicValue(e.Value)
	case *syntax.Ident:
		if e.Name == "null" {
			return nil, nil
		}
	}
	return nil, fmt.Errorf("unsupported value in dynamic literal")
}

func member(v types.Value, name string) types.Value {
	if v.Type != types.Dynamic || v.Null {
		return types.NullOf(types.Dynamic)
	}
	if bag, ok := v.D.(*types.Bag); ok {
		if x, ok := bag.Get(name); ok {
			return types.NewDynamic(x)
		}
	}
	return types.NullOf(types.Dynamic)
}

func index(v, idx types.Value) types.Value {
	if v.Type != types.Dynamic || v.Null {
		return types.NullOf(types.Dynamic)
	}
	switch d := v.D.(type) {
	case []any:
		i := types.ToLong(idx)
		if i.IsNull() {
			return types.NullOf(types.Dynamic)
		}
		n := i.I
		if n < 0 {
			n += int64(len(d))
		}
		if n < 0 || n >= int64(len(d)) {
			return types.NullOf(types.Dynamic)
		}
		return types.NewDynamic(d[n])
	case *types.Bag:
		if idx.Type == types.String {
			if x, ok := d.Get(idx.S); ok {
				return types.NewDynamic(x)
			}
		}
	}
	return types.NullOf(types.Dynamic)
}

func (c *compiler) ident(id *syntax.Ident) (*cexpr, error) {
	if c.schema != nil {
		if i := c.schema.Index(id.Name); i >= 0 {
			t := c.schema.Fields[i].Type
			return &cexpr{t: t, eval: func(b *batch.Batch) (*batch.Column, error) { return columnAt(b, i, id.Name) }}, nil
		}
	}
	bnd := c.p.env.lookup(id.Name)
	if bnd == nil {
		if c.schema != nil && c.schema.Open {
			return konstExpr(types.NullOf(types.Dynamic)), nil
		}
		return nil, c.errorf(id, "unknown column or name %s", id.Name)
	}
	switch {
	case bnd.expr != nil:
		return bnd.expr, nil
	case bnd.scalar != nil:
		v, err := c.p.scalarBinding(bnd)
		if err != nil {
			return nil, err
		}
		return konstExpr(v), nil
	case bnd.fn != nil && len(bnd.fn.Params) == 0:
		return c.userCall(&syntax.CallExpr{Fun: id, Lparen: id.End(), Rparen: id.End()}, bnd)
	}
	return nil, c.errorf(id, "%s is a table, not a scalar", id.Name)
}

// columnAt returns column i of b, or an error when an expression that
// refers to a column is evaluated without a row context.
func columnAt(b *batch.Batch, i int, name string) (*batch.Column, error) {
	if i >= len(b.Cols) {
		return nil, fmt.Errorf("column %s is not available here", name)
	}
	return b.Cols[i], nil
}

// mapValues builds an expression that applies fn row by row to the values
// of args. It folds constants.
func (c *compiler) mapValues(t types.Type, args []*cexpr, fn func([]types.Value) (types.Value, error)) (*cexpr, error) {
	allConst := true
	for _, a := range args {
		if !a.konst {
			allConst = false
		}
	}
	if allConst {
		vals := make([]types.Value, len(args))
		for i, a := range args {
			vals[i] = a.val
		}
		v, err := fn(vals)
		if err != nil {
			return nil, err
		}
		if t == types.Null {
			t = v.Type
		}
		if v.Type != t {
			v = convertTo(v, t)
		}
		return &cexpr{t: t, konst: true, val: v}, nil
	}
	return &cexpr{t: t, eval: func(b *batch.Batch) (*batch.Column, error) {
		cols := make([]*batch.Column, len(args))
		consts := make([]bool, len(args))
		vals := make([]types.Value, len(args))
		for i, a := range args {
			if a.konst {
				consts[i] = true
				vals[i] = a.val
				continue
			}
			col, err := a.eval(b)
			if err != nil {
				return nil, err
			}
			cols[i] = col
		}
		out := newBuilder(t, b.Len)
		for r := 0; r < b.Len; r++ {
			for i, col := range cols {
				if !consts[i] {
					vals[i] = valueAt(col, r)
				}
			}
			v, err := fn(vals)
			if err != nil {
				return nil, err
			}
			out.add(v)
		}
		return out.build(), nil
	}}, nil
}

// compileAll compiles es in order.
func (c *compiler) compileAll(es ...syntax.Expr) ([]*cexpr, error) {
	out := make([]*cexpr, len(es))
	for i, e := range es {
		x, err := c.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

func (c *compiler) binary(e *syntax.BinaryExpr) (*cexpr, error) {
	xy, err := c.compileAll(e.X, e.Y)
	if err != nil {
		return nil, err
	}
	x, y := xy[0], xy[1]
	op := e.Op
	switch {
	case op == "and" || op == "or":
		return logical(op, x, y), nil
	case op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=":
		if v := compareFast(op, x, y); v != nil {
			return v, nil
		}
		return c.mapValues(types.Bool, []*cexpr{x, y}, func(a []types.Value) (types.Value, error) {
			return types.CompareOp(op, a[0], a[1]), nil
		})
	}
	if sop := stringOp(op); sop != nil {
		if y.konst && (x.t == types.String || x.t == types.Guid) {
			needle := types.ToString(y.val)
			return stringPredicate(x, func(s string) bool { return sop(s, needle) }), nil
		}
		return c.mapValues(types.Bool, []*cexpr{x, y}, func(a []types.Value) (types.Value, error) {
			return types.NewBool(sop(types.ToString(a[0]), types.ToString(a[1]))), nil
		})
	}
	if op == "matches regex" {
		return c.regexMatch(e, x, y)
	}
	t, err := types.ArithType(op, x.t, y.t)
	if err != nil {
		return nil, c.errorf(e, "%v", err)
	}
	if v := arithFast(op, t, x, y); v != nil {
		return v, nil
	}
	return c.mapValues(t, []*cexpr{x, y}, func(a []types.Value) (types.Value, error) {
		return types.Arith(op, a[0], a[1])
	})
}

// stringPredicate evaluates pred once per row (once per dictionary entry for
// dictionary-encoded columns) over the string form of x.
func stringPredicate(x *cexpr, pred func(string) bool) *cexpr {
	if x.konst {
		return konstExpr(types.NewBool(pred(types.ToString(x.val))))
	}
	return &cexpr{t: types.Bool, eval: func(b *batch.Batch) (*batch.Column, error) {
		col, err := x.eval(b)
		if err != nil {
			return nil, err
		}
		out := &batch.Column{Type: types.Bool, Len: col.Len, Ints: make([]int64, col.Len)}
		switch {
		case col.Codes != nil:
			memo := make([]int8, len(col.Dict))
			for i, code := range col.Codes {
				m := memo[code]
				if m == 0 {
					m = 2
					if pred(col.Dict[code]) {
						m = 1
					}
					memo[code] = m
				}
				if m == 1 {
					out.Ints[i] = 1
				}
			}
		case col.Type == types.String:
			for i, s := range col.Strs[:col.Len] {
				if pred(s) {
					out.Ints[i] = 1
				}
			}
		default:
			for i := 0; i < col.Len; i++ {
				if pred(types.ToString(valueAt(col, i))) {
					out.Ints[i] = 1
				}
			}
		}
		return out, nil
	}}
}

// stringOp returns the implementation of a string operator, or nil.
func stringOp(op string) func(s, needle string) bool {
	neg := strings.HasPrefix(op, "!")
	base := strings.TrimPrefix(op, "!")
	var f func(s, n string) bool
	switch base {
	case "=~":
		f = types.EqualFold
	case "~":
		if neg {
			f = types.EqualFold // !~
		}
	case "has":
		f = func(s, n string) bool { return types.Has(s, n, false) }
	case "has_cs":
		f = func(s, n string) bool { return types.Has(s, n, true) }
	case "hasprefix":
		f = func(s, n string) bool { return types.HasPrefix(s, n, false) }
	case "hasprefix_cs":
		f = func(s, n string) bool { return types.HasPrefix(s, n, true) }
	case "hassuffix":
		f = func(s, n string) bool { return types.HasSuffix(s, n, false) }
	case "hassuffix_cs":
		f = func(s, n string) bool { return types.HasSuffix(s, n, true) }
	case "contains":
		f = func(s, n string) bool { return types.Contains(s, n, false) }
	case "contains_cs":
		f = func(s, n string) bool { return types.Contains(s, n, true) }
	case "startswith":
		f = func(s, n string) bool { return types.StartsWith(s, n, false) }
	case "startswith_cs":
		f = func(s, n string) bool { return types.StartsWith(s, n, true) }
	case "endswith":
		f = func(s, n string) bool { return types.EndsWith(s, n, false) }
	case "endswith_cs":
		f = func(s, n string) bool { return types.EndsWith(s, n, true) }
	case "like":
		return nil
	}
	if f == nil {
		return nil
	}
	if neg {
		return func(s, n string) bool { return !f(s, n) }
	}
	return f
}

func logical(op string, x, y *cexpr) *cexpr {
	combine := types.And
	if op == "or" {
		combine = types.Or
	}
	if x.konst && y.konst {
		return konstExpr(combine(asBool(x.val), asBool(y.val)))
	}
	return &cexpr{t: types.Bool, eval: func(b *batch.Batch) (*batch.Column, error) {
		xc, err := x.run(b)
		if err != nil {
			return nil, err
		}
		// Short-circuit per batch: rows decided by x need not evaluate y,
		// but y is vectorised, so evaluate it whole unless x decides all.
		decided := true
		for i := 0; i < xc.Len; i++ {
			xv := boolAt(xc, i)
			if op == "and" && xv != 0 || op == "or" && xv != 1 {
				decided = false
				break
			}
		}
		out := &batch.Column{Type: types.Bool, Len: xc.Len, Ints: make([]int64, xc.Len)}
		if decided {
			if op == "or" {
				for i := range out.Ints {
					out.Ints[i] = 1
				}
			}
			return out, nil
		}
		yc, err := y.run(b)
		if err != nil {
			return nil, err
		}
		for i := 0; i < xc.Len; i++ {
			a, bb := boolAt(xc, i), boolAt(yc, i)
			var r int8
			if op == "and" {
				switch {
				case a == 0 || bb == 0:
					r = 0
				case a == 2 || bb == 2:
					r = 2
				default:
					r = 1
				}
			} else {
				switch {
				case a == 1 || bb == 1:
					r = 1
				case a == 2 || bb == 2:
					r = 2
				default:
					r = 0
				}
			}
			switch r {
			case 1:
				out.Ints[i] = 1
			case 2:
				if out.Nulls == nil {
					out.Nulls = make([]bool, xc.Len)
				}
				out.Nulls[i] = true
			}
		}
		return out, nil
	}}
}

func asBool(v types.Value) types.Value {
	if v.Type == types.Bool {
		return v
	}
	return types.ToBool(v)
}

// boolAt returns 0 (false), 1 (true) or 2 (null) for row i of a column
// used as a condition.
func boolAt(c *batch.Column, i int) int8 {
	if c.IsNull(i) {
		return 2
	}
	if c.Type == types.Bool {
		if c.Ints[i] != 0 {
			return 1
		}
		return 0
	}
	v := asBool(valueAt(c, i))
	if v.IsNull() {
		return 2
	}
	if v.I != 0 {
		return 1
	}
	return 0
}

func intFamily(t types.Type) bool {
	switch t {
	case types.Int, types.Long, types.DateTime, types.TimeSpan, types.Bool:
		return true
	}
	return false
}

// compareFast specialises comparisons of integer-like columns with each
// other or with constants, and string equality.
func compareFast(op string, x, y *cexpr) *cexpr {
	if x.konst && y.konst {
		return nil
	}
	sameInts := intFamily(x.t) && intFamily(y.t) && (x.t == y.t || x.t.IsInteger() && y.t.IsInteger())
	if sameInts {
		cmp := intCmp(op)
		if cmp == nil {
			return nil
		}
		return &cexpr{t: types.Bool, eval: func(b *batch.Batch) (*batch.Column, error) {
			xc, err := x.run(b)
			if err != nil {
				return nil, err
			}
			yc, err := y.run(b)
			if err != nil {
				return nil, err
			}
			out := &batch.Column{Type: types.Bool, Len: b.Len, Ints: make([]int64, b.Len)}
			for i := 0; i < b.Len; i++ {
				if xc.IsNull(i) || yc.IsNull(i) {
					if op == "==" || op == "!=" {
						bothNull := xc.IsNull(i) && yc.IsNull(i)
						if bothNull {
							if out.Nulls == nil {
								out.Nulls = make([]bool, b.Len)
							}
							out.Nulls[i] = true
						} else if op == "!=" {
							out.Ints[i] = 1
						}
						continue
					}
					if out.Nulls == nil {
						out.Nulls = make([]bool, b.Len)
					}
					out.Nulls[i] = true
					continue
				}
				if cmp(xc.Ints[i], yc.Ints[i]) {
					out.Ints[i] = 1
				}
			}
			return out, nil
		}}
	}
	if (op == "==" || op == "!=") && x.t == types.String && y.konst && y.val.Type == types.String {
		s := y.val.S
		if op == "==" {
			return stringPredicate(x, func(v string) bool { return v == s })
		}
		return stringPredicate(x, func(v string) bool { return v != s })
	}
	return nil
}

func intCmp(op string) func(a, b int64) bool {
	switch op {
	case "==":
		return func(a, b int64) bool { return a == b }
	case "!=":
		return func(a, b int64) bool { return a != b }
	case "<":
		return func(a, b int64) bool { return a < b }
	case "<=":
		return func(a, b int64) bool { return a <= b }
	case ">":
		return func(a, b int64) bool { return a > b }
	case ">=":
		return func(a, b int64) bool { return a >= b }
	}
	return nil
}

// arithFast specialises datetime/timespan/long addition and subtraction
// with a constant.
func arithFast(op string, t types.Type, x, y *cexpr) *cexpr {
	if x.konst || !y.konst || y.val.IsNull() || (op != "+" && op != "-") {
		return nil
	}
	ok := (x.t == types.DateTime && y.t == types.TimeSpan && t == types.DateTime) ||
		(x.t == types.TimeSpan && y.t == types.TimeSpan && t == types.TimeSpan) ||
		(x.t == types.Long && y.t.IsInteger() && t == types.Long)
	if !ok {
		return nil
	}
	d := y.val.I
	if op == "-" {
		d = -d
	}
	return mapInts(t, x, func(v int64) int64 { return v + d })
}

func (c *compiler) between(e *syntax.BetweenExpr) (*cexpr, error) {
	args, err := c.compileAll(e.X, e.Lo, e.Hi)
	if err != nil {
		return nil, err
	}
	not := e.Not
	return c.mapValues(types.Bool, args, func(a []types.Value) (types.Value, error) {
		l := types.CompareOp(">=", a[0], a[1])
		h := types.CompareOp("<=", a[0], a[2])
		r := types.And(l, h)
		if not {
			return types.Not(r), nil
		}
		return r, nil
	})
}

// in compiles in, !in, in~, !in~, has_any and has_all.
func (c *compiler) in(e *syntax.InExpr) (*cexpr, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	var items []*cexpr
	var consts []types.Value
	allConst := true
	for _, el := range e.List {
		if c.p.isTabular(el) {
			vals, err := c.p.firstColumnValues(el)
			if err != nil {
				return nil, err
			}
			consts = append(consts, vals...)
			continue
		}
		ce, err := c.compile(el)
		if err != nil {
			return nil, err
		}
		if ce.konst {
			if ce.val.Type == types.Dynamic {
				if arr, ok := ce.val.D.([]any); ok {
					for _, d := range arr {
						consts = append(consts, types.FromDynamic(d))
					}
					continue
				}
			}
			consts = append(consts, ce.val)
			continue
		}
		allConst = false
		items = append(items, ce)
	}
	op := e.Op
	switch op {
	case "has_any", "has_all":
		all := op == "has_all"
		needles := make([]string, 0, len(consts))
		for _, v := range consts {
			needles = append(needles, types.ToString(v))
		}
		if !allConst {
			return c.mapValues(types.Bool, append([]*cexpr{x}, items...), func(a []types.Value) (types.Value, error) {
				s := types.ToString(a[0])
				ns := append([]string(nil), needles...)
				for _, v := range a[1:] {
					ns = append(ns, dynStrings(v)...)
				}
				return types.NewBool(hasTerms(s, ns, all)), nil
			})
		}
		return stringPredicate(x, func(s string) bool { return hasTerms(s, needles, all) }), nil
	}
	neg := strings.HasPrefix(op, "!")
	ci := strings.HasSuffix(op, "~")
	if !allConst {
		return c.mapValues(types.Bool, append([]*cexpr{x}, items...), func(a []types.Value) (types.Value, error) {
			found := false
			for _, v := range append(append([]types.Value(nil), consts...), a[1:]...) {
				if inMatch(a[0], v, ci) {
					found = true
					break
				}
			}
			return types.NewBool(found != neg), nil
		})
	}
	if x.t == types.String {
		set := map[string]bool{}
		for _, v := range consts {
			s := types.ToString(v)
			if ci {
				s = strings.ToLower(s)
			}
			set[s] = true
		}
		return stringPredicate(x, func(s string) bool {
			if ci {
				s = strings.ToLower(s)
			}
			return set[s] != neg
		}), nil
	}
	set := map[types.Key]bool{}
	for _, v := range consts {
		set[types.KeyOf(v)] = true
	}
	return c.mapValues(types.Bool, []*cexpr{x}, func(a []types.Value) (types.Value, error) {
		if a[0].IsNull() {
			return types.NewBool(neg), nil
		}
		v := a[0]
		if v.Type == types.Dynamic {
			v = types.FromDynamic(v.D)
		}
		found := set[types.KeyOf(v)]
		if !found && v.Type.IsNumeric() {
			for _, k := range consts {
				if types.Equal(v, k).Bool() {
					found = true
					break
				}
			}
		}
		return types.NewBool(found != neg), nil
	})
}

func dynStrings(v types.Value) []string {
	if v.Type == types.Dynamic {
		if arr, ok := v.D.([]any); ok {
			out := make([]string, len(arr))
			for i, d := range arr {
				out[i] = types.DynamicToString(d)
			}
			return out
		}
	}
	return []string{types.ToString(v)}
}

func hasTerms(s string, needles []string, all bool) bool {
	for _, n := range needles {
		h := types.Has(s, n, false)
		if all && !h {
			return false
		}
		if !all && h {
			return true
		}
	}
	return all && len(needles) > 0
}

func inMatch(a, b types.Value, ci bool) bool {
	if ci {
		return types.EqualFold(types.ToString(a), types.ToString(b))
	}
	if a.Type == types.String || b.Type == types.String {
		return types.ToString(a) == types.ToString(b) && (a.Type == b.Type || a.Type == types.Dynamic || b.Type == types.Dynamic || a.Type == types.Guid || b.Type == types.Guid)
	}
	return types.Equal(a, b).Bool()
}

func (c *compiler) regexMatch(e *syntax.BinaryExpr, x, y *cexpr) (*cexpr, error) {
	if !y.konst {
		return nil, c.errorf(e.Y, "matches regex needs a constant pattern")
	}
	re, err := c.p.q.compileRegex(types.ToString(y.val))
	if err != nil {
		return nil, c.errorf(e.Y, "invalid regex: %v", err)
	}
	return stringPredicate(x, re.MatchString), nil
}

// call compiles a function call.
func (c *compiler) call(e *syntax.CallExpr) (*cexpr, error) {
	name := e.Fun.Name
	if bnd := c.p.env.lookup(name); bnd != nil && bnd.fn != nil {
		return c.userCall(e, bnd)
	}
	switch name {
	case "toscalar":
		return c.toscalar(e)
	case "column_ifexists":
		if len(e.Args) != 2 {
			return nil, c.errorf(e, "column_ifexists() takes two arguments")
		}
		nameExpr, err := c.compile(e.Args[0])
		if err != nil {
			return nil, err
		}
		if !nameExpr.konst {
			return nil, c.errorf(e.Args[0], "column_ifexists() needs a constant column name")
		}
		name := types.ToString(nameExpr.val)
		if c.schema != nil {
			if i := c.schema.Index(name); i >= 0 {
				t := c.schema.Fields[i].Type
				return &cexpr{t: t, eval: func(b *batch.Batch) (*batch.Column, error) { return columnAt(b, i, name) }}, nil
			}
		}
		return c.compile(e.Args[1])
	case "pack_all", "bag_pack_all":
		return c.packAll(e)
	case "bag_pack_columns":
		return c.packColumns(e)
	case "ingestion_time":
		// Offline data has no ingestion time: use the _IngestionTime
		// column when the source provides one, else TimeGenerated.
		for _, name := range []string{"_IngestionTime", "TimeGenerated"} {
			if c.schema != nil {
				if i := c.schema.Index(name); i >= 0 && c.schema.Fields[i].Type == types.DateTime {
					return &cexpr{t: types.DateTime, eval: func(b *batch.Batch) (*batch.Column, error) { return columnAt(b, i, name) }}, nil
				}
			}
		}
		return &cexpr{t: types.DateTime, konst: true, val: types.NullOf(types.DateTime)}, nil
	case "cursor_current":
		return konstExpr(types.NewString("")), nil
	case "typeof":
		name, ok := check.TypeOfArg(e)
		if !ok {
			return nil, c.errorf(e, "typeof() expects a type name")
		}
		return konstExpr(types.NewString(name)), nil
	case "row_number", "prev", "next", "row_cumsum", "row_rank_min", "row_rank_dense", "row_rank", "row_window_session":
		if !c.window {
			return nil, c.errorf(e, "%s() needs serialized input", name)
		}
		return c.windowCall(e)
	case "iff", "iif":
		if len(e.Args) == 3 {
			return c.iff(e)
		}
	}
	f := check.LookupFunc(name)
	if f == nil {
		return nil, c.errorf(e.Fun, "unknown function %s", name)
	}
	if f.Kind == funcs.Aggregate {
		if c.agg == nil {
			return nil, c.errorf(e.Fun, "aggregate function %s() is only allowed in summarize", name)
		}
		return c.agg.add(c, e, f)
	}
	if f.Eval == nil {
		return nil, c.errorf(e.Fun, "function %s() is not supported here", name)
	}
	args := make([]*cexpr, len(e.Args))
	argTypes := make([]types.Type, len(e.Args))
	for i, a := range e.Args {
		ce, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = ce
		argTypes[i] = ce.t
	}
	t, err := check.CallType(f, e, argTypes)
	if err != nil {
		return nil, c.errorf(e, "%v", err)
	}
	if len(f.Outputs) > 0 {
		t = types.Dynamic // a bag of the outputs, expanded by extend/project
	}
	if v := c.fastCall(name, t, args); v != nil {
		return v, nil
	}
	fctx := c.p.q.fctx
	if volatile[name] {
		return c.mapVolatile(t, args, func(a []types.Value) (types.Value, error) { return f.Eval(fctx, a) })
	}
	return c.mapValues(t, args, func(a []types.Value) (types.Value, error) {
		v, err := f.Eval(fctx, a)
		if err != nil {
			return v, fmt.Errorf("%s(): %w", name, err)
		}
		return v, nil
	})
}

// volatile functions must not be folded into constants.
var volatile = map[string]bool{"rand": true, "new_guid": true}

func (c *compiler) mapVolatile(t types.Type, args []*cexpr, fn func([]types.Value) (types.Value, error)) (*cexpr, error) {
	dummy := &cexpr{t: types.Null, eval: func(b *batch.Batch) (*batch.Column, error) {
		return constColumn(types.NullOf(types.Null), types.Null, b.Len), nil
	}}
	n := len(args)
	return c.mapValues(t, append(append([]*cexpr(nil), args...), dummy), func(a []types.Value) (types.Value, error) {
		return fn(a[:n])
	})
}

// fastCall specialises common functions over columns.
func (c *compiler) fastCall(name string, t types.Type, args []*cexpr) *cexpr {
	switch name {
	case "isnotempty", "isempty", "notempty":
		if len(args) == 1 && args[0].t == types.String && !args[0].konst {
			want := name != "isempty"
			return stringPredicate(args[0], func(s string) bool { return (s != "") == want })
		}
	case "bin", "floor":
		if len(args) == 2 && !args[0].konst && args[1].konst && intFamily(args[0].t) && args[0].t != types.Bool &&
			(args[1].val.Type == types.TimeSpan || args[1].val.Type.IsInteger()) && !args[1].val.IsNull() && args[1].val.I > 0 && t == args[0].t {
			x, size := args[0], args[1].val.I
			return mapInts(t, x, func(v int64) int64 { return types.FloorDiv(v, size) * size })
		}
	}
	return nil
}

func (c *compiler) iff(e *syntax.CallExpr) (*cexpr, error) {
	cond, err := c.compile(e.Args[0])
	if err != nil {
		return nil, err
	}
	a, err := c.compile(e.Args[1])
	if err != nil {
		return nil, err
	}
	b, err := c.compile(e.Args[2])
	if err != nil {
		return nil, err
	}
	t := a.t
	if t == types.Null {
		t = b.t
	} else if ct, ok := funcs.CommonType(a.t, b.t); ok {
		t = ct
	}
	return c.mapValues(t, []*cexpr{cond, a, b}, func(v []types.Value) (types.Value, error) {
		if asBool(v[0]).Bool() {
			return v[1], nil
		}
		return v[2], nil
	})
}

func (c *compiler) toscalar(e *syntax.CallExpr) (*cexpr, error) {
	if len(e.Args) != 1 {
		return nil, c.errorf(e, "toscalar() takes one argument")
	}
	if !c.p.isTabular(e.Args[0]) {
		return c.compile(e.Args[0])
	}
	res, err := c.p.runTabular(e.Args[0])
	if err != nil {
		return nil, err
	}
	if len(res.Schema.Fields) == 0 {
		return konstExpr(types.NullOf(types.Null)), nil
	}
	t := res.Schema.Fields[0].Type
	if res.NumRows() == 0 {
		return &cexpr{t: t, konst: true, val: types.NullOf(t)}, nil
	}
	return &cexpr{t: t, konst: true, val: res.Value(0, 0)}, nil
}

func (c *compiler) packAll(e *syntax.CallExpr) (*cexpr, error) {
	ignoreNulls := false
	if len(e.Args) == 1 {
		a, err := c.compile(e.Args[0])
		if err != nil {
			return nil, err
		}
		ignoreNulls = a.konst && asBool(a.val).Bool()
	}
	s := c.schema
	return &cexpr{t: types.Dynamic, eval: func(b *batch.Batch) (*batch.Column, error) {
		out := &batch.Column{Type: types.Dynamic, Len: b.Len, Dyns: make([]any, b.Len)}
		for r := 0; r < b.Len; r++ {
			bag := &types.Bag{}
			for j, f := range s.Fields {
				v := valueAt(b.Cols[j], r)
				if ignoreNulls && (v.IsNull() || v.Type == types.String && v.S == "") {
					continue
				}
				var d any
				if !v.IsNull() {
					d = types.ToDynamicElement(v)
				}
				bag.Keys = append(bag.Keys, f.Name)
				bag.Vals = append(bag.Vals, d)
			}
			out.Dyns[r] = bag
		}
		return out, nil
	}}, nil
}

// packColumns builds bag_pack_columns(c1, c2, ...): a bag keyed by the
// column names.
func (c *compiler) packColumns(e *syntax.CallExpr) (*cexpr, error) {
	names := make([]string, len(e.Args))
	args := make([]*cexpr, len(e.Args))
	for i, a := range e.Args {
		names[i] = check.ExprName(a)
		if names[i] == "" {
			return nil, c.errorf(a, "bag_pack_columns() expects column names")
		}
		ce, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = ce
	}
	return c.mapValues(types.Dynamic, args, func(vals []types.Value) (types.Value, error) {
		bag := &types.Bag{}
		for i, v := range vals {
			var d any
			if !v.IsNull() {
				d = types.ToDynamicElement(v)
			}
			bag.Set(names[i], d)
		}
		return types.NewDynamic(bag), nil
	})
}

// userCall inlines a scalar user function: its parameters are bound to the
// compiled arguments and its body compiled in the caller's row context.
func (c *compiler) userCall(e *syntax.CallExpr, bnd *binding) (*cexpr, error) {
	fn := bnd.fn
	if c.p.q.callDepth >= maxCallDepth {
		return nil, c.errorf(e, "function calls nested too deeply (recursive function %s?)", e.Fun.Name)
	}
	c.p.q.callDepth++
	defer func() { c.p.q.callDepth-- }()
	inner, err := c.p.bindArgs(e, bnd, c)
	if err != nil {
		return nil, err
	}
	sub := &compiler{p: c.p.with(inner), schema: c.schema, agg: c.agg, window: c.window}
	var last syntax.Expr
	for _, st := range fn.Body {
		switch st := st.(type) {
		case *syntax.LetStmt:
			if _, isFn := st.Value.(*syntax.FuncLit); !isFn && !sub.p.isTabular(st.Value) {
				// A scalar let in a function body may use the
				// parameters, which can depend on the row.
				ce, err := sub.compile(st.Value)
				if err != nil {
					return nil, err
				}
				sub.p.env.vars[st.Name.Name] = &binding{expr: ce}
				continue
			}
			if err := sub.p.let(st); err != nil {
				return nil, err
			}
		case *syntax.ExprStmt:
			last = st.X
		}
	}
	if last == nil {
		return nil, c.errorf(e, "function %s has no result expression", e.Fun.Name)
	}
	if sub.p.isTabular(last) {
		return nil, c.errorf(e, "function %s returns a table, not a scalar", e.Fun.Name)
	}
	return sub.compile(last)
}

// mapInts is a column of type t holding f of each value of the
// integer-backed x; nulls stay null.
func mapInts(t types.Type, x *cexpr, f func(int64) int64) *cexpr {
	return &cexpr{t: t, eval: func(b *batch.Batch) (*batch.Column, error) {
		xc, err := x.eval(b)
		if err != nil {
			return nil, err
		}
		out := &batch.Column{Type: t, Len: xc.Len, Ints: make([]int64, xc.Len)}
		if xc.Nulls != nil {
			out.Nulls = append([]bool(nil), xc.Nulls[:xc.Len]...)
		}
		for i, v := range xc.Ints[:xc.Len] {
			out.Ints[i] = f(v)
		}
		return out, nil
	}}
}
