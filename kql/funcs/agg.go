package funcs

import (
	"math"
	"sort"

	"kqlhunt/kql/types"
)

// Aggregates ignore null arguments, as Kusto documents (count(expr) is the
// exception: it counts every row, like count()). With no non-null values,
// sum and sumif give 0, avg gives NaN, stdev and variance give 0, and
// min, max, percentile and take_any give null. dcount, dcountif,
// count_distinct and count_distinctif are exact, not HyperLogLog estimates.
// percentile and its variants use the nearest-rank definition on the exact
// values (no T-Digest approximation).

// agg builds an aggregate entry.
func agg(name string, min, max int, result func([]types.Type) (types.Type, error), newAgg func([]types.Type) Aggregator) *Func {
	return &Func{Name: name, Kind: Aggregate, MinArgs: min, MaxArgs: max, Result: result, NewAgg: newAgg}
}

// pred reports whether row args pass the predicate at index i (no
// predicate when i < 0). A null predicate is false.
func pred(args []types.Value, i int) bool {
	if i < 0 {
		return true
	}
	if i >= len(args) {
		return false
	}
	b := args[i]
	if b.Type != types.Bool {
		b = types.ToBool(b)
	}
	return b.Bool()
}

// skip reports whether an aggregate ignores v: nulls of any type, and
// dynamic nulls.
func skip(v types.Value) bool { return isNull(v) }

// countAgg implements count, count(expr) and countif.
type countAgg struct {
	pred int
	n    int64
}

func (a *countAgg) Add(args []types.Value) {
	if pred(args, a.pred) {
		a.n++
	}
}

func (a *countAgg) Result() types.Value { return types.NewLong(a.n) }

// dcountAgg implements dcount, dcountif, count_distinct, count_distinctif
// exactly.
type dcountAgg struct {
	pred int
	seen map[types.Key]struct{}
}

func (a *dcountAgg) Add(args []types.Value) {
	if !pred(args, a.pred) || skip(args[0]) {
		return
	}
	if a.seen == nil {
		a.seen = make(map[types.Key]struct{})
	}
	a.seen[types.KeyOf(args[0])] = struct{}{}
}

func (a *dcountAgg) Result() types.Value { return types.NewLong(int64(len(a.seen))) }

// sumAgg implements sum, sumif, avg and avgif.
type sumAgg struct {
	pred  int
	t     types.Type // result type
	avg   bool
	isInt bool
	i     int64
	f     float64
	n     int64
}

func (a *sumAgg) Add(args []types.Value) {
	if !pred(args, a.pred) || skip(args[0]) {
		return
	}
	v := args[0]
	switch v.Type {
	case types.Int, types.Long, types.TimeSpan, types.DateTime, types.Bool:
		a.i += v.I
		a.f += float64(v.I)
	default:
		f, ok := argReal(v)
		if !ok {
			return
		}
		a.f += f
		a.isInt = false
	}
	a.n++
}

func (a *sumAgg) Result() types.Value {
	if a.n == 0 {
		// No non-null values: sum is 0 and avg is NaN (0/0), as Kusto's
		// aggregate defaults document.
		switch {
		case a.avg && a.t == types.Real:
			return types.NewReal(math.NaN())
		case a.avg:
			return types.NullOf(a.t)
		}
		return types.Value{Type: a.t} // zero of the sum's type
	}
	switch a.t {
	case types.Long:
		if a.isInt {
			return types.NewLong(a.i)
		}
		return types.NewLong(int64(a.f))
	case types.TimeSpan, types.DateTime:
		if a.avg {
			return types.Value{Type: a.t, I: int64(math.Round(a.f / float64(a.n)))}
		}
		return types.Value{Type: a.t, I: a.i}
	case types.Decimal:
		if a.avg {
			return types.NewDecimal(a.f / float64(a.n))
		}
		return types.NewDecimal(a.f)
	}
	if a.avg {
		return types.NewReal(a.f / float64(a.n))
	}
	return types.NewReal(a.f)
}

// sumType is sum()'s result rule: integers give long, timespans timespan,
// decimals decimal, everything else real.
func sumType(args []types.Type) (types.Type, error) {
	switch args[0] {
	case types.Int, types.Long, types.Bool:
		return types.Long, nil
	case types.TimeSpan, types.Decimal, types.Null:
		return args[0], nil
	}
	return types.Real, nil
}

