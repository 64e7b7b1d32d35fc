package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

var testSchema = &batch.Schema{Fields: []batch.Field{
	{Name: "TimeGenerated", Type: types.DateTime},
	{Name: "EventDataId", Type: types.String},
	{Name: "Caller", Type: types.String},
	{Name: "Properties_d", Type: types.Dynamic},
	{Name: "Count", Type: types.Long},
	{Name: "Ratio", Type: types.Real},
	{Name: "Flag", Type: types.Bool},
	{Name: "Dur", Type: types.TimeSpan},
	{Name: "Small", Type: types.Int},
	{Name: "Id", Type: types.Guid},
}}

var base = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// makeRows builds n rows starting at id first, one every step, with nulls
// sprinkled in every column that can hold them. Rows are emitted out of time
// order on purpose.
func makeRows(first, n int, step time.Duration) *batch.Batch {
	cols := make([]*batch.Column, len(testSchema.Fields))
	for i, f := range testSchema.Fields {
		cols[i] = &batch.Column{Type: f.Type, Len: n, Nulls: make([]bool, n)}
	}
	for r := 0; r < n; r++ {
		id := first + r
		// Reverse order within the batch.
		t := base.Add(time.Duration(first+n-1-r) * step)
		ticks := types.TicksFromTime(t) + int64(id%7) // sub-microsecond precision
		cols[0].Ints = append(cols[0].Ints, ticks)
		if id%97 == 13 {
			cols[0].Nulls[r] = true
		}
		cols[1].Strs = append(cols[1].Strs, fmt.Sprintf("ev-%06d", id))
		cols[2].Strs = append(cols[2].Strs, []string{"alice@contoso.com", "bob@contoso.com", "", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}[id%4])
		var dyn any
		switch id % 5 {
		case 0:
			dyn = nil
			cols[3].Nulls[r] = true
		case 1:
			dyn = &types.Bag{Keys: []string{"statusCode", "n", "nested"}, Vals: []any{"OK", int64(id), &types.Bag{Keys: []string{"a"}, Vals: []any{[]any{1.5, true, nil, "x\"y"}}}}}
		case 2:
			dyn = []any{int64(1), "two", 3.25}
		case 3:
			dyn = "just a string"
		default:
			dyn = &types.Bag{Keys: []string{"k"}, Vals: []any{"same"}}
		}
		cols[3].Dyns = append(cols[3].Dyns, dyn)
		cols[4].Ints = append(cols[4].Ints, int64(id)*1000003-5)
		cols[4].Nulls[r] = id%11 == 0
		if cols[4].Nulls[r] {
			cols[4].Ints[r] = 0
		}
		cols[5].Reals = append(cols[5].Reals, float64(id)/3)
		cols[5].Nulls[r] = id%13 == 0
		if cols[5].Nulls[r] {
			cols[5].Reals[r] = 0
		}
		cols[6].Ints = append(cols[6].Ints, int64(id%2))
		cols[6].Nulls[r] = id%17 == 0
		if cols[6].Nulls[r] {
			cols[6].Ints[r] = 0
		}
		cols[7].Ints = append(cols[7].Ints, int64(id)*-10000000)
		cols[8].Ints = append(cols[8].Ints, int64(int32(id*7)))
		cols[9].Strs = append(cols[9].Strs, fmt.Sprintf("00000000-0000-0000-0000-%012d", id))
	}
	for i := range cols {
		if testSchema.Fields[i].Type == types.String || testSchema.Fields[i].Type == types.Guid {
			cols[i].Nulls = nil
		}
	}
	return &batch.Batch{Schema: testSchema, Cols: cols, Len: n}
}

func seq(bs ...*batch.Batch) iter.Seq2[*batch.Batch, error] {
	return func(yield func(*batch.Batch, error) bool) {
		for _, b := range bs {
			if !yield(b, nil) {
				return
			}
		}
	}
}

// render gives one cell a canonical text for comparisons.
func render(c *batch.Column, r int) string {
	if c.IsNull(r) {
		return "<null>"
	}
	switch c.Type {
	case types.String, types.Guid:
		return "s:" + c.Str(r)
	case types.Dynamic:
		if c.Dyns[r] == nil {
			return "<null>"
		}
		return "d:" + types.FormatDynamic(c.Dyns[r])
	case types.Real, types.Decimal:
		return fmt.Sprintf("r:%v", c.Reals[r])
	default:
		return fmt.Sprintf("i:%d", c.Ints[r])
	}
}

