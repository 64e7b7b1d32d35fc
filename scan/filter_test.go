package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
	"kqlhunt/source"
)

// filterCase is a row filter and the where clause it stands for.
type filterCase struct {
	name  string
	where string // KQL predicate over table T
	preds [][]exec.Pred
}

func str(col, op, v string) exec.Pred {
	return exec.Pred{Column: col, Op: op, Value: types.NewString(v)}
}

func at(col, op string, t time.Time) exec.Pred {
	return exec.Pred{Column: col, Op: op, Value: types.NewDateTime(types.TicksFromTime(t))}
}

var genDay = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

var filterCases = []filterCase{
	{"equals-fold", `ActivityStatusValue =~ "success"`,
		[][]exec.Pred{{str("ActivityStatusValue", "=~", "success")}}},
	{"equals-case", `ActivityStatusValue == "Success"`,
		[][]exec.Pred{{str("ActivityStatusValue", "==", "Success")}}},
	{"not-equals", `OperationNameValue !~ "microsoft.storage/storageaccounts/listkeys/action"`,
		[][]exec.Pred{{str("OperationNameValue", "!~", "microsoft.storage/storageaccounts/listkeys/action")}}},
	{"has-term", `ResourceGroup has "cloud-shell-storage"`,
		[][]exec.Pred{{str("ResourceGroup", "has", "cloud-shell-storage")}}},
	{"startswith-contains", `Caller startswith "EMILY" and CallerIpAddress contains "7."`,
		[][]exec.Pred{{str("Caller", "startswith", "EMILY"), str("CallerIpAddress", "contains", "7.")}}},
	{"cloudshell-union",
		`(ActivityStatusValue =~ "Success" and ResourceGroup has "cloud-shell-storage" and OperationNameValue =~ "Microsoft.Storage/storageAccounts/listKeys/action") or TimeGenerated >= datetime(2026-11-25)`,
		[][]exec.Pred{
			{str("ActivityStatusValue", "=~", "Success"), str("ResourceGroup", "has", "cloud-shell-storage"), str("OperationNameValue", "=~", "Microsoft.Storage/storageAccounts/listKeys/action")},
			{at("TimeGenerated", ">=", genDay)},
		}},
	{"time-range", `TimeGenerated > datetime(2026-11-24T12:00:00Z) and TimeGenerated <= datetime(2026-11-25T06:00:00Z)`,
		[][]exec.Pred{{at("TimeGenerated", ">", genDay.Add(-12*time.Hour)), at("TimeGenerated", "<=", genDay.Add(6*time.Hour))}}},
	{"time-empty", `TimeGenerated < datetime(2000-01-01)`,
		[][]exec.Pred{{at("TimeGenerated", "<", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))}}},
	{"submission", `EventSubmissionTimestamp >= datetime(2026-11-25)`,
		[][]exec.Pred{{at("EventSubmissionTimestamp", ">=", genDay)}}},
}

// TestFilterKeepsWhatWhereKeeps loads generated rows with each filter and
// checks that the rows kept are exactly those the where clause keeps over
// the unfiltered load, in the same order, and that the report does not
// change.
func TestFilterKeepsWhatWhereKeeps(t *testing.T) {
	dir := t.TempDir()
	path := writeGen(t, dir, 4000, 11)
	cols := []string{"TimeGenerated", "EventSubmissionTimestamp", "Caller", "CallerIpAddress", "OperationNameValue", "ActivityStatusValue", "ResourceGroup"}
	all, allRep, err := Load(context.Background(), []string{path}, cols, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range filterCases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := exec.Run(context.Background(), "T | where "+tc.where, exec.Options{Tables: map[string]exec.Table{"T": all}})
			if err != nil {
				t.Fatal(err)
			}
			want := rowsOf(res.Batches)
			for _, chunk := range []int{0, 5000} {
				tab, rep, st, err := load(context.Background(), []string{path}, cols, Options{ChunkBytes: chunk, Filter: tc.preds})
				if err != nil {
					t.Fatal(err)
				}
				got := rowsOf(tableBatches(t, tab))
				if len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual(got, want) {
					t.Fatalf("chunk %d: %d rows kept, where keeps %d", chunk, len(got), len(want))
				}
				if st.filtered != all.Rows()-len(want) {
					t.Errorf("chunk %d: %d rows filtered, want %d", chunk, st.filtered, all.Rows()-len(want))
				}
				if !sameReport(rep, allRep) {
					t.Errorf("chunk %d: report changed by the filter:\n%s\nwithout:\n%s", chunk, rep.Summary(), allRep.Summary())
				}
			}
		})
	}
}

