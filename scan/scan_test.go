package scan

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"kqlhunt/activity"
	"kqlhunt/source/jsonx"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"kqlhunt/batch"
	"kqlhunt/gen"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
	"kqlhunt/source"
)

// cloudShell are the columns the Azure CloudShell Usage query reads.
var cloudShell = []string{"TimeGenerated", "Caller", "OperationNameValue", "ActivityStatusValue", "ResourceGroup"}

// projections exercised by the equivalence tests.
var projections = [][]string{
	nil,
	cloudShell,
	{"Caller", "CallerIpAddress", "Hierarchy", "CategoryValue", "ResourceProviderValue", "Properties_d"},
	{"SubscriptionId", "_ResourceId", "Resource", "ActivitySubstatusValue", "Claims_d", "EventSubmissionTimestamp"},
	{"Authorization_d", "Level", "Type", "_SubscriptionId", "HTTPRequest"},
	{"ResourceGroup"},
}

// generic loads paths the way the CLI did before: source.ReadBatches with
// the same columns and options.
func generic(t testing.TB, paths []string, cols []string, opts source.Options) ([]*batch.Batch, *source.Report, error) {
	t.Helper()
	opts.Columns = cols
	var out []*batch.Batch
	rep, err := source.ReadBatches(context.Background(), paths, opts, 0, func(b *batch.Batch) error {
		out = append(out, b)
		return nil
	})
	return out, rep, err
}

// cell renders one value for comparison.
func cell(c *batch.Column, i int) string {
	if c.IsNull(i) {
		return "<null>"
	}
	switch {
	case c.Type == types.DateTime:
		return fmt.Sprint(c.Ints[i])
	case c.Type == types.Dynamic:
		return types.FormatDynamic(c.Dyns[i])
	default:
		return fmt.Sprintf("%q", c.Str(i))
	}
}

// rowsOf flattens batches into rendered rows.
func rowsOf(bs []*batch.Batch) [][]string {
	var out [][]string
	for _, b := range bs {
		for i := 0; i < b.Len; i++ {
			row := make([]string, len(b.Cols))
			for j, c := range b.Cols {
				row[j] = cell(c, i)
			}
			out = append(out, row)
		}
	}
	return out
}

