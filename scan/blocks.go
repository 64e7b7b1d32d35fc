package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"unsafe"
)

// Reading around the page cache. A file larger than the page cache can
// hold is read once and evicted again; with memory mapping the kernel
// spends about as much time filling and emptying the cache as the workers
// spend decoding. Such files are read with direct I/O instead: many large
// aligned reads in flight at once (virtual and network disks reach their
// throughput only with a deep queue), straight into buffers that become
// the workers' chunks, with the partial line at the end of one block
// copied in front of the next.

// Direct I/O geometry. directBlock is a multiple of any device's logical
// block size; directDepth blocks are read at once; directHead is the room
// in front of each block for the partial line carried over from the
// previous one (a longer partial line gets a chunk of its own). On the
// build machine's virtual disk, 4 reads of 8 MiB in flight gave 0.5 GB/s
// and 16 to 64 gave 1.0–1.3 GB/s; 32 was no faster than 16 end to end.
const (
	directBlock = 8 << 20
	directDepth = 16
	directHead  = 64 << 10
	directAlign = 4096
)

// tooLargeForCache reports whether input of n bytes is larger than half of
// memory, so that it cannot stay in the page cache and is better read
// around it.
func tooLargeForCache(n int64) bool { return n > physicalMemory()/2 }

// directSpare is the number of blocks the consumer side may hold besides
// the ones being read: one being cut into a chunk, and per worker one
// being decoded and one queued.
func directSpare(workers int) int { return 2*workers + 2 }

// directGeometry sizes a blockReader; tests use small values.
type directGeometry struct {
	block, depth, head int
}

func (g directGeometry) orDefault() directGeometry {
	if g.block <= 0 {
		g.block = directBlock
	}
	if g.depth <= 0 {
		g.depth = directDepth
	}
	if g.head <= 0 {
		g.head = directHead
	}
	g.head = (g.head + directAlign - 1) &^ (directAlign - 1)
	g.block = (g.block + directAlign - 1) &^ (directAlign - 1)
	return g
}

// dblock is one block buffer: head bytes of room, then the block.
type dblock struct {
	mem  []byte // head + block bytes; mem[head:] is aligned
	off  int64  // file offset of the block
	n    int    // bytes read
	err  error
	done chan struct{} // closed when the read has finished
	pool *blockPool    // the pool it returns to
}

// blockPool holds the block buffers of a load, shared by the files it
// reads one after another. It starts with enough buffers for a few reads
// in flight and adds one, up to its limit, each time the consumer has had
// to wait for data: a consumer slower than the disk (ingest decodes every
// column) never needs deep read-ahead, and then its memory is not spent.
type blockPool struct {
	geo     directGeometry
	free    chan *dblock
	starved chan struct{} // signalled when the consumer waited for a block
	made    int           // buffers allocated (by one scheduler at a time)
	base    int           // buffers allocated without waiting
	limit   int
	frees   []func()
}

// directStartDepth is the number of reads in flight a pool starts with.
const directStartDepth = 4

// newBlockPool returns a pool of up to geo.depth+spare buffers; spare is
// the number of blocks the consumer may hold besides the ones being read
// (chunks queued for and being decoded by the workers).
func newBlockPool(geo directGeometry, spare int) *blockPool {
	geo = geo.orDefault()
	n := geo.depth + spare
	return &blockPool{geo: geo, free: make(chan *dblock, n), starved: make(chan struct{}, 1),
		base: min(geo.depth, directStartDepth) + spare, limit: n}
}

// get returns a buffer for the next read: a new one when the consumer has
// waited since the last growth (or the pool is below its base), else a
// free one, waiting for one when all are in use.
func (bp *blockPool) get(ctx context.Context) *dblock {
	for {
		select {
		case <-bp.starved:
			if bp.made < bp.limit {
				return bp.alloc()
			}
		default:
		}
		select {
		case b := <-bp.free:
			return b
		default:
		}
		if bp.made < bp.base {
			return bp.alloc()
		}
		select {
		case b := <-bp.free:
			return b
		case <-bp.starved:
			if bp.made < bp.limit {
				return bp.alloc()
			}
		case <-ctx.Done():
			return nil
		}
	}
}

func (bp *blockPool) alloc() *dblock {
	bp.made++
	mem, free := alignedMem(bp.geo.head, bp.geo.block)
	bp.frees = append(bp.frees, free)
	return &dblock{mem: mem, pool: bp}
}

// starving records that the consumer is waiting for data.
func (bp *blockPool) starving() {
	select {
	case bp.starved <- struct{}{}:
	default:
	}
}

// close releases the buffers; none may be used after it.
func (bp *blockPool) close() {
	for _, f := range bp.frees {
		f()
	}
	bp.frees = nil
}

