package hunt

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"kqlhunt/alert"
	"kqlhunt/gen"
	"kqlhunt/kql/types"
	"kqlhunt/rule"
	"kqlhunt/source"
	"kqlhunt/tune"
	"kqlhunt/workspace"
)

// weekOptions generates a week of activity with planted Cloud Shell
// sessions.
var weekOptions = gen.Options{Rows: 30000, Span: 7 * 24 * time.Hour, Seed: 11, CloudShellSessions: 9}

// weekWorkspace writes the generated week to a temporary NDJSON file and
// loads it.
func weekWorkspace(t *testing.T) *workspace.Workspace {
	t.Helper()
	return loadWorkspace(t, weekFile(t, weekOptions))
}

// weekFile writes the generated week to a temporary NDJSON file.
func weekFile(t *testing.T, opts gen.Options) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "week.ndjson")
	if err := gen.WriteFile(context.Background(), path, opts); err != nil {
		t.Fatal(err)
	}
	return path
}

// alertSig describes an alert for comparison: id, entities, times,
// severity, rows and the tuning marks.
func alertSig(a *alert.Alert) string {
	var ents []string
	for i := range a.EntityList {
		ents = append(ents, a.EntityList[i].Key())
	}
	return fmt.Sprintf("%s %s %s..%s run=%s sev=%s rows=%d ents=%s tags=%v supp=%q",
		a.SystemAlertId, a.AlertName, alert.FormatTime(a.StartTime), alert.FormatTime(a.EndTime), alert.FormatTime(a.RunTime),
		a.AlertSeverity, len(a.Rows), strings.Join(ents, ","), a.Tags, a.SuppressedBy)
}

// sigs returns the sorted signatures of alerts. They are sorted because
// the order of a run's alerts follows the query's row order, which
// summarize and join do not fix (nor does Kusto).
func sigs(as []*alert.Alert) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, alertSig(a))
	}
	sort.Strings(out)
	return out
}

// weekTuning suppresses two of the planted sessions' callers at the input
// stage and tags every alert of a third at the alert stage, so the
// backtest exercises both stages.
func weekTuning(t *testing.T, sessions []gen.Session) string {
	t.Helper()
	if len(sessions) < 3 {
		t.Fatalf("need at least 3 planted sessions, have %d", len(sessions))
	}
	return header(fmt.Sprintf(`
  - id: quiet-callers
    rules: all
    stage: input
    when:
      field: Caller
      in: [%q, %q]
    action: suppress
    reason: test
    owner: test@contoso.com
    expires: 2027-03-31
  - id: tag-caller
    rules: all
    stage: alert
    when:
      field: Account.FullName
      equals: %q
    action: tag
    tags: [reviewed]
    reason: test
    owner: test@contoso.com
    expires: 2027-03-31
`, sessions[0].Caller, sessions[1].Caller, sessions[2].Caller))
}