// rowsByID renders batches as rows keyed by EventDataId.
func rowsByID(t *testing.T, bs []*batch.Batch) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, b := range bs {
		idCol := b.Schema.Index("EventDataId")
		for r := 0; r < b.Len; r++ {
			var parts []string
			for i, f := range b.Schema.Fields {
				parts = append(parts, f.Name+"="+render(b.Cols[i], r))
			}
			id := b.Cols[idCol].Str(r)
			if _, dup := out[id]; dup {
				t.Fatalf("row %s appears twice", id)
			}
			out[id] = strings.Join(parts, " | ")
		}
	}
	return out
}

func scanAll(t *testing.T, s *Store, cols []string, from, to time.Time) ([]*batch.Batch, ScanStats) {
	t.Helper()
	var out []*batch.Batch
	st, err := s.ScanWithStats(context.Background(), cols, from, to, func(b *batch.Batch) error {
		if b.Len == 0 || b.Len > s.RowGroupRows {
			t.Fatalf("batch of %d rows", b.Len)
		}
		for _, c := range b.Cols {
			if c.Len != b.Len {
				t.Fatalf("column of %d rows in a batch of %d", c.Len, b.Len)
			}
		}
		out = append(out, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, st
}

// assertHolds checks that the store holds exactly the rows of in, and
// returns what a full scan emitted.
func assertHolds(t *testing.T, s *Store, in []*batch.Batch) []*batch.Batch {
	t.Helper()
	want := rowsByID(t, in)
	out, _ := scanAll(t, s, nil, time.Time{}, time.Time{})
	got := rowsByID(t, out)
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Fatalf("row %s differs:\n got %s\nwant %s", id, got[id], w)
		}
	}
	return out
}

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.RowGroupRows = 100
	s.FileRows = 450
	return s
}

func TestRoundTrip(t *testing.T) {
	s := newStore(t)
	in := []*batch.Batch{makeRows(0, 700, 5*time.Minute), makeRows(700, 600, 5*time.Minute)}
	rep, err := s.Ingest(context.Background(), seq(in...), testSchema, "src-1")
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsRead != 1300 || rep.RowsWritten != 1300 || rep.Duplicates != 0 {
		t.Fatalf("report %+v", rep)
	}
	want := rowsByID(t, in)
	out, st := scanAll(t, s, nil, time.Time{}, time.Time{})
	got := rowsByID(t, out)
	if len(got) != len(want) {
		t.Fatalf("scanned %d rows, want %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Fatalf("row %s:\n got %s\nwant %s", id, got[id], w)
		}
	}
	if st.FilesOpened != len(rep.Files) {
		t.Errorf("opened %d files, wrote %d", st.FilesOpened, len(rep.Files))
	}
	// The store's schema is the ingested one.
	if sch := s.Schema(); len(sch.Fields) != len(testSchema.Fields) || sch.Fields[3] != testSchema.Fields[3] {
		t.Errorf("schema %+v", sch.Fields)
	}
	// A reopened store sees the same data.
	s2, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	s2.RowGroupRows = s.RowGroupRows
	out2, _ := scanAll(t, s2, nil, time.Time{}, time.Time{})
	if len(rowsByID(t, out2)) != 1300 {
		t.Fatal("reopened store lost rows")
	}
}

func TestColumnSubsetAndDictionary(t *testing.T) {
	s := newStore(t)
	in := makeRows(0, 400, time.Minute)
	if _, err := s.Ingest(context.Background(), seq(in), testSchema, ""); err != nil {
		t.Fatal(err)
	}
	out, _ := scanAll(t, s, []string{"Caller", "EventDataId"}, time.Time{}, time.Time{})
	n := 0
	for _, b := range out {
		if len(b.Cols) != 2 || b.Schema.Fields[0].Name != "Caller" {
			t.Fatalf("schema %+v", b.Schema.Fields)
		}
		if b.Cols[0].Codes == nil && b.Len >= 100 {
			t.Errorf("low-cardinality Caller was not dictionary-encoded")
		}
		if b.Cols[1].Strs == nil {
			t.Errorf("unique EventDataId should be plain strings")
		}
		n += b.Len
	}
	if n != 400 {
		t.Fatalf("%d rows", n)
	}
	_, err := s.ScanWithStats(context.Background(), []string{"Calller"}, time.Time{}, time.Time{}, func(*batch.Batch) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "did you mean Caller") {
		t.Fatalf("unknown column error = %v", err)
	}
}

