package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"kqlhunt/alert"
	"kqlhunt/kql/syntax"
	"kqlhunt/rule"
	"kqlhunt/workspace"
)

type lintOptions struct {
	summary bool
	schemas []string
	params  []string
}

func newLintCmd(a *app) *cobra.Command {
	var o lintOptions
	cmd := &cobra.Command{
		Use:   "lint PATH...",
		Short: "Parse and check rule YAML files and .kql files, and lint rule fields against Sentinel's limits",
		Long: `lint reads rule YAML files, .kql files, or directories of them. It parses
each query, checks it against the known table schemas (AzureActivity is
built in; --schema DIR adds more), and checks rule fields against
Sentinel's limits. It prints one diagnostic per problem as
file:line:col: message, and exits non-zero when anything fails.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLint(cmd, a, args, &o)
		},
	}
	cmd.Flags().BoolVar(&o.summary, "summary", false, "print a final line 'N parsed, M failed'")
	cmd.Flags().StringArrayVar(&o.schemas, "schema", nil, "directory of table schema JSON files to add (repeatable)")
	cmd.Flags().StringArrayVar(&o.params, "param", nil, "substitute a {{Name}} placeholder: Name=value (repeatable)")
	return cmd
}

// lintFile is one file to lint.
type lintFile struct {
	path string
	kql  bool
}

func collectLintFiles(args []string) ([]lintFile, error) {
	var out []lintFile
	add := func(p string) {
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml":
			out = append(out, lintFile{path: p})
		case ".kql", ".csl":
			out = append(out, lintFile{path: p, kql: true})
		}
	}
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, fmt.Errorf("lint: %w", err)
		}
		if !st.IsDir() {
			ext := strings.ToLower(filepath.Ext(arg))
			if ext == ".kql" || ext == ".csl" {
				out = append(out, lintFile{path: arg, kql: true})
			} else {
				out = append(out, lintFile{path: arg})
			}
			continue
		}
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				add(p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walking %s: %w", arg, err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

// defaultTemplateParams fills the hunting-template placeholders
// {{StartTimeISO}} and {{EndTimeISO}} with the last day before now, unless
// --param gave them, as the rule runtime does for each run window.
func defaultTemplateParams(params map[string]string, now time.Time) {
	if _, ok := params["StartTimeISO"]; !ok {
		params["StartTimeISO"] = alert.FormatTime(now.Add(-24 * time.Hour))
	}
	if _, ok := params["EndTimeISO"]; !ok {
		params["EndTimeISO"] = alert.FormatTime(now)
	}
}

func parseParams(kv []string) (map[string]string, error) {
	m := map[string]string{}
	for _, p := range kv {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--param %q: want Name=value", p)
		}
		m[k] = v
	}
	return m, nil
}

func runLint(cmd *cobra.Command, a *app, args []string, o *lintOptions) error {
	files, err := collectLintFiles(args)
	if err != nil {
		return withStatus(exitUsage, err)
	}
	params, err := parseParams(o.params)
	if err != nil {
		return withStatus(exitUsage, err)
	}
	defaultTemplateParams(params, time.Now().UTC())
	ws := workspace.New()
	ws.Params = params
	for _, d := range o.schemas {
		if err := ws.AddSchemas(d); err != nil {
			return withStatus(exitUsage, err)
		}
	}
	var tally lintTally
	for _, f := range files {
		lintOne(a, ws, f, &tally)
	}
	if o.summary {
		fmt.Fprintf(a.stdout, "%d parsed, %d failed", tally.parsed, tally.parseFailed)
		var notes []string
		if tally.noQuery > 0 {
			notes = append(notes, fmt.Sprintf("%d files without a query", tally.noQuery))
		}
		if tally.checkFailed > 0 {
			notes = append(notes, fmt.Sprintf("%d queries with check errors", tally.checkFailed))
		}
		if tally.ruleErrors > 0 {
			notes = append(notes, fmt.Sprintf("%d files with rule-field errors", tally.ruleErrors))
		}
		if tally.unchecked > 0 {
			notes = append(notes, fmt.Sprintf("%d queries read tables with no schema, whose columns were not checked (add them with --schema DIR)", tally.unchecked))
		}
		if len(notes) > 0 {
			fmt.Fprintf(a.stdout, " (%s)", strings.Join(notes, "; "))
		}
		fmt.Fprintln(a.stdout)
	}
	if tally.parseFailed+tally.checkFailed+tally.ruleErrors+tally.unreadable > 0 {
		return silentStatus(exitError)
	}
	return nil
}

// lintTally counts lint outcomes. "parsed" and "parseFailed" count files
// with a query by whether it parses; the others count further problems.
type lintTally struct {
	parsed, parseFailed int
	checkFailed         int
	ruleErrors          int
	noQuery             int
	unreadable          int
	unchecked           int
}

// lintOne lints one file, printing its diagnostics and counting them.
func lintOne(a *app, ws *workspace.Workspace, f lintFile, t *lintTally) {
	if f.kql {
		data, err := os.ReadFile(f.path)
		if err != nil {
			fmt.Fprintf(a.stdout, "%s: %v\n", f.path, err)
			t.unreadable++
			return
		}
		src := strings.TrimPrefix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\ufeff")
		lintQuery(a, ws, f.path, src, nil, t)
		return
	}
	r, err := rule.LoadFile(f.path)
	if err != nil {
		fmt.Fprintf(a.stdout, "%s\n", err)
		t.unreadable++
		return
	}
	if strings.TrimSpace(r.Query) != "" {
		data, _ := os.ReadFile(f.path)
		lintQuery(a, ws, f.path, r.Query, newQueryMapper(string(data), r.Query), t)
	} else {
		t.noQuery++
	}
	bad := false
	for _, fd := range rule.Lint(r, ws.RuleEngine()) {
		fmt.Fprintln(a.stdout, fd.String())
		if fd.Level == rule.Error {
			bad = true
		}
	}
	if bad {
		t.ruleErrors++
	}
}

// lintQuery parses and checks one query, printing positioned diagnostics.
// Positions are mapped into the enclosing file by m when it is non-nil.
func lintQuery(a *app, ws *workspace.Workspace, path, src string, m *queryMapper, t *lintTally) {
	_, open, err := ws.CheckLenient(path, src)
	if len(open) > 0 {
		t.unchecked++
	}
	if err == nil {
		t.parsed++
		return
	}
	var el syntax.ErrorList
	if !errors.As(err, &el) {
		fmt.Fprintf(a.stdout, "%s: %v\n", path, err)
		t.parseFailed++
		return
	}
	if _, perr := syntax.Parse(path, src, &syntax.ParseOptions{Params: ws.Params}); perr != nil {
		t.parseFailed++
	} else {
		t.parsed++
		t.checkFailed++
	}
	file := syntax.NewFileFor(path, src, &syntax.ParseOptions{Params: ws.Params})
	for _, e := range el {
		line, col := e.Pos.Line, e.Pos.Column
		if m != nil {
			line, col = m.mapPos(line, col)
		}
		fmt.Fprintf(a.stdout, "%s:%d:%d: %s\n", path, line, col, e.Msg)
		if snippet := sourceSnippet(file, e); snippet != "" {
			fmt.Fprint(a.stdout, snippet)
		}
	}
}

// sourceSnippet returns the source line of e and a caret under its column.
func sourceSnippet(f *syntax.File, e *syntax.Error) string {
	full := syntax.FormatErrors(f, syntax.ErrorList{e})
	// FormatErrors starts with the "file:line:col: message" line; keep the rest.
	if i := strings.IndexByte(full, '\n'); i >= 0 {
		return full[i+1:]
	}
	return ""
}

// queryMapper maps line:column positions inside a query to positions in the
// YAML file that holds it.
type queryMapper struct {
	lines []mappedLine // by query line (0-based)
}

type mappedLine struct {
	fileLine int // 1-based
	indent   int // columns to add
}

func newQueryMapper(file, query string) *queryMapper {
	flines := strings.Split(strings.ReplaceAll(strings.TrimPrefix(file, "\ufeff"), "\r\n", "\n"), "\n")
	qlines := strings.Split(query, "\n")
	m := &queryMapper{}
	start := 0
	for i, fl := range flines {
		t := strings.TrimSpace(fl)
		if strings.HasPrefix(t, "query:") {
			start = i
			break
		}
	}
	next := start
	for _, ql := range qlines {
		trimmed := strings.TrimSpace(ql)
		found := -1
		if trimmed != "" {
			for j := next; j < len(flines) && j < next+50; j++ {
				if k := strings.Index(flines[j], trimmed); k >= 0 {
					found = j
					// indentation: file column of the query line's first character
					lead := len(ql) - len(strings.TrimLeft(ql, " \t"))
					m.lines = append(m.lines, mappedLine{fileLine: j + 1, indent: k - lead})
					next = j + 1
					break
				}
			}
		}
		if found < 0 {
			m.lines = append(m.lines, mappedLine{fileLine: next + 1, indent: 0})
			if trimmed == "" && next < len(flines) {
				next++
			}
		}
	}
	return m
}

func (m *queryMapper) mapPos(line, col int) (int, int) {
	if line < 1 || line > len(m.lines) {
		return line, col
	}
	l := m.lines[line-1]
	return l.fileLine, col + l.indent
}
