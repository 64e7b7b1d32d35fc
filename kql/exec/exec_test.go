package exec

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

const tData = `let T = datatable(a:long, b:string, t:datetime, d:dynamic)[
	1, "x", datetime(2024-01-01 10:15), dynamic({"k": "v1", "n": 1}),
	2, "y", datetime(2024-01-01 10:45), dynamic({"k": "v2"}),
	3, "x", datetime(2024-01-01 11:00), dynamic([1, 2, 3]),
	4, "", datetime(null), dynamic(null),
	long(null), "z", datetime(2024-01-02), dynamic({"n": 5})
];
`

type execCase struct {
	name    string
	q       string
	schema  string   // "" to skip
	rows    []string // compared as a multiset unless ordered
	ordered bool
	// schemaOnly skips the row comparison.
	schemaOnly bool
}

var execCases = []execCase{
	{name: "where-eq", q: tData + `T | where b == "x" | project a`, schema: "a:long", rows: []string{"1", "3"}},
	{name: "where-has", q: `datatable(s:string)["cloud-shell-storage-x", "mycloud-shell-storage", "CLOUD-SHELL-STORAGE", "cloud-shell-storagex"] | where s has "cloud-shell-storage"`,
		rows: []string{"cloud-shell-storage-x", "CLOUD-SHELL-STORAGE"}},
	{name: "where-tilde", q: `datatable(s:string)["Success", "SUCCESS", "succeeded", ""] | where s =~ "success"`, rows: []string{"Success", "SUCCESS"}},
	{name: "where-not-tilde", q: `datatable(s:string)["Success", "SUCCESS", "succeeded", ""] | where s !~ "success"`, rows: []string{"succeeded", ""}},
	{name: "where-null-compare", q: tData + `T | where a > 2 | project a`, rows: []string{"3", "4"}},
	{name: "where-isnotempty", q: tData + `T | where isnotempty(b) | count`, rows: []string{"4"}},
	{name: "where-in", q: tData + `T | where b in ("x", "z") | project a`, rows: []string{"1", "3", "null"}},
	{name: "where-in-ci", q: `datatable(s:string)["A", "b"] | where s in~ ("a", "B")`, rows: []string{"A", "b"}},
	{name: "where-in-subquery", q: tData + `T | where a in ((T | where b == "x" | project a)) | project b`, rows: []string{"x", "x"}},
	{name: "where-between", q: tData + `T | where t between (datetime(2024-01-01 10:30) .. datetime(2024-01-01 11:00)) | project a`, rows: []string{"2", "3"}},
	{name: "where-and-or", q: tData + `T | where (a == 1 or b == "y") and isnotnull(t) | project a`, rows: []string{"1", "2"}},
	{name: "where-has_any", q: `datatable(s:string)["one two", "three", "fourfive"] | where s has_any ("two", "four")`, rows: []string{"one two"}},
	{name: "extend-replace", q: tData + `T | extend b = strlen(b) | project a, b | take 2`, schema: "a:long, b:long", schemaOnly: true},
	{name: "extend-chain", q: `print x = 1 | extend y = x + 1, z = y * 10`, schema: "x:long, y:long, z:long", rows: []string{"1|2|20"}},
	{name: "project-away-wild", q: tData + `T | project-away t, d* | take 1`, schema: "a:long, b:string", schemaOnly: true},
	{name: "project-rename", q: `print a=1, b=2 | project-rename c = a`, schema: "c:long, b:long", rows: []string{"1|2"}},
	{name: "project-reorder", q: `print a=1, b=2, c=3 | project-reorder c, a`, schema: "c:long, a:long, b:long", rows: []string{"3|1|2"}},
	{name: "project-reorder star", q: `print a=1, b=2, c=3 | project-reorder *, a`, schema: "a:long, b:long, c:long", rows: []string{"1|2|3"}},
	{name: "project-keep", q: `print a=1, b=2, c=3 | project-keep c, a`, schema: "a:long, c:long", rows: []string{"1|3"}},
	{name: "summarize-count", q: tData + `T | summarize count() by b`, schema: "b:string, count_:long", rows: []string{"x|2", "y|1", "|1", "z|1"}},
	{name: "summarize-empty", q: tData + `T | where a > 100 | summarize count()`, schema: "count_:long", rows: []string{"0"}},
	{name: "summarize-empty-by", q: tData + `T | where a > 100 | summarize count() by b`, rows: nil},
	{name: "summarize-distinct", q: tData + `T | summarize by b`, rows: []string{"x", "y", "", "z"}},
	{name: "summarize-null-key", q: tData + `T | summarize n = count() by a = a % 2`, rows: []string{"1|2", "0|2", "null|1"}},
	{name: "summarize-bin", q: tData + `T | where isnotnull(t) | summarize make_set(a) by bin(t, 1h)`, schema: "t:datetime, set_a:dynamic",
		rows: []string{"2024-01-01T10:00:00.0000000Z|{1,2}", "2024-01-01T11:00:00.0000000Z|{3}", "2024-01-02T00:00:00.0000000Z|{}"}},
	{name: "summarize-expr", q: tData + `T | summarize x = count() * 2, m = max(a)`, rows: []string{"10|4"}},
	{name: "summarize-arg_max", q: tData + `T | summarize arg_max(a, b) by x = b == "x"`, schema: "x:bool, a:long, b:string", rows: []string{"true|3|x", "false|4|"}},
	{name: "percentiles", q: `range x from 1 to 100 step 1 | summarize percentiles(x, 50, 99.9), (a, b) = percentiles(x, 10, 20), percentile(x, 95) by k = x % 2`,
		schema: "k:long, percentile_x_50:long, percentile_x_99_9:long, a:long, b:long, percentile_x_95:long", schemaOnly: true},
	{name: "distinct", q: tData + `T | distinct b`, rows: []string{"x", "y", "", "z"}},
	{name: "sort-desc-default", q: tData + `T | sort by a | project a`, rows: []string{"4", "3", "2", "1", "null"}, ordered: true},
	{name: "sort-asc", q: tData + `T | order by a asc | project a`, rows: []string{"null", "1", "2", "3", "4"}, ordered: true},
	{name: "sort-asc-nulls-last", q: tData + `T | order by a asc nulls last | project a`, rows: []string{"1", "2", "3", "4", "null"}, ordered: true},
	{name: "sort-two-keys", q: tData + `T | sort by b asc, a desc | project a`, rows: []string{"4", "3", "1", "2", "null"}, ordered: true},
	{name: "top", q: tData + `T | top 2 by a | project a`, rows: []string{"4", "3"}, ordered: true},
	{name: "take", q: `range x from 1 to 100000 step 1 | take 3 | count`, rows: []string{"3"}},
	{name: "count", q: tData + `T | count`, schema: "Count:long", rows: []string{"5"}},
	{name: "join-innerunique", q: `let L = datatable(k:long, v:string)[1, "a", 1, "b", 2, "c"]; let R = datatable(k:long, w:string)[1, "p", 1, "q", 3, "r"]; L | join R on k`,
		schema: "k:long, v:string, k1:long, w:string", rows: []string{"1|b|1|p", "1|b|1|q"}},
	{name: "join-inner", q: `let L = datatable(k:long, v:string)[1, "a", 1, "b", 2, "c"]; let R = datatable(k:long, w:string)[1, "p", 1, "q", 3, "r"]; L | join kind=inner R on k`,
		rows: []string{"1|a|1|p", "1|a|1|q", "1|b|1|p", "1|b|1|q"}},
	{name: "join-leftouter", q: `let L = datatable(k:long, v:string)[1, "a", 2, "c"]; let R = datatable(k:long, w:string)[1, "p", 3, "r"]; L | join kind=leftouter R on k`,
		rows: []string{"1|a|1|p", "2|c|null|"}},
	{name: "join-rightouter", q: `let L = datatable(k:long, v:string)[1, "a", 2, "c"]; let R = datatable(k:long, w:string)[1, "p", 3, "r"]; L | join kind=rightouter R on k`,
		rows: []string{"1|a|1|p", "null||3|r"}},
	{name: "join-fullouter", q: `let L = datatable(k:long, v:string)[1, "a", 2, "c"]; let R = datatable(k:long, w:string)[1, "p", 3, "r"]; L | join kind=fullouter R on k`,
		rows: []string{"1|a|1|p", "2|c|null|", "null||3|r"}},
	{name: "join-leftsemi", q: `let L = datatable(k:long, v:string)[1, "a", 2, "c"]; let R = datatable(k:long, w:string)[1, "p", 1, "q"]; L | join kind=leftsemi R on k`,
		schema: "k:long, v:string", rows: []string{"1|a"}},
	{name: "join-leftanti", q: `let L = datatable(k:long, v:string)[1, "a", 2, "c"]; let R = datatable(k:long, w:string)[1, "p"]; L | join kind=leftanti R on k`,
		rows: []string{"2|c"}},
	{name: "join-rightsemi", q: `let L = datatable(k:long, v:string)[1, "a", 1, "b"]; let R = datatable(k:long, w:string)[1, "p", 3, "r"]; L | join kind=rightsemi R on k`,
		schema: "k:long, w:string", rows: []string{"1|p"}},
	{name: "join-rightanti", q: `let L = datatable(k:long, v:string)[1, "a"]; let R = datatable(k:long, w:string)[1, "p", 3, "r"]; L | join kind=rightanti R on k`,
		rows: []string{"3|r"}},
	{name: "join-null-keys", q: `let L = datatable(k:long, v:string)[long(null), "a"]; let R = datatable(k:long, w:string)[long(null), "p"]; L | join kind=inner R on k`,
		rows: nil},
	{name: "join-empty-string-keys", q: `let L = datatable(k:string, v:string)["", "a"]; let R = datatable(k:string, w:string)["", "p"]; L | join kind=inner R on k`,
		rows: []string{"|a||p"}},
	{name: "join-left-right", q: `let L = datatable(a:long, v:string)[1, "a"]; let R = datatable(b:long, w:string)[1, "p"]; L | join kind=inner R on $left.a == $right.b`,
		schema: "a:long, v:string, b:long, w:string", rows: []string{"1|a|1|p"}},
	{name: "lookup", q: `let L = datatable(k:long, v:string)[1, "a", 2, "c"]; let R = datatable(k:long, w:string)[1, "p"]; L | lookup R on k`,
		schema: "k:long, v:string, w:string", rows: []string{"1|a|p", "2|c|"}},
	{name: "lookup-left-right", q: `let L = datatable(k:long, v:string)[1, "a"]; let R = datatable(j:long, w:string)[1, "p"]; L | lookup R on $left.k == $right.j`,
		schema: "k:long, v:string, w:string", rows: []string{"1|a|p"}},
	{name: "lookup-inner", q: `let L = datatable(k:long, v:string)[1, "a", 2, "c"]; let R = datatable(k:long, w:string)[1, "p"]; L | lookup kind=inner R on k`,
		rows: []string{"1|a|p"}},
	{name: "union", q: `union (print a=1), (print a=2, b="x")`, schema: "a:long, b:string", rows: []string{"1|", "2|x"}},
	{name: "union-withsource", q: `let A = print a=1; let B = print a=2; union withsource=Src A, B`, schema: "Src:string, a:long", rows: []string{"A|1", "B|2"}},
	{name: "union-inner", q: `union kind=inner (print a=1, c=3), (print a=2, b="x")`, schema: "a:long", rows: []string{"1", "2"}},
	{name: "mv-expand-array", q: `print a=1, d=dynamic([10, 20]) | mv-expand d`, rows: []string{"1|10", "1|20"}},
	{name: "mv-expand-bag", q: `print d=dynamic({"x": 1, "y": 2}) | mv-expand d`, rows: []string{`{"x":1}`, `{"y":2}`}},
	{name: "mv-expand-bag-array", q: `print d=dynamic({"x": 1}) | mv-expand bagexpansion=array d`, rows: []string{`{1,x}`}},
	{name: "mv-expand-typed", q: `print d=dynamic(["1", "2"]) | mv-expand with_itemindex=i d to typeof(long)`, schema: "d:long, i:long", rows: []string{"1|0", "2|1"}},
	{name: "mv-expand-limit", q: `print d=dynamic([1,2,3]) | mv-expand d limit 2`, rows: []string{"1", "2"}},
	{name: "mv-expand-zip", q: `print a=dynamic([1,2]), b=dynamic(["x"]) | mv-expand a, b`, rows: []string{"1|x", "2|null"}},
	{name: "parse-simple", q: `print s="user=bob id=42 rest" | parse s with "user=" user " id=" id:long " " rest`, schema: "s:string, user:string, id:long, rest:string",
		rows: []string{"user=bob id=42 rest|bob|42|rest"}},
	{name: "parse-nomatch", q: `print s="nothing" | parse s with "user=" user | project user`, rows: []string{""}},
	{name: "parse-where", q: `datatable(s:string)["a=1", "b"] | parse-where s with "a=" v:long | project v`, rows: []string{"1"}},
	{name: "parse-star", q: `print s="junk key=val;" | parse s with * "key=" v ";" *`, rows: []string{"junk key=val;|val"}},
	{name: "parse-regex", q: `print s="abc123def" | parse kind=regex s with "[a-z]+" n:long "[a-z]+"`, rows: []string{"abc123def|123"}},
	{name: "range", q: `range x from 1 to 10 step 3`, schema: "x:long", rows: []string{"1", "4", "7", "10"}, ordered: true},
	{name: "range-time", q: `range t from datetime(2024-01-01) to datetime(2024-01-01 02:00) step 1h | count`, rows: []string{"3"}},
	{name: "print", q: `print 1, "a", x = 2.5`, schema: "print_0:long, print_1:string, x:real", rows: []string{"1|a|2.5"}},
	{name: "getschema", q: `print a=1, b="x" | getschema`, rows: []string{"a|0|System.Int64|long", "b|1|System.String|string"}},
	{name: "let-scalar", q: `let n = 2; let m = n * 3; print m`, rows: []string{"6"}},
	{name: "let-function", q: `let f = (x:long, y:long = 10) { x + y }; print f(1), f(1, 2)`, rows: []string{"11|3"}},
	{name: "let-function-column", q: tData + `let f = (s:string) { strcat(s, "!") }; T | where a == 1 | project f(b)`, rows: []string{"x!"}},
	{name: "let-tabular-function", q: tData + `let f = (tab:(a:long), lim:long) { tab | where a > lim | count }; f(T, 2)`, rows: []string{"2"}},
	{name: "let-view", q: `let V = view () { print x = 5 }; V | project x`, rows: []string{"5"}},
	{name: "materialize", q: tData + `let M = materialize(T | summarize c = count()); M | join (M | extend z = 1) on c`, schema: "c:long, c1:long, z:long", rows: []string{"5|5|1"}},
	{name: "toscalar", q: tData + `let mx = toscalar(T | summarize max(a)); T | where a == mx | project b`, rows: []string{""}},
	{name: "column_ifexists", q: `print a = 1 | project x = column_ifexists("a", 0), y = column_ifexists("nope", "d")`, rows: []string{"1|d"}},
	{name: "pack_all", q: `print a = 1, b = "x" | project p = pack_all()`, rows: []string{`{"a":1,"b":"x"}`}},
	{name: "serialize-row_number", q: `range x from 5 to 7 step 1 | serialize | extend n = row_number()`, rows: []string{"5|1", "6|2", "7|3"}, ordered: true},
	{name: "prev-next", q: `range x from 1 to 3 step 1 | sort by x asc | extend p = prev(x), n = next(x, 1, 0)`, rows: []string{"1|null|2", "2|1|3", "3|2|0"}, ordered: true},
	{name: "row_cumsum", q: `range x from 1 to 4 step 1 | serialize | extend s = row_cumsum(x)`, rows: []string{"1|1", "2|3", "3|6", "4|10"}, ordered: true},
	{name: "row_window_session", q: `datatable(t:datetime)[datetime(2024-01-01 00:00), datetime(2024-01-01 00:05), datetime(2024-01-01 00:30), datetime(2024-01-01 00:34)] | sort by t asc | extend s = row_window_session(t, 1h, 10m)`,
		rows: []string{"2024-01-01T00:00:00.0000000Z|2024-01-01T00:00:00.0000000Z", "2024-01-01T00:05:00.0000000Z|2024-01-01T00:00:00.0000000Z",
			"2024-01-01T00:30:00.0000000Z|2024-01-01T00:30:00.0000000Z", "2024-01-01T00:34:00.0000000Z|2024-01-01T00:30:00.0000000Z"}, ordered: true},
	{name: "multi-output", q: `print x = dynamic([1, 2, 3]) | extend (lo, lo_idx) = series_stats(x) | project lo, lo_idx, series_stats_x_max`,
		schema: "lo:real, lo_idx:long, series_stats_x_max:real", rows: []string{"1|0|3"}},
	{name: "print-multi-output", q: `print series_stats(dynamic([4, 2]))`, schema: "series_stats_min:real, series_stats_min_idx:long, series_stats_max:real, series_stats_max_idx:long, series_stats_avg:real, series_stats_stdev:real, series_stats_variance:real", schemaOnly: true},
	{name: "typeof-arg", q: `print extract("x([0-9]+)", 1, "x12", typeof(long)) + 1`, schema: "print_0:long", rows: []string{"13"}},
	{name: "bag_pack_columns", q: `print a = 1, b = "x" | project p = bag_pack_columns(a, b)`, rows: []string{`{"a":1,"b":"x"}`}},
	{name: "ingestion_time", q: `print TimeGenerated = datetime(2024-01-01) | project i = ingestion_time()`, rows: []string{"2024-01-01T00:00:00.0000000Z"}},
	{name: "bag_unpack", q: `print d = dynamic({"b": 1, "a": "x"}), k = 1 | evaluate bag_unpack(d)`, schema: "k:long, a:dynamic, b:dynamic", rows: []string{"1|x|1"}},
	{name: "invoke", q: `let f = (tab:(*), n:long) { tab | where x > n | count }; range x from 1 to 10 step 1 | invoke f(7)`, rows: []string{"3"}},
	{name: "as", q: `print x = 1 | as P | union P`, rows: []string{"1", "1"}},
	{name: "dynamic-access", q: tData + `T | where isnotnull(d) | project k = tostring(d.k), n = d["n"], e = d[0]`, rows: []string{"v1|1|null", "v2|null|null", "|null|1", "|5|null"}},
	{name: "now-ago", q: `print now() - ago(1h)`, rows: []string{"01:00:00"}},
	{name: "iff", q: tData + `T | project r = iff(a > 2, "big", "small")`, rows: []string{"small", "small", "big", "big", "small"}},
	{name: "datetime-parts", q: `print datetime(2025, 6, 14), datetime("2024-01-02")`, rows: []string{"2025-06-14T00:00:00.0000000Z|2024-01-02T00:00:00.0000000Z"}},
	{name: "datetime-arith", q: `print datetime(2024-01-01) + 1d, datetime(2024-01-02) - datetime(2024-01-01)`, rows: []string{"2024-01-02T00:00:00.0000000Z|1.00:00:00"}},
}

