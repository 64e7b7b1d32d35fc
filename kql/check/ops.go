package check

import (
	"fmt"
	"path"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func cloneSchema(s *batch.Schema) *batch.Schema {
	if s == nil {
		return &batch.Schema{}
	}
	return &batch.Schema{Fields: append([]batch.Field(nil), s.Fields...), Open: s.Open}
}

// setField replaces the field named f.Name in place, or appends it.
func setField(s *batch.Schema, f batch.Field) {
	if i := s.Index(f.Name); i >= 0 {
		s.Fields[i] = f
		return
	}
	s.Fields = append(s.Fields, f)
}

// WildcardMatch reports whether name matches a pattern that may contain
// '*' wildcards (as in project-away Prop*).
func WildcardMatch(pattern, name string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == name
	}
	ok, err := path.Match(strings.NewReplacer("[", "\\[", "?", "\\?", "\\", "\\\\").Replace(pattern), name)
	return err == nil && ok
}

// OpParam returns the value of the named operator parameter as text (the
// keyword or literal as written), and whether it is present.
func OpParam(params []*syntax.OpParam, name string) (string, bool) {
	for _, p := range params {
		if strings.EqualFold(p.Name, name) {
			switch v := p.Value.(type) {
			case *syntax.Ident:
				return v.Name, true
			case *syntax.Literal:
				if v.Kind == syntax.LitString {
					return v.Value, true
				}
				return v.Raw, true
			case nil:
				return "", true
			}
			return "", true
		}
	}
	return "", false
}

// op checks one operator applied to rows of schema in and returns the
// output schema.
func (c *checker) op(op syntax.Operator, in *batch.Schema, sc *scope) *batch.Schema {
	out := c.op1(op, in, sc)
	if out == nil {
		out = &batch.Schema{}
	}
	c.info.Schemas[op] = out
	return out
}

func (c *checker) rs(in *batch.Schema) *rowScope {
	return &rowScope{schema: in, fuzzy: in != nil && in.Open, serialized: c.ser}
}

func (c *checker) op1(op syntax.Operator, in *batch.Schema, sc *scope) *batch.Schema {
	if out, ok := c.opX(op, in, sc); ok {
		return out
	}
	rs := c.rs(in)
	switch op := op.(type) {
	case *syntax.WhereOp:
		t := c.expr(op.Pred, sc, rs)
		if t != types.Bool && t != types.Null && t != types.Dynamic {
			c.errorf(op.Pred.Pos(), "%s predicate must be bool, not %s", op.Keyword, t)
		}
		return in
	case *syntax.ProjectOp:
		return c.project(op, in, sc)
	case *syntax.SummarizeOp:
		return c.summarize(op, in, sc)
	case *syntax.JoinOp:
		return c.join(op, op.Params, op.Right, op.On, in, sc, false)
	case *syntax.LookupOp:
		return c.join(op, op.Params, op.Right, op.On, in, sc, true)
	case *syntax.UnionOp:
		return c.union(op, in, sc)
	case *syntax.SortOp:
		c.sortKeys(op.Keys, sc, rs)
		return in
	case *syntax.TopOp:
		c.countExpr(op.Count, sc)
		c.sortKeys(op.Keys, sc, rs)
		return in
	case *syntax.TakeOp:
		c.countExpr(op.Count, sc)
		return in
	case *syntax.DistinctOp:
		out := &batch.Schema{}
		for _, it := range op.Items {
			if _, ok := it.(*syntax.StarExpr); ok {
				return in
			}
			t := c.expr(it, sc, rs)
			name := ExprName(it)
			if name == "" {
				name = fmt.Sprintf("Column%d", len(out.Fields)+1)
			}
			c.info.Names[it] = []string{name}
			setField(out, batch.Field{Name: name, Type: t})
		}
		return out
	case *syntax.CountOp:
		return &batch.Schema{Fields: []batch.Field{{Name: "Count", Type: types.Long}}}
	case *syntax.MvExpandOp:
		return c.mvExpand(op, in, sc)
	case *syntax.ParseOp:
		c.expr(op.X, sc, rs)
		out := cloneSchema(in)
		for _, n := range op.Pattern {
			if cd, ok := n.(*syntax.ColumnDecl); ok {
				ty := types.String
				if cd.Type != nil {
					pt, ok := types.ParseType(cd.Type.Name)
					if !ok {
						c.errorf(cd.Type.NamePos, "unknown type %q", cd.Type.Name)
					} else {
						ty = pt
					}
				}
				setField(out, batch.Field{Name: cd.Name.Name, Type: ty})
			}
		}
		return out
	case *syntax.SerializeOp:
		out := cloneSchema(in)
		rs.serialized = true
		c.extendItems(op.Items, out, sc, rs)
		return out
	case *syntax.AsOp:
		sc.syms[op.Alias.Name] = &Symbol{Kind: SymTable, Name: op.Alias.Name, Schema: in}
		return in
	case *syntax.GetSchemaOp:
		return &batch.Schema{Fields: []batch.Field{
			{Name: "ColumnName", Type: types.String},
			{Name: "ColumnOrdinal", Type: types.Int},
			{Name: "DataType", Type: types.String},
			{Name: "ColumnType", Type: types.String},
		}}
	case *syntax.RenderOp:
		return in
	case *syntax.ConsumeOp:
		return &batch.Schema{}
	case *syntax.EvaluateOp:
		return c.evaluate(op, in, sc)
	case *syntax.RangeOp:
		ft := c.expr(op.From, sc, nil)
		c.expr(op.To, sc, nil)
		c.expr(op.Step, sc, nil)
		return &batch.Schema{Fields: []batch.Field{{Name: op.Column.Name, Type: ft}}}
	case *syntax.PrintOp:
		out := &batch.Schema{}
		for i, it := range op.Items {
			t := c.expr(it, sc, nil)
			if fields := multiOutputFields(it); fields != nil {
				var names []string
				for _, f := range fields {
					setField(out, f)
					names = append(names, f.Name)
				}
				c.info.Names[it] = names
				continue
			}
			name := fmt.Sprintf("print_%d", i)
			if ne, ok := it.(*syntax.NamedExpr); ok && len(ne.Names) > 0 {
				name = ne.Names[0].Name
			}
			c.info.Names[it] = []string{name}
			setField(out, batch.Field{Name: name, Type: t})
		}
		return out
	case *syntax.DataTableOp:
		return c.datatable(op, sc)
	case *syntax.ExternalDataOp:
		out := &batch.Schema{}
		for _, cd := range op.Columns {
			out.Fields = append(out.Fields, batch.Field{Name: cd.Name.Name, Type: declType(cd)})
		}
		return out
	}
	if out, ok := c.opMore(op, in, sc); ok {
		return out
	}
	c.errorf(op.Pos(), "operator %s is not supported", op.Name())
	return &batch.Schema{Open: true}
}

