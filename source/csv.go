package source

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"kqlhunt/activity"
)

// readCSV reads a Log Analytics portal CSV export: a header of column
// names (possibly with a " [UTC]" unit suffix and a $table column), then
// RFC 4180 rows whose cells may span lines. Old-style exports carry only
// the legacy OperationName/ActivityStatus/Category columns; Normalize
// infers the *Value columns from them.
func (rd *reader) readCSV(r io.Reader) error {
	g := &guardedReader{r: r, max: int64(rd.maxRec)}
	cr := csv.NewReader(g)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, errTooLong) {
			return rd.csvTooLong(1)
		}
		return fmt.Errorf("reading CSV header: %w", err)
	}
	names := make([]string, len(header))
	cols := make([]int, len(header))
	for i, h := range header {
		names[i] = activity.CleanColumnName(h)
		c, ok := activity.LookupColumn(names[i])
		if !ok {
			c = -1
		}
		cols[i] = c
	}
	line := 1 // start line of the last record read
	for {
		g.mark = cr.InputOffset()
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if errors.Is(err, errTooLong) {
				return rd.csvTooLong(line + 1)
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, io.ErrUnexpectedEOF) {
				if err := rd.skipRec(Diagnostic{Line: pe.StartLine, Reason: ReasonBadRow, Detail: pe.Err.Error()}); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("line %d: %w", line+1, err)
		}
		start, _ := cr.FieldPos(0)
		line = start
		at := Diagnostic{Line: start}
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		if len(rec) != len(header) {
			if err := rd.skipRec(Diagnostic{Line: start, Reason: ReasonBadRow,
				Detail: fmt.Sprintf("%d cells for %d header columns", len(rec), len(header))}); err != nil {
				return err
			}
			continue
		}
		out := &activity.Record{}
		var st rowState
		for i, cell := range rec {
			st.setText(out, cols[i], names[i], cell, rd.cfg.need, rd.cfg.dyn)
		}
		if src := rd.cfg.sources; src != nil && out.MissingDerived(rd.cfg.need) {
			// A needed column must be derived: read what it derives from.
			for i, cell := range rec {
				if cols[i] >= 0 && src[cols[i]] {
					st.setText(out, cols[i], names[i], cell, src, true)
				}
			}
		}
		if err := rd.apply(finishRow(out, st, at, rd.cfg.dyn)); err != nil {
			return err
		}
	}
}

func (rd *reader) csvTooLong(line int) error {
	if err := rd.skipRec(Diagnostic{Line: line, Reason: ReasonTooLong,
		Detail: fmt.Sprintf("CSV record longer than %d bytes; rest of file not read", rd.maxRec)}); err != nil {
		return err
	}
	return errAborted
}