// avgType is avg()'s result rule: real, timespan for timespans, datetime
// for datetimes, decimal for decimals.
func avgType(args []types.Type) (types.Type, error) {
	switch args[0] {
	case types.TimeSpan, types.DateTime, types.Decimal, types.Null:
		return args[0], nil
	}
	return types.Real, nil
}

func newSum(predIdx int, avg bool) func([]types.Type) Aggregator {
	return func(ts []types.Type) Aggregator {
		var t types.Type
		if avg {
			t, _ = avgType(ts)
		} else {
			t, _ = sumType(ts)
		}
		if t == types.Null {
			t = types.Real
		}
		return &sumAgg{pred: predIdx, t: t, avg: avg, isInt: true}
	}
}

// extremeAgg implements min, max, minif, maxif.
type extremeAgg struct {
	pred  int
	sign  int
	t     types.Type
	best  types.Value
	found bool
}

func (a *extremeAgg) Add(args []types.Value) {
	v := args[0]
	if !pred(args, a.pred) || skip(v) || v.Type == types.String && v.S == "" {
		return
	}
	if !a.found {
		a.best, a.found = v, true
		return
	}
	if c, ok := types.Compare(v, a.best); ok && c*a.sign > 0 {
		a.best = v
	}
}

func (a *extremeAgg) Result() types.Value {
	if !a.found {
		return types.NullOf(a.t)
	}
	if a.t != types.Null && a.best.Type != a.t {
		return convertTo(a.best, a.t)
	}
	return a.best
}

// firstType is the type of an aggregate's first argument, or types.Null
// when it has none.
func firstType(ts []types.Type) types.Type {
	if len(ts) > 0 {
		return ts[0]
	}
	return types.Null
}

func newExtreme(predIdx, sign int) func([]types.Type) Aggregator {
	return func(ts []types.Type) Aggregator {
		return &extremeAgg{pred: predIdx, sign: sign, t: firstType(ts)}
	}
}

// argExtremeAgg implements arg_min / arg_max. Add receives [by-value,
// returned values...]. The first row is kept until a row with a non-null
// by-value beats it, so an all-null group still returns a row.
type argExtremeAgg struct {
	sign int
	t    types.Type
	row  []types.Value
	best types.Value
	has  bool // best is a non-null by-value
}

func (a *argExtremeAgg) Add(args []types.Value) {
	v := args[0]
	nullish := skip(v)
	switch {
	case a.row == nil:
	case nullish || !a.has:
		if nullish {
			return
		}
	default:
		c, ok := types.Compare(v, a.best)
		if !ok || c*a.sign <= 0 {
			return
		}
	}
	a.row = append(a.row[:0], args...)
	a.best, a.has = v, !nullish
}

func (a *argExtremeAgg) Result() types.Value {
	if !a.has {
		return types.NullOf(a.t)
	}
	return a.best
}

func (a *argExtremeAgg) Row() []types.Value { return a.row }

// setAgg implements make_set, make_set_if, make_list, make_list_if and
// make_list_with_nulls. A dynamic array value contributes its elements
// (one level), so make_list(pack_array(x)) collects the x values as
// elements: the documentation's geo_point_in_polygon example builds a
// MultiPolygon's coordinates with make_list(pack_array(polygon.coordinates)).
type setAgg struct {
	pred      int // predicate index, or -1
	sizeArg   int // index of the optional max-size argument
	list      bool
	withNulls bool
	max       int
	seen      map[types.Key]struct{}
	out       []any
}

// maxSizeArg reads the optional max-size argument args[i] of make_set,
// make_list and make_bag: a positive number, or defaultMaxSize.
func maxSizeArg(args []types.Value, i int) int {
	if i < len(args) {
		if n, ok := argLong(args[i]); ok && n > 0 {
			return int(n)
		}
	}
	return defaultMaxSize
}

func (a *setAgg) Add(args []types.Value) {
	if !pred(args, a.pred) {
		return
	}
	if a.max == 0 {
		a.max = maxSizeArg(args, a.sizeArg)
	}
	v := args[0]
	if skip(v) && !a.withNulls {
		return
	}
	if v.Type == types.Dynamic {
		if arr, ok := v.D.([]any); ok {
			for _, e := range arr {
				a.addElem(e)
			}
			return
		}
	}
	if len(a.out) >= a.max {
		return
	}
	// KeyOf(v) equals DynamicKey(ToDynamicElement(v)), so duplicates are
	// found before the value is boxed into a dynamic element.
	if !a.list && !a.firstSeen(types.KeyOf(v)) {
		return
	}
	a.out = append(a.out, types.ToDynamicElement(v))
}

