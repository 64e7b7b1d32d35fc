package types

import "strings"

// NewBool returns a bool value.
func NewBool(b bool) Value {
	if b {
		return Value{Type: Bool, I: 1}
	}
	return Value{Type: Bool}
}

// NewInt returns an int (32-bit) value. The argument is truncated to 32 bits
// the way Kusto's int overflows wrap.
func NewInt(v int64) Value { return Value{Type: Int, I: int64(int32(v))} }

// NewLong returns a long value.
func NewLong(v int64) Value { return Value{Type: Long, I: v} }

// NewReal returns a real value.
func NewReal(f float64) Value { return Value{Type: Real, F: f} }

// NewDecimal returns a decimal value (held as a float64 approximation).
func NewDecimal(f float64) Value { return Value{Type: Decimal, F: f} }

// NewString returns a string value.
func NewString(s string) Value { return Value{Type: String, S: s} }

// NewDateTime returns a datetime value from 100-nanosecond ticks since the
// Unix epoch.
func NewDateTime(ticks int64) Value { return Value{Type: DateTime, I: ticks} }

// NewTimeSpan returns a timespan value from 100-nanosecond ticks.
func NewTimeSpan(ticks int64) Value { return Value{Type: TimeSpan, I: ticks} }

// NewGuid returns a guid value from its text. The text is stored lower-cased;
// callers that accept user text should validate it with ParseGuid first.
func NewGuid(s string) Value { return Value{Type: Guid, S: strings.ToLower(s)} }

// NewDynamic returns a dynamic value holding d (see the dynamic model in
// dynamic.go). A nil d is a dynamic null.
func NewDynamic(d any) Value {
	if d == nil {
		return Value{Type: Dynamic, Null: true}
	}
	return Value{Type: Dynamic, D: d}
}

// NullOf returns the null value of type t. For String it is the empty string,
// since Kusto strings are never null.
func NullOf(t Type) Value {
	if t == String {
		return Value{Type: String}
	}
	return Value{Type: t, Null: true}
}

// IsNull reports whether v is null. Strings are never null.
func (v Value) IsNull() bool { return v.Null && v.Type != String }

// IsEmpty reports whether v is null or the empty string (Kusto's isempty).
func (v Value) IsEmpty() bool {
	if v.Type == String {
		return v.S == ""
	}
	return v.Null || v.Type == Null
}

// Bool returns the bool held by v (false when null).
func (v Value) Bool() bool { return !v.Null && v.I != 0 }

// IsNumeric reports whether t is int, long, real or decimal.
func (t Type) IsNumeric() bool { return t == Int || t == Long || t == Real || t == Decimal }

// IsInteger reports whether t is int or long.
func (t Type) IsInteger() bool { return t == Int || t == Long }

// typeAliases maps every Kusto type name and alias (lower case) to its type.
var typeAliases = map[string]Type{
	"bool":                            Bool,
	"boolean":                         Bool,
	"int":                             Int,
	"int32":                           Int,
	"long":                            Long,
	"int64":                           Long,
	"real":                            Real,
	"double":                          Real,
	"decimal":                         Decimal,
	"string":                          String,
	"datetime":                        DateTime,
	"date":                            DateTime,
	"timespan":                        TimeSpan,
	"time":                            TimeSpan,
	"guid":                            Guid,
	"uniqueid":                        Guid,
	"dynamic":                         Dynamic,
	"object":                          Dynamic,
	"system.boolean":                  Bool,
	"system.int32":                    Int,
	"system.int64":                    Long,
	"system.double":                   Real,
	"system.decimal":                  Decimal,
	"system.string":                   String,
	"system.datetime":                 DateTime,
	"system.timespan":                 TimeSpan,
	"system.guid":                     Guid,
	"system.object":                   Dynamic,
	"system.sbyte":                    Bool,
	"system.data.sqltypes.sqldecimal": Decimal,
}

// ParseType returns the type named by a Kusto type name or alias (bool,
// boolean, int, int32, long, int64, real, double, decimal, string, datetime,
// date, timespan, time, guid, uniqueid, dynamic, and the .NET names such as
// System.Int64). Matching is case-insensitive.
func ParseType(name string) (Type, bool) {
	t, ok := typeAliases[strings.ToLower(strings.TrimSpace(name))]
	return t, ok
}
