package types

import (
	"cmp"
	"math"
	"strings"
)

// Key is a comparable grouping key for a value: values that are Equal have
// equal keys. Use KeyOf for scalars and DynamicKey for dynamic elements.
type Key struct {
	Kind Type
	I    int64
	S    string
}

// KeyOf returns v's grouping key. Int and long share a key space, so 1 (int)
// and 1 (long) group together; reals use their bit pattern with -0 folded to
// 0 and every NaN folded to one NaN. Nulls of a type share one key; the empty
// string is the string key "".
func KeyOf(v Value) Key {
	if v.Type == String {
		return Key{Kind: String, S: v.S}
	}
	if v.Null || v.Type == Null {
		return Key{Kind: Null}
	}
	switch v.Type {
	case Int, Long:
		return Key{Kind: Long, I: v.I}
	case Real, Decimal:
		return Key{Kind: v.Type, I: realBits(v.F)}
	case Guid:
		return Key{Kind: Guid, S: v.S}
	case Dynamic:
		return DynamicKey(v.D)
	}
	return Key{Kind: v.Type, I: v.I}
}

func realBits(f float64) int64 {
	if f == 0 {
		return 0
	}
	if math.IsNaN(f) {
		return int64(math.Float64bits(math.NaN()))
	}
	return int64(math.Float64bits(f))
}

// DynamicKey returns the grouping key of a dynamic element. Scalars inside
// a dynamic get the same key as the equal scalar outside it; arrays and bags
// are keyed by their JSON text.
func DynamicKey(d any) Key {
	switch x := d.(type) {
	case nil:
		return Key{Kind: Null}
	case bool:
		if x {
			return Key{Kind: Bool, I: 1}
		}
		return Key{Kind: Bool}
	case int64:
		return Key{Kind: Long, I: x}
	case int:
		return Key{Kind: Long, I: int64(x)}
	case float64:
		return Key{Kind: Real, I: realBits(x)}
	case string:
		return Key{Kind: String, S: x}
	case Value:
		return KeyOf(x)
	}
	return Key{Kind: Dynamic, S: FormatDynamic(d)}
}

// Compare orders two non-null values of comparable types: numbers (int,
// long, real, decimal promote to one another), datetimes, timespans,
// strings (ordinal), bools, guids, and dynamic values (compared through
// their elements). It returns -1, 0 or +1, and false when either value is
// null or the types are not comparable. NaN compares equal to NaN and
// below every other real.
func Compare(a, b Value) (int, bool) {
	if a.Type == Dynamic {
		if a.Null || isContainer(a.D) {
			return compareDynamicWhole(a, b)
		}
		a = FromDynamic(a.D)
	}
	if b.Type == Dynamic {
		if b.Null || isContainer(b.D) {
			return compareDynamicWhole(a, b)
		}
		b = FromDynamic(b.D)
	}
	if a.IsNull() || b.IsNull() || a.Type == Null || b.Type == Null {
		return 0, false
	}
	if a.Type == b.Type {
		switch a.Type {
		case Int, Long, DateTime, TimeSpan, Bool:
			return cmp.Compare(a.I, b.I), true
		case Real, Decimal:
			return cmp.Compare(a.F, b.F), true
		case String, Guid:
			return strings.Compare(a.S, b.S), true
		}
		return 0, false
	}
	if a.Type.IsNumeric() && b.Type.IsNumeric() {
		if a.Type.IsInteger() && b.Type.IsInteger() {
			return cmp.Compare(a.I, b.I), true
		}
		return cmp.Compare(numF(a), numF(b)), true
	}
	if a.Type == Guid && b.Type == String || a.Type == String && b.Type == Guid {
		return strings.Compare(strings.ToLower(a.S), strings.ToLower(b.S)), true
	}
	return 0, false
}

func isContainer(d any) bool {
	switch d.(type) {
	case []any, *Bag:
		return true
	}
	return false
}

// compareDynamicWhole compares when at least one side is an array, a bag or
// a dynamic null: only equality by JSON text is meaningful.
func compareDynamicWhole(a, b Value) (int, bool) {
	if a.IsNull() || b.IsNull() || a.Type != Dynamic || b.Type != Dynamic {
		return 0, false
	}
	sa, sb := FormatDynamic(a.D), FormatDynamic(b.D)
	return strings.Compare(sa, sb), true
}

func numF(v Value) float64 {
	if v.Type.IsInteger() {
		return float64(v.I)
	}
	return v.F
}

// SortCompare is a total order for sorting: nulls sort first (before every
// non-null value, as Kusto's ascending "nulls first" default), then values
// by Compare; values of incomparable types order by type.
func SortCompare(a, b Value) int {
	an, bn := isNullish(a), isNullish(b)
	switch {
	case an && bn:
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	if c, ok := Compare(a, b); ok {
		return c
	}
	return cmp.Compare(a.Type, b.Type)
}

func isNullish(v Value) bool {
	if v.Type == String {
		return false
	}
	return v.Null || v.Type == Null || v.Type == Dynamic && v.D == nil
}

// Equal implements ==: two nulls give bool(null), a null and a non-null
// give false, otherwise the values compare (numbers with promotion, strings
// case-sensitively). Incomparable types give false.
func Equal(a, b Value) Value {
	an, bn := isNullish(a), isNullish(b)
	if an && bn {
		return NullOf(Bool)
	}
	if an || bn {
		return NewBool(false)
	}
	c, ok := Compare(a, b)
	if ok && (a.Type == Real || b.Type == Real) && (isNaNValue(a) || isNaNValue(b)) {
		return NewBool(false)
	}
	return NewBool(ok && c == 0)
}

func isNaNValue(v Value) bool { return v.Type == Real && math.IsNaN(v.F) }

// NotEqual implements !=: two nulls give bool(null), a null and a non-null
// give true.
func NotEqual(a, b Value) Value {
	e := Equal(a, b)
	if e.Null {
		return e
	}
	return NewBool(e.I == 0)
}

// CompareOp evaluates a comparison operator ("==", "!=", "<", "<=", ">",
// ">="). Ordering operators give bool(null) when either side is null or the
// types are not comparable; == and != follow Equal and NotEqual.
func CompareOp(op string, a, b Value) Value {
	switch op {
	case "==":
		return Equal(a, b)
	case "!=", "<>":
		return NotEqual(a, b)
	}
	c, ok := Compare(a, b)
	if !ok {
		return NullOf(Bool)
	}
	if isNaNValue(a) || isNaNValue(b) {
		return NewBool(false)
	}
	switch op {
	case "<":
		return NewBool(c < 0)
	case "<=":
		return NewBool(c <= 0)
	case ">":
		return NewBool(c > 0)
	case ">=":
		return NewBool(c >= 0)
	}
	return NullOf(Bool)
}

// And implements the logical and with Kusto's null rules: false if either
// side is false, null if either is null, true otherwise.
func And(a, b Value) Value {
	if !a.Null && a.I == 0 || !b.Null && b.I == 0 {
		return NewBool(false)
	}
	if a.Null || b.Null {
		return NullOf(Bool)
	}
	return NewBool(true)
}

// Or implements the logical or: true if either side is true, null if either
// is null, false otherwise.
func Or(a, b Value) Value {
	if !a.Null && a.I != 0 || !b.Null && b.I != 0 {
		return NewBool(true)
	}
	if a.Null || b.Null {
		return NullOf(Bool)
	}
	return NewBool(false)
}

// Not implements not(): null stays null.
func Not(a Value) Value {
	if a.Null {
		return NullOf(Bool)
	}
	return NewBool(a.I == 0)
}
