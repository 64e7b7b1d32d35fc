package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"iter"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"kqlhunt/batch"
	"kqlhunt/internal/strarena"
	"kqlhunt/kql/types"
)

// IngestReport describes what one Ingest call did.
type IngestReport struct {
	// SourceID is the fingerprint given to Ingest.
	SourceID string
	// Skipped is set when the source had been ingested before; nothing was
	// read or written.
	Skipped bool
	// RowsRead counts the rows received.
	RowsRead int64
	// RowsWritten counts the rows stored.
	RowsWritten int64
	// Duplicates counts rows dropped because their EventDataId was already
	// in the partition.
	Duplicates int64
	// NullTimes counts rows stored in the null-time partition.
	NullTimes int64
	// DatetimesOutOfRange counts datetime values stored as null because
	// they do not fit a nanosecond timestamp.
	DatetimesOutOfRange int64
	// Files lists the files written, relative to the store directory.
	Files []string
	// Partitions lists the partition directories written to, sorted.
	Partitions []string
}

// colBuf accumulates one column of a partition.
type colBuf struct {
	strs  []string // String, Guid; Dynamic as JSON text
	ints  []int64
	reals []float64
	nulls []bool // for all types but String and Guid
}

// partBuf accumulates the rows of one partition until a file is written.
// Its strings are copies in its own arena, so the input batches are not
// kept alive by the rows buffered from them.
type partBuf struct {
	key   partKey
	cols  []colBuf
	n     int
	seq   int
	arena strarena.Arena
	bytes int64 // approximate size of the buffered rows
}

// arenaBlock is the block size of the partitions' string arenas.
const arenaBlock = 1 << 20

type partKey struct {
	day  int64
	null bool
}

// ingest is the state of one Ingest call.
type ingest struct {
	s        *Store
	ctx      context.Context
	sourceID string
	fields   []batch.Field
	timeIdx  int
	idIdx    int
	parts    map[partKey]*partBuf
	ids      map[partKey]map[idHash]struct{}
	temps    []string // temporary files written, absolute
	finals   []string // their final names, absolute
	report   IngestReport
	touched  map[string]bool
	typesTag string
	buffered int64 // bytes buffered across partitions
	idSeeds  [2]maphash.Seed
	dictMemo []map[uint32]string // per column: dictionary codes of the current batch, copied

	// Files are written by up to Store.IngestWorkers goroutines.
	sem     chan struct{}
	wg      sync.WaitGroup
	errMu   sync.Mutex
	errSeen error
}

// setErr records the first error of a file writer.
func (in *ingest) setErr(err error) {
	in.errMu.Lock()
	if in.errSeen == nil {
		in.errSeen = err
	}
	in.errMu.Unlock()
}

func (in *ingest) firstErr() error {
	in.errMu.Lock()
	defer in.errMu.Unlock()
	return in.errSeen
}

// Ingest stores the rows produced by src, described by schema, under the
// source fingerprint sourceID (see FingerprintFile). When the store already
// holds sourceID, src is not read and the report has Skipped set. An empty
// sourceID is not recorded, so the same rows can be offered again (and are
// then deduplicated by EventDataId).
//
// The schema must contain the datetime column TimeGenerated. Column types
// must agree with earlier ingests. On error nothing from this call becomes
// visible.
func (s *Store) Ingest(ctx context.Context, src iter.Seq2[*batch.Batch, error], schema *batch.Schema, sourceID string) (IngestReport, error) {
	s.mu.Lock()
	known := sourceID != "" && s.hasLocked(sourceID)
	s.mu.Unlock()
	if known {
		return IngestReport{SourceID: sourceID, Skipped: true}, nil
	}
	in := &ingest{
		s: s, ctx: ctx, sourceID: sourceID,
		fields:  append([]batch.Field(nil), schema.Fields...),
		parts:   map[partKey]*partBuf{},
		ids:     map[partKey]map[idHash]struct{}{},
		idSeeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		touched: map[string]bool{},
	}
	in.report.SourceID = sourceID
	if err := in.checkSchema(); err != nil {
		return IngestReport{}, err
	}
	workers := s.IngestWorkers
	if workers < 1 {
		workers = 1
	}
	in.sem = make(chan struct{}, workers)
	err := in.run(src)
	in.wg.Wait()
	if err == nil {
		err = in.firstErr()
	}
	if err == nil {
		err = in.commit()
	}
	if err != nil {
		for _, t := range in.temps {
			os.Remove(t)
		}
		return IngestReport{}, err
	}
	sort.Strings(in.report.Partitions)
	return in.report, nil
}

