package workspace

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"kqlhunt/activity"
	"kqlhunt/batch"
	"kqlhunt/kql/exec"
	"kqlhunt/source"
)

// Loader reads the AzureActivity rows of paths, building only the named
// columns (nil: all). When filter is non-nil it may leave out rows that
// satisfy none of its conjunctions (see scan.Options.Filter); a loader that
// ignores it is correct too.
type Loader func(ctx context.Context, paths []string, cols []string, filter [][]exec.Pred, opts source.Options) (*exec.MemTable, *source.Report, error)

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
	// colsOnly makes recording note columns but not rows (every row).
	colsOnly bool
	// Loads counts the times the files were read.
	loads int
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
		if t.colsOnly {
			t.recRow = rowSet{all: true}
		} else {
			t.recRow = t.recRow.union(requestRows(req))
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
	t.loads++
	tbl, rep, err := t.load(ctx, t.paths, want, rows.filter(), t.opts)
	if rep != nil && t.OnLoad != nil {
		t.OnLoad(rep)
	}
	if err != nil {
		return nil, err
	}
	t.table = tbl
	t.rows = rows
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

// recordColumnsOnly makes the requests recorded from now on need every
// row (on) or only their own rows (off).
func (t *FileTable) recordColumnsOnly(on bool) {
	t.mu.Lock()
	t.colsOnly = on
	t.mu.Unlock()
}

// stopRecording ends recording and, when ok, loads every column recorded
// in one pass.
func (t *FileTable) stopRecording(ctx context.Context, ok bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rec, t.colsOnly = false, false
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
	if !rows.all && len(rows.conjs) == 0 {
		rows = rowSet{all: true} // no scan was recorded
	}
	_, err := t.ensure(ctx, cols, rows)
	return err
}

// LoadActivityColumns reads paths with the generic decoders into an
// in-memory AzureActivity table of the named columns (nil: all).
// It reads every row: filter is ignored.
func LoadActivityColumns(ctx context.Context, paths []string, cols []string, filter [][]exec.Pred, opts source.Options) (*exec.MemTable, *source.Report, error) {
	b, err := activity.NewBuilder(cols, 0)
	if err != nil {
		return nil, nil, err
	}
	var batches []*batch.Batch
	rep, err := source.Read(ctx, paths, opts, func(r *activity.Record) error {
		if full := b.Append(r); full != nil {
			batches = append(batches, full)
		}
		return nil
	})
	if err != nil {
		return nil, rep, err
	}
	if last := b.Flush(); last != nil && last.Len > 0 {
		batches = append(batches, last)
	}
	t, err := exec.NewMemTable(b.Schema(), batches...)
	if err != nil {
		return nil, rep, fmt.Errorf("building the %s table: %w", ActivityTable, err)
	}
	return t, rep, nil
}
