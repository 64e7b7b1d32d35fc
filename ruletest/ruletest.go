// Package ruletest runs rule unit tests: YAML files that give a rule, the
// activity rows it runs over, the run time, optional tuning, and the alerts
// and result rows the run must produce. Detection engineers write them next
// to their rules and run them with `kqlhunt test` before deploying.
package ruletest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"kqlhunt/activity"
	"kqlhunt/batch"
	"kqlhunt/hunt"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
	"kqlhunt/rule"
	"kqlhunt/source"
	"kqlhunt/tune"
	"kqlhunt/workspace"
)

// Case is one test case as written in YAML.
type Case struct {
	// Name describes the case.
	Name string `yaml:"name"`
	// Rule is the rule file, relative to the test file.
	Rule string `yaml:"rule"`
	// At is the run time (RFC 3339).
	At string `yaml:"at"`
	// Period overrides the query period of hunting queries (e.g. "2d").
	Period string `yaml:"period"`
	// Rows are AzureActivity rows keyed by column name.
	Rows []map[string]any `yaml:"rows"`
	// Data are activity-log files in any supported shape, relative to the
	// test file.
	Data []string `yaml:"data"`
	// Exclusions is an exclusions file, relative to the test file.
	Exclusions string `yaml:"exclusions"`
	// Watchlists is a directory of watchlist CSV files.
	Watchlists string `yaml:"watchlists"`
	// Expect is what the run must produce.
	Expect Expect `yaml:"expect"`
}

// Expect lists the checks of a case; absent fields are not checked.
type Expect struct {
	// Alerts is the exact number of alerts raised.
	Alerts *int `yaml:"alerts"`
	// Suppressed is the exact number of alerts suppressed by tuning.
	Suppressed *int `yaml:"suppressed"`
	// Entities lists entities that must appear on the alerts, written
	// "type Identifier=value" (e.g. "account FullName=alice@contoso.com").
	Entities []string `yaml:"entities"`
	// NoEntities lists entities that must not appear.
	NoEntities []string `yaml:"no_entities"`
	// Rows are result rows that must be present, as column → value text;
	// dynamic arrays are compared as sets, written as JSON arrays.
	Rows []map[string]any `yaml:"rows"`
	// RowCount is the exact number of result rows.
	RowCount *int `yaml:"row_count"`
}

// File is a test file: one case or a list of cases.
type File struct {
	Path  string
	Cases []Case
}

// Load reads a test file. It accepts a single case or `cases: [...]`.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading test file: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var multi struct {
		Cases []Case `yaml:"cases"`
	}
	if err := yaml.Unmarshal(data, &multi); err == nil && len(multi.Cases) > 0 {
		return &File{Path: path, Cases: multi.Cases}, nil
	}
	var one Case
	if err := yaml.Unmarshal(data, &one); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{Path: path, Cases: []Case{one}}, nil
}

// Result is the outcome of one case.
type Result struct {
	File     string
	Name     string
	Failures []string
	// Err is set when the case could not run at all.
	Err error
}

// Passed reports whether the case ran and every check held.
func (r *Result) Passed() bool { return r.Err == nil && len(r.Failures) == 0 }

// Run runs every case of f.
func Run(ctx context.Context, f *File) []*Result {
	var out []*Result
	for i := range f.Cases {
		c := &f.Cases[i]
		res := &Result{File: f.Path, Name: c.Name}
		if res.Name == "" {
			res.Name = fmt.Sprintf("case %d", i+1)
		}
		res.Failures, res.Err = runCase(ctx, filepath.Dir(f.Path), c)
		out = append(out, res)
	}
	return out
}

