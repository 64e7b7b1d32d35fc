package funcs

import (
	"math"

	"kqlhunt/kql/types"
)

// series_fit_2lines(series): two-segment linear regression. Every split
// leaving at least two points on each side is tried; each side is fitted
// with series_fit_line (its own x = 1..len), and the split with the largest
// total r-square, 1 - (left + right residual sum of squares) / total sum
// of squares, wins (the first such split on ties). split_idx is the
// zero-based index of the first point of the right segment. Missing
// values count as 0, as in series_fit_line. Series of fewer than four
// points give null outputs.

var fit2LinesOutputs = []Output{
	{"rsquare", types.Real}, {"split_idx", types.Long}, {"variance", types.Real},
	{"rvariance", types.Real}, {"line_fit", types.Dynamic},
	{"right_rsquare", types.Real}, {"right_slope", types.Real}, {"right_interception", types.Real},
	{"right_variance", types.Real}, {"right_rvariance", types.Real},
	{"left_rsquare", types.Real}, {"left_slope", types.Real}, {"left_interception", types.Real},
	{"left_variance", types.Real}, {"left_rvariance", types.Real},
}

// lineSSR returns the residual sum of squares of the least-squares line
// through ys at x = 1..len(ys).
func lineSSR(ys []float64) float64 {
	n := float64(len(ys))
	var sx, sy float64
	for i, y := range ys {
		sx += float64(i + 1)
		sy += y
	}
	mx, my := sx/n, sy/n
	var sxy, sxx float64
	for i, y := range ys {
		dx := float64(i+1) - mx
		sxy += dx * (y - my)
		sxx += dx * dx
	}
	slope := 0.0
	if sxx != 0 {
		slope = sxy / sxx
	}
	icept := my - slope*mx
	var ssr float64
	for i, y := range ys {
		r := y - (slope*float64(i+1) + icept)
		ssr += r * r
	}
	return ssr
}

func evalSeriesFit2Lines(_ *Context, a []types.Value) (types.Value, error) {
	xs, ok, isArr := seriesValues(a[0])
	if !isArr {
		return nullDynamic, nil
	}
	for i := range xs {
		if !ok[i] {
			xs[i] = 0
		}
	}
	n := len(xs)
	b := &types.Bag{}
	if n < 4 {
		for _, o := range fit2LinesOutputs {
			b.Set(o.Name, nil)
		}
		return types.NewDynamic(b), nil
	}
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= float64(n)
	var sst float64
	for _, x := range xs {
		sst += (x - mean) * (x - mean)
	}
	best, bestSSR := -1, math.Inf(1)
	for s := 2; s <= n-2; s++ {
		if ssr := lineSSR(xs[:s]) + lineSSR(xs[s:]); ssr < bestSSR {
			best, bestSSR = s, ssr
		}
	}
	left, right := fitLine(xs[:best]), fitLine(xs[best:])
	fit := make([]any, 0, n)
	for _, side := range []*types.Bag{left, right} {
		f, _ := side.Get("line_fit")
		fit = append(fit, f.([]any)...)
	}
	rsq := 1.0
	if sst != 0 {
		rsq = 1 - bestSSR/sst
	}
	b.Set("rsquare", rsq)
	b.Set("split_idx", int64(best))
	b.Set("variance", sst/float64(n-1))
	b.Set("rvariance", bestSSR/float64(n-1))
	b.Set("line_fit", fit)
	for _, side := range []struct {
		prefix string
		bag    *types.Bag
	}{{"right_", right}, {"left_", left}} {
		for _, k := range []string{"rsquare", "slope", "interception", "variance", "rvariance"} {
			v, _ := side.bag.Get(k)
			b.Set(side.prefix+k, v)
		}
	}
	return types.NewDynamic(b), nil
}

var fit2LinesFuncs = []*Func{
	withOutputs(fit2LinesOutputs, scalar("series_fit_2lines", 1, 1, sig(types.Dynamic, aDyn), evalSeriesFit2Lines)),
	scalar("series_fit_2lines_dynamic", 1, 1, sig(types.Dynamic, aDyn), evalSeriesFit2Lines),
}
