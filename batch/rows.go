package batch

import "kqlhunt/kql/types"

// Rows is a tabular result read row by row: a query result handed to the
// output writers, the rule runtime and the alert builder.
type Rows interface {
	// Columns returns the result's columns in order.
	Columns() []Field
	// NumRows returns the number of rows.
	NumRows() int
	// Value returns the value at row, col.
	Value(row, col int) types.Value
}