func runCase(ctx context.Context, dir string, c *Case) ([]string, error) {
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	if c.Rule == "" {
		return nil, fmt.Errorf("no rule: give rule: PATH")
	}
	r, err := rule.LoadFile(rel(c.Rule))
	if err != nil {
		return nil, err
	}
	at, err := time.Parse(time.RFC3339Nano, c.At)
	if err != nil {
		return nil, fmt.Errorf("at: %q is not an RFC 3339 time", c.At)
	}
	ws := workspace.New()
	tbl, err := loadData(ctx, c.Rows, mapPaths(c.Data, rel))
	if err != nil {
		return nil, err
	}
	ws.SetTable(workspace.ActivityTable, tbl)
	cfg := &hunt.Config{Rules: []*rule.Rule{r}, Workspace: ws}
	if c.Period != "" {
		p, err := rule.ParseDuration(c.Period)
		if err != nil {
			return nil, fmt.Errorf("period: %w", err)
		}
		cfg.Options.HuntingPeriod = p
	}
	var wl *tune.Watchlists
	if c.Watchlists != "" {
		if wl, err = tune.OpenWatchlists(rel(c.Watchlists), tune.WatchlistOptions{}); err != nil {
			return nil, err
		}
	}
	if c.Exclusions != "" {
		xf, err := tune.LoadFile(rel(c.Exclusions))
		if err != nil {
			return nil, err
		}
		set, err := tune.Compile(xf, tune.Options{Now: at, Watchlists: wl})
		if err != nil {
			return nil, fmt.Errorf("exclusions: %w", err)
		}
		cfg.Tuning = set
	}
	out, err := hunt.Once(ctx, cfg, at.UTC())
	if err != nil {
		return nil, err
	}
	if ro := out.Rules[0]; ro.Err != nil {
		return nil, ro.Err
	}
	return check(c.Expect, out), nil
}

func mapPaths(ps []string, f func(string) string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = f(p)
	}
	return out
}

// loadData builds the AzureActivity table from inline rows and files.
func loadData(ctx context.Context, rows []map[string]any, files []string) (*exec.MemTable, error) {
	b, err := activity.NewBuilder(nil, 0)
	if err != nil {
		return nil, err
	}
	var batches []*batch.Batch
	emit := func(r *activity.Record) error {
		if full := b.Append(r); full != nil {
			batches = append(batches, full)
		}
		return nil
	}
	strict := source.Options{Format: source.FormatRows, Strict: true}
	if len(rows) > 0 {
		var buf bytes.Buffer
		for _, row := range rows {
			line, err := json.Marshal(normaliseYAML(row))
			if err != nil {
				return nil, fmt.Errorf("rows: %w", err)
			}
			buf.Write(line)
			buf.WriteByte('\n')
		}
		if _, err := source.ReadReader(ctx, "rows", &buf, strict, emit); err != nil {
			return nil, fmt.Errorf("rows: %w", err)
		}
	}
	if len(files) > 0 {
		if _, err := source.Read(ctx, files, source.Options{Strict: true}, emit); err != nil {
			return nil, err
		}
	}
	if last := b.Flush(); last != nil && last.Len > 0 {
		batches = append(batches, last)
	}
	return exec.NewMemTable(b.Schema(), batches...)
}

// normaliseYAML turns YAML-decoded values into JSON-encodable ones: map
// keys become strings and times become RFC 3339 text.
func normaliseYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = normaliseYAML(e)
		}
		return m
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normaliseYAML(e)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normaliseYAML(e)
		}
		return out
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return v
}

