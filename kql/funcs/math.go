package funcs

import (
	"math"

	"kqlhunt/kql/types"
)

var mathFuncs = []*Func{
	{
		Name: "bin", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
		Result: sigFn(binType, aBinnable, aNumOrTS),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) {
			return binAt(a[0], a[1], types.Value{Type: a[0].Type}), nil
		},
	},
	{
		Name: "floor", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
		Result: sigFn(binType, aBinnable, aNumOrTS),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) {
			return binAt(a[0], a[1], types.Value{Type: a[0].Type}), nil
		},
	},
}

// binType is bin()'s result rule: the type of the value being rounded
// (int rounds to long when the bin size is a long, real when it is real).
func binType(args []types.Type) (types.Type, error) {
	switch args[0] {
	case types.Int:
		if args[1] == types.Real {
			return types.Real, nil
		}
		return types.Long, nil
	case types.Long:
		if args[1] == types.Real {
			return types.Real, nil
		}
	}
	return args[0], nil
}

// binAt rounds v down to a multiple of size counted from at, as bin() and
// bin_at() do. Null inputs or a non-positive size give null.
func binAt(v, size, at types.Value) types.Value {
	if v.IsNull() || size.IsNull() || at.IsNull() && at.Type != types.Null {
		return types.NullOf(resultKind(v.Type, size.Type))
	}
	switch v.Type {
	case types.DateTime, types.TimeSpan:
		s := size.I
		if size.Type != types.TimeSpan {
			f, ok := argReal(size)
			if !ok {
				return types.NullOf(v.Type)
			}
			s = int64(f * float64(types.TicksPerDay))
		}
		if s <= 0 {
			return types.NullOf(v.Type)
		}
		base := int64(0)
		if at.Type == v.Type {
			base = at.I
		}
		return types.Value{Type: v.Type, I: base + types.FloorDiv(v.I-base, s)*s}
	case types.Int, types.Long:
		if size.Type == types.Real || size.Type == types.Decimal {
			break
		}
		s, ok := argLong(size)
		if !ok || s <= 0 {
			return types.NullOf(types.Long)
		}
		base := int64(0)
		if !at.Null && at.Type.IsInteger() {
			base = at.I
		}
		return types.NewLong(base + types.FloorDiv(v.I-base, s)*s)
	}
	f, ok1 := argReal(v)
	s, ok2 := argReal(size)
	if !ok1 || !ok2 || s <= 0 {
		return nullReal
	}
	base := 0.0
	if b, ok := argReal(at); ok {
		base = b
	}
	return types.NewReal(base + math.Floor((f-base)/s)*s)
}

func resultKind(v, size types.Type) types.Type {
	t, _ := binType([]types.Type{v, size})
	return t
}
