package exec

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planSummarize, "summarize")
	registerOperator(planDistinct, "distinct")
}

// aggSlot is one aggregate call inside a summarize item.
type aggSlot struct {
	f    *funcs.Func
	args []*cexpr
	t    types.Type
	// arg is set for arg_max/arg_min: the slot keeps one chosen row.
	arg *argSpec
}

type argSpec struct {
	max bool
}

// aggCollector gathers the aggregate calls of summarize items. Each call
// becomes a slot; the item's expression reads the slot's result column.
type aggCollector struct {
	p      *planner
	input  *batch.Schema
	slots  []*aggSlot
	schema *batch.Schema
}

func (a *aggCollector) add(c *compiler, e *syntax.CallExpr, f *funcs.Func) (*cexpr, error) {
	ac := a.p.compiler(a.input)
	slot := &aggSlot{f: f}
	argTypes := make([]types.Type, 0, len(e.Args))
	for _, x := range e.Args {
		if _, ok := x.(*syntax.StarExpr); ok {
			continue
		}
		ce, err := ac.compile(x)
		if err != nil {
			return nil, err
		}
		slot.args = append(slot.args, ce)
		argTypes = append(argTypes, ce.t)
	}
	if f.Result != nil {
		t, err := f.Result(argTypes)
		if err != nil {
			return nil, c.errorf(e, "%v", err)
		}
		slot.t = t
	}
	if f.NewAgg == nil {
		return nil, c.errorf(e, "aggregate %s() is not supported", f.Name)
	}
	k := len(a.slots)
	a.slots = append(a.slots, slot)
	a.schema.Fields = append(a.schema.Fields, batch.Field{Name: fmt.Sprintf("__agg%d", k), Type: slot.t})
	return &cexpr{t: slot.t, eval: func(b *batch.Batch) (*batch.Column, error) { return b.Cols[k], nil }}, nil
}

// aggOutput is one output column of summarize computed from slots.
type aggOutput struct {
	name string
	t    types.Type
	expr *cexpr // over the slot batch
	// argSlot/argCol pick a column of an arg_max/arg_min slot's row.
	argSlot, argCol int
	// multi picks result multiIdx of the multi-column aggregate in slot
	// multiSlot (percentiles).
	multi               bool
	multiSlot, multiIdx int
}

// group is one summarize group: its key values and aggregate states.
type group struct {
	keys []types.Value
	aggs []funcs.Aggregator
	rows []argRow
}

// argRow is the state of an arg_max/arg_min slot.
type argRow struct {
	has  bool
	best types.Value
	vals []types.Value
}

