package source

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"kqlhunt/source/jsonx"
)

// errAborted ends a file whose problem was already recorded.
var errAborted = errors.New("file aborted")

// errTooLong is returned by a guardedReader when one record grows past the
// limit.
var errTooLong = errors.New("record longer than the limit")

// guardedReader stops a reader's client (the CSV reader) from buffering
// more than max bytes past the last record boundary, so one huge value
// cannot exhaust memory.
type guardedReader struct {
	r    io.Reader
	n    int64 // bytes handed out
	mark int64 // input offset of the last record boundary
	max  int64
}

func (g *guardedReader) Read(p []byte) (int, error) {
	if g.n-g.mark > g.max {
		return 0, errTooLong
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// jstream reads JSON values one at a time from a stream: it finds the
// extent of each value with a bracket-matching scan (no full parse) and
// returns its bytes, never holding more than max bytes of one value.
type jstream struct {
	br    *bufio.Reader
	max   int
	off   int64 // bytes consumed
	val   []byte
	stack []byte
}

func newJStream(r io.Reader, max int) *jstream {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &jstream{br: br, max: max}
}

// peek skips white space and returns the next byte without consuming it.
func (s *jstream) peek() (byte, error) {
	for {
		c, err := s.br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			s.off++
			continue
		}
		_ = s.br.UnreadByte()
		return c, nil
	}
}

// next skips white space and consumes the next byte.
func (s *jstream) next() (byte, error) {
	c, err := s.peek()
	if err != nil {
		return 0, err
	}
	_, _ = s.br.ReadByte()
	s.off++
	return c, nil
}

func (s *jstream) syntax(format string, args ...any) error {
	return fmt.Errorf("%w at offset %d: %s", jsonx.ErrSyntax, s.off, fmt.Sprintf(format, args...))
}

// readValue reads the next JSON value and returns its bytes, valid until
// the next call. A value longer than max gives errTooLong.
func (s *jstream) readValue() ([]byte, error) {
	c, err := s.peek()
	if err != nil {
		return nil, err
	}
	s.val = s.val[:0]
	if c != '{' && c != '[' && c != '"' {
		// A literal: read up to the next delimiter.
		for {
			c, err := s.br.ReadByte()
			if err != nil {
				if errors.Is(err, io.EOF) && len(s.val) > 0 {
					break
				}
				return nil, err
			}
			if c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				_ = s.br.UnreadByte()
				break
			}
			s.off++
			s.val = append(s.val, c)
			if len(s.val) > 64 {
				return nil, s.syntax("unexpected %q", s.val[0])
			}
		}
		if e, err := jsonx.Skip(s.val, 0); err != nil || e != len(s.val) {
			return nil, s.syntax("bad literal %q", s.val)
		}
		return s.val, nil
	}
	s.stack = s.stack[:0]
	inStr, esc := false, false
	for {
		if _, err := s.br.Peek(1); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		buf, _ := s.br.Peek(s.br.Buffered())
		i, end := 0, -1
	scan:
		for i < len(buf) {
			if esc {
				esc = false
				i++
				continue
			}
			if inStr {
				j := bytes.IndexAny(buf[i:], "\"\\")
				if j < 0 {
					i = len(buf)
					break
				}
				i += j
				if buf[i] == '\\' {
					esc = true
					i++
					continue
				}
				inStr = false
				i++
				if len(s.stack) == 0 {
					end = i
					break scan
				}
				continue
			}
			switch c := buf[i]; c {
			case '"':
				inStr = true
			case '{', '[':
				if len(s.stack) >= jsonx.MaxDepth {
					return nil, s.syntax("nesting deeper than %d", jsonx.MaxDepth)
				}
				s.stack = append(s.stack, c)
			case '}', ']':
				if len(s.stack) == 0 {
					return nil, s.syntax("unexpected %q", c)
				}
				open := s.stack[len(s.stack)-1]
				if open == '{' && c != '}' || open == '[' && c != ']' {
					return nil, s.syntax("mismatched %q", c)
				}
				s.stack = s.stack[:len(s.stack)-1]
				if len(s.stack) == 0 {
					end = i + 1
					i++
					break scan
				}
			}
			i++
		}
		n := i
		if len(s.val)+n > s.max {
			return nil, errTooLong
		}
		s.val = append(s.val, buf[:n]...)
		_, _ = s.br.Discard(n)
		s.off += int64(n)
		if end >= 0 {
			return s.val, nil
		}
	}
}

// jsonWalker walks JSON documents, decoding one record at a time.
type jsonWalker struct {
	rd    *reader
	s     *jstream
	index int // records seen in this file
}

// wrap turns a read error into a file-level error, naming too-long
// records.
func (w *jsonWalker) wrap(err error) error {
	if errors.Is(err, errTooLong) {
		if err := w.rd.skipRec(Diagnostic{Record: w.index + 1, Reason: ReasonTooLong,
			Detail: fmt.Sprintf("more than %d bytes; rest of file not read", w.s.max)}); err != nil {
			return err
		}
		return errAborted
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("after record %d (offset %d): %w", w.index, w.s.off, err)
}

// expect consumes the next non-space byte, which must be c.
func (w *jsonWalker) expect(c byte) error {
	got, err := w.s.next()
	if err != nil {
		return w.wrap(err)
	}
	if got != c {
		return w.wrap(w.s.syntax("expected %q, found %q", c, got))
	}
	return nil
}

// readJSONStream reads Event Hubs payloads, REST arrays and pages, Log
// Analytics responses and row arrays, any number of documents per file.
func (rd *reader) readJSONStream(r io.Reader, format string) error {
	w := &jsonWalker{rd: rd, s: newJStream(r, rd.maxRec)}
	for {
		c, err := w.s.peek()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return w.wrap(err)
		}
		_, _ = w.s.next()
		switch c {
		case '[':
			err = w.records(format)
		case '{':
			err = w.object(format)
		default:
			return fmt.Errorf("offset %d: expected a JSON object or array, found %q", w.s.off-1, c)
		}
		if err != nil {
			return err
		}
	}
}

