package exec

import (
	"math"

	"kqlhunt/kql/types"
)

// StringMatcher returns a function that decides p for a value of a string
// column exactly as the where clause p came from decides it, and true; or
// nil and false when p is not a predicate on a string column that can be
// decided from the column's value alone (such as < on strings).
func (p Pred) StringMatcher() (func(string) bool, bool) {
	switch p.Op {
	case "==", "!=":
		// As compareFast: string == string constant is a plain comparison.
		if p.Value.Type != types.String || p.Value.Null {
			return nil, false
		}
		s := p.Value.S
		if p.Op == "==" {
			return func(v string) bool { return v == s }, true
		}
		return func(v string) bool { return v != s }, true
	case "<", "<=", ">", ">=":
		return nil, false
	}
	sop := stringOp(p.Op)
	if sop == nil {
		return nil, false
	}
	needle := types.ToString(p.Value)
	return func(s string) bool { return sop(s, needle) }, true
}

// TimeRange returns the closed range of datetime ticks [lo, hi] that a
// comparison of a datetime column with a datetime constant keeps, and
// true; or false when p is not such a comparison or keeps no single range
// (!=). A comparison with a null constant keeps nothing: lo > hi.
func (p Pred) TimeRange() (lo, hi int64, ok bool) {
	if p.Value.Type != types.DateTime {
		return 0, 0, false
	}
	if p.Value.Null {
		switch p.Op {
		case "==", "<", "<=", ">", ">=":
			return 1, 0, true
		}
		return 0, 0, false
	}
	v := p.Value.I
	lo, hi = math.MinInt64, math.MaxInt64
	switch p.Op {
	case "==":
		lo, hi = v, v
	case "<":
		if v == math.MinInt64 {
			return 1, 0, true
		}
		hi = v - 1
	case "<=":
		hi = v
	case ">":
		if v == math.MaxInt64 {
			return 1, 0, true
		}
		lo = v + 1
	case ">=":
		lo = v
	default:
		return 0, 0, false
	}
	return lo, hi, true
}
