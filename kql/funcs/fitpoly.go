package funcs

import (
	"math"

	"kqlhunt/kql/types"
)

// series_fit_poly(y [, x, degree]): least-squares polynomial regression,
// solved with a Householder QR factorisation of the Vandermonde matrix.
// x defaults to 1..n and degree to 1. Pairs where x or y is not numeric are
// left out of the fit; poly_fit is null where x is not numeric. variance
// and rvariance are sample variances (n-1), as in series_fit_line.

var fitPolyOutputs = []Output{
	{"rsquare", types.Real}, {"coefficients", types.Dynamic}, {"variance", types.Real},
	{"rvariance", types.Real}, {"poly_fit", types.Dynamic},
}

// maxPolyDegree bounds the degree of series_fit_poly.
const maxPolyDegree = 64

// leastSquares returns the coefficients c (lowest power first) minimising
// |A c - b| for the m x k matrix A (row-major), or false when A is rank
// deficient or m < k.
func leastSquares(a []float64, b []float64, m, k int) ([]float64, bool) {
	if m < k {
		return nil, false
	}
	a = append([]float64(nil), a...)
	b = append([]float64(nil), b...)
	for j := 0; j < k; j++ {
		var norm float64
		for i := j; i < m; i++ {
			norm += a[i*k+j] * a[i*k+j]
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			return nil, false
		}
		alpha := -norm
		if a[j*k+j] < 0 {
			alpha = norm
		}
		v := make([]float64, m-j)
		for i := j; i < m; i++ {
			v[i-j] = a[i*k+j]
		}
		v[0] -= alpha
		var vv float64
		for _, x := range v {
			vv += x * x
		}
		if vv == 0 {
			continue
		}
		for c := j; c < k; c++ {
			var dot float64
			for i := j; i < m; i++ {
				dot += v[i-j] * a[i*k+c]
			}
			f := 2 * dot / vv
			for i := j; i < m; i++ {
				a[i*k+c] -= f * v[i-j]
			}
		}
		var dot float64
		for i := j; i < m; i++ {
			dot += v[i-j] * b[i]
		}
		f := 2 * dot / vv
		for i := j; i < m; i++ {
			b[i] -= f * v[i-j]
		}
	}
	c := make([]float64, k)
	for j := k - 1; j >= 0; j-- {
		s := b[j]
		for l := j + 1; l < k; l++ {
			s -= a[j*k+l] * c[l]
		}
		d := a[j*k+j]
		if math.Abs(d) < 1e-300 {
			return nil, false
		}
		c[j] = s / d
	}
	return c, true
}

func evalSeriesFitPoly(_ *Context, a []types.Value) (types.Value, error) {
	ys, oky, isArr := seriesValues(a[0])
	if !isArr {
		return nullDynamic, nil
	}
	n := len(ys)
	xs := make([]float64, n)
	okx := make([]bool, n)
	for i := range xs {
		xs[i], okx[i] = float64(i+1), true
	}
	if len(a) > 1 && !isNull(a[1]) {
		vals, oks, isX := seriesValues(a[1])
		if !isX {
			return nullDynamic, nil
		}
		for i := range xs {
			okx[i] = i < len(vals) && oks[i]
			if okx[i] {
				xs[i] = vals[i]
			}
		}
	}
	degree := int64(1)
	if len(a) > 2 && !isNull(a[2]) {
		d, ok := argLong(a[2])
		if !ok || d < 0 || d > maxPolyDegree {
			return nullDynamic, nil
		}
		degree = d
	}
	k := int(degree) + 1
	var mat, rhs, fx []float64
	for i := range ys {
		if !oky[i] || !okx[i] {
			continue
		}
		p := 1.0
		for j := 0; j < k; j++ {
			mat = append(mat, p)
			p *= xs[i]
		}
		rhs = append(rhs, ys[i])
		fx = append(fx, xs[i])
	}
	m := len(rhs)
	b := &types.Bag{}
	coef, ok := leastSquares(mat, rhs, m, k)
	if !ok {
		for _, o := range fitPolyOutputs {
			b.Set(o.Name, nil)
		}
		return types.NewDynamic(b), nil
	}
	eval := func(x float64) float64 {
		var s float64
		for j := k - 1; j >= 0; j-- {
			s = s*x + coef[j]
		}
		return s
	}
	var mean float64
	for _, y := range rhs {
		mean += y
	}
	mean /= float64(m)
	var sst, ssr float64
	for r, y := range rhs {
		f := eval(fx[r])
		sst += (y - mean) * (y - mean)
		ssr += (y - f) * (y - f)
	}
	rsq := 1.0
	if sst != 0 {
		rsq = 1 - ssr/sst
	}
	denom := math.Max(float64(m-1), 1)
	fit := make([]any, n)
	for i := range fit {
		if okx[i] {
			fit[i] = eval(xs[i])
		}
	}
	coeffs := make([]any, k)
	for j := range coeffs {
		coeffs[j] = coef[k-1-j]
	}
	b.Set("rsquare", rsq)
	b.Set("coefficients", coeffs)
	b.Set("variance", sst/denom)
	b.Set("rvariance", ssr/denom)
	b.Set("poly_fit", fit)
	return types.NewDynamic(b), nil
}

var fitPolyFuncs = []*Func{
	withOutputs(fitPolyOutputs, scalar("series_fit_poly", 1, 3, sig(types.Dynamic, aDyn, aDyn, aInt), evalSeriesFitPoly)),
}
