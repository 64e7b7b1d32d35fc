// Package store keeps tables as Parquet files in a local directory and scans
// them back as columnar batches.
//
// Layout. Files are partitioned by the UTC day of the time column
// (TimeGenerated), Hive style, so that DuckDB, Spark or an ADX external table
// can read them directly:
//
//	<dir>/manifest.json
//	<dir>/date=2026-11-24/part-<hash>.parquet
//	<dir>/date=__HIVE_DEFAULT_PARTITION__/part-<hash>.parquet   (rows whose time is null)
//
// Every file holds rows sorted by TimeGenerated, cut into row groups of
// RowGroupRows rows, so the row-group min/max statistics of TimeGenerated
// are tight and a time-bounded scan can skip most of them. Column types use
// Parquet logical types: datetime is TIMESTAMP(NANOS, UTC), string and guid
// are STRING, dynamic is its JSON text as STRING, long/int/bool/real map to
// INT64/INT32/BOOLEAN/DOUBLE and timespan to INT64 (100-ns ticks). The Kusto
// type of every column is also recorded in the file's key/value metadata
// under "kqlhunt.types". Datetimes outside the nanosecond timestamp range
// (before 1677-09-21 or after 2262-04-11) are stored as null and counted in
// the ingest report.
//
// Idempotency. manifest.json lists the fingerprints of ingested sources
// (see FingerprintFile); ingesting a known source is a no-op. Independently,
// rows are deduplicated by EventDataId within a day partition: a row whose
// non-empty EventDataId already exists in that partition (from any earlier
// ingest, or earlier in the same one) is dropped. Rows with an empty or
// missing EventDataId are never deduplicated. Files of one ingest are
// written under temporary names and renamed into place only when the whole
// source has been read, and the manifest is rewritten last, atomically.
//
// A Store is safe for concurrent scans; ingests must not run concurrently
// with each other (within or across processes).
package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

const (
	// TimeColumn is the datetime column that partitions and orders the data.
	TimeColumn = "TimeGenerated"
	// IDColumn is the column used to deduplicate rows within a partition.
	IDColumn = "EventDataId"
	// NullPartition is the directory value for rows whose time is null.
	NullPartition = "__HIVE_DEFAULT_PARTITION__"
	// DefaultRowGroupRows is the default number of rows per row group.
	DefaultRowGroupRows = 65536
	// DefaultFileRows is the default maximum number of rows per file.
	DefaultFileRows = 2 * DefaultRowGroupRows
	// DefaultBufferBytes is the default bound on the row data Ingest
	// buffers across partitions before it writes files.
	DefaultBufferBytes = 128 << 20

	manifestName = "manifest.json"
	typesKey     = "kqlhunt.types"
)

// Store is a directory of Parquet files plus a manifest.
type Store struct {
	dir string

	// RowGroupRows is the number of rows per row group written by Ingest.
	RowGroupRows int
	// FileRows is the most rows Ingest buffers per partition before it
	// writes a file.
	FileRows int
	// BufferBytes bounds the row data Ingest buffers across partitions:
	// when it is exceeded, the largest partition is written out. With the
	// files being written (at most IngestWorkers, each holding what was
	// buffered for it), it bounds ingest memory.
	BufferBytes int64
	// ScanWorkers is the number of files Scan decodes in parallel.
	ScanWorkers int
	// IngestWorkers is the number of files Ingest writes in parallel (1 by
	// default: decoding the input keeps the other cores busy, and every
	// file being written holds its rows in memory).
	IngestWorkers int

	mu       sync.Mutex
	manifest manifest
}

// manifest is the JSON document kept in the store directory.
type manifest struct {
	Version int           `json:"version"`
	Schema  []fieldJSON   `json:"schema,omitempty"`
	Sources []sourceEntry `json:"sources"`
}

// addField appends f to the schema unless it has a field of that name.
func (m *manifest) addField(f fieldJSON) {
	for _, g := range m.Schema {
		if g.Name == f.Name {
			return
		}
	}
	m.Schema = append(m.Schema, f)
}

type fieldJSON struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// sourceEntry records one ingested source.
type sourceEntry struct {
	ID       string    `json:"id"`
	Ingested time.Time `json:"ingested"`
	Rows     int64     `json:"rows"`
	Files    []string  `json:"files"`
}

// Open opens the store in dir, creating the directory when it does not
// exist.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("opening store %s: %w", dir, err)
	}
	s := &Store{dir: dir, RowGroupRows: DefaultRowGroupRows, FileRows: DefaultFileRows, BufferBytes: DefaultBufferBytes, ScanWorkers: 2, IngestWorkers: 1}
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	switch {
	case errors.Is(err, os.ErrNotExist):
		s.manifest.Version = 1
	case err != nil:
		return nil, fmt.Errorf("opening store %s: %w", dir, err)
	default:
		if err := json.Unmarshal(data, &s.manifest); err != nil {
			return nil, fmt.Errorf("opening store %s: reading %s: %w", dir, manifestName, err)
		}
		if s.manifest.Version != 1 {
			return nil, fmt.Errorf("opening store %s: unsupported manifest version %d", dir, s.manifest.Version)
		}
		for _, f := range s.manifest.Schema {
			if _, ok := types.ParseType(f.Type); !ok {
				return nil, fmt.Errorf("opening store %s: column %s has unknown type %q", dir, f.Name, f.Type)
			}
		}
	}
	return s, nil
}

