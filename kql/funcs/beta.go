package funcs

import (
	"math"

	"kqlhunt/kql/types"
)

// The beta distribution: beta_cdf, beta_inv and beta_pdf. Arguments
// outside the distribution's domain (x or probability outside [0, 1],
// non-positive alpha or beta) give NaN; null arguments give null.

// betaArgs reads three real arguments.
func betaArgs(a []types.Value) (x, alpha, beta float64, ok bool) {
	x, ok1 := argReal(a[0])
	alpha, ok2 := argReal(a[1])
	beta, ok3 := argReal(a[2])
	return x, alpha, beta, ok1 && ok2 && ok3
}

func betaDomain(x, alpha, beta float64) bool {
	return x >= 0 && x <= 1 && alpha > 0 && beta > 0
}

// lbeta is the logarithm of the beta function.
func lbeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// betaContinuedFraction evaluates the continued fraction of the
// regularized incomplete beta function with the modified Lentz method.
func betaContinuedFraction(x, a, b float64) float64 {
	const eps, tiny = 1e-16, 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 1000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}

// betaCDF is the regularized incomplete beta function I_x(a, b).
func betaCDF(x, a, b float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) - lbeta(a, b))
	if x < (a+1)/(a+b+2) {
		return front * betaContinuedFraction(x, a, b) / a
	}
	return 1 - front*betaContinuedFraction(1-x, b, a)/b
}

func evalBetaCDF(_ *Context, a []types.Value) (types.Value, error) {
	x, alpha, beta, ok := betaArgs(a)
	if !ok {
		return nullReal, nil
	}
	if !betaDomain(x, alpha, beta) {
		return types.NewReal(math.NaN()), nil
	}
	return types.NewReal(betaCDF(x, alpha, beta)), nil
}

func evalBetaPDF(_ *Context, a []types.Value) (types.Value, error) {
	x, alpha, beta, ok := betaArgs(a)
	if !ok {
		return nullReal, nil
	}
	if !betaDomain(x, alpha, beta) {
		return types.NewReal(math.NaN()), nil
	}
	if x == 0 || x == 1 {
		// The density's limit at the edges.
		e := alpha
		if x == 1 {
			e = beta
		}
		switch {
		case e < 1:
			return types.NewReal(math.Inf(1)), nil
		case e > 1:
			return types.NewReal(0), nil
		}
		return types.NewReal(math.Exp(-lbeta(alpha, beta))), nil
	}
	return types.NewReal(math.Exp((alpha-1)*math.Log(x) + (beta-1)*math.Log1p(-x) - lbeta(alpha, beta))), nil
}

// evalBetaInv inverts betaCDF by bisection (the CDF is monotonic on
// [0, 1]).
func evalBetaInv(_ *Context, a []types.Value) (types.Value, error) {
	p, alpha, beta, ok := betaArgs(a)
	if !ok {
		return nullReal, nil
	}
	if !betaDomain(p, alpha, beta) {
		return types.NewReal(math.NaN()), nil
	}
	lo, hi := 0.0, 1.0
	for i := 0; i < 200 && hi-lo > 1e-16; i++ {
		mid := (lo + hi) / 2
		if betaCDF(mid, alpha, beta) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return types.NewReal((lo + hi) / 2), nil
}

var betaFuncs = []*Func{
	scalar("beta_cdf", 3, 3, sig(types.Real, aNum), evalBetaCDF),
	scalar("beta_inv", 3, 3, sig(types.Real, aNum), evalBetaInv),
	scalar("beta_pdf", 3, 3, sig(types.Real, aNum), evalBetaPDF),
}
