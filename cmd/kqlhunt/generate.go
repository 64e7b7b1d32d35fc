package main

import (
	"bufio"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"kqlhunt/gen"
)

type generateOptions struct {
	rows     int64
	out      string
	seed     int64
	start    string
	span     time.Duration
	callers  int
	sessions int
}

func newGenerateCmd(a *app) *cobra.Command {
	var o generateOptions
	cmd := &cobra.Command{
		Use:   "generate --rows N [--out FILE]",
		Short: "Write synthetic AzureActivity rows (NDJSON) with planted Cloud Shell sessions",
		Long: `generate writes realistic AzureActivity rows as NDJSON keyed by column
name (about 3 KB a row), for benchmarks, backtests and demos. The output is
a pure function of the flags: the same flags give the same bytes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := gen.Options{Rows: o.rows, Seed: o.seed, Span: o.span, Callers: o.callers, CloudShellSessions: o.sessions}
			if o.start != "" {
				t, err := parseInstant("start", o.start)
				if err != nil {
					return withStatus(exitUsage, err)
				}
				opts.Start = t
			}
			if o.rows <= 0 {
				return withStatus(exitUsage, fmt.Errorf("--rows must be positive"))
			}
			w := a.stdout
			var f *os.File
			if o.out != "" && o.out != "-" {
				var err error
				if f, err = os.Create(o.out); err != nil {
					return withStatus(exitError, err)
				}
				w = f
			}
			bw := bufio.NewWriterSize(w, 1<<20)
			err := gen.WriteNDJSON(cmd.Context(), bw, opts)
			if err == nil {
				err = bw.Flush()
			}
			if f != nil {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				return withStatus(exitError, fmt.Errorf("generating data: %w", err))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.Int64Var(&o.rows, "rows", 10000, "number of rows")
	f.StringVar(&o.out, "out", "", "output file (default: standard output)")
	f.Int64Var(&o.seed, "seed", 1, "pseudo-random seed")
	f.StringVar(&o.start, "start", "", "earliest TimeGenerated (RFC 3339; default 2026-11-24T00:00:00Z)")
	f.DurationVar(&o.span, "span", 0, "time range covered (default 48h)")
	f.IntVar(&o.callers, "callers", 0, "distinct callers (default 300)")
	f.IntVar(&o.sessions, "sessions", 0, "planted Cloud Shell sessions (0: one per 20,000 rows; -1: none)")
	return cmd
}
