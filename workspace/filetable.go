package workspace

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"kqlhunt/activity"
	"kqlhunt/batch"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
	"kqlhunt/scan"
	"kqlhunt/source"
)

// LoadSpec says what a Loader reads.
type LoadSpec struct {
	// Columns names the columns to build (nil: all).
	Columns []string
	// Filter, when non-nil, allows leaving out rows that satisfy none of
	// its conjunctions (see scan.Options.Filter).
	Filter [][]exec.Pred
	// Latest, when positive, allows leaving out rows more than Latest
	// before the latest TimeGenerated (see scan.Options.Latest).
	Latest time.Duration
}

// Loaded is what a Loader returns.
type Loaded struct {
	Table  *exec.MemTable
	Report *source.Report
	// Span is the range of TimeGenerated over every row read, whether
	// the table keeps it or not; ok is false when no row was read.
	First, Last time.Time
	SpanOK      bool
}

// Loader reads the AzureActivity rows of paths as spec says. A loader that
// ignores spec.Filter and spec.Latest (keeping every row) is correct too.
// On error the result may still carry the input report.
type Loader func(ctx context.Context, paths []string, spec LoadSpec, opts source.Options) (*Loaded, error)

// FileTable is AzureActivity data in files, loaded on demand with only the
// columns and rows queries use. The first query that needs a column, or
// rows, not yet loaded reads the files again for the union of what was
// needed so far; later queries over the same columns and rows (a
// backtest's many runs, a join's second reference) are served from memory.
//
// Rows: each table reference of a query selects rows by the simple
// predicates of the where clauses right after it and by the rule's time
// scope (exec.ScanRequest Preds and Time). The load keeps the rows that
// satisfy at least one reference's predicates, so a query over a week of
// logs with a one-day lookback holds one day in memory. The executor still
// applies every where clause, so results do not depend on what was left
// out; a later reference whose rows the loaded ones do not provably cover
// causes a reload.
type FileTable struct {
	paths []string
	opts  source.Options
	load  Loader
	// OnLoad, when set, is called with the input report of every load.
	OnLoad func(*source.Report)

	mu     sync.Mutex
	table  *exec.MemTable
	cols   map[string]bool // loaded columns; nil when all are loaded
	rows   rowSet          // loaded rows
	all    bool
	record map[string]bool // columns requested while recording
	recRow rowSet          // rows requested while recording
	rec    bool
	// recMode says which rows recorded requests need.
	recMode recordMode
	recWin  Window
	// span of the rows read by the last load.
	first, last time.Time
	spanOK      bool
}

// NewFileTable returns a table over paths read with load (nil: the generic
// decoders of package source).
func NewFileTable(paths []string, opts source.Options, load Loader) *FileTable {
	if load == nil {
		load = LoadActivityColumns
	}
	return &FileTable{paths: paths, opts: opts, load: load}
}

// Schema returns the AzureActivity schema.
func (t *FileTable) Schema() *batch.Schema { return activity.Schema() }

// Scan serves the request from memory, loading missing columns first. While
// recording, it notes the columns and emits nothing.
func (t *FileTable) Scan(ctx context.Context, req exec.ScanRequest, emit func(*batch.Batch) error) error {
	t.mu.Lock()
	if t.rec {
		if req.Columns == nil {
			t.record = nil
			t.all = true
		} else if !t.all {
			if t.record == nil {
				t.record = map[string]bool{}
			}
			for _, c := range req.Columns {
				t.record[c] = true
			}
		}
		switch t.recMode {
		case recordExact:
			t.recRow = t.recRow.union(requestRows(req))
		case recordWindow:
			t.recRow = t.recRow.union(t.recWin.rows())
		default:
			t.recRow = rowSet{all: true}
		}
		t.mu.Unlock()
		return nil
	}
	tbl, err := t.ensure(ctx, req.Columns, requestRows(req))
	t.mu.Unlock()
	if err != nil {
		return err
	}
	return tbl.Scan(ctx, req, emit)
}

