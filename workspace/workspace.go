// Package workspace is an offline stand-in for a Log Analytics workspace: the
// tables a query may read (activity logs loaded from files or the local
// store, watchlists), their schemas, and the glue that runs KQL over them
// for the CLI and the rule runtime.
package workspace

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
	"kqlhunt/rule"
	"kqlhunt/source"
)

// ActivityTable is the name of the Azure activity table.
const ActivityTable = "AzureActivity"

// Workspace holds the tables queries run against.
type Workspace struct {
	// Tables maps table names to their data.
	Tables map[string]exec.Table
	// Env is the checker's view: schemas of the tables (including those
	// with no data loaded) and host table functions.
	Env *check.Env
	// ExecTableFuncs serves host table functions such as _GetWatchlist.
	ExecTableFuncs map[string]exec.TableFunc
	// MemoryLimit bounds the memory of summarize, join, sort and distinct
	// (0: the engine's default).
	MemoryLimit int64
	// Params substitutes {{Name}} placeholders in query text.
	Params map[string]string
	// ExternalData maps externaldata URIs to local copies (see
	// ExternalResolver); nil reads only local paths.
	ExternalData func(uri string) (string, bool)
}

// New returns a workspace whose checker knows the built-in schemas and
// whose tables are empty.
func New() *Workspace {
	return &Workspace{Tables: map[string]exec.Table{}, Env: check.DefaultEnv(), ExecTableFuncs: map[string]exec.TableFunc{}}
}

// AddSchemas adds the table schemas found in dir (JSON files in the
// AzureActivity.json format) to the checker's view.
func (w *Workspace) AddSchemas(dir string) error {
	m, err := check.LoadSchemaDir(dir)
	if err != nil {
		return fmt.Errorf("loading schemas from %s: %w", dir, err)
	}
	for name, s := range m {
		w.Env.Tables[name] = s
	}
	return nil
}

// SetTable makes t the data of table name.
func (w *Workspace) SetTable(name string, t exec.Table) {
	w.Tables[name] = t
	if _, ok := w.Env.Tables[name]; !ok {
		w.Env.Tables[name] = t.Schema()
	}
}

// LoadActivity reads Azure activity logs from paths (files, directories or
// globs, in any supported shape) into an in-memory AzureActivity table.
func LoadActivity(ctx context.Context, paths []string, opts source.Options) (*exec.MemTable, *source.Report, error) {
	ld, err := LoadActivityColumns(ctx, paths, LoadSpec{}, opts)
	if ld == nil {
		return nil, nil, err
	}
	return ld.Table, ld.Report, err
}

// Span returns the earliest and latest TimeGenerated in table t, and false
// when it holds no rows with a time. A table backed by files that have
// been read answers from what the read saw, including rows it did not
// keep.
func Span(ctx context.Context, t exec.Table) (first, last time.Time, ok bool, err error) {
	if ft, isFile := fileTable(t); isFile && ft.loaded() {
		first, last, ok = ft.Span()
		return first, last, ok, nil
	}
	var lo, hi int64
	err = t.Scan(ctx, exec.ScanRequest{Columns: []string{"TimeGenerated"}}, func(b *batch.Batch) error {
		c := b.Cols[0]
		for i := 0; i < b.Len; i++ {
			if c.IsNull(i) {
				continue
			}
			v := c.Ints[i]
			if !ok || v < lo {
				lo = v
			}
			if !ok || v > hi {
				hi = v
			}
			ok = true
		}
		return nil
	})
	return types.TimeFromTicks(lo), types.TimeFromTicks(hi), ok, err
}

// Options returns the engine options for a query pinned at now, scoped to
// [from, to] on TimeGenerated when scope is true.
func (w *Workspace) options(now time.Time, scope *exec.TimeScope) exec.Options {
	return exec.Options{
		Now:          now,
		Tables:       w.Tables,
		Env:          w.Env,
		TimeScope:    scope,
		MemoryLimit:  w.MemoryLimit,
		TableFuncs:   w.ExecTableFuncs,
		Params:       w.Params,
		ExternalData: w.ExternalData,
	}
}

