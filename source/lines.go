package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
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
			line = trimEOL(chunk)
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
		line = trimEOL(l.buf)
		if len(line) > l.max {
			return nil, n, true, nil
		}
		return line, n, false, nil
	}
}

func trimEOL(b []byte) []byte {
	if k := len(b); k > 0 && b[k-1] == '\n' {
		b = b[:k-1]
	}
	if k := len(b); k > 0 && b[k-1] == '\r' {
		b = b[:k-1]
	}
	return b
}

// readLines feeds every non-blank line of br to decode, recording lines
// that are too long. decode returns an error only to stop the read.
func (rd *reader) readLines(br *bufio.Reader, decode func(line []byte, lineNo int) error) error {
	lr := &lineReader{r: br, max: rd.maxRec}
	for {
		line, n, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", lr.line+1, err)
		}
		if tooLong {
			if err := rd.skipRec(Diagnostic{Line: lr.line, Reason: ReasonTooLong,
				Detail: fmt.Sprintf("%d bytes, limit %d", n, rd.maxRec)}); err != nil {
				return err
			}
			continue
		}
		if isBlank(line) {
			continue
		}
		if err := decode(line, lr.line); err != nil {
			return err
		}
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
