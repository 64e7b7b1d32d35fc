package exec

import (
	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// valueAt returns row i of column c as a scalar value.
func valueAt(c *batch.Column, i int) types.Value {
	switch c.Type {
	case types.String:
		return types.Value{Type: types.String, S: c.Str(i)}
	case types.Guid:
		if c.IsNull(i) {
			return types.NullOf(types.Guid)
		}
		return types.Value{Type: types.Guid, S: c.Str(i)}
	}
	if c.IsNull(i) {
		return types.NullOf(c.Type)
	}
	switch c.Type {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		return types.Value{Type: c.Type, I: c.Ints[i]}
	case types.Real, types.Decimal:
		return types.Value{Type: c.Type, F: c.Reals[i]}
	case types.Dynamic:
		return types.NewDynamic(c.Dyns[i])
	}
	return types.NullOf(types.Null)
}

// newBuilders returns one builder per field of s.
func newBuilders(s *batch.Schema, capacity int) []*builder {
	bld := make([]*builder, len(s.Fields))
	for i, f := range s.Fields {
		bld[i] = newBuilder(f.Type, capacity)
	}
	return bld
}

// builder accumulates values into a new column of a fixed type.
type builder struct {
	col *batch.Column
}

func newBuilder(t types.Type, capacity int) *builder {
	c := &batch.Column{Type: t}
	switch t {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		c.Ints = make([]int64, 0, capacity)
	case types.Real, types.Decimal:
		c.Reals = make([]float64, 0, capacity)
	case types.String, types.Guid:
		c.Strs = make([]string, 0, capacity)
	case types.Dynamic:
		c.Dyns = make([]any, 0, capacity)
	default:
		// The null type: an all-null column.
	}
	return &builder{col: c}
}

func (b *builder) setNull() {
	c := b.col
	if c.Nulls == nil {
		c.Nulls = make([]bool, c.Len, cap(c.Ints)+cap(c.Reals)+cap(c.Strs)+cap(c.Dyns)+c.Len+1)
	}
	c.Nulls = append(c.Nulls, true)
}

func (b *builder) notNull() {
	if b.col.Nulls != nil {
		b.col.Nulls = append(b.col.Nulls, false)
	}
}

// add appends v, converting it to the builder's type when needed.
func (b *builder) add(v types.Value) {
	c := b.col
	if v.Type != c.Type && c.Type != types.Null && !(v.Type == types.Null) {
		v = convertTo(v, c.Type)
	}
	null := v.IsNull() || v.Type == types.Null
	switch c.Type {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		if null {
			c.Ints = append(c.Ints, 0)
			b.setNull()
		} else {
			c.Ints = append(c.Ints, v.I)
			b.notNull()
		}
	case types.Real, types.Decimal:
		if null {
			c.Reals = append(c.Reals, 0)
			b.setNull()
		} else {
			c.Reals = append(c.Reals, v.F)
			b.notNull()
		}
	case types.String:
		c.Strs = append(c.Strs, v.S)
	case types.Guid:
		c.Strs = append(c.Strs, v.S)
		if null {
			b.setNull()
		} else {
			b.notNull()
		}
	case types.Dynamic:
		if null {
			c.Dyns = append(c.Dyns, nil)
		} else {
			c.Dyns = append(c.Dyns, v.D)
		}
	default:
		b.setNull()
	}
	c.Len++
}

func (b *builder) build() *batch.Column { return b.col }

// convertTo converts v to type t for storage in a column of type t.
func convertTo(v types.Value, t types.Type) types.Value {
	if v.Type == t {
		return v
	}
	if t == types.Dynamic {
		if v.IsNull() || v.Type == types.Null {
			return types.NullOf(types.Dynamic)
		}
		return types.NewDynamic(types.ToDynamicElement(v))
	}
	if v.Type == types.Null {
		return types.NullOf(t)
	}
	return types.Convert(v, t)
}

// constColumn returns a column of n copies of v.
func constColumn(v types.Value, t types.Type, n int) *batch.Column {
	if t == types.Null {
		t = v.Type
	}
	if v.Type != t {
		v = convertTo(v, t)
	}
	c := &batch.Column{Type: t, Len: n}
	null := v.IsNull() || v.Type == types.Null
	switch t {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		c.Ints = make([]int64, n)
		if !null {
			for i := range c.Ints {
				c.Ints[i] = v.I
			}
		}
	case types.Real, types.Decimal:
		c.Reals = make([]float64, n)
		if !null {
			for i := range c.Reals {
				c.Reals[i] = v.F
			}
		}
	case types.String, types.Guid:
		c.Dict = []string{v.S}
		c.Codes = make([]uint32, n)
	case types.Dynamic:
		c.Dyns = make([]any, n)
		if !null {
			for i := range c.Dyns {
				c.Dyns[i] = v.D
			}
		}
		null = false
	}
	if null && t != types.String {
		c.Nulls = make([]bool, n)
		for i := range c.Nulls {
			c.Nulls[i] = true
		}
	}
	return c
}

// gatherNullable is batch.Take where a negative index yields a null row.
func gatherNullable(c *batch.Column, sel []int32) *batch.Column {
	b := newBuilder(c.Type, len(sel))
	for _, i := range sel {
		if i < 0 {
			b.add(types.NullOf(c.Type))
		} else {
			b.add(valueAt(c, int(i)))
		}
	}
	return b.build()
}

// filterBatch returns the rows of b at positions sel, in that order.
func filterBatch(b *batch.Batch, sel []int32) *batch.Batch {
	if len(sel) == b.Len {
		identity := true
		for i, j := range sel {
			if int(j) != i {
				identity = false
				break
			}
		}
		if identity {
			return b
		}
	}
	out := &batch.Batch{Schema: b.Schema, Cols: make([]*batch.Column, len(b.Cols)), Len: len(sel)}
	for i, c := range b.Cols {
		out.Cols[i] = batch.Take(c, sel)
	}
	return out
}

// concatColumns appends columns of the same type into one.
func concatColumns(t types.Type, cols []*batch.Column) *batch.Column {
	n := 0
	for _, c := range cols {
		n += c.Len
	}
	b := newBuilder(t, n)
	for _, c := range cols {
		appendColumn(b, c)
	}
	return b.build()
}

// appendColumn appends all rows of c to b.
func appendColumn(b *builder, c *batch.Column) {
	if c.Type == b.col.Type {
		out := b.col
		switch {
		case c.Type == types.String && c.Nulls == nil && out.Nulls == nil:
			if c.Codes != nil {
				for _, code := range c.Codes {
					out.Strs = append(out.Strs, c.Dict[code])
				}
			} else {
				out.Strs = append(out.Strs, c.Strs[:c.Len]...)
			}
			out.Len += c.Len
			return
		case (c.Ints != nil) && c.Nulls == nil && out.Nulls == nil:
			out.Ints = append(out.Ints, c.Ints[:c.Len]...)
			out.Len += c.Len
			return
		}
	}
	for i := 0; i < c.Len; i++ {
		b.add(valueAt(c, i))
	}
}

// concatBatches merges batches of one schema into a single batch.
func concatBatches(s *batch.Schema, bs []*batch.Batch) *batch.Batch {
	if len(bs) == 1 {
		return bs[0]
	}
	out := &batch.Batch{Schema: s, Cols: make([]*batch.Column, len(s.Fields))}
	for j, f := range s.Fields {
		cols := make([]*batch.Column, len(bs))
		for i, b := range bs {
			cols[i] = b.Cols[j]
		}
		out.Cols[j] = concatColumns(f.Type, cols)
	}
	for _, b := range bs {
		out.Len += b.Len
	}
	return out
}

// columnBytes estimates the memory held by a column.
func columnBytes(c *batch.Column) int64 {
	n := int64(len(c.Nulls)) + int64(len(c.Ints))*8 + int64(len(c.Reals))*8 + int64(len(c.Codes))*4
	for _, s := range c.Strs {
		n += int64(len(s)) + 16
	}
	n += int64(len(c.Dyns)) * 32
	return n
}

func batchBytes(b *batch.Batch) int64 {
	var n int64
	for _, c := range b.Cols {
		n += columnBytes(c)
	}
	return n
}
