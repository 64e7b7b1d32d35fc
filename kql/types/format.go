package types

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// FormatReal formats a real the way Kusto's tostring() prints it (the .NET
// shortest round-trip form): 1.0 -> "1", 0.1 -> "0.1", 1e15 -> "1E+15",
// 0.00001 -> "1E-05", NaN -> "NaN", +inf -> "Infinity", -inf -> "-Infinity".
func FormatReal(f float64) string {
	var buf [32]byte
	return string(AppendReal(buf[:0], f))
}

// AppendReal appends FormatReal's text to b.
func AppendReal(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0"...)
		}
		return append(b, '0')
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendInt(b, int64(f), 10)
	}
	// Shortest digits and decimal exponent.
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
		b = append(b, '-')
	}
	epos := 0
	for i, c := range e {
		if c == 'e' {
			epos = i
			break
		}
	}
	mant := e[:epos]
	exp, _ := strconv.Atoi(string(e[epos+1:]))
	var digits [24]byte
	nd := 0
	for _, c := range mant {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	scale := exp + 1 // position of the decimal point relative to the digits
	maxDigits := nd
	if maxDigits < 15 {
		maxDigits = 15
	}
	if scale > maxDigits || scale < -3 {
		b = append(b, digits[0])
		if nd > 1 {
			b = append(b, '.')
			b = append(b, digits[1:nd]...)
		}
		b = append(b, 'E')
		if exp < 0 {
			b = append(b, '-')
			exp = -exp
		} else {
			b = append(b, '+')
		}
		if exp < 10 {
			b = append(b, '0')
		}
		return strconv.AppendInt(b, int64(exp), 10)
	}
	switch {
	case scale <= 0:
		b = append(b, '0', '.')
		for i := scale; i < 0; i++ {
			b = append(b, '0')
		}
		b = append(b, digits[:nd]...)
	case scale >= nd:
		b = append(b, digits[:nd]...)
		for i := nd; i < scale; i++ {
			b = append(b, '0')
		}
	default:
		b = append(b, digits[:scale]...)
		b = append(b, '.')
		b = append(b, digits[scale:nd]...)
	}
	return b
}

// formatDecimal prints a decimal without exponent notation.
func formatDecimal(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return FormatReal(f)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// ToString returns the text Kusto's tostring() produces for v: "" for null,
// the string itself for strings (and for a dynamic holding a string), JSON
// for other dynamic values, "true"/"false" for bools, FormatDateTime and
// FormatTimeSpan forms for datetimes and timespans.
func ToString(v Value) string {
	if v.Type == String {
		return v.S
	}
	if v.Null {
		return ""
	}
	switch v.Type {
	case Bool:
		if v.I != 0 {
			return "true"
		}
		return "false"
	case Int, Long:
		return strconv.FormatInt(v.I, 10)
	case Real:
		return FormatReal(v.F)
	case Decimal:
		return formatDecimal(v.F)
	case DateTime:
		return FormatDateTime(v.I)
	case TimeSpan:
		return FormatTimeSpan(v.I)
	case Guid:
		return v.S
	case Dynamic:
		return DynamicToString(v.D)
	}
	return ""
}

// DynamicToString returns tostring() of a dynamic value: a string element
// as its raw text, a typed scalar in its text form, null as "", and any
// other value as compact JSON.
func DynamicToString(d any) string {
	switch x := d.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return FormatReal(x)
	case Value:
		return ToString(x)
	}
	return FormatDynamic(d)
}

// ToJSON converts v to a value suitable for encoding/json output: nil for
// null, bool, int64, float64 (non-finite reals as the strings "NaN",
// "Infinity", "-Infinity"), string, datetimes as ISO text ending in Z,
// timespans in Kusto's text form, guids as text, and dynamic values as a
// json.RawMessage holding their compact JSON (key order preserved).
func ToJSON(v Value) any {
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
	case Real, Decimal:
		if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
			return FormatReal(v.F)
		}
		return v.F
	case DateTime:
		return FormatDateTime(v.I)
	case TimeSpan:
		return FormatTimeSpan(v.I)
	case Guid:
		return v.S
	case Dynamic:
		return json.RawMessage(FormatDynamic(v.D))
	}
	return nil
}

// TypeOfDynamic returns the name gettype() reports for a dynamic element:
// "null", "bool", "long", "real", "string", "array", "dictionary", or the
// scalar type name of a typed value ("datetime", "timespan", "guid", ...).
func TypeOfDynamic(d any) string {
	switch x := d.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64, int:
		return "long"
	case float64:
		return "real"
	case string:
		return "string"
	case []any:
		return "array"
	case *Bag:
		return "dictionary"
	case Value:
		if x.Type == Dynamic {
			return TypeOfDynamic(x.D)
		}
		return x.Type.String()
	}
	return "unknown"
}

// trimSpaceASCII trims ASCII white space.
func trimSpaceASCII(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' })
}