func runCase(t *testing.T, c execCase) {
	t.Helper()
	runCaseWith(t, c, resultStrings)
}

// runCaseWith runs case c, rendering the result rows with render.
func runCaseWith(t *testing.T, c execCase, render func(*Result) []string) {
	t.Helper()
	res, err := Run(context.Background(), c.q, Options{Now: testNow})
	if err != nil {
		t.Fatalf("%v", err)
	}
	if c.schema != "" {
		if got := schemaString(res.Schema); got != c.schema {
			t.Errorf("schema:\n got %s\nwant %s", got, c.schema)
		}
	}
	if c.schemaOnly {
		return
	}
	checkRows(t, render(res), c.rows, c.ordered)
}

// checkRows reports when the rendered rows got differ from want (in any
// order unless ordered).
func checkRows(t *testing.T, got, want []string, ordered bool) {
	t.Helper()
	want = append([]string(nil), want...)
	if !ordered {
		sort.Strings(got)
		sort.Strings(want)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestQueries(t *testing.T) {
	for _, c := range execCases {
		t.Run(c.name, func(t *testing.T) { runCase(t, c) })
	}
}

func TestErrorsArePositioned(t *testing.T) {
	_, err := Run(context.Background(), "print x = \n  nosuchfunc(1)", Options{Filename: "q.kql"})
	if err == nil || !strings.Contains(err.Error(), "q.kql:2:3: unknown function nosuchfunc") {
		t.Errorf("err = %v", err)
	}
}

func TestMemoryLimit(t *testing.T) {
	_, err := Run(context.Background(), `range x from 1 to 200000 step 1 | summarize by x`, Options{MemoryLimit: 1 << 20})
	if !errors.Is(err, ErrMemoryLimit) || !strings.Contains(err.Error(), "summarize") {
		t.Errorf("err = %v, want a summarize memory limit error", err)
	}
	_, err = Run(context.Background(), `range x from 1 to 200000 step 1 | sort by x`, Options{MemoryLimit: 1 << 20})
	if !errors.Is(err, ErrMemoryLimit) || !strings.Contains(err.Error(), "sort") {
		t.Errorf("err = %v, want a sort memory limit error", err)
	}
}

func TestTimeScopeAndProjection(t *testing.T) {
	s := &batch.Schema{Fields: []batch.Field{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "A", Type: types.String}, {Name: "B", Type: types.String}}}
	tb := NewTableBuilder(s)
	for i := 0; i < 10; i++ {
		_ = tb.Add(types.NewDateTime(types.TicksFromTime(testNow)-int64(i)*36_000_000_000), types.NewString("a"), types.NewString("b"))
	}
	rec := &recordingTable{MemTable: tb.Table()}
	res, err := Run(context.Background(), `T | where A == "a" | summarize count()`, Options{
		Tables:    map[string]Table{"T": rec},
		TimeScope: &TimeScope{Column: "TimeGenerated", From: testNow.Add(-3 * 3600e9), To: testNow},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := resultStrings(res); len(got) != 1 || got[0] != "4" {
		t.Errorf("rows = %v, want 4 (hours 0..3 in scope)", got)
	}
	if got := strings.Join(rec.cols, ","); got != "A,TimeGenerated" {
		t.Errorf("scanned columns = %s, want A,TimeGenerated", got)
	}
}

type recordingTable struct {
	*MemTable
	cols []string
}

func (r *recordingTable) Scan(ctx context.Context, req ScanRequest, emit func(*batch.Batch) error) error {
	r.cols = req.Columns
	return r.MemTable.Scan(ctx, req, emit)
}

func TestEmptyTableFromEnv(t *testing.T) {
	res, err := Run(context.Background(), `AzureActivity | where Caller == "x" | count`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := resultStrings(res); len(got) != 1 || got[0] != "0" {
		t.Errorf("rows = %v, want 0", got)
	}
}

// FuzzRun checks that no query text makes the engine panic.
func FuzzRun(f *testing.F) {
	for _, c := range execCases {
		f.Add(c.q)
	}
	f.Add(cloudShellQuery)
	f.Add(`let f = (n:long) { f(n) }; print f(1)`)
	f.Fuzz(func(t *testing.T, q string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, _ = Run(ctx, q, Options{Now: testNow, MemoryLimit: 64 << 20})
	})
}

func TestUnionWildcard(t *testing.T) {
	mk := func(v string) Table {
		tb := NewTableBuilder(&batch.Schema{Fields: []batch.Field{{Name: "v", Type: types.String}}})
		_ = tb.Add(types.NewString(v))
		return tb.Table()
	}
	opts := Options{Tables: map[string]Table{"LogA": mk("a"), "LogB": mk("b"), "Other": mk("o")}}
	for q, want := range map[string]string{
		`union withsource=T Log* | project T, v`: "LogA|a,LogB|b",
		`union * | count`:                        "3",
	} {
		res, err := Run(context.Background(), q, opts)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		got := resultStrings(res)
		sort.Strings(got)
		if strings.Join(got, ",") != want {
			t.Errorf("%s: rows = %v, want %s", q, got, want)
		}
	}
}

func TestTableFunc(t *testing.T) {
	s := &batch.Schema{Fields: []batch.Field{{Name: "SearchKey", Type: types.String}}}
	tb := NewTableBuilder(s)
	_ = tb.Add(types.NewString("alice"))
	_ = tb.Add(types.NewString("bob"))
	wl := tb.Table()
	var gotAlias string
	opts := Options{Now: testNow, TableFuncs: map[string]TableFunc{
		"_GetWatchlist": func(_ context.Context, args []types.Value) (Table, error) {
			gotAlias = types.ToString(args[0])
			return wl, nil
		},
	}}
	res, err := Run(context.Background(), `datatable(u:string)["bob", "carol"] | where u in ((_GetWatchlist('vip') | project SearchKey))`, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(resultStrings(res), ","); got != "bob" || gotAlias != "vip" {
		t.Errorf("rows = %s, alias = %q", got, gotAlias)
	}
}

func TestProjectionKeepsIndirectColumns(t *testing.T) {
	s := &batch.Schema{Fields: []batch.Field{{Name: "A", Type: types.String}, {Name: "B", Type: types.String}}}
	tb := NewTableBuilder(s)
	_ = tb.Add(types.NewString("a"), types.NewString("b"))
	for _, q := range []string{
		`let c = "B"; T | summarize by x = column_ifexists(c, "none")`,
		`let f = (v:string) { strcat(v, "") }; T | summarize by x = f(B)`,
	} {
		res, err := Run(context.Background(), q, Options{Tables: map[string]Table{"T": tb.Table()}})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got := strings.Join(resultStrings(res), ","); got != "b" {
			t.Errorf("%s: rows = %s, want b", q, got)
		}
	}
}

func TestFiltersFirst(t *testing.T) {
	q := `print a = 1 | extend b = a * 2 | extend c = 3 | where a == 1 and c == 3 | where a == 1`
	parsed, err := syntax.Parse("", q, nil)
	if err != nil {
		t.Fatal(err)
	}
	pipe := parsed.Stmts[0].(*syntax.ExprStmt).X.(*syntax.PipeExpr)
	var got []string
	for _, op := range filtersFirst(pipe.Ops) {
		got = append(got, op.Name())
	}
	// The first where uses c, defined by the second extend, and stays; the
	// second moves before both extends.
	if want := "where,extend,extend,where"; strings.Join(got, ",") != want {
		t.Errorf("order %s, want %s", strings.Join(got, ","), want)
	}
	res, err := Run(context.Background(), q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(resultStrings(res), ","); got != "1|2|3" {
		t.Errorf("rows = %s", got)
	}
}

func TestRecursionIsAnError(t *testing.T) {
	for _, q := range []string{`let f = () { f() }; f()`, `let f = (n:long) { f(n) }; print f(1)`} {
		parsed, err := syntax.Parse("", q, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Without the checker, the planner itself must stop.
		_, err = RunQuery(context.Background(), nil, parsed, nil, Options{})
		if err == nil || !strings.Contains(err.Error(), "nested too deeply") {
			t.Errorf("%s: err = %v", q, err)
		}
		if _, err := Run(context.Background(), q, Options{}); err == nil {
			t.Errorf("%s: Run gave no error", q)
		}
	}
}

func TestFilterCommutesWithProjections(t *testing.T) {
	cases := map[string]string{
		`print a = 1, b = 2 | project a | where a == 1`:                     "where,project",
		`print a = 1, b = 2 | project c = a | where c == 1`:                 "project,where",
		`print a = 1, b = 2 | project a, b = a + 1 | where b == 2`:          "project,where",
		`print a = 1, b = 2 | project-away b | where a == 1`:                "where,project-away",
		`print a = 1, b = 2 | project-rename c = a | where c == 1`:          "project-rename,where",
		`print a = 1, b = 2 | project-rename c = a | where b == 2`:          "where,project-rename",
		`print a = 1, b = 2 | extend c = 1 | project-away b | where a == 1`: "where,extend,project-away",
	}
	for q, want := range cases {
		parsed, err := syntax.Parse("", q, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, op := range filtersFirst(parsed.Stmts[0].(*syntax.ExprStmt).X.(*syntax.PipeExpr).Ops) {
			got = append(got, op.Name())
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%s: order %s, want %s", q, strings.Join(got, ","), want)
		}
		res, err := Run(context.Background(), q, Options{})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if res.NumRows() != 1 {
			t.Errorf("%s: %d rows, want 1", q, res.NumRows())
		}
	}
}

// TestJoinKeyEncoding checks that the fast join-key encoding of typed
// columns equals the general one, so that keys of different column types
// (int and long, string and dynamic) still match.
func TestJoinKeyEncoding(t *testing.T) {
	s := &batch.Schema{Fields: []batch.Field{{Name: "s", Type: types.String}, {Name: "l", Type: types.Long}, {Name: "i", Type: types.Int},
		{Name: "d", Type: types.DateTime}, {Name: "t", Type: types.TimeSpan}, {Name: "y", Type: types.Dynamic}}}
	tb := NewTableBuilder(s)
	_ = tb.Add(types.NewString("abc"), types.NewLong(5), types.NewInt(5), types.NewDateTime(77), types.NewTimeSpan(9), types.NewDynamic("abc"))
	b := tb.Table().batches[0]
	for c := range s.Fields {
		got, ok := joinKey(nil, b, []int{c}, 0)
		v := valueAt(b.Cols[c], 0)
		if v.Type == types.Dynamic {
			v = types.FromDynamic(v.D)
		}
		if want := appendKey(nil, v); !ok || string(got) != string(want) {
			t.Errorf("column %s: key %x, want %x", s.Fields[c].Name, got, want)
		}
	}
	res, err := Run(context.Background(), `let L = datatable(k:int, s:string)[5, "abc"]; let R = datatable(k:long, d:string)[5, "abc"]; L | join kind=inner R on k, $left.s == $right.d`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.NumRows() != 1 {
		t.Errorf("int/long keys: %d rows, want 1", res.NumRows())
	}
}
