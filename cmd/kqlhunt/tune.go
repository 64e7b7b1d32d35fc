package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"kqlhunt/alert"
	"kqlhunt/hunt"
	"kqlhunt/tune"
	"kqlhunt/workspace"
)

func newTuneCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tune",
		Short: "Tune rules without editing them: suggest and lint exclusions",
	}
	cmd.AddCommand(newTuneSuggestCmd(a), newTuneLintCmd(a))
	return cmd
}

func newTuneSuggestCmd(a *app) *cobra.Command {
	var f runFlags
	var out, owner string
	var expiry time.Duration
	var top int
	cmd := &cobra.Command{
		Use:   "suggest [--rules R] --data D",
		Short: "Backtest the rules and rank the entities behind the most alerts, with draft exclusions",
		Long: `suggest backtests the rules over the data and ranks the entities that produce
the most alerts (callers, IP ranges, time-of-day patterns) with evidence:
alert count, first and last seen, and the operations behind them. It writes
draft exclusions with an expiry set. It never applies them on its own:
review the drafts, fill in reason and owner, and pass them with --exclusions.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.setup(cmd.Context(), a, nil)
			if err != nil {
				return err
			}
			first, last, ok := hunt.DataSpan(cmd.Context(), cfg.Workspace)
			if !ok {
				return withStatus(exitError, fmt.Errorf("the data holds no events with a TimeGenerated"))
			}
			res, err := hunt.Backtest(cmd.Context(), cfg, first, last)
			if err != nil {
				return withStatus(exitError, err)
			}
			bas := hunt.SuggestInput(res)
			opts := tune.SuggestOptions{Expiry: expiry, Top: top, Owner: owner}
			sugs := tune.Suggest(opts, bas...)
			if len(sugs) == 0 {
				fmt.Fprintf(a.stdout, "no patterns with enough alerts to suggest (%d alerts in the backtest)\n", len(bas))
				return nil
			}
			fmt.Fprintf(a.stdout, "%-8s %-28s %-40s %6s  %-20s %-20s %s\n", "KIND", "FIELD", "VALUE", "ALERTS", "FIRST", "LAST", "OPERATIONS")
			for _, s := range sugs {
				fmt.Fprintf(a.stdout, "%-8s %-28s %-40s %6d  %-20s %-20s %s\n", s.Kind, s.Field, s.Value, s.Alerts,
					alert.FormatTime(s.First), alert.FormatTime(s.Last), joinFirst(opNames(s.Operations), 3))
			}
			draft := tune.DraftYAML(opts, sugs)
			if out == "" {
				fmt.Fprintln(a.stdout, "\n# draft exclusions (review before use; never applied automatically):")
				_, err = a.stdout.Write(draft)
				return err
			}
			if err := os.WriteFile(out, draft, 0o644); err != nil {
				return withStatus(exitError, err)
			}
			fmt.Fprintf(a.stderr, "wrote draft exclusions to %s\n", out)
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&out, "out", "", "write the draft exclusions YAML to this file")
	cmd.Flags().StringVar(&owner, "owner", "", "owner written into the drafts")
	cmd.Flags().DurationVar(&expiry, "expiry", 30*24*time.Hour, "how long draft exclusions last")
	cmd.Flags().IntVar(&top, "top", 10, "number of suggestions")
	return cmd
}

func joinFirst(ss []string, n int) string {
	if len(ss) > n {
		return fmt.Sprintf("%s, … (+%d)", strings.Join(ss[:n], ", "), len(ss)-n)
	}
	return strings.Join(ss, ", ")
}

func newTuneLintCmd(a *app) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "lint EXCLUSIONS.yaml",
		Short: "Check an exclusions file: columns, rule ids, CIDRs, regexes, time zones, watchlists, expiry",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTuneLint(cmd, a, &f, args[0])
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.rules, "rules", nil, "rules the exclusions may name (default: the bundled rules)")
	fl.StringVar(&f.watchlists, "watchlists", "", "directory of watchlist CSV files")
	fl.StringArrayVar(&f.watchlistKeys, "watchlist-key", nil, "SearchKey column of a watchlist: alias=Column (repeatable)")
	fl.BoolVar(&f.allowLong, "allow-long-exclusions", false, "accept exclusions without expiry or expiring more than 180 days ahead")
	fl.StringArrayVar(&f.schemas, "schema", nil, "directory of table schema JSON files to add (repeatable)")
	return cmd
}

func opNames(ops []tune.OpCount) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = fmt.Sprintf("%s (%d)", o.Name, o.Count)
	}
	return out
}

func runTuneLint(cmd *cobra.Command, a *app, f *runFlags, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return withStatus(exitUsage, err)
	}
	rs, err := f.loadRules(a)
	if err != nil {
		return withStatus(exitUsage, err)
	}
	ws := workspace.New()
	for _, d := range f.schemas {
		if err := ws.AddSchemas(d); err != nil {
			return withStatus(exitUsage, err)
		}
	}
	env := tune.LintEnv{AllowLong: f.allowLong, Tables: ws.Env.Tables}
	if f.watchlists != "" {
		keys := map[string]string{}
		for _, k := range f.watchlistKeys {
			if err := tune.ParseKeyOption(keys, k); err != nil {
				return withStatus(exitUsage, err)
			}
		}
		wl, err := tune.OpenWatchlists(f.watchlists, tune.WatchlistOptions{Keys: keys})
		if err != nil {
			return withStatus(exitUsage, err)
		}
		env.Watchlists = wl
	}
	for _, r := range rs {
		ri := tune.RuleInfo{ID: r.ID, Name: r.Name}
		if info, err := ws.Check(r.File, r.Query); err == nil {
			ri.Tables = info.TablesRead
			ri.Output = info.Result
		}
		env.Rules = append(env.Rules, ri)
	}
	findings := tune.LintFile(path, data, env)
	for _, fd := range findings {
		fmt.Fprintln(a.stdout, fd.String())
	}
	if findings.HasErrors() {
		return silentStatus(exitError)
	}
	if len(findings) == 0 {
		fmt.Fprintf(a.stdout, "%s: no problems found\n", path)
	}
	return nil
}