func TestPartitionLayout(t *testing.T) {
	s := newStore(t)
	// 3 days of rows, one every 30 minutes, plus null times.
	in := makeRows(0, 144, 30*time.Minute)
	rep, err := s.Ingest(context.Background(), seq(in), testSchema, "layout")
	if err != nil {
		t.Fatal(err)
	}
	wantParts := []string{"date=2026-11-24", "date=2026-11-25", "date=2026-11-26", "date=" + NullPartition}
	if strings.Join(rep.Partitions, ",") != strings.Join(wantParts, ",") {
		t.Fatalf("partitions %v, want %v", rep.Partitions, wantParts)
	}
	files, err := s.Files()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		dir, name := filepath.Split(f)
		if !strings.HasPrefix(dir, "date=") || !strings.HasPrefix(name, "part-") || !strings.HasSuffix(name, ".parquet") {
			t.Errorf("unexpected file %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), "manifest.json")); err != nil {
		t.Fatal(err)
	}
	// Every file is sorted by time and holds one day only.
	for _, f := range files {
		day := strings.TrimPrefix(filepath.Dir(f), "date=")
		var prev int64 = math.MinInt64
		err := readTimes(filepath.Join(s.Dir(), f), func(ticks int64, null bool) {
			if null {
				if day != NullPartition {
					t.Errorf("%s: null time outside the null partition", f)
				}
				return
			}
			if got := types.TimeFromTicks(ticks).Format("2006-01-02"); got != day {
				t.Errorf("%s: row of %s", f, got)
			}
			if ticks < prev {
				t.Errorf("%s: not sorted by time", f)
			}
			prev = ticks
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if rep.NullTimes == 0 {
		t.Error("no null times recorded")
	}
}

// readTimes reads TimeGenerated of a file through parquet-go's generic row
// reader, independently of the store's decoder.
func readTimes(path string, fn func(ticks int64, null bool)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, _ := f.Stat()
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		return err
	}
	lc, _ := pf.Schema().Lookup("TimeGenerated")
	r := parquet.NewReader(pf)
	defer r.Close()
	rows := make([]parquet.Row, 64)
	for {
		n, err := r.ReadRows(rows)
		for _, row := range rows[:n] {
			for _, v := range row {
				if v.Column() == lc.ColumnIndex {
					fn(v.Int64()/100, v.IsNull())
				}
			}
		}
		if err != nil {
			if errors.Is(err, os.ErrClosed) || err.Error() == "EOF" {
				return nil
			}
			return err
		}
	}
}

func TestPruning(t *testing.T) {
	s := newStore(t)
	in := makeRows(0, 1440, time.Minute) // one day, one row a minute
	rep, err := s.Ingest(context.Background(), seq(in), testSchema, "prune")
	if err != nil {
		t.Fatal(err)
	}
	// Out of range: nothing is opened.
	out, st := scanAll(t, s, nil, base.AddDate(0, 0, 5), base.AddDate(0, 0, 6))
	if len(out) != 0 || st.FilesOpened != 0 || st.RowGroupsRead != 0 {
		t.Fatalf("out-of-range scan: %d batches, stats %+v", len(out), st)
	}
	if st.PartitionsSkipped != len(rep.Partitions) {
		t.Fatalf("skipped %d partitions, want %d", st.PartitionsSkipped, len(rep.Partitions))
	}
	// Range inside one partition: row groups outside are skipped, and the
	// rows returned are exactly those in range.
	from, to := base.Add(10*time.Hour), base.Add(11*time.Hour)
	out, st = scanAll(t, s, []string{"TimeGenerated", "EventDataId"}, from, to)
	if st.RowGroupsSkipped == 0 {
		t.Fatalf("no row group skipped: %+v", st)
	}
	if st.RowGroupsRead > 6 {
		t.Errorf("read %d row groups for one hour of 1-minute rows in groups of 100", st.RowGroupsRead)
	}
	want := 0
	tc := in.Cols[0]
	lo, hi := types.TicksFromTime(from), types.TicksFromTime(to)
	for r := 0; r < in.Len; r++ {
		if !tc.IsNull(r) && tc.Ints[r] >= lo && tc.Ints[r] <= hi {
			want++
		}
	}
	got := 0
	for _, b := range out {
		for r := 0; r < b.Len; r++ {
			if v := b.Cols[0].Ints[r]; b.Cols[0].IsNull(r) || v < lo || v > hi {
				t.Fatalf("row outside the range: %v", types.FormatDateTime(v))
			}
		}
		got += b.Len
	}
	if got != want || want == 0 {
		t.Fatalf("got %d rows in range, want %d", got, want)
	}
	t.Logf("one-hour scan: %+v", st)
}

func TestIdempotentIngest(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Ingest(ctx, seq(makeRows(0, 500, time.Minute)), testSchema, "file-a"); err != nil {
		t.Fatal(err)
	}
	filesBefore, _ := s.Files()
	// Same source: skipped without reading.
	read := false
	src := func(yield func(*batch.Batch, error) bool) { read = true }
	rep, err := s.Ingest(ctx, src, testSchema, "file-a")
	if err != nil || !rep.Skipped || read {
		t.Fatalf("re-ingest: %+v %v read=%v", rep, err, read)
	}
	// Overlapping rows from another source: duplicates dropped.
	rep, err = s.Ingest(ctx, seq(makeRows(300, 400, time.Minute)), testSchema, "file-b")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Duplicates != 200 || rep.RowsWritten != 200 {
		t.Fatalf("overlap report %+v", rep)
	}
	// Fully duplicated source writes no file.
	rep, err = s.Ingest(ctx, seq(makeRows(0, 100, time.Minute)), testSchema, "file-c")
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsWritten != 0 || len(rep.Files) != 0 {
		t.Fatalf("duplicate-only report %+v", rep)
	}
	out, _ := scanAll(t, s, nil, time.Time{}, time.Time{})
	if n := len(rowsByID(t, out)); n != 700 {
		t.Fatalf("%d rows, want 700", n)
	}
	filesAfter, _ := s.Files()
	if len(filesAfter) <= len(filesBefore) {
		t.Fatal("the overlapping source wrote no file")
	}
	s2, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"file-a", "file-b", "file-c"} {
		if !s2.Has(id) {
			t.Errorf("manifest lost %s", id)
		}
	}
}

func TestIngestErrors(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	noTime := &batch.Schema{Fields: []batch.Field{{Name: "X", Type: types.String}}}
	if _, err := s.Ingest(ctx, seq(), noTime, ""); err == nil {
		t.Error("schema without TimeGenerated accepted")
	}
	// A failing source leaves nothing behind.
	boom := errors.New("bad line 7")
	src := func(yield func(*batch.Batch, error) bool) {
		if !yield(makeRows(0, 500, time.Minute), nil) {
			return
		}
		yield(nil, boom)
	}
	if _, err := s.Ingest(ctx, src, testSchema, "broken"); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	files, _ := s.Files()
	if len(files) != 0 || s.Has("broken") {
		t.Fatalf("failed ingest left %v", files)
	}
	var leftovers []string
	filepath.Walk(s.Dir(), func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(p, ".tmp") {
			leftovers = append(leftovers, p)
		}
		return nil
	})
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
	// A type conflict with stored data is refused.
	if _, err := s.Ingest(ctx, seq(makeRows(0, 10, time.Minute)), testSchema, "ok"); err != nil {
		t.Fatal(err)
	}
	conflict := &batch.Schema{Fields: append([]batch.Field(nil), testSchema.Fields...)}
	conflict.Fields[4].Type = types.String
	if _, err := s.Ingest(ctx, seq(), conflict, "conflict"); err == nil || !strings.Contains(err.Error(), "Count") {
		t.Fatalf("type conflict: %v", err)
	}
}

func TestOutOfRangeDatetime(t *testing.T) {
	s := newStore(t)
	b := makeRows(0, 3, time.Minute)
	b.Cols[0].Ints[1] = types.TicksFromTime(time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC))
	b.Cols[0].Nulls[1] = false
	rep, err := s.Ingest(context.Background(), seq(b), testSchema, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.DatetimesOutOfRange != 1 || rep.NullTimes != 1 {
		t.Fatalf("report %+v", rep)
	}
}

func TestParquetInterop(t *testing.T) {
	s := newStore(t)
	if _, err := s.Ingest(context.Background(), seq(makeRows(0, 250, time.Minute)), testSchema, ""); err != nil {
		t.Fatal(err)
	}
	files, _ := s.Files()
	if len(files) == 0 {
		t.Fatal("no files")
	}
	f, err := os.Open(filepath.Join(s.Dir(), files[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		t.Fatal(err)
	}
	logical := func(name string) string {
		lc, ok := pf.Schema().Lookup(name)
		if !ok {
			t.Fatalf("column %s missing", name)
		}
		lt := lc.Node.Type().LogicalType()
		if lt == nil {
			return lc.Node.Type().Kind().String()
		}
		return lt.String()
	}
	for name, want := range map[string]string{
		"TimeGenerated": "TIMESTAMP(isAdjustedToUTC=true,unit=NANOS)",
		"Caller":        "STRING",
		"Properties_d":  "STRING",
		"Id":            "STRING",
		"Count":         "INT(64,true)",
		"Small":         "INT(32,true)",
		"Ratio":         "DOUBLE",
		"Flag":          "BOOLEAN",
	} {
		if got := logical(name); got != want {
			t.Errorf("%s: logical type %s, want %s", name, got, want)
		}
	}
	if tag, ok := pf.Lookup(typesKey); !ok || !strings.Contains(tag, `"Properties_d":"dynamic"`) {
		t.Errorf("types metadata %q", tag)
	}
	// Row-group statistics on TimeGenerated are present and ordered.
	lc, _ := pf.Schema().Lookup("TimeGenerated")
	var prevHi int64 = math.MinInt64
	for i, rg := range pf.Metadata().RowGroups {
		lo, hi, ok := timeBounds(rg.Columns[lc.ColumnIndex].MetaData.Statistics)
		if !ok {
			t.Fatalf("row group %d has no TimeGenerated statistics", i)
		}
		if lo > hi || lo < prevHi {
			t.Errorf("row group %d: [%d, %d] after %d", i, lo, hi, prevHi)
		}
		prevHi = hi
	}
	// The generic row reader reads every row back.
	r := parquet.NewReader(pf)
	defer r.Close()
	rows := make([]parquet.Row, 300)
	n, _ := r.ReadRows(rows)
	if int64(n) != pf.NumRows() {
		t.Fatalf("generic reader read %d of %d rows", n, pf.NumRows())
	}
	idCol, _ := pf.Schema().Lookup("EventDataId")
	if v := rows[0][idCol.ColumnIndex]; !strings.HasPrefix(string(v.ByteArray()), "ev-") {
		t.Errorf("EventDataId read as %v", v)
	}
}

func TestScanEmitErrorAndCancel(t *testing.T) {
	s := newStore(t)
	if _, err := s.Ingest(context.Background(), seq(makeRows(0, 1000, time.Minute)), testSchema, ""); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	err := s.Scan(context.Background(), nil, time.Time{}, time.Time{}, func(*batch.Batch) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err = %v after %d calls", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Scan(ctx, nil, time.Time{}, time.Time{}, func(*batch.Batch) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled scan: %v", err)
	}
}

func TestScanOrder(t *testing.T) {
	s := newStore(t)
	if _, err := s.Ingest(context.Background(), seq(makeRows(0, 2000, time.Minute)), testSchema, ""); err != nil {
		t.Fatal(err)
	}
	// Partitions come in day order, so times never go back across days.
	out, _ := scanAll(t, s, []string{"TimeGenerated"}, base, base.AddDate(0, 0, 10))
	var days []string
	for _, b := range out {
		for r := 0; r < b.Len; r++ {
			d := types.TimeFromTicks(b.Cols[0].Ints[r]).Format("2006-01-02")
			if len(days) == 0 || days[len(days)-1] != d {
				days = append(days, d)
			}
		}
	}
	if !sort.StringsAreSorted(days) {
		t.Fatalf("days out of order: %v", days)
	}
}

func TestOpenRangeSentinels(t *testing.T) {
	s := newStore(t)
	in := makeRows(0, 300, time.Minute) // includes null times
	if _, err := s.Ingest(context.Background(), seq(in), testSchema, ""); err != nil {
		t.Fatal(err)
	}
	count := func(from, to time.Time) int {
		out, _ := scanAll(t, s, []string{"EventDataId"}, from, to)
		n := 0
		for _, b := range out {
			n += b.Len
		}
		return n
	}
	all := count(time.Time{}, time.Time{})
	if all != 300 {
		t.Fatalf("open scan: %d rows", all)
	}
	if n := count(time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)); n != all {
		t.Errorf("extreme bounds gave %d rows, want %d (null times included)", n, all)
	}
	if n := count(base, time.Unix(0, math.MaxInt64)); n >= all || n == 0 {
		t.Errorf("lower bound only gave %d rows", n)
	}
}

func TestInterleavedDaysBoundedBuffers(t *testing.T) {
	s := newStore(t)
	s.FileRows = 150
	s.RowGroupRows = 50
	var in []*batch.Batch
	for i := 0; i < 4; i++ {
		in = append(in, makeRows(i*100, 100, time.Minute), makeRows(2000+i*100, 100, time.Minute))
	}
	rep, err := s.Ingest(context.Background(), seq(in...), testSchema, "interleaved")
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsWritten != 800 || len(rep.Files) < 4 {
		t.Fatalf("report: %d rows in %d files", rep.RowsWritten, len(rep.Files))
	}
	assertHolds(t, s, in)
}

func TestTwoStoreValuesKeepBothSources(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Ingest(context.Background(), seq(makeRows(0, 50, time.Minute)), testSchema, "from-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Ingest(context.Background(), seq(makeRows(50, 50, time.Minute)), testSchema, "from-b"); err != nil {
		t.Fatal(err)
	}
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Has("from-a") || !c.Has("from-b") {
		t.Fatal("a source recorded by another Store value was lost")
	}
}

func TestEmptyStoreScan(t *testing.T) {
	s := newStore(t)
	called := false
	err := s.Scan(context.Background(), []string{"TimeGenerated", "Anything"}, time.Time{}, time.Time{}, func(*batch.Batch) error {
		called = true
		return nil
	})
	if err != nil || called {
		t.Fatalf("empty store: err %v, called %v", err, called)
	}
}

func TestLostManifestNeverOverwritesFiles(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Ingest(ctx, seq(makeRows(0, 300, time.Minute)), testSchema, "same"); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(s.Dir(), "manifest.json")); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	s2.RowGroupRows, s2.FileRows = s.RowGroupRows, s.FileRows
	// Same source id, partly new rows: the new file must not replace the old.
	rep, err := s2.Ingest(ctx, seq(makeRows(0, 300, time.Minute), makeRows(300, 100, time.Minute)), testSchema, "same")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Duplicates != 300 || rep.RowsWritten != 100 {
		t.Fatalf("report %+v", rep)
	}
	out, _ := scanAll(t, s2, nil, time.Time{}, time.Time{})
	if n := len(rowsByID(t, out)); n != 400 {
		t.Fatalf("%d rows, want 400", n)
	}
}

