package workspace

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"kqlhunt/gen"
	"kqlhunt/source"
	"kqlhunt/store"
)

// The store table narrows what it reads by the predicates on TimeGenerated
// (and the time scope) and gives the same answers as an in-memory table.
func TestStoreTableTimePredicates(t *testing.T) {
	dir := t.TempDir()
	p := genFile(t, dir, gen.Options{Rows: 5000, Seed: 9, CloudShellSessions: 6})
	storeDir := filepath.Join(dir, "store")
	if _, err := Ingest(context.Background(), storeDir, []string{p}, source.Options{}); err != nil {
		t.Fatal(err)
	}
	st, err := OpenStore(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	full, _, err := LoadActivity(context.Background(), []string{p}, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, last, _, err := Span(context.Background(), full)
	if err != nil {
		t.Fatal(err)
	}
	now := last.Add(time.Minute)
	ws, ref := New(), New()
	ws.SetTable(ActivityTable, st)
	ref.SetTable(ActivityTable, full)
	for _, q := range []string{
		"AzureActivity | where TimeGenerated > ago(6h) | count",
		"AzureActivity | where TimeGenerated between (ago(30h) .. ago(20h)) | summarize count() by bin(TimeGenerated, 1h) | order by TimeGenerated asc",
		"AzureActivity | where TimeGenerated >= ago(1d) and TimeGenerated < ago(1d) | count",
		"AzureActivity | where TimeGenerated == datetime(null) | count",
		"AzureActivity | where TimeGenerated < datetime(1990-01-01) | count",
		"AzureActivity | where TimeGenerated > datetime(2500-01-01) | count",
		cloudShellQuery + " | project Caller, timekey | order by Caller asc, timekey asc",
	} {
		got, err := ws.Query(context.Background(), "q", q, now)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ref.Query(context.Background(), "q", q, now)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := resultRows(got), resultRows(want); !reflect.DeepEqual(g, w) {
			t.Errorf("%s\nstore:  %v\nmemory: %v", q, g, w)
		}
	}
	// Within a rule's time scope too.
	got, err := ws.Run(context.Background(), "AzureActivity | where TimeGenerated > ago(2h) | count", now.Add(-3*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ref.Run(context.Background(), "AzureActivity | where TimeGenerated > ago(2h) | count", now.Add(-3*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := resultRows(got), resultRows(want); !reflect.DeepEqual(g, w) || w[0] == "0|" {
		t.Errorf("scoped: store %v, memory %v", g, w)
	}
}

// Ingest records each source under the fingerprint store.FingerprintFile
// gives, so a second ingest of the same file is recognised and skipped.
func TestIngestFingerprint(t *testing.T) {
	dir := t.TempDir()
	p := genFile(t, dir, gen.Options{Rows: 3000, Seed: 4})
	storeDir := filepath.Join(dir, "store")
	if _, err := Ingest(context.Background(), storeDir, []string{p}, source.Options{}); err != nil {
		t.Fatal(err)
	}
	id, err := store.FingerprintFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Has(id) {
		t.Errorf("the store does not list %s", id)
	}
	res, err := Ingest(context.Background(), storeDir, []string{p}, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reports) != 1 || !res.Reports[0].Skipped || res.Reports[0].RowsWritten != 0 {
		t.Errorf("second ingest: %+v", res.Reports)
	}
}
