// Package hunt runs a set of rules over a workspace — once at a given time,
// or on each rule's schedule across a period (backtest) — applying tuning
// (input-stage row filters and alert-stage exclusions) and collecting the
// alerts, the suppressed alerts, warnings and the tuning audit.
package hunt

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"kqlhunt/alert"
	"kqlhunt/batch"
	"kqlhunt/kql/types"
	"kqlhunt/rule"
	"kqlhunt/tune"
	"kqlhunt/workspace"
)

// Config says what to run and over what.
type Config struct {
	// Rules are the rules to run.
	Rules []*rule.Rule
	// Workspace holds the data.
	Workspace *workspace.Workspace
	// Tuning applies exclusions; nil applies none.
	Tuning *tune.Set
	// Options configure the rule runtime (workspace id, hunting defaults).
	// Hooks added here run after tuning.
	Options rule.Options
}

// RuleOutcome is what happened to one rule.
type RuleOutcome struct {
	Rule     *rule.Rule
	Settings rule.Settings
	// Runs holds each run (one for Once).
	Runs []*rule.RunResult
	// Warnings are notes for the user, e.g. a window with no data.
	Warnings []string
	// Err is the rule's failure, if it could not run.
	Err error
}

// Outcome is the result of running a rule set.
type Outcome struct {
	Rules      []*RuleOutcome
	Alerts     []*alert.Alert
	Suppressed []*alert.Alert
	// Backtests holds the per-rule backtest results (Backtest only).
	Backtests []*rule.BacktestResult
	// Audit is the tuning audit (nil without tuning).
	Audit *tune.Audit
}

// Prepare reads, in one pass, every column the rules need from activity
// logs held in files, and the rows of the window rows (the zero Window:
// every row), so that their runs read no file again. OnceRows and
// BacktestRows give the window of a hunt and of a backtest.
func Prepare(ctx context.Context, cfg *Config, rows workspace.Window) error {
	var runs []workspace.DryRunSpec
	for _, r := range cfg.Rules {
		ws := cfg.Workspace
		if cfg.Tuning != nil {
			ws = ws.WithInputFilter(func(string, *batch.Batch) ([]bool, error) { return nil, nil })
		}
		now := time.Now().UTC()
		runs = append(runs, ws.DryRunWindow(rule.ExpandTemplate(r.Query, now.Add(-time.Hour), now), rows))
	}
	return workspace.PrepareAll(ctx, runs)
}

// maxPeriod returns the longest query period of the rules.
func (cfg *Config) maxPeriod() time.Duration {
	var p time.Duration
	for _, r := range cfg.Rules {
		opts := cfg.ruleOptions(r)
		p = max(p, rule.Effective(r, &opts).Period)
	}
	return p
}

// OnceRows returns the rows Once at time at reads: each rule's query
// period before at. A zero at stands for the latest event in the data.
func OnceRows(cfg *Config, at time.Time) workspace.Window {
	p := cfg.maxPeriod()
	if p <= 0 {
		return workspace.Window{}
	}
	if at.IsZero() {
		return workspace.Window{Latest: p}
	}
	return workspace.Window{From: at.Add(-p), To: at}
}

// BacktestRows returns the rows Backtest over [from, to] reads; a zero
// from or to leaves that side open (the data's own span).
func BacktestRows(cfg *Config, from, to time.Time) workspace.Window {
	p := cfg.maxPeriod()
	if p <= 0 || from.IsZero() {
		return workspace.Window{To: to}
	}
	return workspace.Window{From: from.Add(-p), To: to}
}

