package activity

import (
	"fmt"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/internal/suggest"
	"kqlhunt/kql/types"
)

// colDef describes one AzureActivity column and how to read it from a
// Record.
type colDef struct {
	name string
	typ  types.Type
	dict bool // dictionary-encode (repetitive values)
	str  func(*Record) string
	tm   func(*Record) (int64, bool)
	dyn  func(*Record) any
	set  func(*Record, string) // assign a string value (string columns)
}

// columns lists the table in the order of the AzureActivity schema
// (schema/AzureActivity.json), then _SubscriptionId.
var columns = []colDef{
	{name: "OperationName", typ: types.String, dict: true, str: func(r *Record) string { return r.OperationName }, set: func(r *Record, s string) { r.OperationName = s }},
	{name: "OperationNameValue", typ: types.String, dict: true, str: func(r *Record) string { return r.OperationNameValue }, set: func(r *Record, s string) { r.OperationNameValue = s }},
	{name: "Level", typ: types.String, dict: true, str: func(r *Record) string { return r.Level }, set: func(r *Record, s string) { r.Level = s }},
	{name: "ActivityStatus", typ: types.String, dict: true, str: func(r *Record) string { return r.ActivityStatus }, set: func(r *Record, s string) { r.ActivityStatus = s }},
	{name: "ActivityStatusValue", typ: types.String, dict: true, str: func(r *Record) string { return r.ActivityStatusValue }, set: func(r *Record, s string) { r.ActivityStatusValue = s }},
	{name: "ActivitySubstatus", typ: types.String, dict: true, str: func(r *Record) string { return r.ActivitySubstatus }, set: func(r *Record, s string) { r.ActivitySubstatus = s }},
	{name: "ActivitySubstatusValue", typ: types.String, dict: true, str: func(r *Record) string { return r.ActivitySubstatusValue }, set: func(r *Record, s string) { r.ActivitySubstatusValue = s }},
	{name: "ResourceGroup", typ: types.String, dict: true, str: func(r *Record) string { return r.ResourceGroup }, set: func(r *Record, s string) { r.ResourceGroup = s }},
	{name: "SubscriptionId", typ: types.String, dict: true, str: func(r *Record) string { return r.SubscriptionId }, set: func(r *Record, s string) { r.SubscriptionId = s }},
	{name: "CorrelationId", typ: types.String, str: func(r *Record) string { return r.CorrelationId }, set: func(r *Record, s string) { r.CorrelationId = s }},
	{name: "Caller", typ: types.String, dict: true, str: func(r *Record) string { return r.Caller }, set: func(r *Record, s string) { r.Caller = s }},
	{name: "CallerIpAddress", typ: types.String, dict: true, str: func(r *Record) string { return r.CallerIpAddress }, set: func(r *Record, s string) { r.CallerIpAddress = s }},
	{name: "Category", typ: types.String, dict: true, str: func(r *Record) string { return r.Category }, set: func(r *Record, s string) { r.Category = s }},
	{name: "CategoryValue", typ: types.String, dict: true, str: func(r *Record) string { return r.CategoryValue }, set: func(r *Record, s string) { r.CategoryValue = s }},
	{name: "HTTPRequest", typ: types.String, str: func(r *Record) string { return r.HTTPRequest }, set: func(r *Record, s string) { r.HTTPRequest = s }},
	{name: "Properties", typ: types.String, str: func(r *Record) string { return r.Properties }, set: func(r *Record, s string) { r.Properties = s }},
	{name: "EventSubmissionTimestamp", typ: types.DateTime, tm: func(r *Record) (int64, bool) { return r.EventSubmissionTimestamp, r.HasEventSubmission }},
	{name: "Authorization", typ: types.String, str: func(r *Record) string { return r.Authorization }, set: func(r *Record, s string) { r.Authorization = s }},
	{name: "ResourceId", typ: types.String, str: func(r *Record) string { return r.ResourceId }, set: func(r *Record, s string) { r.ResourceId = s }},
	{name: "OperationId", typ: types.String, str: func(r *Record) string { return r.OperationId }, set: func(r *Record, s string) { r.OperationId = s }},
	{name: "ResourceProvider", typ: types.String, dict: true, str: func(r *Record) string { return r.ResourceProvider }, set: func(r *Record, s string) { r.ResourceProvider = s }},
	{name: "ResourceProviderValue", typ: types.String, dict: true, str: func(r *Record) string { return r.ResourceProviderValue }, set: func(r *Record, s string) { r.ResourceProviderValue = s }},
	{name: "Resource", typ: types.String, str: func(r *Record) string { return r.Resource }, set: func(r *Record, s string) { r.Resource = s }},
	{name: "EventDataId", typ: types.String, str: func(r *Record) string { return r.EventDataId }, set: func(r *Record, s string) { r.EventDataId = s }},
	{name: "TenantId", typ: types.String, dict: true, str: func(r *Record) string { return r.TenantId }, set: func(r *Record, s string) { r.TenantId = s }},
	{name: "TimeGenerated", typ: types.DateTime, tm: func(r *Record) (int64, bool) { return r.TimeGenerated, true }},
	{name: "SourceSystem", typ: types.String, dict: true, str: func(r *Record) string { return r.SourceSystem }, set: func(r *Record, s string) { r.SourceSystem = s }},
	{name: "Authorization_d", typ: types.Dynamic, dyn: func(r *Record) any { return r.AuthorizationD }},
	{name: "Claims", typ: types.String, str: func(r *Record) string { return r.Claims }, set: func(r *Record, s string) { r.Claims = s }},
	{name: "Claims_d", typ: types.Dynamic, dyn: func(r *Record) any { return r.ClaimsD }},
	{name: "Properties_d", typ: types.Dynamic, dyn: func(r *Record) any { return r.PropertiesD }},
	{name: "Hierarchy", typ: types.String, dict: true, str: func(r *Record) string { return r.Hierarchy }, set: func(r *Record, s string) { r.Hierarchy = s }},
	{name: "Type", typ: types.String, dict: true, str: func(r *Record) string { return r.Type }, set: func(r *Record, s string) { r.Type = s }},
	{name: "_ResourceId", typ: types.String, str: func(r *Record) string { return r.ResourceIdLA }, set: func(r *Record, s string) { r.ResourceIdLA = s }},
	{name: "_SubscriptionId", typ: types.String, dict: true, str: func(r *Record) string { return r.SubscriptionLA }, set: func(r *Record, s string) { r.SubscriptionLA = s }},
}

