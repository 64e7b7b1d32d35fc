package source

import (
	"context"
	"path/filepath"
	"testing"

	"kqlhunt/activity"
	"kqlhunt/internal/shared"
)

func TestSampleCSVs(t *testing.T) {
	dir := shared.Path(t, "data/azureactivity/samples")
	cases := []struct {
		file string
		want int
	}{
		{"azureActivity_adele.csv", 23},
		{"azure_activity.csv", 325},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var recs []*activity.Record
			rep, err := Read(context.Background(), []string{filepath.Join(dir, c.file)}, Options{}, func(r *activity.Record) error {
				recs = append(recs, r)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Formats[FormatCSV] != 1 {
				t.Errorf("formats = %v, want csv", rep.Formats)
			}
			if rep.Loaded != c.want || len(recs) != c.want || rep.TotalSkipped() != 0 {
				t.Fatalf("loaded %d (%d emitted), want %d\n%s", rep.Loaded, len(recs), c.want, rep.Summary())
			}
			for i, r := range recs {
				if !r.HasTimeGenerated || r.OperationNameValue == "" || r.ActivityStatusValue == "" || r.CategoryValue == "" || r.Type != "AzureActivity" {
					t.Errorf("row %d incomplete: %+v", i, r)
				}
			}
			t.Logf("first: %+v", *recs[0])
		})
	}
}