func tableBatches(t testing.TB, tab *exec.MemTable) []*batch.Batch {
	t.Helper()
	var out []*batch.Batch
	if err := tab.Scan(context.Background(), exec.ScanRequest{}, func(b *batch.Batch) error {
		for i, c := range b.Cols {
			if c.Len != b.Len {
				t.Fatalf("column %d has %d rows, batch %d", i, c.Len, b.Len)
			}
			if c.Nulls != nil && len(c.Nulls) != c.Len {
				t.Fatalf("column %d has %d nulls for %d rows", i, len(c.Nulls), c.Len)
			}
		}
		out = append(out, b)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// same checks that Load and the generic reader agree on paths: schema,
// rows and values column by column, report and error.
func same(t *testing.T, paths []string, cols []string, opts Options) {
	t.Helper()
	want, wantRep, wantErr := generic(t, paths, cols, opts.Options)
	tab, rep, err := Load(context.Background(), paths, cols, opts)
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("cols %v: error %v, generic %v", cols, err, wantErr)
	}
	if err == nil {
		got := tableBatches(t, tab)
		if len(want) > 0 && !reflect.DeepEqual(tab.Schema().Fields, want[0].Schema.Fields) {
			t.Fatalf("cols %v: schema %v, generic %v", cols, tab.Schema().Fields, want[0].Schema.Fields)
		}
		gr, wr := rowsOf(got), rowsOf(want)
		if len(gr) != len(wr) {
			t.Fatalf("cols %v: %d rows, generic %d\n%s", cols, len(gr), len(wr), rep.Summary())
		}
		for i := range gr {
			for j := range gr[i] {
				if gr[i][j] != wr[i][j] {
					t.Fatalf("cols %v: row %d column %s: %s, generic %s", cols, i, tab.Schema().Fields[j].Name, gr[i][j], wr[i][j])
				}
			}
		}
		for i, b := range got {
			if i < len(got)-1 && b.Len != batchRowsOf(opts) {
				t.Errorf("batch %d has %d rows", i, b.Len)
			}
		}
	}
	if !sameReport(rep, wantRep) {
		t.Fatalf("cols %v: report\n%+v\ngeneric\n%+v", cols, *rep, *wantRep)
	}
}

func batchRowsOf(o Options) int {
	if o.BatchRows > 0 {
		return o.BatchRows
	}
	return 8192
}

func sameReport(a, b *source.Report) bool {
	norm := func(m map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range m {
			if v != 0 {
				out[k] = v
			}
		}
		return out
	}
	normEx := func(m map[string][]source.Diagnostic) map[string][]source.Diagnostic {
		out := map[string][]source.Diagnostic{}
		for k, v := range m {
			if len(v) > 0 {
				out[k] = v
			}
		}
		return out
	}
	return a.Files == b.Files && a.Read == b.Read && a.Loaded == b.Loaded && a.Duplicates == b.Duplicates &&
		reflect.DeepEqual(norm(a.Formats), norm(b.Formats)) &&
		reflect.DeepEqual(norm(a.Skipped), norm(b.Skipped)) &&
		reflect.DeepEqual(norm(a.NonActivity), norm(b.NonActivity)) &&
		reflect.DeepEqual(normEx(a.Examples), normEx(b.Examples))
}

func writeGen(t testing.TB, dir string, rows int64, seed int64) string {
	t.Helper()
	var buf bytes.Buffer
	if err := gen.WriteNDJSON(context.Background(), &buf, gen.Options{Rows: rows, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("gen%d.ndjson", seed))
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGeneratedMatchesGeneric(t *testing.T) {
	dir := t.TempDir()
	path := writeGen(t, dir, 3000, 7)
	for _, cols := range projections {
		same(t, []string{path}, cols, Options{})
		// Generated rows never need the generic decoder.
		_, _, st, err := load(context.Background(), []string{path}, cols, Options{ChunkBytes: 100000})
		if err != nil || st.fallbacks != 0 || st.fast != 3000 {
			t.Errorf("cols %v: %+v, %v", cols, st, err)
		}
	}
	// Small chunks and batches: chunk boundaries fall everywhere, lines are
	// longer than chunks.
	for _, chunk := range []int{100, 4096, 50000} {
		same(t, []string{path}, cloudShell, Options{ChunkBytes: chunk, BatchRows: 1000})
		same(t, []string{path}, cloudShell, Options{ChunkBytes: chunk, BatchRows: 1000, noMmap: true})
	}
	same(t, []string{path}, nil, Options{ChunkBytes: 3000, Options: source.Options{Workers: 3}})
	same(t, []string{path}, cloudShell, Options{Options: source.Options{NoDedupe: true, Workers: 1}})
}

func TestDuplicatesAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	a := writeGen(t, dir, 500, 1)
	data, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	b := filepath.Join(dir, "copy.ndjson")
	// The same events again, half of them, plus a repeat inside the file.
	lines := bytes.SplitAfter(data, []byte("\n"))
	half := bytes.Join(lines[:250], nil)
	if err := os.WriteFile(b, append(append([]byte{}, half...), lines[3]...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cols := range [][]string{nil, cloudShell} {
		same(t, []string{a, b}, cols, Options{ChunkBytes: 5000})
		same(t, []string{a, b}, cols, Options{Options: source.Options{DedupeWindow: 100}})
		same(t, []string{a, b}, cols, Options{Options: source.Options{NoDedupe: true}})
	}
	_, rep, err := Load(context.Background(), []string{a, b}, cloudShell, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Duplicates != 251 || rep.Loaded != 500 {
		t.Errorf("duplicates %d loaded %d, want 251 and 500", rep.Duplicates, rep.Loaded)
	}
}

// edgeLines are hand-written rows-shape lines that stress the decoder.
var edgeLines = []string{
	`{"TimeGenerated":"2024-01-02T03:04:05.1234567Z","Caller":"a@b.example","OperationNameValue":"MICROSOFT.X/Y/WRITE","ActivityStatusValue":"Success","ResourceGroup":"rg1","EventDataId":"e1"}`,
	// escapes and unicode in requested strings
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"es\"c\\aped \u00e9\u4e2d \ud83d\ude00","ResourceGroup":"r\/g","EventDataId":"e2"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"Ünïcødé 中文 😀","ResourceGroup":"RG-ü","EventDataId":"e3"}`,
	// bad escape: the generic decoder keeps the raw token
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"bad \x escape","EventDataId":"e4"}`,
	// missing keys, nulls, numbers and objects where strings are expected
	`{"TimeGenerated":"2024-01-02T03:04:05Z","EventDataId":"e5"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":null,"ResourceGroup":null,"OperationNameValue":null,"EventDataId":"e6","Claims_d":null}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":42,"ResourceGroup":true,"OperationNameValue":{"a":[1,2,{"b":"c"}]},"ActivityStatusValue":[1,"x"],"EventDataId":"e7"}`,
	// derivations: caller from claims, group from resource id, status from the legacy column
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Claims":"{\"upn\":\"from@claims.example\"}","ResourceId":"/subscriptions/S1/resourceGroups/FromId/providers/P/x/y","ActivityStatus":"Succeeded","EventDataId":"e8"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Claims_d":{"name":"Dyn Name","appid":"app"},"Properties_d":{"hierarchy":"t/s","eventCategory":"Policy","message":"Microsoft.X/y/write"},"Authorization_d":{"action":"Microsoft.X/y/action"},"EventDataId":"e9"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","OperationName":"Microsoft.Web/sites/write","Authorization":"{\"action\":\"Microsoft.A/b/write\"}","Properties":"{\"message\":\"not an op\"}","EventDataId":"e10"}`,
	// nested objects in requested dynamic columns, JSON text in a string
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Properties_d":"{\"nested\":{\"deep\":[1,2,3]}}","Claims_d":{"x":{"y":{"z":[{}]}}},"EventDataId":"e11"}`,
	// white space everywhere
	"  {  \"TimeGenerated\" :  \"2024-01-02T03:04:05Z\" , \"Caller\"\t:\t\"ws\"  , \"EventDataId\":\"e12\"}  ",
	// other datetime forms, bad and missing datetimes
	`{"TimeGenerated":"2024-01-02 03:04:05.5+01:00","EventDataId":"e13","EventSubmissionTimestamp":"1/2/2024 3:04:05 PM"}`,
	`{"TimeGenerated":"2024-02-30T00:00:00Z","EventDataId":"e14"}`,
	`{"TimeGenerated":"2024-01-02T03:04:60Z","EventDataId":"e15"}`,
	`{"TimeGenerated":"not a time","EventDataId":"e16"}`,
	`{"TimeGenerated":"","EventDataId":"e17"}`,
	`{"Caller":"no time","EventDataId":"e18"}`,
	`{"TimeGenerated":20240102,"EventDataId":"e19"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","EventSubmissionTimestamp":"garbage","EventDataId":"e20"}`,
	// other tables
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Type":"SigninLogs","EventDataId":"e21"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","$table":"AuditLogs","EventDataId":"e22"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Type":"AzureActivity","EventDataId":"e23"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Type":"SigninLogs","$table":"AuditLogs","EventDataId":"e36"}`,
	`{"$table":"AuditLogs","TimeGenerated":"2024-01-02T03:04:05Z","Type":"SigninLogs","EventDataId":"e37"}`,
	`{"$table":"AuditLogs","TimeGenerated":"2024-01-02T03:04:05Z","Type":"AzureActivity","$table":"","EventDataId":"e38"}`,
	`{"$table":"AzureActivity","TimeGenerated":"2024-01-02T03:04:05Z","$table":7,"EventDataId":"e39"}`,
	// case-insensitive and suffixed keys, unknown keys, escaped keys
	`{"timegenerated":"2024-01-02T03:04:05Z","caller":"lower","TimeGenerated [UTC]":"2024-01-03T00:00:00Z","Extra":{"a":1},"EventDataId":"e24"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Call\u0065r":"escaped key","EventDataId":"e25"}`,
	// repeated keys
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"first","Caller":"second","EventDataId":"e26"}`,
	`{"TimeGenerated":"bad","TimeGenerated":"2024-01-02T03:04:05Z","EventDataId":"e27"}`,
	// malformed JSON
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"x"`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z",}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"x"} trailing`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Properties_d":{"a":[1,2}}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Properties_d":{x y z},"EventDataId":"e28"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":tru}`,
	`[1,2,3]`,
	`"just a string"`,
	`nul`,
	`{}`,
	// deep nesting
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Properties_d":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `,"EventDataId":"e29"}`,
	// duplicate events (same EventDataId, different case), and the key without one
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"dup","EventDataId":"E1"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","CorrelationId":"c","OperationNameValue":"op","ResourceId":"/x"}`,
	`{"TimeGenerated":"2024-01-02T03:04:05Z","CorrelationId":"C","OperationNameValue":"OP","ResourceId":"/X"}`,
	// control characters and a carriage return inside a line
	"{\"TimeGenerated\":\"2024-01-02T03:04:05Z\",\"Caller\":\"tab\there\",\"EventDataId\":\"e30\"}\r",
	"{\"TimeGenerated\":\"2024-01-02T03:04:05Z\",\"Caller\":\"cr\rinside\",\"EventDataId\":\"e31\"}",
	// a byte order mark and NUL in the middle of the file
	"\xEF\xBB\xBF{\"TimeGenerated\":\"2024-01-02T03:04:05Z\",\"EventDataId\":\"e32\"}",
	"{\"TimeGenerated\":\"2024-01-02T03:04:05Z\",\"Caller\":\"nul\x00byte\",\"EventDataId\":\"e33\"}",
	"\x1f\x8b{\"TimeGenerated\":\"2024-01-02T03:04:05Z\"}",
	// invalid UTF-8
	"{\"TimeGenerated\":\"2024-01-02T03:04:05Z\",\"Caller\":\"\xff\xfe\",\"EventDataId\":\"e34\"}",
	// numbers
	`{"TimeGenerated":"2024-01-02T03:04:05Z","Level":-1.5e+10,"EventDataId":"e35"}`,
}

func TestEdgeCasesMatchGeneric(t *testing.T) {
	dir := t.TempDir()
	first := `{"TimeGenerated":"2024-01-01T00:00:00Z","OperationNameValue":"MICROSOFT.X/Y","EventDataId":"first"}`
	variants := map[string]string{
		"lf":        first + "\n" + strings.Join(edgeLines, "\n") + "\n",
		"crlf":      first + "\r\n" + strings.Join(edgeLines, "\r\n") + "\r\n",
		"nofinal":   first + "\n" + strings.Join(edgeLines, "\n"),
		"blank":     "\n\n" + first + "\n\n  \n\t\n" + strings.Join(edgeLines, "\n\n") + "\n\n",
		"bom":       "\xEF\xBB\xBF" + first + "\n" + strings.Join(edgeLines, "\n"),
		"oneline":   first,
		"onelinenl": first + "\n",
	}
	// Both decoders see work on these lines.
	lf := filepath.Join(dir, "count.ndjson")
	if err := os.WriteFile(lf, []byte(first+"\n"+strings.Join(edgeLines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, st, err := load(context.Background(), []string{lf}, cloudShell, Options{}); err != nil || st.fast < 20 || st.fallbacks < 10 {
		t.Errorf("fast/fallback lines: %+v, %v", st, err)
	} else {
		t.Logf("edge lines: %d fast, %d generic", st.fast, st.fallbacks)
	}
	for name, text := range variants {
		path := filepath.Join(dir, name+".ndjson")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cols := range projections {
			for _, chunk := range []int{0, 7, 300} {
				t.Run(fmt.Sprintf("%s/%v/%d", name, cols, chunk), func(t *testing.T) {
					same(t, []string{path}, cols, Options{ChunkBytes: chunk})
					same(t, []string{path}, cols, Options{ChunkBytes: chunk, noMmap: true})
					geo := geometries[0]
					same(t, []string{path}, cols, Options{ChunkBytes: chunk, direct: &geo})
				})
			}
		}
	}
}

func TestOtherShapesAndMixedInputs(t *testing.T) {
	dir := t.TempDir()
	g := writeGen(t, dir, 300, 3)
	shapes, err := filepath.Glob(filepath.Join("..", "source", "testdata", "shapes", "*"))
	if err != nil || len(shapes) == 0 {
		t.Fatalf("no shape samples: %v", err)
	}
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "rows.ndjson.gz")
	{
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		if _, err := zw.Write(data[:len(data)/2]); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(gz, zb.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	paths := append(append([]string{g}, shapes...), empty, gz, g)
	for _, cols := range projections {
		same(t, paths, cols, Options{ChunkBytes: 10000})
	}
	same(t, paths, cloudShell, Options{Options: source.Options{Format: source.FormatRows}})
	same(t, []string{g}, cloudShell, Options{Options: source.Options{Format: source.FormatStorage}})
	same(t, []string{dir}, cloudShell, Options{})
	same(t, []string{filepath.Join(dir, "*.ndjson")}, cloudShell, Options{})
}

func TestTooLongAndStrict(t *testing.T) {
	dir := t.TempDir()
	g := writeGen(t, dir, 50, 5)
	data, _ := os.ReadFile(g)
	long := `{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"` + strings.Repeat("x", 40000) + `"}`
	text := string(data) + long + "\n" + `{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"after"}` + "\n" + long
	path := filepath.Join(dir, "long.ndjson")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int{0, 1000, 5000} {
		same(t, []string{path}, cloudShell, Options{ChunkBytes: chunk, noMmap: true, Options: source.Options{MaxRecordBytes: 20000}})
		same(t, []string{path}, cloudShell, Options{ChunkBytes: chunk, Options: source.Options{MaxRecordBytes: 20000}})
		same(t, []string{path}, nil, Options{ChunkBytes: chunk, Options: source.Options{MaxRecordBytes: 39000}})
	}
	// Strict mode: the same error (the report may count more of the
	// chunk that held the skipped line).
	opts := source.Options{MaxRecordBytes: 20000, Strict: true}
	_, _, err := Load(context.Background(), []string{path}, cloudShell, Options{Options: opts})
	_, _, want := generic(t, []string{path}, cloudShell, opts)
	if !errors.Is(err, source.ErrStrict) || !strings.Contains(err.Error(), "long.ndjson:51: too-long") || err.Error() != want.Error() {
		t.Errorf("strict: %v, generic %v", err, want)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	if _, _, err := Load(ctx, []string{"/nonexistent/x.json"}, nil, Options{}); err == nil {
		t.Error("missing file: no error")
	}
	if _, _, err := Load(ctx, nil, []string{"Callerr"}, Options{}); err == nil || !strings.Contains(err.Error(), `did you mean "Caller"`) {
		t.Errorf("unknown column: %v", err)
	}
	if _, _, err := Load(ctx, nil, nil, Options{Options: source.Options{Format: "xml"}}); err == nil {
		t.Error("unknown format: no error")
	}
	dir := t.TempDir()
	g := writeGen(t, dir, 2000, 9)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := Load(cctx, []string{g}, cloudShell, Options{ChunkBytes: 4096}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestParseISOFast(t *testing.T) {
	for _, s := range []string{"2024-01-02T03:04:05Z", "2024-01-02T03:04:05.1Z", "2024-01-02T03:04:05.123456789Z",
		"1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "2000-02-29T12:00:00Z", "1600-03-01T00:00:00Z"} {
		got, ok := parseISOFast([]byte(s))
		want, wok := parseTimeRef(s)
		if !ok || !wok || got != want {
			t.Errorf("%s: %d %v, want %d %v", s, got, ok, want, wok)
		}
	}
	for _, s := range []string{"2024-01-02T03:04:60Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-02T03:04:05.Z",
		"2024-01-02 03:04:05Z", "2024-01-02T03:04:05+01:00", "2024-01-02T24:00:00Z", "2024-0a-02T03:04:05Z", "2024-01-02T03:04:05"} {
		if _, ok := parseISOFast([]byte(s)); ok {
			t.Errorf("%s: accepted", s)
		}
	}
}

// TestSkipValueMatchesGeneric compares the value skipper with the generic
// scanner on many random short inputs made of the bytes that matter:
// below maxDepth both must accept and reject the same inputs.
func TestSkipValueMatchesGeneric(t *testing.T) {
	const alphabet = "\"\\{}[]a: ,"
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 200000; n++ {
		b := make([]byte, 1+rng.IntN(40))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if rng.IntN(2) == 0 {
			b[0] = "\"{["[rng.IntN(3)]
		}
		end, _ := skipValue(b, 0)
		want, err := jsonx.Skip(b, 0)
		if err != nil {
			want = -1
		}
		if b[0] == 'a' || b[0] == ':' || b[0] == ' ' || b[0] == ',' || b[0] == '\\' || b[0] == '}' || b[0] == ']' {
			want = -1 // not a value start for either
		}
		if end != want {
			t.Fatalf("%q: skipValue %d, jsonx.Skip %d (%v)", b, end, want, err)
		}
	}
}

// TestDerivableMatchesMissingDerived checks that the decoder's test for a
// missing derived column is activity.Record.MissingDerived.
func TestDerivableMatchesMissingDerived(t *testing.T) {
	for _, cols := range projections {
		cfg, err := newConfig(cols, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for empty := 0; empty < activity.NumColumns(); empty++ {
			var r activity.Record
			for c := 0; c < activity.NumColumns(); c++ {
				if c != empty && cfg.kind[c] == ckString {
					if err := r.SetText(c, "x", false); err != nil {
						t.Fatal(err)
					}
				}
			}
			missing := false
			for _, c := range cfg.derivable {
				missing = missing || cfg.strOf[c](&r) == ""
			}
			if want := r.MissingDerived(cfg.need); missing != want {
				t.Errorf("cols %v, %s empty: missing %v, MissingDerived %v", cols, activity.ColumnName(empty), missing, want)
			}
		}
	}
}

func TestHashSet(t *testing.T) {
	s := newHashSet(0)
	seen := map[uint64]bool{}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 50000; i++ {
		h := rng.Uint64() % 20000 // repeats, and 0
		slot, found := s.find(h)
		if found != seen[h] {
			t.Fatalf("%d: found %v, want %v", h, found, seen[h])
		}
		if !found {
			s.addAt(h, slot)
			seen[h] = true
		}
	}
	if s.n != len(seen) {
		t.Fatalf("n = %d, want %d", s.n, len(seen))
	}
	d := newDeduper(10)
	for i := uint64(1); i <= 25; i++ {
		if d.seen(i) {
			t.Fatalf("%d seen before", i)
		}
	}
	// The window keeps the last 10 to 20 events: 1–10 are forgotten.
	if d.seen(5) || !d.seen(15) || !d.seen(25) {
		t.Error("window")
	}
}
