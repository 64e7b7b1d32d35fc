package funcs

import (
	"math"

	"kqlhunt/kql/types"
)

// seriesValues reads a dynamic numeric array; null or non-numeric elements
// are reported as NaN with ok[i] false.
func seriesValues(v types.Value) ([]float64, []bool, bool) {
	arr, isArr := array(v)
	if !isArr {
		return nil, nil, false
	}
	xs := make([]float64, len(arr))
	ok := make([]bool, len(arr))
	for i, e := range arr {
		f, good := argReal(types.FromDynamic(e))
		if e == nil || !good {
			xs[i] = math.NaN()
			continue
		}
		xs[i], ok[i] = f, true
	}
	return xs, ok, true
}

// fitLine is series_fit_line's computation: least squares over x = 1..n,
// sample variances (n-1).
func fitLine(ys []float64) *types.Bag {
	n := float64(len(ys))
	b := &types.Bag{}
	if len(ys) == 0 {
		for _, o := range fitLineOutputs {
			if o.Type == types.Dynamic {
				b.Set(o.Name, []any{})
			} else {
				b.Set(o.Name, nil)
			}
		}
		return b
	}
	var sx, sy float64
	for i, y := range ys {
		sx += float64(i + 1)
		sy += y
	}
	mx, my := sx/n, sy/n
	var sxy, sxx, sst float64
	for i, y := range ys {
		dx := float64(i+1) - mx
		sxy += dx * (y - my)
		sxx += dx * dx
		sst += (y - my) * (y - my)
	}
	slope := 0.0
	if sxx != 0 {
		slope = sxy / sxx
	}
	icept := my - slope*mx
	fit := make([]any, len(ys))
	var ssr float64
	for i, y := range ys {
		f := slope*float64(i+1) + icept
		fit[i] = f
		ssr += (y - f) * (y - f)
	}
	rsq := 1.0
	if sst != 0 {
		rsq = 1 - ssr/sst
	}
	denom := n - 1
	if denom < 1 {
		denom = 1
	}
	b.Set("rsquare", rsq)
	b.Set("slope", slope)
	b.Set("variance", sst/denom)
	b.Set("rvariance", ssr/denom)
	b.Set("interception", icept)
	b.Set("line_fit", fit)
	return b
}

var fitLineOutputs = []Output{
	{"rsquare", types.Real}, {"slope", types.Real}, {"variance", types.Real},
	{"rvariance", types.Real}, {"interception", types.Real}, {"line_fit", types.Dynamic},
}

var statsOutputs = []Output{
	{"min", types.Real}, {"min_idx", types.Long}, {"max", types.Real}, {"max_idx", types.Long},
	{"avg", types.Real}, {"stdev", types.Real}, {"variance", types.Real},
}

// seriesStats is series_stats' computation over the numeric elements
// (nulls ignored); variance and stdev are sample statistics.
func seriesStats(xs []float64, ok []bool) *types.Bag {
	b := &types.Bag{}
	minV, maxV := math.Inf(1), math.Inf(-1)
	minI, maxI := int64(-1), int64(-1)
	var n, mean, m2 float64
	for i, x := range xs {
		if !ok[i] {
			continue
		}
		if x < minV {
			minV, minI = x, int64(i)
		}
		if x > maxV {
			maxV, maxI = x, int64(i)
		}
		n++
		d := x - mean
		mean += d / n
		m2 += d * (x - mean)
	}
	if n == 0 {
		for _, o := range statsOutputs {
			b.Set(o.Name, nil)
		}
		return b
	}
	variance := 0.0
	if n > 1 {
		variance = m2 / (n - 1)
	}
	b.Set("min", minV)
	b.Set("min_idx", minI)
	b.Set("max", maxV)
	b.Set("max_idx", maxI)
	b.Set("avg", mean)
	b.Set("stdev", math.Sqrt(variance))
	b.Set("variance", variance)
	return b
}

func evalFitLine(_ *Context, a []types.Value) (types.Value, error) {
	xs, ok, isArr := seriesValues(a[0])
	if !isArr {
		return nullDynamic, nil
	}
	ys := xs[:0:0]
	for i, x := range xs {
		if ok[i] {
			ys = append(ys, x)
		} else {
			ys = append(ys, 0)
		}
	}
	return types.NewDynamic(fitLine(ys)), nil
}

func evalSeriesStats(_ *Context, a []types.Value) (types.Value, error) {
	xs, ok, isArr := seriesValues(a[0])
	if !isArr {
		return nullDynamic, nil
	}
	return types.NewDynamic(seriesStats(xs, ok)), nil
}

