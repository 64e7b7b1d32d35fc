package hunt

import (
	"context"
	"testing"
	"time"

	"kqlhunt/gen"
	"kqlhunt/rule"
	"kqlhunt/source"
	"kqlhunt/workspace"
)

// TestWindowedLoading: a hunt (at the latest event, or at a given time)
// and a backtest from a given time load, in one read, only the rows their
// windows cover, and raise exactly the alerts they raise with every row in
// memory; the data's span is still that of every row.
func TestWindowedLoading(t *testing.T) {
	opts := gen.Options{Rows: 12000, Span: weekOptions.Span, Seed: 7, CloudShellSessions: 12}
	path := weekFile(t, opts)
	r := cloudShellRule(t)
	ropts := rule.Options{HuntingPeriod: 24 * time.Hour}
	ref := loadWorkspace(t, path)
	first, last, ok := DataSpan(context.Background(), ref)
	if !ok {
		t.Fatal("no data")
	}

	// fileWorkspace returns a workspace reading path with the CLI's
	// scanner, and counters of its reads and of the rows it holds.
	type counters struct{ loads, held int }
	fileWorkspace := func() (*workspace.Workspace, *counters) {
		c := &counters{}
		load := func(ctx context.Context, paths []string, spec workspace.LoadSpec, o source.Options) (*workspace.Loaded, error) {
			ld, err := workspace.ScanLoader(ctx, paths, spec, o)
			c.loads++
			if ld.Table != nil {
				c.held = ld.Table.Rows()
			}
			return ld, err
		}
		ws := workspace.New()
		ws.SetTable(workspace.ActivityTable, workspace.NewFileTable([]string{path}, source.Options{}, load))
		return ws, c
	}
	// A time in mid-week just after a planted session, so that a hunt
	// there has something to find.
	var mid time.Time
	for _, s := range gen.PlantedSessions(opts) {
		if s.ListKeys.After(first.Add(3 * 24 * time.Hour)) {
			mid = s.ListKeys.Truncate(time.Hour).Add(2 * time.Hour)
			break
		}
	}
	if mid.IsZero() {
		t.Fatal("no planted session in the second half of the week")
	}

	for _, tc := range []struct {
		name     string
		at       time.Time // zero: the latest event
		from     time.Time // non-zero: a backtest from here to the end
		maxShare float64   // the most of the rows the load may hold
	}{
		{name: "hunt-latest", maxShare: 0.25},
		{name: "hunt-at", at: mid, maxShare: 0.25},
		{name: "backtest-from", from: mid, maxShare: 0.75},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, c := fileWorkspace()
			cfg := &Config{Rules: []*rule.Rule{r}, Workspace: ws, Options: ropts}
			refCfg := &Config{Rules: []*rule.Rule{r}, Workspace: ref, Options: ropts}
			var got, want *Outcome
			var err error
			if tc.from.IsZero() {
				if err := Prepare(context.Background(), cfg, OnceRows(cfg, tc.at)); err != nil {
					t.Fatal(err)
				}
				at := tc.at
				if at.IsZero() {
					l, ok := LatestEvent(context.Background(), ws)
					if !ok || !l.Equal(last) {
						t.Fatalf("latest event %v, want %v", l, last)
					}
					at = l
				}
				if got, err = Once(context.Background(), cfg, at); err != nil {
					t.Fatal(err)
				}
				if want, err = Once(context.Background(), refCfg, at); err != nil {
					t.Fatal(err)
				}
			} else {
				if err := Prepare(context.Background(), cfg, BacktestRows(cfg, tc.from, time.Time{})); err != nil {
					t.Fatal(err)
				}
				if got, err = Backtest(context.Background(), cfg, tc.from, last); err != nil {
					t.Fatal(err)
				}
				if want, err = Backtest(context.Background(), refCfg, tc.from, last); err != nil {
					t.Fatal(err)
				}
			}
			checkRuleErrs(t, got)
			if g, w := sigs(got.Alerts), sigs(want.Alerts); !equalStrings(g, w) || len(w) == 0 {
				t.Errorf("alerts with windowed loading %q, with every row %q", g, w)
			}
			if c.loads != 1 {
				t.Errorf("the file was read %d times, want once", c.loads)
			}
			total := float64(opts.Rows)
			if share := float64(c.held) / total; share > tc.maxShare || c.held == 0 {
				t.Errorf("holds %d of %d rows (%.0f%%), want at most %.0f%%", c.held, opts.Rows, 100*share, 100*tc.maxShare)
			}
			f, l, ok := DataSpan(context.Background(), ws)
			if !ok || !f.Equal(first) || !l.Equal(last) {
				t.Errorf("data span %v – %v, want %v – %v", f, l, first, last)
			}
		})
	}
}
