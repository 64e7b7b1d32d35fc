// Package scan loads AzureActivity logs into an in-memory table holding only
// the columns a query uses, fast.
//
// NDJSON files in the rows shape (AzureActivity rows keyed by column name,
// as Log Analytics exports and the generator write them) take a fast path:
// each file is cut at line boundaries into chunks decoded on one worker per
// core by a scanner that walks each line's top-level object, decodes only
// the keys the projection needs (plus those deduplication and derivations
// need) and skips every other value without materialising it. Lines it
// cannot decode exactly as the generic decoder would (malformed JSON,
// escaped keys, repeated keys, bad values, anything unusual) go to the
// generic decoder, one line at a time, so rows, values, skips and their
// diagnostics are the same as with source.Read and activity.Builder.
// Every other file goes through source.ReadReader.
//
// Results are merged in input order; duplicate events are removed on the
// merged stream exactly as source.Read removes them. On Linux, files are
// memory-mapped (no copy) and each chunk's pages are released once it is
// decoded; input larger than half of memory is read with direct I/O
// instead (blocks.go), around a page cache it could not stay in. Elsewhere,
// or when neither works, chunks are read into a small pool of buffers.
// Memory is bounded by the chunks in flight (about 2 × workers + 3 of
// ChunkBytes, or up to 16 + 2 × workers + 2 direct I/O blocks of 8 MiB)
// plus the output columns and the deduplication set (8 bytes per slot, at
// most 2 × DedupeWindow events).
package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"kqlhunt/activity"
	"kqlhunt/batch"
	"kqlhunt/kql/exec"
	"kqlhunt/source"
)

// DefaultChunkBytes is the chunk size used when Options.ChunkBytes is 0.
const DefaultChunkBytes = 8 << 20

// Options control Load. The embedded source.Options apply as in
// source.Read (Format, Strict, NoDedupe, DedupeWindow, MaxRecordBytes,
// MaxExamples, Workers); its Columns field is ignored: Load's cols
// argument names the columns.
type Options struct {
	source.Options
	// ChunkBytes is the size of the pieces NDJSON files are cut into for
	// the workers; 0 means DefaultChunkBytes. A line longer than a chunk
	// gets a chunk of its own.
	ChunkBytes int
	// BatchRows is the number of rows per output batch; 0 means
	// activity.DefaultBatchRows.
	BatchRows int
	// NoFastPath sends every file through the generic decoder (for
	// comparisons).
	NoFastPath bool
	// Latest, when positive, lets Load leave out rows whose TimeGenerated
	// is more than Latest before the latest TimeGenerated of the input
	// (it keeps at least every row within Latest of it). Use it with no
	// Filter.
	Latest time.Duration
	// Filter, when non-nil, lets Load leave out rows no query can use: a
	// row is kept when it satisfies every predicate of at least one of
	// the conjunctions (predicates Load cannot decide from a column it
	// loads count as satisfied). Duplicates are removed first, and the
	// report counts rows as it does without a filter.
	Filter [][]exec.Pred

	// InputBytes is the size of the whole input this call reads a part
	// of, when the caller reads it in several calls (0: the size of
	// paths). Input larger than half of memory is read around the page
	// cache, which it could not stay in.
	InputBytes int64

	noMmap bool // read files instead of mapping them (tests)
	// direct forces reading files through a blockReader of this geometry
	// (tests); the page cache is bypassed when the file system allows it.
	direct *directGeometry
	// noDirect never bypasses the page cache (comparisons).
	noDirect bool
}

// Load reads the AzureActivity rows of paths (files, directories and globs,
// as source.Expand lists them) into a table holding the columns in cols, in
// that order (nil: every column, in schema order). Problems with single
// records are counted in the report, as source.Read counts them; the error
// is non-nil when a path cannot be read, ctx is cancelled, or
// Options.Strict is set and a record was skipped. The report is returned in
// every case.
func Load(ctx context.Context, paths []string, cols []string, opts Options) (*exec.MemTable, *source.Report, error) {
	t, rep, _, err := load(ctx, paths, cols, opts)
	return t, rep, err
}

// Span is the range of TimeGenerated over every AzureActivity row a load
// decoded, whether a filter kept it or not (duplicates included), in
// datetime ticks; OK is false when there was none.
type Span struct {
	First, Last int64
	OK          bool
}

