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
// columns (nil: all).
type Loader func(ctx context.Context, paths []string, cols []string, opts source.Options) (*exec.MemTable, *source.Report, error)

// FileTable is AzureActivity data in files, loaded on demand with only the
// columns queries use. The first query that needs a column not yet loaded
// reads the files again for the union of the columns needed so far; later
// queries over the same columns (a backtest's many runs, a join's second
// reference) are served from memory.
type FileTable struct {
	paths []string
	opts  source.Options
	load  Loader
	// OnLoad, when set, is called with the input report of every load.
	OnLoad func(*source.Report)

	mu     sync.Mutex
	table  *exec.MemTable
	cols   map[string]bool // loaded columns; nil when all are loaded
	all    bool
	record map[string]bool // columns requested while recording
	rec    bool
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
		t.mu.Unlock()
		return nil
	}
	tbl, err := t.ensure(ctx, req.Columns)
	t.mu.Unlock()
	if err != nil {
		return err
	}
	return tbl.Scan(ctx, req, emit)
}

// ensure loads the columns cols (nil: all) if they are not loaded yet.
// The caller holds t.mu.
func (t *FileTable) ensure(ctx context.Context, cols []string) (*exec.MemTable, error) {
	if t.table != nil && (t.cols == nil || covers(t.cols, cols)) {
		return t.table, nil
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
	tbl, rep, err := t.load(ctx, t.paths, want, t.opts)
	if rep != nil && t.OnLoad != nil {
		t.OnLoad(rep)
	}
	if err != nil {
		return nil, err
	}
	t.table = tbl
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
	t.rec, t.record, t.all = true, nil, false
	t.mu.Unlock()
}

// stopRecording ends recording and, when ok, loads every column recorded
// in one pass.
func (t *FileTable) stopRecording(ctx context.Context, ok bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rec = false
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
	_, err := t.ensure(ctx, cols)
	return err
}

// LoadActivityColumns reads paths with the generic decoders into an
// in-memory AzureActivity table of the named columns (nil: all).
func LoadActivityColumns(ctx context.Context, paths []string, cols []string, opts source.Options) (*exec.MemTable, *source.Report, error) {
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
