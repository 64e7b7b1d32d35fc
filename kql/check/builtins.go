package check

import (
	"fmt"
	"strings"

	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// LookupFunc returns the catalogue entry of a built-in function, or nil.
func LookupFunc(name string) *funcs.Func {
	f, ok := funcs.Lookup(name)
	if !ok {
		return nil
	}
	return f
}

// ResultType applies a function's result-type rule to argument types.
//
// TODO(funcs): iff/iif/case accept a dynamic branch mixed with a scalar
// one (deployed Sentinel rules rely on it: iff(c, d[0], "")); the
// catalogue rejects the mix, so it is accepted here with a dynamic result
// until the catalogue's rule allows it.
func ResultType(f *funcs.Func, args []types.Type) (types.Type, error) {
	if f.Result == nil {
		return types.Null, nil
	}
	t, err := f.Result(args)
	if err != nil {
		switch f.Name {
		case "iff", "iif", "case":
			for _, a := range args[1:] {
				if a == types.Dynamic {
					return types.Dynamic, nil
				}
			}
		}
	}
	return t, err
}

// TypeOfArg returns the type name written in a typeof(T) call, and
// whether e is one.
func TypeOfArg(e syntax.Expr) (string, bool) {
	call, ok := e.(*syntax.CallExpr)
	if !ok || call.Fun.Name != "typeof" || len(call.Args) != 1 {
		return "", false
	}
	switch a := call.Args[0].(type) {
	case *syntax.Ident:
		return a.Name, true
	case *syntax.StarExpr:
		return "*", true
	case *syntax.Literal:
		return a.Raw, true
	}
	return "", false
}

// CallType is ResultType for a call: when the function takes a typeof(T)
// argument (f.TypeArg) and the call supplies it, the result type is T.
func CallType(f *funcs.Func, call *syntax.CallExpr, args []types.Type) (types.Type, error) {
	t, err := ResultType(f, args)
	if err != nil {
		return t, err
	}
	if f.TypeArg > 0 && len(call.Args) >= f.TypeArg {
		if name, ok := TypeOfArg(call.Args[f.TypeArg-1]); ok {
			rt, ok := funcs.ResultTypeFromName(name)
			if !ok {
				return types.Null, fmt.Errorf("%s(): unknown type %s", f.Name, name)
			}
			return rt, nil
		}
	}
	return t, nil
}

// OutputNames returns the column names of a multi-column function call
// (f.Outputs): the names of a tuple assignment by position, or
// f_<argument>_<output> (f_<output> when the argument is not a column).
func OutputNames(f *funcs.Func, call *syntax.CallExpr, tuple []string) []string {
	arg := ""
	if len(call.Args) > 0 {
		arg = ExprName(call.Args[0])
	}
	out := make([]string, len(f.Outputs))
	for i, o := range f.Outputs {
		if i < len(tuple) {
			out[i] = tuple[i]
			continue
		}
		if arg == "" {
			out[i] = f.Name + "_" + o.Name
			continue
		}
		out[i] = f.Name + "_" + arg + "_" + o.Name
	}
	return out
}

// FuncNames returns the names of the built-in functions, for suggestions.
func FuncNames() []string { return funcs.Names() }

// partsDateTime reads the datetime(year, month, day[, hour, minute,
// second]) form.
func partsDateTime(raw string) (int64, bool) {
	parts := strings.Split(raw, ",")
	if len(parts) < 3 || len(parts) > 6 {
		return 0, false
	}
	var n [6]int64
	for i, p := range parts {
		v, ok := types.ParseLong(strings.TrimSpace(p))
		if !ok {
			return 0, false
		}
		n[i] = v
	}
	return types.MakeDateTime(n[0], n[1], n[2], n[3], n[4], float64(n[5]))
}

// unquote removes one pair of surrounding quotes, as in datetime("...").
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// LiteralValue returns the value of a literal.
func LiteralValue(l *syntax.Literal) (types.Value, error) {
	t := LiteralType(l)
	if l.Null {
		return types.NullOf(t), nil
	}
	switch l.Kind {
	case syntax.LitString:
		return types.NewString(l.Value), nil
	case syntax.LitBool:
		b, ok := types.ParseBool(l.Raw)
		if !ok {
			return types.Value{}, fmt.Errorf("invalid bool literal %q", l.Raw)
		}
		return types.NewBool(b), nil
	case syntax.LitInt, syntax.LitLong:
		n, ok := types.ParseLong(l.Raw)
		if !ok {
			f, ok2 := types.ParseReal(l.Raw)
			if !ok2 {
				return types.Value{}, fmt.Errorf("invalid %s literal %q", t, l.Raw)
			}
			n, _ = types.RealToLong(f)
		}
		if l.Kind == syntax.LitInt {
			return types.NewInt(n), nil
		}
		return types.NewLong(n), nil
	case syntax.LitReal, syntax.LitDecimal:
		f, ok := types.ParseReal(l.Raw)
		if !ok {
			return types.Value{}, fmt.Errorf("invalid %s literal %q", t, l.Raw)
		}
		if l.Kind == syntax.LitDecimal {
			return types.NewDecimal(f), nil
		}
		return types.NewReal(f), nil
	case syntax.LitDateTime:
		ticks, err := types.ParseDateTime(unquote(l.Raw))
		if err != nil {
			if t, ok := partsDateTime(l.Raw); ok {
				return types.NewDateTime(t), nil
			}
			return types.Value{}, fmt.Errorf("invalid datetime literal %q: %w", l.Raw, err)
		}
		return types.NewDateTime(ticks), nil
	case syntax.LitTimeSpan:
		ticks, err := types.ParseTimeSpan(l.Raw)
		if err != nil {
			return types.Value{}, fmt.Errorf("invalid timespan literal %q: %w", l.Raw, err)
		}
		return types.NewTimeSpan(ticks), nil
	case syntax.LitGuid:
		g, ok := types.ParseGuid(l.Raw)
		if !ok {
			return types.Value{}, fmt.Errorf("invalid guid literal %q", l.Raw)
		}
		return types.NewGuid(g), nil
	}
	return types.Value{}, fmt.Errorf("invalid literal %q", l.Raw)
}