// Once runs every rule once at time at.
func Once(ctx context.Context, cfg *Config, at time.Time) (*Outcome, error) {
	out := &Outcome{}
	span := dataSpan(ctx, cfg.Workspace)
	for _, r := range cfg.Rules {
		ro := &RuleOutcome{Rule: r}
		opts := cfg.ruleOptions(r)
		ro.Settings = rule.Effective(r, &opts)
		ro.Warnings = append(ro.Warnings, windowWarnings(r, span, at.Add(-ro.Settings.Period), at)...)
		res, err := rule.RunAt(ctx, cfg.engineFor(r), r, at, &opts)
		if err != nil {
			ro.Err = err
			out.Rules = append(out.Rules, ro)
			continue
		}
		ro.Runs = append(ro.Runs, res)
		out.Alerts = append(out.Alerts, res.Alerts...)
		out.Suppressed = append(out.Suppressed, res.Suppressed...)
		out.Rules = append(out.Rules, ro)
	}
	if cfg.Tuning != nil {
		out.Audit = cfg.Tuning.Audit()
	}
	return out, ctx.Err()
}

// Backtest replays each rule's schedule across [from, to].
func Backtest(ctx context.Context, cfg *Config, from, to time.Time) (*Outcome, error) {
	out := &Outcome{}
	span := dataSpan(ctx, cfg.Workspace)
	for _, r := range cfg.Rules {
		ro := &RuleOutcome{Rule: r}
		opts := cfg.ruleOptions(r)
		ro.Settings = rule.Effective(r, &opts)
		ro.Warnings = append(ro.Warnings, windowWarnings(r, span, from.Add(-ro.Settings.Period), to)...)
		bt, err := rule.Backtest(ctx, cfg.engineFor(r), r, from, to, &opts)
		if err != nil {
			ro.Err = err
			out.Rules = append(out.Rules, ro)
			continue
		}
		ro.Runs = bt.Runs
		out.Backtests = append(out.Backtests, bt)
		out.Alerts = append(out.Alerts, bt.Alerts()...)
		out.Suppressed = append(out.Suppressed, bt.Suppressed()...)
		out.Rules = append(out.Rules, ro)
	}
	if cfg.Tuning != nil {
		out.Audit = cfg.Tuning.Audit()
	}
	return out, ctx.Err()
}

// ruleOptions returns the runtime options for r, with the tuning hook
// first.
func (cfg *Config) ruleOptions(r *rule.Rule) rule.Options {
	opts := cfg.Options
	if cfg.Tuning != nil {
		opts.Hooks = append([]rule.AlertHook{cfg.alertHook}, cfg.Options.Hooks...)
	}
	return opts
}

// engineFor returns the engine for r: the workspace, with the input-stage
// exclusions in scope for r filtering its tables.
func (cfg *Config) engineFor(r *rule.Rule) rule.Engine {
	if cfg.Tuning == nil {
		return cfg.Workspace.RuleEngine()
	}
	return &filteringEngine{ws: cfg.Workspace, set: cfg.Tuning, rule: r}
}

// filteringEngine runs each query over a fresh input-filtered view of the
// workspace, so that every source row in the run's window is judged (and
// counted in the audit) once per run, whatever the number of times the
// query reads its table. Time-based exclusions on tables without a time
// column are judged at the run time.
type filteringEngine struct {
	ws   *workspace.Workspace
	set  *tune.Set
	rule *rule.Rule
}

func (e *filteringEngine) Run(ctx context.Context, q string, from, to time.Time) (rule.ResultSet, error) {
	filtered := e.ws.WithInputFilter(func(table string, b *batch.Batch) ([]bool, error) {
		keep, _, err := e.set.FilterBatch(e.rule.ID, e.rule.Name, table, b, to)
		return keep, err
	})
	return filtered.RuleEngine().Run(ctx, q, from, to)
}

func (e *filteringEngine) TablesRead(q string) ([]string, error) { return e.ws.TablesRead(q) }

