// Package source reads Azure activity logs in every shape users export
// them in and streams them as AzureActivity records:
//
//   - storage: diagnostic-setting export to a storage account (PT1H.json
//     files of JSON lines, usually in an insights-activity-logs/ tree);
//   - eventhub: Event Hubs payloads, {"records":[…]} documents, one or many
//     per file, or Event Hubs Capture Avro files holding such payloads;
//   - rest: REST API / az monitor activity-log list output, a JSON array of
//     events (or {"value":[…]} pages);
//   - loganalytics: Log Analytics query API responses ({"tables":[…]});
//   - csv: Log Analytics portal CSV exports;
//   - rows: AzureActivity rows keyed by column name, as NDJSON or an array.
//
// Gzip input is decompressed transparently; the shape is detected from
// content unless Options.Format names it. Memory stays bounded: no file is
// read whole, and a record longer than Options.MaxRecordBytes is skipped.
package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"kqlhunt/activity"
)

// Format names accepted by Options.Format.
const (
	FormatAuto         = "auto"
	FormatStorage      = "storage"
	FormatEventHub     = "eventhub"
	FormatREST         = "rest"
	FormatLogAnalytics = "loganalytics"
	FormatCSV          = "csv"
	FormatRows         = "rows"
)

// Formats lists the accepted format names.
var Formats = []string{FormatAuto, FormatStorage, FormatEventHub, FormatREST, FormatLogAnalytics, FormatCSV, FormatRows}

// DefaultMaxRecordBytes is the longest line or record read by default.
const DefaultMaxRecordBytes = 16 << 20

// Options control Read.
type Options struct {
	// Format forces a shape (one of Formats); "" or "auto" detects it.
	Format string
	// Strict makes any skipped record an error that stops the read.
	Strict bool
	// NoDedupe keeps duplicate events (by default the second and later
	// copies of an event are removed; see activity.Deduper).
	NoDedupe bool
	// DedupeWindow bounds the deduplication memory (activity.NewDeduper).
	DedupeWindow int
	// MaxRecordBytes bounds one line or record; 0 means
	// DefaultMaxRecordBytes.
	MaxRecordBytes int
	// MaxExamples bounds the example diagnostics kept per skip reason; 0
	// means 5.
	MaxExamples int
	// Workers is the number of goroutines decoding line-oriented input
	// (storage exports, NDJSON rows); 0 means GOMAXPROCS. Records reach
	// the callback in input order whatever the number.
	Workers int
	// Columns names the AzureActivity columns the caller will use; nil
	// means all. The dynamic columns (Authorization_d, Claims_d,
	// Properties_d) are parsed only when one of them is requested.
	Columns []string
}

// ErrStrict is wrapped by the error Read returns when Options.Strict is
// set and a record was skipped.
var ErrStrict = errors.New("record skipped in strict mode")

// errStop aborts a file early (callback error or strict mode).
type errStop struct{ err error }

func (e errStop) Error() string { return e.err.Error() }
func (e errStop) Unwrap() error { return e.err }

// keepSet says which raw JSON text columns a decoder keeps.
type keepSet struct{ auth, claims, props, http bool }

// decodeConfig is what decoders need to know about the projection. It is
// read-only once built, so decoders may run on several goroutines.
type decodeConfig struct {
	dyn     bool    // parse the dynamic columns
	need    []bool  // columns to decode, by position (activity.Needed)
	sources []bool  // columns to decode when a derived one is missing (activity.Sources)
	keep    keepSet // raw JSON text columns to keep
	workers int     // decoding goroutines for line-oriented input
}

// decoded is the outcome of decoding one record: a normalised record
// (possibly of another category, to set aside) or a skip.
type decoded struct {
	rec         *activity.Record
	nonActivity string
	skip        Diagnostic // Reason != "" when the record is skipped
}

// reader holds the state of one Read.
type reader struct {
	ctx     context.Context
	opts    Options
	rep     *Report
	emit    func(*activity.Record) error
	dedupe  *activity.Deduper
	cfg     decodeConfig
	maxRec  int
	file    string
	counter int
}