func check(e Expect, out *hunt.Outcome) []string {
	var fails []string
	if e.Alerts != nil && len(out.Alerts) != *e.Alerts {
		fails = append(fails, fmt.Sprintf("alerts: got %d, want %d%s", len(out.Alerts), *e.Alerts, alertList(out)))
	}
	if e.Suppressed != nil && len(out.Suppressed) != *e.Suppressed {
		fails = append(fails, fmt.Sprintf("suppressed alerts: got %d, want %d", len(out.Suppressed), *e.Suppressed))
	}
	have := map[string]bool{}
	for _, a := range out.Alerts {
		for _, en := range a.EntityList {
			for _, p := range en.Props {
				have[strings.ToLower(en.Type+" "+p.Name+"="+p.Value)] = true
			}
		}
	}
	for _, want := range e.Entities {
		if !have[strings.ToLower(want)] {
			fails = append(fails, fmt.Sprintf("entity %q not on any alert%s", want, alertList(out)))
		}
	}
	for _, bad := range e.NoEntities {
		if have[strings.ToLower(bad)] {
			fails = append(fails, fmt.Sprintf("entity %q is on an alert but must not be", bad))
		}
	}
	var res rule.ResultSet
	if len(out.Rules) > 0 && len(out.Rules[0].Runs) > 0 {
		res = out.Rules[0].Runs[0].Info.Result
	}
	if e.RowCount != nil {
		n := 0
		if res != nil {
			n = res.NumRows()
		}
		if n != *e.RowCount {
			fails = append(fails, fmt.Sprintf("result rows: got %d, want %d", n, *e.RowCount))
		}
	}
	for i, want := range e.Rows {
		if res == nil || !hasRow(res, want) {
			fails = append(fails, fmt.Sprintf("expected row %d %s not in the result:\n%s", i+1, rowText(want), resultText(res)))
		}
	}
	return fails
}

func alertList(out *hunt.Outcome) string {
	if len(out.Alerts) == 0 {
		return " (no alerts)"
	}
	var parts []string
	for _, a := range out.Alerts {
		var ents []string
		for _, en := range a.EntityList {
			ents = append(ents, en.Type+":"+en.Label())
		}
		parts = append(parts, fmt.Sprintf("%s [%s]", a.AlertName, strings.Join(ents, ", ")))
	}
	return "; alerts: " + strings.Join(parts, "; ")
}

// hasRow reports whether some row of res matches every column of want.
func hasRow(res rule.ResultSet, want map[string]any) bool {
	cols := res.Columns()
	idx := map[string]int{}
	for i, c := range cols {
		idx[c.Name] = i
	}
	for r := 0; r < res.NumRows(); r++ {
		ok := true
		for k, wv := range want {
			ci, found := idx[k]
			if !found || !valueMatches(res.Value(r, ci), normaliseYAML(wv)) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// valueMatches compares a result value with an expected YAML value: arrays
// as sets of their elements' text, times by instant, everything else by
// Kusto's text form.
func valueMatches(v types.Value, want any) bool {
	switch w := want.(type) {
	case []any:
		arr, ok := v.D.([]any)
		if v.Type != types.Dynamic || !ok || len(arr) != len(w) {
			return false
		}
		got := make([]string, len(arr))
		for i, x := range arr {
			got[i] = types.DynamicToString(x)
		}
		exp := make([]string, len(w))
		for i, x := range w {
			exp[i] = fmt.Sprint(x)
		}
		sort.Strings(got)
		sort.Strings(exp)
		return strings.Join(got, "\x00") == strings.Join(exp, "\x00")
	case string:
		if v.Type == types.DateTime && !v.Null {
			if ticks, err := types.ParseDateTime(w); err == nil {
				return ticks == v.I
			}
		}
		return types.ToString(v) == w
	case nil:
		return v.Null || (v.Type == types.String && v.S == "")
	}
	return types.ToString(v) == fmt.Sprint(want)
}

func rowText(m map[string]any) string {
	b, _ := json.Marshal(normaliseYAML(m))
	return string(b)
}

func resultText(res rule.ResultSet) string {
	if res == nil {
		return "  (no result)"
	}
	var sb strings.Builder
	for r := 0; r < res.NumRows() && r < 20; r++ {
		sb.WriteString("  ")
		for c, col := range res.Columns() {
			if c > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(col.Name + "=" + types.ToString(res.Value(r, c)))
		}
		sb.WriteByte('\n')
	}
	if res.NumRows() == 0 {
		sb.WriteString("  (no rows)\n")
	}
	return sb.String()
}