// declType is the type of a declared column: string when none is written
// or the name is unknown (reported elsewhere).
func declType(cd *syntax.ColumnDecl) types.Type {
	return typeOrString(cd.Type)
}

// typeOrString is the type r names, or string when r is nil or names no
// known type.
func typeOrString(r *syntax.TypeRef) types.Type {
	if r == nil {
		return types.String
	}
	if t, ok := types.ParseType(r.Name); ok {
		return t
	}
	return types.String
}

func (c *checker) countExpr(e syntax.Expr, sc *scope) {
	if e == nil {
		return
	}
	t := c.expr(e, sc, nil)
	if t != types.Null && !t.IsInteger() {
		c.errorf(e.Pos(), "row count must be an integer, not %s", t)
	}
}

func (c *checker) sortKeys(keys []*syntax.SortKey, sc *scope, rs *rowScope) {
	for _, k := range keys {
		c.expr(k.X, sc, rs)
	}
}

func itemName(it syntax.Expr, def string) string {
	if ne, ok := it.(*syntax.NamedExpr); ok && len(ne.Names) > 0 {
		return ne.Names[0].Name
	}
	if n := ExprName(it); n != "" {
		return n
	}
	return def
}

// multiItem adds to out the columns of an item that yields several (a
// function with several outputs, or a (a, b)=... assignment, whose columns
// are dynamic) and records their names; it reports whether it did.
func (c *checker) multiItem(it syntax.Expr, out *batch.Schema) bool {
	var names []string
	if fields := multiOutputFields(it); fields != nil {
		for _, f := range fields {
			setField(out, f)
			names = append(names, f.Name)
		}
	} else if ne, ok := it.(*syntax.NamedExpr); ok && len(ne.Names) > 1 {
		for _, id := range ne.Names {
			names = append(names, id.Name)
			setField(out, batch.Field{Name: id.Name, Type: types.Dynamic})
		}
	} else {
		return false
	}
	c.info.Names[it] = names
	return true
}