// TestBacktestEqualsHandRuns checks that a backtest of the CloudShell rule
// over a generated week raises exactly the alerts of running the rule by
// hand at each scheduled time — same ids, entities and counts, with and
// without tuning — and that it finds every planted session.
func TestBacktestEqualsHandRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and hunts a week of activity")
	}
	ws := weekWorkspace(t)
	r := cloudShellRule(t)
	sessions := gen.PlantedSessions(weekOptions)
	if len(sessions) != weekOptions.CloudShellSessions {
		t.Fatalf("%d planted sessions, want %d", len(sessions), weekOptions.CloudShellSessions)
	}
	from := gen.DefaultStart
	to := from.Add(weekOptions.Span)
	tuning := weekTuning(t, sessions)

	for _, period := range []time.Duration{24 * time.Hour, time.Hour} {
		for _, tuned := range []bool{false, true} {
			t.Run(fmt.Sprintf("period=%s/tuned=%v", period, tuned), func(t *testing.T) {
				opts := rule.Options{HuntingPeriod: period, Workspace: "ws-test"}
				cfg := &Config{Rules: []*rule.Rule{r}, Workspace: ws, Options: opts}
				hand := &Config{Rules: []*rule.Rule{r}, Workspace: ws, Options: opts}
				if tuned {
					cfg.Tuning = compileTuning(t, tuning, nil)
					hand.Tuning = compileTuning(t, tuning, nil)
				}
				out, err := Backtest(context.Background(), cfg, from, to)
				if err != nil {
					t.Fatal(err)
				}
				checkRuleErrs(t, out)
				times := rule.ScheduleTimes(from, to, period)
				if want := int(to.Sub(from) / period); len(times) != want || len(out.Rules[0].Runs) != want {
					t.Fatalf("%d schedule times, %d runs; want %d", len(times), len(out.Rules[0].Runs), want)
				}

				// The same rule by hand at each scheduled time.
				var handAlerts, handSupp []*alert.Alert
				hopts := hand.ruleOptions(r)
				eng := hand.engineFor(r)
				for i, at := range times {
					res, err := rule.RunAt(context.Background(), eng, r, at, &hopts)
					if err != nil {
						t.Fatal(err)
					}
					run := out.Rules[0].Runs[i]
					if !run.Info.Time.Equal(at) || run.Info.Rows != res.Info.Rows {
						t.Errorf("run %d: backtest at %s with %d rows, by hand at %s with %d rows", i, run.Info.Time, run.Info.Rows, at, res.Info.Rows)
					}
					handAlerts = append(handAlerts, res.Alerts...)
					handSupp = append(handSupp, res.Suppressed...)
				}
				if got, want := sigs(out.Alerts), sigs(handAlerts); !equalStrings(got, want) {
					t.Errorf("backtest alerts differ from hand runs:\n got %d: %q\nwant %d: %q", len(got), got, len(want), want)
				}
				if got, want := sigs(out.Suppressed), sigs(handSupp); !equalStrings(got, want) {
					t.Errorf("backtest suppressed alerts differ from hand runs:\n got %q\nwant %q", got, want)
				}
				bt := out.Backtests[0]
				t.Logf("%d runs, %d alerts, %d suppressed, %d distinct entities", bt.Summary.Runs, len(out.Alerts), len(out.Suppressed), bt.Summary.DistinctEntities)
				if len(out.Alerts) < len(sessions)-2 {
					t.Errorf("%d alerts, fewer than the planted sessions", len(out.Alerts))
				}
				if bt.Summary.Alerts != len(handAlerts) || bt.Summary.Runs != len(times) {
					t.Errorf("summary: %d alerts over %d runs, want %d over %d", bt.Summary.Alerts, bt.Summary.Runs, len(handAlerts), len(times))
				}
				ids := map[string]bool{}
				for _, a := range out.Alerts {
					if ids[a.SystemAlertId] {
						t.Errorf("duplicate alert id %s", a.SystemAlertId)
					}
					ids[a.SystemAlertId] = true
				}
				if tuned {
					var got, want bytes.Buffer
					if err := out.Audit.WriteJSON(&got); err != nil {
						t.Fatal(err)
					}
					if err := hand.Tuning.Audit().WriteJSON(&want); err != nil {
						t.Fatal(err)
					}
					if got.String() != want.String() {
						t.Errorf("backtest audit differs from the hand runs' audit:\n%s\nwant\n%s", got.String(), want.String())
					}
					checkWeekAudit(t, ws, out.Audit, sessions)
				}
				checkPlanted(t, out, sessions, tuned)
			})
		}
	}
}