// alertHook applies the alert-stage exclusions.
func (cfg *Config) alertHook(r *rule.Rule, run rule.RunInfo, alerts []*alert.Alert) ([]*alert.Alert, error) {
	kept := alerts[:0:0]
	for _, a := range alerts {
		subj := &alertSubject{a: a, res: run.Result}
		d := cfg.Tuning.EvaluateAlert(r.ID, r.Name, subj)
		var ids []string
		for _, m := range d.Matched {
			if m.Applied {
				ids = append(ids, m.ID)
			}
		}
		if d.Suppress {
			a.SuppressedBy = "exclusion " + strings.Join(ids, ", ")
			continue
		}
		if d.Severity != "" && !strings.EqualFold(d.Severity, a.AlertSeverity) {
			a.Notes = append(a.Notes, fmt.Sprintf("severity %s → %s by exclusion %s", a.AlertSeverity, d.Severity, strings.Join(ids, ", ")))
			a.AlertSeverity = alert.NormalizeSeverity(d.Severity)
		}
		for _, t := range d.Tags {
			a.AddTag(t)
		}
		kept = append(kept, a)
	}
	return kept, nil
}

// alertSubject exposes an alert to the alert-stage exclusions: its result
// columns (a column over several rows is an array of their values), its
// entity identifiers as Type.Identifier, and the alert's own fields.
type alertSubject struct {
	a   *alert.Alert
	res rule.ResultSet
}

// Time is the time of the activity behind the alert, which time windows
// and schedules judge: the alert's start time when the result has a
// TimeGenerated column (the earliest TimeGenerated of the alert's rows);
// otherwise the earliest value of a datetime column named timestamp over
// the alert's rows (the hunting-query convention: the CloudShell rule's
// hour bin); otherwise the start of the query window, or the run time.
func (s *alertSubject) Time() time.Time {
	if t, ok := s.resultTime(); ok {
		return t
	}
	if !s.a.StartTime.IsZero() {
		return s.a.StartTime
	}
	return s.a.RunTime
}

// resultTime returns the earliest timestamp of the alert's rows when the
// result has no TimeGenerated column but has a datetime timestamp column.
func (s *alertSubject) resultTime() (time.Time, bool) {
	if s.res == nil || len(s.a.Rows) == 0 {
		return time.Time{}, false
	}
	ts := -1
	for ci, c := range s.res.Columns() {
		if c.Name == "TimeGenerated" && c.Type == types.DateTime {
			return time.Time{}, false
		}
		if ts < 0 && strings.EqualFold(c.Name, "timestamp") && c.Type == types.DateTime {
			ts = ci
		}
	}
	if ts < 0 {
		return time.Time{}, false
	}
	var lo int64
	found := false
	for _, ri := range s.a.Rows {
		v := s.res.Value(ri, ts)
		if v.IsNull() {
			continue
		}
		if !found || v.I < lo {
			lo = v.I
		}
		found = true
	}
	if !found {
		return time.Time{}, false
	}
	return types.TimeFromTicks(lo), true
}

func (s *alertSubject) Field(name string) (types.Value, bool) {
	if s.res != nil && len(s.a.Rows) > 0 {
		for ci, c := range s.res.Columns() {
			if c.Name != name {
				continue
			}
			if len(s.a.Rows) == 1 {
				return s.res.Value(s.a.Rows[0], ci), true
			}
			vals := make([]any, 0, len(s.a.Rows))
			for _, ri := range s.a.Rows {
				vals = append(vals, types.ToDynamicElement(s.res.Value(ri, ci)))
			}
			return types.NewDynamic(vals), true
		}
	}
	if typ, id, ok := strings.Cut(name, "."); ok {
		var vals []any
		for _, e := range s.a.EntityList {
			if !strings.EqualFold(e.Type, typ) && !strings.EqualFold(strings.ReplaceAll(e.Type, "-", ""), typ) {
				continue
			}
			for _, p := range e.Props {
				if strings.EqualFold(p.Name, id) {
					vals = append(vals, p.Value)
				}
			}
		}
		switch len(vals) {
		case 0:
		case 1:
			return types.NewString(vals[0].(string)), true
		default:
			return types.NewDynamic(vals), true
		}
	}
	switch name {
	case "AlertName":
		return types.NewString(s.a.AlertName), true
	case "AlertSeverity":
		return types.NewString(s.a.AlertSeverity), true
	case "Tactics":
		return types.NewString(s.a.Tactics), true
	}
	return types.Value{}, false
}

// span is the time range of the AzureActivity data.
type span struct {
	first, last time.Time
	ok          bool
}

