package source

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"kqlhunt/activity"
	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// render returns every column of the single row in b as text: strings as
// they are, datetimes in RFC 3339 (or "null"), dynamic values as compact
// JSON.
func render(t *testing.T, b *batch.Batch, row int) map[string]string {
	t.Helper()
	out := map[string]string{}
	for i, f := range b.Schema.Fields {
		c := b.Cols[i]
		switch f.Type {
		case types.String:
			out[f.Name] = c.Str(row)
		case types.DateTime:
			if c.IsNull(row) {
				out[f.Name] = "null"
			} else {
				out[f.Name] = time.Unix(0, c.Ints[row]*100).UTC().Format(time.RFC3339Nano)
			}
		case types.Dynamic:
			out[f.Name] = types.FormatDynamic(c.Dyns[row])
		}
	}
	return out
}

// jsonColumns hold JSON text whose formatting differs between shapes;
// they are compared as compact JSON.
var jsonColumns = map[string]bool{"Authorization": true, "Claims": true, "Properties": true, "HTTPRequest": true}

func compact(s string) string {
	if s == "" {
		return ""
	}
	return types.FormatDynamic(activity.ParseDynamicText(s))
}

func loadAll(t *testing.T, path string, opts Options) ([]*activity.Record, *Report) {
	t.Helper()
	var recs []*activity.Record
	rep, err := Read(context.Background(), []string{path}, opts, func(r *activity.Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	return recs, rep
}

func rowsOf(t *testing.T, recs []*activity.Record) []map[string]string {
	t.Helper()
	b, err := activity.NewBuilder(nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		b.Append(r)
	}
	bt := b.Flush()
	var out []map[string]string
	for i := 0; bt != nil && i < bt.Len; i++ {
		out = append(out, render(t, bt, i))
	}
	return out
}

// TestSameEventAllShapes loads one listKeys event written in five export
// shapes and checks every column each shape carries against the expected
// AzureActivity row; columns a shape does not carry must stay empty.
func TestSameEventAllShapes(t *testing.T) {
	const sub = "aaaaaaaa-1111-2222-3333-444444444444"
	const tenant = "dddddddd-5555-6666-7777-888888888888"
	rid := "/SUBSCRIPTIONS/" + sub + "/RESOURCEGROUPS/CLOUD-SHELL-STORAGE-WESTEUROPE/PROVIDERS/MICROSOFT.STORAGE/STORAGEACCOUNTS/CS11003200045A6B7C8"
	auth := `{"scope":"/subscriptions/` + sub + `/resourceGroups/cloud-shell-storage-westeurope/providers/Microsoft.Storage/storageAccounts/cs11003200045a6b7c8","action":"Microsoft.Storage/storageAccounts/listKeys/action","evidence":{"role":"Owner","principalType":"User"}}`
	claims := `{"name":"Example User","upn":"user@example.com","idtyp":"user","ipaddr":"203.0.113.10","http://schemas.microsoft.com/identity/claims/objectidentifier":"bbbbbbbb-0000-0000-0000-000000000001","http://schemas.microsoft.com/identity/claims/tenantid":"` + tenant + `"}`
	props := `{"statusCode":"OK","eventCategory":"Administrative","hierarchy":"` + tenant + `/` + sub + `"}`
	common := map[string]string{
		"TimeGenerated":          time.Date(2026, 8, 12, 15, 11, 47, 532952100, time.UTC).Format(time.RFC3339Nano),
		"OperationNameValue":     "MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION",
		"ActivityStatusValue":    "Success",
		"ActivityStatus":         "Succeeded",
		"ActivitySubstatusValue": "OK",
		"CategoryValue":          "Administrative",
		"Category":               "Administrative",
		"ResourceGroup":          "CLOUD-SHELL-STORAGE-WESTEUROPE",
		"SubscriptionId":         sub,
		"_SubscriptionId":        sub,
		"ResourceId":             rid,
		"_ResourceId":            strings.ToLower(rid),
		"Resource":               "CS11003200045A6B7C8",
		"Caller":                 "user@example.com",
		"CallerIpAddress":        "203.0.113.10",
		"CorrelationId":          "cccccccc-0000-0000-0000-000000000001",
		"TenantId":               tenant,
		"Level":                  "Informational",
		"Hierarchy":              tenant + "/" + sub,
		"ResourceProviderValue":  "MICROSOFT.STORAGE",
		"Authorization":          compact(auth),
		"Authorization_d":        compact(auth),
		"Claims":                 compact(claims),
		"Claims_d":               compact(claims),
		"Properties":             compact(props),
		"Properties_d":           compact(props),
		"Type":                   "AzureActivity",
		"SourceSystem":           "Azure",
	}
	full := map[string]string{
		"EventDataId":              "eeeeeeee-0000-0000-0000-000000000001",
		"EventSubmissionTimestamp": time.Date(2026, 8, 12, 15, 13, 1, 123456700, time.UTC).Format(time.RFC3339Nano),
		"OperationName":            "List Storage Account Keys",
		"ActivitySubstatus":        "OK (HTTP Status Code: 200)",
		"HTTPRequest":              `{"clientRequestId":"f0f0f0f0-0000-0000-0000-000000000001","clientIpAddress":"203.0.113.10","method":"POST"}`,
		"OperationId":              "cccccccc-0000-0000-0000-000000000001",
		"ResourceProvider":         "Microsoft Storage",
	}
	cases := []struct {
		file, format string
		carriesFull  bool
	}{
		{"storage.json", FormatStorage, false},
		{"eventhub.json", FormatEventHub, false},
		{"rest.json", FormatREST, true},
		{"loganalytics.json", FormatLogAnalytics, true},
		{"rows.ndjson", FormatRows, true},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			for _, forced := range []string{FormatAuto, c.format} {
				recs, rep := loadAll(t, filepath.Join("testdata", "shapes", c.file), Options{Format: forced})
				if len(recs) != 1 || rep.Loaded != 1 || rep.TotalSkipped() != 0 {
					t.Fatalf("format %s: got %d records\n%s", forced, len(recs), rep.Summary())
				}
				if rep.Formats[c.format] != 1 {
					t.Errorf("format %s: detected %v, want %s", forced, rep.Formats, c.format)
				}
				got := rowsOf(t, recs)[0]
				want := map[string]string{}
				for k, v := range common {
					want[k] = v
				}
				for k, v := range full {
					if c.carriesFull {
						want[k] = v
					} else if k == "EventSubmissionTimestamp" {
						want[k] = "null"
					} else {
						want[k] = ""
					}
				}
				names := activity.ColumnNames()
				sort.Strings(names)
				if len(got) != 35 {
					t.Errorf("row has %d columns, want 35", len(got))
				}
				for _, name := range names {
					g := got[name]
					if jsonColumns[name] {
						g = compact(g)
					}
					if g != want[name] {
						t.Errorf("format %s: %s = %q, want %q", forced, name, g, want[name])
					}
				}
			}
		})
	}
}
