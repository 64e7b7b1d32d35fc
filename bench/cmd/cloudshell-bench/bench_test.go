package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kqlhunt/gen"
	"kqlhunt/source"
	"kqlhunt/workspace"
)

// hasCases are whole-term matches of "cloud-shell-storage" and near misses.
var hasCases = []struct {
	s    string
	want bool
}{
	{"cloud-shell-storage-westeurope", true},
	{"CLOUD-SHELL-STORAGE-EASTUS", true},
	{"Cloud-Shell-Storage", true},
	{"rg/cloud-shell-storage/x", true},
	{"x_cloud-shell-storage", true}, // '_' is not alphanumeric
	{"mycloud-shell-storage", false},
	{"cloud-shell-storagex", false},
	{"cloud-shell-storage2", false},
	{"cloud-shell", false},
	{"cloud shell storage", false},
	{"", false},
	{"mycloud-shell-storage cloud-shell-storage", true},
}

func TestHasTerm(t *testing.T) {
	for _, c := range hasCases {
		if got := hasTerm(c.s, "cloud-shell-storage"); got != c.want {
			t.Errorf("hasTerm(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// TestHasRegexpInDuckDB checks the SQL translation of has against the same
// cases, evaluated by DuckDB itself.
func TestHasRegexpInDuckDB(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pattern := hasRegexp("cloud-shell-storage")
	for _, c := range hasCases {
		var got bool
		if err := db.QueryRow("SELECT regexp_matches(?, ?)", c.s, pattern).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("DuckDB regexp_matches(%q, %s) = %v, want %v", c.s, pattern, got, c.want)
		}
	}
}

func TestParseResultFormats(t *testing.T) {
	table := `{"columns":[{"name":"Caller","type":"string"},{"name":"timekey","type":"datetime"},{"name":"Caller1","type":"string"},{"name":"timekey1","type":"datetime"},{"name":"set_OperationNameValue","type":"dynamic"},{"name":"timestamp","type":"datetime"},{"name":"AccountCustomEntity","type":"string"}],
	"rows":[["a@x","2026-11-25T10:00:00.0000000Z","a@x","2026-11-25T10:00:00.0000000Z",["op2","op1"],"2026-11-25T10:00:00.0000000Z","a@x"]]}`
	lines := `{"Caller":"a@x","timekey":"2026-11-25T10:00:00Z","Caller1":"a@x","timekey1":"2026-11-25T10:00:00Z","set_OperationNameValue":["op1","op2"],"timestamp":"2026-11-25T10:00:00Z","AccountCustomEntity":"a@x"}`
	a, err := ParseResult([]byte(table))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseResult([]byte(lines))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseResult([]byte("[" + lines + "]"))
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff("table", a, "lines", b); d != "" {
		t.Errorf("set order or time format matters:\n%s", d)
	}
	if d := Diff("lines", b, "array", c); d != "" {
		t.Error(d)
	}
	// A different set is a difference.
	other, err := ParseResult([]byte(strings.Replace(lines, `"op1",`, "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff("a", a, "b", other); !strings.Contains(d, "only in a") || !strings.Contains(d, "only in b") {
		t.Errorf("Diff missed a difference: %q", d)
	}
	if _, err := ParseResult([]byte(`{"columns":[{"name":"Caller","type":"string"}],"rows":[["x"]]}`)); err == nil {
		t.Error("a result with missing columns was accepted")
	}
	if _, err := ParseResult([]byte("garbage")); err == nil {
		t.Error("garbage accepted")
	}
}

// TestDuckDBMatchesReference runs the SQL translation in DuckDB over
// generated data and compares it with the Go evaluator.
func TestDuckDBMatchesReference(t *testing.T) {
	dir := t.TempDir()
	opts := gen.Options{Rows: 8000, Seed: 11, CloudShellSessions: 25}
	path, now, ref := generatedWithReference(t, dir, opts)
	if len(ref.Rows) == 0 {
		t.Fatal("no Cloud Shell session in the last day")
	}
	// Sessions older than a day have no right side and must not appear.
	planted := gen.PlantedSessions(opts)
	old := 0
	for _, s := range planted {
		if s.ListKeys.Truncate(time.Hour).Add(time.Hour).Before(now.Add(-24 * time.Hour)) {
			old++
		}
	}
	if old == 0 || len(ref.Rows) >= len(planted) {
		t.Errorf("%d planted, %d old, %d in the result: the time filter is not exercised", len(planted), old, len(ref.Rows))
	}
	var out bytes.Buffer
	if err := runDuckDB(context.Background(), "ndjson", path, now, 0, &out); err != nil {
		t.Fatal(err)
	}
	duck, err := ParseResult(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff("duckdb", duck, "reference", ref); d != "" {
		t.Fatal(d)
	}
	t.Logf("%d result rows agree", len(ref.Rows))
}

func TestMedian(t *testing.T) {
	s := []sample{{wall: 5}, {wall: 1}, {wall: 3}, {wall: 100}, {wall: 2}}
	if m := median(s); m.wall != 3 {
		t.Fatalf("median wall %v", m.wall)
	}
	if m := median(s[:4]); m.wall != 4 { // (3+5)/2 of 1,3,5,100
		t.Fatalf("median of four %v", m.wall)
	}
}

// FuzzParseResult: the result parser never panics, and what it accepts
// parses the same way a second time.
func FuzzParseResult(f *testing.F) {
	f.Add([]byte(`{"columns":[{"name":"Caller","type":"string"}],"rows":[["x"]]}`))
	f.Add([]byte(`{"Caller":"a@x","timekey":"2026-11-25T10:00:00Z","Caller1":"a@x","timekey1":"2026-11-25T10:00:00Z","set_OperationNameValue":["op1"],"timestamp":"2026-11-25T10:00:00Z","AccountCustomEntity":"a@x"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"columns":[],"rows":[[1]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r1, err := ParseResult(data)
		if err != nil {
			return
		}
		r2, err := ParseResult(data)
		if err != nil || Diff("a", r1, "b", r2) != "" {
			t.Fatalf("unstable parse: %v", err)
		}
	})
}

func TestMeasureChild(t *testing.T) {
	// Re-run this test binary with no tests: a short-lived child.
	s, err := measure(context.Background(), []string{os.Args[0], "-test.run=^$"}, filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	if s.wall <= 0 || s.maxRSS <= 0 {
		t.Fatalf("no measurements: %+v", s)
	}
	if _, err := measure(context.Background(), []string{os.Args[0], "-test.run=^$", "-no-such-flag"}, os.DevNull); err == nil {
		t.Fatal("a failing child was not reported")
	}
}

func TestFlagErrors(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{
		{"--formats", "csv", "--duckdb-only"},
		{"--rows", "0", "--duckdb-only"},
		{"--now", "yesterday", "--duckdb-only"},
		{"--kqlhunt", "/no/such/kqlhunt"},
		{"stray"},
	} {
		if err := benchMain(ctx, append(args, "--work", t.TempDir())); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	if err := duckdbMain(ctx, []string{"--source", "ndjson"}); err == nil {
		t.Error("duckdb mode without --data accepted")
	}
	if err := duckdbMain(ctx, []string{"--source", "xml", "--data", "x", "--now", "2026-11-26T00:00:00Z"}); err == nil {
		t.Error("unknown source kind accepted")
	}
}

// TestDuckDBReadsStore ingests generated data into a kqlhunt store
// in-process and checks that DuckDB's read_parquet over the store's files
// gives the reference answer: the store's files are valid, typed Parquet.
func TestDuckDBReadsStore(t *testing.T) {
	dir := t.TempDir()
	path, now, ref := generatedWithReference(t, dir, gen.Options{Rows: 6000, Seed: 12, CloudShellSessions: 15})
	storeDir := filepath.Join(dir, "store")
	if _, err := workspace.Ingest(context.Background(), storeDir, []string{path}, source.Options{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runDuckDB(context.Background(), "parquet", storeDir, now, 0, &out); err != nil {
		t.Fatal(err)
	}
	duck, err := ParseResult(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(ref.Rows) == 0 {
		t.Fatal("empty reference result")
	}
	if d := Diff("duckdb-parquet", duck, "reference", ref); d != "" {
		t.Fatal(d)
	}
}

// generatedWithReference writes generated rows to dir/data.ndjson and
// returns its path, the instant ago() refers to, and the Go reference
// evaluator's result on them.
func generatedWithReference(t *testing.T, dir string, opts gen.Options) (string, time.Time, Result) {
	t.Helper()
	path := filepath.Join(dir, "data.ndjson")
	var buf bytes.Buffer
	if err := gen.WriteNDJSON(context.Background(), &buf, opts); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	now := gen.DefaultStart.Add(gen.DefaultSpan)
	refRows, err := referenceRule(bytes.NewReader(buf.Bytes()), now)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := resultOf(refRows)
	if err != nil {
		t.Fatal(err)
	}
	return path, now, ref
}
