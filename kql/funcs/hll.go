package funcs

import (
	"kqlhunt/kql/types"
)

// Distinct-count sketches: hll, hll_if, hll_merge (aggregates) and
// dcount_hll (scalar).
//
// Like dcount, these are exact rather than HyperLogLog estimates: the
// "sketch" is a dynamic array holding each distinct value once, merging is
// a set union, and dcount_hll counts the elements. The accuracy argument
// is accepted and ignored. Memory grows with the number of distinct
// values.

// distinctSet accumulates distinct values in first-seen order.
type distinctSet struct {
	seen map[types.Key]struct{}
	vals []any
}

func (s *distinctSet) add(v types.Value) {
	if skip(v) {
		return
	}
	if s.seen == nil {
		s.seen = make(map[types.Key]struct{})
	}
	k := types.KeyOf(v)
	if _, dup := s.seen[k]; dup {
		return
	}
	s.seen[k] = struct{}{}
	s.vals = append(s.vals, types.ToDynamicElement(v))
}

// addSketch merges a sketch value; ok is false when v is not an array.
func (s *distinctSet) addSketch(v types.Value) bool {
	if isNull(v) {
		return true
	}
	arr, ok := array(v)
	if !ok {
		return false
	}
	for _, e := range arr {
		s.add(types.FromDynamic(e))
	}
	return true
}

// hllAgg implements hll, hll_if and hll_merge.
type hllAgg struct {
	pred  int
	merge bool
	set   distinctSet
}

func (a *hllAgg) Add(args []types.Value) {
	if !pred(args, a.pred) {
		return
	}
	if a.merge {
		a.set.addSketch(args[0])
		return
	}
	a.set.add(args[0])
}

func (a *hllAgg) Result() types.Value {
	return arrayResult(append([]any{}, a.set.vals...))
}

func newHLL(predIdx int, merge bool) func([]types.Type) Aggregator {
	return func([]types.Type) Aggregator { return &hllAgg{pred: predIdx, merge: merge} }
}

// evalDcountHLL is dcount_hll(sketch): the number of distinct values.
func evalDcountHLL(_ *Context, a []types.Value) (types.Value, error) {
	var s distinctSet
	if !s.addSketch(a[0]) {
		return nullLong, nil
	}
	return types.NewLong(int64(len(s.vals))), nil
}

var hllFuncs = []*Func{
	agg("hll", 1, 2, sig(types.Dynamic, aAny, aInt), newHLL(-1, false)),
	agg("hll_if", 2, 3, sig(types.Dynamic, aAny, aBool, aInt), newHLL(1, false)),
	agg("hll_merge", 1, 1, sig(types.Dynamic, aDyn), newHLL(-1, true)),
	scalar("dcount_hll", 1, 1, sig(types.Long, aDyn), evalDcountHLL),
}
