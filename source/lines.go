package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync"
)

// lineReader reads lines of at most max bytes. A longer line is consumed
// without being kept and reported as too long, so memory stays bounded by
// max whatever the input.
type lineReader struct {
	r    *bufio.Reader
	buf  []byte
	max  int
	line int
}

// next returns the next line without its line ending. tooLong is set (and
// line is nil) for a line longer than max; its length is in n. err is
// io.EOF after the last line.
func (l *lineReader) next() (line []byte, n int, tooLong bool, err error) {
	l.buf = l.buf[:0]
	for {
		chunk, e := l.r.ReadSlice('\n')
		if n == 0 && e == nil {
			// Fast path: the whole line is in the reader's buffer.
			l.line++
			line = TrimEOL(chunk)
			if len(line) > l.max {
				return nil, len(chunk), true, nil
			}
			return line, len(chunk), false, nil
		}
		n += len(chunk)
		if !tooLong {
			if len(l.buf)+len(chunk) > l.max+2 { // +2 allows for \r\n
				tooLong = true
				l.buf = l.buf[:0]
			} else {
				l.buf = append(l.buf, chunk...)
			}
		}
		if errors.Is(e, bufio.ErrBufferFull) {
			continue
		}
		if e != nil && !errors.Is(e, io.EOF) {
			return nil, n, false, e
		}
		if e != nil && n == 0 {
			return nil, 0, false, io.EOF
		}
		l.line++
		if tooLong {
			return nil, n, true, nil
		}
		line = TrimEOL(l.buf)
		if len(line) > l.max {
			return nil, n, true, nil
		}
		return line, n, false, nil
	}
}

// TrimEOL drops one trailing "\n" and then one "\r": the end of a line as
// the line readers see it.
func TrimEOL(b []byte) []byte {
	if k := len(b); k > 0 && b[k-1] == '\n' {
		b = b[:k-1]
	}
	if k := len(b); k > 0 && b[k-1] == '\r' {
		b = b[:k-1]
	}
	return b
}

// readLines decodes every non-blank line of br with decode, recording
// lines that are too long, and applies the outcomes in input order. With
// more than one worker the lines are decoded on several goroutines.
func (rd *reader) readLines(br *bufio.Reader, decode func([]byte, Diagnostic) decoded) error {
	lr := &lineReader{r: br, max: rd.maxRec}
	if rd.cfg.workers > 1 {
		return rd.readLinesParallel(lr, decode)
	}
	for {
		line, n, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", lr.line+1, err)
		}
		if tooLong {
			if err := rd.skipRec(tooLongLine(lr.line, n, rd.maxRec)); err != nil {
				return err
			}
			continue
		}
		if isBlank(line) {
			continue
		}
		if err := rd.apply(decode(line, Diagnostic{Line: lr.line})); err != nil {
			return err
		}
	}
}

func tooLongLine(line, n, limit int) Diagnostic {
	return Diagnostic{Line: line, Reason: ReasonTooLong, Detail: fmt.Sprintf("%d bytes, limit %d", n, limit)}
}

// lineBatch is a run of lines decoded together by one worker.
type lineBatch struct {
	buf   []byte // the lines' bytes
	lines []batchLine
	out   []decoded
	err   error // read error after the lines (ends the file)
	done  chan struct{}
}

type batchLine struct {
	start, end int // span in buf
	line       int // 1-based line number
	tooLong    int // >0: the line was this long and is skipped
}

// Batches are cut at this many bytes or lines.
const (
	batchBytes = 256 << 10
	batchLines = 1024
)

// readLinesParallel reads lines on one goroutine, decodes batches of them
// on rd.cfg.workers goroutines, and applies the outcomes here in input
// order, so that counting, deduplication and the callback stay
// sequential. About 2×workers+2 batches are in flight at most.
func (rd *reader) readLinesParallel(lr *lineReader, decode func([]byte, Diagnostic) decoded) error {
	workers := rd.cfg.workers
	ordered := make(chan *lineBatch, workers)
	work := make(chan *lineBatch, workers)
	quit := make(chan struct{})
	// Line buffers go back to the producer once their batch is applied
	// (decoded records hold copies, never slices of the buffer).
	free := make(chan []byte, 2*workers+2)
	newBatch := func() *lineBatch {
		select {
		case buf := <-free:
			return &lineBatch{done: make(chan struct{}), buf: buf[:0]}
		default:
			return &lineBatch{done: make(chan struct{}), buf: make([]byte, 0, batchBytes+4096)}
		}
	}
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				b.out = make([]decoded, len(b.lines))
				for i, l := range b.lines {
					if l.tooLong == 0 {
						b.out[i] = decode(b.buf[l.start:l.end], Diagnostic{Line: l.line})
					}
				}
				close(b.done)
			}
		}()
	}
	producerDone := make(chan struct{})
	go func() {
		defer close(producerDone)
		defer close(ordered)
		defer close(work)
		send := func(b *lineBatch) bool {
			select {
			case ordered <- b:
			case <-quit:
				return false
			}
			select {
			case work <- b:
			case <-quit:
				return false
			}
			return true
		}
		b := newBatch()
		for {
			line, n, tooLong, err := lr.next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					b.err = fmt.Errorf("line %d: %w", lr.line+1, err)
				}
				send(b)
				return
			}
			switch {
			case tooLong:
				b.lines = append(b.lines, batchLine{line: lr.line, tooLong: n})
			case isBlank(line):
				continue
			default:
				start := len(b.buf)
				b.buf = append(b.buf, line...)
				b.lines = append(b.lines, batchLine{start: start, end: len(b.buf), line: lr.line})
			}
			if len(b.buf) >= batchBytes || len(b.lines) >= batchLines {
				if !send(b) {
					return
				}
				b = newBatch()
			}
		}
	}()
	finish := func(err error) error {
		close(quit)
		for range ordered { // let the producer see quit and stop
		}
		<-producerDone
		wg.Wait()
		return err
	}
	for b := range ordered {
		<-b.done
		for i, l := range b.lines {
			var err error
			if l.tooLong > 0 {
				err = rd.skipRec(tooLongLine(l.line, l.tooLong, rd.maxRec))
			} else {
				err = rd.apply(b.out[i])
			}
			if err != nil {
				return finish(err)
			}
		}
		if b.err != nil {
			return finish(b.err)
		}
		if cap(b.buf) <= 2*batchBytes { // don't keep buffers grown by a huge line
			select {
			case free <- b.buf:
			default:
			}
		}
		b.buf, b.out = nil, nil
	}
	<-producerDone
	wg.Wait()
	return nil
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
