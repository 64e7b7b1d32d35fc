//go:build linux

package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// directBlock is the size of each direct read; a multiple of any device's
// logical block size.
const directBlock = 8 << 20

// directDepth is the number of blocks read ahead in parallel, so the
// device sees several requests at once.
const directDepth = 4

// directReader reads a file with O_DIRECT, bypassing the page cache, in
// aligned blocks fetched directDepth at a time by background goroutines,
// and hands out the bytes in order through Read. For files larger than
// memory this avoids filling and then evicting the page cache, which
// otherwise costs as much kernel time as decoding costs user time.
type directReader struct {
	f      *os.File
	size   int64
	cancel context.CancelFunc
	blocks chan chan directResult // in file order
	free   chan []byte
	wg     sync.WaitGroup

	cur  []byte // unread bytes of the current block
	buf  []byte // the current block's buffer, to recycle
	skip int    // bytes still to skip at the start (a byte order mark)
	err  error
}

type directResult struct {
	buf []byte
	n   int
	err error
}

// openDirect opens path for direct reading from offset start (less than
// one block), or returns nil when the file system does not support it.
func openDirect(path string, start int) *directReader {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECT, 0)
	if err != nil {
		return nil
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil
	}
	r := &directReader{f: f, size: st.Size(), skip: start,
		blocks: make(chan chan directResult, directDepth), free: make(chan []byte, directDepth+2)}
	for i := 0; i < directDepth+2; i++ {
		r.free <- alignedBlock()
	}
	// Probe one aligned read: some file systems accept the flag at open
	// and refuse the reads.
	probe := <-r.free
	if _, err := f.ReadAt(probe[:4096], 0); err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil
	}
	r.free <- probe
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.wg.Add(1)
	go r.fetch(ctx)
	return r
}

// alignedBlock returns a directBlock-sized buffer aligned to 4 KiB.
func alignedBlock() []byte {
	const align = 4096
	b := make([]byte, directBlock+align)
	off := int(uintptr(unsafe.Pointer(&b[0])) & (align - 1))
	if off != 0 {
		off = align - off
	}
	return b[off : off+directBlock]
}

// fetch reads the blocks in order, up to directDepth at a time.
func (r *directReader) fetch(ctx context.Context) {
	defer r.wg.Done()
	defer close(r.blocks)
	for off := int64(0); off < r.size; off += directBlock {
		var buf []byte
		select {
		case buf = <-r.free:
		case <-ctx.Done():
			return
		}
		res := make(chan directResult, 1)
		select {
		case r.blocks <- res:
		case <-ctx.Done():
			return
		}
		r.wg.Add(1)
		go func(off int64) {
			defer r.wg.Done()
			n, err := r.f.ReadAt(buf, off)
			if errors.Is(err, io.EOF) && off+int64(n) >= r.size {
				err = nil
			}
			res <- directResult{buf: buf, n: n, err: err}
		}(off)
	}
}

// Read implements io.Reader.
func (r *directReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.buf != nil {
			r.free <- r.buf
			r.buf = nil
		}
		res, ok := <-r.blocks
		if !ok {
			r.err = io.EOF
			return 0, io.EOF
		}
		got := <-res
		r.buf = got.buf
		if got.err != nil {
			r.err = fmt.Errorf("reading: %w", got.err)
			return 0, r.err
		}
		r.cur = got.buf[:got.n]
		if r.skip > 0 {
			k := min(r.skip, len(r.cur))
			r.cur, r.skip = r.cur[k:], r.skip-k
		}
		if got.n < directBlock {
			r.err = io.EOF // the last block
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// Close stops the background reads and closes the file.
func (r *directReader) Close() error {
	r.cancel()
	for res := range r.blocks {
		got := <-res
		_ = got
	}
	r.wg.Wait()
	return r.f.Close()
}
