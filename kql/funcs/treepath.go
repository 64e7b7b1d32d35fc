package funcs

import (
	"math"
	"strings"

	"kqlhunt/kql/types"
)

// treePaths appends to out, in pre-order, the paths below prefix in d:
// ['key'] for each property of a bag and a single [0] standing for every
// element of an array (the paths inside all elements are merged). seen
// removes duplicates.
func treePaths(d any, prefix string, out *[]any, seen map[string]bool) {
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			*out = append(*out, p)
		}
	}
	switch d := d.(type) {
	case *types.Bag:
		for i, k := range d.Keys {
			p := prefix + "['" + strings.ReplaceAll(k, "'", `\'`) + "']"
			add(p)
			treePaths(d.Vals[i], p, out, seen)
		}
	case []any:
		if len(d) == 0 {
			return
		}
		p := prefix + "[0]"
		add(p)
		for _, e := range d {
			treePaths(e, p, out, seen)
		}
	}
}

// evalTreepath is treepath(object): the path expressions of the leaves
// and inner nodes of a dynamic value.
func evalTreepath(_ *Context, a []types.Value) (types.Value, error) {
	if a[0].Type != types.Dynamic || a[0].Null {
		return nullDynamic, nil
	}
	out := []any{}
	treePaths(a[0].D, "", &out, map[string]bool{})
	return arrayResult(out), nil
}

// evalWelchTest is welch_test(mean1, variance1, count1, mean2, variance2,
// count2): the two-sided p-value of Welch's unequal-variances t-test, from
// Student's t distribution with the Welch-Satterthwaite degrees of
// freedom. Degenerate inputs (counts below 2, zero variances) give NaN.
func evalWelchTest(_ *Context, a []types.Value) (types.Value, error) {
	var v [6]float64
	for i := range v {
		f, ok := argReal(a[i])
		if !ok {
			return nullReal, nil
		}
		v[i] = f
	}
	m1, v1, n1, m2, v2, n2 := v[0], v[1], v[2], v[3], v[4], v[5]
	if n1 < 2 || n2 < 2 || v1 < 0 || v2 < 0 {
		return types.NewReal(math.NaN()), nil
	}
	s1, s2 := v1/n1, v2/n2
	se := s1 + s2
	if se == 0 {
		return types.NewReal(math.NaN()), nil
	}
	t := (m1 - m2) / math.Sqrt(se)
	df := se * se / (s1*s1/(n1-1) + s2*s2/(n2-1))
	return types.NewReal(betaCDF(df/(df+t*t), df/2, 0.5)), nil
}

var treepathFuncs = []*Func{
	scalar("treepath", 1, 1, sig(types.Dynamic, aDyn), evalTreepath),
	scalar("welch_test", 6, 6, sig(types.Real, aNum), evalWelchTest),
}