// seriesBinary builds element-wise series functions on two arrays (or an
// array and a scalar).
func seriesBinary(name string, f func(x, y float64) any) *Func {
	return scalar(name, 2, 2, sig(types.Dynamic, aAny, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		get := func(v types.Value) (func(i int) (float64, bool), int, bool) {
			if xs, ok, isArr := seriesValues(v); isArr {
				return func(i int) (float64, bool) {
					if i >= len(xs) {
						return 0, false
					}
					return xs[i], ok[i]
				}, len(xs), true
			}
			x, ok := argReal(v)
			return func(int) (float64, bool) { return x, ok }, -1, ok || v.Type != types.Dynamic
		}
		fx, nx, ok1 := get(a[0])
		fy, ny, ok2 := get(a[1])
		if !ok1 || !ok2 || nx < 0 && ny < 0 {
			return nullDynamic, nil
		}
		n := max(nx, ny)
		if nx >= 0 && ny >= 0 {
			n = min(nx, ny)
		}
		out := make([]any, n)
		for i := range out {
			x, okx := fx(i)
			y, oky := fy(i)
			if okx && oky {
				out[i] = f(x, y)
			}
		}
		return arrayResult(out), nil
	})
}

// seriesFill builds series_fill_forward / series_fill_backward /
// series_fill_const: missing (null) elements are replaced.
func seriesFill(name string, dir int) *Func {
	return scalar(name, 1, 2, sig(types.Dynamic, aDyn, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		arr, ok := array(a[0])
		if !ok {
			return nullDynamic, nil
		}
		out := append([]any(nil), arr...)
		missing := func(e any) bool { return e == nil }
		if len(a) > 1 && dir != 0 {
			m := a[1]
			missing = func(e any) bool {
				if e == nil {
					return isNull(m)
				}
				eq := types.Equal(types.FromDynamic(e), m)
				return !eq.Null && eq.I != 0
			}
		}
		switch dir {
		case 0: // constant
			var fill any = 0.0
			if len(a) > 1 {
				fill = types.ToDynamicElement(a[1])
			}
			for i, e := range out {
				if e == nil {
					out[i] = fill
				}
			}
		case 1: // forward
			var last any
			for i, e := range out {
				if missing(e) {
					if last != nil {
						out[i] = last
					}
					continue
				}
				last = e
			}
		case -1: // backward
			var next any
			for i := len(out) - 1; i >= 0; i-- {
				if missing(out[i]) {
					if next != nil {
						out[i] = next
					}
					continue
				}
				next = out[i]
			}
		}
		return arrayResult(out), nil
	})
}

var seriesFuncs = []*Func{
	withOutputs(fitLineOutputs, scalar("series_fit_line", 1, 1, sig(types.Dynamic, aDyn), evalFitLine)),
	scalar("series_fit_line_dynamic", 1, 1, sig(types.Dynamic, aDyn), evalFitLine),
	withOutputs(statsOutputs, scalar("series_stats", 1, 2, sig(types.Dynamic, aDyn, aBool), evalSeriesStats)),
	scalar("series_stats_dynamic", 1, 2, sig(types.Dynamic, aDyn, aBool), evalSeriesStats),
	seriesFill("series_fill_const", 0),
	seriesFill("series_fill_forward", 1),
	seriesFill("series_fill_backward", -1),
	seriesBinary("series_add", func(x, y float64) any { return x + y }),
	seriesBinary("series_subtract", func(x, y float64) any { return x - y }),
	seriesBinary("series_multiply", func(x, y float64) any { return x * y }),
	seriesBinary("series_divide", func(x, y float64) any { return x / y }),
	seriesBinary("series_pow", func(x, y float64) any { return math.Pow(x, y) }),
	seriesBinary("series_greater", func(x, y float64) any { return x > y }),
	seriesBinary("series_greater_equals", func(x, y float64) any { return x >= y }),
	seriesBinary("series_less", func(x, y float64) any { return x < y }),
	seriesBinary("series_less_equals", func(x, y float64) any { return x <= y }),
	seriesBinary("series_equals", func(x, y float64) any { return x == y }),
	seriesBinary("series_not_equals", func(x, y float64) any { return x != y }),
}

// withOutputs sets an entry's Outputs.
func withOutputs(outs []Output, f *Func) *Func {
	f.Outputs = outs
	return f
}
