package workspace

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"kqlhunt/kql/exec"
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
	loader := func(ctx context.Context, paths, cols []string, opts source.Options) (*exec.MemTable, *source.Report, error) {
		loads = append(loads, cols)
		return LoadActivityColumns(ctx, paths, cols, opts)
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
