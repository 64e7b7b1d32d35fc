// Package batch holds columnar data: typed column vectors, batches of
// columns that share a row count, and schemas.
//
// Operators in package kqlhunt/kql/exec take and return batches; sources
// build them; the store writes and reads them.
package batch

import "kqlhunt/kql/types"

// Column is one typed column vector of Len values.
//
// Exactly one payload slice is used, chosen by Type:
//   - Bool, Int, Long, DateTime, TimeSpan: Ints (bools are 0/1).
//   - Real, Decimal: Reals.
//   - String, Guid: Strs, or the dictionary form Dict+Codes, where the value
//     of row i is Dict[Codes[i]]. Use Str to read either form.
//   - Dynamic: Dyns (JSON-like values as in package types).
//
// Nulls, when non-nil, has Len entries; Nulls[i] marks row i as null.
// String columns never hold nulls.
type Column struct {
	Type  types.Type
	Len   int
	Nulls []bool
	Ints  []int64
	Reals []float64
	Strs  []string
	Dict  []string
	Codes []uint32
	Dyns  []any
}

// Str returns the string at row i of a String or Guid column in either form.
func (c *Column) Str(i int) string {
	if c.Codes != nil {
		return c.Dict[c.Codes[i]]
	}
	return c.Strs[i]
}

// IsNull reports whether row i is null.
func (c *Column) IsNull(i int) bool { return c.Nulls != nil && c.Nulls[i] }

// Field is a named, typed column of a schema.
type Field struct {
	Name string
	Type types.Type
}

// Schema is an ordered list of fields.
type Schema struct {
	Fields []Field
	// Open marks a schema whose full column set is known only at run time
	// (the output of evaluate bag_unpack): names not in Fields may still
	// be columns.
	Open bool
}

// Index returns the position of the field with the given name, or -1.
// Names are case-sensitive, as in Kusto.
func (s *Schema) Index(name string) int {
	for i, f := range s.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Batch is a set of columns with a common row count.
type Batch struct {
	Schema *Schema
	Cols   []*Column
	Len    int
}
