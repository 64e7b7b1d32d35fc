// Package types holds Kusto's scalar types and values and their semantics:
// literal parsing, text formatting, conversions, comparison, null
// propagation, and the string operators (has, contains, startswith, ...).
//
// Everything here works on one value at a time. Columnar storage lives in
// package kqlhunt/batch; the function catalogue in package kqlhunt/kql/funcs.
package types

// Type is a Kusto scalar type.
type Type uint8

// The Kusto scalar types. Null is the type of an untyped null literal and of
// expressions whose type is not yet known; it converts to any other type.
const (
	Null Type = iota
	Bool
	Int
	Long
	Real
	Decimal
	String
	DateTime
	TimeSpan
	Guid
	Dynamic
)

var typeNames = [...]string{
	Null:     "null",
	Bool:     "bool",
	Int:      "int",
	Long:     "long",
	Real:     "real",
	Decimal:  "decimal",
	String:   "string",
	DateTime: "datetime",
	TimeSpan: "timespan",
	Guid:     "guid",
	Dynamic:  "dynamic",
}

// String returns the Kusto name of the type ("long", "datetime", ...).
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// Value is one Kusto scalar value.
//
// Representation by type:
//   - Bool: I is 0 or 1.
//   - Int, Long: I.
//   - Real: F.
//   - Decimal: F (a float64 approximation; see the README's limitations).
//   - String: S. Strings are never null; the empty string stands for missing.
//   - DateTime: I holds 100-nanosecond ticks since the Unix epoch, UTC.
//   - TimeSpan: I holds 100-nanosecond ticks.
//   - Guid: S holds the canonical lower-case 8-4-4-4-12 text.
//   - Dynamic: D holds the JSON-like value (see the Dynamic documentation in
//     dynamic.go); a dynamic null has Null set.
//
// Null is set for a null value of any type but String.
type Value struct {
	Type Type
	Null bool
	I    int64
	F    float64
	S    string
	D    any
}
