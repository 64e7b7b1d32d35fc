package types

import (
	"math"
	"strconv"
	"strings"
)

// TicksAt0001 is the number of ticks from 0001-01-01 to the Unix epoch: the
// offset between Kusto's datetime tick count (as tolong(datetime) returns it)
// and this package's Unix-based ticks.
const TicksAt0001 = unixEpochDays * TicksPerDay

// RealToLong truncates a real toward zero; ok is false for NaN, infinities
// and values outside the long range.
func RealToLong(f float64) (int64, bool) {
	if math.IsNaN(f) || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 {
		return 0, false
	}
	return int64(f), true
}

// ParseLong parses integer text: decimal with an optional sign, or 0x hex.
func ParseLong(s string) (int64, bool) {
	s = trimSpaceASCII(s)
	if s == "" {
		return 0, false
	}
	neg := false
	body := s
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = body[1:]
	}
	if len(body) > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		u, err := strconv.ParseUint(body[2:], 16, 64)
		if err != nil {
			return 0, false
		}
		v := int64(u)
		if neg {
			v = -v
		}
		return v, true
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// ParseReal parses real text: decimal numbers with optional exponent, and
// nan, inf, +inf, -inf, NaN, Infinity, -Infinity.
func ParseReal(s string) (float64, bool) {
	s = trimSpaceASCII(s)
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), true
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), true
	case "-inf", "-infinity":
		return math.Inf(-1), true
	case "":
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return 0, false // no hex floats, underscores or words
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// ParseGuid parses guid text: 32 hex digits, optionally with dashes and
// optionally wrapped in braces or parentheses. It returns the canonical
// lower-case 8-4-4-4-12 form.
func ParseGuid(s string) (string, bool) {
	s = trimSpaceASCII(s)
	if len(s) >= 2 && (s[0] == '{' && s[len(s)-1] == '}' || s[0] == '(' && s[len(s)-1] == ')') {
		s = s[1 : len(s)-1]
	}
	var hex [32]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			continue
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			c += 'a' - 'A'
		default:
			return "", false
		}
		if n == 32 {
			return "", false
		}
		hex[n] = c
		n++
	}
	if n != 32 {
		return "", false
	}
	var out [36]byte
	j := 0
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			out[j] = '-'
			j++
		}
		out[j] = hex[i]
		j++
	}
	return string(out[:]), true
}

// ParseBool parses "true"/"false" (any case, surrounding spaces allowed)
// and the integers "1"/"0".
func ParseBool(s string) (bool, bool) {
	s = trimSpaceASCII(s)
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	if n, ok := ParseLong(s); ok {
		return n != 0, true
	}
	return false, false
}

// FromDynamic turns a dynamic element into a scalar Value: bool, long, real,
// string, a typed value for datetime/timespan/guid/decimal elements, and a
// dynamic value for arrays, bags and null.
func FromDynamic(d any) Value {
	switch x := d.(type) {
	case bool:
		return NewBool(x)
	case int64:
		return NewLong(x)
	case int:
		return NewLong(int64(x))
	case float64:
		return NewReal(x)
	case string:
		return NewString(x)
	case Value:
		return x
	}
	return NewDynamic(d)
}

// ToDynamicElement turns a scalar into a dynamic element (the inverse of
// FromDynamic): nil for null, bool, int64, float64, string, the inner model
// of a dynamic, and the Value itself for datetime, timespan, guid, decimal.
func ToDynamicElement(v Value) any {
	if v.Type == String {
		return v.S
	}
	if v.Null || v.Type == Null {
		return nil
	}
	switch v.Type {
	case Bool:
		return v.I != 0
	case Int, Long:
		return v.I
	case Real:
		return v.F
	case Dynamic:
		return v.D
	}
	return v
}

// unwrapDynamic turns a dynamic scalar into its element value, so that
// conversions of dynamic values behave like those of the element.
func unwrapDynamic(v Value) Value {
	if v.Type != Dynamic || v.Null {
		return v
	}
	return FromDynamic(v.D)
}

// ToLong converts like tolong(): numbers truncate toward zero, bools give
// 1/0, strings parse as integers (or as reals then truncate), datetimes give
// .NET ticks since 0001-01-01, timespans ticks. Invalid input gives null.
func ToLong(v Value) Value {
	v = unwrapDynamic(v)
	if v.Null {
		return NullOf(Long)
	}
	switch v.Type {
	case Bool, Int, Long, TimeSpan:
		return NewLong(v.I)
	case DateTime:
		return NewLong(v.I + TicksAt0001)
	case Real, Decimal:
		if n, ok := RealToLong(v.F); ok {
			return NewLong(n)
		}
	case String:
		if n, ok := ParseLong(v.S); ok {
			return NewLong(n)
		}
		if f, ok := ParseReal(v.S); ok {
			if n, ok := RealToLong(f); ok {
				return NewLong(n)
			}
		}
	}
	return NullOf(Long)
}