// extendItems applies extend-style assignments to out.
func (c *checker) extendItems(items []syntax.Expr, out *batch.Schema, sc *scope, rs *rowScope) {
	n := 0
	for _, it := range items {
		scope := &rowScope{schema: out, fuzzy: rs.fuzzy, serialized: rs.serialized}
		t := c.expr(it, sc, scope)
		if c.multiItem(it, out) {
			continue
		}
		name := itemName(it, "")
		if name == "" {
			n++
			name = UniqueName(fmt.Sprintf("Column%d", n), func(s string) bool { return out.Index(s) >= 0 })
		}
		c.info.Names[it] = []string{name}
		setField(out, batch.Field{Name: name, Type: t})
	}
}

func (c *checker) project(op *syntax.ProjectOp, in *batch.Schema, sc *scope) *batch.Schema {
	rs := c.rs(in)
	switch op.Keyword {
	case "extend":
		out := cloneSchema(in)
		c.extendItems(op.Items, out, sc, rs)
		return out
	case "project":
		out := &batch.Schema{}
		n := 0
		for _, it := range op.Items {
			if id, ok := it.(*syntax.Ident); ok && strings.Contains(id.Name, "*") {
				for _, f := range in.Fields {
					if WildcardMatch(id.Name, f.Name) {
						setField(out, f)
					}
				}
				continue
			}
			t := c.expr(it, sc, rs)
			if c.multiItem(it, out) {
				continue
			}
			name := itemName(it, "")
			if name == "" {
				n++
				name = fmt.Sprintf("Column%d", n)
			}
			if out.Index(name) >= 0 {
				c.errorf(it.Pos(), "column %s is projected more than once", name)
			}
			c.info.Names[it] = []string{name}
			setField(out, batch.Field{Name: name, Type: t})
		}
		return out
	case "project-away", "project-keep":
		keep := op.Keyword == "project-keep"
		match := make([]bool, len(in.Fields))
		for _, it := range op.Items {
			id, ok := it.(*syntax.Ident)
			if !ok {
				c.errorf(it.Pos(), "%s expects column names", op.Keyword)
				continue
			}
			found := false
			for i, f := range in.Fields {
				if WildcardMatch(id.Name, f.Name) {
					match[i] = true
					found = true
				}
			}
			if found {
				c.info.Refs[id] = &Symbol{Kind: SymColumn, Name: id.Name}
			} else if !strings.Contains(id.Name, "*") && !in.Open {
				c.unknownName(id, rs, sc)
			}
		}
		out := &batch.Schema{Open: in.Open}
		for i, f := range in.Fields {
			if match[i] == keep {
				out.Fields = append(out.Fields, f)
			}
		}
		return out
	case "project-rename":
		out := cloneSchema(in)
		for _, it := range op.Items {
			ne, ok := it.(*syntax.NamedExpr)
			if !ok || len(ne.Names) != 1 {
				c.errorf(it.Pos(), "project-rename expects NewName = ExistingName")
				continue
			}
			old, ok := ne.Value.(*syntax.Ident)
			if !ok {
				c.errorf(ne.Value.Pos(), "project-rename expects a column name")
				continue
			}
			i := out.Index(old.Name)
			if i < 0 {
				c.unknownName(old, rs, sc)
				continue
			}
			c.info.Refs[old] = &Symbol{Kind: SymColumn, Name: old.Name, Type: out.Fields[i].Type}
			if j := out.Index(ne.Names[0].Name); j >= 0 && j != i {
				out.Fields = append(out.Fields[:j], out.Fields[j+1:]...)
				if j < i {
					i--
				}
			}
			out.Fields[i].Name = ne.Names[0].Name
			c.info.Names[it] = []string{ne.Names[0].Name}
		}
		return out
	case "project-reorder":
		out := &batch.Schema{Open: in.Open}
		used := make([]bool, len(in.Fields))
		for _, it := range op.Items {
			id, ok := ReorderPattern(it)
			if !ok {
				c.errorf(it.Pos(), "project-reorder expects column names")
				continue
			}
			found := false
			for i, f := range in.Fields {
				if !used[i] && WildcardMatch(id.Name, f.Name) {
					used[i] = true
					found = true
					out.Fields = append(out.Fields, f)
				}
			}
			if !found && !strings.Contains(id.Name, "*") && in.Index(id.Name) < 0 && !in.Open {
				// A column already placed by an earlier pattern keeps
				// its place; only a name the input lacks is an error.
				c.unknownName(id, rs, sc)
			}
		}
		for i, f := range in.Fields {
			if !used[i] {
				out.Fields = append(out.Fields, f)
			}
		}
		return out
	}
	c.errorf(op.Pos(), "operator %s is not supported", op.Keyword)
	return in
}

