package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"

	"kqlhunt/batch"
	"kqlhunt/internal/suggest"
	"kqlhunt/kql/types"
)

// ScanStats counts the work a scan did; tests use it to check pruning.
type ScanStats struct {
	// PartitionsSkipped counts partition directories outside the range.
	PartitionsSkipped int
	// FilesOpened counts data files whose footer was read.
	FilesOpened int
	// RowGroupsRead counts row groups decoded.
	RowGroupsRead int
	// RowGroupsSkipped counts row groups skipped by TimeGenerated statistics.
	RowGroupsSkipped int
	// RowsEmitted counts rows passed to emit.
	RowsEmitted int64
}

// Scan calls emit with batches holding the given columns of every stored
// row whose TimeGenerated lies in [from, to]. A zero from or to leaves that
// side open, as does a from at or before time.Unix(0, math.MinInt64) or a
// to at or after time.Unix(0, math.MaxInt64) (the limits of a nanosecond
// timestamp); when both sides are open, rows with a null TimeGenerated are
// included too. A nil columns slice means all columns. Batches hold at most one row
// group (RowGroupRows rows); strings come dictionary-encoded where the file
// has dictionary pages. An empty store yields no batches whatever the
// columns; otherwise an unknown column is an error. emit is called from one goroutine at a time, in
// partition and file order; an error from emit stops the scan and is
// returned.
func (s *Store) Scan(ctx context.Context, columns []string, from, to time.Time, emit func(*batch.Batch) error) error {
	_, err := s.ScanWithStats(ctx, columns, from, to, emit)
	return err
}

// scanPlan is what every file decoder needs.
type scanPlan struct {
	schema   *batch.Schema // output schema
	from, to int64         // ticks, inclusive
	bounded  bool
}

type fileResult struct {
	b     *batch.Batch
	stats ScanStats
	err   error
}