// TestFilterCountsThatMatter checks that the filter cases are not trivial
// on the generated data: each keeps some rows and drops others, except the
// one written to keep nothing.
func TestFilterCountsThatMatter(t *testing.T) {
	dir := t.TempDir()
	path := writeGen(t, dir, 4000, 11)
	for _, tc := range filterCases {
		tab, _, err := Load(context.Background(), []string{path}, cloudShellPlus, Options{Filter: tc.preds})
		if err != nil {
			t.Fatal(err)
		}
		n := tab.Rows()
		if tc.name == "time-empty" {
			if n != 0 {
				t.Errorf("%s: %d rows, want none", tc.name, n)
			}
			continue
		}
		if n == 0 || n == 4000 {
			t.Errorf("%s: keeps %d of 4000 rows; the case tests nothing", tc.name, n)
		}
	}
}

var cloudShellPlus = []string{"TimeGenerated", "EventSubmissionTimestamp", "Caller", "CallerIpAddress", "OperationNameValue", "ActivityStatusValue", "ResourceGroup"}

// TestFilterAfterDedupe: when the first copy of an event fails the filter
// and a later copy passes, the event is a duplicate and stays out, as
// without a filter followed by the where clause.
func TestFilterAfterDedupe(t *testing.T) {
	dir := t.TempDir()
	lines := []string{
		`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"first copy","ActivityStatusValue":"Failure","EventDataId":"e1"}`,
		`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"second copy","ActivityStatusValue":"Success","EventDataId":"e1"}`,
		`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"other","ActivityStatusValue":"Success","EventDataId":"e2"}`,
		`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"generic \x decoder","ActivityStatusValue":"Success","EventDataId":"e3"}`,
		`{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"generic \x fails","ActivityStatusValue":"Failure","EventDataId":"e4"}`,
	}
	path := filepath.Join(dir, "dup.ndjson")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	filter := [][]exec.Pred{{str("ActivityStatusValue", "==", "Success")}}
	for _, o := range []Options{{}, {ChunkBytes: 10}, {Options: source.Options{NoDedupe: true}}, {Options: source.Options{Format: source.FormatRows}, NoFastPath: true}} {
		o.Filter = filter
		tab, rep, err := Load(context.Background(), []string{path}, []string{"Caller", "ActivityStatusValue"}, o)
		if err != nil {
			t.Fatal(err)
		}
		var callers []string
		for _, row := range rowsOf(tableBatches(t, tab)) {
			callers = append(callers, row[0])
		}
		want := []string{`"other"`, `"\"generic \\x decoder\""`}
		if o.NoDedupe {
			want = []string{`"second copy"`, `"other"`, `"\"generic \\x decoder\""`}
		}
		if !reflect.DeepEqual(callers, want) {
			t.Errorf("%+v: callers %v, want %v", o.Options, callers, want)
		}
		if wantDup := map[bool]int{false: 1, true: 0}[o.NoDedupe]; rep.Duplicates != wantDup || rep.Loaded != 5-wantDup {
			t.Errorf("%+v: report %d loaded, %d duplicates", o.Options, rep.Loaded, rep.Duplicates)
		}
	}
}

// TestFilterUndecidable: predicates the scan cannot decide exactly keep
// every row rather than guess.
func TestFilterUndecidable(t *testing.T) {
	dir := t.TempDir()
	path := writeGen(t, dir, 500, 2)
	for _, preds := range [][][]exec.Pred{
		{{str("Caller", "<", "m")}},                                                            // ordering on strings
		{{exec.Pred{Column: "Caller", Op: "==", Value: types.NewLong(1)}}},                     // string == long
		{{str("Properties_d", "has", "x")}},                                                    // dynamic column
		{{str("NoSuchColumn", "==", "x")}},                                                     // not loaded
		{{exec.Pred{Column: "TimeGenerated", Op: "!=", Value: types.NewDateTime(0)}}},          // no single range
		{{str("ActivityStatusValue", "==", "Success")}, {str("Caller", "matches regex", "x")}}, // one branch keeps all
	} {
		tab, _, err := Load(context.Background(), []string{path}, []string{"Caller", "ActivityStatusValue", "Properties_d"}, Options{Filter: preds})
		if err != nil {
			t.Fatal(err)
		}
		if tab.Rows() != 500 {
			t.Errorf("%v: %d rows, want all 500", preds, tab.Rows())
		}
	}
}

