package funcs

import (
	"kqlhunt/kql/types"
)

// covAgg implements covariance, covarianceif, covariancep and
// covariancepif: the sample (n-1) or population (n) covariance of two
// numeric expressions, over the rows where both are non-null, with a
// one-pass co-moment update. With fewer than two values the sample form
// gives 0, as variance does; with no values both give 0.
type covAgg struct {
	pred   int
	sample bool
	n      float64
	mx, my float64
	c      float64
}

func (a *covAgg) Add(args []types.Value) {
	if !pred(args, a.pred) || skip(args[0]) || skip(args[1]) {
		return
	}
	x, ok1 := argReal(args[0])
	y, ok2 := argReal(args[1])
	if !ok1 || !ok2 {
		return
	}
	a.n++
	dx := x - a.mx
	a.mx += dx / a.n
	a.my += (y - a.my) / a.n
	a.c += dx * (y - a.my)
}

func (a *covAgg) Result() types.Value {
	switch {
	case a.n == 0, a.sample && a.n < 2:
		return types.NewReal(0)
	case a.sample:
		return types.NewReal(a.c / (a.n - 1))
	}
	return types.NewReal(a.c / a.n)
}

func newCov(predIdx int, sample bool) func([]types.Type) Aggregator {
	return func([]types.Type) Aggregator { return &covAgg{pred: predIdx, sample: sample} }
}

var aggMoreFuncs = []*Func{
	agg("covariance", 2, 2, sig(types.Real, aNum, aNum), newCov(-1, true)),
	agg("covarianceif", 3, 3, sig(types.Real, aNum, aNum, aBool), newCov(2, true)),
	agg("covariancep", 2, 2, sig(types.Real, aNum, aNum), newCov(-1, false)),
	agg("covariancepif", 3, 3, sig(types.Real, aNum, aNum, aBool), newCov(2, false)),
}