// recycle returns a block once its bytes are no longer used.
func (bp *blockPool) recycle(b *dblock) {
	select {
	case bp.free <- b:
	default:
	}
}

// blockReader reads a file in order, geo.depth blocks at a time, through
// background goroutines.
type blockReader struct {
	f       *os.File
	size    int64
	pool    *blockPool
	ordered chan *dblock // scheduled blocks, in file order
	pending *dblock      // taken from ordered, its read not waited for
	readAt  func(p []byte, off int64) (int, error)
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// newBlockReader starts reading f (of the given size) into the buffers of
// pool. The reader owns f.
func newBlockReader(f *os.File, size int64, pool *blockPool) *blockReader {
	return startBlockReader(f, f.ReadAt, size, pool)
}

// startBlockReader is newBlockReader reading with readAt (tests slow it).
func startBlockReader(f *os.File, readAt func([]byte, int64) (int, error), size int64, pool *blockPool) *blockReader {
	geo := pool.geo
	r := &blockReader{f: f, size: size, pool: pool, ordered: make(chan *dblock, pool.limit), readAt: readAt}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	reqs := make(chan *dblock, geo.depth)
	r.wg.Add(1 + geo.depth)
	go r.schedule(ctx, reqs)
	for i := 0; i < geo.depth; i++ {
		go r.read(reqs)
	}
	return r
}

// alignedMem returns head+block bytes whose byte at head is aligned to
// directAlign, from memory outside the garbage-collected heap where the
// platform allows (large buffers in the heap would raise the collector's
// target by as much again); free releases it.
func alignedMem(head, block int) (mem []byte, free func()) {
	if b := allocPages(head + block); b != nil {
		// Pages are aligned and head is a multiple of directAlign.
		return b[: head+block : head+block], func() { freePages(b) }
	}
	b := make([]byte, head+block+directAlign)
	off := int(uintptr(unsafe.Pointer(&b[head])) & (directAlign - 1))
	if off != 0 {
		off = directAlign - off
	}
	return b[off : off+head+block : off+head+block], func() {}
}

// schedule hands the blocks of the file, in order, to the readers and to
// the consumer, as free buffers allow.
func (r *blockReader) schedule(ctx context.Context, reqs chan<- *dblock) {
	defer r.wg.Done()
	defer close(r.ordered)
	defer close(reqs)
	for off := int64(0); off < r.size; off += int64(r.pool.geo.block) {
		b := r.pool.get(ctx)
		if b == nil {
			return
		}
		b.off, b.n, b.err, b.done = off, 0, nil, make(chan struct{})
		r.ordered <- b // never blocks: it has room for every buffer
		select {
		case reqs <- b:
		case <-ctx.Done():
			b.err = ctx.Err()
			close(b.done)
			return
		}
	}
}

// read serves read requests.
func (r *blockReader) read(reqs <-chan *dblock) {
	defer r.wg.Done()
	for b := range reqs {
		want := int(min(int64(r.pool.geo.block), r.size-b.off))
		// Direct reads need a length that is a multiple of the alignment;
		// the last block reads to the end of the file.
		n, err := r.readAt(b.mem[r.pool.geo.head:r.pool.geo.head+(want+directAlign-1)&^(directAlign-1)], b.off)
		if n >= want || errors.Is(err, io.EOF) {
			// A short read at the end of the file, or a refused read
			// past it at an unaligned offset after every byte arrived.
			err = nil
		}
		if err == nil && n < want {
			err = fmt.Errorf("file ended after %d bytes, expected %d (truncated while reading?)", b.off+int64(n), r.size)
		}
		b.n, b.err = min(n, want), err
		close(b.done)
	}
}

// next returns the next block once it has been read, or nil at the end of
// the file.
func (r *blockReader) next(ctx context.Context) (*dblock, error) {
	var b *dblock
	select {
	case b = <-r.ordered:
	default:
		r.pool.starving()
		select {
		case b = <-r.ordered:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if b == nil {
		return nil, nil
	}
	select {
	case <-b.done:
	default:
		r.pool.starving()
		select {
		case <-b.done:
		case <-ctx.Done():
			r.pending = b // close waits for its read
			return nil, ctx.Err()
		}
	}
	if b.err != nil {
		r.pool.recycle(b)
		return nil, fmt.Errorf("reading at offset %d: %w", b.off, b.err)
	}
	return b, nil
}

// close stops reading, waits for the reads in flight and closes the file.
func (r *blockReader) close() error {
	r.cancel()
	if b := r.pending; b != nil {
		<-b.done
		r.pool.recycle(b)
	}
	for b := range r.ordered {
		<-b.done
		r.pool.recycle(b)
	}
	r.wg.Wait()
	return r.f.Close()
}

// readBlocks sends the jobs of a file read through r, skipping bom bytes at
// its start; it reports false when reading must stop. The chunks are cut
// after the last newline of each block; the partial line after it is
// copied in front of the next block.
func (p *producer) readBlocks(path string, r *blockReader, bom int) bool {
	defer r.close()
	head := r.pool.geo.head
	var carry []byte // the start of the line the next block continues
	tooLong := -1    // ≥ 0: bytes of an over-long line being skipped
	first := true
	skip := bom
	send := func(j *job) bool {
		j.path, j.first = path, first
		first = false
		return p.send(j)
	}
	for {
		b, err := r.next(p.ctx)
		if err != nil {
			if p.ctx.Err() != nil {
				return false
			}
			return p.send(&job{kind: jobReadErr, path: path, err: err})
		}
		if b == nil {
			switch {
			case tooLong >= 0:
				return send(&job{kind: jobTooLong, tooLong: tooLong})
			case len(carry) > 0 || first:
				return send(&job{kind: jobChunk, data: carry})
			}
			return true
		}
		data := b.mem[head : head+b.n]
		if skip > 0 {
			k := min(skip, len(data))
			data, skip = data[k:], skip-k
		}
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			// The whole block continues the current line.
			if tooLong >= 0 {
				tooLong += len(data)
			} else if carry = append(carry, data...); len(carry) > p.cfg.maxRec+2 {
				tooLong, carry = len(carry), carry[:0]
			}
			r.pool.recycle(b)
			continue
		}
		switch {
		case tooLong >= 0:
			if !send(&job{kind: jobTooLong, tooLong: tooLong + nl + 1}) {
				return false
			}
			tooLong, data = -1, data[nl+1:]
		case len(carry) > head:
			// Too long to copy in front of the block: the line gets a
			// chunk of its own, which keeps carry's memory.
			if !send(&job{kind: jobChunk, data: append(carry, data[:nl+1]...)}) {
				return false
			}
			carry, data = nil, data[nl+1:]
		case len(carry) > 0:
			// data starts the block: put the carried bytes before it.
			start := head - len(carry)
			copy(b.mem[start:head], carry)
			data = b.mem[start : head+b.n]
		}
		cut := bytes.LastIndexByte(data, '\n') + 1
		carry = append(carry[:0], data[cut:]...)
		if cut == 0 {
			r.pool.recycle(b)
			continue
		}
		if !send(&job{kind: jobChunk, data: data[:cut], block: b}) {
			return false
		}
	}
}

// openDirect opens path, of the given size, for reading through a
// blockReader around the page cache, or returns nil when the file system
// refuses direct I/O. A forced geometry (tests) reads through the page
// cache where direct I/O is refused, so the same code path runs.
func (p *producer) openDirect(path string, size int64, forced *directGeometry) *blockReader {
	f := openUncached(path)
	if f == nil {
		if forced == nil {
			return nil
		}
		var err error
		if f, err = os.Open(path); err != nil {
			return nil
		}
	}
	if p.blocks == nil {
		var geo directGeometry
		if forced != nil {
			geo = *forced
		}
		p.blocks = newBlockPool(geo, directSpare(p.cfg.workers))
	}
	return newBlockReader(f, size, p.blocks)
}

// ReadFile calls fn with the bytes of the file at path, in order, several
// MiB at a time, with reads in flight ahead of fn. When the input the file
// belongs to (inputBytes, or the file alone when larger) is larger than
// half of memory, the file is read around the page cache where the file
// system allows; otherwise through it, so that a later read finds it
// cached. The bytes passed to fn are valid only during the call.
func ReadFile(ctx context.Context, path string, inputBytes int64, fn func([]byte) error) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return readStream(ctx, path, fn)
	}
	var f *os.File
	if tooLargeForCache(max(inputBytes, st.Size())) {
		f = openUncached(path)
	}
	if f == nil {
		if f, err = os.Open(path); err != nil {
			return err
		}
	}
	pool := newBlockPool(directGeometry{}, 1)
	defer pool.close()
	r := newBlockReader(f, st.Size(), pool)
	defer r.close() // before pool.close: deferred calls run last first
	var fnErr error
	err = r.each(ctx, func(b []byte) error { fnErr = fn(b); return fnErr })
	if err != nil && fnErr == nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return err
}

// each calls fn with the bytes of every block in order, returning each
// block to the pool after the call.
func (r *blockReader) each(ctx context.Context, fn func([]byte) error) error {
	head := r.pool.geo.head
	for {
		b, err := r.next(ctx)
		if err != nil || b == nil {
			return err
		}
		err = fn(b.mem[head : head+b.n])
		r.pool.recycle(b)
		if err != nil {
			return err
		}
	}
}

// readStream is ReadFile for a file that is not a regular file (a pipe).
func readStream(ctx context.Context, path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := f.Read(buf)
		if n > 0 {
			if ferr := fn(buf[:n]); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
	}
}
