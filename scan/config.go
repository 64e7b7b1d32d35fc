package scan

import (
	"fmt"
	"hash/maphash"
	"math"
	"runtime"
	"strings"
	"sync/atomic"

	"kqlhunt/activity"
	"kqlhunt/batch"
	"kqlhunt/source"
)

// config is everything a Load decides before reading; read-only afterwards,
// so workers share it.
type config struct {
	opts      Options
	cols      []string
	schema    *batch.Schema
	out       []outCol
	names     []string // column names by position
	kind      []int    // ckString, ckTime, ckDyn by position
	need      []bool   // activity.Needed(cols)
	sources   []bool   // activity.Sources(need), or nil
	want      []bool   // need or sources
	needList  []int
	srcList   []int
	derivable []int // needed string columns Normalize can derive
	strOf     []func(*activity.Record) string
	srcMask   []uint64 // per column: the columns it derives from, transitively
	dynText   uint64   // the columns the needed dynamic columns derive from
	own       []bool   // string columns to copy (parsed into dynamic values later)
	dyn       bool     // a dynamic column is requested
	typeCol   int
	tgCol     int
	template  activity.Record
	fast      bool // the rows fast path may be used
	// bypassCache: the input is too large for the page cache, so files
	// are read with direct I/O (or, where refused, dropped from the cache
	// behind the scan).
	bypassCache bool
	workers     int
	chunk       int
	batchRows   int
	maxRec      int
	maxEx       int
	dedupe      bool
	filter      *rowFilter    // nil: keep every row
	latest      int64         // Options.Latest in ticks (0: off)
	maxTG       *atomic.Int64 // latest TimeGenerated published by the workers
	seed        maphash.Seed
	lineOpts    source.Options // generic decoding of one line
	fileOpts    source.Options // generic decoding of a whole file
}

func newConfig(cols []string, opts Options) (*config, error) {
	switch opts.Format {
	case "", source.FormatAuto, source.FormatStorage, source.FormatEventHub, source.FormatREST,
		source.FormatLogAnalytics, source.FormatCSV, source.FormatRows:
	default:
		return nil, fmt.Errorf("unknown format %q (want one of %s)", opts.Format, strings.Join(source.Formats, ", "))
	}
	schema, out, err := outColumns(cols)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		cols = nil
	}
	nc := activity.NumColumns()
	if nc > 64 {
		return nil, fmt.Errorf("scan: %d columns do not fit a 64-bit mask", nc)
	}
	c := &config{opts: opts, cols: cols, schema: schema, out: out, seed: maphash.MakeSeed()}
	c.names = make([]string, nc)
	c.kind = make([]int, nc)
	c.strOf = make([]func(*activity.Record) string, nc)
	c.srcMask = make([]uint64, nc)
	c.own = make([]bool, nc)
	for i := 0; i < nc; i++ {
		c.names[i] = activity.ColumnName(i)
		c.kind[i] = kindOf(i)
		c.strOf[i] = accessors[c.names[i]].str
		switch c.names[i] {
		case "Type":
			c.typeCol = i
		case "TimeGenerated":
			c.tgCol = i
		}
	}
	c.need = activity.Needed(cols)
	c.sources = activity.Sources(c.need)
	c.want = make([]bool, nc)
	for i := 0; i < nc; i++ {
		c.want[i] = c.need[i] || c.sources != nil && c.sources[i]
		if c.need[i] {
			c.needList = append(c.needList, i)
		} else if c.want[i] {
			c.srcList = append(c.srcList, i)
		}
		if c.need[i] && c.kind[i] == ckDyn {
			c.dyn = true
		}
	}
	// The transitive sources of each column, from activity.Sources on a
	// projection of that column alone.
	for i := 0; i < nc; i++ {
		one := make([]bool, nc)
		one[i] = true
		if src := activity.Sources(one); src != nil {
			for j, s := range src {
				if s {
					c.srcMask[i] |= 1 << j
				}
			}
		}
	}
	for _, i := range c.needList {
		switch {
		case c.kind[i] == ckString && c.srcMask[i] != 0:
			c.derivable = append(c.derivable, i)
		case c.kind[i] == ckDyn:
			c.dynText |= c.srcMask[i]
		}
	}
	// Columns neither read nor derived from hold a sentinel, so Normalize
	// skips deriving them (their values never reach the output).
	for i := 0; i < nc; i++ {
		if c.want[i] {
			continue
		}
		switch c.kind[i] {
		case ckString:
			if err := c.template.SetText(i, sentinel, false); err != nil {
				return nil, fmt.Errorf("scan: column %s: %w", c.names[i], err)
			}
		case ckDyn:
			c.template.SetDynamic(c.names[i], dynSentinel)
		}
	}
	if c.dyn {
		for _, name := range []string{"Authorization", "Claims", "Properties"} {
			i, _ := activity.ColumnIndex([]byte(name))
			c.own[i] = true
		}
	}
	c.workers = opts.Workers
	if c.workers <= 0 {
		c.workers = runtime.GOMAXPROCS(0)
	}
	c.chunk = opts.ChunkBytes
	if c.chunk <= 0 {
		c.chunk = DefaultChunkBytes
	}
	c.batchRows = opts.BatchRows
	if c.batchRows <= 0 {
		c.batchRows = activity.DefaultBatchRows
	}
	c.maxRec = opts.MaxRecordBytes
	if c.maxRec <= 0 {
		c.maxRec = source.DefaultMaxRecordBytes
	}
	c.maxEx = opts.MaxExamples
	if c.maxEx <= 0 {
		c.maxEx = 5
	}
	c.dedupe = !opts.NoDedupe
	c.filter = compileFilter(opts.Filter, out, schema.Fields)
	if opts.Latest > 0 {
		c.latest = int64(opts.Latest / 100)
		c.maxTG = &atomic.Int64{}
		c.maxTG.Store(math.MinInt64)
	}
	c.fast = !opts.NoFastPath && (opts.Format == "" || opts.Format == source.FormatAuto || opts.Format == source.FormatRows)

	c.fileOpts = opts.Options
	c.fileOpts.Columns = cols
	c.fileOpts.NoDedupe = true // deduplication happens on the merged stream
	c.lineOpts = c.fileOpts
	c.lineOpts.Format = source.FormatRows
	c.lineOpts.Strict = false
	c.lineOpts.Workers = 1
	c.lineOpts.MaxExamples = 2
	return c, nil
}