// Include widens s to hold ticks.
func (s *Span) Include(ticks int64) {
	if !s.OK {
		*s = Span{First: ticks, Last: ticks, OK: true}
		return
	}
	s.First, s.Last = min(s.First, ticks), max(s.Last, ticks)
}

func (s *Span) add(o Span) {
	if !o.OK {
		return
	}
	if !s.OK || o.First < s.First {
		s.First = o.First
	}
	if !s.OK || o.Last > s.Last {
		s.Last = o.Last
	}
	s.OK = true
}

// LoadSpan is Load that also returns the span of the rows decoded, which
// with Options.Filter or Options.Latest is more than the table holds.
func LoadSpan(ctx context.Context, paths []string, cols []string, opts Options) (*exec.MemTable, *source.Report, Span, error) {
	t, rep, st, err := load(ctx, paths, cols, opts)
	return t, rep, st.span, err
}

// Stream reads paths as Load does but hands the rows to emit in batches,
// in input order, as they are decoded, instead of building a table: memory
// stays bounded by the chunks in flight and one batch, plus the
// deduplication set. The batches share one schema (the columns in cols, in
// that order; nil: every column) and belong to emit. An error from emit
// stops the read and is returned.
func Stream(ctx context.Context, paths []string, cols []string, opts Options, emit func(*batch.Batch) error) (*source.Report, error) {
	_, rep, _, err := run(ctx, paths, cols, opts, emit)
	return rep, err
}

// stats counts how lines were decoded.
type stats struct {
	fast      int // lines decoded by the fast path
	fallbacks int // lines handed to the generic decoder
	filtered  int // rows Options.Filter or Options.Latest left out
	direct    int // files read with direct I/O
	span      Span
}

func load(ctx context.Context, paths []string, cols []string, opts Options) (*exec.MemTable, *source.Report, stats, error) {
	var batches []*batch.Batch
	schema, rep, st, err := run(ctx, paths, cols, opts, func(b *batch.Batch) error {
		batches = append(batches, b)
		return nil
	})
	if err != nil {
		return nil, rep, st, err
	}
	t, err := exec.NewMemTable(schema, batches...)
	if err != nil {
		return nil, rep, st, fmt.Errorf("scan: %w", err)
	}
	return t, rep, st, nil
}

// run reads paths and emits the output batches in order.
func run(ctx context.Context, paths []string, cols []string, opts Options, emit func(*batch.Batch) error) (*batch.Schema, *source.Report, stats, error) {
	var st stats
	rep := &source.Report{
		Formats:     map[string]int{},
		Skipped:     map[string]int{},
		Examples:    map[string][]source.Diagnostic{},
		NonActivity: map[string]int{},
	}
	cfg, err := newConfig(cols, opts)
	if err != nil {
		return nil, rep, st, err
	}
	files, err := source.Expand(paths)
	if err != nil {
		return nil, rep, st, err
	}
	l := &loader{cfg: cfg, rep: rep, emit: emit}
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			l.inputBytes += st.Size()
		}
	}
	// Input the page cache cannot hold is read around it.
	cfg.bypassCache = tooLargeForCache(max(l.inputBytes, opts.InputBytes)) && !opts.noDirect
	if cfg.dedupe {
		l.dedupe = newDeduper(opts.DedupeWindow)
	}
	if cfg.maxTG != nil {
		cfg.maxTG.Store(latestInTails(files, cfg.maxRec))
	}
	l.startBatch()
	err = l.run(ctx, files)
	if err == nil {
		err = l.flush()
	}
	return cfg.schema, rep, l.stats, err
}

// jobKind says what a worker does with a job.
type jobKind uint8

const (
	jobChunk   jobKind = iota // decode the lines of data
	jobGeneric                // read the whole file with the generic decoder
	jobTooLong                // one line longer than the limit (tooLong bytes)
	jobReadErr                // reading the file failed after the lines before
)

type job struct {
	kind    jobKind
	path    string
	first   bool // first job of a fast-path file
	buf     []byte
	pooled  bool     // buf belongs to the pool
	mapped  *mapping // data lies in this file mapping
	block   *dblock  // data lies in this direct I/O block
	data    []byte
	tooLong int
	err     error
	part    *part
	done    chan struct{}
}

