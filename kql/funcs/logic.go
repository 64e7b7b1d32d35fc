package funcs

import (
	"fmt"

	"kqlhunt/kql/types"
)

// branchType is the result rule of iff/case: the common type of the value
// arguments at the given positions.
func branchType(positions func(n int) []int) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		t := types.Null
		for _, i := range positions(len(args)) {
			c, ok := CommonType(t, args[i])
			if !ok {
				return types.Null, fmt.Errorf("argument %d: type %s does not match %s", i+1, args[i], t)
			}
			t = c
		}
		return t, nil
	}
}

// convertTo converts a branch value to the unified result type t.
func convertTo(v types.Value, t types.Type) types.Value {
	if v.Type == t || t == types.Null {
		return v
	}
	if v.IsNull() || v.Type == types.Null {
		return types.NullOf(t)
	}
	return types.Convert(v, t)
}

var logicFuncs = []*Func{
	iffFunc("iff"), iffFunc("iif"),
	{
		Name: "case", Kind: Scalar, MinArgs: 3, MaxArgs: -1,
		Result: func(args []types.Type) (types.Type, error) {
			if len(args)%2 == 0 {
				return types.Null, fmt.Errorf("expected an odd number of arguments (predicate, value pairs and an else value), got %d", len(args))
			}
			for i := 0; i+1 < len(args); i += 2 {
				if !aBool.accepts(args[i]) {
					return types.Null, fmt.Errorf("argument %d: predicate must be bool, got %s", i+1, args[i])
				}
			}
			return branchType(func(n int) []int {
				var p []int
				for i := 1; i < n; i += 2 {
					p = append(p, i)
				}
				return append(p, n-1)
			})(args)
		},
		Eval: func(_ *Context, a []types.Value) (types.Value, error) {
			t := resultOfBranches(a, func(i int) bool { return i%2 == 1 || i == len(a)-1 })
			for i := 0; i+1 < len(a); i += 2 {
				if a[i].Bool() {
					return convertTo(a[i+1], t), nil
				}
			}
			return convertTo(a[len(a)-1], t), nil
		},
	},
	{
		Name: "coalesce", Kind: Scalar, MinArgs: 2, MaxArgs: 64,
		Result: branchType(func(n int) []int {
			p := make([]int, n)
			for i := range p {
				p[i] = i
			}
			return p
		}),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) {
			t := resultOfBranches(a, func(int) bool { return true })
			for _, v := range a {
				if !v.IsEmpty() {
					return convertTo(v, t), nil
				}
			}
			return types.NullOf(t), nil
		},
	},
	{
		Name: "isempty", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: sig(types.Bool, aAny),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) { return types.NewBool(isEmpty(a[0])), nil },
	},
	{
		Name: "isnotempty", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: sig(types.Bool, aAny),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) { return types.NewBool(!isEmpty(a[0])), nil },
	},
	{
		Name: "notempty", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: sig(types.Bool, aAny),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) { return types.NewBool(!isEmpty(a[0])), nil },
	},
	{
		Name: "isnull", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: sig(types.Bool, aAny),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) { return types.NewBool(isNull(a[0])), nil },
	},
	{
		Name: "isnotnull", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: sig(types.Bool, aAny),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) { return types.NewBool(!isNull(a[0])), nil },
	},
	{
		Name: "notnull", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: sig(types.Bool, aAny),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) { return types.NewBool(!isNull(a[0])), nil },
	},
	{
		Name: "not", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: sig(types.Bool, aBool),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) {
			b := types.ToBool(a[0])
			if b.Null {
				return nullBool, nil
			}
			return types.NewBool(b.I == 0), nil
		},
	},
	{
		Name: "gettype", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: sig(types.String, aAny),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) {
			return types.NewString(getType(a[0])), nil
		},
	},
}

// getType returns gettype()'s name for a value. Scalars report their type
// name ("int", "long", "real", "datetime", ...); dynamic values report the
// kind of the element ("array", "dictionary", "string", "long", ...).
func getType(v types.Value) string {
	switch v.Type {
	case types.Dynamic:
		if v.Null {
			return "null"
		}
		return types.TypeOfDynamic(v.D)
	case types.Null:
		return "null"
	}
	return v.Type.String()
}

func iffFunc(name string) *Func {
	return &Func{
		Name: name, Kind: Scalar, MinArgs: 3, MaxArgs: 3,
		Result: func(args []types.Type) (types.Type, error) {
			if !aBool.accepts(args[0]) {
				return types.Null, fmt.Errorf("argument 1: predicate must be bool, got %s", args[0])
			}
			return branchType(func(int) []int { return []int{1, 2} })(args)
		},
		Eval: func(_ *Context, a []types.Value) (types.Value, error) {
			t := resultOfBranches(a, func(i int) bool { return i > 0 })
			if a[0].Bool() {
				return convertTo(a[1], t), nil
			}
			return convertTo(a[2], t), nil
		},
	}
}

// resultOfBranches computes at run time the common type of the selected
// arguments (as the checker does), so both branches produce the same type.
func resultOfBranches(a []types.Value, sel func(int) bool) types.Type {
	t := types.Null
	for i, v := range a {
		if !sel(i) {
			continue
		}
		if c, ok := CommonType(t, v.Type); ok {
			t = c
		}
	}
	return t
}

// isEmpty is Kusto's isempty: null, an empty string, or a dynamic holding
// null or an empty string.
func isEmpty(v types.Value) bool {
	if v.Type == types.Dynamic && !v.Null {
		if s, ok := v.D.(string); ok {
			return s == ""
		}
		return v.D == nil
	}
	return v.IsEmpty()
}

// isNull is Kusto's isnull: a null value of any type. Strings are never
// null; a dynamic is null when it holds JSON null.
func isNull(v types.Value) bool {
	if v.Type == types.String {
		return false
	}
	if v.Type == types.Dynamic {
		return v.Null || v.D == nil
	}
	return v.Null || v.Type == types.Null
}