// firstSeen records k and reports whether it is new.
func (a *setAgg) firstSeen(k types.Key) bool {
	if a.seen == nil {
		a.seen = make(map[types.Key]struct{})
	}
	if _, dup := a.seen[k]; dup {
		return false
	}
	a.seen[k] = struct{}{}
	return true
}

func (a *setAgg) addElem(e any) {
	if len(a.out) >= a.max {
		return
	}
	if !a.list && !a.firstSeen(types.DynamicKey(e)) {
		return
	}
	a.out = append(a.out, e)
}

func (a *setAgg) Result() types.Value { return arrayResult(a.out) }

// defaultMaxSize is the element limit of make_set, make_list and make_bag
// when no size is given.
const defaultMaxSize = 1048576

func newSet(predIdx, sizeArg int, list, withNulls bool) func([]types.Type) Aggregator {
	return func([]types.Type) Aggregator {
		return &setAgg{pred: predIdx, sizeArg: sizeArg, list: list, withNulls: withNulls}
	}
}

// bagAgg implements make_bag and make_bag_if: the union of the bags; when
// a key repeats, the first value is kept.
type bagAgg struct {
	pred    int
	sizeArg int
	max     int
	bag     *types.Bag
	index   map[string]struct{}
}

func (a *bagAgg) Add(args []types.Value) {
	if !pred(args, a.pred) {
		return
	}
	if a.max == 0 {
		a.max = maxSizeArg(args, a.sizeArg)
	}
	b, ok := bag(args[0])
	if !ok {
		return
	}
	if a.bag == nil {
		a.bag = &types.Bag{}
		a.index = map[string]struct{}{}
	}
	for i, k := range b.Keys {
		if len(a.bag.Keys) >= a.max {
			return
		}
		if _, dup := a.index[k]; dup {
			continue
		}
		a.index[k] = struct{}{}
		a.bag.Keys = append(a.bag.Keys, k)
		a.bag.Vals = append(a.bag.Vals, b.Vals[i])
	}
}

func (a *bagAgg) Result() types.Value {
	if a.bag == nil {
		return types.NewDynamic(&types.Bag{})
	}
	return types.NewDynamic(a.bag)
}

// takeAnyAgg implements take_any and take_anyif: the first row whose first
// argument is not null (or the first row when all are null). With several
// arguments Row returns all of that row's values.
type takeAnyAgg struct {
	pred int
	t    types.Type
	row  []types.Value
	good bool
}

func (a *takeAnyAgg) Add(args []types.Value) {
	if a.good || !pred(args, a.pred) {
		return
	}
	vals := args
	if a.pred >= 0 {
		vals = args[:a.pred]
	}
	v := vals[0]
	good := !skip(v) && !(v.Type == types.String && v.S == "")
	if a.row == nil || good {
		a.row = append(a.row[:0], vals...)
		a.good = good
	}
}

func (a *takeAnyAgg) Result() types.Value {
	if a.row == nil {
		return types.NullOf(a.t)
	}
	return a.row[0]
}

func (a *takeAnyAgg) Row() []types.Value { return a.row }

// statAgg implements stdev, stdevp, variance, variancep and their -if forms
// with Welford's algorithm.
type statAgg struct {
	pred     int
	sample   bool
	sqrt     bool
	n        float64
	mean, m2 float64
}

func (a *statAgg) Add(args []types.Value) {
	if !pred(args, a.pred) || skip(args[0]) {
		return
	}
	x, ok := argReal(args[0])
	if !ok {
		return
	}
	a.n++
	d := x - a.mean
	a.mean += d / a.n
	a.m2 += d * (x - a.mean)
}

func (a *statAgg) Result() types.Value {
	if a.n == 0 {
		return types.NewReal(0) // the documented default for no values
	}
	var v float64
	switch {
	case a.sample && a.n < 2:
		v = 0
	case a.sample:
		v = a.m2 / (a.n - 1)
	default:
		v = a.m2 / a.n
	}
	if a.sqrt {
		v = math.Sqrt(v)
	}
	return types.NewReal(v)
}

func newStat(predIdx int, sample, sqrt bool) func([]types.Type) Aggregator {
	return func([]types.Type) Aggregator { return &statAgg{pred: predIdx, sample: sample, sqrt: sqrt} }
}

// percentileAgg implements percentile, percentiles, percentiles_array and
// the weighted forms: nearest rank over the exact values.
type percentileAgg struct {
	weighted bool
	asArray  bool
	t        types.Type
	vals     []types.Value
	weights  []int64
	ps       []float64
	psSet    bool
}