func planSummarize(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.SummarizeOp)
	inS := in.Schema()
	out := &batch.Schema{}
	taken := func(s string) bool { return out.Index(s) >= 0 }
	var keys []*cexpr
	n := 0
	kc := p.compiler(inS)
	for _, k := range op.By {
		ce, err := kc.compile(k)
		if err != nil {
			return nil, err
		}
		name := ""
		if ns := itemNames(k); len(ns) > 0 {
			name = ns[0]
		} else {
			n++
			name = fmt.Sprintf("Column%d", n)
		}
		name = check.UniqueName(name, taken)
		t := ce.t
		if t == types.Null {
			t = types.String
		}
		keys = append(keys, ce)
		out.Fields = append(out.Fields, batch.Field{Name: name, Type: t})
	}
	keyNames := make(map[string]bool)
	for _, f := range out.Fields {
		keyNames[f.Name] = true
	}
	col := &aggCollector{p: p, input: inS, schema: &batch.Schema{}}
	var outs []aggOutput
	for _, it := range op.Aggs {
		call := aggCallOf(it)
		if call != nil && isArgMinMax(call.Fun.Name) {
			o, err := planArgMinMax(p, col, it, call, inS, keyNames, out)
			if err != nil {
				return nil, err
			}
			outs = append(outs, o...)
			continue
		}
		if call != nil && (call.Fun.Name == "percentiles" || call.Fun.Name == "percentilesw") {
			f := check.LookupFunc(call.Fun.Name)
			if f == nil || f.NewAgg == nil {
				return nil, p.errorf(call, "unknown aggregate %s", call.Fun.Name)
			}
			ce, err := col.add(&compiler{p: p, agg: col}, call, f)
			if err != nil {
				return nil, err
			}
			names := check.PercentileNames(call)
			if ne, ok := it.(*syntax.NamedExpr); ok {
				for i, id := range ne.Names {
					if i < len(names) {
						names[i] = id.Name
					}
				}
			}
			t := ce.t
			if t == types.Null {
				t = types.Real
			}
			for i, nm := range names {
				nm = check.UniqueName(nm, taken)
				out.Fields = append(out.Fields, batch.Field{Name: nm, Type: t})
				outs = append(outs, aggOutput{name: nm, t: t, argSlot: -1, multi: true, multiSlot: len(col.slots) - 1, multiIdx: i})
			}
			continue
		}
		c := &compiler{p: p, schema: nil, agg: col}
		ce, err := c.compile(it)
		if err != nil {
			return nil, err
		}
		name := ""
		if ne, ok := it.(*syntax.NamedExpr); ok && len(ne.Names) > 0 {
			name = ne.Names[0].Name
		} else if call != nil {
			name = check.AggName(call)
		} else {
			n++
			name = fmt.Sprintf("Column%d", n)
		}
		name = check.UniqueName(name, taken)
		t := ce.t
		if t == types.Null {
			t = types.String
		}
		out.Fields = append(out.Fields, batch.Field{Name: name, Type: t})
		outs = append(outs, aggOutput{name: name, t: t, expr: ce, argSlot: -1})
	}
	return &summarizeNode{p: p, in: in, schema: out, keys: keys, col: col, outs: outs}, nil
}

func aggCallOf(e syntax.Expr) *syntax.CallExpr {
	if ne, ok := e.(*syntax.NamedExpr); ok {
		e = ne.Value
	}
	for {
		pe, ok := e.(*syntax.ParenExpr)
		if !ok {
			break
		}
		e = pe.X
	}
	c, _ := e.(*syntax.CallExpr)
	return c
}

func isArgMinMax(name string) bool {
	switch strings.ToLower(name) {
	case "arg_max", "arg_min", "argmax", "argmin":
		return true
	}
	return false
}

// planArgMinMax adds an arg_max/arg_min slot: args[0] is the value to
// maximise; the other args (or * for all columns) are returned from the
// chosen row.
func planArgMinMax(p *planner, col *aggCollector, it syntax.Expr, call *syntax.CallExpr, inS *batch.Schema, keys map[string]bool, out *batch.Schema) ([]aggOutput, error) {
	if len(call.Args) < 1 {
		return nil, p.errorf(call, "%s() needs at least one argument", call.Fun.Name)
	}
	isMax := strings.Contains(strings.ToLower(call.Fun.Name), "max")
	prefix := "min"
	if isMax {
		prefix = "max"
	}
	c := p.compiler(inS)
	slot := &aggSlot{arg: &argSpec{max: isMax}}
	var names []string
	var ne *syntax.NamedExpr
	if x, ok := it.(*syntax.NamedExpr); ok {
		ne = x
	}
	local := map[string]bool{}
	taken := func(s string) bool { return out.Index(s) >= 0 || local[s] }
	addCol := func(name string, ce *cexpr) {
		name = check.UniqueName(name, taken)
		local[name] = true
		names = append(names, name)
		slot.args = append(slot.args, ce)
	}
	first, err := c.compile(call.Args[0])
	if err != nil {
		return nil, err
	}
	n0 := check.ExprName(call.Args[0])
	if ne != nil && len(ne.Names) > 0 {
		n0 = ne.Names[0].Name
	} else if n0 == "" {
		n0 = prefix + "_"
	}
	addCol(n0, first)
	for i, a := range call.Args[1:] {
		if _, ok := a.(*syntax.StarExpr); ok {
			for j, f := range inS.Fields {
				if keys[f.Name] || local[f.Name] {
					continue
				}
				j := j
				t := f.Type
				addCol(f.Name, &cexpr{t: t, eval: func(b *batch.Batch) (*batch.Column, error) { return b.Cols[j], nil }})
			}
			continue
		}
		ce, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		name := ""
		if ns := itemNames(a); len(ns) > 0 {
			name = ns[0]
		}
		if ne != nil && len(ne.Names) > i+1 {
			name = ne.Names[i+1].Name
		}
		if name == "" {
			name = fmt.Sprintf("%s_%s_arg%d", prefix, n0, i)
		}
		addCol(name, ce)
	}
	k := len(col.slots)
	col.slots = append(col.slots, slot)
	col.schema.Fields = append(col.schema.Fields, batch.Field{Name: fmt.Sprintf("__agg%d", k), Type: types.Dynamic})
	var outs []aggOutput
	for j, name := range names {
		t := slot.args[j].t
		if t == types.Null {
			t = types.String
		}
		out.Fields = append(out.Fields, batch.Field{Name: name, Type: t})
		outs = append(outs, aggOutput{name: name, t: t, argSlot: k, argCol: j})
	}
	return outs, nil
}