func (in *ingest) checkSchema() error {
	in.timeIdx, in.idIdx = -1, -1
	seen := map[string]bool{}
	kinds := map[string]string{}
	for i, f := range in.fields {
		if seen[f.Name] {
			return fmt.Errorf("ingest: duplicate column %s", f.Name)
		}
		seen[f.Name] = true
		if f.Type == types.Null || f.Type.String() == "unknown" {
			return fmt.Errorf("ingest: column %s has no storable type", f.Name)
		}
		kinds[f.Name] = f.Type.String()
		switch f.Name {
		case TimeColumn:
			if f.Type != types.DateTime {
				return fmt.Errorf("ingest: column %s is %s, want datetime", f.Name, f.Type)
			}
			in.timeIdx = i
		case IDColumn:
			if f.Type == types.String || f.Type == types.Guid {
				in.idIdx = i
			}
		}
	}
	if in.timeIdx < 0 {
		return fmt.Errorf("ingest: schema has no %s column", TimeColumn)
	}
	in.s.mu.Lock()
	defer in.s.mu.Unlock()
	for _, f := range in.s.manifest.Schema {
		if t, ok := kinds[f.Name]; ok && t != f.Type {
			return fmt.Errorf("ingest: column %s is %s, but the store holds it as %s", f.Name, t, f.Type)
		}
	}
	tag, err := json.Marshal(kinds)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	in.typesTag = string(tag)
	return nil
}

const ticksPerDay = 864000000000

func (in *ingest) run(src iter.Seq2[*batch.Batch, error]) error {
	var keys []partKey
	for b, err := range src {
		if err != nil {
			return fmt.Errorf("ingest: reading source: %w", err)
		}
		if err := in.ctx.Err(); err != nil {
			return err
		}
		if b == nil || b.Len == 0 {
			continue
		}
		if len(b.Cols) != len(in.fields) {
			return fmt.Errorf("ingest: batch has %d columns, schema %d", len(b.Cols), len(in.fields))
		}
		for i, c := range b.Cols {
			if c == nil || c.Len < b.Len {
				return fmt.Errorf("ingest: column %s is shorter than the batch", in.fields[i].Name)
			}
		}
		in.report.RowsRead += int64(b.Len)
		tc := b.Cols[in.timeIdx]
		keys = keys[:0]
		for r := 0; r < b.Len; r++ {
			var k partKey
			if tc.IsNull(r) || !fitsNanos(tc.Ints[r]) {
				k.null = true
			} else {
				k.day = types.FloorDiv(tc.Ints[r], ticksPerDay)
			}
			keys = append(keys, k)
		}
		in.startBatch(b)
		limit := in.s.BufferBytes
		if limit <= 0 {
			limit = DefaultBufferBytes
		}
		for r := 0; r < b.Len; r++ {
			p := in.parts[keys[r]]
			if p == nil {
				p = &partBuf{key: keys[r], cols: make([]colBuf, len(in.fields)), arena: strarena.Arena{BlockSize: arenaBlock}}
				in.parts[keys[r]] = p
			}
			before := p.bytes
			in.appendRow(p, b, r)
			in.buffered += p.bytes - before
			if p.n >= in.s.FileRows {
				if err := in.flush(p); err != nil {
					return err
				}
			} else if in.buffered >= limit {
				// Bound memory: write out the largest partition.
				if err := in.flush(in.largest()); err != nil {
					return err
				}
			}
		}
	}
	var pending []*partBuf
	for _, p := range in.parts {
		if p.n > 0 {
			pending = append(pending, p)
		}
	}
	sort.Slice(pending, func(i, j int) bool { return lessKey(pending[i].key, pending[j].key) })
	for _, p := range pending {
		if err := in.flush(p); err != nil {
			return err
		}
	}
	return nil
}

// largest returns the partition with the most buffered bytes.
func (in *ingest) largest() *partBuf {
	var best *partBuf
	for _, p := range in.parts {
		if best == nil || p.bytes > best.bytes || (p.bytes == best.bytes && lessKey(p.key, best.key)) {
			best = p
		}
	}
	return best
}

