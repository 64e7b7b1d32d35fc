package alert

import (
	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// Rows is a query result as alert building reads it (the rule package's
// ResultSet satisfies it).
type Rows = batch.Rows

// ValueString returns a value's text as Kusto's tostring prints it; null
// values give "".
func ValueString(v types.Value) string { return types.ToString(v) }

func formatFloat(f float64) string { return types.FormatReal(f) }

// Table is a simple in-memory Rows implementation, handy for tests and
// for callers that already hold rows.
type Table struct {
	Fields []batch.Field
	Data   [][]types.Value
}

// Columns returns the table's fields.
func (t *Table) Columns() []batch.Field { return t.Fields }

// NumRows returns the number of rows.
func (t *Table) NumRows() int { return len(t.Data) }

// Value returns the value at row, col.
func (t *Table) Value(row, col int) types.Value { return t.Data[row][col] }
