package alert

import (
	"math"
	"strconv"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// Rows is a query result as alert building reads it (the rule package's
// ResultSet satisfies it).
type Rows interface {
	Columns() []batch.Field
	NumRows() int
	Value(row, col int) types.Value
}

// ValueString returns a value's text as Kusto's tostring prints it; null
// values give "".
func ValueString(v types.Value) string {
	if v.IsNull() {
		return ""
	}
	switch v.Type {
	case types.String, types.Guid:
		return v.S
	case types.Bool:
		if v.I != 0 {
			return "true"
		}
		return "false"
	case types.Int, types.Long:
		return strconv.FormatInt(v.I, 10)
	case types.Real, types.Decimal:
		return formatFloat(v.F)
	case types.DateTime:
		return types.FormatDateTime(v.I)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	case types.Dynamic:
		if s, ok := v.D.(string); ok {
			return s
		}
		if v.D == nil {
			return ""
		}
		return types.FormatDynamic(v.D)
	}
	return v.S
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

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
