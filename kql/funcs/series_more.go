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

// evalSeriesFIR is series_fir(series, filter [, normalize [, center]]):
// y[i] = sum_k f[k]*x[i-k], or with center the window shifted forward by
// (len(filter)-1)/2 so the output stays aligned. Points outside the series
// and missing elements count as 0. normalize (default: true unless the
// filter has a negative coefficient) divides the filter by its sum; asking
// to normalize a filter with negative coefficients gives null.
func evalSeriesFIR(_ *Context, a []types.Value) (types.Value, error) {
	xs, okx, isArr := seriesValues(a[0])
	fs, okf, isF := seriesValues(a[1])
	if !isArr || !isF || len(fs) == 0 {
		return nullDynamic, nil
	}
	negative := false
	var sum float64
	for i := range fs {
		if !okf[i] {
			fs[i] = 0
		}
		negative = negative || fs[i] < 0
		sum += fs[i]
	}
	normalize := !negative
	if len(a) > 2 && !isNull(a[2]) {
		normalize = types.ToBool(a[2]).Bool()
	}
	center := len(a) > 3 && !isNull(a[3]) && types.ToBool(a[3]).Bool()
	if normalize {
		if negative || sum == 0 {
			return nullDynamic, nil
		}
		for i := range fs {
			fs[i] /= sum
		}
	}
	shift := 0
	if center {
		shift = (len(fs) - 1) / 2
	}
	out := make([]any, len(xs))
	for i := range xs {
		var y float64
		for k, f := range fs {
			j := i - k + shift
			if j >= 0 && j < len(xs) && okx[j] {
				y += f * xs[j]
			}
		}
		out[i] = y
	}
	return arrayResult(out), nil
}

// pairedSeries reads two numeric series and returns the pairs where both
// elements are numeric, over the shorter length.
func pairedSeries(a, b types.Value) (xs, ys []float64, ok bool) {
	x, okx, isX := seriesValues(a)
	y, oky, isY := seriesValues(b)
	if !isX || !isY {
		return nil, nil, false
	}
	for i := 0; i < len(x) && i < len(y); i++ {
		if okx[i] && oky[i] {
			xs = append(xs, x[i])
			ys = append(ys, y[i])
		}
	}
	return xs, ys, true
}

// evalSeriesPearson is series_pearson_correlation(s1, s2) over the pairs
// of numeric elements.
func evalSeriesPearson(_ *Context, a []types.Value) (types.Value, error) {
	xs, ys, ok := pairedSeries(a[0], a[1])
	if !ok || len(xs) == 0 {
		return nullReal, nil
	}
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	return types.NewReal(sxy / math.Sqrt(sxx*syy)), nil
}

// evalSeriesCosine is series_cosine_similarity(s1, s2 [, |s1|, |s2|]): the
// dot product over the product of the magnitudes (computed unless given).
func evalSeriesCosine(_ *Context, a []types.Value) (types.Value, error) {
	xs, ys, ok := pairedSeries(a[0], a[1])
	if !ok || len(xs) == 0 {
		return nullReal, nil
	}
	var dot, mx, my float64
	for i := range xs {
		dot += xs[i] * ys[i]
		mx += xs[i] * xs[i]
		my += ys[i] * ys[i]
	}
	mx, my = math.Sqrt(mx), math.Sqrt(my)
	if len(a) > 2 {
		if m, ok := argReal(a[2]); ok {
			mx = m
		}
	}
	if len(a) > 3 {
		if m, ok := argReal(a[3]); ok {
			my = m
		}
	}
	return types.NewReal(dot / (mx * my)), nil
}

// seriesReduce builds series_sum and series_magnitude: a fold over the
// numeric elements (others ignored); a non-array gives null.
func seriesReduce(name string, f func(acc, x float64) float64, final func(float64) float64) *Func {
	return scalar(name, 1, 1, sig(types.Real, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		xs, ok, isArr := seriesValues(a[0])
		if !isArr {
			return nullReal, nil
		}
		var acc float64
		for i, x := range xs {
			if ok[i] {
				acc = f(acc, x)
			}
		}
		return types.NewReal(final(acc)), nil
	})
}

var seriesMoreFuncs = []*Func{
	scalar("series_dot_product", 2, 2, sig(types.Real, aAny, aAny), evalSeriesDotProduct),
	scalar("series_iir", 3, 3, sig(types.Dynamic, aDyn, aDyn, aDyn), evalSeriesIIR),
	scalar("series_seasonal", 1, 2, sig(types.Dynamic, aDyn, aInt), evalSeriesSeasonal),
	scalar("series_fill_linear", 1, 4, sig(types.Dynamic, aDyn, aAny, aBool, aAny), evalSeriesFillLinear),
	scalar("series_fir", 2, 4, sig(types.Dynamic, aDyn, aDyn, aBool, aBool), evalSeriesFIR),
	scalar("series_pearson_correlation", 2, 2, sig(types.Real, aDyn, aDyn), evalSeriesPearson),
	scalar("series_cosine_similarity", 2, 4, sig(types.Real, aDyn, aDyn, aNum, aNum), evalSeriesCosine),
	seriesReduce("series_sum", func(acc, x float64) float64 { return acc + x }, func(s float64) float64 { return s }),
	seriesReduce("series_magnitude", func(acc, x float64) float64 { return acc + x*x }, math.Sqrt),
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
