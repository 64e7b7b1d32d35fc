package funcs

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"kqlhunt/kql/types"
)

// maxArrayLen bounds arrays built by range() and similar functions, as
// Kusto does (1,048,576 elements).
const maxArrayLen = 1 << 20

func arrayResult(arr []any) types.Value {
	if arr == nil {
		arr = []any{}
	}
	return types.NewDynamic(arr)
}

// setFunc builds set_union / set_intersect / set_difference: the result
// keeps first-seen order and has no duplicates.
func setFunc(name string, op func(first []any, rest [][]any) []any) *Func {
	return scalar(name, 2, 64, sig(types.Dynamic, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		lists := make([][]any, len(a))
		for i, v := range a {
			arr, ok := array(v)
			if !ok {
				return nullDynamic, nil
			}
			lists[i] = arr
		}
		return arrayResult(op(lists[0], lists[1:])), nil
	})
}

func keySet(lists ...[]any) map[types.Key]bool {
	m := map[types.Key]bool{}
	for _, l := range lists {
		for _, e := range l {
			m[types.DynamicKey(e)] = true
		}
	}
	return m
}

func distinct(in []any, keep func(types.Key) bool) []any {
	seen := map[types.Key]bool{}
	out := []any{}
	for _, e := range in {
		k := types.DynamicKey(e)
		if seen[k] || !keep(k) {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}

func setUnion(first []any, rest [][]any) []any {
	all := append([]any(nil), first...)
	for _, r := range rest {
		all = append(all, r...)
	}
	return distinct(all, func(types.Key) bool { return true })
}

func setIntersect(first []any, rest [][]any) []any {
	sets := make([]map[types.Key]bool, len(rest))
	for i, r := range rest {
		sets[i] = keySet(r)
	}
	return distinct(first, func(k types.Key) bool {
		for _, s := range sets {
			if !s[k] {
				return false
			}
		}
		return true
	})
}

func setDifference(first []any, rest [][]any) []any {
	ex := keySet(rest...)
	return distinct(first, func(k types.Key) bool { return !ex[k] })
}

// jsonPath is a parsed JSONPath subset: $, .name, ['name'], ["name"], [n].
type jsonPath []any // string keys and int indexes

func parseJSONPath(p string) (jsonPath, error) {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "$") {
		// A plain key is accepted as a one-step path.
		if p == "" {
			return nil, fmt.Errorf("empty JSON path")
		}
		return jsonPath{p}, nil
	}
	var out jsonPath
	i := 1
	for i < len(p) {
		switch p[i] {
		case '.':
			j := i + 1
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, fmt.Errorf("JSON path %q: empty name at offset %d", p, i)
			}
			out = append(out, p[i+1:j])
			i = j
		case '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("JSON path %q: missing ]", p)
			}
			inner := strings.TrimSpace(p[i+1 : i+end])
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				out = append(out, inner[1:len(inner)-1])
			} else if n, err := strconv.Atoi(inner); err == nil {
				out = append(out, n)
			} else {
				return nil, fmt.Errorf("JSON path %q: bad subscript %q", p, inner)
			}
			i += end + 1
		default:
			return nil, fmt.Errorf("JSON path %q: unexpected %q at offset %d", p, p[i], i)
		}
	}
	return out, nil
}

// lookup follows the path through d.
func (jp jsonPath) lookup(d any) (any, bool) {
	for _, step := range jp {
		switch s := step.(type) {
		case string:
			b, ok := d.(*types.Bag)
			if !ok || b == nil {
				return nil, false
			}
			if d, ok = b.Get(s); !ok {
				return nil, false
			}
		case int:
			arr, ok := d.([]any)
			if !ok {
				return nil, false
			}
			if s < 0 {
				s += len(arr)
			}
			if s < 0 || s >= len(arr) {
				return nil, false
			}
			d = arr[s]
		}
	}
	return d, true
}

// removePath returns a copy of d without the element the path names.
func removePath(d any, jp jsonPath) any {
	if len(jp) == 0 {
		return d
	}
	key, ok := jp[0].(string)
	b, isBag := d.(*types.Bag)
	if !ok || !isBag || b == nil {
		return d
	}
	nb := &types.Bag{}
	for i, k := range b.Keys {
		if k == key {
			if len(jp) == 1 {
				continue
			}
			nb.Keys = append(nb.Keys, k)
			nb.Vals = append(nb.Vals, removePath(b.Vals[i], jp[1:]))
			continue
		}
		nb.Keys = append(nb.Keys, k)
		nb.Vals = append(nb.Vals, b.Vals[i])
	}
	return nb
}