func dataSpan(ctx context.Context, ws *workspace.Workspace) span {
	t, ok := ws.Tables[workspace.ActivityTable]
	if !ok {
		return span{}
	}
	first, last, ok, err := workspace.Span(ctx, t)
	if err != nil {
		return span{}
	}
	return span{first: first, last: last, ok: ok}
}

// windowWarnings warns when a rule's query window holds no data.
func windowWarnings(r *rule.Rule, s span, from, to time.Time) []string {
	name := r.Name
	if name == "" {
		name = r.ID
	}
	if !s.ok {
		return []string{fmt.Sprintf("%s: there is no AzureActivity data loaded; the rule ran over an empty table", name)}
	}
	if s.last.Before(from) || s.first.After(to) {
		return []string{fmt.Sprintf("%s: its window %s – %s holds no data (the data spans %s – %s)",
			name, alert.FormatTime(from), alert.FormatTime(to), alert.FormatTime(s.first), alert.FormatTime(s.last))}
	}
	return nil
}

// LatestEvent returns the latest TimeGenerated in the workspace's activity
// data, the default time of a hunt.
func LatestEvent(ctx context.Context, ws *workspace.Workspace) (time.Time, bool) {
	s := dataSpan(ctx, ws)
	return s.last, s.ok
}

// DataSpan returns the first and last TimeGenerated of the activity data.
func DataSpan(ctx context.Context, ws *workspace.Workspace) (first, last time.Time, ok bool) {
	s := dataSpan(ctx, ws)
	return s.first, s.last, s.ok
}

// SortAlerts orders alerts by start time, then rule name, then id, so
// output is deterministic.
func SortAlerts(as []*alert.Alert) {
	sort.SliceStable(as, func(i, j int) bool {
		a, b := as[i], as[j]
		if !a.StartTime.Equal(b.StartTime) {
			return a.StartTime.Before(b.StartTime)
		}
		if a.AlertName != b.AlertName {
			return a.AlertName < b.AlertName
		}
		return a.SystemAlertId < b.SystemAlertId
	})
}

// SuggestInput turns a backtest's alerts into the input of tune.Suggest:
// each alert's entity identifiers (as Type.Identifier) and the operations
// behind it, read from the result columns whose names mention operations
// (such as set_OperationNameValue or OperationNameValue).
func SuggestInput(out *Outcome) []tune.BacktestAlert {
	var bas []tune.BacktestAlert
	for _, bt := range out.Backtests {
		for _, run := range bt.Runs {
			for _, al := range run.Alerts {
				bas = append(bas, suggestAlert(al, run.Info.Result))
			}
		}
	}
	return bas
}

func suggestAlert(al *alert.Alert, res rule.ResultSet) tune.BacktestAlert {
	ba := tune.BacktestAlert{RuleID: al.RuleID, RuleName: al.AlertName, Time: al.StartTime}
	for _, e := range al.EntityList {
		for _, p := range e.Props {
			ba.Entities = append(ba.Entities, tune.EntityValue{Field: EntityTypeName(e.Type) + "." + p.Name, Value: p.Value})
		}
	}
	if res == nil {
		return ba
	}
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			ba.Operations = append(ba.Operations, s)
		}
	}
	for ci, c := range res.Columns() {
		if !strings.Contains(strings.ToLower(c.Name), "operation") {
			continue
		}
		for _, ri := range al.Rows {
			v := res.Value(ri, ci)
			switch {
			case v.Type == types.String:
				add(v.S)
			case v.Type == types.Dynamic && !v.Null:
				if arr, ok := v.D.([]any); ok {
					for _, e := range arr {
						if s, ok := e.(string); ok {
							add(s)
						}
					}
				}
			}
		}
	}
	return ba
}

// EntityTypeName returns the entity type name (Account, IP, AzureResource)
// of a SecurityAlert entity type string (account, ip, azure-resource).
func EntityTypeName(alertType string) string {
	for _, et := range alert.EntityTypes() {
		if et.AlertType == alertType {
			return et.Name
		}
	}
	return alertType
}
