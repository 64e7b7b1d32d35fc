package rule

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"kqlhunt/alert"
)

func TestScheduleTimes(t *testing.T) {
	got := ScheduleTimes(t0, t0.Add(3*time.Hour), time.Hour)
	want := []time.Time{t0.Add(time.Hour), t0.Add(2 * time.Hour), t0.Add(3 * time.Hour)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	got = ScheduleTimes(t0, t0.Add(150*time.Minute), time.Hour)
	want = []time.Time{t0.Add(30 * time.Minute), t0.Add(90 * time.Minute), t0.Add(150 * time.Minute)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("partial period: got %v, want runs anchored at the end %v", got, want)
	}
	if ScheduleTimes(t0, t0.Add(time.Hour), 0) != nil {
		t.Error("zero frequency should give no runs")
	}
}

// TestBacktestMatchesRunAt shows that a week's backtest raises exactly the
// alerts of calling RunAt at each scheduled time by hand.
func TestBacktestMatchesRunAt(t *testing.T) {
	r := mustParse(t, scheduledYAML+"eventGroupingSettings:\n  aggregationKind: AlertPerResult\n")
	from, to := t0, t0.Add(7*24*time.Hour)
	opts := &Options{Workspace: "ws"}
	bt, err := Backtest(context.Background(), weekEvents(), r, from, to, opts)
	if err != nil {
		t.Fatal(err)
	}
	var byHand []*alert.Alert
	hand := weekEvents()
	runs := 0
	for at := from.Add(time.Hour); !at.After(to); at = at.Add(time.Hour) {
		res, err := RunAt(context.Background(), hand, r, at, opts)
		if err != nil {
			t.Fatal(err)
		}
		runs++
		byHand = append(byHand, res.Alerts...)
	}
	got := bt.Alerts()
	if len(got) == 0 || len(got) != len(byHand) {
		t.Fatalf("backtest %d alerts, by hand %d", len(got), len(byHand))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i].SecurityAlert, byHand[i].SecurityAlert) {
			t.Fatalf("alert %d differs:\n%+v\n%+v", i, got[i].SecurityAlert, byHand[i].SecurityAlert)
		}
	}
	s := bt.Summary
	if s.Runs != runs || s.Runs != 168 || s.Alerts != len(byHand) || s.Skipped != 0 {
		t.Errorf("summary runs %d (want %d) alerts %d skipped %d", s.Runs, runs, s.Alerts, s.Skipped)
	}
	// Each event falls in two 2h windows of hourly runs (one if it is in the
	// first hour of the week or exactly on a boundary).
	if s.RunsFired == 0 || s.RunsFired > s.Runs {
		t.Errorf("runs fired %d", s.RunsFired)
	}
	// alice, bob, carol accounts (SYSTEM is dropped) and the IP addresses.
	if s.DistinctEntities != 3+3 {
		t.Errorf("distinct entities %d, want 6", s.DistinctEntities)
	}
	total := 0
	for _, b := range s.Buckets {
		total += b.Alerts
	}
	if total != s.Alerts || s.BucketSize != 6*time.Hour || len(s.Buckets) != 29 {
		t.Errorf("buckets: total %d, size %v, %d buckets", total, s.BucketSize, len(s.Buckets))
	}
	// Calls were aligned: every window is [t-2h, t] at whole hours.
	eng := weekEvents()
	if _, err := Backtest(context.Background(), eng, r, from, to, opts); err != nil {
		t.Fatal(err)
	}
	for i, c := range eng.calls {
		if !c.to.Equal(from.Add(time.Duration(i+1)*time.Hour)) || c.to.Sub(c.from) != 2*time.Hour {
			t.Fatalf("call %d window [%v, %v]", i, c.from, c.to)
		}
	}
}

func TestBacktestSuppression(t *testing.T) {
	src := scheduledYAML + "suppressionEnabled: true\nsuppressionDuration: 5h\n"
	r := mustParse(t, src)
	from, to := t0, t0.Add(7*24*time.Hour)
	eng := weekEvents()
	bt, err := Backtest(context.Background(), eng, r, from, to, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Re-derive the expected schedule: after a run that alerts at t, runs
	// before t+5h are skipped.
	plain, err := Backtest(context.Background(), weekEvents(), mustParse(t, scheduledYAML), from, to, nil)
	if err != nil {
		t.Fatal(err)
	}
	var until time.Time
	wantSkipped, wantAlerts := 0, 0
	for _, rr := range plain.Runs {
		if rr.Info.Time.Before(until) {
			wantSkipped++
			continue
		}
		if len(rr.Alerts) > 0 {
			wantAlerts += len(rr.Alerts)
			until = rr.Info.Time.Add(5 * time.Hour)
		}
	}
	s := bt.Summary
	if wantSkipped == 0 || s.Skipped != wantSkipped || s.Alerts != wantAlerts || s.Runs+s.Skipped != 168 {
		t.Fatalf("skipped %d (want %d), alerts %d (want %d), runs %d", s.Skipped, wantSkipped, s.Alerts, wantAlerts, s.Runs)
	}
	if len(eng.calls) != s.Runs {
		t.Errorf("engine ran %d times for %d runs", len(eng.calls), s.Runs)
	}
	// With RunSuppressed the skipped runs execute and their alerts are
	// reported as suppressed.
	bt2, err := Backtest(context.Background(), weekEvents(), r, from, to, &Options{RunSuppressed: true})
	if err != nil {
		t.Fatal(err)
	}
	if bt2.Summary.Alerts != wantAlerts || bt2.Summary.Suppressed == 0 {
		t.Errorf("run-suppressed: alerts %d suppressed %d", bt2.Summary.Alerts, bt2.Summary.Suppressed)
	}
	for _, a := range bt2.Suppressed() {
		if !strings.HasPrefix(a.SuppressedBy, "rule suppression until ") {
			t.Errorf("suppressed by %q", a.SuppressedBy)
		}
	}
}

func TestBacktestErrors(t *testing.T) {
	r := mustParse(t, scheduledYAML)
	if _, err := Backtest(context.Background(), weekEvents(), r, t0, t0, nil); err == nil {
		t.Error("empty range accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Backtest(ctx, weekEvents(), r, t0, t0.Add(48*time.Hour), nil); err == nil {
		t.Error("cancelled context ignored")
	}
}

// TestBacktestReport renders a real backtest through the alert package's
// report writers.
func TestBacktestReport(t *testing.T) {
	r := mustParse(t, scheduledYAML)
	bt, err := Backtest(context.Background(), weekEvents(), r, t0, t0.Add(7*24*time.Hour), &Options{Workspace: "ws"})
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := alert.WriteChart(&buf, bt.Summary); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(buf.String(), "\n"); got != len(bt.Summary.Buckets)+1 {
		t.Errorf("chart has %d lines for %d buckets", got, len(bt.Summary.Buckets))
	}
	rr := bt.RuleRun()
	if rr.ID != r.ID || rr.Runs != 168 || rr.Alerts != bt.Summary.Alerts {
		t.Errorf("rule run %+v", rr)
	}
	var js strings.Builder
	if err := alert.WriteJSON(&js, &alert.Report{Metadata: alert.ReportMetadata{Rules: []alert.RuleRun{rr}}, Alerts: bt.Alerts(), Suppressed: bt.Suppressed()}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"SecurityAlert"`) {
		t.Error("JSON report lacks alerts")
	}
}