// sortDynamic sorts elements: numbers, then strings, ... with nulls last
// (or first) as array_sort_asc documents. It returns the permutation.
func sortPerm(arr []any, desc, nullsLast bool) []int {
	perm := make([]int, len(arr))
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(x, y int) bool {
		a, b := arr[perm[x]], arr[perm[y]]
		an, bn := a == nil, b == nil
		if an || bn {
			if an && bn {
				return false
			}
			if nullsLast {
				return bn
			}
			return an
		}
		c := types.SortCompare(types.FromDynamic(a), types.FromDynamic(b))
		if desc {
			return c > 0
		}
		return c < 0
	})
	return perm
}

func arraySort(desc bool) func(*Context, []types.Value) (types.Value, error) {
	return func(_ *Context, a []types.Value) (types.Value, error) {
		nullsLast := true
		arrays := a
		if n := len(a); n > 1 && a[n-1].Type == types.Bool {
			nullsLast = a[n-1].Bool()
			arrays = a[:n-1]
		}
		first, ok := array(arrays[0])
		if !ok {
			return nullDynamic, nil
		}
		perm := sortPerm(first, desc, nullsLast)
		apply := func(arr []any) []any {
			out := make([]any, len(perm))
			for i, p := range perm {
				if p < len(arr) {
					out[i] = arr[p]
				}
			}
			return out
		}
		if len(arrays) == 1 {
			return arrayResult(apply(first)), nil
		}
		// Several arrays: an array of the sorted arrays (the executor may
		// expand it into columns array1_sorted, array2_sorted, ...).
		out := make([]any, len(arrays))
		for i, v := range arrays {
			arr, ok := array(v)
			if !ok || len(arr) != len(first) {
				return nullDynamic, nil
			}
			out[i] = apply(arr)
		}
		return arrayResult(out), nil
	}
}

// arrayIndexOf implements array_index_of(array, value [, start [, length [,
// occurrence]]]).
func evalArrayIndexOf(_ *Context, a []types.Value) (types.Value, error) {
	arr, ok := array(a[0])
	if !ok {
		return nullLong, nil
	}
	n := int64(len(arr))
	start, length, occ, ok := searchArgs(a)
	if !ok {
		return nullLong, nil
	}
	start = fromEnd(start, n)
	end := searchEnd(n, start, length)
	want := a[1]
	for i := start; i < end; i++ {
		if e := types.Equal(types.FromDynamic(arr[i]), want); !e.Null && e.I != 0 {
			occ--
			if occ == 0 {
				return types.NewLong(i), nil
			}
		}
	}
	return types.NewLong(-1), nil
}

func evalArraySlice(_ *Context, a []types.Value) (types.Value, error) {
	arr, ok := array(a[0])
	if !ok {
		return nullDynamic, nil
	}
	n := int64(len(arr))
	s, ok1 := argLong(a[1])
	e, ok2 := argLong(a[2])
	if !ok1 || !ok2 {
		return nullDynamic, nil
	}
	if s < 0 {
		s += n
	}
	if e < 0 {
		e += n
	}
	if s < 0 {
		s = 0
	}
	if e >= n {
		e = n - 1
	}
	if s > e || s >= n {
		return arrayResult(nil), nil
	}
	return arrayResult(append([]any(nil), arr[s:e+1]...)), nil
}

