package batch

import "kqlhunt/kql/types"

// Take returns a new column holding rows idx of c, in order. Nulls and
// the dictionary form (Dict shared, Codes copied) are kept. A column
// without a payload (Null-typed or empty) yields zero values of its type,
// so the result always has the shape Type asks for.
func Take[I int | int32](c *Column, idx []I) *Column {
	out := &Column{Type: c.Type, Len: len(idx)}
	if c.Nulls != nil {
		out.Nulls = make([]bool, len(idx))
		for j, i := range idx {
			out.Nulls[j] = c.Nulls[i]
		}
	}
	switch {
	case c.Codes != nil:
		out.Dict = c.Dict
		out.Codes = take(c.Codes, idx)
	case c.Ints != nil:
		out.Ints = take(c.Ints, idx)
	case c.Reals != nil:
		out.Reals = take(c.Reals, idx)
	case c.Strs != nil:
		out.Strs = take(c.Strs, idx)
	case c.Dyns != nil:
		out.Dyns = take(c.Dyns, idx)
	default:
		switch c.Type {
		case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
			out.Ints = make([]int64, len(idx))
		case types.Real, types.Decimal:
			out.Reals = make([]float64, len(idx))
		case types.String, types.Guid:
			out.Strs = make([]string, len(idx))
		case types.Dynamic:
			out.Dyns = make([]any, len(idx))
		}
	}
	return out
}

// take copies rows idx of s.
func take[T any, I int | int32](s []T, idx []I) []T {
	out := make([]T, len(idx))
	for j, i := range idx {
		out[j] = s[i]
	}
	return out
}