// mapping is a memory-mapped file shared by the jobs of that file; the
// last user unmaps it.
type mapping struct {
	data []byte
	refs atomic.Int32
	file *os.File // open until the mapping is released
	// evict: the file is too large to stay in the page cache, so pages
	// are dropped from it once decoded rather than left for the kernel to
	// reclaim under pressure.
	evict bool
}

func (m *mapping) release() {
	if m.refs.Add(-1) == 0 {
		unmapFile(m.data)
		m.file.Close()
	}
}

// loader runs one Load.
type loader struct {
	cfg    *config
	rep    *source.Report
	dedupe *deduper

	stats      stats
	inputBytes int64 // size of the input files
	reserved   bool  // the deduplication set was sized
	lineBase   int   // lines of the current file merged so far
	cur        []colData
	curN       int
	remap      [][]int32
	emit       func(*batch.Batch) error
}

// run reads the files on a producer goroutine and cfg.workers workers, and
// merges the parts here in input order.
func (l *loader) run(parent context.Context, files []string) error {
	cfg := l.cfg
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	ordered := make(chan *job, cfg.workers)
	work := make(chan *job, cfg.workers)
	// Chunk buffers: at most maxBufs exist; a job holds one until it is
	// decoded.
	maxBufs := 2*cfg.workers + 3
	free := make(chan []byte, maxBufs)
	var wg sync.WaitGroup
	for i := 0; i < cfg.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A mapped file that shrinks under us faults: make that an
			// error of the file rather than a crash.
			debug.SetPanicOnFault(true)
			w := newWorker(ctx, cfg)
			for j := range work {
				w.do(j)
				if j.mapped != nil {
					dropPages(j.data, j.mapped)
					j.mapped.release()
				}
				if j.pooled {
					select {
					case free <- j.buf[:0]:
					default:
					}
				}
				if j.block != nil {
					j.block.pool.recycle(j.block)
				}
				j.buf, j.data, j.block = nil, nil, nil
				close(j.done)
			}
		}()
	}
	prodDone := make(chan struct{})
	p := &producer{ctx: ctx, cfg: cfg, free: free, ordered: ordered, work: work, maxBufs: maxBufs,
		head: make([]byte, headBytes+3)}
	go func() {
		defer close(prodDone)
		defer close(ordered)
		defer close(work)
		for _, f := range files {
			if !p.file(f) {
				return
			}
		}
	}()
	var err error
	for j := range ordered {
		if err != nil {
			continue // drain
		}
		<-j.done
		if err = ctx.Err(); err == nil {
			err = l.merge(j)
		}
		if err != nil {
			cancel()
		}
	}
	<-prodDone
	wg.Wait()
	if p.blocks != nil {
		p.blocks.close() // every job is done: no block is in use
	}
	l.stats.direct = p.direct
	if err == nil {
		err = parent.Err()
	}
	return err
}

// producer cuts files into jobs.
type producer struct {
	ctx     context.Context
	cfg     *config
	free    chan []byte
	ordered chan *job
	work    chan *job
	maxBufs int
	bufs    int        // buffers allocated
	blocks  *blockPool // direct I/O buffers, made on first use
	direct  int        // files read with direct I/O
	head    []byte     // the first bytes of a file, for shape detection
}

func (p *producer) send(j *job) bool {
	j.done = make(chan struct{})
	select {
	case p.ordered <- j:
	case <-p.ctx.Done():
		return false
	}
	select {
	case p.work <- j:
	case <-p.ctx.Done():
		// The consumer waits on done: release it.
		close(j.done)
		return false
	}
	return true
}

// getBuf returns a chunk buffer, waiting for one when all are in use; nil
// when the load is cancelled.
func (p *producer) getBuf() []byte {
	var b []byte
	select {
	case b = <-p.free:
	default:
		if p.bufs < p.maxBufs {
			p.bufs++
			return make([]byte, 0, p.cfg.chunk)
		}
		select {
		case b = <-p.free:
		case <-p.ctx.Done():
			return nil
		}
	}
	if b == nil {
		b = make([]byte, 0, p.cfg.chunk)
	}
	return b
}

// fill reads into buf up to its capacity.
func fill(f io.Reader, buf []byte) ([]byte, bool, error) {
	for len(buf) < cap(buf) {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, true, nil
		}
		if err != nil {
			return buf, true, err
		}
	}
	return buf, false, nil
}

