// Package rule models Microsoft Sentinel analytic rules and hunting queries:
// loading rule YAML, linting rule fields against Sentinel's limits, running
// a rule once at a given time and backtesting its schedule over a period.
//
// Queries are run through the Engine interface; alerts are built with
// package kqlhunt/alert.
//
// Run-time model (docs/sentinel-rules.md §3.2), with the choices made where
// Sentinel's behaviour cannot be reproduced offline:
//
//   - A run at time T queries [T − queryPeriod, T]; T is the scheduled time
//     and alerts are stamped T + 5 minutes (Sentinel's automatic delay).
//   - The trigger compares the number of result rows with the threshold.
//   - SingleAlert gives one alert per run; AlertPerResult one per row, and
//     with more than 150 rows, rows 1–149 get their own alert while the
//     150th summarises the whole result (as Microsoft documents it).
//   - Hunting queries run every day over the last day (Options can change
//     the period), trigger on any row, give one alert per row with severity
//     Medium. NRT rules run every minute over the last minute of
//     TimeGenerated (Sentinel uses ingestion time, which the logs may not
//     carry), trigger on any row. Effective reports every default in use.
//   - Backtests run at from+frequency, from+2·frequency, ... ≤ to. With
//     suppression, an alerting run at t skips the runs before t + duration.
//   - {{StartTimeISO}} and {{EndTimeISO}} hunting-template placeholders are
//     filled with the run window before the query runs.
package rule

import (
	"strings"
	"time"
)

// Kind is the kind of a rule.
type Kind int

// Rule kinds. Hunting queries have no kind and no schedule in their YAML.
const (
	Hunting Kind = iota
	Scheduled
	NRT
)

// String returns the kind as rule YAML spells it ("Scheduled", "NRT") or
// "Hunting".
func (k Kind) String() string {
	switch k {
	case Scheduled:
		return "Scheduled"
	case NRT:
		return "NRT"
	}
	return "Hunting"
}

// Operator is a trigger operator comparing the number of result rows of a
// run with the trigger threshold.
type Operator int

// Trigger operators.
const (
	GreaterThan Operator = iota
	LessThan
	Equal
	NotEqual
)

// String returns the operator's long name (GreaterThan, ...), as alerts
// report it.
func (o Operator) String() string {
	switch o {
	case LessThan:
		return "LessThan"
	case Equal:
		return "Equal"
	case NotEqual:
		return "NotEqual"
	}
	return "GreaterThan"
}

// Compare reports whether count satisfies the operator against threshold.
func (o Operator) Compare(count, threshold int) bool {
	switch o {
	case LessThan:
		return count < threshold
	case Equal:
		return count == threshold
	case NotEqual:
		return count != threshold
	}
	return count > threshold
}

// ParseOperator accepts gt/lt/eq/ne and the long names, case-insensitively.
func ParseOperator(s string) (Operator, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "gt", "greaterthan":
		return GreaterThan, true
	case "lt", "lessthan":
		return LessThan, true
	case "eq", "equal", "equals":
		return Equal, true
	case "ne", "notequal", "notequals":
		return NotEqual, true
	}
	return 0, false
}

// Event grouping (eventGroupingSettings.aggregationKind) values.
const (
	SingleAlert    = "SingleAlert"
	AlertPerResult = "AlertPerResult"
)

// Pos is a 1-based line and column in a rule file.
type Pos struct {
	Line, Col int
}

// DataConnector is one requiredDataConnectors entry.
type DataConnector struct {
	ConnectorID string
	DataTypes   []string
}

// FieldMapping maps one entity identifier to a result column.
type FieldMapping struct {
	Identifier string
	ColumnName string
}

// EntityMapping is one entityMappings entry.
type EntityMapping struct {
	EntityType    string
	FieldMappings []FieldMapping
}

// CustomDetail is one customDetails entry: a key shown in the alert and the
// result column that supplies its value. The YAML order is kept.
type CustomDetail struct {
	Key    string
	Column string
}

// DynamicProperty is one alertDetailsOverride.alertDynamicProperties entry.
type DynamicProperty struct {
	AlertProperty string
	Value         string
}

// AlertDetailsOverride customises alert names, descriptions, tactics and
// severity from result columns.
type AlertDetailsOverride struct {
	DisplayNameFormat string
	DescriptionFormat string
	TacticsColumn     string
	SeverityColumn    string
	DynamicProperties []DynamicProperty
}

// GroupingConfiguration is incidentConfiguration.groupingConfiguration.
type GroupingConfiguration struct {
	Enabled              bool
	ReopenClosedIncident bool
	LookbackDuration     time.Duration
	MatchingMethod       string
	GroupByEntities      []string
	GroupByAlertDetails  []string
	GroupByCustomDetails []string
}

// IncidentConfiguration is the rule's incidentConfiguration.
type IncidentConfiguration struct {
	CreateIncident bool
	Grouping       *GroupingConfiguration
}

// Rule is one analytic rule or hunting query as loaded from YAML.
//
// Durations are zero when the YAML does not set them; Has reports which
// top-level fields were present and Pos where each field (and nested
// element, e.g. "entityMappings[0].entityType") was found.
type Rule struct {
	File string

	ID                     string
	Name                   string
	Description            string
	Severity               string
	Kind                   Kind
	RawKind                string
	RequiredDataConnectors []DataConnector
	QueryFrequency         time.Duration
	QueryPeriod            time.Duration
	TriggerOperator        Operator
	TriggerThreshold       int
	Tactics                []string
	RelevantTechniques     []string
	Query                  string
	EntityMappings         []EntityMapping
	CustomDetails          []CustomDetail
	AlertDetailsOverride   *AlertDetailsOverride
	EventGrouping          string
	SuppressionEnabled     bool
	SuppressionDuration    time.Duration
	IncidentConfiguration  *IncidentConfiguration
	Version                string
	Status                 string
	Metadata               map[string]any

	// Pos maps field paths to their YAML position.
	Pos map[string]Pos
	// Problems are field-level problems found while loading (a duration
	// that does not parse, a list where a string was expected, ...). Lint
	// reports them.
	Problems []Finding
}

// Has reports whether the YAML set the given field path.
func (r *Rule) Has(field string) bool {
	_, ok := r.Pos[field]
	return ok
}

// PosOf returns the position of a field path, falling back to its parent
// paths and finally to line 1.
func (r *Rule) PosOf(field string) Pos {
	for f := field; f != ""; {
		if p, ok := r.Pos[f]; ok {
			return p
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return Pos{Line: 1, Col: 1}
}

// IsHunting reports whether r is a hunting query (no kind).
func (r *Rule) IsHunting() bool { return r.Kind == Hunting }

// DataTypes returns all requiredDataConnectors[].dataTypes in order,
// without duplicates.
func (r *Rule) DataTypes() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range r.RequiredDataConnectors {
		for _, d := range c.DataTypes {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}