// ScanWithStats is Scan that also reports how much it read.
func (s *Store) ScanWithStats(ctx context.Context, columns []string, from, to time.Time, emit func(*batch.Batch) error) (ScanStats, error) {
	var stats ScanStats
	if len(s.Schema().Fields) == 0 {
		return stats, nil // an empty store has no rows
	}
	plan, err := s.plan(columns, from, to)
	if err != nil {
		return stats, err
	}
	parts, err := s.partitions()
	if err != nil {
		return stats, err
	}
	var files []string
	for _, p := range parts {
		if plan.bounded {
			if p.null {
				stats.PartitionsSkipped++
				continue
			}
			lo, hi := p.day*ticksPerDay, (p.day+1)*ticksPerDay-1
			if hi < plan.from || lo > plan.to {
				stats.PartitionsSkipped++
				continue
			}
		}
		names, err := partitionFiles(filepath.Join(s.dir, p.dir))
		if err != nil {
			return stats, err
		}
		for _, n := range names {
			files = append(files, filepath.Join(s.dir, p.dir, n))
		}
	}
	if len(files) == 0 {
		return stats, nil
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := s.ScanWorkers
	if workers < 1 {
		workers = 1
	}
	// Each file gets a channel; workers decode files in order, at most
	// `workers` at a time, and the results are emitted in file order.
	outs := make([]chan fileResult, len(files))
	for i := range outs {
		outs[i] = make(chan fileResult, 1)
	}
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, path := range files {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for _, o := range outs[i:] {
					close(o)
				}
				return
			}
			wg.Add(1)
			go func(path string, out chan fileResult) {
				defer wg.Done()
				defer func() { <-sem }()
				defer close(out)
				st, err := plan.decodeFile(ctx, path, func(b *batch.Batch) error {
					select {
					case out <- fileResult{b: b}:
						return nil
					case <-ctx.Done():
						return ctx.Err()
					}
				})
				select {
				case out <- fileResult{stats: st, err: err}:
				case <-ctx.Done():
				}
			}(path, outs[i])
		}
	}()
	for i := range outs {
		for r := range outs[i] {
			if r.b != nil {
				stats.RowsEmitted += int64(r.b.Len)
				if err := emit(r.b); err != nil {
					cancel()
					return stats, err
				}
				continue
			}
			stats.FilesOpened += r.stats.FilesOpened
			stats.RowGroupsRead += r.stats.RowGroupsRead
			stats.RowGroupsSkipped += r.stats.RowGroupsSkipped
			if r.err != nil {
				cancel()
				return stats, r.err
			}
		}
		if err := ctx.Err(); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

func (s *Store) plan(columns []string, from, to time.Time) (*scanPlan, error) {
	all := s.Schema()
	p := &scanPlan{schema: &batch.Schema{}}
	if columns == nil {
		p.schema = all
	} else {
		names := make([]string, len(all.Fields))
		for i, f := range all.Fields {
			names[i] = f.Name
		}
		for _, c := range columns {
			i := all.Index(c)
			if i < 0 {
				if hint, ok := suggest.Closest(c, names); ok {
					return nil, fmt.Errorf("scan: unknown column %s (did you mean %s?)", c, hint)
				}
				return nil, fmt.Errorf("scan: unknown column %s", c)
			}
			p.schema.Fields = append(p.schema.Fields, all.Fields[i])
		}
	}
	p.from, p.to = minTicks, maxTicks
	if !from.IsZero() && from.After(openFrom) {
		p.from, p.bounded = types.TicksFromTime(from), true
	}
	if !to.IsZero() && to.Before(openTo) {
		p.to, p.bounded = types.TicksFromTime(to), true
	}
	return p, nil
}

// A from at or before openFrom, or a to at or after openTo, leaves that
// side of the range open: no stored datetime lies beyond them.
var (
	openFrom = time.Unix(0, math.MinInt64)
	openTo   = time.Unix(0, math.MaxInt64)
)

const (
	minTicks = -1 << 63
	maxTicks = 1<<63 - 1
)

// decodeFile decodes the row groups of one file that overlap the range.
func (p *scanPlan) decodeFile(ctx context.Context, path string, emit func(*batch.Batch) error) (st ScanStats, err error) {
	// The Parquet library may panic on corrupt input; report it as an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("scan: %s: corrupt Parquet file: %v", path, r)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return st, fmt.Errorf("scan: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return st, fmt.Errorf("scan: %w", err)
	}
	pf, err := parquet.OpenFile(f, info.Size(), parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return st, fmt.Errorf("scan: opening %s: %w", path, err)
	}
	st.FilesOpened++
	kinds := map[string]string{}
	if tag, ok := pf.Lookup(typesKey); ok {
		if err := json.Unmarshal([]byte(tag), &kinds); err != nil {
			return st, fmt.Errorf("scan: %s: bad %s metadata: %w", path, typesKey, err)
		}
	}
	schema := pf.Schema()
	timeLeaf := -1
	if lc, ok := schema.Lookup(TimeColumn); ok {
		timeLeaf = lc.ColumnIndex
	}
	leaves := make([]int, len(p.schema.Fields))
	for i, fd := range p.schema.Fields {
		leaves[i] = -1
		if lc, ok := schema.Lookup(fd.Name); ok {
			if k, ok := kinds[fd.Name]; ok && k != fd.Type.String() {
				return st, fmt.Errorf("scan: %s: column %s is %s in the file, %s in the store", path, fd.Name, k, fd.Type)
			}
			leaves[i] = lc.ColumnIndex
		}
	}
	meta := pf.Metadata()
	for gi, rg := range pf.RowGroups() {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		n := int(rg.NumRows())
		inside := !p.bounded
		if p.bounded && timeLeaf >= 0 && gi < len(meta.RowGroups) {
			lo, hi, ok := timeBounds(meta.RowGroups[gi].Columns[timeLeaf].MetaData.Statistics)
			if ok {
				if hi < p.from || lo > p.to {
					st.RowGroupsSkipped++
					continue
				}
				inside = lo >= p.from && hi <= p.to && meta.RowGroups[gi].Columns[timeLeaf].MetaData.Statistics.NullCount == 0
			}
		}
		st.RowGroupsRead++
		chunks := rg.ColumnChunks()
		b := &batch.Batch{Schema: p.schema, Cols: make([]*batch.Column, len(p.schema.Fields)), Len: n}
		for i, fd := range p.schema.Fields {
			if leaves[i] < 0 {
				b.Cols[i] = emptyColumn(fd.Type, n)
				continue
			}
			c, err := decodeColumn(chunks[leaves[i]], fd.Type, n)
			if err != nil {
				return st, fmt.Errorf("scan: %s: row group %d: column %s: %w", path, gi, fd.Name, err)
			}
			b.Cols[i] = c
		}
		if !inside {
			var tc *batch.Column
			if timeLeaf < 0 {
				tc = emptyColumn(types.DateTime, n)
			} else if i := p.schema.Index(TimeColumn); i >= 0 {
				tc = b.Cols[i]
			} else {
				tc, err = decodeColumn(chunks[timeLeaf], types.DateTime, n)
				if err != nil {
					return st, fmt.Errorf("scan: %s: row group %d: column %s: %w", path, gi, TimeColumn, err)
				}
			}
			b = p.filter(b, tc)
		}
		if b.Len == 0 {
			continue
		}
		if err := emit(b); err != nil {
			return st, err
		}
	}
	return st, nil
}