// multiOutputFields returns the columns of an extend/project item that
// calls a multi-column function (series_stats, series_fit_line, ...), or
// nil.
func multiOutputFields(it syntax.Expr) []batch.Field {
	var tuple []string
	if ne, ok := it.(*syntax.NamedExpr); ok {
		for _, id := range ne.Names {
			tuple = append(tuple, id.Name)
		}
	}
	call := aggCall(it)
	if call == nil {
		return nil
	}
	f := LookupFunc(call.Fun.Name)
	if f == nil || len(f.Outputs) == 0 {
		return nil
	}
	names := OutputNames(f, call, tuple)
	fields := make([]batch.Field, len(names))
	for i, n := range names {
		fields[i] = batch.Field{Name: n, Type: f.Outputs[i].Type}
	}
	return fields
}

// isArgMinMax reports whether a call is arg_max/arg_min (with their older
// names), whose output is several columns.
func isArgMinMax(call *syntax.CallExpr) bool {
	switch strings.ToLower(call.Fun.Name) {
	case "arg_max", "arg_min", "argmax", "argmin":
		return true
	}
	return false
}

func aggCall(e syntax.Expr) *syntax.CallExpr {
	if ne, ok := e.(*syntax.NamedExpr); ok {
		e = ne.Value
	}
	call, _ := unparen(e).(*syntax.CallExpr)
	return call
}

func (c *checker) summarize(op *syntax.SummarizeOp, in *batch.Schema, sc *scope) *batch.Schema {
	out := &batch.Schema{}
	taken := func(s string) bool { return out.Index(s) >= 0 }
	n := 0
	keyRS := c.rs(in)
	keyRS.serialized = false
	var keyNames []string
	for _, k := range op.By {
		t := c.expr(k, sc, keyRS)
		name := itemName(k, "")
		if name == "" {
			n++
			name = fmt.Sprintf("Column%d", n)
		}
		name = UniqueName(name, taken)
		c.info.Names[k] = []string{name}
		keyNames = append(keyNames, name)
		out.Fields = append(out.Fields, batch.Field{Name: name, Type: t})
	}
	aggRS := &rowScope{schema: in, agg: true, fuzzy: in.Open}
	var aggs []batch.Field
	takenAll := func(s string) bool {
		if out.Index(s) >= 0 {
			return true
		}
		for _, f := range aggs {
			if f.Name == s {
				return true
			}
		}
		return false
	}
	for _, a := range op.Aggs {
		call := aggCall(a)
		if call != nil && isArgMinMax(call) {
			names, fields := c.argMinMax(a, call, in, sc, keyNames, takenAll)
			c.info.Names[a] = names
			aggs = append(aggs, fields...)
			continue
		}
		if call != nil && (strings.EqualFold(call.Fun.Name, "percentiles") || strings.EqualFold(call.Fun.Name, "percentilesw")) {
			t := c.expr(a, sc, aggRS)
			names := PercentileNames(call)
			if ne, ok := a.(*syntax.NamedExpr); ok {
				for i, id := range ne.Names {
					if i < len(names) {
						names[i] = id.Name
					}
				}
			}
			for i, n := range names {
				names[i] = UniqueName(n, takenAll)
				aggs = append(aggs, batch.Field{Name: names[i], Type: t})
			}
			c.info.Names[a] = names
			continue
		}
		t := c.expr(a, sc, aggRS)
		if !containsAggregate(a, c.info) {
			c.errorf(a.Pos(), "summarize expression must contain an aggregate function")
		}
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) > 1 {
			var names []string
			for _, id := range ne.Names {
				names = append(names, id.Name)
				aggs = append(aggs, batch.Field{Name: id.Name, Type: types.Dynamic})
			}
			c.info.Names[a] = names
			continue
		}
		var name string
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			name = ne.Names[0].Name
		} else if call != nil {
			name = AggName(call)
		} else {
			n++
			name = fmt.Sprintf("Column%d", n)
		}
		name = UniqueName(name, takenAll)
		c.info.Names[a] = []string{name}
		aggs = append(aggs, batch.Field{Name: name, Type: t})
	}
	out.Fields = append(out.Fields, aggs...)
	if in.Open && starArgument(op.Aggs) {
		// arg_max(x, *) and the like over a table of unknown columns
		// return columns that are unknown too.
		out.Open = true
	}
	return out
}