// startBatch forgets the dictionary copies of the previous batch.
func (in *ingest) startBatch(b *batch.Batch) {
	if in.dictMemo == nil {
		in.dictMemo = make([]map[uint32]string, len(in.fields))
	}
	for i, c := range b.Cols {
		if c.Codes != nil {
			if in.dictMemo[i] == nil {
				in.dictMemo[i] = map[uint32]string{}
			}
			clear(in.dictMemo[i])
		}
	}
}

// str returns row r of string column c (column i of the batch), copied
// into p's arena; a dictionary value is copied once per batch and shared
// by every row that uses it.
func (in *ingest) str(p *partBuf, i int, c *batch.Column, r int) string {
	if c.Codes == nil {
		s := p.arena.Clone(c.Str(r))
		p.bytes += int64(len(s))
		return s
	}
	code := c.Codes[r]
	if c.Nulls != nil && c.Nulls[r] {
		return ""
	}
	s, ok := in.dictMemo[i][code]
	if !ok {
		// Dictionary values are few; keep them outside the partition
		// arenas so any partition may share them.
		s = strings.Clone(c.Dict[code])
		in.dictMemo[i][code] = s
		p.bytes += int64(len(s))
	}
	return s
}

func lessKey(a, b partKey) bool {
	if a.null != b.null {
		return !a.null
	}
	return a.day < b.day
}

// fitsNanos reports whether datetime ticks fit a nanosecond timestamp.
func fitsNanos(ticks int64) bool {
	return ticks <= math.MaxInt64/100 && ticks >= math.MinInt64/100
}

func (in *ingest) appendRow(p *partBuf, b *batch.Batch, r int) {
	for i, f := range in.fields {
		c := b.Cols[i]
		cb := &p.cols[i]
		switch f.Type {
		case types.String, types.Guid:
			cb.strs = append(cb.strs, in.str(p, i, c, r))
			p.bytes += 16
		case types.Dynamic:
			var v any
			if c.Dyns != nil {
				v = c.Dyns[r]
			}
			if c.IsNull(r) || v == nil {
				cb.strs = append(cb.strs, "")
				cb.nulls = append(cb.nulls, true)
			} else {
				text := types.FormatDynamic(v)
				cb.strs = append(cb.strs, text)
				cb.nulls = append(cb.nulls, false)
				p.bytes += int64(len(text))
			}
			p.bytes += 17
		case types.Real, types.Decimal:
			null := c.IsNull(r)
			v := 0.0
			if !null {
				v = c.Reals[r]
			}
			cb.reals = append(cb.reals, v)
			cb.nulls = append(cb.nulls, null)
			p.bytes += 9
		default: // Bool, Int, Long, DateTime, TimeSpan
			null := c.IsNull(r)
			var v int64
			if !null {
				v = c.Ints[r]
				if f.Type == types.DateTime && !fitsNanos(v) {
					null, v = true, 0
					in.report.DatetimesOutOfRange++
				}
			}
			cb.ints = append(cb.ints, v)
			cb.nulls = append(cb.nulls, null)
			p.bytes += 9
		}
	}
	p.n++
}

// idHash is a 128-bit hash of an EventDataId: the partitions' id sets hold
// these rather than the ids, at a fixed 16 bytes per row. With two
// independently seeded 64-bit hashes a false match among even billions of
// ids is beyond practical reach (about n²/2¹²⁹).
type idHash [2]uint64

func (in *ingest) hashID(id string) idHash {
	return idHash{maphash.String(in.idSeeds[0], id), maphash.String(in.idSeeds[1], id)}
}

// existingIDs returns the hashes of the EventDataIds already stored in a
// partition, loading them on first use.
func (in *ingest) existingIDs(k partKey) (map[idHash]struct{}, error) {
	if ids, ok := in.ids[k]; ok {
		return ids, nil
	}
	ids := map[idHash]struct{}{}
	dir := filepath.Join(in.s.dir, partitionDir(k.day, k.null))
	files, err := partitionFiles(dir)
	if err != nil && !os.IsNotExist(unwrapAll(err)) {
		return nil, err
	}
	for _, name := range files {
		if err := readStrings(filepath.Join(dir, name), IDColumn, func(s string) {
			if s != "" {
				ids[in.hashID(s)] = struct{}{}
			}
		}); err != nil {
			return nil, fmt.Errorf("ingest: reading ids of %s: %w", name, err)
		}
	}
	in.ids[k] = ids
	return ids, nil
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		next := u.Unwrap()
		if next == nil {
			return err
		}
		err = next
	}
}