// ToInt converts like toint(): as ToLong, then the value must fit in 32
// bits (otherwise null).
func ToInt(v Value) Value {
	l := ToLong(v)
	if l.Null || l.I < math.MinInt32 || l.I > math.MaxInt32 {
		return NullOf(Int)
	}
	return NewInt(l.I)
}

// ToReal converts like toreal()/todouble(): numbers widen, bools give 1/0,
// strings parse (including nan and inf), datetimes and timespans give their
// tick counts. Invalid input gives null.
func ToReal(v Value) Value {
	v = unwrapDynamic(v)
	if v.Null {
		return NullOf(Real)
	}
	switch v.Type {
	case Bool, Int, Long, TimeSpan:
		return NewReal(float64(v.I))
	case DateTime:
		return NewReal(float64(v.I + TicksAt0001))
	case Real, Decimal:
		return NewReal(v.F)
	case String:
		if f, ok := ParseReal(v.S); ok {
			return NewReal(f)
		}
	}
	return NullOf(Real)
}

// ToDecimal converts like todecimal() (held as a float64).
func ToDecimal(v Value) Value {
	r := ToReal(v)
	if r.Null || math.IsNaN(r.F) || math.IsInf(r.F, 0) {
		return NullOf(Decimal)
	}
	return NewDecimal(r.F)
}

// ToBool converts like tobool(): "true"/"false" in any case, numbers
// (non-zero is true). Invalid input gives null.
func ToBool(v Value) Value {
	v = unwrapDynamic(v)
	if v.Null {
		return NullOf(Bool)
	}
	switch v.Type {
	case Bool:
		return v
	case Int, Long:
		return NewBool(v.I != 0)
	case Real, Decimal:
		if math.IsNaN(v.F) {
			return NullOf(Bool)
		}
		return NewBool(v.F != 0)
	case String:
		if b, ok := ParseBool(v.S); ok {
			return NewBool(b)
		}
	}
	return NullOf(Bool)
}

// ToDateTime converts like todatetime(): datetimes pass through, strings
// parse with ParseDateTime. Invalid input gives null.
func ToDateTime(v Value) Value {
	v = unwrapDynamic(v)
	if v.Null {
		return NullOf(DateTime)
	}
	switch v.Type {
	case DateTime:
		return v
	case String:
		if t, err := ParseDateTime(v.S); err == nil {
			return NewDateTime(t)
		}
	}
	return NullOf(DateTime)
}

// ToTimeSpan converts like totimespan(): timespans pass through, strings
// parse with ParseTimeSpan, integers count ticks. Invalid input gives null.
func ToTimeSpan(v Value) Value {
	v = unwrapDynamic(v)
	if v.Null {
		return NullOf(TimeSpan)
	}
	switch v.Type {
	case TimeSpan:
		return v
	case Int, Long:
		return NewTimeSpan(v.I)
	case String:
		if t, err := ParseTimeSpan(v.S); err == nil {
			return NewTimeSpan(t)
		}
	}
	return NullOf(TimeSpan)
}

// ToGuid converts like toguid(): guids pass through, strings parse with
// ParseGuid. Invalid input gives null.
func ToGuid(v Value) Value {
	v = unwrapDynamic(v)
	if v.Null {
		return NullOf(Guid)
	}
	switch v.Type {
	case Guid:
		return v
	case String:
		if g, ok := ParseGuid(v.S); ok {
			return Value{Type: Guid, S: g}
		}
	}
	return NullOf(Guid)
}

// ToStringValue converts like tostring() (see ToString).
func ToStringValue(v Value) Value { return NewString(ToString(v)) }

// ToDynamic converts like todynamic()/parse_json(): a string holding JSON
// parses to that value; a string that is not JSON stays a dynamic string;
// dynamic values pass through; other scalars become dynamic elements.
func ToDynamic(v Value) Value {
	switch v.Type {
	case Dynamic:
		return v
	case String:
		if d, err := ParseDynamic(v.S); err == nil {
			return NewDynamic(d)
		}
		return NewDynamic(v.S)
	}
	if v.Null {
		return NullOf(Dynamic)
	}
	return NewDynamic(ToDynamicElement(v))
}

// Convert converts v to type t with the to<type>() rules above.
func Convert(v Value, t Type) Value {
	switch t {
	case Bool:
		return ToBool(v)
	case Int:
		return ToInt(v)
	case Long:
		return ToLong(v)
	case Real:
		return ToReal(v)
	case Decimal:
		return ToDecimal(v)
	case String:
		return ToStringValue(v)
	case DateTime:
		return ToDateTime(v)
	case TimeSpan:
		return ToTimeSpan(v)
	case Guid:
		return ToGuid(v)
	case Dynamic:
		return ToDynamic(v)
	}
	return NullOf(t)
}
