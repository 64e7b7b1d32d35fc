package hunt

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"sort"
	"testing"

	"kqlhunt/alert"
	"kqlhunt/batch"
	"kqlhunt/kql/types"
	"kqlhunt/rule"
	"kqlhunt/source"
	"kqlhunt/tune"
	"kqlhunt/workspace"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The tuning example of examples/tuning, run as
//
//	kqlhunt hunt --rules rules/bundled --data examples/tuning/activity.ndjson \
//	  --exclusions examples/tuning/exclusions.yaml --watchlists examples/tuning/watchlists \
//	  --at 2026-11-25T18:00:00Z
const (
	exampleDir    = "../examples/tuning/"
	exampleAt     = "2026-11-25T18:00:00Z"
	exampleGolden = "testdata/tuning-example.golden.json"
)

// goldenAlert is the pinned view of one alert.
type goldenAlert struct {
	Account      string   `json:"account"`
	Session      string   `json:"session"`
	Operations   []string `json:"operations"`
	Severity     string   `json:"severity"`
	Tags         []string `json:"tags,omitempty"`
	SuppressedBy string   `json:"suppressedBy,omitempty"`
}

type exampleGoldenFile struct {
	Untuned    []goldenAlert `json:"untuned"`
	Alerts     []goldenAlert `json:"alerts"`
	Suppressed []goldenAlert `json:"suppressed"`
	Audit      *tune.Audit   `json:"audit"`
}