func (a *percentileAgg) Add(args []types.Value) {
	v := args[0]
	rest := args[1:]
	var w int64 = 1
	if a.weighted {
		if len(rest) == 0 {
			return
		}
		var ok bool
		if w, ok = argLong(rest[0]); !ok || w <= 0 {
			return
		}
		rest = rest[1:]
	}
	if !a.psSet {
		a.psSet = true
		for _, p := range rest {
			if arr, ok := array(p); ok {
				for _, e := range arr {
					if f, ok := argReal(types.FromDynamic(e)); ok {
						a.ps = append(a.ps, f)
					}
				}
				continue
			}
			if f, ok := argReal(p); ok {
				a.ps = append(a.ps, f)
			}
		}
	}
	if skip(v) {
		return
	}
	a.vals = append(a.vals, v)
	a.weights = append(a.weights, w)
}

func (a *percentileAgg) Results() []types.Value {
	out := make([]types.Value, len(a.ps))
	if len(a.vals) == 0 {
		for i := range out {
			out[i] = types.NullOf(a.t)
		}
		return out
	}
	idx := make([]int, len(a.vals))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return types.SortCompare(a.vals[idx[i]], a.vals[idx[j]]) < 0 })
	var total int64
	for _, w := range a.weights {
		total += w
	}
	for i, p := range a.ps {
		rank := int64(math.Ceil(p / 100 * float64(total)))
		if rank < 1 {
			rank = 1
		}
		var cum int64
		for _, k := range idx {
			cum += a.weights[k]
			if cum >= rank {
				out[i] = a.vals[k]
				break
			}
		}
		if out[i].Type == types.Null {
			out[i] = a.vals[idx[len(idx)-1]]
		}
	}
	return out
}

func (a *percentileAgg) Result() types.Value {
	rs := a.Results()
	if a.asArray {
		arr := make([]any, len(rs))
		for i, r := range rs {
			arr[i] = types.ToDynamicElement(r)
		}
		return arrayResult(arr)
	}
	if len(rs) == 0 {
		return types.NullOf(a.t)
	}
	return rs[0]
}

func newPercentile(weighted, asArray bool) func([]types.Type) Aggregator {
	return func(ts []types.Type) Aggregator {
		return &percentileAgg{weighted: weighted, asArray: asArray, t: firstType(ts)}
	}
}

// bitAgg implements binary_all_and / binary_all_or / binary_all_xor.
type bitAgg struct {
	op  byte
	v   int64
	has bool
}

func (a *bitAgg) Add(args []types.Value) {
	x, ok := argLong(args[0])
	if !ok {
		return
	}
	if !a.has {
		a.v, a.has = x, true
		return
	}
	switch a.op {
	case '&':
		a.v &= x
	case '|':
		a.v |= x
	case '^':
		a.v ^= x
	}
}

func (a *bitAgg) Result() types.Value {
	if !a.has {
		return nullLong
	}
	return types.NewLong(a.v)
}

func argType0(args []types.Type) (types.Type, error) {
	if len(args) == 0 {
		return types.Null, nil
	}
	return args[0], nil
}

