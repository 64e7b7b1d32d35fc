package exec

import (
	"context"
	"encoding/binary"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planJoin, "join")
	registerOperator(planLookup, "lookup")
}

// joinKeys resolves the on clause of join/lookup to column positions.
func (p *planner) joinKeys(on []syntax.Expr, ls, rs *batch.Schema) ([]int, []int, []check.JoinKey, error) {
	var li, ri []int
	var keys []check.JoinKey
	var add func(e syntax.Expr) error
	add = func(e syntax.Expr) error {
		for {
			pe, ok := e.(*syntax.ParenExpr)
			if !ok {
				break
			}
			e = pe.X
		}
		switch x := e.(type) {
		case *syntax.Ident:
			l, r := ls.Index(x.Name), rs.Index(x.Name)
			if l < 0 || r < 0 {
				return p.errorf(x, "join key %s must be a column of both sides", x.Name)
			}
			li, ri = append(li, l), append(ri, r)
			keys = append(keys, check.JoinKey{Left: x.Name, Right: x.Name})
			return nil
		case *syntax.BinaryExpr:
			if x.Op == "and" {
				if err := add(x.X); err != nil {
					return err
				}
				return add(x.Y)
			}
			if x.Op == "==" {
				a, aok := sideOf(x.X)
				b, bok := sideOf(x.Y)
				if aok && bok {
					if a.side == "$right" {
						a, b = b, a
					}
					if a.side == "$left" && b.side == "$right" {
						l, r := ls.Index(a.name), rs.Index(b.name)
						if l < 0 {
							return p.errorf(x.X, "unknown left column %s", a.name)
						}
						if r < 0 {
							return p.errorf(x.Y, "unknown right column %s", b.name)
						}
						li, ri = append(li, l), append(ri, r)
						keys = append(keys, check.JoinKey{Left: a.name, Right: b.name})
						return nil
					}
				}
			}
		}
		return p.errorf(e, "join condition must be a column name or $left.Col == $right.Col")
	}
	for _, e := range on {
		if err := add(e); err != nil {
			return nil, nil, nil, err
		}
	}
	return li, ri, keys, nil
}

type sideName struct{ side, name string }

func sideOf(e syntax.Expr) (sideName, bool) {
	m, ok := e.(*syntax.MemberExpr)
	if !ok {
		return sideName{}, false
	}
	id, ok := m.X.(*syntax.Ident)
	if !ok || (id.Name != "$left" && id.Name != "$right") {
		return sideName{}, false
	}
	return sideName{id.Name, m.Name.Name}, true
}

func planJoin(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.JoinOp)
	kind := check.JoinKind(op.Params, false)
	right, err := p.plan(op.Right)
	if err != nil {
		return nil, err
	}
	li, ri, _, err := p.joinKeys(op.On, in.Schema(), right.Schema())
	if err != nil {
		return nil, err
	}
	s := check.JoinSchema(kind, in.Schema(), right.Schema())
	j := &joinNode{p: p, kind: kind, left: in, right: right, lkeys: li, rkeys: ri, schema: s}
	switch kind {
	case "leftsemi", "leftanti":
		j.outLeft = seq(len(in.Schema().Fields))
	case "rightsemi", "rightanti":
		j.outRight = seq(len(right.Schema().Fields))
	case "innerunique", "inner", "leftouter", "rightouter", "fullouter":
		j.outLeft = seq(len(in.Schema().Fields))
		j.outRight = seq(len(right.Schema().Fields))
	default:
		return nil, p.errorf(op, "unknown join kind %s", kind)
	}
	return j, nil
}

func planLookup(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.LookupOp)
	kind := check.JoinKind(op.Params, true)
	if kind != "leftouter" && kind != "inner" {
		return nil, p.errorf(op, "lookup kind must be leftouter or inner, not %s", kind)
	}
	right, err := p.plan(op.Right)
	if err != nil {
		return nil, err
	}
	li, ri, keys, err := p.joinKeys(op.On, in.Schema(), right.Schema())
	if err != nil {
		return nil, err
	}
	s := check.LookupSchema(in.Schema(), right.Schema(), keys)
	j := &joinNode{p: p, kind: kind, left: in, right: right, lkeys: li, rkeys: ri, schema: s}
	j.outLeft = seq(len(in.Schema().Fields))
	for i, f := range right.Schema().Fields {
		isKey := false
		for _, k := range keys {
			if k.Right == f.Name {
				isKey = true
			}
		}
		if !isKey {
			j.outRight = append(j.outRight, i)
		}
	}
	return j, nil
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// joinNode is a hash join: the right side is built into a hash table, the
// left side streams through it.
type joinNode struct {
	p                 *planner
	kind              string
	left, right       Node
	lkeys, rkeys      []int
	outLeft, outRight []int
	schema            *batch.Schema
}

func (j *joinNode) Schema() *batch.Schema { return j.schema }

// joinKey encodes the key of row r; ok is false when a key is null (null
// keys never match).
func joinKey(buf []byte, b *batch.Batch, cols []int, r int) ([]byte, bool) {
	buf = buf[:0]
	for _, c := range cols {
		col := b.Cols[c]
		switch col.Type {
		case types.String:
			// The same bytes as appendKey(types.NewString(s)), without
			// building a Value.
			s := col.Str(r)
			buf = append(buf, byte(types.String))
			buf = binary.LittleEndian.AppendUint64(buf, 0)
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			buf = append(buf, s...)
			continue
		case types.Int, types.Long, types.DateTime, types.TimeSpan:
			if col.IsNull(r) {
				return buf, false
			}
			kind := col.Type
			if kind == types.Int {
				kind = types.Long // int and long keys match
			}
			buf = append(buf, byte(kind))
			buf = binary.LittleEndian.AppendUint64(buf, uint64(col.Ints[r]))
			buf = binary.AppendUvarint(buf, 0)
			continue
		}
		v := valueAt(col, r)
		if v.IsNull() || v.Type == types.Null {
			return buf, false
		}
		if v.Type == types.Dynamic {
			v = types.FromDynamic(v.D)
		}
		buf = appendKey(buf, v)
	}
	return buf, true
}