// Read streams the AzureActivity records of the given paths to emit.
// A path may be a file, a directory (walked recursively, reading files
// named *.json, *.jsonl, *.ndjson, *.csv, *.log, *.txt, *.avro or *.gz
// and skipping hidden entries), a glob pattern, or "-" for standard
// input. Each record passed to emit is a new allocation the callee may
// keep.
//
// Problems with single records are counted in the Report and reading goes
// on; the returned error is non-nil only when a path cannot be opened or
// matches nothing, emit fails, ctx is cancelled, or Options.Strict is set
// and a record was skipped. The Report is returned in every case.
func Read(ctx context.Context, paths []string, opts Options, emit func(*activity.Record) error) (*Report, error) {
	rd, err := newReader(ctx, opts, emit)
	if err != nil {
		return rd.rep, err
	}
	files, err := expand(paths)
	if err != nil {
		return rd.rep, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return rd.rep, err
		}
		if err := rd.readFile(f); err != nil {
			return rd.rep, err
		}
	}
	return rd.rep, nil
}

// ReadReader reads one stream as Read reads one file; name labels its
// diagnostics.
func ReadReader(ctx context.Context, name string, r io.Reader, opts Options, emit func(*activity.Record) error) (*Report, error) {
	rd, err := newReader(ctx, opts, emit)
	if err != nil {
		return rd.rep, err
	}
	return rd.rep, rd.readStream(name, r)
}

func newReader(ctx context.Context, opts Options, emit func(*activity.Record) error) (*reader, error) {
	rd := &reader{ctx: ctx, opts: opts, rep: newReport(opts.MaxExamples), emit: emit, maxRec: opts.MaxRecordBytes}
	if rd.maxRec <= 0 {
		rd.maxRec = DefaultMaxRecordBytes
	}
	switch opts.Format {
	case "", FormatAuto, FormatStorage, FormatEventHub, FormatREST, FormatLogAnalytics, FormatCSV, FormatRows:
	default:
		return rd, fmt.Errorf("unknown format %q (want one of %s)", opts.Format, strings.Join(Formats, ", "))
	}
	if !opts.NoDedupe {
		rd.dedupe = activity.NewDeduper(opts.DedupeWindow)
	}
	for _, c := range opts.Columns {
		if _, ok := activity.ColumnIndex([]byte(c)); !ok {
			return rd, fmt.Errorf("option Columns: AzureActivity has no column %q (names are case-sensitive)", c)
		}
	}
	rd.cfg.need = activity.Needed(opts.Columns)
	rd.cfg.sources = activity.Sources(rd.cfg.need)
	// Event decoders take derived values straight from the raw JSON, so
	// they keep a text column only when it (or its dynamic form) is
	// requested.
	needs := func(name string) bool {
		if len(opts.Columns) == 0 {
			return true
		}
		for _, c := range opts.Columns {
			if c == name {
				return true
			}
		}
		return false
	}
	rd.cfg.dyn = needs("Authorization_d") || needs("Claims_d") || needs("Properties_d")
	rd.cfg.workers = opts.Workers
	if rd.cfg.workers <= 0 {
		rd.cfg.workers = runtime.GOMAXPROCS(0)
	}
	rd.cfg.keep = keepSet{
		auth:   needs("Authorization") || needs("Authorization_d"),
		claims: needs("Claims") || needs("Claims_d"),
		props:  needs("Properties") || needs("Properties_d"),
		http:   needs("HTTPRequest"),
	}
	return rd, nil
}

// expand turns paths, directories and globs into a list of files.
func expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if p == "-" {
			out = append(out, p)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && strings.ContainsAny(p, "*?[") {
				matches, gerr := filepath.Glob(p)
				if gerr != nil {
					return nil, fmt.Errorf("bad glob %q: %w", p, gerr)
				}
				if len(matches) == 0 {
					return nil, fmt.Errorf("no files match %q", p)
				}
				sort.Strings(matches)
				for _, m := range matches {
					sub, err := expand([]string{m})
					if err != nil {
						return nil, err
					}
					out = append(out, sub...)
				}
				continue
			}
			return nil, fmt.Errorf("opening input: %w", err)
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		before := len(out)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("walking %s: %w", path, err)
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && isDataFile(d.Name()) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) == before {
			return nil, fmt.Errorf("no data files (%s) under %s", strings.Join(dataExts, ", "), p)
		}
	}
	return out, nil
}

// dataExts are the file name endings read when walking a directory
// (files named explicitly are always read).
var dataExts = []string{".json", ".jsonl", ".ndjson", ".csv", ".log", ".txt", ".gz", ".avro"}

func isDataFile(name string) bool {
	name = strings.ToLower(name)
	for _, e := range dataExts {
		if strings.HasSuffix(name, e) {
			return true
		}
	}
	return false
}