// records reads the elements of an array whose '[' was consumed, up to and
// including the ']'.
func (w *jsonWalker) records(format string) error {
	return w.elements(func(raw []byte) error {
		w.index++
		at := Diagnostic{Record: w.index}
		if format == FormatRows {
			return w.rd.handleRow(raw, at)
		}
		return w.rd.handleEvent(raw, at)
	})
}

// elements calls fn for each element of an array whose '[' was consumed,
// and consumes the ']'.
func (w *jsonWalker) elements(fn func(raw []byte) error) error {
	return w.items(']', func() error {
		raw, err := w.s.readValue()
		if err != nil {
			return w.wrap(err)
		}
		return fn(raw)
	})
}

// members calls fn for each member of an object whose '{' was consumed,
// with the key; fn must consume the value. The '}' is consumed.
func (w *jsonWalker) members(fn func(key string) error) error {
	return w.items('}', func() error {
		if c, err := w.s.peek(); err != nil || c != '"' {
			if err == nil {
				err = w.s.syntax("expected a property name, found %q", c)
			}
			return w.wrap(err)
		}
		raw, err := w.s.readValue()
		if err != nil {
			return w.wrap(err)
		}
		key, err := jsonx.String(raw)
		if err != nil {
			return w.wrap(err)
		}
		if err := w.expect(':'); err != nil {
			return err
		}
		return fn(key)
	})
}

// items calls item for each comma-separated item of an array or object
// whose opening bracket was consumed, up to and including the closing
// byte end.
func (w *jsonWalker) items(end byte, item func() error) error {
	c, err := w.s.peek()
	if err != nil {
		return w.wrap(err)
	}
	if c == end {
		_, _ = w.s.next()
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		c, err := w.s.next()
		if err != nil {
			return w.wrap(err)
		}
		switch c {
		case ',':
		case end:
			return nil
		default:
			return w.wrap(w.s.syntax("expected ',' or '%c', found %q", end, c))
		}
	}
}

// skipValue consumes one value.
func (w *jsonWalker) skipValue() error {
	if _, err := w.s.readValue(); err != nil {
		return w.wrap(err)
	}
	return nil
}

// object reads a document object whose '{' was consumed: an Event Hubs
// payload (records), a REST page (value) or a Log Analytics response
// (tables).
func (w *jsonWalker) object(format string) error {
	found := false
	err := w.members(func(key string) error {
		switch k := strings.ToLower(key); k {
		case "records", "value":
			found = true
			return w.arrayOf(format)
		case "tables":
			found = true
			return w.tables()
		default:
			return w.skipValue()
		}
	})
	if err != nil {
		return err
	}
	if !found {
		w.index++
		return w.rd.skipRec(Diagnostic{Record: w.index, Reason: ReasonNoRecords,
			Detail: "document has no records, value or tables array"})
	}
	return nil
}

// arrayOf reads the value of a records/value member: an array of events;
// a scalar (null) is skipped.
func (w *jsonWalker) arrayOf(format string) error {
	c, err := w.s.peek()
	if err != nil {
		return w.wrap(err)
	}
	switch c {
	case '[':
		_, _ = w.s.next()
		return w.records(format)
	case '{':
		return w.wrap(w.s.syntax("expected an array of records, found an object"))
	}
	return w.skipValue()
}

// tables reads the tables array of a Log Analytics query response.
func (w *jsonWalker) tables() error {
	if err := w.expect('['); err != nil {
		return err
	}
	return w.items(']', func() error {
		if err := w.expect('{'); err != nil {
			return err
		}
		var cols []string
		return w.members(func(key string) error {
			switch strings.ToLower(key) {
			case "columns":
				raw, err := w.s.readValue()
				if err != nil {
					return w.wrap(err)
				}
				var cs []struct {
					Name       string `json:"name"`
					ColumnName string `json:"ColumnName"`
				}
				if err := json.Unmarshal(raw, &cs); err != nil {
					return w.wrap(err)
				}
				cols = make([]string, 0, len(cs))
				for _, c := range cs {
					name := c.Name
					if name == "" {
						name = c.ColumnName
					}
					cols = append(cols, name)
				}
				return nil
			case "rows":
				if cols == nil {
					return fmt.Errorf("offset %d: table rows come before its columns", w.s.off)
				}
				return w.tableRows(cols)
			default:
				return w.skipValue()
			}
		})
	})
}

func (w *jsonWalker) tableRows(cols []string) error {
	if err := w.expect('['); err != nil {
		return err
	}
	return w.elements(func(raw []byte) error {
		w.index++
		if len(raw) == 0 || raw[0] != '[' {
			return w.rd.skipRec(Diagnostic{Record: w.index, Reason: ReasonBadRow, Detail: "row is not an array"})
		}
		return w.rd.handleTableRow(raw, cols, Diagnostic{Record: w.index})
	})
}