// timeBounds reads the min/max of a TIMESTAMP(NANOS) column chunk as ticks.
func timeBounds(s format.Statistics) (lo, hi int64, ok bool) {
	minB, maxB := s.MinValue, s.MaxValue
	if len(minB) != 8 || len(maxB) != 8 {
		minB, maxB = s.Min, s.Max
	}
	if len(minB) != 8 || len(maxB) != 8 {
		return 0, 0, false
	}
	lo = types.FloorDiv(int64(binary.LittleEndian.Uint64(minB)), 100)
	hi = types.FloorDiv(int64(binary.LittleEndian.Uint64(maxB)), 100)
	return lo, hi, true
}

// filter keeps the rows whose time lies in the plan's range.
func (p *scanPlan) filter(b *batch.Batch, tc *batch.Column) *batch.Batch {
	keep := make([]int, 0, b.Len)
	for r := 0; r < b.Len; r++ {
		if tc.IsNull(r) {
			if p.bounded {
				continue
			}
		} else if t := tc.Ints[r]; t < p.from || t > p.to {
			continue
		}
		keep = append(keep, r)
	}
	if len(keep) == b.Len {
		return b
	}
	out := &batch.Batch{Schema: b.Schema, Cols: make([]*batch.Column, len(b.Cols)), Len: len(keep)}
	for i, c := range b.Cols {
		out.Cols[i] = batch.Take(c, keep)
	}
	return out
}

// emptyColumn is n rows of a column that a file lacks: empty strings, or
// nulls.
func emptyColumn(t types.Type, n int) *batch.Column {
	c := &batch.Column{Type: t, Len: n}
	switch t {
	case types.String, types.Guid:
		c.Dict = []string{""}
		c.Codes = make([]uint32, n)
		return c
	case types.Dynamic:
		c.Dyns = make([]any, n)
	case types.Real, types.Decimal:
		c.Reals = make([]float64, n)
	default:
		c.Ints = make([]int64, n)
	}
	c.Nulls = make([]bool, n)
	for i := range c.Nulls {
		c.Nulls[i] = true
	}
	return c
}

// pageString makes one string holding a page's bytes; values are then
// sliced out of it without further allocation.
func pageString(data []byte) string {
	return string(data)
}