func (rd *reader) readFile(path string) error {
	if path == "-" {
		return rd.readStream("-", os.Stdin)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening input: %w", err)
	}
	defer f.Close()
	return rd.readStream(path, f)
}

// readStream decompresses, detects and decodes one input. Problems inside
// the input are recorded in the report; the error is non-nil only for
// cancellation, callback failure and strict mode.
func (rd *reader) readStream(name string, r io.Reader) error {
	err := rd.decodeStream(name, r)
	if err == nil || errors.Is(err, errAborted) {
		return nil
	}
	var stop errStop
	if !errors.As(err, &stop) {
		err = rd.fileError(0, err)
		if err == nil {
			return nil
		}
		errors.As(err, &stop)
	}
	return stop.err
}

func (rd *reader) decodeStream(name string, r io.Reader) error {
	rd.file = name
	rd.counter = 0
	rd.rep.Files++
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	// Skip a UTF-8 byte order mark.
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	format := rd.opts.Format
	if format == "" || format == FormatAuto {
		head, err := br.Peek(64 << 10)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) && len(head) == 0 {
			return err
		}
		// A read error after some data (a truncated gzip file) comes back
		// from the decoder once the data before it is read.
		var why string
		format, why = Detect(head)
		if format == "" {
			if why == "empty" {
				rd.rep.Formats["empty"]++
				return nil
			}
			return rd.skipRec(Diagnostic{Reason: ReasonUnknownFormat, Detail: why})
		}
	}
	rd.rep.Formats[format]++
	var err error
	switch format {
	case FormatStorage:
		err = rd.readLines(br, rd.cfg.decodeEventItem)
	case FormatRows:
		if c := firstByte(br); c == '[' {
			err = rd.readJSONStream(br, format)
		} else {
			err = rd.readLines(br, rd.cfg.decodeRowItem)
		}
	case FormatEventHub:
		if magic, _ := br.Peek(len(avroMagic)); bytes.Equal(magic, avroMagic) {
			err = rd.readAvroCapture(br)
		} else {
			err = rd.readJSONStream(br, format)
		}
	case FormatREST, FormatLogAnalytics:
		err = rd.readJSONStream(br, format)
	case FormatCSV:
		err = rd.readCSV(br)
	}
	return err
}

// firstByte returns the first non-space byte of br without consuming it.
func firstByte(br *bufio.Reader) byte {
	for n := 1; n <= 64<<10; n *= 2 {
		b, err := br.Peek(n)
		if i := bytes.IndexFunc(b, func(r rune) bool { return !isSpace(r) }); i >= 0 {
			return b[i]
		}
		if err != nil {
			return 0
		}
	}
	return 0
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// fileError records that reading a file stopped early.
func (rd *reader) fileError(line int, err error) error {
	return rd.skipRec(Diagnostic{Line: line, Record: 0, Reason: ReasonFileError, Detail: err.Error()})
}

// skipRec records a skipped record; in strict mode it returns an error.
func (rd *reader) skipRec(d Diagnostic) error {
	d.File = rd.file
	if err := rd.tick(); err != nil {
		return err
	}
	rd.rep.skip(d)
	if d.Reason != ReasonFileError && d.Reason != ReasonUnknownFormat {
		rd.rep.Read++
	}
	if rd.opts.Strict {
		return errStop{fmt.Errorf("%w: %s", ErrStrict, d)}
	}
	return nil
}

// tick checks for cancellation every 256 records.
func (rd *reader) tick() error {
	rd.counter++
	if rd.counter&255 == 0 {
		if err := rd.ctx.Err(); err != nil {
			return errStop{err}
		}
	}
	return nil
}

// apply records the outcome of decoding one record.
func (rd *reader) apply(d decoded) error {
	if d.skip.Reason != "" {
		return rd.skipRec(d.skip)
	}
	return rd.deliver(d.rec, d.nonActivity)
}

// deliver finishes a decoded, normalised record: routing of other
// categories, deduplication, and the callback.
func (rd *reader) deliver(rec *activity.Record, nonActivity string) error {
	rd.rep.Read++
	if err := rd.tick(); err != nil {
		return err
	}
	if nonActivity != "" {
		rd.rep.NonActivity[nonActivity]++
		return nil
	}
	if rd.dedupe != nil && rd.dedupe.Seen(rec) {
		rd.rep.Duplicates++
		return nil
	}
	if err := rd.emit(rec); err != nil {
		return errStop{err}
	}
	rd.rep.Loaded++
	return nil
}
