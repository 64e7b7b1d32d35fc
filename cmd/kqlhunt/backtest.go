package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"kqlhunt/alert"
	"kqlhunt/hunt"
	"kqlhunt/workspace"
)

func newBacktestCmd(a *app) *cobra.Command {
	var f runFlags
	var from, to, html string
	var noAlerts bool
	cmd := &cobra.Command{
		Use:   "backtest [--rules PATH]... --data PATH... [--from A --to B]",
		Short: "Replay each rule's schedule over the data and summarise the alerts it would have raised",
		Long: `backtest replays each rule's schedule every queryFrequency across [A, B]
(default: the span of the data), as Sentinel would have run it, honouring
suppression. It prints the alerts of every run, then a summary per rule
(runs, runs that fired, alerts, distinct entities) and a chart of alerts
over time. --html FILE writes the same as a self-contained page.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := f.outputFormat(a.stdout)
			if err != nil {
				return err
			}
			var start, end time.Time
			if from != "" {
				if start, err = parseInstant("from", from); err != nil {
					return withStatus(exitUsage, err)
				}
			}
			if to != "" {
				if end, err = parseInstant("to", to); err != nil {
					return withStatus(exitUsage, err)
				}
			}
			// Only the rows the schedule's windows cover are loaded.
			cfg, err := f.setup(cmd.Context(), a, func(cfg *hunt.Config) workspace.Window { return hunt.BacktestRows(cfg, start, end) })
			if err != nil {
				return err
			}
			first, last, ok := hunt.DataSpan(cmd.Context(), cfg.Workspace)
			if start.IsZero() && ok {
				start = first
			}
			if end.IsZero() && ok {
				end = last
			}
			if start.IsZero() || end.IsZero() {
				return withStatus(exitError, fmt.Errorf("the data holds no events with a TimeGenerated; give --from and --to"))
			}
			if !end.After(start) {
				return withStatus(exitUsage, fmt.Errorf("--to %s is not after --from %s", alert.FormatTime(end), alert.FormatTime(start)))
			}
			fmt.Fprintf(a.stderr, "backtesting %s – %s\n", alert.FormatTime(start), alert.FormatTime(end))
			out, err := hunt.Backtest(cmd.Context(), cfg, start, end)
			if err != nil {
				return withStatus(exitError, err)
			}
			if err := f.report(a, out); err != nil {
				return err
			}
			if !noAlerts {
				meta := alert.ReportMetadata{Tool: "kqlhunt", Workspace: f.workspaceID, From: &start, To: &end, Rules: ruleRuns(out)}
				if err := f.writeAlerts(a, format, out, meta); err != nil {
					return err
				}
			}
			var sums []alert.Summary
			for _, bt := range out.Backtests {
				sums = append(sums, bt.Summary)
			}
			summaryOut := a.stdout
			if format != "table" {
				summaryOut = a.stderr
			}
			fmt.Fprintln(summaryOut)
			if err := alert.WriteSummaryTable(summaryOut, sums); err != nil {
				return withStatus(exitError, err)
			}
			for _, s := range sums {
				fmt.Fprintln(summaryOut)
				if err := alert.WriteChart(summaryOut, s); err != nil {
					return withStatus(exitError, err)
				}
			}
			if html != "" {
				fh, err := os.Create(html)
				if err != nil {
					return withStatus(exitError, err)
				}
				err = alert.WriteHTML(fh, alert.HTMLReport{Title: "kqlhunt backtest", Summaries: sums, Alerts: out.Alerts, Suppressed: out.Suppressed})
				if cerr := fh.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					return withStatus(exitError, err)
				}
				fmt.Fprintf(a.stderr, "wrote %s\n", html)
			}
			return f.finish(out)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&from, "from", "", "start of the replay (RFC 3339; default: the first event)")
	cmd.Flags().StringVar(&to, "to", "", "end of the replay (RFC 3339; default: the last event)")
	cmd.Flags().StringVar(&html, "html", "", "also write an HTML report with the chart and the alert list")
	cmd.Flags().BoolVar(&noAlerts, "summary-only", false, "print only the summary and chart, not every alert")
	return cmd
}