// starArgument reports whether an aggregate in aggs takes * as an argument.
func starArgument(aggs []syntax.Expr) bool {
	for _, a := range aggs {
		if call := aggCall(a); call != nil {
			for _, arg := range call.Args {
				if _, ok := arg.(*syntax.StarExpr); ok {
					return true
				}
			}
		}
	}
	return false
}

// argMinMax checks arg_max/arg_min(ExprToMaximize, Expr...) and returns the
// output columns: the maximised expression, then the requested columns
// (with * standing for every input column not already output).
func (c *checker) argMinMax(item syntax.Expr, call *syntax.CallExpr, in *batch.Schema, sc *scope, keys []string, taken func(string) bool) ([]string, []batch.Field) {
	rs := &rowScope{schema: in, fuzzy: in.Open}
	if len(call.Args) < 1 {
		c.errorf(call.Pos(), "%s() needs at least one argument", call.Fun.Name)
		return nil, nil
	}
	var names []string
	var fields []batch.Field
	local := map[string]bool{}
	add := func(name string, t types.Type) {
		name = UniqueName(name, func(s string) bool { return taken(s) || local[s] })
		local[name] = true
		names = append(names, name)
		fields = append(fields, batch.Field{Name: name, Type: t})
	}
	prefix := "max"
	if strings.Contains(strings.ToLower(call.Fun.Name), "min") {
		prefix = "min"
	}
	t0 := c.expr(call.Args[0], sc, rs)
	n0 := ExprName(call.Args[0])
	if ne, ok := item.(*syntax.NamedExpr); ok && len(ne.Names) >= 1 {
		n0 = ne.Names[0].Name
	} else if n0 == "" {
		n0 = prefix + "_"
	}
	add(n0, t0)
	isKey := func(s string) bool {
		for _, k := range keys {
			if k == s {
				return true
			}
		}
		return false
	}
	for i, a := range call.Args[1:] {
		if _, ok := a.(*syntax.StarExpr); ok {
			for _, f := range in.Fields {
				if isKey(f.Name) || local[f.Name] {
					continue
				}
				add(f.Name, f.Type)
			}
			continue
		}
		t := c.expr(a, sc, rs)
		name := itemName(a, "")
		if ne, ok := item.(*syntax.NamedExpr); ok && len(ne.Names) > i+1 {
			name = ne.Names[i+1].Name
		}
		if name == "" {
			name = fmt.Sprintf("%s_%s_arg%d", prefix, n0, i)
		}
		add(name, t)
	}
	c.info.Types[call] = t0
	c.info.Types[item] = t0
	return names, fields
}

// containsAggregate reports whether e calls an aggregate function.
func containsAggregate(e syntax.Expr, info *Info) bool {
	found := false
	walkExpr(e, func(x syntax.Expr) {
		if call, ok := x.(*syntax.CallExpr); ok {
			if f := info.Funcs[call]; f == nil || f.Kind == 1 {
				found = true // an aggregate, or an unknown function already reported
			}
		}
	})
	return found
}

