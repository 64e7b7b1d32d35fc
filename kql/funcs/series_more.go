package funcs

import (
	"math"

	"kqlhunt/kql/types"
)

// seriesUnary builds an element-wise series function of one numeric array:
// each numeric element x becomes f(x); null and non-numeric elements become
// null.
func seriesUnary(name string, f func(float64) float64) *Func {
	return scalar(name, 1, 1, sig(types.Dynamic, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		xs, ok, isArr := seriesValues(a[0])
		if !isArr {
			return nullDynamic, nil
		}
		out := make([]any, len(xs))
		for i, x := range xs {
			if ok[i] {
				out[i] = f(x)
			}
		}
		return arrayResult(out), nil
	})
}

// evalSeriesDotProduct is series_dot_product(s1, s2): the sum of the
// element-wise products over the shorter length, ignoring non-numeric
// elements; a numeric scalar argument is broadcast to the other series'
// length. An empty series gives null.
func evalSeriesDotProduct(_ *Context, a []types.Value) (types.Value, error) {
	xs, okx, arrX := seriesValues(a[0])
	ys, oky, arrY := seriesValues(a[1])
	broadcast := func(v types.Value, n int) ([]float64, []bool, bool) {
		f, ok := argReal(v)
		if !ok || v.Type == types.Dynamic {
			return nil, nil, false
		}
		vs, oks := make([]float64, n), make([]bool, n)
		for i := range vs {
			vs[i], oks[i] = f, true
		}
		return vs, oks, true
	}
	switch {
	case arrX && !arrY:
		ys, oky, arrY = broadcast(a[1], len(xs))
	case arrY && !arrX:
		xs, okx, arrX = broadcast(a[0], len(ys))
	}
	if !arrX || !arrY {
		return nullReal, nil
	}
	n := min(len(xs), len(ys))
	if n == 0 {
		return nullReal, nil
	}
	var s float64
	for i := 0; i < n; i++ {
		if okx[i] && oky[i] {
			s += xs[i] * ys[i]
		}
	}
	return types.NewReal(s), nil
}

// evalSeriesIIR is series_iir(series, numerators b, denominators a):
// y[i] = (sum_k b[k]*x[i-k] - sum_{k>=1} a[k]*y[i-k]) / a[0]. Missing
// elements count as 0. A zero a[0] or empty coefficients give null.
func evalSeriesIIR(_ *Context, a []types.Value) (types.Value, error) {
	xs, okx, isArr := seriesValues(a[0])
	bs, okb, isB := seriesValues(a[1])
	as, oka, isA := seriesValues(a[2])
	if !isArr || !isB || !isA || len(bs) == 0 || len(as) == 0 || !oka[0] || as[0] == 0 {
		return nullDynamic, nil
	}
	for i := range xs {
		if !okx[i] {
			xs[i] = 0
		}
	}
	for i := range bs {
		if !okb[i] {
			bs[i] = 0
		}
	}
	for i := range as {
		if !oka[i] {
			as[i] = 0
		}
	}
	ys := make([]float64, len(xs))
	out := make([]any, len(xs))
	for i := range xs {
		var s float64
		for k := 0; k < len(bs) && k <= i; k++ {
			s += bs[k] * xs[i-k]
		}
		for k := 1; k < len(as) && k <= i; k++ {
			s -= as[k] * ys[i-k]
		}
		ys[i] = s / as[0]
		out[i] = ys[i]
	}
	return arrayResult(out), nil
}

// seasonalThreshold is the seasonality score series_seasonal's automatic
// period detection requires.
const seasonalThreshold = 0.7

// minSeasonalPeriods is how many whole periods a series must span for an
// automatically detected period to count (the documentation's 12-point
// series with a 6-point period is "too short to be detected").
const minSeasonalPeriods = 4

