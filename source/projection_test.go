package source

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"kqlhunt/activity"
	"kqlhunt/batch"
	"kqlhunt/internal/shared"
)

// TestProjectionMatchesFullRead reads each input with every column and
// with a few columns, and checks that the projected columns agree, so that
// skipping unrequested columns never changes a derived value.
func TestProjectionMatchesFullRead(t *testing.T) {
	samples := shared.Path(t, "data/azureactivity/samples")
	inputs := []string{
		filepath.Join("testdata", "shapes", "storage.json"),
		filepath.Join("testdata", "shapes", "eventhub.json"),
		filepath.Join("testdata", "shapes", "rest.json"),
		filepath.Join("testdata", "shapes", "loganalytics.json"),
		filepath.Join("testdata", "shapes", "rows.ndjson"),
		filepath.Join(samples, "azure_activity.csv"),
		filepath.Join(samples, "azureActivity_adele.csv"),
		filepath.Join("..", "demo"),
	}
	projections := [][]string{
		{"TimeGenerated", "OperationNameValue", "ActivityStatusValue", "ResourceGroup", "Caller"},
		{"Caller", "CallerIpAddress", "Hierarchy", "CategoryValue", "ResourceProviderValue", "Properties_d"},
		{"SubscriptionId", "_ResourceId", "Resource", "ActivitySubstatusValue", "Claims_d"},
	}
	// Rows whose derivable columns must come from dynamic columns alone.
	dynOnly := filepath.Join(t.TempDir(), "dyn.ndjson")
	if err := os.WriteFile(dynOnly, []byte(`{"TimeGenerated":"2021-01-01T00:00:00Z","Claims_d":{"upn":"u@x.example"},"Properties_d":{"hierarchy":"t/s","eventCategory":"Policy","message":"Microsoft.X/y/write"},"Authorization_d":{"action":"Microsoft.X/y/write"}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inputs = append(inputs, dynOnly)
	for _, in := range inputs {
		full, _ := loadAll(t, in, Options{})
		fullRows := rowsOf(t, full)
		if in == dynOnly {
			if r := fullRows[0]; r["Caller"] != "u@x.example" || r["Hierarchy"] != "t/s" || r["CategoryValue"] != "Policy" || r["OperationNameValue"] != "Microsoft.X/y/write" || r["ResourceProviderValue"] != "Microsoft.X" {
				t.Errorf("derivation from dynamic columns: %v", r)
			}
		}
		for _, cols := range projections {
			part, rep := loadAll(t, in, Options{Columns: cols})
			if len(part) != len(full) {
				t.Fatalf("%s %v: %d records, full read %d\n%s", in, cols, len(part), len(full), rep.Summary())
			}
			b, err := activity.NewBuilder(cols, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range part {
				b.Append(r)
			}
			bt := b.Flush()
			for i := 0; i < bt.Len; i++ {
				got := render(t, bt, i)
				for _, c := range cols {
					if got[c] != fullRows[i][c] {
						t.Errorf("%s row %d: %s = %q with projection, %q in full read", in, i, c, got[c], fullRows[i][c])
					}
				}
			}
		}
	}
}

func TestReadBatches(t *testing.T) {
	cols := []string{"TimeGenerated", "Caller", "OperationNameValue"}
	var total, batches int
	rep, err := ReadBatches(context.Background(), []string{filepath.Join("..", "demo")}, Options{Columns: cols}, 100, func(b *batch.Batch) error {
		batches++
		total += b.Len
		if len(b.Cols) != 3 || b.Schema.Fields[1].Name != "Caller" || b.Len > 100 {
			t.Errorf("batch shape: %d cols, len %d", len(b.Cols), b.Len)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != rep.Loaded || batches != (total+99)/100 {
		t.Errorf("%d rows in %d batches, loaded %d", total, batches, rep.Loaded)
	}
	if _, err := ReadBatches(context.Background(), nil, Options{Columns: []string{"Nope"}}, 0, nil); err == nil {
		t.Error("unknown column accepted")
	}
}
