package scan

import (
	"bytes"
	"math"
	"strings"
	"unsafe"

	"kqlhunt/activity"
	"kqlhunt/kql/types"
	"kqlhunt/source/jsonx"
)

// Column kinds of the AzureActivity table, by position.
const (
	ckString = iota
	ckTime
	ckDyn
)

// Key resolution results beside column positions.
const (
	colUnknown = -1 // not a column: skipped
	colTable   = -2 // "$table": routes the row to another table
)

// sentinel fills string columns the decoder never reads, so that
// Normalize does not derive values nobody asked for (see config.template).
const sentinel = "\x00"

// dynSentinel plays the same role for dynamic columns.
var dynSentinel any = false

// lineDecoder decodes one NDJSON line in the rows shape into rec, reading
// only the wanted keys. It reproduces the generic row decoder (source's
// decodeRowItem): what it cannot decode exactly the same way it reports as
// resFallback, and the caller hands the line to the generic decoder.
type lineDecoder struct {
	cfg     *config
	rec     activity.Record
	spans   [64]span
	seen    uint64
	predict [96]int8 // column seen at each key position on the previous line
	slow    map[string]int
	table   string // other table named by Type or $table
	// Key positions of Type and of the last "$table" naming another table.
	typePos, tablePos int
}

// span locates a raw JSON value in the line.
type span struct {
	s, e int32
	esc  bool // a string holding a backslash
}

// lineResult is the outcome of lineDecoder.decode.
type lineResult uint8

const (
	resRow         lineResult = iota // rec holds the normalised row
	resNonActivity                   // the row belongs to table d.table
	resFallback                      // decode the line with the generic decoder
)

func newLineDecoder(cfg *config) *lineDecoder {
	d := &lineDecoder{cfg: cfg, slow: map[string]int{}}
	for i := range d.predict {
		d.predict[i] = -1
	}
	return d
}

// view returns b as a string without copying; it is valid while the
// chunk buffer is, so every value kept past the line is copied.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (d *lineDecoder) resolve(key []byte, pos int) int {
	if pos < len(d.predict) {
		if c := d.predict[pos]; c >= 0 && string(key) == d.cfg.names[c] {
			return int(c)
		}
	}
	if c, ok := activity.ColumnIndex(key); ok {
		if pos < len(d.predict) {
			d.predict[pos] = int8(c)
		}
		return c
	}
	if c, ok := d.slow[string(key)]; ok {
		return c
	}
	name := string(key)
	c, ok := activity.LookupColumn(name)
	if !ok {
		c, ok = activity.LookupColumn(activity.CleanColumnName(name))
	}
	if !ok {
		c = colUnknown
		if name == "$table" {
			c = colTable
		}
	}
	if len(d.slow) < 1024 {
		d.slow[name] = c
	}
	return c
}

// decode decodes line b (without its line ending).
func (d *lineDecoder) decode(b []byte) lineResult {
	cfg := d.cfg
	d.seen = 0
	d.table = ""
	n := len(b)
	i := skipWS(b, 0)
	if i >= n || b[i] != '{' || n > math.MaxInt32 {
		return resFallback
	}
	i = skipWS(b, i+1)
	if i < n && b[i] == '}' {
		return resFallback // no TimeGenerated: the generic decoder reports it
	}
	for pos := 0; ; pos++ {
		if i >= n || b[i] != '"' {
			return resFallback
		}
		// Rows of a file usually share their key order: try the key seen
		// at this position on the previous line first.
		var ke, col int
		if pos < len(d.predict) && d.predict[pos] >= 0 {
			name := cfg.names[d.predict[pos]]
			if e := i + 1 + len(name); e < n && b[e] == '"' && string(b[i+1:e]) == name {
				ke, col = e+1, int(d.predict[pos])
			}
		}
		if ke == 0 {
			var kesc bool
			ke, kesc = skipString(b, i)
			if ke < 0 || kesc {
				return resFallback
			}
			col = d.resolve(b[i+1:ke-1], pos)
		}
		i = skipWS(b, ke)
		if i >= n || b[i] != ':' {
			return resFallback
		}
		i = skipWS(b, i+1)
		ve := valueEnd(b, i)
		if ve < 0 {
			return resFallback
		}
		if col >= 0 {
			if cfg.want[col] {
				bit := uint64(1) << col
				if d.seen&bit != 0 {
					return resFallback // repeated key: order of effects matters
				}
				d.seen |= bit
				vesc := b[i] == '"' && bytes.IndexByte(b[i+1:ve-1], '\\') >= 0
				d.spans[col] = span{int32(i), int32(ve), vesc}
			}
			if col == cfg.typeCol {
				d.typePos = pos
			}
		} else if col == colTable {
			// "$table" names the row's table, like Type; the later of the
			// two wins.
			if t := jsonx.Text(b[i:ve]); t != "" && t != activity.TableName {
				d.table, d.tablePos = t, pos
			}
		}
		i = skipWS(b, ve)
		if i >= n {
			return resFallback
		}
		if b[i] == ',' {
			i = skipWS(b, i+1)
			continue
		}
		if b[i] != '}' || skipWS(b, i+1) != n {
			return resFallback
		}
		break
	}
	return d.finish(b)
}