// flush writes the buffered rows of p to a new file and empties p.
func (in *ingest) flush(p *partBuf) error {
	if err := in.ctx.Err(); err != nil {
		return err
	}
	if err := in.firstErr(); err != nil {
		return err
	}
	perm := make([]int, 0, p.n)
	if in.idIdx >= 0 {
		ids, err := in.existingIDs(p.key)
		if err != nil {
			return err
		}
		col := p.cols[in.idIdx].strs
		for r := 0; r < p.n; r++ {
			id := col[r]
			if id != "" {
				h := in.hashID(id)
				if _, dup := ids[h]; dup {
					in.report.Duplicates++
					continue
				}
				ids[h] = struct{}{}
			}
			perm = append(perm, r)
		}
	} else {
		for r := 0; r < p.n; r++ {
			perm = append(perm, r)
		}
	}
	tc := &p.cols[in.timeIdx]
	sort.SliceStable(perm, func(i, j int) bool {
		a, b := perm[i], perm[j]
		if tc.nulls[a] != tc.nulls[b] {
			return tc.nulls[b]
		}
		return tc.ints[a] < tc.ints[b]
	})
	if len(perm) > 0 {
		dirName := partitionDir(p.key.day, p.key.null)
		dir := filepath.Join(in.s.dir, dirName)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		// Names derive from the source and sequence (random without a
		// source id); a name already taken on disk is never overwritten.
		var name string
		for try := 0; ; try++ {
			h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d\x00%d", in.sourceID, dirName, p.seq, try))
			if in.sourceID == "" {
				h = sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d\x00%d", dirName, p.seq, time.Now().UnixNano(), try))
			}
			name = "part-" + hex.EncodeToString(h[:8]) + ".parquet"
			if _, err := os.Stat(filepath.Join(dir, name)); os.IsNotExist(err) {
				break
			}
		}
		tmp := filepath.Join(dir, ".tmp-"+name)
		in.temps = append(in.temps, tmp)
		in.finals = append(in.finals, filepath.Join(dir, name))
		cols := p.cols
		p.cols = make([]colBuf, len(in.fields))
		rel := filepath.Join(dirName, name)
		select {
		case in.sem <- struct{}{}:
		case <-in.ctx.Done():
			return in.ctx.Err()
		}
		in.wg.Add(1)
		go func() {
			defer in.wg.Done()
			defer func() { <-in.sem }()
			if err := in.writeFile(tmp, cols, perm); err != nil {
				in.setErr(fmt.Errorf("ingest: writing %s: %w", rel, err))
			}
		}()
		in.report.Files = append(in.report.Files, filepath.Join(dirName, name))
		in.report.RowsWritten += int64(len(perm))
		if p.key.null {
			in.report.NullTimes += int64(len(perm))
		}
		if !in.touched[dirName] {
			in.touched[dirName] = true
			in.report.Partitions = append(in.report.Partitions, dirName)
		}
	}
	p.seq++
	in.buffered -= p.bytes
	p.n, p.bytes = 0, 0
	p.arena = strarena.Arena{BlockSize: arenaBlock}
	for i := range p.cols {
		p.cols[i] = colBuf{}
	}
	return nil
}

// useDictionary decides from a sample whether a string column repeats enough
// to be dictionary-encoded.
func useDictionary(strs []string, perm []int) bool {
	n := len(perm)
	if n > 2048 {
		n = 2048
	}
	seen := make(map[string]struct{}, 256)
	limit := n / 4
	for _, r := range perm[:n] {
		seen[strs[r]] = struct{}{}
		if len(seen) > limit {
			return false
		}
	}
	return true
}

