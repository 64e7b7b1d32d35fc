package rule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kqlhunt/alert"
	"kqlhunt/batch"
)

// AlertHook post-processes the alerts of one run (after they are built,
// before they are reported). It may drop alerts, change their severity or
// tag them; alerts it leaves out of the returned slice are reported as
// suppressed. Tuning never needs to edit the rule.
type AlertHook func(r *Rule, run RunInfo, alerts []*alert.Alert) ([]*alert.Alert, error)

// Defaults used when a rule (or a hunting query) does not say.
const (
	DefaultHuntingPeriod   = 24 * time.Hour
	DefaultHuntingSeverity = "Medium"
	DefaultHuntingGrouping = AlertPerResult
	DefaultNRTInterval     = time.Minute
	// DefaultScheduledPeriod is used for a Scheduled rule without
	// queryPeriod (lint reports the missing field).
	DefaultScheduledPeriod = 24 * time.Hour
	// DefaultSeverity is used for a rule without a valid severity.
	DefaultSeverity = "Medium"
)

// Options configure runs and backtests. The zero value is usable.
type Options struct {
	// Workspace is the workspace id (TenantId, AlertType prefix).
	Workspace      string
	SubscriptionID string
	ResourceGroup  string

	// HuntingPeriod is the query period (and backtest frequency) of hunting
	// queries; 0 means DefaultHuntingPeriod.
	HuntingPeriod time.Duration
	// HuntingSeverity is the severity of hunting-query alerts; "" means
	// DefaultHuntingSeverity.
	HuntingSeverity string
	// HuntingGrouping is the event grouping of hunting queries; "" means
	// DefaultHuntingGrouping (one alert per result row).
	HuntingGrouping string
	// NRTInterval is both the run interval and the look-back of NRT rules;
	// 0 means DefaultNRTInterval.
	NRTInterval time.Duration
	// PublishDelay is the time between a run's scheduled time and its
	// alerts' TimeGenerated; 0 means alert.DefaultPublishDelay, negative
	// means none.
	PublishDelay time.Duration

	// Hooks run in order on each run's alerts.
	Hooks []AlertHook

	// BucketSize is the backtest chart bucket; 0 picks one from the range.
	BucketSize time.Duration
	// RunSuppressed makes Backtest still run the scheduled times skipped
	// by rule suppression and report their alerts as suppressed.
	RunSuppressed bool
}

// Settings are the effective run settings of a rule: its own values or
// defaults. Defaulted names each value that came from a default, with the
// value and reason, so a CLI can print them.
type Settings struct {
	Kind                Kind
	Frequency           time.Duration
	Period              time.Duration
	Operator            Operator
	Threshold           int
	Grouping            string
	Severity            string
	SuppressionEnabled  bool
	SuppressionDuration time.Duration
	Defaulted           []string
}