// headBytes is how much of a file the generic reader looks at to detect
// its shape.
const headBytes = 64 << 10

// fastShape reports whether a file starting with head is read by the
// generic reader line by line in the rows shape, and the length of its
// byte order mark.
func (p *producer) fastShape(head []byte) (bom int, ok bool) {
	if !p.cfg.fast {
		return 0, false
	}
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		return 0, false // gzip
	}
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		bom = 3
	}
	h := head[bom:]
	if len(h) > headBytes {
		h = h[:headBytes]
	}
	if f := p.cfg.opts.Format; f == "" || f == source.FormatAuto {
		if format, _ := source.Detect(h); format != source.FormatRows {
			return 0, false
		}
	}
	for _, c := range h {
		if !isWS(c) {
			return bom, c != '['
		}
	}
	return bom, true
}

// file sends the jobs of one file; it reports false when reading must
// stop.
func (p *producer) file(path string) bool {
	if p.ctx.Err() != nil {
		return false
	}
	generic := func() bool { return p.send(&job{kind: jobGeneric, path: path}) }
	if path == "-" || !p.cfg.fast {
		return generic()
	}
	f, err := os.Open(path)
	if err != nil {
		return generic() // reports the error as source.Read does
	}
	owned := true // f is closed here rather than by a mapping
	defer func() {
		if owned {
			f.Close()
		}
	}()
	n, rerr := f.ReadAt(p.head, 0)
	if rerr != nil && !errors.Is(rerr, io.EOF) {
		return generic()
	}
	bom, ok := p.fastShape(p.head[:n])
	if !ok {
		return generic()
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		if geo := p.cfg.opts.direct; geo != nil || p.cfg.bypassCache && st.Size() >= minDirectBytes {
			// f stays open for a fallback to mapping.
			if r := p.openDirect(path, st.Size(), geo); r != nil {
				p.direct++
				return p.readBlocks(path, r, bom)
			}
		}
		if !p.cfg.opts.noMmap {
			if data := mapFile(f, st.Size()); data != nil {
				owned = false
				return p.mapped(path, &mapping{data: data, file: f, evict: p.cfg.bypassCache}, bom)
			}
		}
	}
	if _, err := f.Seek(int64(bom), io.SeekStart); err != nil {
		return generic()
	}
	buf := p.getBuf()
	if buf == nil {
		return false
	}
	buf, eof, rerr := fill(f, buf)
	first := true
	for {
		cut := len(buf)
		if !eof {
			cut = bytes.LastIndexByte(buf, '\n') + 1
			if cut == 0 {
				// One line fills the buffer.
				if len(buf) > p.cfg.maxRec+2 {
					n, carry, e, err := discardLine(f, len(buf), p.cfg.chunk)
					p.release(buf)
					if !p.send(&job{kind: jobTooLong, path: path, first: first, tooLong: n}) {
						return false
					}
					first = false
					if err != nil {
						return p.send(&job{kind: jobReadErr, path: path, err: err})
					}
					if e && len(carry) == 0 {
						return true
					}
					if buf = p.getBuf(); buf == nil {
						return false
					}
					if len(carry) > cap(buf) {
						p.release(buf)
						buf = make([]byte, 0, 2*len(carry))
					}
					buf, eof = append(buf, carry...), e
					if !eof {
						buf, eof, rerr = fill(f, buf)
					}
					continue
				}
				bigger := make([]byte, len(buf), 2*cap(buf))
				copy(bigger, buf)
				p.release(buf)
				buf, eof, rerr = fill(f, bigger)
				continue
			}
		}
		var next []byte
		if !eof {
			if next = p.getBuf(); next == nil {
				return false
			}
			if rest := len(buf) - cut; rest > cap(next) {
				p.release(next) // the rest of a long line: not a pool buffer
				next = make([]byte, 0, 2*rest)
			}
			next = append(next, buf[cut:]...)
		}
		if cut > 0 || first {
			j := &job{kind: jobChunk, path: path, first: first, buf: buf, data: buf[:cut], pooled: cap(buf) == p.cfg.chunk}
			if !p.send(j) {
				return false
			}
			first = false
		} else {
			p.release(buf)
		}
		if rerr != nil {
			return p.send(&job{kind: jobReadErr, path: path, err: rerr})
		}
		if eof {
			return true
		}
		buf, eof, rerr = fill(f, next)
	}
}