// columnIndex maps a column name to its position in columns.
var columnIndex = func() map[string]int {
	m := make(map[string]int, len(columns))
	for i, c := range columns {
		m[c.name] = i
	}
	return m
}()

// ColumnNames returns the AzureActivity column names in schema order.
func ColumnNames() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.name
	}
	return out
}

// Schema returns the AzureActivity schema: the 34 columns in the order of
// the table definition, then _SubscriptionId.
func Schema() *batch.Schema {
	s := &batch.Schema{Fields: make([]batch.Field, len(columns))}
	for i, c := range columns {
		s.Fields[i] = batch.Field{Name: c.name, Type: c.typ}
	}
	return s
}

// ColumnType returns the type of the named column.
func ColumnType(name string) (types.Type, bool) {
	i, ok := columnIndex[name]
	if !ok {
		return types.Null, false
	}
	return columns[i].typ, true
}

// SetString assigns a string column of r by name; it reports false for an
// unknown name or a column that is not a string.
func (r *Record) SetString(name, val string) bool {
	i, ok := columnIndex[name]
	if !ok || columns[i].set == nil {
		return false
	}
	columns[i].set(r, val)
	return true
}

// GetString returns a string column of r by name.
func (r *Record) GetString(name string) (string, bool) {
	i, ok := columnIndex[name]
	if !ok || columns[i].str == nil {
		return "", false
	}
	return columns[i].str(r), true
}

// unknownColumn builds the error for a column name outside the table.
func unknownColumn(name string) error {
	if s, ok := suggest.Closest(name, ColumnNames()); ok {
		return fmt.Errorf("AzureActivity has no column %q (did you mean %q?)", name, s)
	}
	return fmt.Errorf("AzureActivity has no column %q (columns: %s)", name, strings.Join(ColumnNames(), ", "))
}

// derivedFrom lists, for columns Normalize can derive, the columns it
// derives them from.
var derivedFrom = map[string][]string{
	"Caller":                 {"Claims", "Claims_d"},
	"CallerIpAddress":        {"HTTPRequest"},
	"SubscriptionId":         {"ResourceId"},
	"ResourceGroup":          {"ResourceId"},
	"Resource":               {"ResourceId"},
	"_ResourceId":            {"ResourceId"},
	"_SubscriptionId":        {"SubscriptionId", "ResourceId"},
	"ActivityStatusValue":    {"ActivityStatus"},
	"ActivitySubstatusValue": {"ActivitySubstatus"},
	"CategoryValue":          {"Category", "Properties", "Properties_d"},
	"OperationNameValue":     {"OperationName", "Authorization", "Authorization_d", "Properties", "Properties_d"},
	"ResourceProviderValue":  {"OperationNameValue", "ResourceProvider"},
	"Hierarchy":              {"Properties", "Properties_d"},
	"Authorization_d":        {"Authorization"},
	"Claims_d":               {"Claims"},
	"Properties_d":           {"Properties"},
}

// alwaysNeeded are read whatever the projection: the event time, the
// duplicate-detection key, and Type (which routes rows of other tables).
var alwaysNeeded = []string{"TimeGenerated", "EventDataId", "CorrelationId", "OperationNameValue", "ActivityStatusValue", "ResourceId", "Type"}

// Needed returns, indexed by column position, the columns a decoder
// reads first: the named columns and the columns always needed. nil or
// empty cols means every column.
func Needed(cols []string) []bool {
	need := make([]bool, len(columns))
	if len(cols) == 0 {
		for i := range need {
			need[i] = true
		}
		return need
	}
	for _, c := range alwaysNeeded {
		need[columnIndex[c]] = true
	}
	for _, c := range cols {
		if i, ok := columnIndex[c]; ok {
			need[i] = true
		}
	}
	return need
}

// Sources returns the columns, beyond need, from which Normalize derives
// the needed ones (transitively), or nil when there are none. A decoder
// reads them, dynamic ones included, only for records where
// MissingDerived reports a gap.
func Sources(need []bool) []bool {
	src := make([]bool, len(columns))
	any := false
	var mark func(name string)
	mark = func(name string) {
		for _, d := range derivedFrom[name] {
			i := columnIndex[d]
			if need[i] || src[i] {
				continue
			}
			src[i], any = true, true
			mark(d)
		}
	}
	for i, n := range need {
		if n {
			mark(columns[i].name)
		}
	}
	if !any {
		return nil
	}
	return src
}

// MissingDerived reports whether a needed column that Normalize can
// derive is still empty in r.
func (r *Record) MissingDerived(need []bool) bool {
	for i, n := range need {
		if !n || columns[i].str == nil {
			continue
		}
		if _, ok := derivedFrom[columns[i].name]; ok && columns[i].str(r) == "" {
			return true
		}
	}
	return false
}

// ColumnIndex returns the position of a column by exact name (the bytes
// are not retained).
func ColumnIndex(name []byte) (int, bool) {
	i, ok := columnIndex[string(name)]
	return i, ok
}