type summarizeNode struct {
	p      *planner
	in     Node
	schema *batch.Schema
	keys   []*cexpr
	col    *aggCollector
	outs   []aggOutput
}

func (n *summarizeNode) Schema() *batch.Schema { return n.schema }

func (n *summarizeNode) newGroup(keys []types.Value) *group {
	g := &group{keys: keys, aggs: make([]funcs.Aggregator, len(n.col.slots)), rows: make([]argRow, len(n.col.slots))}
	for i, s := range n.col.slots {
		if s.arg != nil {
			continue
		}
		argTypes := make([]types.Type, len(s.args))
		for j, a := range s.args {
			argTypes[j] = a.t
		}
		g.aggs[i] = s.f.NewAgg(argTypes)
	}
	return g
}

// aggPartition is the hash table of one summarize partition: rows are
// split between partitions by a hash of their group key, so partitions
// never share a group and can be filled in parallel.
type aggPartition struct {
	index   map[string]int
	groups  []*group
	used    int64
	keyBuf  []byte
	keyVals []types.Value
	args    [][]types.Value
}

// summarizePartitions is the number of partitions (and goroutines) used
// when summarize has group keys.
const summarizePartitions = 2

func (n *summarizeNode) Run(ctx context.Context, emit func(*batch.Batch) error) error {
	mem := n.p.q.mem
	nk := len(n.keys)
	nparts := 1
	if nk > 0 {
		nparts = summarizePartitions
	}
	parts := make([]*aggPartition, nparts)
	for i := range parts {
		pt := &aggPartition{index: map[string]int{}, keyVals: make([]types.Value, nk), args: make([][]types.Value, len(n.col.slots))}
		for j, s := range n.col.slots {
			pt.args[j] = make([]types.Value, len(s.args))
		}
		parts[i] = pt
	}
	defer func() {
		for _, pt := range parts {
			mem.release(pt.used)
		}
	}()
	seed := maphash.MakeSeed()
	err := n.in.Run(ctx, func(b *batch.Batch) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		keyCols := make([]*batch.Column, nk)
		for i, k := range n.keys {
			c, err := k.run(b)
			if err != nil {
				return err
			}
			keyCols[i] = c
		}
		argCols := make([][]*batch.Column, len(n.col.slots))
		for i, s := range n.col.slots {
			argCols[i] = make([]*batch.Column, len(s.args))
			for j, a := range s.args {
				c, err := a.run(b)
				if err != nil {
					return err
				}
				argCols[i][j] = c
			}
		}
		// Encode every row's key once and route it to a partition.
		kb := &keyBatch{offs: make([]int32, b.Len+1), part: make([]uint8, b.Len)}
		for r := 0; r < b.Len; r++ {
			start := len(kb.keys)
			for _, kc := range keyCols {
				kb.keys = appendColumnKey(kb.keys, kc, r)
			}
			kb.offs[r+1] = int32(len(kb.keys))
			if nparts > 1 {
				kb.part[r] = uint8(maphash.Bytes(seed, kb.keys[start:]) % uint64(nparts))
			}
		}
		if nparts == 1 || b.Len < 1024 {
			for pi, pt := range parts {
				if err := n.fill(pt, pi, kb, b.Len, keyCols, argCols); err != nil {
					return err
				}
			}
			return nil
		}
		errs := make([]error, nparts)
		var wg sync.WaitGroup
		for pi, pt := range parts {
			wg.Add(1)
			go func(pi int, pt *aggPartition) {
				defer wg.Done()
				errs[pi] = n.fill(pt, pi, kb, b.Len, keyCols, argCols)
			}(pi, pt)
		}
		wg.Wait()
		return errors.Join(errs...)
	})
	if err != nil {
		return err
	}
	var groups []*group
	for _, pt := range parts {
		groups = append(groups, pt.groups...)
	}
	if len(groups) == 0 && nk == 0 {
		groups = append(groups, n.newGroup(nil))
	}
	// Emit groups in batches.
	for start := 0; start < len(groups); start += DefaultBatchSize {
		end := min(start+DefaultBatchSize, len(groups))
		gs := groups[start:end]
		out := &batch.Batch{Schema: n.schema, Cols: make([]*batch.Column, 0, len(n.schema.Fields)), Len: len(gs)}
		for i := range n.keys {
			bld := newBuilder(n.schema.Fields[i].Type, len(gs))
			for _, g := range gs {
				bld.add(g.keys[i])
			}
			out.Cols = append(out.Cols, bld.build())
		}
		slotBatch := &batch.Batch{Schema: n.col.schema, Cols: make([]*batch.Column, len(n.col.slots)), Len: len(gs)}
		for i, s := range n.col.slots {
			if s.arg != nil {
				continue
			}
			bld := newBuilder(s.t, len(gs))
			for _, g := range gs {
				bld.add(g.aggs[i].Result())
			}
			slotBatch.Cols[i] = bld.build()
		}
		for _, o := range n.outs {
			var c *batch.Column
			if o.multi {
				bld := newBuilder(o.t, len(gs))
				for _, g := range gs {
					v := types.NullOf(o.t)
					if m, ok := g.aggs[o.multiSlot].(funcs.MultiAggregator); ok {
						if rs := m.Results(); o.multiIdx < len(rs) {
							v = rs[o.multiIdx]
						}
					} else if o.multiIdx == 0 {
						v = g.aggs[o.multiSlot].Result()
					}
					bld.add(v)
				}
				c = bld.build()
			} else if o.argSlot >= 0 {
				bld := newBuilder(o.t, len(gs))
				for _, g := range gs {
					row := g.rows[o.argSlot]
					if row.vals == nil {
						bld.add(types.NullOf(o.t))
						continue
					}
					bld.add(row.vals[o.argCol])
				}
				c = bld.build()
			} else {
				var err error
				c, err = o.expr.run(slotBatch)
				if err != nil {
					return err
				}
				if c.Type != o.t {
					c = castColumn(c, o.t)
				}
			}
			out.Cols = append(out.Cols, c)
		}
		if err := emit(out); err != nil {
			return err
		}
	}
	return nil
}