// Buffers are bounded by bytes too: with a tiny BufferBytes the largest
// partition is written out whenever the bound is passed, rows of every
// day survive, and no file holds more than the bound's worth of rows.
func TestBufferBytesBound(t *testing.T) {
	s := newStore(t)
	s.FileRows = 1 << 20
	s.BufferBytes = 16 << 10
	var in []*batch.Batch
	for i := 0; i < 4; i++ {
		in = append(in, makeRows(i*100, 100, time.Minute), makeRows(2000+i*100, 100, time.Minute))
	}
	rep, err := s.Ingest(context.Background(), seq(in...), testSchema, "bytes")
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsWritten != 800 || len(rep.Files) < 8 {
		t.Fatalf("report: %d rows in %d files, want 800 rows in many small files", rep.RowsWritten, len(rep.Files))
	}
	assertHolds(t, s, in)
	// The same rows again under another source id: every row is a
	// duplicate by EventDataId (held as hashes).
	rep2, err := s.Ingest(context.Background(), seq(in...), testSchema, "bytes-again")
	if err != nil {
		t.Fatal(err)
	}
	if rep2.RowsWritten != 0 || rep2.Duplicates != 800 {
		t.Errorf("second ingest: %d written, %d duplicates; want 0 and 800", rep2.RowsWritten, rep2.Duplicates)
	}
}