// decodeColumn decodes a column chunk of n rows into a batch column.
func decodeColumn(chunk parquet.ColumnChunk, t types.Type, n int) (*batch.Column, error) {
	c := &batch.Column{Type: t, Len: n}
	var (
		dict      parquet.Dictionary
		dictStrs  []string
		dictDyns  []any
		dictDone  []bool
		dictError []error
		codes     []uint32
		emptyCode = -1
		strs      []string
		hasNull   bool
	)
	switch t {
	case types.String, types.Guid:
	case types.Dynamic:
		c.Dyns = make([]any, 0, n)
	case types.Real, types.Decimal:
		c.Reals = make([]float64, 0, n)
	default:
		c.Ints = make([]int64, 0, n)
	}
	nulls := make([]bool, 0, n)
	pages := chunk.Pages()
	defer pages.Close()
	var vbuf []parquet.Value
	for {
		page, err := pages.ReadPage()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rows := int(page.NumRows())
		defs := page.DefinitionLevels()
		isNull := func(j int) bool { return defs != nil && defs[j] == 0 }
		data := page.Data()
		if d := page.Dictionary(); d != nil && (t == types.String || t == types.Guid || t == types.Dynamic) {
			if d != dict {
				if dict != nil && (t == types.String || t == types.Guid) && strs == nil {
					// A second dictionary in one chunk: fall back to plain strings.
					strs = make([]string, 0, n)
					for _, code := range codes {
						strs = append(strs, dictStrs[code])
					}
					codes = nil
				}
				dict = d
				dd := d.Page().Data()
				vals, offs := dd.ByteArray()
				all := pageString(vals)
				dictStrs = make([]string, len(offs)-1)
				for k := range dictStrs {
					dictStrs[k] = all[offs[k]:offs[k+1]]
				}
				emptyCode = -1
				dictDyns = make([]any, len(dictStrs))
				dictDone = make([]bool, len(dictStrs))
				dictError = make([]error, len(dictStrs))
			}
			idx := data.Int32()
			k := 0
			for j := 0; j < rows; j++ {
				null := isNull(j)
				var code int32
				if !null {
					if k >= len(idx) {
						return nil, errors.New("dictionary page shorter than its levels")
					}
					code = idx[k]
					k++
					if code < 0 || int(code) >= len(dictStrs) {
						return nil, fmt.Errorf("dictionary index %d out of range", code)
					}
				}
				switch t {
				case types.Dynamic:
					if null {
						c.Dyns = append(c.Dyns, nil)
						nulls = append(nulls, true)
						hasNull = true
						continue
					}
					if !dictDone[code] {
						dictDyns[code], dictError[code] = types.ParseDynamic(dictStrs[code])
						dictDone[code] = true
					}
					if dictError[code] != nil {
						return nil, fmt.Errorf("invalid JSON in dynamic value: %w", dictError[code])
					}
					c.Dyns = append(c.Dyns, dictDyns[code])
					nulls = append(nulls, false)
				default:
					if strs != nil {
						if null {
							strs = append(strs, "")
						} else {
							strs = append(strs, dictStrs[code])
						}
						continue
					}
					if null {
						// Strings are never null: a null reads as "".
						if emptyCode < 0 {
							dictStrs = append(dictStrs, "")
							emptyCode = len(dictStrs) - 1
						}
						codes = append(codes, uint32(emptyCode))
					} else {
						codes = append(codes, uint32(code))
					}
				}
			}
			parquet.Release(page)
			continue
		}
		switch data.Kind() {
		case encoding.ByteArray:
			if dict != nil && (t == types.String || t == types.Guid) && strs == nil {
				// Dictionary fallback to plain pages mid-chunk.
				strs = make([]string, 0, n)
				for _, code := range codes {
					strs = append(strs, dictStrs[code])
				}
				codes = nil
			}
			vals, offs := data.ByteArray()
			all := pageString(vals)
			k := 0
			for j := 0; j < rows; j++ {
				null := isNull(j)
				var s string
				if !null {
					if k+1 >= len(offs) {
						return nil, errors.New("page shorter than its levels")
					}
					s = all[offs[k]:offs[k+1]]
					k++
				}
				switch t {
				case types.Dynamic:
					if null {
						c.Dyns = append(c.Dyns, nil)
						nulls = append(nulls, true)
						hasNull = true
						continue
					}
					v, err := types.ParseDynamic(s)
					if err != nil {
						return nil, fmt.Errorf("invalid JSON in dynamic value: %w", err)
					}
					c.Dyns = append(c.Dyns, v)
					nulls = append(nulls, false)
				case types.String, types.Guid:
					strs = append(strs, s)
				default:
					return nil, fmt.Errorf("byte array data in a %s column", t)
				}
			}
		case encoding.Int64:
			vals := data.Int64()
			k := 0
			for j := 0; j < rows; j++ {
				if isNull(j) {
					c.Ints = append(c.Ints, 0)
					nulls = append(nulls, true)
					hasNull = true
					continue
				}
				if k >= len(vals) {
					return nil, errors.New("page shorter than its levels")
				}
				v := vals[k]
				k++
				if t == types.DateTime {
					v = types.FloorDiv(v, 100)
				}
				c.Ints = append(c.Ints, v)
				nulls = append(nulls, false)
			}
		default:
			// Less common physical types go through the generic reader.
			if cap(vbuf) < rows {
				vbuf = make([]parquet.Value, rows)
			}
			vr := page.Values()
			got := 0
			for got < rows {
				m, err := vr.ReadValues(vbuf[got:rows])
				got += m
				if err == io.EOF {
					break
				}
				if err != nil {
					return nil, err
				}
				if m == 0 {
					break
				}
			}
			for j := 0; j < got; j++ {
				v := vbuf[j]
				null := v.IsNull()
				if null {
					hasNull = true
				}
				nulls = append(nulls, null)
				switch t {
				case types.Real, types.Decimal:
					f := 0.0
					if !null {
						f = v.Double()
					}
					c.Reals = append(c.Reals, f)
				case types.Bool:
					var x int64
					if !null && v.Boolean() {
						x = 1
					}
					c.Ints = append(c.Ints, x)
				case types.Int, types.Long, types.TimeSpan:
					var x int64
					if !null {
						x = v.Int64()
						if v.Kind() == parquet.Int32 {
							x = int64(v.Int32())
						}
					}
					c.Ints = append(c.Ints, x)
				default:
					return nil, fmt.Errorf("unsupported %s data in a %s column", v.Kind(), t)
				}
			}
		}
		parquet.Release(page)
	}
	switch t {
	case types.String, types.Guid:
		if strs != nil {
			c.Strs = strs
		} else {
			c.Dict, c.Codes = dictStrs, codes
			if c.Codes == nil {
				c.Codes = []uint32{}
			}
		}
		got := len(c.Strs)
		if c.Strs == nil {
			got = len(c.Codes)
		}
		if got != n {
			return nil, fmt.Errorf("decoded %d rows, want %d", got, n)
		}
		return c, nil
	}
	if len(nulls) != n {
		return nil, fmt.Errorf("decoded %d rows, want %d", len(nulls), n)
	}
	if hasNull {
		c.Nulls = nulls
	}
	return c, nil
}

// readStrings calls fn with every value of a string column of one file.
func readStrings(path, column string, fn func(string)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("corrupt Parquet file: %v", r)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f, info.Size(), parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return err
	}
	lc, ok := pf.Schema().Lookup(column)
	if !ok {
		return nil
	}
	for _, rg := range pf.RowGroups() {
		n := int(rg.NumRows())
		c, err := decodeColumn(rg.ColumnChunks()[lc.ColumnIndex], types.String, n)
		if err != nil {
			return err
		}
		for r := 0; r < n; r++ {
			fn(c.Str(r))
		}
	}
	return nil
}