// keyBatch holds the encoded group keys of one batch's rows (row r's key
// is keys[offs[r]:offs[r+1]]) and the partition of each row.
type keyBatch struct {
	keys []byte
	offs []int32
	part []uint8
}

// fill feeds the rows of one batch that belong to partition pi into that
// partition's groups.
func (n *summarizeNode) fill(pt *aggPartition, pi int, kb *keyBatch, rows int, keyCols []*batch.Column, argCols [][]*batch.Column) error {
	mem := n.p.q.mem
	for r := 0; r < rows; r++ {
		if int(kb.part[r]) != pi {
			continue
		}
		pt.keyBuf = kb.keys[kb.offs[r]:kb.offs[r+1]]
		gi, ok := pt.index[string(pt.keyBuf)]
		if !ok {
			for i, kc := range keyCols {
				pt.keyVals[i] = valueAt(kc, r)
			}
			gi = len(pt.groups)
			kv := append([]types.Value(nil), pt.keyVals...)
			pt.index[string(pt.keyBuf)] = gi
			pt.groups = append(pt.groups, n.newGroup(kv))
			sz := int64(len(pt.keyBuf)*2+96) + int64(len(n.col.slots))*64
			pt.used += sz
			if err := mem.add(sz, "summarize"); err != nil {
				return err
			}
		}
		g := pt.groups[gi]
		for i, s := range n.col.slots {
			args := pt.args[i]
			for j := range s.args {
				args[j] = valueAt(argCols[i][j], r)
			}
			if s.arg != nil {
				if updateArg(&g.rows[i], args, s.arg.max) {
					sz := int64(len(args)) * 48
					pt.used += sz
					if err := mem.add(sz, "summarize"); err != nil {
						return err
					}
				}
				continue
			}
			g.aggs[i].Add(args)
		}
	}
	return nil
}