// TestStreamMatchesLoad: Stream emits the rows Load builds, in order, with
// the same report, and an error from emit stops it.
func TestStreamMatchesLoad(t *testing.T) {
	dir := t.TempDir()
	path := writeGen(t, dir, 3000, 4)
	for _, cols := range [][]string{nil, cloudShell} {
		tab, wantRep, err := Load(context.Background(), []string{path}, cols, Options{ChunkBytes: 20000, BatchRows: 500})
		if err != nil {
			t.Fatal(err)
		}
		var got []*batch.Batch
		rep, err := Stream(context.Background(), []string{path}, cols, Options{ChunkBytes: 20000, BatchRows: 500}, func(b *batch.Batch) error {
			got = append(got, b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rowsOf(got), rowsOf(tableBatches(t, tab))) || len(got) != 6 {
			t.Errorf("cols %v: streamed %d batches that differ from the loaded table", cols, len(got))
		}
		if !sameReport(rep, wantRep) {
			t.Errorf("cols %v: report %s, Load %s", cols, rep.Summary(), wantRep.Summary())
		}
	}
	stop := errors.New("stop")
	calls := 0
	_, err := Stream(context.Background(), []string{path}, cloudShell, Options{ChunkBytes: 20000, BatchRows: 500}, func(b *batch.Batch) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("emit error: got %v after %d calls, want stop after 1", err, calls)
	}
}

// FuzzFilter: for any input, loading with a row filter keeps exactly the
// rows the where clause it stands for keeps over the unfiltered load, and
// the report is the same.
func FuzzFilter(f *testing.F) {
	seed := strings.Join(edgeLines[:12], "\n")
	for i := range filterCases {
		f.Add(seed, uint8(i))
	}
	f.Add(`{"TimeGenerated":"2026-11-25T01:00:00Z","ActivityStatusValue":"Success","ResourceGroup":"cloud-shell-storage-weu","OperationNameValue":"microsoft.storage/storageaccounts/listkeys/action","EventDataId":"a"}
{"TimeGenerated":"2026-11-24T01:00:00Z","ActivityStatusValue":"success","ResourceGroup":"x cloud-shell-storage","OperationNameValue":"Microsoft.Storage/storageAccounts/listKeys/action","EventDataId":"a"}`, uint8(5))
	f.Fuzz(func(t *testing.T, text string, which uint8) {
		if len(text) > 1<<16 {
			return
		}
		tc := filterCases[int(which)%len(filterCases)]
		path := filepath.Join(t.TempDir(), "in.ndjson")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		all, allRep, err := Load(context.Background(), []string{path}, cloudShellPlus, Options{ChunkBytes: 64})
		if err != nil {
			return // a file-level error: nothing to compare
		}
		res, err := exec.Run(context.Background(), "T | where "+tc.where, exec.Options{Tables: map[string]exec.Table{"T": all}})
		if err != nil {
			t.Fatal(err)
		}
		tab, rep, err := Load(context.Background(), []string{path}, cloudShellPlus, Options{ChunkBytes: 64, Filter: tc.preds})
		if err != nil {
			t.Fatal(err)
		}
		got, want := rowsOf(tableBatches(t, tab)), rowsOf(res.Batches)
		if len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: filtered load %v, where %v", tc.name, got, want)
		}
		if !sameReport(rep, allRep) {
			t.Fatalf("%s: report changed by the filter", tc.name)
		}
	})
}

// TestLatest: Options.Latest keeps every row within the window of the
// latest TimeGenerated and drops most older rows of time-ordered input (the
// latest time is read from the end of the file first), in any order of
// input; the span covers every decoded row.
func TestLatest(t *testing.T) {
	dir := t.TempDir()
	path := writeGen(t, dir, 4000, 8)
	all, _, span, err := LoadSpan(context.Background(), []string{path}, cloudShell, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !span.OK || span.First >= span.Last {
		t.Fatalf("span %+v", span)
	}
	// The same rows reversed: the latest time comes first.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	rev := filepath.Join(dir, "reversed.ndjson")
	if err := os.WriteFile(rev, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const window = 6 * time.Hour
	res, err := exec.Run(context.Background(), "T | where TimeGenerated >= datetime_add('hour', -6, toscalar(T | summarize max(TimeGenerated)))", exec.Options{Tables: map[string]exec.Table{"T": all}})
	if err != nil {
		t.Fatal(err)
	}
	want := res.NumRows()
	if want == 0 || want >= all.Rows()/2 {
		t.Fatalf("%d of %d rows in the window: the test checks too little", want, all.Rows())
	}
	for _, p := range []string{path, rev} {
		for _, chunk := range []int{0, 3000} {
			tab, rep, sp, err := LoadSpan(context.Background(), []string{p}, cloudShell, Options{Latest: window, ChunkBytes: chunk})
			if err != nil {
				t.Fatal(err)
			}
			if sp != span {
				t.Errorf("%s: span %+v, want %+v", p, sp, span)
			}
			if rep.Loaded != all.Rows() {
				t.Errorf("%s: report counts %d loaded, want %d", p, rep.Loaded, all.Rows())
			}
			// Every row in the window is there.
			in, err := exec.Run(context.Background(), "T | where TimeGenerated >= datetime_add('hour', -6, toscalar(T | summarize max(TimeGenerated)))", exec.Options{Tables: map[string]exec.Table{"T": tab}})
			if err != nil {
				t.Fatal(err)
			}
			if in.NumRows() != want {
				t.Errorf("%s chunk %d: %d rows in the window, want %d", p, chunk, in.NumRows(), want)
			}
			// Time-ordered input: the tail gives the latest time up front,
			// so little else is kept. Reversed input: rows decoded before
			// the latest time was known stay, the rest go.
			if p == path && tab.Rows() > want+want/10 || tab.Rows() >= all.Rows() {
				t.Errorf("%s chunk %d: holds %d rows for %d in the window (of %d)", p, chunk, tab.Rows(), want, all.Rows())
			}
		}
	}
}
