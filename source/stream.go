package source

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// errAborted ends a file whose problem was already recorded.
var errAborted = errors.New("file aborted")

// errTooLong is returned by a guardedReader when one record grows past the
// limit.
var errTooLong = errors.New("record longer than the limit")

// guardedReader stops a json.Decoder from buffering more than max bytes
// past the last record boundary, so one huge value cannot exhaust memory.
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

// jsonWalker walks JSON documents token by token, decoding one record at a
// time.
type jsonWalker struct {
	rd    *reader
	dec   *json.Decoder
	g     *guardedReader
	index int // records seen in this file
}

func (w *jsonWalker) mark() { w.g.mark = w.dec.InputOffset() }

// wrap turns a decoder error into a file-level error, naming too-long
// records.
func (w *jsonWalker) wrap(err error) error {
	if errors.Is(err, errTooLong) {
		if err := w.rd.skipRec(Diagnostic{Record: w.index + 1, Reason: ReasonTooLong,
			Detail: fmt.Sprintf("more than %d bytes; rest of file not read", w.g.max)}); err != nil {
			return err
		}
		return errAborted
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("after record %d (offset %d): %w", w.index, w.dec.InputOffset(), err)
}

// readJSONStream reads Event Hubs payloads, REST arrays and pages, Log
// Analytics responses and row arrays, any number of documents per file.
func (rd *reader) readJSONStream(r io.Reader, format string) error {
	g := &guardedReader{r: r, max: int64(rd.maxRec)}
	dec := json.NewDecoder(g)
	dec.UseNumber()
	w := &jsonWalker{rd: rd, dec: dec, g: g}
	for {
		w.mark()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return w.wrap(err)
		}
		switch tok {
		case json.Delim('['):
			err = w.records(format)
		case json.Delim('{'):
			err = w.object(format)
		default:
			return fmt.Errorf("offset %d: expected a JSON object or array, found %v", dec.InputOffset(), tok)
		}
		if err != nil {
			return err
		}
	}
}

// records reads the elements of an array whose '[' was consumed, up to and
// including the ']'.
func (w *jsonWalker) records(format string) error {
	for w.dec.More() {
		w.mark()
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			return w.wrap(err)
		}
		w.index++
		at := Diagnostic{Record: w.index}
		var err error
		if format == FormatRows {
			err = w.rd.handleRow(raw, at)
		} else {
			err = w.rd.handleEvent(raw, at)
		}
		if err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // ']'
	if err != nil {
		return w.wrap(err)
	}
	return nil
}

// object reads a document object whose '{' was consumed: an Event Hubs
// payload (records), a REST page (value), a Log Analytics response
// (tables), or a single event or row.
func (w *jsonWalker) object(format string) error {
	found := false
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.wrap(err)
		}
		key, _ := tok.(string)
		switch k := strings.ToLower(key); {
		case k == "records" || k == "value":
			found = true
			if err := w.arrayOf(format); err != nil {
				return err
			}
		case k == "tables":
			found = true
			if err := w.tables(); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := w.dec.Decode(&skip); err != nil {
				return w.wrap(err)
			}
		}
	}
	_, err := w.dec.Token() // '}'
	if err != nil {
		return w.wrap(err)
	}
	if !found {
		w.index++
		return w.rd.skipRec(Diagnostic{Record: w.index, Reason: ReasonNoRecords,
			Detail: "document has no records, value or tables array"})
	}
	return nil
}

// arrayOf reads the value of a records/value member: an array of events,
// or anything else (skipped).
func (w *jsonWalker) arrayOf(format string) error {
	tok, err := w.dec.Token()
	if err != nil {
		return w.wrap(err)
	}
	if tok != json.Delim('[') {
		if d, ok := tok.(json.Delim); ok {
			return fmt.Errorf("offset %d: expected an array of records, found %v", w.dec.InputOffset(), d)
		}
		return nil
	}
	return w.records(format)
}

// tables reads the tables array of a Log Analytics query response.
func (w *jsonWalker) tables() error {
	tok, err := w.dec.Token()
	if err != nil {
		return w.wrap(err)
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("offset %d: expected an array of tables", w.dec.InputOffset())
	}
	for w.dec.More() {
		if tok, err = w.dec.Token(); err != nil {
			return w.wrap(err)
		}
		if tok != json.Delim('{') {
			return fmt.Errorf("offset %d: expected a table object", w.dec.InputOffset())
		}
		var cols []string
		for w.dec.More() {
			if tok, err = w.dec.Token(); err != nil {
				return w.wrap(err)
			}
			key, _ := tok.(string)
			switch strings.ToLower(key) {
			case "columns":
				var cs []struct {
					Name       string `json:"name"`
					ColumnName string `json:"ColumnName"`
				}
				if err := w.dec.Decode(&cs); err != nil {
					return w.wrap(err)
				}
				cols = cols[:0]
				for _, c := range cs {
					name := c.Name
					if name == "" {
						name = c.ColumnName
					}
					cols = append(cols, name)
				}
			case "rows":
				if cols == nil {
					return fmt.Errorf("offset %d: table rows come before its columns", w.dec.InputOffset())
				}
				if err := w.tableRows(cols); err != nil {
					return err
				}
			default:
				var skip json.RawMessage
				if err := w.dec.Decode(&skip); err != nil {
					return w.wrap(err)
				}
			}
		}
		if _, err := w.dec.Token(); err != nil { // '}'
			return w.wrap(err)
		}
	}
	if _, err := w.dec.Token(); err != nil { // ']'
		return w.wrap(err)
	}
	return nil
}

func (w *jsonWalker) tableRows(cols []string) error {
	tok, err := w.dec.Token()
	if err != nil {
		return w.wrap(err)
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("offset %d: expected an array of rows", w.dec.InputOffset())
	}
	for w.dec.More() {
		w.mark()
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			return w.wrap(err)
		}
		w.index++
		at := Diagnostic{Record: w.index}
		if len(raw) == 0 || raw[0] != '[' {
			if err := w.rd.skipRec(Diagnostic{Record: w.index, Reason: ReasonBadRow, Detail: "row is not an array"}); err != nil {
				return err
			}
			continue
		}
		if err := w.rd.handleTableRow(raw, cols, at); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.wrap(err)
	}
	return nil
}