// updateArg feeds one row to an arg_max/arg_min state and reports whether
// the chosen row changed. Rows whose value is null are skipped.
func updateArg(st *argRow, vals []types.Value, isMax bool) bool {
	v := vals[0]
	if v.IsNull() || v.Type == types.Null {
		if !st.has && st.vals == nil {
			// Remember a row so that a group of only nulls still returns
			// its columns.
			st.vals = append([]types.Value(nil), vals...)
		}
		return false
	}
	if st.has {
		c, ok := types.Compare(v, st.best)
		if !ok || (isMax && c <= 0) || (!isMax && c >= 0) {
			return false
		}
	}
	st.has = true
	st.best = v
	st.vals = append(st.vals[:0], vals...)
	return true
}

// appendColumnKey appends an injective encoding of row r of c's grouping
// key without building a Value for the common column types. Encodings are
// consistent for one column type, which is all a group-by needs.
func appendColumnKey(b []byte, c *batch.Column, r int) []byte {
	switch c.Type {
	case types.String:
		s := c.Str(r)
		b = binary.AppendUvarint(b, uint64(len(s)))
		return append(b, s...)
	case types.Int, types.Long, types.DateTime, types.TimeSpan, types.Bool:
		if c.IsNull(r) {
			return append(b, 0)
		}
		b = append(b, 1)
		return binary.LittleEndian.AppendUint64(b, uint64(c.Ints[r]))
	}
	return appendKey(b, valueAt(c, r))
}

// appendKey appends an injective encoding of v's grouping key.
func appendKey(b []byte, v types.Value) []byte {
	k := types.KeyOf(v)
	b = append(b, byte(k.Kind))
	b = binary.LittleEndian.AppendUint64(b, uint64(k.I))
	b = binary.AppendUvarint(b, uint64(len(k.S)))
	return append(b, k.S...)
}

func planDistinct(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.DistinctOp)
	inS := in.Schema()
	var by []syntax.Expr
	for _, it := range op.Items {
		if _, ok := it.(*syntax.StarExpr); ok {
			by = nil
			for _, f := range inS.Fields {
				by = append(by, &syntax.Ident{NamePos: it.Pos(), Name: f.Name, EndP: it.End()})
			}
			break
		}
		by = append(by, it)
	}
	return planSummarize(p, &syntax.SummarizeOp{OpPos: op.OpPos, By: by}, in)
}
