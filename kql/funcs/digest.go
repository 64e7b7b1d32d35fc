package funcs

import (
	"math"
	"sort"

	"kqlhunt/kql/types"
)

// Percentile digests: tdigest, tdigest_merge (aggregates), merge_tdigest,
// percentile_tdigest, percentiles_array_tdigest and rank_tdigest
// (scalars).
//
// A digest here is exact rather than a T-Digest sketch: a dynamic array of
// [value, weight] pairs, one per distinct value, sorted by value. Merging
// digests adds weights, so percentiles read from a digest (nearest rank,
// as percentile() computes) equal those of the original values, at the
// cost of memory proportional to the number of distinct values.

// digest accumulates weighted distinct values.
type digest struct {
	idx  map[types.Key]int
	vals []types.Value
	ws   []float64
}

func (d *digest) add(v types.Value, w float64) {
	if skip(v) || !(w > 0) {
		return
	}
	if d.idx == nil {
		d.idx = make(map[types.Key]int)
	}
	k := types.KeyOf(v)
	if i, ok := d.idx[k]; ok {
		d.ws[i] += w
		return
	}
	d.idx[k] = len(d.vals)
	d.vals = append(d.vals, v)
	d.ws = append(d.ws, w)
}

// addDigest merges a digest value into d; ok is false when v is not a
// digest.
func (d *digest) addDigest(v types.Value) bool {
	if isNull(v) {
		return true
	}
	arr, ok := array(v)
	if !ok {
		return false
	}
	for _, e := range arr {
		pair, ok := e.([]any)
		if !ok || len(pair) != 2 {
			return false
		}
		w, ok := argReal(types.FromDynamic(pair[1]))
		if !ok {
			return false
		}
		d.add(types.FromDynamic(pair[0]), w)
	}
	return true
}

// sorted returns the positions of d's values in ascending order.
func (d *digest) sorted() []int {
	order := make([]int, len(d.vals))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return types.SortCompare(d.vals[order[i]], d.vals[order[j]]) < 0 })
	return order
}

// value renders the digest as its dynamic array.
func (d *digest) value() types.Value {
	out := make([]any, 0, len(d.vals))
	for _, i := range d.sorted() {
		out = append(out, []any{types.ToDynamicElement(d.vals[i]), d.ws[i]})
	}
	return arrayResult(out)
}

// percentile returns the nearest-rank p-th percentile, or false for an
// empty digest.
func (d *digest) percentile(order []int, p float64) (types.Value, bool) {
	if len(order) == 0 {
		return types.Value{}, false
	}
	var total float64
	for _, w := range d.ws {
		total += w
	}
	rank := math.Max(math.Ceil(p/100*total), 1)
	var cum float64
	for _, i := range order {
		cum += d.ws[i]
		if cum >= rank {
			return d.vals[i], true
		}
	}
	return d.vals[order[len(order)-1]], true
}

// digestAgg implements tdigest(expr [, weight]) and tdigest_merge(digest).
type digestAgg struct {
	merge bool
	d     digest
}

func (a *digestAgg) Add(args []types.Value) {
	if a.merge {
		a.d.addDigest(args[0])
		return
	}
	w := 1.0
	if len(args) > 1 {
		var ok bool
		if w, ok = argReal(args[1]); !ok {
			return
		}
	}
	a.d.add(args[0], w)
}

func (a *digestAgg) Result() types.Value { return a.d.value() }

func newDigestAgg(merge bool) func([]types.Type) Aggregator {
	return func([]types.Type) Aggregator { return &digestAgg{merge: merge} }
}

// evalMergeTDigest is merge_tdigest(d1, d2, ...).
func evalMergeTDigest(_ *Context, a []types.Value) (types.Value, error) {
	var d digest
	for _, v := range a {
		if !d.addDigest(v) {
			return nullDynamic, nil
		}
	}
	return d.value(), nil
}

// evalPercentileTDigest is percentile_tdigest(digest, p [, typeof(T)]):
// a dynamic value unless a result type is named.
func evalPercentileTDigest(_ *Context, a []types.Value) (types.Value, error) {
	t := types.Dynamic
	if len(a) > 2 {
		if rt, ok := ResultTypeFromName(argStr(a[2])); ok {
			t = rt
		}
	}
	var d digest
	p, ok := argReal(a[1])
	if !ok || !d.addDigest(a[0]) {
		return types.NullOf(t), nil
	}
	v, ok := d.percentile(d.sorted(), p)
	if !ok {
		return types.NullOf(t), nil
	}
	if t == types.Dynamic {
		return types.NewDynamic(types.ToDynamicElement(v)), nil
	}
	return types.Convert(v, t), nil
}

// evalPercentilesArrayTDigest is percentiles_array_tdigest(digest, p1,
// p2, ...) or (digest, dynamic array of percentiles).
func evalPercentilesArrayTDigest(_ *Context, a []types.Value) (types.Value, error) {
	var d digest
	if !d.addDigest(a[0]) {
		return nullDynamic, nil
	}
	var ps []float64
	for _, v := range a[1:] {
		if arr, ok := array(v); ok {
			for _, e := range arr {
				if f, ok := argReal(types.FromDynamic(e)); ok {
					ps = append(ps, f)
				}
			}
			continue
		}
		if f, ok := argReal(v); ok {
			ps = append(ps, f)
		}
	}
	order := d.sorted()
	out := make([]any, len(ps))
	for i, p := range ps {
		if v, ok := d.percentile(order, p); ok {
			out[i] = types.ToDynamicElement(v)
		}
	}
	return arrayResult(out), nil
}

// evalRankTDigest is rank_tdigest(digest, value): the total weight of the
// digest's values less than or equal to value.
func evalRankTDigest(_ *Context, a []types.Value) (types.Value, error) {
	var d digest
	if isNull(a[1]) || !d.addDigest(a[0]) {
		return nullLong, nil
	}
	var rank float64
	for i, v := range d.vals {
		if c, ok := types.Compare(v, a[1]); ok && c <= 0 {
			rank += d.ws[i]
		}
	}
	return types.NewLong(int64(rank)), nil
}

// evalPercentrankTDigest is percentrank_tdigest(digest, value): the
// percentage of the digest's weight at values less than or equal to value.
func evalPercentrankTDigest(_ *Context, a []types.Value) (types.Value, error) {
	var d digest
	if isNull(a[1]) || !d.addDigest(a[0]) || len(d.vals) == 0 {
		return nullReal, nil
	}
	var rank, total float64
	for i, v := range d.vals {
		total += d.ws[i]
		if c, ok := types.Compare(v, a[1]); ok && c <= 0 {
			rank += d.ws[i]
		}
	}
	return types.NewReal(100 * rank / total), nil
}

var digestFuncs = []*Func{
	agg("tdigest", 1, 2, sig(types.Dynamic, aScalar, aNum), newDigestAgg(false)),
	agg("tdigest_merge", 1, 1, sig(types.Dynamic, aDyn), newDigestAgg(true)),
	scalar("merge_tdigest", 1, -1, sig(types.Dynamic, aDyn), evalMergeTDigest),
	withTypeArg(3, scalar("percentile_tdigest", 2, 3, sig(types.Dynamic, aDyn, aNum, aStr), evalPercentileTDigest)),
	scalar("percentiles_array_tdigest", 2, -1, sig(types.Dynamic, aDyn, aAny), evalPercentilesArrayTDigest),
	scalar("percentrank_tdigest", 2, 2, sig(types.Real, aDyn, aScalar), evalPercentrankTDigest),
	scalar("rank_tdigest", 2, 2, sig(types.Long, aDyn, aScalar), evalRankTDigest),
}