func (j *joinNode) Run(ctx context.Context, emit func(*batch.Batch) error) error {
	mem := j.p.q.mem
	rb, used, err := drain(ctx, j.right, mem, "join")
	if err != nil {
		return err
	}
	defer mem.release(used)
	table := map[string][]int32{}
	var buf []byte
	for r := 0; r < rb.Len; r++ {
		var ok bool
		buf, ok = joinKey(buf, rb, j.rkeys, r)
		if !ok {
			continue
		}
		table[string(buf)] = append(table[string(buf)], int32(r))
	}
	ht := int64(len(table))*64 + int64(rb.Len)*4
	if err := mem.add(ht, "join"); err != nil {
		return err
	}
	defer mem.release(ht)
	var matched []bool
	switch j.kind {
	case "rightouter", "fullouter", "rightsemi", "rightanti":
		matched = make([]bool, rb.Len)
	}
	var lsel, rsel []int32
	flush := func(lb *batch.Batch) error {
		if len(lsel) == 0 && len(rsel) == 0 {
			return nil
		}
		n := len(lsel)
		if n == 0 {
			n = len(rsel)
		}
		out := &batch.Batch{Schema: j.schema, Len: n}
		for _, c := range j.outLeft {
			if hasNeg(lsel) {
				out.Cols = append(out.Cols, gatherNullable(lb.Cols[c], lsel))
			} else {
				out.Cols = append(out.Cols, batch.Take(lb.Cols[c], lsel))
			}
		}
		for _, c := range j.outRight {
			if hasNeg(rsel) {
				out.Cols = append(out.Cols, gatherNullable(rb.Cols[c], rsel))
			} else {
				out.Cols = append(out.Cols, batch.Take(rb.Cols[c], rsel))
			}
		}
		lsel, rsel = lsel[:0], rsel[:0]
		return emit(out)
	}
	needLeft := j.kind != "rightsemi" && j.kind != "rightanti"
	probe := func(lb *batch.Batch, keep func(r int, key []byte) bool) error {
		for r := 0; r < lb.Len; r++ {
			var ok bool
			buf, ok = joinKey(buf, lb, j.lkeys, r)
			var ms []int32
			if ok {
				if keep != nil && !keep(r, buf) {
					continue
				}
				ms = table[string(buf)]
			}
			switch j.kind {
			case "innerunique", "inner":
				for _, m := range ms {
					lsel, rsel = append(lsel, int32(r)), append(rsel, m)
				}
			case "leftouter", "fullouter":
				if len(ms) == 0 {
					lsel, rsel = append(lsel, int32(r)), append(rsel, -1)
				}
				for _, m := range ms {
					lsel, rsel = append(lsel, int32(r)), append(rsel, m)
					if matched != nil {
						matched[m] = true
					}
				}
			case "rightouter":
				for _, m := range ms {
					lsel, rsel = append(lsel, int32(r)), append(rsel, m)
					matched[m] = true
				}
			case "leftsemi":
				if len(ms) > 0 {
					lsel = append(lsel, int32(r))
				}
			case "leftanti":
				if len(ms) == 0 {
					lsel = append(lsel, int32(r))
				}
			case "rightsemi", "rightanti":
				for _, m := range ms {
					matched[m] = true
				}
			}
			if len(lsel) >= DefaultBatchSize {
				if err := flush(lb); err != nil {
					return err
				}
			}
		}
		if needLeft {
			return flush(lb)
		}
		return nil
	}
	if j.kind == "innerunique" {
		// The left side is deduplicated on the join keys, keeping the
		// last row of each key.
		lb, lused, err := drain(ctx, j.left, mem, "join")
		if err != nil {
			return err
		}
		defer mem.release(lused)
		last := map[string]int{}
		for r := 0; r < lb.Len; r++ {
			var ok bool
			if buf, ok = joinKey(buf, lb, j.lkeys, r); ok {
				last[string(buf)] = r
			}
		}
		if err := mem.add(int64(len(last))*48, "join"); err != nil {
			return err
		}
		defer mem.release(int64(len(last)) * 48)
		return probe(lb, func(r int, key []byte) bool { return last[string(key)] == r })
	}
	err = j.left.Run(ctx, func(lb *batch.Batch) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return probe(lb, nil)
	})
	if err != nil {
		return err
	}
	// Right rows that need emitting after the left side is done.
	if matched == nil {
		return nil
	}
	nullLeft := emptyBatch(j.left.Schema())
	var rows []int32
	for r, m := range matched {
		want := false
		switch j.kind {
		case "rightouter", "fullouter", "rightanti":
			want = !m
		case "rightsemi":
			want = m
		}
		if want {
			rows = append(rows, int32(r))
		}
	}
	for start := 0; start < len(rows); start += DefaultBatchSize {
		end := min(start+DefaultBatchSize, len(rows))
		rsel = append(rsel[:0], rows[start:end]...)
		lsel = lsel[:0]
		if len(j.outLeft) > 0 {
			for range rsel {
				lsel = append(lsel, -1)
			}
		}
		if err := flush(nullLeft); err != nil {
			return err
		}
	}
	return nil
}

func hasNeg(sel []int32) bool {
	for _, i := range sel {
		if i < 0 {
			return true
		}
	}
	return false
}
