package exec

import (
	"context"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// basketItem is one (column, value) pair frequent enough to matter.
type basketItem struct {
	col int
	val types.Value
	set []uint64 // rows holding the value
}

// basketSet is a frequent pattern: item indexes in increasing order.
type basketSet struct {
	items  []int
	set    []uint64
	weight float64
	count  int64
}

func isTilde(e syntax.Expr) bool {
	if lit, ok := e.(*syntax.Literal); ok && lit.Kind == syntax.LitString {
		return lit.Value == "~"
	}
	if id, ok := e.(*syntax.Ident); ok {
		return id.Name == "~"
	}
	return false
}

// planBasket finds the closed frequent patterns of column values (the
// Apriori algorithm): patterns whose share of the rows (or of the
// weights) reaches Threshold, using at most MaxDimensions columns, and
// with no larger pattern of the same frequency. Columns a pattern leaves
// free hold the wildcard of their type.
func planBasket(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	inS := in.Schema()
	args := op.Call.Args
	threshold := 0.05
	weightCol := -1
	maxDims := 5
	wild := map[types.Type]types.Value{}
	for i, a := range args {
		if isTilde(a) {
			continue
		}
		switch {
		case i == 0:
			v, err := p.constArg(a)
			if err != nil {
				return nil, err
			}
			f := types.ToReal(v)
			if f.IsNull() || f.F <= 0 || f.F > 1 {
				return nil, p.errorf(a, "basket(): Threshold must be a number in (0, 1]")
			}
			threshold = f.F
		case i == 1:
			c, err := columnArg(p, a, inS, "basket() WeightColumn")
			if err != nil {
				return nil, err
			}
			if !inS.Fields[c].Type.IsNumeric() {
				return nil, p.errorf(a, "basket(): WeightColumn must be numeric")
			}
			weightCol = c
		case i == 2:
			n, err := p.constInt(a)
			if err != nil {
				return nil, err
			}
			if n < 1 {
				return nil, p.errorf(a, "basket(): MaxDimensions must be at least 1")
			}
			maxDims = int(n)
		default:
			v, err := p.constArg(a)
			if err != nil {
				return nil, err
			}
			wild[v.Type] = v
		}
	}
	out := &batch.Schema{Fields: []batch.Field{{Name: "SegmentId", Type: types.Int}, {Name: "Count", Type: types.Long}, {Name: "Percent", Type: types.Real}}}
	var dims []int
	for i, f := range inS.Fields {
		if i == weightCol {
			continue
		}
		dims = append(dims, i)
		out.Fields = append(out.Fields, f)
	}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		b, used, err := drain(ctx, in, p.q.mem, "basket")
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		n := b.Len
		if n == 0 {
			return nil
		}
		words := (n + 63) / 64
		weights := make([]float64, n)
		total := 0.0
		for r := 0; r < n; r++ {
			w := 1.0
			if weightCol >= 0 {
				v := types.ToReal(valueAt(b.Cols[weightCol], r))
				w = 0
				if !v.IsNull() {
					w = v.F
				}
			}
			weights[r] = w
			total += w
		}
		if total <= 0 {
			return nil
		}
		minW := threshold * total
		var state int64
		defer func() { p.q.mem.release(state) }()
		account := func() error {
			sz := int64(words * 8)
			state += sz
			return p.q.mem.add(sz, "basket")
		}
		support := func(set []uint64) (float64, int64) {
			var w float64
			var c int64
			for i, word := range set {
				for word != 0 {
					r := i*64 + bits.TrailingZeros64(word)
					word &= word - 1
					w += weights[r]
					c++
				}
			}
			return w, c
		}
		// Frequent single items.
		var items []*basketItem
		for _, col := range dims {
			c := b.Cols[col]
			index := map[string]*basketItem{}
			var order []*basketItem
			var kb []byte
			for r := 0; r < n; r++ {
				v := valueAt(c, r)
				if v.IsNull() || (v.Type == types.String && v.S == "") {
					continue
				}
				kb = appendColumnKey(kb[:0], c, r)
				it := index[string(kb)]
				if it == nil {
					it = &basketItem{col: col, val: v, set: make([]uint64, words)}
					index[string(kb)] = it
					order = append(order, it)
					if err := account(); err != nil {
						return err
					}
				}
				it.set[r/64] |= 1 << (r % 64)
			}
			for _, it := range order {
				if w, _ := support(it.set); w >= minW {
					items = append(items, it)
				}
			}
		}
		var all []*basketSet
		var level []*basketSet
		for i, it := range items {
			w, c := support(it.set)
			level = append(level, &basketSet{items: []int{i}, set: it.set, weight: w, count: c})
		}
		all = append(all, level...)
		for k := 1; k < maxDims && len(level) > 1; k++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			freq := map[string]bool{}
			for _, s := range level {
				freq[setKey(s.items)] = true
			}
			var next []*basketSet
			for i := 0; i < len(level); i++ {
				for j := i + 1; j < len(level); j++ {
					a, c := level[i].items, level[j].items
					if !samePrefix(a, c) {
						continue
					}
					last := c[len(c)-1]
					if usesColumn(items, a, items[last].col) {
						continue
					}
					cand := append(append([]int(nil), a...), last)
					sort.Ints(cand)
					if !subsetsFrequent(cand, freq) {
						continue
					}
					set := make([]uint64, words)
					for x := range set {
						set[x] = level[i].set[x] & items[last].set[x]
					}
					w, cnt := support(set)
					if w < minW {
						continue
					}
					if err := account(); err != nil {
						return err
					}
					next = append(next, &basketSet{items: cand, set: set, weight: w, count: cnt})
				}
			}
			all = append(all, next...)
			level = next
		}
		// Keep closed patterns: drop a pattern when a pattern with one
		// more item has the same support.
		closed := make([]*basketSet, 0, len(all))
		for _, s := range all {
			dominated := false
			for _, t := range all {
				if len(t.items) == len(s.items)+1 && t.count == s.count && t.weight == s.weight && containsAll(t.items, s.items) {
					dominated = true
					break
				}
			}
			if !dominated {
				closed = append(closed, s)
			}
		}
		sort.SliceStable(closed, func(i, j int) bool {
			if closed[i].weight != closed[j].weight {
				return closed[i].weight > closed[j].weight
			}
			return len(closed[i].items) > len(closed[j].items)
		})
		bld := newBuilders(out, len(closed))
		for seg, s := range closed {
			bld[0].add(types.NewInt(int64(seg)))
			cnt := s.count
			if weightCol >= 0 {
				cnt = int64(s.weight)
			}
			bld[1].add(types.NewLong(cnt))
			bld[2].add(types.NewReal(100 * s.weight / total))
			for j, col := range dims {
				v, ok := types.Value{}, false
				for _, ii := range s.items {
					if items[ii].col == col {
						v, ok = items[ii].val, true
						break
					}
				}
				if !ok {
					t := inS.Fields[col].Type
					if w, has := wild[t]; has {
						v = w
					} else if t == types.String {
						v = types.NewString("")
					} else {
						v = types.NullOf(t)
					}
				}
				bld[3+j].add(v)
			}
		}
		if len(closed) == 0 {
			return nil
		}
		ob := &batch.Batch{Schema: out, Cols: make([]*batch.Column, len(bld)), Len: len(closed)}
		for i, x := range bld {
			ob.Cols[i] = x.build()
		}
		return emit(ob)
	}}, nil
}

func setKey(items []int) string {
	var sb strings.Builder
	for _, i := range items {
		sb.WriteString(strconv.Itoa(i))
		sb.WriteByte(',')
	}
	return sb.String()
}

func samePrefix(a, b []int) bool {
	for i := 0; i < len(a)-1; i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return a[len(a)-1] < b[len(b)-1]
}

func usesColumn(items []*basketItem, set []int, col int) bool {
	for _, i := range set {
		if items[i].col == col {
			return true
		}
	}
	return false
}

func subsetsFrequent(cand []int, freq map[string]bool) bool {
	sub := make([]int, 0, len(cand)-1)
	for skip := range cand {
		sub = sub[:0]
		for i, x := range cand {
			if i != skip {
				sub = append(sub, x)
			}
		}
		if !freq[setKey(sub)] {
			return false
		}
	}
	return true
}

func containsAll(super, sub []int) bool {
	for _, x := range sub {
		found := false
		for _, y := range super {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