func evalRange(_ *Context, a []types.Value) (types.Value, error) {
	start, stop := a[0], a[1]
	if isNull(start) || isNull(stop) {
		return nullDynamic, nil
	}
	var out []any
	switch start.Type {
	case types.DateTime, types.TimeSpan:
		step := types.TicksPerHour
		if len(a) > 2 {
			s, ok := tsArg(a[2])
			if !ok || s == 0 {
				return nullDynamic, nil
			}
			step = s
		}
		for t := start.I; (step > 0 && t <= stop.I || step < 0 && t >= stop.I) && len(out) < maxArrayLen; t += step {
			out = append(out, types.Value{Type: start.Type, I: t})
		}
	case types.Real, types.Decimal:
		x, _ := argReal(start)
		y, ok := argReal(stop)
		step := 1.0
		if len(a) > 2 {
			s, ok2 := argReal(a[2])
			if !ok2 || s == 0 {
				return nullDynamic, nil
			}
			step = s
		}
		if !ok {
			return nullDynamic, nil
		}
		for i := 0; len(out) < maxArrayLen; i++ {
			v := x + float64(i)*step
			if step > 0 && v > y || step < 0 && v < y {
				break
			}
			out = append(out, v)
		}
	default:
		x, ok1 := argLong(start)
		y, ok2 := argLong(stop)
		step := int64(1)
		if len(a) > 2 {
			if a[2].Type == types.Real {
				return evalRange(nil, []types.Value{types.NewReal(float64(x)), types.NewReal(float64(y)), a[2]})
			}
			s, ok := argLong(a[2])
			if !ok || s == 0 {
				return nullDynamic, nil
			}
			step = s
		}
		if !ok1 || !ok2 {
			return nullDynamic, nil
		}
		for v := x; (step > 0 && v <= y || step < 0 && v >= y) && len(out) < maxArrayLen; v += step {
			out = append(out, v)
		}
	}
	return arrayResult(out), nil
}

// sortedCopy returns d with every bag's keys sorted (dynamic_to_json).
func sortedCopy(d any) any {
	switch x := d.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sortedCopy(e)
		}
		return out
	case *types.Bag:
		if x == nil {
			return x
		}
		idx := make([]int, len(x.Keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return x.Keys[idx[i]] < x.Keys[idx[j]] })
		nb := &types.Bag{Keys: make([]string, len(idx)), Vals: make([]any, len(idx))}
		for i, k := range idx {
			nb.Keys[i] = x.Keys[k]
			nb.Vals[i] = sortedCopy(x.Vals[k])
		}
		return nb
	}
	return d
}

func evalBagPack(_ *Context, a []types.Value) (types.Value, error) {
	if len(a)%2 != 0 {
		return types.Value{}, fmt.Errorf("expected key, value pairs, got %d arguments", len(a))
	}
	b := &types.Bag{Keys: make([]string, 0, len(a)/2), Vals: make([]any, 0, len(a)/2)}
	for i := 0; i < len(a); i += 2 {
		b.Set(argStr(a[i]), types.ToDynamicElement(a[i+1]))
	}
	return types.NewDynamic(b), nil
}

func evalExtractJSON(_ *Context, a []types.Value) (types.Value, error) {
	to := types.String
	if len(a) > 2 {
		if t, ok := types.ParseType(argStr(a[2])); ok {
			to = t
		}
	}
	jp, err := parseJSONPath(argStr(a[0]))
	if err != nil {
		return types.Value{}, err
	}
	var d any
	if a[1].Type == types.Dynamic {
		d = a[1].D
	} else {
		var err error
		if d, err = types.ParseDynamic(argStr(a[1])); err != nil {
			return types.NullOf(to), nil
		}
	}
	v, ok := jp.lookup(d)
	if !ok {
		return types.NullOf(to), nil
	}
	if to == types.Dynamic {
		return types.NewDynamic(v), nil
	}
	return types.Convert(types.NewString(types.DynamicToString(v)), to), nil
}

