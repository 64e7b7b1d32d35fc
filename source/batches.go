package source

import (
	"context"

	"kqlhunt/activity"
	"kqlhunt/batch"
)

// ReadBatches reads paths like Read and delivers the records as columnar
// batches of up to rows rows (0: activity.DefaultBatchRows) holding the
// columns in opts.Columns (nil: all, in schema order).
func ReadBatches(ctx context.Context, paths []string, opts Options, rows int, emit func(*batch.Batch) error) (*Report, error) {
	b, err := activity.NewBuilder(opts.Columns, rows)
	if err != nil {
		return newReport(opts.MaxExamples), err
	}
	rep, err := Read(ctx, paths, opts, func(r *activity.Record) error {
		if full := b.Append(r); full != nil {
			return emit(full)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	if last := b.Flush(); last != nil {
		if err := emit(last); err != nil {
			return rep, err
		}
	}
	return rep, nil
}