var aggFuncs = []*Func{
	agg("count", 0, 1, sig(types.Long, aAny), func([]types.Type) Aggregator { return &countAgg{pred: -1} }),
	agg("countif", 1, 1, sig(types.Long, aBool), func([]types.Type) Aggregator { return &countAgg{pred: 0} }),
	agg("dcount", 1, 2, sig(types.Long, aAny, aInt), func([]types.Type) Aggregator { return &dcountAgg{pred: -1} }),
	agg("dcountif", 2, 3, sig(types.Long, aAny, aBool, aInt), func([]types.Type) Aggregator { return &dcountAgg{pred: 1} }),
	agg("count_distinct", 1, 1, sig(types.Long, aAny), func([]types.Type) Aggregator { return &dcountAgg{pred: -1} }),
	agg("count_distinctif", 2, 2, sig(types.Long, aAny, aBool), func([]types.Type) Aggregator { return &dcountAgg{pred: 1} }),
	agg("sum", 1, 1, sigFn(sumType, aNumOrTS), newSum(-1, false)),
	agg("sumif", 2, 2, sigFn(sumType, aNumOrTS, aBool), newSum(1, false)),
	agg("avg", 1, 1, sigFn(avgType, aBinnable), newSum(-1, true)),
	agg("avgif", 2, 2, sigFn(avgType, aBinnable, aBool), newSum(1, true)),
	agg("min", 1, 1, sigFn(argType0, aScalar), newExtreme(-1, -1)),
	agg("max", 1, 1, sigFn(argType0, aScalar), newExtreme(-1, 1)),
	agg("minif", 2, 2, sigFn(argType0, aScalar, aBool), newExtreme(1, -1)),
	agg("maxif", 2, 2, sigFn(argType0, aScalar, aBool), newExtreme(1, 1)),
	agg("arg_min", 1, -1, sigFn(argType0, aScalar, aAny), func(ts []types.Type) Aggregator {
		t, _ := argType0(ts)
		return &argExtremeAgg{sign: -1, t: t}
	}),
	agg("arg_max", 1, -1, sigFn(argType0, aScalar, aAny), func(ts []types.Type) Aggregator {
		t, _ := argType0(ts)
		return &argExtremeAgg{sign: 1, t: t}
	}),
	agg("make_set", 1, 2, sig(types.Dynamic, aAny, aInt), newSet(-1, 1, false, false)),
	agg("make_set_if", 2, 3, sig(types.Dynamic, aAny, aBool, aInt), newSet(1, 2, false, false)),
	agg("make_list", 1, 2, sig(types.Dynamic, aAny, aInt), newSet(-1, 1, true, false)),
	agg("make_list_if", 2, 3, sig(types.Dynamic, aAny, aBool, aInt), newSet(1, 2, true, false)),
	agg("make_list_with_nulls", 1, 2, sig(types.Dynamic, aAny, aInt), newSet(-1, 1, true, true)),
	agg("make_bag", 1, 2, sig(types.Dynamic, aDyn, aInt), func([]types.Type) Aggregator { return &bagAgg{pred: -1, sizeArg: 1} }),
	agg("make_bag_if", 2, 3, sig(types.Dynamic, aDyn, aBool, aInt), func([]types.Type) Aggregator { return &bagAgg{pred: 1, sizeArg: 2} }),
	agg("take_any", 1, -1, sigFn(argType0, aAny), func(ts []types.Type) Aggregator {
		t, _ := argType0(ts)
		return &takeAnyAgg{pred: -1, t: t}
	}),
	agg("take_anyif", 2, 2, sigFn(argType0, aAny, aBool), func(ts []types.Type) Aggregator {
		t, _ := argType0(ts)
		return &takeAnyAgg{pred: 1, t: t}
	}),
	agg("stdev", 1, 1, sig(types.Real, aNum), newStat(-1, true, true)),
	agg("stdevif", 2, 2, sig(types.Real, aNum, aBool), newStat(1, true, true)),
	agg("stdevp", 1, 1, sig(types.Real, aNum), newStat(-1, false, true)),
	agg("stdevpif", 2, 2, sig(types.Real, aNum, aBool), newStat(1, false, true)),
	agg("variance", 1, 1, sig(types.Real, aNum), newStat(-1, true, false)),
	agg("varianceif", 2, 2, sig(types.Real, aNum, aBool), newStat(1, true, false)),
	agg("variancep", 1, 1, sig(types.Real, aNum), newStat(-1, false, false)),
	agg("variancepif", 2, 2, sig(types.Real, aNum, aBool), newStat(1, false, false)),
	agg("percentile", 2, 2, sigFn(argType0, aBinnable, aNum), newPercentile(false, false)),
	agg("percentiles", 2, -1, sigFn(argType0, aBinnable, aNum), newPercentile(false, false)),
	agg("percentiles_array", 2, -1, sig(types.Dynamic, aBinnable, aAny), newPercentile(false, true)),
	agg("percentilew", 3, 3, sigFn(argType0, aBinnable, aInt, aNum), newPercentile(true, false)),
	agg("percentilesw", 3, -1, sigFn(argType0, aBinnable, aInt, aNum), newPercentile(true, false)),
	agg("percentilesw_array", 3, -1, sig(types.Dynamic, aBinnable, aInt, aAny), newPercentile(true, true)),
	agg("binary_all_and", 1, 1, sig(types.Long, aInt), func([]types.Type) Aggregator { return &bitAgg{op: '&'} }),
	agg("binary_all_or", 1, 1, sig(types.Long, aInt), func([]types.Type) Aggregator { return &bitAgg{op: '|'} }),
	agg("binary_all_xor", 1, 1, sig(types.Long, aInt), func([]types.Type) Aggregator { return &bitAgg{op: '^'} }),
}