var dynamicFuncs = []*Func{
	scalar("array_length", 1, 1, sig(types.Long, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		arr, ok := array(a[0])
		if !ok {
			return nullLong, nil
		}
		return types.NewLong(int64(len(arr))), nil
	}),
	scalar("array_concat", 1, 64, sig(types.Dynamic, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		var out []any
		for _, v := range a {
			arr, ok := array(v)
			if !ok {
				return nullDynamic, nil
			}
			out = append(out, arr...)
		}
		return arrayResult(out), nil
	}),
	scalar("array_slice", 3, 3, sig(types.Dynamic, aDyn, aInt, aInt), evalArraySlice),
	scalar("array_index_of", 2, 5, sig(types.Long, aDyn, aAny, aInt, aInt, aInt), evalArrayIndexOf),
	scalar("array_sort_asc", 1, 64, sig(types.Dynamic, aAny), arraySort(false)),
	scalar("array_sort_desc", 1, 64, sig(types.Dynamic, aAny), arraySort(true)),
	scalar("array_reverse", 1, 1, sig(types.Dynamic, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		arr, ok := array(a[0])
		if !ok {
			return nullDynamic, nil
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			out[len(arr)-1-i] = e
		}
		return arrayResult(out), nil
	}),
	scalar("array_sum", 1, 1, sig(types.Real, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		arr, ok := array(a[0])
		if !ok {
			return nullReal, nil
		}
		s := 0.0
		for _, e := range arr {
			f, ok := argReal(types.FromDynamic(e))
			if !ok {
				return nullReal, nil
			}
			s += f
		}
		return types.NewReal(s), nil
	}),
	scalar("array_iff", 3, 3, sig(types.Dynamic, aDyn, aAny, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		cond, ok := array(a[0])
		if !ok {
			return nullDynamic, nil
		}
		pick := func(v types.Value, i int) any {
			if arr, ok := array(v); ok {
				if i < len(arr) {
					return arr[i]
				}
				return nil
			}
			return types.ToDynamicElement(v)
		}
		out := make([]any, len(cond))
		for i, c := range cond {
			b := types.ToBool(types.FromDynamic(c))
			switch {
			case b.Null:
				out[i] = nil
			case b.I != 0:
				out[i] = pick(a[1], i)
			default:
				out[i] = pick(a[2], i)
			}
		}
		return arrayResult(out), nil
	}),
	scalar("array_rotate_left", 2, 2, sig(types.Dynamic, aDyn, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		return rotate(a, 1)
	}),
	scalar("array_rotate_right", 2, 2, sig(types.Dynamic, aDyn, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		return rotate(a, -1)
	}),
	scalar("array_shift_left", 2, 3, sig(types.Dynamic, aDyn, aInt, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		return shift(a, 1)
	}),
	scalar("array_shift_right", 2, 3, sig(types.Dynamic, aDyn, aInt, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		return shift(a, -1)
	}),
	scalar("array_split", 2, 2, sig(types.Dynamic, aDyn, aAny), evalArraySplit),
	setFunc("set_union", setUnion),
	setFunc("set_intersect", setIntersect),
	setFunc("set_difference", setDifference),
	scalar("set_has_element", 2, 2, sig(types.Bool, aDyn, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		arr, ok := array(a[0])
		if !ok {
			return nullBool, nil
		}
		for _, e := range arr {
			if eq := types.Equal(types.FromDynamic(e), a[1]); !eq.Null && eq.I != 0 {
				return trueValue, nil
			}
		}
		return falseValue, nil
	}),
	scalar("pack_array", 1, -1, sig(types.Dynamic, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		out := make([]any, len(a))
		for i, v := range a {
			out[i] = types.ToDynamicElement(v)
		}
		return arrayResult(out), nil
	}),
	scalar("bag_pack", 0, -1, sigFn(func(args []types.Type) (types.Type, error) {
		if len(args)%2 != 0 {
			return types.Null, fmt.Errorf("expected key, value pairs, got %d arguments", len(args))
		}
		for i := 0; i < len(args); i += 2 {
			if !aStr.accepts(args[i]) {
				return types.Null, fmt.Errorf("argument %d: key must be a string, got %s", i+1, args[i])
			}
		}
		return types.Dynamic, nil
	}), evalBagPack),
	scalar("bag_keys", 1, 1, sig(types.Dynamic, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		b, ok := bag(a[0])
		if !ok {
			return nullDynamic, nil
		}
		out := make([]any, len(b.Keys))
		for i, k := range b.Keys {
			out[i] = k
		}
		return arrayResult(out), nil
	}),
	scalar("bag_merge", 2, 64, sig(types.Dynamic, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		nb := &types.Bag{}
		for _, v := range a {
			b, ok := bag(v)
			if !ok {
				continue
			}
			for i, k := range b.Keys {
				if _, dup := nb.Get(k); !dup {
					nb.Keys = append(nb.Keys, k)
					nb.Vals = append(nb.Vals, b.Vals[i])
				}
			}
		}
		return types.NewDynamic(nb), nil
	}),
	scalar("bag_remove_keys", 2, 2, sig(types.Dynamic, aDyn, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		b, ok := bag(a[0])
		if !ok {
			return nullDynamic, nil
		}
		keys, ok := array(a[1])
		if !ok {
			return a[0], nil
		}
		var d any = b
		for _, k := range keys {
			jp, err := parseJSONPath(types.DynamicToString(k))
			if err != nil {
				return types.Value{}, err
			}
			d = removePath(d, jp)
		}
		return types.NewDynamic(d), nil
	}),
	scalar("bag_has_key", 2, 2, sig(types.Bool, aDyn, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		b, ok := bag(a[0])
		if !ok {
			return nullBool, nil
		}
		jp, err := parseJSONPath(argStr(a[1]))
		if err != nil {
			return types.Value{}, err
		}
		_, found := jp.lookup(b)
		return types.NewBool(found), nil
	}),
	scalar("bag_set_key", 3, 3, sig(types.Dynamic, aDyn, aStr, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		b, ok := bag(a[0])
		if !ok {
			return nullDynamic, nil
		}
		nb := &types.Bag{Keys: append([]string(nil), b.Keys...), Vals: append([]any(nil), b.Vals...)}
		nb.Set(argStr(a[1]), types.ToDynamicElement(a[2]))
		return types.NewDynamic(nb), nil
	}),
	scalar("bag_zip", 2, 2, sig(types.Dynamic, aDyn, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		keys, ok := array(a[0])
		if !ok {
			return nullDynamic, nil
		}
		vals, _ := array(a[1])
		nb := &types.Bag{}
		for i, k := range keys {
			ks, ok := k.(string)
			if !ok {
				continue
			}
			var v any
			if i < len(vals) {
				v = vals[i]
			}
			nb.Set(ks, v)
		}
		return types.NewDynamic(nb), nil
	}),
	scalar("zip", 2, 16, sig(types.Dynamic, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		lists := make([][]any, len(a))
		n := 0
		for i, v := range a {
			arr, ok := array(v)
			if !ok {
				return nullDynamic, nil
			}
			lists[i] = arr
			n = max(n, len(arr))
		}
		out := make([]any, n)
		for i := range out {
			row := make([]any, len(lists))
			for j, l := range lists {
				if i < len(l) {
					row[j] = l[i]
				}
			}
			out[i] = row
		}
		return arrayResult(out), nil
	}),
	scalar("range", 2, 3, sig(types.Dynamic, aScalar, aScalar, aScalar), evalRange),
	scalar("dynamic_to_json", 1, 1, sig(types.String, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		if a[0].Type != types.Dynamic {
			return types.NewString(types.FormatDynamic(types.ToDynamicElement(a[0]))), nil
		}
		return types.NewString(types.FormatDynamic(sortedCopy(a[0].D))), nil
	}),
	withTypeArg(3, scalar("extract_json", 2, 3, sig(types.String, aStr, aAny, aAny), evalExtractJSON)),
	scalar("parse_xml", 1, 1, sig(types.Dynamic, aStr), evalParseXML),
}