// ensure loads the columns cols (nil: all) and the rows rows if they are
// not loaded yet. The caller holds t.mu.
func (t *FileTable) ensure(ctx context.Context, cols []string, rows rowSet) (*exec.MemTable, error) {
	if rows.latest > 0 && t.spanOK {
		rows = Window{From: t.last.Add(-rows.latest)}.rows()
	}
	if t.table != nil && (t.cols == nil || covers(t.cols, cols)) && t.rows.covers(rows) {
		return t.table, nil
	}
	if t.table != nil {
		rows = rows.union(t.rows)
	}
	var want []string
	if cols != nil && t.cols != nil || cols != nil && t.table == nil {
		set := map[string]bool{}
		for c := range t.cols {
			set[c] = true
		}
		for _, c := range cols {
			set[c] = true
		}
		for c := range set {
			want = append(want, c)
		}
		sort.Strings(want)
	}
	spec := LoadSpec{Columns: want, Filter: rows.filter(), Latest: rows.latest}
	ld, err := t.load(ctx, t.paths, spec, t.opts)
	if ld != nil && ld.Report != nil && t.OnLoad != nil {
		t.OnLoad(ld.Report)
	}
	if err != nil {
		return nil, err
	}
	t.table = ld.Table
	t.first, t.last, t.spanOK = ld.First, ld.Last, ld.SpanOK
	switch {
	case rows.latest > 0 && ld.SpanOK:
		// Every row at or after the latest minus the window is held.
		rows = Window{From: ld.Last.Add(-rows.latest)}.rows()
	case rows.latest > 0:
		rows = rowSet{all: true} // no rows at all
	}
	t.rows = rows
	tbl := ld.Table
	if want == nil {
		t.cols = nil
	} else {
		t.cols = map[string]bool{}
		for _, c := range want {
			t.cols[c] = true
		}
	}
	return tbl, nil
}

func covers(have map[string]bool, want []string) bool {
	if want == nil {
		return false
	}
	for _, c := range want {
		if !have[c] {
			return false
		}
	}
	return true
}

// startRecording makes Scan note the columns requested instead of serving
// rows.
func (t *FileTable) startRecording() {
	t.mu.Lock()
	t.rec, t.record, t.all, t.recRow = true, nil, false, rowSet{}
	t.mu.Unlock()
}

// recordMode says which rows the requests recorded during a dry run need.
type recordMode uint8

const (
	recordAll    recordMode = iota // every row
	recordExact                    // the rows each request selects
	recordWindow                   // the rows of a Window
)

// recordAs sets which rows the requests recorded from now on need.
func (t *FileTable) recordAs(mode recordMode, w Window) {
	t.mu.Lock()
	t.recMode, t.recWin = mode, w
	t.mu.Unlock()
}

// Span returns the range of TimeGenerated over the rows the files hold,
// once they have been read (ok false before, or when there are none).
func (t *FileTable) Span() (first, last time.Time, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.table == nil {
		return time.Time{}, time.Time{}, false
	}
	return t.first, t.last, t.spanOK
}

// loaded reports whether the files have been read.
func (t *FileTable) loaded() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.table != nil
}

// stopRecording ends recording and, when ok, loads every column recorded
// in one pass.
func (t *FileTable) stopRecording(ctx context.Context, ok bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rec, t.recMode = false, recordAll
	if !ok {
		return nil
	}
	var cols []string
	if !t.all {
		for c := range t.record {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		if len(cols) == 0 {
			cols = []string{"TimeGenerated"}
		}
	}
	rows := t.recRow
	if !rows.all && len(rows.conjs) == 0 && rows.latest == 0 {
		rows = rowSet{all: true} // no scan was recorded
	}
	_, err := t.ensure(ctx, cols, rows)
	return err
}

// ScanLoader reads activity logs with the parallel column scanner (package
// scan), which decodes only the requested columns of NDJSON rows, builds
// only the rows spec lets it keep, and hands every other shape to the
// generic decoders.
func ScanLoader(ctx context.Context, paths []string, spec LoadSpec, opts source.Options) (*Loaded, error) {
	t, rep, span, err := scan.LoadSpan(ctx, paths, spec.Columns, scan.Options{Options: opts, Filter: spec.Filter, Latest: spec.Latest})
	return loaded(t, rep, span), err
}

// loaded returns a loader's result from a table, its report and the span
// of the rows read.
func loaded(t *exec.MemTable, rep *source.Report, span scan.Span) *Loaded {
	return &Loaded{Table: t, Report: rep, First: types.TimeFromTicks(span.First), Last: types.TimeFromTicks(span.Last), SpanOK: span.OK}
}

// LoadActivityColumns reads paths with the generic decoders into an
// in-memory AzureActivity table of the columns spec names (nil: all). It
// reads every row: spec.Filter and spec.Latest are ignored.
func LoadActivityColumns(ctx context.Context, paths []string, spec LoadSpec, opts source.Options) (*Loaded, error) {
	b, err := activity.NewBuilder(spec.Columns, 0)
	if err != nil {
		return nil, err
	}
	var batches []*batch.Batch
	var span scan.Span
	rep, err := source.Read(ctx, paths, opts, func(r *activity.Record) error {
		span.Include(r.TimeGenerated)
		if full := b.Append(r); full != nil {
			batches = append(batches, full)
		}
		return nil
	})
	if err != nil {
		return &Loaded{Report: rep}, err
	}
	if last := b.Flush(); last != nil && last.Len > 0 {
		batches = append(batches, last)
	}
	t, err := exec.NewMemTable(b.Schema(), batches...)
	if err != nil {
		return &Loaded{Report: rep}, fmt.Errorf("building the %s table: %w", ActivityTable, err)
	}
	return loaded(t, rep, span), nil
}
