package activity

import (
	"errors"
	"fmt"
	"strings"

	"kqlhunt/kql/types"
	"kqlhunt/source/jsonx"
)

// ErrUnknownColumn is returned by SetText and SetJSON for a name that is
// not an AzureActivity column.
var ErrUnknownColumn = errors.New("unknown column")

// CleanColumnName strips the unit suffix the portal adds to exported
// column headers ("TimeGenerated [UTC]" → "TimeGenerated") and
// surrounding space.
func CleanColumnName(h string) string {
	h = strings.TrimSpace(h)
	if i := strings.IndexByte(h, '['); i > 0 && strings.HasSuffix(h, "]") {
		h = strings.TrimSpace(h[:i])
	}
	return h
}

// LookupColumn returns the column position of name (see Column), trying
// the exact name first and then a case-insensitive match.
func LookupColumn(name string) (int, bool) {
	if i, ok := columnIndex[name]; ok {
		return i, true
	}
	for i, c := range columns {
		if strings.EqualFold(c.name, name) {
			return i, true
		}
	}
	return -1, false
}

// SetText assigns the column at position col (from LookupColumn) from its
// text form: strings as they are, datetimes parsed with ParseTime (""
// leaves the column unset), dynamic columns parsed from JSON text when
// parseDynamic is set and ignored otherwise.
func (r *Record) SetText(col int, text string, parseDynamic bool) error {
	if col < 0 || col >= len(columns) {
		return ErrUnknownColumn
	}
	d := &columns[col]
	switch {
	case d.set != nil:
		d.set(r, text)
	case d.typ == types.DateTime:
		if strings.TrimSpace(text) == "" {
			return nil
		}
		t, ok := ParseTime(text)
		if !ok {
			return fmt.Errorf("%s: bad datetime %q", d.name, clip(text))
		}
		r.setTime(d.name, t)
	case d.typ == types.Dynamic:
		if parseDynamic {
			r.SetDynamic(d.name, ParseDynamicText(text))
		}
	}
	return nil
}

// SetJSON assigns the column at position col from a raw JSON value: a
// string column takes a JSON string's text (objects and arrays keep their
// JSON text), a datetime column parses a JSON string, a dynamic column
// takes the JSON value, or the JSON parsed from a JSON string holding JSON.
func (r *Record) SetJSON(col int, raw []byte, parseDynamic bool) error {
	if col < 0 || col >= len(columns) {
		return ErrUnknownColumn
	}
	d := &columns[col]
	switch {
	case d.set != nil:
		d.set(r, jsonx.Text(raw))
	case d.typ == types.DateTime:
		if jsonx.IsNull(raw) {
			return nil
		}
		return r.SetText(col, jsonx.Text(raw), parseDynamic)
	case d.typ == types.Dynamic:
		if !parseDynamic {
			return nil
		}
		if jsonx.IsString(raw) {
			r.SetDynamic(d.name, ParseDynamicText(jsonx.Text(raw)))
			return nil
		}
		v, err := types.ParseDynamic(string(raw))
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		r.SetDynamic(d.name, v)
	}
	return nil
}

func (r *Record) setTime(name string, t int64) {
	if name == "TimeGenerated" {
		r.TimeGenerated, r.HasTimeGenerated = t, true
		return
	}
	r.EventSubmissionTimestamp, r.HasEventSubmission = t, true
}

// SetDynamic sets the dynamic column name (Authorization_d, Claims_d or
// Properties_d) to v; other names are ignored.
func (r *Record) SetDynamic(name string, v any) {
	switch name {
	case "Authorization_d":
		r.AuthorizationD = v
	case "Claims_d":
		r.ClaimsD = v
	case "Properties_d":
		r.PropertiesD = v
	}
}

// ColumnName returns the name of the column at position col.
func ColumnName(col int) string { return columns[col].name }

// NumColumns is the number of AzureActivity columns (with _SubscriptionId).
func NumColumns() int { return len(columns) }

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