// Dir returns the store directory.
func (s *Store) Dir() string { return s.dir }

// Schema returns the union of the columns ingested so far, in first-seen
// order, or an empty schema for an empty store.
func (s *Store) Schema() *batch.Schema {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &batch.Schema{}
	for _, f := range s.manifest.Schema {
		t, _ := types.ParseType(f.Type)
		out.Fields = append(out.Fields, batch.Field{Name: f.Name, Type: t})
	}
	return out
}

// Has reports whether a source with this fingerprint was ingested.
func (s *Store) Has(sourceID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hasLocked(sourceID)
}

func (s *Store) hasLocked(sourceID string) bool {
	for _, e := range s.manifest.Sources {
		if e.ID == sourceID {
			return true
		}
	}
	return false
}

// Files returns the paths of the data files, relative to the store
// directory, in scan order (by partition, then name).
func (s *Store) Files() ([]string, error) {
	parts, err := s.partitions()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range parts {
		files, err := partitionFiles(filepath.Join(s.dir, p.dir))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			out = append(out, filepath.Join(p.dir, f))
		}
	}
	return out, nil
}

// FingerprintFile returns a source fingerprint for the file at path: the
// SHA-256 of its content and its size, as "sha256:<hex>:<size>".
func FingerprintFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("fingerprinting %s: %w", path, err)
	}
	defer f.Close()
	return FingerprintReader(f)
}

// FingerprintReader is FingerprintFile for any reader.
func FingerprintReader(r io.Reader) (string, error) {
	fp := NewFingerprint()
	if _, err := io.Copy(fp, r); err != nil {
		return "", fmt.Errorf("fingerprinting: %w", err)
	}
	return fp.ID(), nil
}

// Fingerprint computes a source fingerprint (see FingerprintFile) from the
// content written to it, for callers that read the source themselves.
type Fingerprint struct {
	h hash.Hash
	n int64
}

// NewFingerprint returns an empty Fingerprint.
func NewFingerprint() *Fingerprint { return &Fingerprint{h: sha256.New()} }

// Write adds p to the content; it never fails.
func (f *Fingerprint) Write(p []byte) (int, error) {
	f.n += int64(len(p))
	return f.h.Write(p)
}

// ID returns the fingerprint of the content written so far.
func (f *Fingerprint) ID() string {
	return fmt.Sprintf("sha256:%s:%d", hex.EncodeToString(f.h.Sum(nil)), f.n)
}

// partition is one date=... directory.
type partition struct {
	dir  string // "date=2026-11-24"
	day  int64  // days since the Unix epoch; valid when !null
	null bool
}

// partitionDir names the directory of a day (or of null times).
func partitionDir(day int64, null bool) string {
	if null {
		return "date=" + NullPartition
	}
	y, m, d := types.CivilFromDays(day)
	return fmt.Sprintf("date=%04d-%02d-%02d", y, m, d)
}

// parsePartition parses a directory name; ok is false for other entries.
func parsePartition(name string) (partition, bool) {
	v, ok := strings.CutPrefix(name, "date=")
	if !ok {
		return partition{}, false
	}
	if v == NullPartition {
		return partition{dir: name, null: true}, true
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return partition{}, false
	}
	return partition{dir: name, day: types.FloorDiv(t.Unix(), 86400)}, true
}

// partitions lists the partition directories, ordered by day with the null
// partition last.
func (s *Store) partitions() ([]partition, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("listing store %s: %w", s.dir, err)
	}
	var out []partition
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if p, ok := parsePartition(e.Name()); ok {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].null != out[j].null {
			return !out[i].null
		}
		return out[i].day < out[j].day
	})
	return out, nil
}

// partitionFiles lists the committed data files of a partition directory.
func partitionFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing partition %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.HasPrefix(n, "part-") && strings.HasSuffix(n, ".parquet") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// reloadLocked merges into the in-memory manifest what another Store value
// (or process) recorded on disk since Open, so that saving does not lose it.
func (s *Store) reloadLocked() error {
	data, err := os.ReadFile(filepath.Join(s.dir, manifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading manifest: %w", err)
	}
	var disk manifest
	if err := json.Unmarshal(data, &disk); err != nil {
		return fmt.Errorf("reading manifest: %w", err)
	}
	for _, f := range disk.Schema {
		s.manifest.addField(f)
	}
	for _, e := range disk.Sources {
		if !s.hasLocked(e.ID) {
			s.manifest.Sources = append(s.manifest.Sources, e)
		}
	}
	return nil
}

// saveManifest writes the manifest atomically.
func (s *Store) saveManifest() error {
	data, err := json.MarshalIndent(&s.manifest, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding manifest: %w", err)
	}
	tmp := filepath.Join(s.dir, "."+manifestName+".tmp")
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, manifestName)); err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	return nil
}
