package funcs

import (
	"math"
	"math/bits"
	"math/rand/v2"

	"kqlhunt/kql/types"
)

// realFunc builds a one-argument real function; a null argument gives null.
func realFunc(name string, f func(float64) float64) *Func {
	return scalar(name, 1, 1, sig(types.Real, aNum), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok := argReal(a[0])
		if !ok {
			return nullReal, nil
		}
		return types.NewReal(f(x)), nil
	})
}

// realFunc2 builds a two-argument real function.
func realFunc2(name string, f func(x, y float64) float64) *Func {
	return scalar(name, 2, 2, sig(types.Real, aNum, aNum), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok1 := argReal(a[0])
		y, ok2 := argReal(a[1])
		if !ok1 || !ok2 {
			return nullReal, nil
		}
		return types.NewReal(f(x, y)), nil
	})
}

// logFunc is a logarithm that gives null for negative arguments (log(0)
// is -infinity).
func logFunc(name string, f func(float64) float64) *Func {
	return scalar(name, 1, 1, sig(types.Real, aNum), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok := argReal(a[0])
		if !ok || x < 0 {
			return nullReal, nil
		}
		return types.NewReal(f(x)), nil
	})
}

// numType keeps integer types as long and real as real (abs, ceiling, sign).
func numType(args []types.Type) (types.Type, error) {
	switch args[0] {
	case types.Int, types.Long:
		return types.Long, nil
	case types.Dynamic:
		return types.Real, nil
	}
	return args[0], nil
}

// numUnary applies fi to integers and ff to reals.
func numUnary(name string, fi func(int64) int64, ff func(float64) float64) *Func {
	return scalar(name, 1, 1, sigFn(numType, aNum), func(_ *Context, a []types.Value) (types.Value, error) {
		v := a[0]
		switch v.Type {
		case types.Int, types.Long:
			if v.Null {
				return nullLong, nil
			}
			return types.NewLong(fi(v.I)), nil
		case types.Decimal:
			if v.Null {
				return types.NullOf(types.Decimal), nil
			}
			return types.NewDecimal(ff(v.F)), nil
		}
		x, ok := argReal(v)
		if !ok {
			return nullReal, nil
		}
		return types.NewReal(ff(x)), nil
	})
}

// roundHalfAway rounds x to p decimal digits, halves away from zero.
func roundHalfAway(x float64, p int64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	if p > 15 {
		return x
	}
	if p < -15 {
		return 0
	}
	scale := math.Pow(10, float64(p))
	return math.Round(x*scale) / scale
}

func evalRound(_ *Context, a []types.Value) (types.Value, error) {
	var p int64
	if len(a) > 1 {
		var ok bool
		if p, ok = argLong(a[1]); !ok {
			return types.NullOf(roundResult(a[0].Type)), nil
		}
	}
	v := a[0]
	if v.Type.IsInteger() {
		if v.Null {
			return nullLong, nil
		}
		if p >= 0 {
			return types.NewLong(v.I), nil
		}
		return types.NewLong(int64(roundHalfAway(float64(v.I), p))), nil
	}
	x, ok := argReal(v)
	if !ok {
		return types.NullOf(roundResult(v.Type)), nil
	}
	if v.Type == types.Decimal {
		return types.NewDecimal(roundHalfAway(x, p)), nil
	}
	return types.NewReal(roundHalfAway(x, p)), nil
}

func roundResult(t types.Type) types.Type {
	r, _ := numType([]types.Type{t})
	return r
}

// extremeOf implements max_of / min_of: nulls are ignored; all-null gives
// null of the common type.
func extremeOf(name string, sign int) *Func {
	return scalar(name, 2, 64, sigFn(func(args []types.Type) (types.Type, error) {
		return branchType(func(n int) []int {
			p := make([]int, n)
			for i := range p {
				p[i] = i
			}
			return p
		})(args)
	}, aScalar), func(_ *Context, a []types.Value) (types.Value, error) {
		t := resultOfBranches(a, func(int) bool { return true })
		var best types.Value
		found := false
		for _, v := range a {
			if isNull(v) || v.Type == types.String && v.S == "" && t != types.String {
				continue
			}
			if !found {
				best, found = v, true
				continue
			}
			if c, ok := types.Compare(v, best); ok && c*sign > 0 {
				best = v
			}
		}
		if !found {
			return types.NullOf(t), nil
		}
		return convertTo(best, t), nil
	})
}

// binFunc builds bin / floor.
func binFunc(name string) *Func {
	return scalar(name, 2, 2, sigFn(binType, aBinnable, aNumOrTS), func(_ *Context, a []types.Value) (types.Value, error) {
		return binAt(a[0], a[1], types.Value{Type: types.Null, Null: true}), nil
	})
}