// Effective returns the run settings of r under opts.
//
// Hunting queries: period opts.HuntingPeriod (1 day), run every period,
// trigger "more than 0 rows", one alert per result row, severity
// opts.HuntingSeverity (Medium). NRT rules: Sentinel runs them about every
// minute over newly ingested data; offline they run every opts.NRTInterval
// (1 minute) over the last interval of TimeGenerated, with trigger "more
// than 0 rows" and the rule's own event grouping.
func Effective(r *Rule, opts *Options) Settings {
	if opts == nil {
		opts = &Options{}
	}
	s := Settings{
		Kind: r.Kind, Frequency: r.QueryFrequency, Period: r.QueryPeriod,
		Operator: r.TriggerOperator, Threshold: r.TriggerThreshold, Grouping: r.EventGrouping,
		Severity:           alert.NormalizeSeverity(r.Severity),
		SuppressionEnabled: r.SuppressionEnabled, SuppressionDuration: r.SuppressionDuration,
	}
	note := func(format string, args ...any) { s.Defaulted = append(s.Defaulted, fmt.Sprintf(format, args...)) }
	if s.Grouping == "" {
		s.Grouping = SingleAlert
	}
	switch r.Kind {
	case Hunting:
		s.Period = opts.HuntingPeriod
		if s.Period <= 0 {
			s.Period = DefaultHuntingPeriod
		}
		s.Frequency = s.Period
		s.Operator, s.Threshold = GreaterThan, 0
		s.Grouping = opts.HuntingGrouping
		if s.Grouping == "" {
			s.Grouping = DefaultHuntingGrouping
		}
		sev := alert.NormalizeSeverity(opts.HuntingSeverity)
		if sev == "" {
			sev = DefaultHuntingSeverity
		}
		if s.Severity == "" {
			s.Severity = sev
			note("severity %s (hunting query default)", sev)
		}
		note("queryPeriod %s and queryFrequency %s (hunting query default)", FormatDuration(s.Period), FormatDuration(s.Frequency))
		note("trigger: more than 0 rows (hunting query default)")
		note("event grouping %s (hunting query default)", s.Grouping)
	case NRT:
		iv := opts.NRTInterval
		if iv <= 0 {
			iv = DefaultNRTInterval
		}
		s.Frequency, s.Period = iv, iv
		s.Operator, s.Threshold = GreaterThan, 0
		note("NRT: runs every %s over the last %s of TimeGenerated, trigger more than 0 rows", FormatDuration(iv), FormatDuration(iv))
	default:
		if s.Period <= 0 {
			s.Period = s.Frequency
			if s.Period <= 0 {
				s.Period = DefaultScheduledPeriod
			}
			note("queryPeriod %s (rule has none)", FormatDuration(s.Period))
		}
		if s.Frequency <= 0 {
			s.Frequency = s.Period
			note("queryFrequency %s (rule has none; same as queryPeriod)", FormatDuration(s.Frequency))
		}
		if !r.Has("triggerOperator") {
			note("triggerOperator GreaterThan (rule has none)")
		}
		if !r.Has("triggerThreshold") {
			note("triggerThreshold 0 (rule has none)")
		}
	}
	if s.Severity == "" {
		s.Severity = DefaultSeverity
		note("severity %s (rule severity %q is not Informational/Low/Medium/High)", DefaultSeverity, r.Severity)
	}
	return s
}

// RunInfo describes one run of a rule.
type RunInfo struct {
	// Index is the run's position in a backtest (0 for RunAt).
	Index int
	// Time is the scheduled time, the end of the query window.
	Time time.Time
	From time.Time
	To   time.Time
	// Rows is the number of result rows; Fired whether the trigger was met.
	Rows  int
	Fired bool
	// Skipped marks a backtest run that rule suppression skipped.
	Skipped bool
	// Result is the run's query result (nil for a skipped run), so hooks
	// can read the result rows behind each alert.
	Result ResultSet
}

// RunResult is the outcome of one run.
type RunResult struct {
	Info    RunInfo
	Columns []batch.Field
	// Alerts are the alerts raised; Suppressed those built but dropped by a
	// hook (or, in a backtest with RunSuppressed, by rule suppression).
	Alerts     []*alert.Alert
	Suppressed []*alert.Alert
}

// Spec returns the alert-building spec of r under settings s and opts.
func Spec(r *Rule, s Settings, opts *Options, dataSources []string) *alert.Spec {
	if opts == nil {
		opts = &Options{}
	}
	sp := &alert.Spec{
		RuleID: r.ID, RuleName: r.Name, RuleFile: r.File, Description: r.Description,
		Severity: s.Severity, Tactics: r.Tactics, Techniques: r.RelevantTechniques,
		Query: r.Query, Period: s.Period, Operator: s.Operator.String(), Threshold: s.Threshold,
		Grouping: s.Grouping, DataSources: dataSources,
		Workspace: opts.Workspace, SubscriptionID: opts.SubscriptionID, ResourceGroup: opts.ResourceGroup,
		PublishDelay: opts.PublishDelay,
	}
	sp.Attacks = Attacks(r)
	if sp.RuleName == "" {
		sp.RuleName = r.ID
	}
	for _, m := range r.EntityMappings {
		am := alert.Mapping{EntityType: m.EntityType}
		for _, f := range m.FieldMappings {
			am.Fields = append(am.Fields, alert.FieldMapping{Identifier: f.Identifier, Column: f.ColumnName})
		}
		sp.Mappings = append(sp.Mappings, am)
	}
	for _, cd := range r.CustomDetails {
		sp.CustomDetails = append(sp.CustomDetails, alert.FieldMapping{Identifier: cd.Key, Column: cd.Column})
	}
	if o := r.AlertDetailsOverride; o != nil {
		sp.DisplayNameFormat, sp.DescriptionFormat = o.DisplayNameFormat, o.DescriptionFormat
		sp.TacticsColumn, sp.SeverityColumn = o.TacticsColumn, o.SeverityColumn
		for _, dp := range o.DynamicProperties {
			sp.DynamicProperties = append(sp.DynamicProperties, alert.FieldMapping{Identifier: dp.AlertProperty, Column: dp.Value})
		}
	}
	return sp
}

