package alert

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kqlhunt/kql/types"
)

// Fixed values of scheduled-rule alerts (security-alert-schema.md and real
// rows).
const (
	ProviderName         = "ASI Scheduled Alerts"
	VendorName           = "Microsoft"
	ProductName          = "Azure Sentinel"
	ProductComponentName = "Scheduled Alerts"
	SourceSystem         = "Detection"
	StatusNew            = "New"
	TableType            = "SecurityAlert"
	// MaxAlertsPerRun is the AlertPerResult cap: rows 1–149 get their own
	// alert and the 150th alert summarises the whole result.
	MaxAlertsPerRun = 150
	// MaxCustomDetailsBytes bounds custom details plus alert details.
	MaxCustomDetailsBytes = 64 * 1024
	// DefaultPublishDelay is how long after the scheduled time an alert is
	// published (rules run five minutes after their scheduled time).
	DefaultPublishDelay = 5 * time.Minute
)

// Event grouping kinds.
const (
	SingleAlert    = "SingleAlert"
	AlertPerResult = "AlertPerResult"
)

// Spec is what alert building needs to know about a rule and a workspace.
type Spec struct {
	RuleID      string
	RuleName    string
	RuleFile    string
	Description string
	Severity    string
	Tactics     []string
	Techniques  []string
	// Attacks pair techniques with tactics; see Alert.Attacks.
	Attacks []Attack
	Query   string
	// Period is the query period; Operator the trigger operator's long name
	// (GreaterThan, ...); Threshold the trigger threshold.
	Period    time.Duration
	Operator  string
	Threshold int
	// Grouping is SingleAlert or AlertPerResult.
	Grouping    string
	DataSources []string
	Mappings    []Mapping
	// CustomDetails are key → column pairs, in rule order.
	CustomDetails []FieldMapping
	// Alert details override.
	DisplayNameFormat string
	DescriptionFormat string
	TacticsColumn     string
	SeverityColumn    string
	// DynamicProperties map an alert property (AlertLink, ConfidenceLevel,
	// ConfidenceScore, ExtendedLinks, ProductComponentName, ProductName,
	// ProviderName, RemediationSteps, Techniques) to a result column.
	DynamicProperties []FieldMapping

	// Workspace is the workspace id used for TenantId and AlertType.
	Workspace      string
	SubscriptionID string
	ResourceGroup  string
	// PublishDelay is added to the run time to give TimeGenerated and
	// ProcessingEndTime; 0 means DefaultPublishDelay, negative means none.
	PublishDelay time.Duration
}

// Window is the time scope of one run: [From, To], To being the run time.
type Window struct {
	From, To time.Time
}

// Build turns the result of one run that met its trigger into alerts:
// SingleAlert gives one alert for all rows; AlertPerResult one alert per
// row, except that with more than MaxAlertsPerRun rows, rows 1–149 get their
// own alert and the 150th alert summarises the whole result.
//
// Column values follow security-alert-schema.md and real scheduled-rule
// alerts: AlertName/DisplayName the rule name or alertDisplayNameFormat
// filled from the alert's first row (falling back to the rule name when a
// placeholder names a missing column or the result is blank); the fixed
// provider, vendor, product and component names; AlertType
// <workspace>_<ruleId>; Status New; SourceSystem Detection; IsIncident
// false; Tactics/Techniques comma-separated or "Unknown"; StartTime/EndTime
// the earliest/latest TimeGenerated of the covered rows, or the run window
// when the result has no datetime TimeGenerated column; TimeGenerated and
// ProcessingEndTime the run time plus the publish delay. ConfidenceLevel,
// ConfidenceScore, AlertLink, ExtendedLinks, RemediationSteps, ResourceId,
// SourceComputerId and CompromisedEntity stay empty unless an
// alertDynamicProperties column fills them. SystemAlertId and
// VendorOriginalId are GUIDs derived from the rule id, the run time and the
// covered rows' content, so re-runs give the same ids.
func Build(spec *Spec, win Window, rows Rows) []*Alert {
	n := rows.NumRows()
	b := newBuilder(spec, win, rows)
	if spec.Grouping != AlertPerResult {
		all := seq(0, n)
		return []*Alert{b.alert(all, false)}
	}
	if n <= MaxAlertsPerRun {
		out := make([]*Alert, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, b.alert([]int{i}, false))
		}
		return out
	}
	out := make([]*Alert, 0, MaxAlertsPerRun)
	for i := 0; i < MaxAlertsPerRun-1; i++ {
		out = append(out, b.alert([]int{i}, false))
	}
	out = append(out, b.alert(seq(0, n), true))
	return out
}

