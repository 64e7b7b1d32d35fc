package workspace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"kqlhunt/gen"
	"kqlhunt/kql/types"
	"kqlhunt/source"
)

const cloudShellQuery = `AzureActivity
| where ActivityStatusValue =~ "Success"
| where ResourceGroup has "cloud-shell-storage"
| where OperationNameValue =~ "Microsoft.Storage/storageAccounts/listKeys/action"
| summarize by Caller, timekey= bin(TimeGenerated, 1h)
| join (AzureActivity | where TimeGenerated >= ago(1d)
| where OperationNameValue !~ "Microsoft.Storage/storageAccounts/listKeys/action"
| where isnotempty(OperationNameValue)
| summarize make_set(OperationNameValue) by Caller, timekey=bin(TimeGenerated, 1h)) on Caller, timekey
| extend timestamp = timekey, AccountCustomEntity = Caller`

// A file-backed table reads the files once, building only the columns the
// query uses, and a second run of the same query reads nothing.
func TestFileTableLoadsOnlyUsedColumnsOnce(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "rows.ndjson")
	rows := `{"TimeGenerated":"2026-08-12T10:05:00Z","Caller":"alice@x","OperationNameValue":"Microsoft.Storage/storageAccounts/listKeys/action","ActivityStatusValue":"Success","ResourceGroup":"cloud-shell-storage-weu","Properties_d":{"a":1}}
{"TimeGenerated":"2026-08-12T10:20:00Z","Caller":"alice@x","OperationNameValue":"Microsoft.Compute/virtualMachines/write","ActivityStatusValue":"Success","ResourceGroup":"rg"}
`
	if err := os.WriteFile(p, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	var loads [][]string
	loader := func(ctx context.Context, paths []string, spec LoadSpec, opts source.Options) (*Loaded, error) {
		loads = append(loads, spec.Columns)
		return LoadActivityColumns(ctx, paths, spec, opts)
	}
	ws := New()
	ws.SetTable(ActivityTable, NewFileTable([]string{p}, source.Options{}, loader))
	now := time.Date(2026, 8, 12, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 2; i++ {
		res, err := ws.Query(context.Background(), "q", cloudShellQuery, now)
		if err != nil {
			t.Fatal(err)
		}
		if res.NumRows() != 1 {
			t.Fatalf("run %d: %d rows, want 1", i, res.NumRows())
		}
	}
	want := [][]string{{"ActivityStatusValue", "Caller", "OperationNameValue", "ResourceGroup", "TimeGenerated"}}
	if !reflect.DeepEqual(loads, want) {
		t.Errorf("loads = %v, want %v", loads, want)
	}
	// A query that needs another column reads the files once more, for the union.
	if _, err := ws.Query(context.Background(), "q2", "AzureActivity | project Properties_d", now); err != nil {
		t.Fatal(err)
	}
	if len(loads) != 2 || len(loads[1]) != 6 {
		t.Errorf("second load = %v, want the five columns plus Properties_d", loads[1:])
	}
	// A query whose result is every column loads them all.
	if _, err := ws.Query(context.Background(), "q3", "AzureActivity | take 1", now); err != nil {
		t.Fatal(err)
	}
	if len(loads) != 3 || loads[2] != nil {
		t.Errorf("third load = %v, want all columns (nil)", loads[2:])
	}
}

// rowsLoaded returns the rows a file table holds in memory.
func rowsLoaded(t *FileTable) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.table == nil {
		return 0
	}
	return t.table.Rows()
}

