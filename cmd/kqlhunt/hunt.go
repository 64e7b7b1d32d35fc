package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"kqlhunt/alert"
	"kqlhunt/batch"
	"kqlhunt/hunt"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
	"kqlhunt/rule"
	"kqlhunt/rules"
	"kqlhunt/tune"
	"kqlhunt/workspace"
)

// runFlags are shared by hunt and backtest.
type runFlags struct {
	data          dataFlags
	rules         []string
	format        string
	exclusions    string
	watchlists    string
	watchlistKeys []string
	allowLong     bool
	workspaceID   string
	period        string
	showSupp      bool
	failOnAlerts  bool
	auditFile     string
	schemas       []string
	params        []string
}

func (f *runFlags) register(cmd *cobra.Command) {
	f.data.register(cmd)
	fl := cmd.Flags()
	fl.StringArrayVar(&f.rules, "rules", nil, "rule YAML file or directory (repeatable; default: the bundled rules)")
	fl.StringVar(&f.format, "format", "", "output: table, json, jsonl, csv or ocsf (default: table on a terminal, json otherwise)")
	fl.StringVar(&f.exclusions, "exclusions", "", "exclusions file (YAML) that tunes the rules without editing them")
	fl.StringVar(&f.watchlists, "watchlists", "", "directory of watchlist CSV files served by _GetWatchlist('alias')")
	fl.StringArrayVar(&f.watchlistKeys, "watchlist-key", nil, "SearchKey column of a watchlist: alias=Column (repeatable)")
	fl.BoolVar(&f.allowLong, "allow-long-exclusions", false, "accept exclusions without expiry or expiring more than 180 days ahead")
	fl.StringVar(&f.workspaceID, "workspace", "00000000-0000-0000-0000-000000000000", "workspace id used in AlertType and TenantId")
	fl.StringVar(&f.period, "period", "", "query period of hunting queries, e.g. 1d, 12h, PT6H (default 1d)")
	fl.BoolVar(&f.showSupp, "show-suppressed", false, "also print alerts suppressed by exclusions, marked as such")
	fl.BoolVar(&f.failOnAlerts, "fail-on-alerts", false, "exit with status 3 when any alert is raised")
	fl.StringVar(&f.auditFile, "audit", "", "write the tuning audit as JSON to this file")
	fl.StringArrayVar(&f.schemas, "schema", nil, "directory of table schema JSON files to add (repeatable)")
	fl.StringArrayVar(&f.params, "param", nil, "substitute a {{Name}} placeholder: Name=value (repeatable)")
}