func seq(from, to int) []int {
	s := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

type builder struct {
	spec     *Spec
	win      Window
	rows     Rows
	colIndex map[string]int
	tgCol    int
	total    int
	corrID   string
	setQuery string
}

func newBuilder(spec *Spec, win Window, rows Rows) *builder {
	b := &builder{spec: spec, win: win, rows: rows, colIndex: map[string]int{}, tgCol: -1, total: rows.NumRows()}
	for i, f := range rows.Columns() {
		if _, dup := b.colIndex[f.Name]; !dup {
			b.colIndex[f.Name] = i
		}
		if f.Name == "TimeGenerated" && f.Type == types.DateTime && b.tgCol < 0 {
			b.tgCol = i
		}
	}
	b.corrID = DeriveGUID("correlation", spec.RuleID, FormatTime(win.To))
	b.setQuery = ScopedQuery(spec.Query, win)
	return b
}

// ScopedQuery returns the query text as Sentinel records it in alerts:
// the original query preceded by set statements pinning the time scope and
// now().
func ScopedQuery(query string, win Window) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "set query_datetimescope_column = \"TimeGenerated\";\n")
	fmt.Fprintf(&sb, "set query_datetimescope_from = datetime(%s);\n", FormatTime(win.From))
	fmt.Fprintf(&sb, "set query_datetimescope_to = datetime(%s);\n", FormatTime(win.To))
	fmt.Fprintf(&sb, "set query_now = datetime(%s);\n", FormatTime(win.To))
	sb.WriteString(query)
	return sb.String()
}

func (b *builder) col(name string) int {
	if i, ok := b.colIndex[name]; ok {
		return i
	}
	return -1
}

func (b *builder) str(row int, col string) (string, bool) {
	c := b.col(col)
	if c < 0 || row < 0 {
		return "", false
	}
	return ValueString(b.rows.Value(row, c)), true
}

var placeholderRE = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// Placeholders returns the column names used as {{Column}} placeholders.
func Placeholders(format string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(format, -1) {
		out = append(out, m[1])
	}
	return out
}

// fill substitutes {{Column}} placeholders from row; it returns fallback when
// the format is empty, names a column the result lacks, or comes out blank.
func (b *builder) fill(format string, row int, fallback string) string {
	if strings.TrimSpace(format) == "" {
		return fallback
	}
	ok := true
	out := placeholderRE.ReplaceAllStringFunc(format, func(m string) string {
		name := placeholderRE.FindStringSubmatch(m)[1]
		v, found := b.str(row, name)
		if !found {
			ok = false
		}
		return v
	})
	if !ok || strings.TrimSpace(out) == "" {
		return fallback
	}
	return out
}

var severities = map[string]string{"informational": "Informational", "low": "Low", "medium": "Medium", "high": "High"}

// NormalizeSeverity returns the canonical spelling of a severity, or "" if
// it is not one of Informational, Low, Medium, High.
func NormalizeSeverity(s string) string { return severities[strings.ToLower(strings.TrimSpace(s))] }

func joinOrUnknown(l []string) string {
	if len(l) == 0 {
		return "Unknown"
	}
	return strings.Join(l, ", ")
}

