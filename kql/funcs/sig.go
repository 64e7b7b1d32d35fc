package funcs

import (
	"fmt"

	"kqlhunt/kql/types"
)

// argClass is the set of argument types a parameter accepts.
type argClass uint8

const (
	aAny      argClass = iota // any type
	aScalar                   // any type but dynamic
	aNum                      // int, long, real, decimal
	aInt                      // int, long
	aStr                      // string (dynamic accepted and converted)
	aBool                     // bool
	aDT                       // datetime
	aTS                       // timespan
	aDyn                      // dynamic
	aGuid                     // guid or string
	aBinnable                 // number, datetime or timespan
	aNumOrTS                  // number or timespan
)

var classNames = [...]string{
	aAny: "any", aScalar: "a scalar", aNum: "a number", aInt: "an integer",
	aStr: "string", aBool: "bool", aDT: "datetime", aTS: "timespan", aDyn: "dynamic",
	aGuid: "guid", aBinnable: "a number, datetime or timespan", aNumOrTS: "a number or timespan",
}

func (c argClass) accepts(t types.Type) bool {
	if t == types.Null {
		return true
	}
	switch c {
	case aAny:
		return true
	case aScalar:
		return t != types.Dynamic
	case aNum:
		return t.IsNumeric() || t == types.Dynamic
	case aInt:
		return t.IsInteger() || t == types.Dynamic
	case aStr:
		return t == types.String || t == types.Dynamic
	case aBool:
		return t == types.Bool || t == types.Dynamic
	case aDT:
		return t == types.DateTime || t == types.Dynamic
	case aTS:
		return t == types.TimeSpan || t == types.Dynamic
	case aDyn:
		return t == types.Dynamic
	case aGuid:
		return t == types.Guid || t == types.String || t == types.Dynamic
	case aBinnable:
		return t.IsNumeric() || t == types.DateTime || t == types.TimeSpan || t == types.Dynamic
	case aNumOrTS:
		return t.IsNumeric() || t == types.TimeSpan || t == types.Dynamic
	}
	return false
}

// checkArgs verifies args against classes; the last class repeats for
// variadic functions.
func checkArgs(args []types.Type, classes []argClass) error {
	if len(classes) == 0 {
		return nil
	}
	for i, t := range args {
		c := classes[len(classes)-1]
		if i < len(classes) {
			c = classes[i]
		}
		if !c.accepts(t) {
			return fmt.Errorf("argument %d: expected %s, got %s", i+1, classNames[c], t)
		}
	}
	return nil
}

// sig returns a result rule with a fixed result type.
func sig(ret types.Type, classes ...argClass) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		if err := checkArgs(args, classes); err != nil {
			return types.Null, err
		}
		return ret, nil
	}
}

// sigFn returns a result rule computing the type with fn after checking.
func sigFn(fn func([]types.Type) (types.Type, error), classes ...argClass) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		if err := checkArgs(args, classes); err != nil {
			return types.Null, err
		}
		return fn(args)
	}
}

// CommonType returns the type two branches (iff, case, coalesce, min_of...)
// unify to: equal types unify to themselves, unknown (Null) yields the other,
// int and long widen to long, any number with real to real, decimal with
// any number to decimal. ok is false when the types do not unify.
func CommonType(a, b types.Type) (types.Type, bool) {
	switch {
	case a == b:
		return a, true
	case a == types.Null:
		return b, true
	case b == types.Null:
		return a, true
	case a.IsNumeric() && b.IsNumeric():
		if a == types.Decimal || b == types.Decimal {
			return types.Decimal, true
		}
		if a == types.Real || b == types.Real {
			return types.Real, true
		}
		return types.Long, true
	}
	return types.Null, false
}

// Argument accessors for Eval implementations.

// argStr returns v as text (tostring semantics).
func argStr(v types.Value) string {
	if v.Type == types.String {
		return v.S
	}
	return types.ToString(v)
}

// argLong returns v as an integer; ok is false for null or non-numeric values.
func argLong(v types.Value) (int64, bool) {
	if v.Null {
		return 0, false
	}
	switch v.Type {
	case types.Int, types.Long, types.Bool, types.DateTime, types.TimeSpan:
		return v.I, true
	case types.Real, types.Decimal:
		return types.RealToLong(v.F)
	}
	r := types.ToLong(v)
	return r.I, !r.Null
}

// argReal returns v as a float; ok is false for null or non-numeric values.
func argReal(v types.Value) (float64, bool) {
	if v.Null {
		return 0, false
	}
	switch v.Type {
	case types.Int, types.Long:
		return float64(v.I), true
	case types.Real, types.Decimal:
		return v.F, true
	}
	r := types.ToReal(v)
	return r.F, !r.Null
}

var (
	nullBool     = types.NullOf(types.Bool)
	nullLong     = types.NullOf(types.Long)
	nullInt      = types.NullOf(types.Int)
	nullReal     = types.NullOf(types.Real)
	nullDateTime = types.NullOf(types.DateTime)
	nullTimeSpan = types.NullOf(types.TimeSpan)
	nullDynamic  = types.NullOf(types.Dynamic)
	emptyString  = types.NewString("")
	trueValue    = types.NewBool(true)
	falseValue   = types.NewBool(false)
)
