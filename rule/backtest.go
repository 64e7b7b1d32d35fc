package rule

import (
	"context"
	"fmt"
	"time"

	"kqlhunt/alert"
)

// BacktestResult is the outcome of replaying a rule's schedule.
type BacktestResult struct {
	Rule     *Rule
	Settings Settings
	// Runs holds every scheduled time, in order (skipped runs included).
	Runs    []*RunResult
	Summary alert.Summary
}

// Alerts returns all raised alerts in run order.
func (b *BacktestResult) Alerts() []*alert.Alert {
	var out []*alert.Alert
	for _, r := range b.Runs {
		out = append(out, r.Alerts...)
	}
	return out
}

// Suppressed returns all suppressed alerts in run order.
func (b *BacktestResult) Suppressed() []*alert.Alert {
	var out []*alert.Alert
	for _, r := range b.Runs {
		out = append(out, r.Suppressed...)
	}
	return out
}

// ScheduleTimes returns the run times of a rule with the given frequency in
// (from, to], in order. The schedule is anchored at to, so the last run
// sees the latest data: ..., to−2·frequency, to−frequency, to, back to the
// earliest time after from. When to−from is a multiple of the frequency
// this is from+frequency, from+2·frequency, ..., to.
func ScheduleTimes(from, to time.Time, frequency time.Duration) []time.Time {
	if frequency <= 0 || !to.After(from) {
		return nil
	}
	n := int((to.Sub(from) - 1) / frequency) // runs before the one at to
	out := make([]time.Time, 0, n+1)
	for k := n; k >= 0; k-- {
		out = append(out, to.Add(-time.Duration(k)*frequency).UTC())
	}
	return out
}

// MaxBacktestRuns bounds the number of runs one backtest may schedule.
const MaxBacktestRuns = 1_000_000

// Backtest replays r's schedule over [from, to]: a run at every
// ScheduleTimes time, each like RunAt. With suppression enabled, a run that
// raises an alert at time t skips the runs scheduled before
// t + suppressionDuration (with opts.RunSuppressed they still run and their
// alerts are reported as suppressed).
func Backtest(ctx context.Context, eng Engine, r *Rule, from, to time.Time, opts *Options) (*BacktestResult, error) {
	if opts == nil {
		opts = &Options{}
	}
	if !to.After(from) {
		return nil, fmt.Errorf("backtest of %s: end %s is not after start %s", ruleLabel(r), alert.FormatTime(to), alert.FormatTime(from))
	}
	from, to = from.UTC(), to.UTC()
	s := Effective(r, opts)
	if n := to.Sub(from) / s.Frequency; n > MaxBacktestRuns {
		return nil, fmt.Errorf("backtest of %s: %d runs of every %s is more than %d", ruleLabel(r), n, FormatDuration(s.Frequency), MaxBacktestRuns)
	}
	spec := Spec(r, s, opts, dataSources(eng, r))
	times := ScheduleTimes(from, to, s.Frequency)
	res := &BacktestResult{Rule: r, Settings: s}
	size := opts.BucketSize
	if size <= 0 {
		size = alert.ChooseBucketSize(from, to)
	}
	sum := alert.Summary{
		RuleID: r.ID, RuleName: r.Name, RuleFile: r.File, From: from, To: to,
		Frequency: s.Frequency, Period: s.Period, BucketSize: size,
		Buckets: alert.NewBuckets(from, to, size),
	}
	entities := map[string]bool{}
	var suppressUntil time.Time
	for i, t := range times {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("backtest of %s: %w", ruleLabel(r), err)
		}
		suppressed := s.SuppressionEnabled && s.SuppressionDuration > 0 && t.Before(suppressUntil)
		if suppressed && !opts.RunSuppressed {
			sum.Skipped++
			res.Runs = append(res.Runs, &RunResult{Info: RunInfo{Index: i, Time: t, From: t.Add(-s.Period), To: t, Skipped: true}})
			continue
		}
		rr, err := runAt(ctx, eng, r, s, spec, t, i, opts)
		if err != nil {
			return nil, err
		}
		if suppressed {
			rr.Info.Skipped = true
			for _, a := range rr.Alerts {
				a.SuppressedBy = "rule suppression until " + alert.FormatTime(suppressUntil)
			}
			rr.Suppressed = append(rr.Suppressed, rr.Alerts...)
			rr.Alerts = nil
			sum.Skipped++
		} else {
			sum.Runs++
			if rr.Info.Fired {
				sum.RunsFired++
			}
		}
		b := alert.BucketIndex(from, size, len(sum.Buckets), t)
		sum.Alerts += len(rr.Alerts)
		sum.Suppressed += len(rr.Suppressed)
		sum.Buckets[b].Alerts += len(rr.Alerts)
		sum.Buckets[b].Suppressed += len(rr.Suppressed)
		for _, a := range rr.Alerts {
			for j := range a.EntityList {
				entities[a.EntityList[j].Key()] = true
			}
		}
		if len(rr.Alerts) > 0 && s.SuppressionEnabled && s.SuppressionDuration > 0 {
			suppressUntil = t.Add(s.SuppressionDuration)
		}
		res.Runs = append(res.Runs, rr)
	}
	sum.DistinctEntities = len(entities)
	sum.Incidents = CountIncidents(r, res.Alerts())
	res.Summary = sum
	return res, nil
}

// RuleRun returns the report metadata entry of the backtest: rule identity,
// run and alert counts and the defaults in use.
func (b *BacktestResult) RuleRun() alert.RuleRun {
	return alert.RuleRun{
		ID: b.Rule.ID, Name: b.Rule.Name, File: b.Rule.File,
		Runs: b.Summary.Runs, Alerts: b.Summary.Alerts, Suppressed: b.Summary.Suppressed,
		Defaults: b.Settings.Defaulted,
	}
}
