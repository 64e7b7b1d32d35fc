package source

import (
	"fmt"
	"strings"

	"kqlhunt/activity"
	"kqlhunt/source/jsonx"
)

// rowState collects what a row decoder saw beside the columns.
type rowState struct {
	table string // $table or Type when it names another table
	err   error  // first value error
}

// note handles a key that is not an AzureActivity column, and the Type
// column, for routing rows of other tables.
func (st *rowState) note(name, val string) {
	if (name == "$table" || name == "Type") && val != "" && val != activity.TableName {
		st.table = val
	}
}

// decodeRow decodes an object keyed by AzureActivity column names.
// Only the columns marked in need are decoded.
func decodeRow(data []byte, rec *activity.Record, need []bool, dyn bool) (rowState, error) {
	var st rowState
	err := jsonx.Object(data, func(k, v []byte) error {
		if col, ok := activity.ColumnIndex(k); ok {
			st.setCol(rec, col, v, need, dyn)
			return nil
		}
		name := string(k)
		if strings.IndexByte(name, '\\') >= 0 {
			if s, err := jsonx.String(append(append([]byte{'"'}, k...), '"')); err == nil {
				name = s
			}
		}
		st.setJSON(rec, name, v, need, dyn)
		return nil
	})
	return st, err
}

// setJSON assigns the column called name (matched exactly, then ignoring
// case and a unit suffix) from a raw JSON value.
func (st *rowState) setJSON(rec *activity.Record, name string, v []byte, need []bool, dyn bool) {
	col, ok := activity.LookupColumn(name)
	if !ok {
		col, ok = activity.LookupColumn(activity.CleanColumnName(name))
	}
	if !ok {
		if name == "$table" {
			st.note(name, jsonx.Text(v))
		}
		return
	}
	st.setCol(rec, col, v, need, dyn)
}

func (st *rowState) setCol(rec *activity.Record, col int, v []byte, need []bool, dyn bool) {
	if !need[col] {
		return
	}
	if activity.ColumnName(col) == "Type" {
		st.note("Type", jsonx.Text(v))
	}
	if err := rec.SetJSON(col, v, dyn); err != nil && st.err == nil {
		st.err = err
	}
}

func (st *rowState) setText(rec *activity.Record, col int, name, text string, need []bool, dyn bool) {
	if col < 0 {
		st.note(name, text)
		return
	}
	if !need[col] {
		return
	}
	if activity.ColumnName(col) == "Type" {
		st.note("Type", text)
	}
	if err := rec.SetText(col, text, dyn); err != nil && st.err == nil {
		st.err = err
	}
}

// finishRow checks a decoded row.
func finishRow(rec *activity.Record, st rowState, at Diagnostic, dyn bool) decoded {
	if st.table != "" {
		return decoded{rec: rec, nonActivity: st.table}
	}
	if st.err != nil {
		at.Detail = st.err.Error()
		at.Reason = ReasonBadValue
		if strings.HasPrefix(at.Detail, "TimeGenerated:") {
			at.Reason = ReasonBadTime
		}
		return decoded{skip: at}
	}
	if !rec.HasTimeGenerated {
		at.Reason, at.Detail = ReasonBadTime, "no TimeGenerated"
		return decoded{skip: at}
	}
	rec.Normalize(dyn)
	return decoded{rec: rec}
}

// decodeRowItem decodes and normalises one column-keyed row object
// without touching the reader's state.
func (c *decodeConfig) decodeRowItem(data []byte, at Diagnostic) decoded {
	data, ok := trimObject(data, &at)
	if !ok {
		return decoded{skip: at}
	}
	rec := &activity.Record{}
	st, err := decodeRow(data, rec, c.need, c.dyn)
	if err != nil {
		at.Reason, at.Detail = ReasonInvalidJSON, err.Error()
		return decoded{skip: at}
	}
	if c.sources != nil && rec.MissingDerived(c.need) {
		// A needed column must be derived: read what it derives from.
		if _, err := decodeRow(data, rec, c.sources, true); err != nil {
			at.Reason, at.Detail = ReasonInvalidJSON, err.Error()
			return decoded{skip: at}
		}
	}
	return finishRow(rec, st, at, c.dyn)
}

// handleRow decodes one column-keyed row object and delivers it.
func (rd *reader) handleRow(data []byte, at Diagnostic) error {
	return rd.apply(rd.cfg.decodeRowItem(data, at))
}

// handleTableRow decodes one row array of a Log Analytics table whose
// column names are cols.
func (rd *reader) handleTableRow(data []byte, cols []string, at Diagnostic) error {
	c := &rd.cfg
	rec := &activity.Record{}
	var st rowState
	i := 0
	err := jsonx.Array(data, func(v []byte) error {
		if i < len(cols) {
			st.setJSON(rec, cols[i], v, c.need, c.dyn)
		}
		i++
		return nil
	})
	if err != nil {
		at.Reason, at.Detail = ReasonInvalidJSON, err.Error()
		return rd.skipRec(at)
	}
	if i != len(cols) {
		at.Reason, at.Detail = ReasonBadRow, fmt.Sprintf("%d values for %d columns", i, len(cols))
		return rd.skipRec(at)
	}
	if c.sources != nil && rec.MissingDerived(c.need) {
		i = 0
		_ = jsonx.Array(data, func(v []byte) error {
			if i < len(cols) {
				st.setJSON(rec, cols[i], v, c.sources, true)
			}
			i++
			return nil
		})
	}
	return rd.apply(finishRow(rec, st, at, c.dyn))
}