// A file-backed table holds only the rows the query's references can
// use, gives the same results as a table holding every row, and reloads
// only when a later query needs rows it does not provably hold.
func TestFileTableLoadsOnlyNeededRows(t *testing.T) {
	p := genFile(t, t.TempDir(), gen.Options{Rows: 6000, Seed: 5, CloudShellSessions: 12})
	load := ScanLoader
	full, _, err := LoadActivity(context.Background(), []string{p}, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := New()
	ref.SetTable(ActivityTable, full)
	ft := NewFileTable([]string{p}, source.Options{}, load)
	loads := 0
	ft.OnLoad = func(*source.Report) { loads++ }
	ws := New()
	ws.SetTable(ActivityTable, ft)
	first, last, _, err := Span(context.Background(), full)
	if err != nil {
		t.Fatal(err)
	}
	now := last.Add(time.Minute)
	if last.Sub(first) < 36*time.Hour {
		t.Fatalf("generated data spans %v; the test needs more than a day", last.Sub(first))
	}
	check := func(query string, wantLoads int) int {
		t.Helper()
		got, err := ws.Query(context.Background(), "q", query, now)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ref.Query(context.Background(), "q", query, now)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := resultRows(got), resultRows(want); !reflect.DeepEqual(g, w) {
			t.Fatalf("%s\nfiltered load: %v\nfull load:     %v", query, g, w)
		}
		if loads != wantLoads {
			t.Errorf("%s: %d loads, want %d", query, loads, wantLoads)
		}
		return got.NumRows()
	}
	if n := check(cloudShellQuery+" | project Caller, timekey | order by Caller asc, timekey asc", 1); n == 0 {
		t.Fatal("the CloudShell query found nothing; the comparison tests nothing")
	}
	held := rowsLoaded(ft)
	if held == 0 || held >= full.Rows()*3/4 {
		t.Errorf("holds %d of %d rows after the CloudShell query", held, full.Rows())
	}
	// The same rows again: served from memory.
	check("AzureActivity | where TimeGenerated >= ago(1d) | where OperationNameValue !~ 'Microsoft.Storage/storageAccounts/listKeys/action' | summarize count() by OperationNameValue | order by OperationNameValue asc", 1)
	check("AzureActivity | where Caller startswith 'a' and TimeGenerated > ago(6h) | where OperationNameValue !~ 'Microsoft.Storage/storageAccounts/listKeys/action' | count", 1)
	check("AzureActivity | where ResourceGroup has 'cloud-shell-storage' | where OperationNameValue =~ 'Microsoft.Storage/storageAccounts/listKeys/action' | where ActivityStatusValue =~ 'Success' | count", 1)
	check("AzureActivity | where TimeGenerated between (ago(12h) .. now()) | where OperationNameValue !~ 'Microsoft.Storage/storageAccounts/listKeys/action' | count", 1)
	// Rows not held: the files are read again, for the union.
	check("AzureActivity | where TimeGenerated >= ago(2d) | where Caller startswith 'a' | count", 2)
	check("AzureActivity | where ResourceGroup has 'cloud-shell-storage' | count", 3)
	check("AzureActivity | summarize count()", 4)
	if rowsLoaded(ft) != full.Rows() {
		t.Errorf("holds %d rows after a query over all rows, want %d", rowsLoaded(ft), full.Rows())
	}
	check("AzureActivity | where Caller == 'nobody' | count", 4)
}

// resultRows renders a result's rows.
func resultRows(r *Result) []string {
	var out []string
	for _, b := range r.Batches {
		for i := 0; i < b.Len; i++ {
			row := ""
			for _, c := range b.Cols {
				switch {
				case c.IsNull(i):
					row += "null|"
				case c.Type == types.String:
					row += c.Str(i) + "|"
				case c.Type == types.Dynamic:
					row += types.FormatDynamic(c.Dyns[i]) + "|"
				case c.Reals != nil:
					row += fmt.Sprint(c.Reals[i], "|")
				default:
					row += fmt.Sprint(c.Ints[i], "|")
				}
			}
			out = append(out, row)
		}
	}
	return out
}

// genFile writes generated rows to dir/gen.ndjson and returns its path.
func genFile(t *testing.T, dir string, opts gen.Options) string {
	t.Helper()
	p := filepath.Join(dir, "gen.ndjson")
	if err := gen.WriteFile(context.Background(), p, opts); err != nil {
		t.Fatal(err)
	}
	return p
}