// loadRules loads the rules the flags name, or the bundled rules.
func (f *runFlags) loadRules(a *app) ([]*rule.Rule, error) {
	var out []*rule.Rule
	if len(f.rules) == 0 {
		files, err := rules.Bundled()
		if err != nil {
			return nil, err
		}
		for _, bf := range files {
			r, err := rule.Parse("bundled/"+bf.Name, bf.Data)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	for _, p := range f.rules {
		rs, err := rule.LoadPath(p)
		if err != nil {
			if len(rs) == 0 {
				return nil, err
			}
			fmt.Fprintf(a.stderr, "warning: %v\n", err)
		}
		out = append(out, rs...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no rules found in %s", strings.Join(f.rules, ", "))
	}
	return out, nil
}

// setup loads rules, watchlists and exclusions, and the data the runs will
// read: rows (nil: every row) says which rows that is, from the rules.
func (f *runFlags) setup(ctx context.Context, a *app, rows func(*hunt.Config) workspace.Window) (*hunt.Config, error) {
	if f.data.empty() {
		return nil, withStatus(exitUsage, fmt.Errorf("no data: give --data PATH (or --store DIR)"))
	}
	params, err := parseParams(f.params)
	if err != nil {
		return nil, withStatus(exitUsage, err)
	}
	rs, err := f.loadRules(a)
	if err != nil {
		return nil, withStatus(exitUsage, err)
	}
	ws := workspace.New()
	ws.Params = params
	for _, d := range f.schemas {
		if err := ws.AddSchemas(d); err != nil {
			return nil, withStatus(exitUsage, err)
		}
	}
	if err := f.data.load(ctx, a, ws); err != nil {
		return nil, err
	}
	var period time.Duration
	if f.period != "" {
		if period, err = rule.ParseDuration(f.period); err != nil || period <= 0 {
			return nil, withStatus(exitUsage, fmt.Errorf("--period %q: want a duration such as 1d, 12h or PT6H", f.period))
		}
	}
	cfg := &hunt.Config{Rules: rs, Workspace: ws, Options: rule.Options{Workspace: f.workspaceID, HuntingPeriod: period}}
	var wl *tune.Watchlists
	if f.watchlists != "" {
		keys := map[string]string{}
		for _, k := range f.watchlistKeys {
			if err := tune.ParseKeyOption(keys, k); err != nil {
				return nil, withStatus(exitUsage, err)
			}
		}
		wl, err = tune.OpenWatchlists(f.watchlists, tune.WatchlistOptions{Keys: keys})
		if err != nil {
			return nil, withStatus(exitUsage, err)
		}
		serveWatchlists(ws, wl)
	}
	if f.exclusions != "" {
		file, err := tune.LoadFile(f.exclusions)
		if err != nil {
			return nil, withStatus(exitUsage, err)
		}
		set, err := tune.Compile(file, tune.Options{AllowLong: f.allowLong, Watchlists: wl})
		if err != nil {
			return nil, withStatus(exitUsage, fmt.Errorf("exclusions %s:\n%w", f.exclusions, err))
		}
		for _, x := range set.Expired() {
			fmt.Fprintf(a.stderr, "warning: exclusion %s expired on %s and no longer applies\n", x.Label(), x.Expires.Format("2006-01-02"))
		}
		cfg.Tuning = set
	}
	var win workspace.Window
	if rows != nil {
		win = rows(cfg)
	}
	if err := hunt.Prepare(ctx, cfg, win); err != nil {
		return nil, reportPrepareError(a, err)
	}
	return cfg, nil
}

// reportPrepareError prints positioned query errors found while preparing
// the rules' data, or returns other errors.
func reportPrepareError(a *app, err error) error {
	var el syntax.ErrorList
	if errors.As(err, &el) {
		for _, e := range el {
			fmt.Fprintf(a.stderr, "%s: %s\n", e.Pos, e.Msg)
		}
		return silentStatus(exitError)
	}
	return withStatus(exitError, err)
}

// serveWatchlists makes _GetWatchlist('alias') and _GetWatchlistAlias
// available to queries.
func serveWatchlists(ws *workspace.Workspace, wl *tune.Watchlists) {
	ws.Env.TableFuncs["_GetWatchlist"] = wl.TableSchema
	ws.ExecTableFuncs["_GetWatchlist"] = func(ctx context.Context, args []types.Value) (exec.Table, error) {
		if len(args) != 1 || args[0].Type != types.String {
			return nil, fmt.Errorf("_GetWatchlist takes one string argument, the watchlist alias")
		}
		s, bs, err := wl.Table(args[0].S)
		if err != nil {
			return nil, err
		}
		return exec.NewMemTable(s, bs...)
	}
	ws.Env.TableFuncs["_GetWatchlistAlias"] = func(args []types.Value) (*batch.Schema, error) {
		s, _, err := wl.Aliases()
		return s, err
	}
	ws.ExecTableFuncs["_GetWatchlistAlias"] = func(ctx context.Context, args []types.Value) (exec.Table, error) {
		s, bs, err := wl.Aliases()
		if err != nil {
			return nil, err
		}
		return exec.NewMemTable(s, bs...)
	}
}

func (f *runFlags) outputFormat(w io.Writer) (string, error) {
	format := f.format
	if format == "" {
		format = "json"
		if isTerminal(w) {
			format = "table"
		}
	}
	switch format {
	case "table", "json", "jsonl", "csv", "ocsf":
		return format, nil
	}
	return "", withStatus(exitUsage, fmt.Errorf("--format %q: want table, json, jsonl, csv or ocsf", format))
}

// writeAlerts writes the outcome's alerts in the chosen format.
func (f *runFlags) writeAlerts(a *app, format string, out *hunt.Outcome, meta alert.ReportMetadata) error {
	hunt.SortAlerts(out.Alerts)
	hunt.SortAlerts(out.Suppressed)
	shown := out.Alerts
	if f.showSupp && format != "json" {
		shown = append(append([]*alert.Alert(nil), out.Alerts...), out.Suppressed...)
	}
	var err error
	switch format {
	case "table":
		if len(shown) == 0 {
			_, err = fmt.Fprintln(a.stdout, "no alerts")
		} else {
			err = alert.WriteTable(a.stdout, shown)
		}
	case "json":
		rep := &alert.Report{Metadata: meta, Alerts: out.Alerts}
		if f.showSupp || out.Audit != nil {
			rep.Suppressed = out.Suppressed
		}
		err = alert.WriteJSON(a.stdout, rep)
	case "jsonl":
		err = alert.WriteJSONL(a.stdout, shown)
	case "csv":
		err = alert.WriteCSV(a.stdout, shown)
	case "ocsf":
		err = alert.WriteOCSF(a.stdout, shown)
	}
	if err != nil {
		return withStatus(exitError, err)
	}
	return nil
}

// report prints per-rule notes, defaults, warnings and the audit on
// standard error, and writes the audit file.
func (f *runFlags) report(a *app, out *hunt.Outcome) error {
	for _, ro := range out.Rules {
		name := ro.Rule.Name
		if name == "" {
			name = ro.Rule.ID
		}
		if len(ro.Settings.Defaulted) > 0 {
			fmt.Fprintf(a.stderr, "%s (%s): using defaults: %s\n", name, ro.Settings.Kind, strings.Join(ro.Settings.Defaulted, "; "))
		}
		for _, w := range ro.Warnings {
			fmt.Fprintf(a.stderr, "warning: %s\n", w)
		}
		if ro.Err != nil {
			fmt.Fprintf(a.stderr, "error: %v\n", ro.Err)
		}
	}
	if out.Audit != nil {
		fmt.Fprintln(a.stderr, "tuning audit:")
		if err := out.Audit.WriteTable(a.stderr); err != nil {
			return withStatus(exitError, err)
		}
		if f.auditFile != "" {
			fh, err := os.Create(f.auditFile)
			if err != nil {
				return withStatus(exitError, err)
			}
			err = out.Audit.WriteJSON(fh)
			if cerr := fh.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return withStatus(exitError, err)
			}
		}
	}
	return nil
}

func (f *runFlags) finish(out *hunt.Outcome) error {
	for _, ro := range out.Rules {
		if ro.Err != nil {
			return silentStatus(exitError)
		}
	}
	if f.failOnAlerts && len(out.Alerts) > 0 {
		return silentStatus(exitFindings)
	}
	return nil
}

func ruleRuns(out *hunt.Outcome) []alert.RuleRun {
	var rr []alert.RuleRun
	for _, ro := range out.Rules {
		run := alert.RuleRun{ID: ro.Rule.ID, Name: ro.Rule.Name, File: ro.Rule.File, Runs: len(ro.Runs), Defaults: ro.Settings.Defaulted}
		for _, r := range ro.Runs {
			run.Alerts += len(r.Alerts)
			run.Suppressed += len(r.Suppressed)
		}
		rr = append(rr, run)
	}
	return rr
}

func newHuntCmd(a *app) *cobra.Command {
	var f runFlags
	var at string
	cmd := &cobra.Command{
		Use:   "hunt [--rules PATH]... --data PATH... [--at T]",
		Short: "Run each rule once at time T and print the alerts",
		Long: `hunt runs each rule once, as Sentinel would at time T: every table is scoped
to TimeGenerated in [T − queryPeriod, T], now() and ago() are pinned to T,
and the trigger and event grouping decide the alerts. The default T is the
latest event in the data. Hunting queries (no schedule) use a 1-day period
and raise one alert per result row. Without --rules the bundled rules run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := f.outputFormat(a.stdout)
			if err != nil {
				return err
			}
			var t time.Time
			if at != "" {
				if t, err = parseInstant("at", at); err != nil {
					return withStatus(exitUsage, err)
				}
			}
			// Only the rules' lookback before t (or before the latest
			// event) is loaded.
			cfg, err := f.setup(cmd.Context(), a, func(cfg *hunt.Config) workspace.Window { return hunt.OnceRows(cfg, t) })
			if err != nil {
				return err
			}
			if t.IsZero() {
				last, ok := hunt.LatestEvent(cmd.Context(), cfg.Workspace)
				if !ok {
					return withStatus(exitError, fmt.Errorf("the data holds no events with a TimeGenerated; give --at"))
				}
				t = last
				fmt.Fprintf(a.stderr, "hunting at %s, the latest event in the data (use --at to choose)\n", alert.FormatTime(t))
			}
			out, err := hunt.Once(cmd.Context(), cfg, t)
			if err != nil {
				return withStatus(exitError, err)
			}
			if err := f.report(a, out); err != nil {
				return err
			}
			to := t
			meta := alert.ReportMetadata{Tool: "kqlhunt", Workspace: f.workspaceID, To: &to, Rules: ruleRuns(out)}
			if err := f.writeAlerts(a, format, out, meta); err != nil {
				return err
			}
			if format != "table" || len(out.Suppressed) > 0 {
				fmt.Fprintf(a.stderr, "%d alert(s) from %d rule(s)", len(out.Alerts), len(cfg.Rules))
				if len(out.Suppressed) > 0 {
					fmt.Fprintf(a.stderr, ", %d suppressed by tuning", len(out.Suppressed))
				}
				fmt.Fprintln(a.stderr)
			}
			return f.finish(out)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&at, "at", "", "run time T (RFC 3339; default: the latest event in the data)")
	return cmd
}
