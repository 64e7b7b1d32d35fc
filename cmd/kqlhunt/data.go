package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"kqlhunt/source"
	"kqlhunt/workspace"
)

// dataFlags are the flags that say where a command's data comes from.
type dataFlags struct {
	data           []string
	tables         []string
	store          string
	inputFormat    string
	strict         bool
	keepDuplicates bool
	quiet          bool
	external       []string
}

func (d *dataFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVar(&d.data, "data", nil, "activity log file, directory or glob, in any supported shape (repeatable)")
	f.StringArrayVar(&d.tables, "table", nil, "extra table NAME=PATH of rows keyed by column name, NDJSON or a JSON array (repeatable)")
	f.StringVar(&d.store, "store", "", "read AzureActivity from the local columnar store in DIR (see 'kqlhunt ingest')")
	f.StringVar(&d.inputFormat, "input-format", "auto", "input shape: "+strings.Join(source.Formats, ", "))
	f.BoolVar(&d.strict, "strict", false, "treat any skipped input record as an error")
	f.BoolVar(&d.keepDuplicates, "keep-duplicates", false, "keep events exported more than once (by default duplicates are removed)")
	f.BoolVar(&d.quiet, "quiet", false, "do not print the input summary on standard error")
	f.StringArrayVar(&d.external, "external-data", nil, "serve externaldata URIs from local copies: a directory (files matched by the URI's file name) or URI=PATH (repeatable)")
}

func (d *dataFlags) sourceOptions() source.Options {
	return source.Options{Format: d.inputFormat, Strict: d.strict, NoDedupe: d.keepDuplicates}
}

func (d *dataFlags) empty() bool { return len(d.data) == 0 && d.store == "" && len(d.tables) == 0 }

// load makes the data the flags name available in ws. Activity logs are read
// on demand, with only the columns queries use; the input summary is
// printed on standard error when they are first read.
func (d *dataFlags) load(ctx context.Context, a *app, ws *workspace.Workspace) error {
	if len(d.external) > 0 {
		var dirs []string
		pairs := map[string]string{}
		for _, e := range d.external {
			if k, v, ok := strings.Cut(e, "="); ok && strings.Contains(k, "://") {
				pairs[k] = v
				continue
			}
			dirs = append(dirs, e)
		}
		ws.ExternalData = workspace.ExternalResolver(dirs, pairs)
	}
	if len(d.data) > 0 && d.store != "" {
		return withStatus(exitUsage, fmt.Errorf("give --data or --store, not both"))
	}
	if len(d.data) > 0 {
		if _, err := source.Expand(d.data); err != nil {
			return withStatus(exitUsage, err)
		}
		t := workspace.NewFileTable(d.data, d.sourceOptions(), workspace.ScanLoader)
		printed := false
		t.OnLoad = func(rep *source.Report) {
			if !d.quiet && !printed {
				fmt.Fprint(a.stderr, rep.Summary())
				printed = true
			}
		}
		ws.SetTable(workspace.ActivityTable, t)
	}
	if d.store != "" {
		t, err := workspace.OpenStore(d.store)
		if err != nil {
			return withStatus(exitError, err)
		}
		ws.SetTable(workspace.ActivityTable, t)
	}
	for _, spec := range d.tables {
		name, path, ok := strings.Cut(spec, "=")
		if !ok || name == "" || path == "" {
			return withStatus(exitUsage, fmt.Errorf("--table %q: want NAME=PATH", spec))
		}
		t, err := workspace.LoadRowsTable(path)
		if err != nil {
			return withStatus(exitError, err)
		}
		ws.SetTable(name, t)
	}
	return nil
}