// Query runs src with now() pinned to now and no time scope.
func (w *Workspace) Query(ctx context.Context, name, src string, now time.Time) (*Result, error) {
	opts := w.options(now, nil)
	opts.Filename = name
	res, err := w.run(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	return &Result{res}, nil
}

// run executes src, first preparing tables backed by files.
func (w *Workspace) run(ctx context.Context, src string, opts exec.Options) (*exec.Result, error) {
	if err := PrepareAll(ctx, []DryRunSpec{{opts: opts, query: src, mode: recordExact}}); err != nil {
		return nil, err
	}
	return exec.Run(ctx, src, opts)
}

// Prepare loads, in one pass over the files, every column that the given
// queries need from tables backed by files, so that running them later
// reads no file again.
func (w *Workspace) Prepare(ctx context.Context, queries []string) error {
	var runs []DryRunSpec
	for _, q := range queries {
		runs = append(runs, w.DryRun(q))
	}
	return PrepareAll(ctx, runs)
}

// DryRun returns a dry run of query on w, for PrepareAll. It learns the
// columns query needs, not its rows: the query may later run at other
// times and over other time scopes, so every row is loaded.
func (w *Workspace) DryRun(query string) DryRunSpec {
	now := time.Now().UTC()
	return DryRunSpec{opts: w.options(now, &exec.TimeScope{Column: "TimeGenerated", From: now.Add(-24 * time.Hour), To: now}), query: query, mode: recordAll}
}

// DryRunWindow is DryRun for runs that read only the rows of w (a hunt at
// a known time, or at the latest event, reads only its rules' lookback):
// the preparation loads those rows only.
func (w *Workspace) DryRunWindow(query string, win Window) DryRunSpec {
	s := w.DryRun(query)
	s.mode, s.win = recordWindow, win
	return s
}

// DryRunSpec is a query to run over no rows to learn the columns (and the
// rows) it needs; see PrepareAll.
type DryRunSpec struct {
	opts  exec.Options
	query string
	mode  recordMode
	win   Window
}

// fileTable returns the table backed by files behind t (through input
// filters), if there is one.
func fileTable(t exec.Table) (*FileTable, bool) {
	for {
		u, ok := t.(interface{ unwrap() exec.Table })
		if !ok {
			break
		}
		t = u.unwrap()
	}
	ft, ok := t.(*FileTable)
	return ft, ok
}

// PrepareAll learns, from a dry run of each query over no rows, which
// columns (and rows) the queries need from tables backed by files, and
// loads them in one pass. Tables that already hold those columns and rows
// are not read again. A query that fails to parse or check fails the
// preparation.
func PrepareAll(ctx context.Context, runs []DryRunSpec) error {
	seen := map[*FileTable]bool{}
	var fts []*FileTable
	for _, r := range runs {
		for _, t := range r.opts.Tables {
			if ft, ok := fileTable(t); ok && !seen[ft] {
				seen[ft] = true
				fts = append(fts, ft)
			}
		}
	}
	if len(fts) == 0 {
		return nil
	}
	for _, ft := range fts {
		ft.startRecording()
	}
	var dryErr error
	for _, r := range runs {
		for _, ft := range fts {
			ft.recordAs(r.mode, r.win)
		}
		if _, err := exec.Run(ctx, r.query, r.opts); err != nil && dryErr == nil {
			dryErr = err
		}
	}
	for _, ft := range fts {
		if err := ft.stopRecording(ctx, dryErr == nil); err != nil {
			return err
		}
	}
	return dryErr
}

// Run implements the rule runtime's engine: src runs with every table
// reference scoped to TimeGenerated in [from, to] and now() pinned to to.
func (w *Workspace) Run(ctx context.Context, src string, from, to time.Time) (*Result, error) {
	opts := w.options(to, &exec.TimeScope{Column: "TimeGenerated", From: from, To: to})
	res, err := w.run(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	return &Result{res}, nil
}

// TablesRead returns the tables src reads, sorted. Tables with no known
// schema count too.
func (w *Workspace) TablesRead(src string) ([]string, error) {
	info, _, err := w.CheckLenient("query", src)
	if err != nil {
		return nil, err
	}
	out := append([]string(nil), info.TablesRead...)
	sort.Strings(out)
	return out, nil
}

// Check parses and checks src against the workspace's schemas.
func (w *Workspace) Check(name, src string) (*check.Info, error) {
	q, err := syntax.Parse(name, src, &syntax.ParseOptions{Params: w.Params})
	if err != nil {
		return nil, err
	}
	return check.Check(syntax.NewFileFor(name, src, &syntax.ParseOptions{Params: w.Params}), q, w.Env)
}

// CheckLenient checks src like Check, but treats tables and tabular
// functions (such as ASIM parsers) with no known schema as having any
// columns, so that their columns go unchecked while the rest of the query
// is still checked. It returns the names of those tables and functions.
func (w *Workspace) CheckLenient(name, src string) (*check.Info, []string, error) {
	opts := &syntax.ParseOptions{Params: w.Params}
	q, err := syntax.Parse(name, src, opts)
	if err != nil {
		return nil, nil, err
	}
	file := syntax.NewFileFor(name, src, opts)
	env := w.Env
	var open []string
	for attempt := 0; attempt < 8; attempt++ {
		info, err := check.Check(file, q, env)
		var el syntax.ErrorList
		if err == nil || !errors.As(err, &el) {
			return info, open, err
		}
		var tables, funcs []string
		for _, e := range el {
			if t, ok := strings.CutPrefix(e.Msg, "unknown table "); ok {
				t, _, _ = strings.Cut(t, " ")
				tables = append(tables, t)
			}
			if f, ok := strings.CutPrefix(e.Msg, "unknown tabular function "); ok {
				f, _, _ = strings.Cut(f, " ")
				funcs = append(funcs, f)
			}
		}
		if len(tables)+len(funcs) == 0 {
			return info, open, err
		}
		if env == w.Env {
			env = cloneEnv(w.Env)
		}
		added := false
		for _, t := range tables {
			if _, ok := env.Tables[t]; !ok {
				env.Tables[t] = &batch.Schema{Open: true}
				open = append(open, t)
				added = true
			}
		}
		for _, f := range funcs {
			if _, ok := env.TableFuncs[f]; !ok {
				env.TableFuncs[f] = func([]types.Value) (*batch.Schema, error) { return &batch.Schema{Open: true}, nil }
				open = append(open, f)
				added = true
			}
		}
		if !added {
			return info, open, err
		}
	}
	info, err := check.Check(file, q, env)
	return info, open, err
}

func cloneEnv(e *check.Env) *check.Env {
	c := check.NewEnv()
	for k, v := range e.Tables {
		c.Tables[k] = v
	}
	for k, v := range e.TableFuncs {
		c.TableFuncs[k] = v
	}
	return c
}

// Result adapts an engine result to the interfaces of the output writers
// and the rule runtime.
type Result struct {
	*exec.Result
}

// Columns returns the result's columns.
func (r *Result) Columns() []batch.Field {
	if r.Schema == nil {
		return nil
	}
	return r.Schema.Fields
}

// IsSyntaxOrCheckError reports whether err is a list of positioned query
// errors (as opposed to a run-time failure).
func IsSyntaxOrCheckError(err error) bool {
	var el syntax.ErrorList
	return errors.As(err, &el)
}

// RuleEngine returns w as the engine the rule runtime drives.
func (w *Workspace) RuleEngine() rule.Engine { return ruleEngine{w} }

type ruleEngine struct{ w *Workspace }

func (e ruleEngine) Run(ctx context.Context, src string, from, to time.Time) (rule.ResultSet, error) {
	r, err := e.w.Run(ctx, src, from, to)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (e ruleEngine) TablesRead(src string) ([]string, error) { return e.w.TablesRead(src) }