// checkWeekAudit checks the tuning audit of the week: the input-stage
// exclusion removed rows of both quiet callers, and the tag exclusion
// changed the alerts of the tagged caller.
func checkWeekAudit(t *testing.T, ws *workspace.Workspace, a *tune.Audit, sessions []gen.Session) {
	t.Helper()
	q := auditEntry(t, a, "quiet-callers")
	// Every row of the quiet callers lies in exactly one run window, and
	// is counted once however often the query reads the table.
	res, err := ws.Query(context.Background(), "count", fmt.Sprintf("AzureActivity | where Caller in~ (%q, %q) | count", sessions[0].Caller, sessions[1].Caller), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Value(0, 0).I; int64(q.RowsRemoved) != n {
		t.Errorf("quiet-callers removed %d rows; the callers have %d rows", q.RowsRemoved, n)
	}
	ex := strings.Join(exampleValues(q), "\n")
	if q.RowsRemoved == 0 || !strings.Contains(ex, "Caller="+sessions[0].Caller) || !strings.Contains(ex, "Caller="+sessions[1].Caller) {
		t.Errorf("quiet-callers: %d rows removed, examples %q", q.RowsRemoved, ex)
	}
	g := auditEntry(t, a, "tag-caller")
	if g.AlertsChanged == 0 || g.AlertsSuppressed != 0 {
		t.Errorf("tag-caller: %d alerts changed, %d suppressed", g.AlertsChanged, g.AlertsSuppressed)
	}
}

// checkPlanted checks that each planted session raised an alert for its
// caller at its hour, listing its operations — except the sessions of the
// callers the tuning removed — and that tagged alerts carry the tag.
func checkPlanted(t *testing.T, out *Outcome, sessions []gen.Session, tuned bool) {
	t.Helper()
	type found struct {
		ops  []string
		tags []string
	}
	byKey := map[string]found{}
	for _, run := range out.Rules[0].Runs {
		if run.Info.Result == nil {
			continue
		}
		opsCol := -1
		for i, c := range run.Info.Result.Columns() {
			if c.Name == "set_OperationNameValue" {
				opsCol = i
			}
		}
		if opsCol < 0 && len(run.Alerts) > 0 {
			t.Fatalf("result has no set_OperationNameValue column: %v", run.Info.Result.Columns())
		}
		for _, a := range run.Alerts {
			key := entityValue(a, "Account", "FullName") + " " + alert.FormatTime(timekey(run, a))
			var ops []string
			for _, ri := range a.Rows {
				v := run.Info.Result.Value(ri, opsCol)
				if v.Type == types.Dynamic {
					if arr, ok := v.D.([]any); ok {
						for _, e := range arr {
							if s, ok := e.(string); ok {
								ops = append(ops, strings.ToLower(s))
							}
						}
					}
				}
			}
			f := byKey[key]
			f.ops = append(f.ops, ops...)
			f.tags = append(f.tags, a.Tags...)
			byKey[key] = f
		}
	}
	for i, s := range sessions {
		key := s.Caller + " " + alert.FormatTime(s.ListKeys.Truncate(time.Hour))
		f, ok := byKey[key]
		removed := tuned && i < 2
		if removed {
			if ok {
				t.Errorf("session %d (%s) alerted although its caller's rows were excluded", i, key)
			}
			continue
		}
		if !ok {
			keys := make([]string, 0, len(byKey))
			for k := range byKey {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			t.Errorf("planted session %d (%s) raised no alert; alerts: %q", i, key, keys)
			continue
		}
		for _, op := range s.Operations {
			if !containsString(f.ops, strings.ToLower(op)) {
				t.Errorf("session %s: operation %s missing from set_OperationNameValue %q", key, op, f.ops)
			}
		}
		if tagged := containsString(f.tags, "reviewed"); tagged != (tuned && i == 2) {
			t.Errorf("session %s: tags %q", key, f.tags)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestBacktestFromFiles backtests the tuned week as the CLI loads data (a
// file-backed table, prepared once) and expects the alerts and the audit
// of the in-memory backtest.
func TestBacktestFromFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and hunts a week of activity")
	}
	small := gen.Options{Rows: 8000, Span: weekOptions.Span, Seed: 5, CloudShellSessions: 5}
	path := weekFile(t, small)
	r := cloudShellRule(t)
	tuning := weekTuning(t, gen.PlantedSessions(small))
	from := gen.DefaultStart
	to := from.Add(weekOptions.Span)
	run := func(ws *workspace.Workspace) (*Outcome, string) {
		cfg := &Config{Rules: []*rule.Rule{r}, Workspace: ws, Tuning: compileTuning(t, tuning, nil), Options: rule.Options{HuntingPeriod: 24 * time.Hour}}
		if err := Prepare(context.Background(), cfg, workspace.Window{}); err != nil {
			t.Fatal(err)
		}
		out, err := Backtest(context.Background(), cfg, from, to)
		if err != nil {
			t.Fatal(err)
		}
		checkRuleErrs(t, out)
		var audit bytes.Buffer
		if err := out.Audit.WriteJSON(&audit); err != nil {
			t.Fatal(err)
		}
		return out, audit.String()
	}
	ws := workspace.New()
	ft := workspace.NewFileTable([]string{path}, source.Options{}, nil)
	loads := 0
	ft.OnLoad = func(*source.Report) { loads++ }
	ws.SetTable(workspace.ActivityTable, ft)
	got, gotAudit := run(ws)
	want, wantAudit := run(loadWorkspace(t, path))
	if g, w := sigs(got.Alerts), sigs(want.Alerts); !equalStrings(g, w) || len(w) == 0 {
		t.Errorf("alerts from files %q, in memory %q", g, w)
	}
	if gotAudit != wantAudit {
		t.Errorf("audit from files:\n%s\nin memory:\n%s", gotAudit, wantAudit)
	}
	if loads != 1 {
		t.Errorf("the file was read %d times, want once", loads)
	}
}