// walkExpr calls fn for e and its scalar subexpressions.
func walkExpr(e syntax.Expr, fn func(syntax.Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch e := e.(type) {
	case *syntax.ParenExpr:
		walkExpr(e.X, fn)
	case *syntax.UnaryExpr:
		walkExpr(e.X, fn)
	case *syntax.BinaryExpr:
		walkExpr(e.X, fn)
		walkExpr(e.Y, fn)
	case *syntax.InExpr:
		walkExpr(e.X, fn)
		for _, x := range e.List {
			walkExpr(x, fn)
		}
	case *syntax.BetweenExpr:
		walkExpr(e.X, fn)
		walkExpr(e.Lo, fn)
		walkExpr(e.Hi, fn)
	case *syntax.CallExpr:
		for _, x := range e.Args {
			walkExpr(x, fn)
		}
	case *syntax.MemberExpr:
		walkExpr(e.X, fn)
	case *syntax.IndexExpr:
		walkExpr(e.X, fn)
		walkExpr(e.Index, fn)
	case *syntax.NamedExpr:
		walkExpr(e.Value, fn)
	}
}

// JoinSchema returns the output schema of a join of the given kind:
// leftsemi/leftanti give the left columns, rightsemi/rightanti the right
// columns, and every other kind the left columns followed by the right
// columns, a right column whose name is taken getting the smallest numeric
// suffix that makes it unique.
func JoinSchema(kind string, left, right *batch.Schema) *batch.Schema {
	switch kind {
	case "leftsemi", "leftanti", "leftantisemi":
		return cloneSchema(left)
	case "rightsemi", "rightanti", "rightantisemi":
		return cloneSchema(right)
	}
	out := cloneSchema(left)
	for _, f := range right.Fields {
		f.Name = UniqueName(f.Name, func(s string) bool { return out.Index(s) >= 0 })
		out.Fields = append(out.Fields, f)
	}
	out.Open = left.Open || right.Open
	return out
}

// LookupSchema returns the output schema of lookup: the left columns, then
// the right columns except the right-side key columns (a taken name gets a
// numeric suffix).
func LookupSchema(left, right *batch.Schema, keys []JoinKey) *batch.Schema {
	out := cloneSchema(left)
	for _, f := range right.Fields {
		isKey := false
		for _, k := range keys {
			if k.Right == f.Name {
				isKey = true
			}
		}
		if isKey {
			continue
		}
		f.Name = UniqueName(f.Name, func(s string) bool { return out.Index(s) >= 0 })
		out.Fields = append(out.Fields, f)
	}
	return out
}

// JoinKind returns the normalised kind of a join or lookup.
func JoinKind(params []*syntax.OpParam, lookup bool) string {
	k, ok := OpParam(params, "kind")
	if !ok || k == "" {
		if lookup {
			return "leftouter"
		}
		return "innerunique"
	}
	k = strings.ToLower(k)
	switch k {
	case "left":
		return "leftouter"
	case "right":
		return "rightouter"
	case "full", "outer":
		return "fullouter"
	case "semi":
		return "leftsemi"
	case "anti", "leftantisemi":
		return "leftanti"
	case "rightantisemi":
		return "rightanti"
	}
	return k
}

var joinKinds = map[string]bool{"innerunique": true, "inner": true, "leftouter": true, "rightouter": true,
	"fullouter": true, "leftsemi": true, "rightsemi": true, "leftanti": true, "rightanti": true}

func (c *checker) join(op syntax.Operator, params []*syntax.OpParam, rightE syntax.Expr, on []syntax.Expr, in *batch.Schema, sc *scope, lookup bool) *batch.Schema {
	kind := JoinKind(params, lookup)
	if !joinKinds[kind] || (lookup && kind != "leftouter" && kind != "inner") {
		c.errorf(op.Pos(), "unknown %s kind %s", op.Name(), kind)
		kind = "inner"
	}
	right := c.tabular(rightE, sc)
	var keys []JoinKey
	var addCond func(e syntax.Expr)
	addCond = func(e syntax.Expr) {
		e = unparen(e)
		switch x := e.(type) {
		case *syntax.Ident:
			li, ri := in.Index(x.Name), right.Index(x.Name)
			if li < 0 && !in.Open {
				c.errorf(x.Pos(), "join key %s is not a column of the left side", x.Name)
			}
			if ri < 0 && !right.Open {
				c.errorf(x.Pos(), "join key %s is not a column of the right side", x.Name)
			}
			if li >= 0 && ri >= 0 && !joinTypesMatch(in.Fields[li].Type, right.Fields[ri].Type) {
				c.errorf(x.Pos(), "join key %s has type %s on the left and %s on the right", x.Name, in.Fields[li].Type, right.Fields[ri].Type)
			}
			c.info.Refs[x] = &Symbol{Kind: SymColumn, Name: x.Name}
			keys = append(keys, JoinKey{Left: x.Name, Right: x.Name})
			return
		case *syntax.BinaryExpr:
			if x.Op == "and" {
				addCond(x.X)
				addCond(x.Y)
				return
			}
			if x.Op == "==" {
				l, lok := sideCol(x.X)
				r, rok := sideCol(x.Y)
				if lok && rok {
					if l.side == "$right" && r.side == "$left" {
						l, r = r, l
					}
					if l.side == "$left" && r.side == "$right" {
						rs := &rowScope{left: in, right: right}
						lt := c.expr(x.X, sc, rs)
						rt := c.expr(x.Y, sc, rs)
						if !joinTypesMatch(lt, rt) {
							c.errorf(x.OpPos, "join keys have different types: %s and %s", lt, rt)
						}
						keys = append(keys, JoinKey{Left: l.name, Right: r.name})
						return
					}
				}
			}
		}
		c.errorf(e.Pos(), "join condition must be a column name or $left.Col == $right.Col")
	}
	for _, e := range on {
		addCond(e)
	}
	if len(keys) == 0 && len(on) == 0 {
		c.errorf(op.Pos(), "%s needs an on clause", op.Name())
	}
	c.info.JoinKeys[op] = keys
	if lookup {
		return LookupSchema(in, right, keys)
	}
	return JoinSchema(kind, in, right)
}

func joinTypesMatch(a, b types.Type) bool {
	if a == b || a == types.Null || b == types.Null {
		return true
	}
	if a.IsNumeric() && b.IsNumeric() {
		return true
	}
	return (a == types.String && b == types.Guid) || (a == types.Guid && b == types.String)
}

type sideRef struct{ side, name string }

func sideCol(e syntax.Expr) (sideRef, bool) {
	m, ok := unparen(e).(*syntax.MemberExpr)
	if !ok {
		return sideRef{}, false
	}
	id, ok := m.X.(*syntax.Ident)
	if !ok || (id.Name != "$left" && id.Name != "$right") {
		return sideRef{}, false
	}
	return sideRef{id.Name, m.Name.Name}, true
}

// UnionSchema merges the schemas of union legs: kind "outer" (default)
// gives every column (by name and type; a name that appears with two types
// gets a _type suffix per type), kind "inner" only the columns common to all.
func UnionSchema(kind string, legs []*batch.Schema) *batch.Schema {
	s, _ := UnionSources(kind, legs)
	return s
}

// UnionSources is UnionSchema that also returns, for each output column,
// the name the column has in the legs (columns match by that name and the
// column type).
func UnionSources(kind string, legs []*batch.Schema) (*batch.Schema, []string) {
	out := &batch.Schema{}
	var src []string
	if kind == "inner" {
		if len(legs) == 0 {
			return out, nil
		}
		for _, f := range legs[0].Fields {
			all := true
			for _, l := range legs[1:] {
				i := l.Index(f.Name)
				if i < 0 || l.Fields[i].Type != f.Type {
					all = false
				}
			}
			if all {
				out.Fields = append(out.Fields, f)
				src = append(src, f.Name)
			}
		}
		return out, src
	}
	type key struct {
		name string
		t    types.Type
	}
	seen := map[key]bool{}
	types2 := map[string]int{}
	var order []key
	for _, l := range legs {
		for _, f := range l.Fields {
			k := key{f.Name, f.Type}
			if !seen[k] {
				seen[k] = true
				types2[f.Name]++
				order = append(order, k)
			}
		}
		out.Open = out.Open || l.Open
	}
	final := map[string]bool{}
	for _, k := range order {
		if types2[k.name] == 1 {
			final[k.name] = true
		}
	}
	for _, k := range order {
		name := k.name
		if types2[k.name] > 1 {
			name = UniqueName(k.name+"_"+k.t.String(), func(s string) bool { return final[s] })
			final[name] = true
		}
		out.Fields = append(out.Fields, batch.Field{Name: name, Type: k.t})
		src = append(src, k.name)
	}
	return out, src
}

func (c *checker) union(op *syntax.UnionOp, in *batch.Schema, sc *scope) *batch.Schema {
	var legs []*batch.Schema
	if in != nil {
		legs = append(legs, in)
	}
	fuzzy := false
	if v, ok := OpParam(op.Params, "isfuzzy"); ok && strings.EqualFold(v, "true") {
		fuzzy = true
	}
	for _, t := range op.Tables {
		if id, ok := t.(*syntax.Ident); ok && strings.Contains(id.Name, "*") {
			for _, name := range c.env.TableNames() {
				if WildcardMatch(id.Name, name) {
					c.root.tables[name] = true
					legs = append(legs, c.env.Tables[name])
				}
			}
			continue
		}
		if _, ok := t.(*syntax.StarExpr); ok {
			for _, name := range c.env.TableNames() {
				c.root.tables[name] = true
				legs = append(legs, c.env.Tables[name])
			}
			continue
		}
		if id, ok := t.(*syntax.Ident); ok && fuzzy {
			if sc.lookup(id.Name) == nil {
				if _, ok := c.env.Tables[id.Name]; !ok {
					c.info.Unknown[id] = true
					continue
				}
			}
		}
		legs = append(legs, c.tabular(t, sc))
	}
	kind, _ := OpParam(op.Params, "kind")
	out := UnionSchema(strings.ToLower(kind), legs)
	if src, ok := OpParam(op.Params, "withsource"); ok && src != "" {
		out.Fields = append([]batch.Field{{Name: src, Type: types.String}}, out.Fields...)
	}
	if fuzzy {
		out.Open = true
	}
	return out
}

func (c *checker) mvExpand(op *syntax.MvExpandOp, in *batch.Schema, sc *scope) *batch.Schema {
	out := cloneSchema(in)
	rs := c.rs(in)
	for _, it := range op.Items {
		t := c.expr(it.X, sc, rs)
		if t != types.Dynamic && t != types.Null {
			c.errorf(it.X.Pos(), "mv-expand expects a dynamic array or bag, not %s", t)
		}
		name := itemName(it.X, "")
		if name == "" {
			name = UniqueName("Column1", func(s string) bool { return out.Index(s) >= 0 })
		}
		rt := types.Dynamic
		if it.To != nil {
			if pt, ok := types.ParseType(it.To.Name); ok {
				rt = pt
			} else {
				c.errorf(it.To.NamePos, "unknown type %q", it.To.Name)
			}
		}
		c.info.Names[it.X] = []string{name}
		setField(out, batch.Field{Name: name, Type: rt})
	}
	if op.Limit != nil {
		c.countExpr(op.Limit, sc)
	}
	if idx, ok := OpParam(op.Params, "with_itemindex"); ok && idx != "" {
		setField(out, batch.Field{Name: idx, Type: types.Long})
	}
	return out
}

func (c *checker) datatable(op *syntax.DataTableOp, sc *scope) *batch.Schema {
	out := &batch.Schema{}
	for _, cd := range op.Columns {
		if cd.Type != nil {
			if _, ok := types.ParseType(cd.Type.Name); !ok {
				c.errorf(cd.Type.NamePos, "unknown type %q", cd.Type.Name)
			}
		}
		out.Fields = append(out.Fields, batch.Field{Name: cd.Name.Name, Type: declType(cd)})
	}
	if n := len(op.Columns); n > 0 && len(op.Values)%n != 0 {
		c.errorf(op.Pos(), "datatable has %d values, not a multiple of its %d columns", len(op.Values), n)
	}
	for _, v := range op.Values {
		c.expr(v, sc, nil)
	}
	return out
}

func (c *checker) evaluate(op *syntax.EvaluateOp, in *batch.Schema, sc *scope) *batch.Schema {
	name := strings.ToLower(op.Call.Fun.Name)
	switch name {
	case "bag_unpack":
		if len(op.Call.Args) < 1 {
			c.errorf(op.Call.Pos(), "bag_unpack() needs a dynamic column")
			return in
		}
		rs := c.rs(in)
		t := c.expr(op.Call.Args[0], sc, rs)
		if t != types.Dynamic && t != types.Null {
			c.errorf(op.Call.Args[0].Pos(), "bag_unpack() expects a dynamic column, not %s", t)
		}
		for _, a := range op.Call.Args[1:] {
			c.expr(a, sc, nil)
		}
		out := &batch.Schema{Open: true}
		col := ExprName(op.Call.Args[0])
		for _, f := range in.Fields {
			if f.Name != col {
				out.Fields = append(out.Fields, f)
			}
		}
		return out
	}
	if openPlugin(name) {
		rs := c.rs(in)
		rs.fuzzy = true
		var tables []*batch.Schema
		for _, a := range op.Call.Args {
			if c.isTabular(a, sc) {
				tables = append(tables, c.tabular(a, sc))
				continue
			}
			c.expr(a, sc, rs)
		}
		if (name == "ipv4_lookup" || name == "ipv6_lookup") && len(tables) == 1 {
			out := cloneSchema(in)
			for _, f := range tables[0].Fields {
				f.Name = UniqueName(f.Name, func(s string) bool { return out.Index(s) >= 0 })
				out.Fields = append(out.Fields, f)
			}
			return out
		}
		return &batch.Schema{Open: true}
	}
	c.errorf(op.Call.Pos(), "evaluate plugin %s is not supported", op.Call.Fun.Name)
	return &batch.Schema{Open: true}
}

// ReorderPattern returns the column name or wildcard pattern of a
// project-reorder item: a name, a pattern such as Prop*, or * for every
// column not placed yet.
func ReorderPattern(it syntax.Expr) (*syntax.Ident, bool) {
	switch x := it.(type) {
	case *syntax.Ident:
		return x, true
	case *syntax.StarExpr:
		return &syntax.Ident{NamePos: x.Star, Name: "*", EndP: x.End()}, true
	}
	return nil, false
}