// minDirectBytes is the smallest file read with direct I/O when the input
// is too large for the page cache; smaller ones gain nothing from it.
const minDirectBytes = 4 * directBlock

// mapped sends the chunks of a memory-mapped file, cut after a newline
// about every cfg.chunk bytes (a longer line makes a longer chunk).
func (p *producer) mapped(path string, m *mapping, bom int) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = p.send(&job{kind: jobReadErr, path: path, err: fmt.Errorf("%v", r)})
		}
	}()
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	data := m.data
	m.refs.Store(1)
	defer m.release()
	pos := bom
	prefetched := 0
	for first := true; pos < len(data) || first; first = false {
		// Keep the next few chunks being read from disk while these are
		// decoded.
		if ahead := pos + max((p.cfg.workers+2)*p.cfg.chunk, prefetchBytes); ahead > prefetched {
			prefetch(data, max(prefetched, pos), ahead)
			prefetched = ahead
		}
		end := pos + p.cfg.chunk
		if end >= len(data) {
			end = len(data)
		} else if cut := bytes.LastIndexByte(data[pos:end], '\n'); cut >= 0 {
			end = pos + cut + 1
		} else if k := bytes.IndexByte(data[end:], '\n'); k >= 0 {
			end += k + 1
		} else {
			end = len(data)
		}
		m.refs.Add(1)
		if !p.send(&job{kind: jobChunk, path: path, first: first, data: data[pos:end], mapped: m}) {
			m.release()
			return false
		}
		pos = end
	}
	return true
}

// release returns a pool buffer to the pool (a bigger one that replaced
// it is dropped: its slot was returned when it was made).
func (p *producer) release(b []byte) {
	if cap(b) != p.cfg.chunk {
		return
	}
	select {
	case p.free <- b[:0]:
	default:
	}
}

// discardLine reads past the end of an over-long line of which have bytes
// were read, and returns its length (with the newline), the bytes after
// it that were read, and whether the file ended.
func discardLine(f io.Reader, have, size int) (n int, carry []byte, eof bool, err error) {
	n = have
	buf := make([]byte, 64<<10)
	for {
		m, rerr := f.Read(buf)
		if k := bytes.IndexByte(buf[:m], '\n'); k >= 0 {
			n += k + 1
			carry = append(make([]byte, 0, size), buf[k+1:m]...)
			return n, carry, errors.Is(rerr, io.EOF), nonEOF(rerr)
		}
		n += m
		if rerr != nil {
			return n, nil, true, nonEOF(rerr)
		}
	}
}

func nonEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// worker decodes jobs.
type worker struct {
	ctx    context.Context
	cfg    *config
	dec    *lineDecoder
	in     interner
	keyBuf []byte
	avg    int // average line length seen, for sizing parts
}

func newWorker(ctx context.Context, cfg *config) *worker {
	return &worker{ctx: ctx, cfg: cfg, dec: newLineDecoder(cfg), in: interner{m: map[string]string{}}, avg: 1024}
}

func (w *worker) do(j *job) {
	defer func() {
		if r := recover(); r != nil {
			j.part = &part{err: fmt.Errorf("reading %s: %v", j.path, r)}
		}
	}()
	switch j.kind {
	case jobChunk:
		j.part = w.chunk(j.path, j.data)
		w.publish(j.part)
	case jobGeneric:
		j.part = w.generic(j.path)
		w.publish(j.part)
	case jobTooLong:
		p := newPart(w.cfg, 0)
		p.lines, p.read = 1, 1
		p.skip(tooLong(j.path, 1, j.tooLong, w.cfg.maxRec), w.cfg.maxEx)
		j.part = p
	case jobReadErr:
		j.part = &part{err: j.err}
	}
}

// publish raises the shared latest TimeGenerated to the latest of p, for
// Options.Latest.
func (w *worker) publish(p *part) {
	if w.cfg.latest == 0 || !p.span.OK {
		return
	}
	for {
		cur := w.cfg.maxTG.Load()
		if p.span.Last <= cur || w.cfg.maxTG.CompareAndSwap(cur, p.span.Last) {
			return
		}
	}
}