// dataSources returns the tables the alert reports as its data sources:
// the rule's declared data types, or the tables its query reads.
func dataSources(eng Engine, r *Rule) []string {
	if ds := r.DataTypes(); len(ds) > 0 {
		return ds
	}
	if eng != nil {
		if t, err := eng.TablesRead(r.Query); err == nil {
			return t
		}
	}
	return nil
}

// ErrNoQuery is returned when running a rule without a query.
var ErrNoQuery = errors.New("rule has no query")

// RunAt runs r once at time t: the query is scoped to
// [t − queryPeriod, t], the number of result rows is compared with the
// trigger, and, when it fires, alerts are built and passed through
// opts.Hooks.
func RunAt(ctx context.Context, eng Engine, r *Rule, t time.Time, opts *Options) (*RunResult, error) {
	if opts == nil {
		opts = &Options{}
	}
	s := Effective(r, opts)
	return runAt(ctx, eng, r, s, Spec(r, s, opts, dataSources(eng, r)), t, 0, opts)
}

func runAt(ctx context.Context, eng Engine, r *Rule, s Settings, spec *alert.Spec, t time.Time, index int, opts *Options) (*RunResult, error) {
	if strings.TrimSpace(r.Query) == "" {
		return nil, fmt.Errorf("running %s: %w", ruleLabel(r), ErrNoQuery)
	}
	t = t.UTC()
	info := RunInfo{Index: index, Time: t, From: t.Add(-s.Period), To: t}
	rs, err := eng.Run(ctx, ExpandTemplate(r.Query, info.From, info.To), info.From, info.To)
	if err != nil {
		return nil, fmt.Errorf("running %s at %s: %w", ruleLabel(r), alert.FormatTime(t), err)
	}
	info.Rows = rs.NumRows()
	info.Result = rs
	info.Fired = s.Operator.Compare(info.Rows, s.Threshold)
	res := &RunResult{Info: info, Columns: rs.Columns()}
	if !info.Fired {
		return res, nil
	}
	sp := spec
	if sp.Grouping == AlertPerResult && info.Rows == 0 {
		// A trigger such as "eq 0" fires on an empty result: one alert.
		cp := *sp
		cp.Grouping = SingleAlert
		sp = &cp
	}
	alerts := alert.Build(sp, alert.Window{From: info.From, To: info.To}, rs)
	built := alerts
	for i, h := range opts.Hooks {
		if h == nil {
			continue
		}
		alerts, err = h(r, info, alerts)
		if err != nil {
			return nil, fmt.Errorf("alert hook %d for %s at %s: %w", i, ruleLabel(r), alert.FormatTime(t), err)
		}
	}
	kept := make(map[*alert.Alert]bool, len(alerts))
	for _, a := range alerts {
		kept[a] = true
	}
	for _, a := range built {
		if !kept[a] {
			if a.SuppressedBy == "" {
				a.SuppressedBy = "alert hook"
			}
			res.Suppressed = append(res.Suppressed, a)
		}
	}
	res.Alerts = alerts
	return res, nil
}

func ruleLabel(r *Rule) string {
	switch {
	case r.Name != "" && r.File != "":
		return fmt.Sprintf("rule %q (%s)", r.Name, r.File)
	case r.Name != "":
		return fmt.Sprintf("rule %q", r.Name)
	}
	return fmt.Sprintf("rule %s", r.File)
}

// ExpandTemplate fills the hunting-template placeholders {{StartTimeISO}}
// and {{EndTimeISO}} (used as todatetime('{{StartTimeISO}}') in hunting
// queries) with the run window in ISO 8601 form.
func ExpandTemplate(query string, from, to time.Time) string {
	if !strings.Contains(query, "{{") {
		return query
	}
	return strings.NewReplacer(
		"{{StartTimeISO}}", alert.FormatTime(from.UTC()),
		"{{EndTimeISO}}", alert.FormatTime(to.UTC()),
	).Replace(query)
}
