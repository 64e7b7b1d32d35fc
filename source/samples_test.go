package source

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"kqlhunt/activity"
	"kqlhunt/internal/shared"
	"kqlhunt/kql/types"
)

func TestSampleCSVs(t *testing.T) {
	dir := shared.Path(t, "data/azureactivity/samples")
	cases := []struct {
		file   string
		want   int
		status map[string]int // ActivityStatusValue counts (from the legacy column for the old export)
	}{
		{"azureActivity_adele.csv", 23, map[string]int{"Success": 13, "Start": 7, "Accept": 3}},
		{"azure_activity.csv", 325, map[string]int{"Success": 172, "Start": 138, "Accept": 10, "Failure": 5}},
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
			if c.file == "azureActivity_adele.csv" {
				r := recs[0]
				want := time.Date(2021, 4, 28, 14, 32, 14, 29000000, time.UTC).UnixNano() / 100
				if r.TimeGenerated != want || r.EventSubmissionTimestamp != want || r.Caller != "AdeleV@M365x816222.OnMicrosoft.com" ||
					r.OperationNameValue != "MICROSOFT.WEB/SITES/DELETE" || r.ResourceGroup != "SENTINEL-MAINRG" || r.Hierarchy == "" ||
					lookup(r.ClaimsD, "name") != "Adele Vance" || lookup(r.PropertiesD, "message") != "Microsoft.Web/sites/delete" {
					t.Errorf("first row = %+v", r)
				}
			} else {
				byOp := map[string]string{}
				for _, r := range recs {
					byOp[r.OperationName] = r.OperationNameValue
				}
				for name, want := range map[string]string{
					"Delete Network Interface":  "Microsoft.Network/networkInterfaces/delete",
					"List Storage Account Keys": "Microsoft.Storage/storageAccounts/listKeys/action",
					"'audit' Policy action.":    "Microsoft.Authorization/policies/audit/action",
					"Update Incidents":          "Microsoft.SecurityInsights/incidents/write",
				} {
					if byOp[name] != want {
						t.Errorf("OperationNameValue for %q = %q, want %q", name, byOp[name], want)
					}
				}
			}
			if rep.Formats[FormatCSV] != 1 {
				t.Errorf("formats = %v, want csv", rep.Formats)
			}
			if rep.Loaded != c.want || len(recs) != c.want || rep.TotalSkipped() != 0 {
				t.Fatalf("loaded %d (%d emitted), want %d\n%s", rep.Loaded, len(recs), c.want, rep.Summary())
			}
			status := map[string]int{}
			for i, r := range recs {
				if !r.HasTimeGenerated || r.OperationNameValue == "" || r.ActivityStatusValue == "" || r.CategoryValue == "" || r.Type != "AzureActivity" {
					t.Errorf("row %d incomplete: %+v", i, r)
				}
				status[r.ActivityStatusValue]++
			}
			if !reflect.DeepEqual(status, c.status) {
				t.Errorf("ActivityStatusValue counts = %v, want %v", status, c.status)
			}
		})
	}
}

// lookup returns the string member key of a dynamic bag.
func lookup(d any, key string) string {
	b, ok := d.(*types.Bag)
	if !ok {
		return ""
	}
	v, _ := b.Get(key)
	s, _ := v.(string)
	return s
}