// parquetSchema builds the file schema for the buffered columns.
func (in *ingest) parquetSchema(cols []colBuf, perm []int) *parquet.Schema {
	g := parquet.Group{}
	for i, f := range in.fields {
		var node parquet.Node
		switch f.Type {
		case types.String, types.Guid:
			node = parquet.String()
			if useDictionary(cols[i].strs, perm) {
				node = parquet.Encoded(node, &parquet.RLEDictionary)
			}
			node = parquet.Required(node)
		case types.Dynamic:
			node = parquet.String()
			if useDictionary(cols[i].strs, perm) {
				node = parquet.Encoded(node, &parquet.RLEDictionary)
			}
			node = parquet.Optional(node)
		case types.DateTime:
			node = parquet.Optional(parquet.Encoded(parquet.Timestamp(parquet.Nanosecond), &parquet.DeltaBinaryPacked))
		case types.Bool:
			node = parquet.Optional(parquet.Leaf(parquet.BooleanType))
		case types.Int:
			node = parquet.Optional(parquet.Int(32))
		case types.Real, types.Decimal:
			node = parquet.Optional(parquet.Leaf(parquet.DoubleType))
		default: // Long, TimeSpan
			node = parquet.Optional(parquet.Int(64))
		}
		g[f.Name] = node
	}
	return parquet.NewSchema("kqlhunt", g)
}

// bytesOf views s as bytes without copying; the writer copies what it keeps.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

func (in *ingest) writeFile(path string, cols []colBuf, perm []int) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	schema := in.parquetSchema(cols, perm)
	w := parquet.NewWriter(f, schema,
		parquet.Compression(&fastSnappy{}),
		parquet.KeyValueMetadata(typesKey, in.typesTag),
		parquet.CreatedBy("kqlhunt", "", ""),
	)
	leaf := make([]int, len(in.fields))
	for i, fd := range in.fields {
		lc, ok := schema.Lookup(fd.Name)
		if !ok {
			return fmt.Errorf("column %s missing from the file schema", fd.Name)
		}
		leaf[i] = lc.ColumnIndex
	}
	rg := in.s.RowGroupRows
	if rg <= 0 {
		rg = DefaultRowGroupRows
	}
	vals := make([]parquet.Value, 0, min(rg, len(perm)))
	for lo := 0; lo < len(perm); lo += rg {
		hi := min(lo+rg, len(perm))
		cws := w.ColumnWriters()
		for i, fd := range in.fields {
			vals = vals[:0]
			cb := &cols[i]
			li := leaf[i]
			for _, r := range perm[lo:hi] {
				var v parquet.Value
				switch fd.Type {
				case types.String, types.Guid:
					v = parquet.ByteArrayValue(bytesOf(cb.strs[r])).Level(0, 0, li)
				case types.Dynamic:
					if cb.nulls[r] {
						v = parquet.NullValue().Level(0, 0, li)
					} else {
						v = parquet.ByteArrayValue(bytesOf(cb.strs[r])).Level(0, 1, li)
					}
				default:
					switch {
					case cb.nulls[r]:
						v = parquet.NullValue().Level(0, 0, li)
					case fd.Type == types.DateTime:
						v = parquet.Int64Value(cb.ints[r]*100).Level(0, 1, li)
					case fd.Type == types.Bool:
						v = parquet.BooleanValue(cb.ints[r] != 0).Level(0, 1, li)
					case fd.Type == types.Int:
						v = parquet.Int32Value(int32(cb.ints[r])).Level(0, 1, li)
					case fd.Type == types.Real || fd.Type == types.Decimal:
						v = parquet.DoubleValue(cb.reals[r]).Level(0, 1, li)
					default:
						v = parquet.Int64Value(cb.ints[r]).Level(0, 1, li)
					}
				}
				vals = append(vals, v)
			}
			if _, err := cws[li].WriteRowValues(vals); err != nil {
				return fmt.Errorf("column %s: %w", fd.Name, err)
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return w.Close()
}

// commit renames the temporary files into place and records the source.
func (in *ingest) commit() error {
	for i, t := range in.temps {
		if err := os.Rename(t, in.finals[i]); err != nil {
			return fmt.Errorf("ingest: committing %s: %w", in.finals[i], err)
		}
	}
	in.temps = nil
	s := in.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reloadLocked(); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	for _, f := range in.fields {
		s.manifest.addField(fieldJSON{Name: f.Name, Type: f.Type.String()})
	}
	if in.sourceID != "" {
		s.manifest.Sources = append(s.manifest.Sources, sourceEntry{
			ID: in.sourceID, Ingested: time.Now().UTC(), Rows: in.report.RowsWritten, Files: in.report.Files,
		})
	}
	return s.saveManifest()
}