func (b *builder) alert(rowIdx []int, summary bool) *Alert {
	s := b.spec
	first := -1
	if len(rowIdx) > 0 {
		first = rowIdx[0]
	}
	a := &Alert{RuleID: s.RuleID, RuleFile: s.RuleFile, RunTime: b.win.To, Rows: rowIdx, Attacks: s.Attacks}
	sa := &a.SecurityAlert
	name := b.fill(s.DisplayNameFormat, first, s.RuleName)
	desc := b.fill(s.DescriptionFormat, first, s.Description)
	sa.DisplayName, sa.AlertName, sa.Description = name, name, desc

	sa.AlertSeverity = NormalizeSeverity(s.Severity)
	if sa.AlertSeverity == "" {
		sa.AlertSeverity = s.Severity
	}
	if v, ok := b.str(first, s.SeverityColumn); ok && s.SeverityColumn != "" {
		if sev := NormalizeSeverity(v); sev != "" {
			sa.AlertSeverity = sev
		}
	}
	tactics := s.Tactics
	if v, ok := b.str(first, s.TacticsColumn); ok && s.TacticsColumn != "" {
		if l := splitList(v); len(l) > 0 {
			tactics = l
		}
	}
	sa.Tactics = joinOrUnknown(tactics)
	sa.Techniques = joinOrUnknown(s.Techniques)

	sa.TenantId = s.Workspace
	sa.ProviderName, sa.VendorName = ProviderName, VendorName
	sa.ProductName, sa.ProductComponentName = ProductName, ProductComponentName
	sa.AlertType = s.Workspace + "_" + s.RuleID
	sa.Status, sa.SourceSystem, sa.Type = StatusNew, SourceSystem, TableType
	sa.WorkspaceSubscriptionId, sa.WorkspaceResourceGroup = s.SubscriptionID, s.ResourceGroup

	delay := s.PublishDelay
	if delay == 0 {
		delay = DefaultPublishDelay
	} else if delay < 0 {
		delay = 0
	}
	sa.TimeGenerated = b.win.To.Add(delay).UTC()
	sa.ProcessingEndTime = sa.TimeGenerated
	sa.StartTime, sa.EndTime = b.span(rowIdx)

	rowHash := b.hashRows(rowIdx, summary)
	sa.SystemAlertId = DeriveGUID("alert", s.RuleID, FormatTime(b.win.To), rowHash)
	sa.VendorOriginalId = DeriveGUID("vendor", s.RuleID, FormatTime(b.win.To), rowHash)

	a.EntityList = BuildEntities(s.Mappings, b.rows, rowIdx)
	sa.Entities = EntitiesJSON(a.EntityList)
	a.CustomDetails = b.customDetails(rowIdx)
	b.applyDynamic(sa, first)
	sa.ExtendedProperties = b.extendedProperties(a)
	return a
}

func splitList(v string) []string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "[") {
		var l []string
		if json.Unmarshal([]byte(v), &l) == nil {
			return l
		}
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// span returns the first and last TimeGenerated of the rows, or the run
// window when the result has no datetime TimeGenerated column (or only
// nulls in it).
func (b *builder) span(rowIdx []int) (time.Time, time.Time) {
	if b.tgCol >= 0 {
		var lo, hi int64
		found := false
		for _, r := range rowIdx {
			v := b.rows.Value(r, b.tgCol)
			if v.IsNull() {
				continue
			}
			if !found || v.I < lo {
				lo = v.I
			}
			if !found || v.I > hi {
				hi = v.I
			}
			found = true
		}
		if found {
			return types.TimeFromTicks(lo), types.TimeFromTicks(hi)
		}
	}
	return b.win.From.UTC(), b.win.To.UTC()
}

// hashRows fingerprints the content of the covered rows (column names and
// values), so re-running the same rule at the same time over the same data
// gives the same alert ids. Values are hashed from their binary form to
// avoid formatting every cell.
func (b *builder) hashRows(rowIdx []int, summary bool) string {
	h := sha1.New()
	cols := b.rows.Columns()
	if summary {
		h.Write([]byte("summary\x00"))
	}
	for _, f := range cols {
		h.Write([]byte(f.Name))
		h.Write([]byte{0})
	}
	var buf []byte
	for _, r := range rowIdx {
		buf = buf[:0]
		for c := range cols {
			buf = appendValueKey(buf, b.rows.Value(r, c))
		}
		buf = append(buf, 0xff)
		h.Write(buf)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// appendValueKey appends an unambiguous binary encoding of v.
func appendValueKey(buf []byte, v types.Value) []byte {
	buf = append(buf, byte(v.Type))
	if v.IsNull() {
		return append(buf, 'N')
	}
	switch v.Type {
	case types.Real, types.Decimal:
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v.F))
	case types.String, types.Guid:
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(v.S)))
		buf = append(buf, v.S...)
	case types.Dynamic:
		d := types.FormatDynamic(v.D)
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(d)))
		buf = append(buf, d...)
	default:
		buf = binary.LittleEndian.AppendUint64(buf, uint64(v.I))
	}
	return buf
}