func tooLong(path string, line, n, limit int) source.Diagnostic {
	return source.Diagnostic{File: path, Line: line, Reason: source.ReasonTooLong, Detail: fmt.Sprintf("%d bytes, limit %d", n, limit)}
}

// chunk decodes the lines of data.
func (w *worker) chunk(path string, data []byte) *part {
	cfg := w.cfg
	p := newPart(cfg, len(data)/w.avg+16)
	p.bytes = len(data)
	line, nonBlank, bytesSeen := 0, 0, 0
	for off := 0; off < len(data); {
		var raw []byte
		if k := bytes.IndexByte(data[off:], '\n'); k >= 0 {
			raw = data[off : off+k+1]
		} else {
			raw = data[off:]
		}
		off += len(raw)
		line++
		body := source.TrimEOL(raw)
		if len(body) > cfg.maxRec {
			p.read++
			p.skip(tooLong(path, line, len(raw), cfg.maxRec), cfg.maxEx)
			continue
		}
		if isBlank(body) {
			continue
		}
		p.read++
		nonBlank++
		bytesSeen += len(raw)
		if line&1023 == 0 && w.ctx.Err() != nil {
			p.err = w.ctx.Err()
			return p
		}
		switch w.dec.decode(body) {
		case resRow:
			p.fast++
			p.addRecord(cfg, &w.dec.rec, &w.in, &w.keyBuf)
		case resNonActivity:
			p.fast++
			p.nonActivity(w.dec.table)
		default:
			p.fallbacks++
			if err := w.fallback(p, path, raw, line); err != nil {
				p.err = err
				return p
			}
		}
	}
	p.lines = line
	if nonBlank > 0 {
		w.avg = max(bytesSeen/nonBlank, 64)
	}
	return p
}

// prefix precedes a line handed to the generic decoder: a row it always
// skips (no TimeGenerated) that fixes the shape and the line numbering.
const prefix = "{}\n"

// fallback decodes one line with the generic decoder.
func (w *worker) fallback(p *part, path string, raw []byte, line int) error {
	var got *activity.Record
	in := io.MultiReader(bytes.NewReader([]byte(prefix)), bytes.NewReader(raw))
	rep, err := source.ReadReader(w.ctx, path, in, w.cfg.lineOpts, func(r *activity.Record) error {
		got = r
		return nil
	})
	if err != nil {
		return err
	}
	if got != nil {
		p.addRecord(w.cfg, got, &w.in, &w.keyBuf)
		return nil
	}
	for table, n := range rep.NonActivity {
		if n > 0 {
			p.nonActivity(table)
			return nil
		}
	}
	for _, exs := range rep.Examples {
		for _, d := range exs {
			if d.Line == 2 {
				d.Line = line
				p.skip(d, w.cfg.maxEx)
				return nil
			}
		}
	}
	return fmt.Errorf("scan: %s:%d: the generic decoder neither loaded nor skipped the line", path, line)
}

// generic reads a whole file with the generic decoder.
func (w *worker) generic(path string) *part {
	p := newPart(w.cfg, 0)
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			p.err = fmt.Errorf("opening input: %w", err)
			return p
		}
		defer f.Close()
		r = f
	}
	p.rep, p.err = source.ReadReader(w.ctx, path, r, w.cfg.fileOpts, func(rec *activity.Record) error {
		p.addRecord(w.cfg, rec, &w.in, &w.keyBuf)
		return nil
	})
	return p
}

