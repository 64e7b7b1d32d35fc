package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"kqlhunt/kql/syntax"
	"kqlhunt/queryout"
	"kqlhunt/workspace"
)

type queryOptions struct {
	data    dataFlags
	file    string
	now     string
	format  string
	schemas []string
	params  []string
	memory  int64
}

func newQueryCmd(a *app) *cobra.Command {
	var o queryOptions
	cmd := &cobra.Command{
		Use:   "query [flags] QUERY|-",
		Short: "Run a KQL query over activity logs and print the result",
		Long: `query runs one KQL query. QUERY is the query text, - to read it from
standard input, or omitted with --file F. Data comes from --data (activity
log files in any supported shape), --store (the local columnar store) and
--table NAME=PATH (extra tables of rows keyed by column name).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runQuery(cmd, a, args, &o)
		},
	}
	o.data.register(cmd)
	cmd.Flags().StringVar(&o.file, "file", "", "read the query from this file")
	cmd.Flags().StringVar(&o.now, "now", "", "the instant now() and ago() refer to (RFC 3339; default: the current time)")
	cmd.Flags().StringVar(&o.format, "format", "", "output format: table, json, jsonl or csv (default: table on a terminal, json otherwise)")
	cmd.Flags().StringArrayVar(&o.schemas, "schema", nil, "directory of table schema JSON files to add (repeatable)")
	cmd.Flags().StringArrayVar(&o.params, "param", nil, "substitute a {{Name}} placeholder: Name=value (repeatable)")
	cmd.Flags().Int64Var(&o.memory, "memory-limit", 0, "bytes of memory summarize/join/sort may hold (0: 4 GiB)")
	return cmd
}

func readQueryText(a *app, args []string, file string) (name, src string, err error) {
	switch {
	case file != "" && len(args) > 0:
		return "", "", fmt.Errorf("give the query as an argument or with --file, not both")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", fmt.Errorf("reading query: %w", err)
		}
		return file, normaliseQueryText(string(b)), nil
	case len(args) == 0:
		return "", "", fmt.Errorf("no query: give QUERY, - for standard input, or --file F")
	case args[0] == "-":
		b, err := io.ReadAll(a.stdin)
		if err != nil {
			return "", "", fmt.Errorf("reading query from standard input: %w", err)
		}
		return "<stdin>", normaliseQueryText(string(b)), nil
	}
	return "<query>", args[0], nil
}

func normaliseQueryText(s string) string {
	return strings.TrimPrefix(strings.ReplaceAll(s, "\r\n", "\n"), "\ufeff")
}

func parseInstant(flag, s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("--%s %q: want an RFC 3339 time such as 2026-11-26T20:00:00Z", flag, s)
}

func runQuery(cmd *cobra.Command, a *app, args []string, o *queryOptions) error {
	name, src, err := readQueryText(a, args, o.file)
	if err != nil {
		return withStatus(exitUsage, err)
	}
	now := time.Now().UTC()
	if o.now != "" {
		if now, err = parseInstant("now", o.now); err != nil {
			return withStatus(exitUsage, err)
		}
	}
	format := o.format
	if format == "" {
		format = "json"
		if isTerminal(a.stdout) {
			format = "table"
		}
	}
	params, err := parseParams(o.params)
	if err != nil {
		return withStatus(exitUsage, err)
	}
	ws := workspace.New()
	ws.Params = params
	ws.MemoryLimit = o.memory
	for _, d := range o.schemas {
		if err := ws.AddSchemas(d); err != nil {
			return withStatus(exitUsage, err)
		}
	}
	if err := o.data.load(cmd.Context(), a, ws); err != nil {
		return err
	}
	res, err := ws.Query(cmd.Context(), name, src, now)
	if err != nil {
		return reportQueryError(a, name, src, params, err)
	}
	if err := queryout.Write(a.stdout, format, res); err != nil {
		return withStatus(exitError, err)
	}
	return nil
}

// reportQueryError prints positioned query errors with carets, or returns
// other errors for the caller to print.
func reportQueryError(a *app, name, src string, params map[string]string, err error) error {
	var el syntax.ErrorList
	if errors.As(err, &el) {
		f := syntax.NewFileFor(name, src, &syntax.ParseOptions{Params: params})
		fmt.Fprint(a.stderr, syntax.FormatErrors(f, err))
		return silentStatus(exitError)
	}
	return withStatus(exitError, err)
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