// finish assigns the collected values and normalises the record.
func (d *lineDecoder) finish(b []byte) lineResult {
	cfg := d.cfg
	d.rec = cfg.template
	for _, c := range cfg.needList {
		if d.seen&(1<<c) == 0 {
			continue
		}
		if !d.assign(c, b, cfg.dyn) {
			return resFallback
		}
	}
	if d.seen&(1<<cfg.typeCol) != 0 && (d.table == "" || d.typePos > d.tablePos) {
		sp := d.spans[cfg.typeCol]
		raw := b[sp.s:sp.e]
		if s := string(raw); s != `"AzureActivity"` && s != `""` && s != "null" {
			if t := jsonx.Text(raw); t != "" && t != activity.TableName {
				d.table = t
			}
		}
	}
	// A needed column that Normalize derives is empty (what
	// Record.MissingDerived checks): read the columns the missing ones
	// derive from, as the generic decoder does in its second pass, but only
	// those that can matter.
	var mask uint64
	missing := false
	for _, c := range cfg.derivable {
		if cfg.strOf[c](&d.rec) == "" {
			mask |= cfg.srcMask[c]
			missing = true
		}
	}
	if cfg.sources != nil && missing {
		mask |= cfg.dynText
		for _, c := range cfg.srcList {
			if d.seen&mask&(1<<c) != 0 {
				d.assign(c, b, true) // errors ignored, as in the generic pass
			}
		}
	}
	if d.table != "" {
		return resNonActivity
	}
	if !d.rec.HasTimeGenerated {
		return resFallback
	}
	d.rec.Normalize(cfg.dyn)
	return resRow
}

// assign sets column c of d.rec from its raw value as Record.SetJSON does,
// without copying plain strings; it reports false when SetJSON fails.
func (d *lineDecoder) assign(c int, b []byte, dyn bool) bool {
	cfg := d.cfg
	sp := d.spans[c]
	raw := b[sp.s:sp.e]
	switch cfg.kind[c] {
	case ckString:
		if raw[0] == '"' && !sp.esc {
			s := view(raw[1 : len(raw)-1])
			if cfg.own[c] {
				s = strings.Clone(s)
			}
			return d.rec.SetText(c, s, dyn) == nil
		}
	case ckTime:
		if raw[0] == '"' && !sp.esc {
			if t, ok := parseISOFast(raw[1 : len(raw)-1]); ok {
				if c == cfg.tgCol {
					d.rec.TimeGenerated, d.rec.HasTimeGenerated = t, true
				} else {
					d.rec.EventSubmissionTimestamp, d.rec.HasEventSubmission = t, true
				}
				return true
			}
		}
	case ckDyn:
		if !dyn {
			return true
		}
	}
	return d.rec.SetJSON(c, raw, dyn) == nil
}

// kindOf classifies column c.
func kindOf(c int) int {
	t, _ := activity.ColumnType(activity.ColumnName(c))
	switch t {
	case types.DateTime:
		return ckTime
	case types.Dynamic:
		return ckDyn
	}
	return ckString
}
