// Package queryout writes query results in the formats the CLI offers:
// a human table, one JSON document, JSON lines, and CSV.
package queryout

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// Result is a tabular query result.
type Result = batch.Rows

// Formats lists the names Write accepts.
var Formats = []string{"table", "json", "jsonl", "csv"}

// Write writes r to w in the named format.
func Write(w io.Writer, format string, r Result) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case "json":
		err = writeJSON(bw, r)
	case "jsonl":
		err = writeJSONL(bw, r)
	case "csv":
		err = writeCSV(bw, r)
	case "table", "":
		err = writeTable(bw, r)
	default:
		return fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

type jsonColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// writeJSON writes {"columns":[{"name","type"}...],"rows":[[...]...]}.
func writeJSON(w *bufio.Writer, r Result) error {
	cols := r.Columns()
	jc := make([]jsonColumn, len(cols))
	for i, c := range cols {
		jc[i] = jsonColumn{Name: c.Name, Type: c.Type.String()}
	}
	head, err := json.Marshal(jc)
	if err != nil {
		return fmt.Errorf("encoding columns: %w", err)
	}
	w.WriteString(`{"columns":`)
	w.Write(head)
	w.WriteString(`,"rows":[`)
	row := make([]any, len(cols))
	for i := 0; i < r.NumRows(); i++ {
		if i > 0 {
			w.WriteByte(',')
		}
		for c := range cols {
			row[c] = types.ToJSON(r.Value(i, c))
		}
		b, err := json.Marshal(row)
		if err != nil {
			return fmt.Errorf("encoding row %d: %w", i, err)
		}
		w.Write(b)
	}
	_, err = w.WriteString("]}\n")
	return err
}

// writeJSONL writes one object per row keyed by column name, in column order.
func writeJSONL(w *bufio.Writer, r Result) error {
	cols := r.Columns()
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		k, _ := json.Marshal(c.Name)
		keys[i] = k
	}
	for i := 0; i < r.NumRows(); i++ {
		w.WriteByte('{')
		for c := range cols {
			if c > 0 {
				w.WriteByte(',')
			}
			w.Write(keys[c])
			w.WriteByte(':')
			b, err := json.Marshal(types.ToJSON(r.Value(i, c)))
			if err != nil {
				return fmt.Errorf("encoding row %d column %s: %w", i, cols[c].Name, err)
			}
			w.Write(b)
		}
		if _, err := w.WriteString("}\n"); err != nil {
			return err
		}
	}
	return nil
}

func writeCSV(w *bufio.Writer, r Result) error {
	cw := csv.NewWriter(w)
	cols := r.Columns()
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = c.Name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for i := 0; i < r.NumRows(); i++ {
		for c := range cols {
			rec[c] = types.ToString(r.Value(i, c))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// MaxCellWidth bounds a table cell; longer text is cut with an ellipsis.
const MaxCellWidth = 60

// writeTable writes an aligned text table followed by a row count line.
func writeTable(w *bufio.Writer, r Result) error {
	cols := r.Columns()
	n := r.NumRows()
	cells := make([][]string, n+1)
	widths := make([]int, len(cols))
	cells[0] = make([]string, len(cols))
	for c, f := range cols {
		cells[0][c] = f.Name
		widths[c] = utf8.RuneCountInString(f.Name)
	}
	for i := 0; i < n; i++ {
		cells[i+1] = make([]string, len(cols))
		for c := range cols {
			s := cellText(r.Value(i, c))
			cells[i+1][c] = s
			if l := utf8.RuneCountInString(s); l > widths[c] {
				widths[c] = l
			}
		}
	}
	for i, row := range cells {
		for c, s := range row {
			if c > 0 {
				w.WriteString("  ")
			}
			w.WriteString(s)
			if c < len(row)-1 {
				w.WriteString(strings.Repeat(" ", widths[c]-utf8.RuneCountInString(s)))
			}
		}
		w.WriteByte('\n')
		if i == 0 {
			for c := range cols {
				if c > 0 {
					w.WriteString("  ")
				}
				w.WriteString(strings.Repeat("-", widths[c]))
			}
			w.WriteByte('\n')
		}
	}
	_, err := fmt.Fprintf(w, "(%d row%s)\n", n, plural(n))
	return err
}

func cellText(v types.Value) string {
	s := types.ToString(v)
	s = strings.ReplaceAll(s, "\n", " ")
	if utf8.RuneCountInString(s) > MaxCellWidth {
		rs := []rune(s)
		s = string(rs[:MaxCellWidth-1]) + "…"
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
