package workspace

import (
	"context"
	"fmt"
	"iter"
	"math"
	"os"
	"time"

	"kqlhunt/activity"
	"kqlhunt/batch"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
	"kqlhunt/scan"
	"kqlhunt/source"
	"kqlhunt/store"
)

// storeTable serves the local columnar store as an engine table. It reads
// only the columns a query needs and skips partitions and row groups
// outside the query's time scope.
type storeTable struct {
	st *store.Store
}

// OpenStore opens the local store in dir as the AzureActivity table.
func OpenStore(dir string) (exec.Table, error) {
	st, err := store.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("opening store %s: %w", dir, err)
	}
	return &storeTable{st: st}, nil
}

func (t *storeTable) Schema() *batch.Schema {
	if s := t.st.Schema(); s != nil && len(s.Fields) > 0 {
		return s
	}
	return activity.Schema()
}

// Scan reads the requested columns of the days and row groups that can
// hold rows in the request's time scope and in the range its predicates
// on TimeGenerated allow (such as where TimeGenerated > ago(1h)).
func (t *storeTable) Scan(ctx context.Context, req exec.ScanRequest, emit func(*batch.Batch) error) error {
	from := time.Unix(0, math.MinInt64).UTC()
	to := time.Unix(0, math.MaxInt64).UTC()
	if req.Time != nil && req.Time.Column == store.TimeColumn {
		from, to = req.Time.From, req.Time.To
	}
	lo, hi := rangeOf(req.Preds, store.TimeColumn)
	if lo > hi {
		return nil // the predicates select no rows
	}
	if lo != math.MinInt64 {
		if t := timeOfTicks(lo); t.After(from) {
			from = t
		}
	}
	if hi != math.MaxInt64 {
		if t := timeOfTicks(hi); t.Before(to) {
			to = t
		}
	}
	cols := req.Columns
	if cols == nil {
		for _, f := range t.Schema().Fields {
			cols = append(cols, f.Name)
		}
	}
	return t.st.Scan(ctx, cols, from, to, emit)
}

// timeOfTicks converts datetime ticks to a time, clamped to the range a
// time.Time of nanoseconds since 1970 can hold (the store's own range).
func timeOfTicks(ticks int64) time.Time {
	switch {
	case ticks >= math.MaxInt64/100:
		return time.Unix(0, math.MaxInt64).UTC()
	case ticks <= math.MinInt64/100:
		return time.Unix(0, math.MinInt64).UTC()
	}
	return types.TimeFromTicks(ticks)
}

// IngestResult summarises an ingest of several inputs.
type IngestResult struct {
	Reports []store.IngestReport
	Input   []*source.Report
}

// Ingest reads each input file in any supported shape (NDJSON rows with the
// parallel scanner, as queries do) and writes it to the store in dir. A file already ingested (same content fingerprint) is
// skipped, so ingesting the same file twice does not duplicate rows.
func Ingest(ctx context.Context, dir string, files []string, opts source.Options) (*IngestResult, error) {
	st, err := store.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("opening store %s: %w", dir, err)
	}
	res := &IngestResult{}
	schema := activity.Schema()
	// Files are read one at a time, but whether they fit in the page
	// cache depends on all of them.
	var total int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			total += fi.Size()
		}
	}
	for _, f := range files {
		// The fingerprint pass reads the file once more: with many
		// reads in flight, and around the page cache like the scan when
		// the input cannot stay in it.
		fp := store.NewFingerprint()
		if err := scan.ReadFile(ctx, f, total, func(b []byte) error { _, err := fp.Write(b); return err }); err != nil {
			return res, fmt.Errorf("fingerprinting %s: %w", f, err)
		}
		id := fp.ID()
		var rep *source.Report
		seq := func(yield func(*batch.Batch, error) bool) {
			stopped := false
			// Every column is decoded, dynamic ones into values: smaller
			// chunks and batches than a query's keep the rows in flight
			// (and so memory) small.
			sopts := scan.Options{Options: opts, ChunkBytes: 2 << 20, BatchRows: 2048, InputBytes: total}
			r, err := scan.Stream(ctx, []string{f}, nil, sopts, func(b *batch.Batch) error {
				if !yield(b, nil) {
					stopped = true
					return errStopIngest
				}
				return nil
			})
			rep = r
			if stopped {
				return
			}
			if err != nil {
				yield(nil, err)
			}
		}
		ir, err := st.Ingest(ctx, iter.Seq2[*batch.Batch, error](seq), schema, id)
		res.Reports = append(res.Reports, ir)
		if rep != nil {
			res.Input = append(res.Input, rep)
		}
		if err != nil {
			return res, fmt.Errorf("ingesting %s: %w", f, err)
		}
	}
	return res, nil
}

var errStopIngest = fmt.Errorf("ingest stopped")