// merge adds a finished job to the output and the report.
func (l *loader) merge(j *job) error {
	p, rep, cfg := j.part, l.rep, l.cfg
	if j.kind == jobGeneric {
		l.stats.span.add(p.span)
		if r := p.rep; r != nil {
			rep.Files += r.Files
			for k, v := range r.Formats {
				rep.Formats[k] += v
			}
			rep.Read += r.Read
			rep.Loaded += r.Loaded
			rep.Duplicates += r.Duplicates
			for k, v := range r.NonActivity {
				rep.NonActivity[k] += v
			}
			for k, v := range r.Skipped {
				rep.Skipped[k] += v
			}
			for k, exs := range r.Examples {
				for _, d := range exs {
					if len(rep.Examples[k]) < cfg.maxEx {
						rep.Examples[k] = append(rep.Examples[k], d)
					}
				}
			}
		}
		if err := l.addRows(p); err != nil {
			return err
		}
		return p.err
	}
	if j.first {
		rep.Files++
		rep.Formats[source.FormatRows]++
		l.lineBase = 0
	}
	if j.kind == jobReadErr {
		d := source.Diagnostic{File: j.path, Reason: source.ReasonFileError, Detail: fmt.Sprintf("line %d: %v", l.lineBase+1, p.err)}
		rep.Skipped[d.Reason]++
		if len(rep.Examples[d.Reason]) < cfg.maxEx {
			rep.Examples[d.Reason] = append(rep.Examples[d.Reason], d)
		}
		if cfg.opts.Strict {
			return fmt.Errorf("%w: %s", source.ErrStrict, d)
		}
		return nil
	}
	if p.err != nil {
		return p.err
	}
	rep.Read += p.read
	l.stats.span.add(p.span)
	l.stats.fast += p.fast
	l.stats.fallbacks += p.fallbacks
	for k, v := range p.nonAct {
		rep.NonActivity[k] += v
	}
	for k, v := range p.skipped {
		rep.Skipped[k] += v
	}
	for _, d := range p.examples {
		d.Line += l.lineBase
		if len(rep.Examples[d.Reason]) < cfg.maxEx {
			rep.Examples[d.Reason] = append(rep.Examples[d.Reason], d)
		}
	}
	if cfg.opts.Strict && p.firstSkip != nil {
		d := *p.firstSkip
		d.Line += l.lineBase
		return fmt.Errorf("%w: %s", source.ErrStrict, d)
	}
	l.lineBase += p.lines
	if l.dedupe != nil && !l.reserved && p.rows > 0 && p.bytes > 0 {
		// Size the deduplication set once from the first chunk's rows per
		// byte, rather than growing it step by step.
		l.reserved = true
		l.dedupe.reserve(int(float64(l.inputBytes) / float64(p.bytes) * float64(p.rows) * 1.05))
	}
	return l.addRows(p)
}

// addRows appends the rows of p that are not duplicates to the output.
func (l *loader) addRows(p *part) error {
	cfg := l.cfg
	for c := range l.remap {
		l.remap[c] = l.remap[c][:0]
		if p.cols[c].kind == kindDict {
			for range p.cols[c].dict {
				l.remap[c] = append(l.remap[c], -1)
			}
		}
	}
	ci := 0 // next row of p.cols
	for r := 0; r < p.rows; r++ {
		pass := p.pass == nil || p.pass[r]
		if l.dedupe != nil && l.dedupe.seen(p.keys[r]) {
			l.rep.Duplicates++
			if p.rep != nil {
				l.rep.Loaded-- // counted as loaded by the generic reader
			}
			if pass {
				ci++
			}
			continue
		}
		if p.rep == nil {
			l.rep.Loaded++
		}
		if !pass {
			l.stats.filtered++
			continue
		}
		for c := range l.cur {
			l.cur[c].appendFrom(&p.cols[c], ci, l.remap[c])
		}
		ci++
		l.curN++
		if l.curN >= cfg.batchRows {
			if err := l.flush(); err != nil {
				return err
			}
			l.startBatch()
			for c := range l.remap {
				for k := range l.remap[c] {
					l.remap[c][k] = -1
				}
			}
		}
	}
	return nil
}

func (l *loader) startBatch() {
	cfg := l.cfg
	if l.cur == nil {
		l.cur = make([]colData, len(cfg.out))
		l.remap = make([][]int32, len(cfg.out))
	}
	for i, oc := range cfg.out {
		l.cur[i] = newColData(oc.kind, cfg.batchRows)
	}
	l.curN = 0
}

// flush emits the current batch, if it holds rows.
func (l *loader) flush() error {
	if l.curN == 0 {
		return nil
	}
	b := &batch.Batch{Schema: l.cfg.schema, Cols: make([]*batch.Column, len(l.cur)), Len: l.curN}
	for i := range l.cur {
		b.Cols[i] = l.cur[i].column(l.cfg.schema.Fields[i].Type)
	}
	l.curN = 0
	return l.emit(b)
}

// prefetchBytes is the least a mapped file is read ahead of the chunk
// being cut.
const prefetchBytes = 128 << 20
