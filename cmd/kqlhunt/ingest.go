package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"kqlhunt/source"
	"kqlhunt/workspace"
)

func newIngestCmd(a *app) *cobra.Command {
	var d dataFlags
	cmd := &cobra.Command{
		Use:   "ingest --data PATH... --store DIR",
		Short: "Load activity logs into the local columnar store (Parquet, partitioned by day)",
		Long: `ingest reads activity logs in any supported shape and writes them to a
local store of Parquet files partitioned by day (date=YYYY-MM-DD/), which
DuckDB, Spark or ADX external tables can read too. Queries given --store DIR
read only the columns they use and skip days and row groups outside the
rule's time scope. Ingesting the same file twice does not duplicate rows.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := d.store
			if len(d.data) == 0 || dir == "" {
				return withStatus(exitUsage, fmt.Errorf("ingest needs --data and --store"))
			}
			files, err := source.Expand(d.data)
			if err != nil {
				return withStatus(exitUsage, err)
			}
			// Ingest decodes every column and buffers files' worth of rows;
			// its live data stays well under ingestMemoryTarget, so a soft
			// limit keeps the garbage collector from letting the heap
			// double. GOMEMLIMIT, when set, wins.
			if os.Getenv("GOMEMLIMIT") == "" {
				debug.SetMemoryLimit(ingestMemoryTarget)
			}
			res, err := workspace.Ingest(cmd.Context(), dir, files, d.sourceOptions())
			for _, rep := range res.Input {
				if !d.quiet {
					fmt.Fprint(a.stderr, rep.Summary())
				}
			}
			var written, dups, skipped int64
			var parts []string
			for _, r := range res.Reports {
				written += r.RowsWritten
				dups += r.Duplicates
				if r.Skipped {
					skipped++
				}
				parts = append(parts, r.Partitions...)
			}
			fmt.Fprintf(a.stdout, "ingested %d file(s) into %s: %d rows written, %d duplicate rows dropped, %d file(s) already in the store\n",
				len(files), dir, written, dups, skipped)
			if len(parts) > 0 {
				fmt.Fprintf(a.stdout, "partitions: %s\n", strings.Join(dedupeStrings(parts), ", "))
			}
			if err != nil {
				return withStatus(exitError, err)
			}
			return nil
		},
	}
	d.register(cmd)
	return cmd
}

// ingestMemoryTarget is the soft memory limit of kqlhunt ingest.
const ingestMemoryTarget = 1 << 30

func dedupeStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