var mathFuncs = []*Func{
	binFunc("bin"),
	binFunc("floor"),
	scalar("bin_at", 3, 3, sigFn(binType, aBinnable, aNumOrTS, aBinnable), func(_ *Context, a []types.Value) (types.Value, error) {
		return binAt(a[0], a[1], a[2]), nil
	}),
	numUnary("abs", func(x int64) int64 {
		if x < 0 {
			return -x
		}
		return x
	}, math.Abs),
	numUnary("ceiling", func(x int64) int64 { return x }, math.Ceil),
	numUnary("sign", func(x int64) int64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	}, func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return x
	}),
	scalar("round", 1, 2, sigFn(numType, aNum, aInt), evalRound),
	realFunc2("pow", math.Pow),
	realFunc("sqrt", func(x float64) float64 {
		if x < 0 {
			return math.NaN()
		}
		return math.Sqrt(x)
	}),
	realFunc("exp", math.Exp),
	realFunc("exp2", math.Exp2),
	realFunc("exp10", func(x float64) float64 { return math.Pow(10, x) }),
	logFunc("log", math.Log),
	logFunc("log2", math.Log2),
	logFunc("log10", math.Log10),
	realFunc("sin", math.Sin),
	realFunc("cos", math.Cos),
	realFunc("tan", math.Tan),
	realFunc("asin", math.Asin),
	realFunc("acos", math.Acos),
	realFunc("atan", math.Atan),
	realFunc("cot", func(x float64) float64 { return 1 / math.Tan(x) }),
	realFunc2("atan2", math.Atan2),
	realFunc("degrees", func(x float64) float64 { return x * 180 / math.Pi }),
	realFunc("radians", func(x float64) float64 { return x * math.Pi / 180 }),
	realFunc("gamma", math.Gamma),
	realFunc("loggamma", func(x float64) float64 { v, _ := math.Lgamma(x); return v }),
	realFunc("erf", math.Erf),
	realFunc("erfc", math.Erfc),
	scalar("pi", 0, 0, sig(types.Real), func(_ *Context, _ []types.Value) (types.Value, error) {
		return types.NewReal(math.Pi), nil
	}),
	scalar("isnan", 1, 1, sig(types.Bool, aNum), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok := argReal(a[0])
		if !ok {
			return nullBool, nil
		}
		return types.NewBool(math.IsNaN(x)), nil
	}),
	scalar("isinf", 1, 1, sig(types.Bool, aNum), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok := argReal(a[0])
		if !ok {
			return nullBool, nil
		}
		return types.NewBool(math.IsInf(x, 0)), nil
	}),
	scalar("isfinite", 1, 1, sig(types.Bool, aNum), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok := argReal(a[0])
		if !ok {
			return nullBool, nil
		}
		return types.NewBool(!math.IsInf(x, 0) && !math.IsNaN(x)), nil
	}),
	extremeOf("max_of", 1),
	extremeOf("min_of", -1),
	scalar("rand", 0, 1, sigFn(func(args []types.Type) (types.Type, error) {
		if len(args) == 1 {
			return types.Long, nil
		}
		return types.Real, nil
	}, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		if len(a) == 1 {
			n, ok := argLong(a[0])
			if !ok || n <= 0 {
				return nullLong, nil
			}
			return types.NewLong(rand.Int64N(n)), nil
		}
		return types.NewReal(rand.Float64()), nil
	}),
	intFunc2("binary_and", func(x, y int64) int64 { return x & y }),
	intFunc2("binary_or", func(x, y int64) int64 { return x | y }),
	intFunc2("binary_xor", func(x, y int64) int64 { return x ^ y }),
	intFunc2("binary_shift_left", func(x, y int64) int64 {
		if y < 0 || y >= 64 {
			return 0
		}
		return x << uint(y)
	}),
	intFunc2("binary_shift_right", func(x, y int64) int64 {
		if y < 0 || y >= 64 {
			return 0
		}
		return x >> uint(y)
	}),
	scalar("binary_not", 1, 1, sig(types.Long, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok := argLong(a[0])
		if !ok {
			return nullLong, nil
		}
		return types.NewLong(^x), nil
	}),
	scalar("bitset_count_ones", 1, 1, sig(types.Long, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok := argLong(a[0])
		if !ok {
			return nullLong, nil
		}
		return types.NewLong(int64(bits.OnesCount64(uint64(x)))), nil
	}),
}

func intFunc2(name string, f func(x, y int64) int64) *Func {
	return scalar(name, 2, 2, sig(types.Long, aInt, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok1 := argLong(a[0])
		y, ok2 := argLong(a[1])
		if !ok1 || !ok2 {
			return nullLong, nil
		}
		return types.NewLong(f(x, y)), nil
	})
}

// binType is bin()'s result rule: the type of the value being rounded; an
// integer value with a real bin size gives real, int gives long.
func binType(args []types.Type) (types.Type, error) {
	switch args[0] {
	case types.Int, types.Long:
		if len(args) > 1 && args[1] == types.Real {
			return types.Real, nil
		}
		return types.Long, nil
	case types.Dynamic:
		return types.Real, nil
	}
	return args[0], nil
}

// binAt rounds v down to a multiple of size counted from at (at is a null
// of type Null for plain bin()). Null inputs or a non-positive size give
// null.
func binAt(v, size, at types.Value) types.Value {
	rt := resultKind(v.Type, size.Type)
	if isNull(v) || isNull(size) || at.Type != types.Null && isNull(at) {
		return types.NullOf(rt)
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
		r := base + types.FloorDiv(v.I-base, s)*s
		if v.Type == types.DateTime {
			return dtResult(r)
		}
		return types.NewTimeSpan(r)
	case types.Int, types.Long:
		if rt != types.Long {
			break
		}
		s, ok := argLong(size)
		if !ok || s <= 0 {
			return nullLong
		}
		base := int64(0)
		if at.Type.IsInteger() {
			base = at.I
		}
		return types.NewLong(base + types.FloorDiv(v.I-base, s)*s)
	}
	f, ok1 := argReal(v)
	s, ok2 := argReal(size)
	if !ok1 || !ok2 || s <= 0 {
		return types.NullOf(rt)
	}
	base := 0.0
	if at.Type != types.Null {
		if b, ok := argReal(at); ok {
			base = b
		}
	}
	r := base + math.Floor((f-base)/s)*s
	if rt == types.Decimal {
		return types.NewDecimal(r)
	}
	return types.NewReal(r)
}

func resultKind(v, size types.Type) types.Type {
	t, _ := binType([]types.Type{v, size})
	return t
}