func rotate(a []types.Value, dir int64) (types.Value, error) {
	arr, ok := array(a[0])
	n, ok2 := argLong(a[1])
	if !ok || !ok2 {
		return nullDynamic, nil
	}
	l := int64(len(arr))
	if l == 0 {
		return arrayResult(nil), nil
	}
	k := ((dir*n)%l + l) % l
	out := make([]any, 0, l)
	out = append(out, arr[k:]...)
	out = append(out, arr[:k]...)
	return arrayResult(out), nil
}

func shift(a []types.Value, dir int64) (types.Value, error) {
	arr, ok := array(a[0])
	n, ok2 := argLong(a[1])
	if !ok || !ok2 {
		return nullDynamic, nil
	}
	var fill any
	if len(a) > 2 {
		fill = types.ToDynamicElement(a[2])
	}
	l := int64(len(arr))
	out := make([]any, l)
	k := dir * n
	for i := int64(0); i < l; i++ {
		j := i + k
		if j >= 0 && j < l {
			out[i] = arr[j]
		} else {
			out[i] = fill
		}
	}
	return arrayResult(out), nil
}

func evalArraySplit(_ *Context, a []types.Value) (types.Value, error) {
	arr, ok := array(a[0])
	if !ok {
		return nullDynamic, nil
	}
	var idx []int64
	if ix, ok := array(a[1]); ok {
		for _, e := range ix {
			n, ok := argLong(types.FromDynamic(e))
			if !ok {
				return nullDynamic, nil
			}
			idx = append(idx, n)
		}
	} else if n, ok := argLong(a[1]); ok {
		idx = []int64{n}
	} else {
		return nullDynamic, nil
	}
	l := int64(len(arr))
	var out []any
	prev := int64(0)
	for _, i := range append(idx, l) {
		if i < 0 {
			i += l
		}
		i = min(max(i, prev), l)
		out = append(out, append([]any{}, arr[prev:i]...))
		prev = i
	}
	return arrayResult(out), nil
}