// DeriveGUID returns a name-based (version 5 style, SHA-1) GUID from the
// given parts: the same parts always give the same GUID.
func DeriveGUID(parts ...string) string {
	h := sha1.New()
	h.Write([]byte("kqlhunt-alert-v1"))
	for _, p := range parts {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

func (b *builder) customDetails(rowIdx []int) map[string][]string {
	if len(b.spec.CustomDetails) == 0 {
		return nil
	}
	out := make(map[string][]string, len(b.spec.CustomDetails))
	size := 0
	for _, cd := range b.spec.CustomDetails {
		c := b.col(cd.Column)
		if c < 0 {
			continue
		}
		seen := map[string]bool{}
		var vals []string
		for _, r := range rowIdx {
			v := ValueString(b.rows.Value(r, c))
			if v == "" || seen[v] {
				continue
			}
			if size+len(cd.Identifier)+len(v) > MaxCustomDetailsBytes {
				break
			}
			size += len(v) + 4
			seen[v] = true
			vals = append(vals, v)
		}
		if len(vals) > 0 {
			out[cd.Identifier] = vals
		}
	}
	return out
}

func (b *builder) applyDynamic(sa *SecurityAlert, row int) {
	for _, dp := range b.spec.DynamicProperties {
		v, ok := b.str(row, dp.Column)
		if !ok || v == "" {
			continue
		}
		switch dp.Identifier {
		case "AlertLink":
			sa.AlertLink = v
		case "ConfidenceLevel":
			sa.ConfidenceLevel = v
		case "ConfidenceScore":
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				sa.ConfidenceScore = &f
			}
		case "ExtendedLinks":
			sa.ExtendedLinks = v
		case "ProductComponentName":
			sa.ProductComponentName = v
		case "ProductName":
			sa.ProductName = v
		case "ProviderName":
			sa.ProviderName = v
		case "RemediationSteps":
			sa.RemediationSteps = v
		case "Techniques":
			sa.Techniques = v
		}
	}
}

// orderedJSON writes a flat JSON object of string values in insertion order.
type orderedJSON struct {
	buf bytes.Buffer
	n   int
}

func (o *orderedJSON) add(k, v string) {
	if o.n == 0 {
		o.buf.WriteByte('{')
	} else {
		o.buf.WriteByte(',')
	}
	o.n++
	kb, _ := marshalString(k)
	vb, _ := marshalString(v)
	o.buf.Write(kb)
	o.buf.WriteByte(':')
	o.buf.Write(vb)
}

func (o *orderedJSON) String() string {
	if o.n == 0 {
		return "{}"
	}
	return o.buf.String() + "}"
}

func jsonStringArray(l []string) string {
	if l == nil {
		l = []string{}
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, s := range l {
		if i > 0 {
			buf.WriteByte(',')
		}
		v, _ := marshalString(s)
		buf.Write(v)
	}
	buf.WriteByte(']')
	return buf.String()
}

// ExtendedPropertyKeys are the ExtendedProperties keys every alert carries,
// in order; "Custom Details" follows when the rule has custom details.
var ExtendedPropertyKeys = []string{
	"Query Period", "Trigger Operator", "Trigger Threshold", "Search Query Results Overall Count",
	"Query", "OriginalQuery", "Query Start Time UTC", "Query End Time UTC", "Analytic Rule Ids",
	"Event Grouping", "Analytic Rule Name", "Data Sources", "Correlation Id", "ProcessedBySentinel",
	"Alert generation status",
}

func (b *builder) extendedProperties(a *Alert) string {
	s := b.spec
	var o orderedJSON
	grouping := s.Grouping
	if grouping == "" {
		grouping = SingleAlert
	}
	op := s.Operator
	if op == "" {
		op = "GreaterThan"
	}
	o.add("Query Period", types.FormatTimeSpan(int64(s.Period/100)))
	o.add("Trigger Operator", op)
	o.add("Trigger Threshold", strconv.Itoa(s.Threshold))
	o.add("Search Query Results Overall Count", strconv.Itoa(b.total))
	o.add("Query", b.setQuery)
	o.add("OriginalQuery", s.Query)
	o.add("Query Start Time UTC", b.win.From.UTC().Format("2006-01-02 15:04:05Z"))
	o.add("Query End Time UTC", b.win.To.UTC().Format("2006-01-02 15:04:05Z"))
	o.add("Analytic Rule Ids", jsonStringArray([]string{s.RuleID}))
	o.add("Event Grouping", grouping)
	o.add("Analytic Rule Name", s.RuleName)
	o.add("Data Sources", jsonStringArray(s.DataSources))
	o.add("Correlation Id", b.corrID)
	o.add("ProcessedBySentinel", "True")
	o.add("Alert generation status", "Full alert created")
	if len(a.CustomDetails) > 0 {
		var cd orderedJSON
		for _, d := range s.CustomDetails {
			if vals, ok := a.CustomDetails[d.Identifier]; ok {
				if cd.n == 0 {
					cd.buf.WriteByte('{')
				} else {
					cd.buf.WriteByte(',')
				}
				cd.n++
				k, _ := marshalString(d.Identifier)
				cd.buf.Write(k)
				cd.buf.WriteByte(':')
				cd.buf.WriteString(jsonStringArray(vals))
			}
		}
		o.add("Custom Details", cd.String())
	}
	return o.String()
}