// evalSeriesSeasonal is series_seasonal(series [, period]): each element
// becomes the median of the elements in the same phase of the period.
// A period of -1 (the default) is detected (see detectPeriod, which
// approximates series_periods_detect, and minSeasonalPeriods); with no
// period detected, or any other non-positive period, the result is zeros.
func evalSeriesSeasonal(_ *Context, a []types.Value) (types.Value, error) {
	xs, ok, isArr := seriesValues(a[0])
	if !isArr {
		return nullDynamic, nil
	}
	period := int64(-1)
	if len(a) > 1 && !isNull(a[1]) {
		p, good := argLong(a[1])
		if !good {
			return nullDynamic, nil
		}
		period = p
	}
	for i := range xs {
		if !ok[i] {
			xs[i] = 0
		}
	}
	if period == -1 {
		period = int64(detectPeriod(xs, seasonalThreshold))
		if int64(len(xs)) < minSeasonalPeriods*period {
			period = 0
		}
	}
	out := make([]any, len(xs))
	if period <= 0 {
		for i := range out {
			out[i] = 0.0
		}
		return arrayResult(out), nil
	}
	p := int(min(period, int64(len(xs)+1)))
	phases := make([][]float64, p)
	for i, x := range xs {
		phases[i%p] = append(phases[i%p], x)
	}
	meds := make([]float64, p)
	for k := range meds {
		meds[k] = median(phases[k])
	}
	for i := range out {
		out[i] = meds[i%p]
	}
	return arrayResult(out), nil
}

// evalSeriesFillLinear is series_fill_linear(series [, missing [,
// fill_edges [, constant]]]): runs of missing elements between two known
// values are linearly interpolated; leading and trailing runs take the
// nearest known value when fill_edges is true (the default) and stay
// missing otherwise; a series with no known value is filled with constant
// (0 by default). Missing elements are nulls, or the elements equal to
// missing when it is given and not null. An all-integer series keeps
// integers (interpolated values are truncated).
func evalSeriesFillLinear(_ *Context, a []types.Value) (types.Value, error) {
	arr, isArr := array(a[0])
	if !isArr {
		return nullDynamic, nil
	}
	var missing types.Value
	hasMissing := len(a) > 1 && !isNull(a[1])
	if hasMissing {
		missing = a[1]
	}
	edges := true
	if len(a) > 2 && !isNull(a[2]) {
		edges = types.ToBool(a[2]).Bool()
	}
	var constant any = 0.0
	if len(a) > 3 && !isNull(a[3]) {
		constant = types.ToDynamicElement(a[3])
	}
	n := len(arr)
	vals := make([]float64, n)
	known := make([]bool, n)
	allInt := true
	for i, e := range arr {
		if e == nil {
			continue
		}
		v := types.FromDynamic(e)
		if hasMissing {
			if eq := types.Equal(v, missing); !eq.Null && eq.I != 0 {
				continue
			}
		}
		f, ok := argReal(v)
		if !ok {
			continue
		}
		if !v.Type.IsInteger() {
			allInt = false
		}
		vals[i], known[i] = f, true
	}
	out := make([]any, n)
	num := func(f float64) any {
		if allInt {
			return int64(f)
		}
		return f
	}
	first, last := -1, -1
	for i := range known {
		if known[i] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		for i := range out {
			out[i] = constant
		}
		return arrayResult(out), nil
	}
	for i := 0; i < n; i++ {
		switch {
		case known[i]:
			out[i] = arr[i]
		case i < first:
			if edges {
				out[i] = arr[first]
			} else {
				out[i] = arr[i]
			}
		case i > last:
			if edges {
				out[i] = arr[last]
			} else {
				out[i] = arr[i]
			}
		default:
			lo := i - 1
			for !known[lo] {
				lo--
			}
			hi := i + 1
			for !known[hi] {
				hi++
			}
			t := float64(i-lo) / float64(hi-lo)
			out[i] = num(vals[lo] + (vals[hi]-vals[lo])*t)
		}
	}
	return arrayResult(out), nil
}

var seriesMoreFuncs = []*Func{
	scalar("series_dot_product", 2, 2, sig(types.Real, aAny, aAny), evalSeriesDotProduct),
	scalar("series_iir", 3, 3, sig(types.Dynamic, aDyn, aDyn, aDyn), evalSeriesIIR),
	scalar("series_seasonal", 1, 2, sig(types.Dynamic, aDyn, aInt), evalSeriesSeasonal),
	scalar("series_fill_linear", 1, 4, sig(types.Dynamic, aDyn, aAny, aBool, aAny), evalSeriesFillLinear),
	seriesUnary("series_abs", math.Abs),
	seriesUnary("series_acos", math.Acos),
	seriesUnary("series_asin", math.Asin),
	seriesUnary("series_atan", math.Atan),
	seriesUnary("series_ceiling", math.Ceil),
	seriesUnary("series_cos", math.Cos),
	seriesUnary("series_exp", math.Exp),
	seriesUnary("series_floor", math.Floor),
	seriesUnary("series_log", math.Log),
	seriesUnary("series_sign", func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	}),
	seriesUnary("series_sin", math.Sin),
	seriesUnary("series_tan", math.Tan),
}