func exampleTuning(t *testing.T) (*tune.File, *tune.Watchlists, *tune.Set) {
	t.Helper()
	wl, err := tune.OpenWatchlists(exampleDir+"watchlists", tune.WatchlistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := tune.LoadFile(exampleDir + "exclusions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := tune.Compile(f, tune.Options{Now: tuneNow, Watchlists: wl})
	if err != nil {
		t.Fatalf("compiling the example exclusions: %v", err)
	}
	return f, wl, set
}

// exampleOutcome runs the example over ws without and with tuning, as
// the CLI does (Prepare first), and returns the pinned view.
func exampleOutcome(t *testing.T, ws *workspace.Workspace) exampleGoldenFile {
	t.Helper()
	rules, err := rule.LoadPath("../rules/bundled")
	if err != nil {
		t.Fatal(err)
	}
	at := mustTime(t, exampleAt)
	_, _, set := exampleTuning(t)

	plain := &Config{Rules: rules, Workspace: ws}
	if err := Prepare(context.Background(), plain, workspace.Window{}); err != nil {
		t.Fatal(err)
	}
	untuned, err := Once(context.Background(), plain, at)
	if err != nil {
		t.Fatal(err)
	}
	checkRuleErrs(t, untuned)
	tuned := &Config{Rules: rules, Workspace: ws, Tuning: set}
	if err := Prepare(context.Background(), tuned, workspace.Window{}); err != nil {
		t.Fatal(err)
	}
	out, err := Once(context.Background(), tuned, at)
	if err != nil {
		t.Fatal(err)
	}
	checkRuleErrs(t, out)

	got := exampleGoldenFile{Audit: out.Audit}
	for _, ro := range untuned.Rules {
		for _, run := range ro.Runs {
			got.Untuned = append(got.Untuned, goldenAlerts(run, run.Alerts)...)
		}
	}
	for _, ro := range out.Rules {
		for _, run := range ro.Runs {
			got.Alerts = append(got.Alerts, goldenAlerts(run, run.Alerts)...)
			got.Suppressed = append(got.Suppressed, goldenAlerts(run, run.Suppressed)...)
		}
	}
	for _, l := range [][]goldenAlert{got.Untuned, got.Alerts, got.Suppressed} {
		sort.Slice(l, func(i, j int) bool {
			if l[i].Session != l[j].Session {
				return l[i].Session < l[j].Session
			}
			return l[i].Account < l[j].Account
		})
	}
	return got
}

// TestTuningExample runs the documented example through Once with the
// CLI's inputs and pins the alerts, the suppressed alerts and the audit.
func TestTuningExample(t *testing.T) {
	got := exampleOutcome(t, loadWorkspace(t, exampleDir+"activity.ndjson"))

	// The point of the example, stated outright: only the attacker
	// alerts, each scenario's benign session alerts without tuning, and
	// every exclusion did something.
	if len(got.Alerts) != 1 || got.Alerts[0].Account != "j.doe@contoso.com" {
		t.Errorf("tuned alerts %+v, want only j.doe@contoso.com", got.Alerts)
	}
	if len(got.Untuned) != 11 {
		t.Errorf("%d alerts without tuning, want 11", len(got.Untuned))
	}
	for _, e := range got.Audit.Exclusions {
		if e.RowsRemoved == 0 && e.AlertsSuppressed == 0 {
			t.Errorf("exclusion %s removed and suppressed nothing", e.ID)
		}
	}

	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if *update {
		if err := os.WriteFile(exampleGolden, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(exampleGolden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestTuningExample -update to create it)", err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("the example's outcome differs from %s (rerun with -update after checking):\n%s", exampleGolden, data)
	}
}

// TestTuningExampleFromFiles runs the example as the CLI loads data — a
// file-backed table that reads the file once, with the columns the rules
// and the input filters need — and expects the outcome of the in-memory
// run.
func TestTuningExampleFromFiles(t *testing.T) {
	ws := workspace.New()
	ft := workspace.NewFileTable([]string{exampleDir + "activity.ndjson"}, source.Options{}, nil)
	loads := 0
	ft.OnLoad = func(*source.Report) { loads++ }
	ws.SetTable(workspace.ActivityTable, ft)
	got := exampleOutcome(t, ws)
	want := exampleOutcome(t, loadWorkspace(t, exampleDir+"activity.ndjson"))
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	if !bytes.Equal(g, w) {
		t.Errorf("from files:\n%s\nin memory:\n%s", g, w)
	}
	// Once for the rule's columns, once more for every column when the
	// input filters join in.
	if loads > 2 {
		t.Errorf("the file was read %d times", loads)
	}
}

// TestTuningExampleLints checks the example exclusions file against the
// AzureActivity schema and the CloudShell rule's output: no findings at
// all, not even warnings.
func TestTuningExampleLints(t *testing.T) {
	r := cloudShellRule(t)
	f, wl, _ := exampleTuning(t)
	ws := loadWorkspace(t, exampleDir+"activity.ndjson")
	res, err := runOnceForSchema(t, ws, r)
	if err != nil {
		t.Fatal(err)
	}
	env := tune.LintEnv{
		Now: tuneNow, Watchlists: wl,
		Tables: map[string]*batch.Schema{workspace.ActivityTable: ws.Env.Tables[workspace.ActivityTable]},
		Rules:  []tune.RuleInfo{{ID: r.ID, Name: r.Name, Tables: []string{workspace.ActivityTable}, Output: res}},
	}
	if fs := tune.Lint(f, env); len(fs) > 0 {
		t.Errorf("lint findings on the example:\n%v", fs)
	}
}

// runOnceForSchema runs r once over ws at the example time and returns its
// output schema.
func runOnceForSchema(t *testing.T, ws *workspace.Workspace, r *rule.Rule) (*batch.Schema, error) {
	t.Helper()
	res, err := rule.RunAt(context.Background(), ws.RuleEngine(), r, mustTime(t, exampleAt), nil)
	if err != nil {
		return nil, err
	}
	return &batch.Schema{Fields: res.Columns}, nil
}

func goldenAlerts(run *rule.RunResult, as []*alert.Alert) []goldenAlert {
	out := []goldenAlert{}
	res := run.Info.Result
	opsCol := -1
	for i, c := range res.Columns() {
		if c.Name == "set_OperationNameValue" {
			opsCol = i
		}
	}
	for _, a := range as {
		g := goldenAlert{
			Account: entityValue(a, "Account", "FullName"), Session: alert.FormatTime(timekey(run, a)),
			Operations: []string{}, Severity: a.AlertSeverity, Tags: a.Tags, SuppressedBy: a.SuppressedBy,
		}
		for _, ri := range a.Rows {
			if opsCol < 0 {
				break
			}
			v := res.Value(ri, opsCol)
			if v.Type != types.Dynamic {
				continue
			}
			arr, _ := v.D.([]any)
			for _, e := range arr {
				if s, ok := e.(string); ok {
					g.Operations = append(g.Operations, s)
				}
			}
		}
		sort.Strings(g.Operations)
		out = append(out, g)
	}
	return out
}
