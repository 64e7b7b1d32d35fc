package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"kqlhunt/kql/types"
	"kqlhunt/rule"
	"kqlhunt/rules"
	"kqlhunt/source"
	"kqlhunt/workspace"
)

// event is one logical activity-log event, written below in every shape.
type event struct {
	id, corr string
	at       time.Time
	caller   string
	op       string
	status   string // Log Analytics value: Start, Accept, Success, Failure
	rg       string
	resource string
	ip       string
}

const sub = "aaaaaaaa-1111-2222-3333-444444444444"

func (e event) resourceID() string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/%s", sub, e.rg, e.resource)
}

var restStatus = map[string]string{"Start": "Started", "Accept": "Accepted", "Success": "Succeeded", "Failure": "Failed"}

func base(h, m int) time.Time { return time.Date(2026, 8, 12, h, m, 7, 500000000, time.UTC) }

// events: alice opens Cloud Shell and works; bob's listKeys fails; carol's
// listKeys is in a look-alike resource group.
var events = []event{
	{"e1", "c1", base(10, 5), "alice@contoso.example", "Microsoft.Storage/storageAccounts/listKeys/action", "Success", "cloud-shell-storage-westeurope", "Microsoft.Storage/storageAccounts/cs1", "203.0.113.10"},
	{"e2", "c2", base(10, 20), "alice@contoso.example", "Microsoft.Compute/virtualMachines/write", "Success", "prod-rg", "Microsoft.Compute/virtualMachines/vm1", "203.0.113.10"},
	{"e3", "c3", base(10, 40), "alice@contoso.example", "Microsoft.Authorization/roleAssignments/write", "Start", "prod-rg", "Microsoft.Authorization/roleAssignments/ra1", "203.0.113.10"},
	{"e4", "c4", base(11, 0), "bob@contoso.example", "Microsoft.Storage/storageAccounts/listKeys/action", "Failure", "cloud-shell-storage-eastus", "Microsoft.Storage/storageAccounts/cs2", "198.51.100.7"},
	{"e5", "c5", base(11, 10), "bob@contoso.example", "Microsoft.Resources/deployments/write", "Success", "prod-rg", "Microsoft.Resources/deployments/d1", "198.51.100.7"},
	{"e6", "c6", base(12, 0), "carol@contoso.example", "Microsoft.Storage/storageAccounts/listKeys/action", "Success", "mycloud-shell-storage", "Microsoft.Storage/storageAccounts/cs3", "192.0.2.1"},
	{"e7", "c7", base(12, 5), "carol@contoso.example", "Microsoft.Network/networkSecurityGroups/write", "Success", "prod-rg", "Microsoft.Network/networkSecurityGroups/n1", "192.0.2.1"},
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func diagRecord(e event) map[string]any {
	return map[string]any{
		"time":            e.at.Format("2006-01-02T15:04:05.0000000Z"),
		"resourceId":      strings.ToUpper(e.resourceID()),
		"operationName":   strings.ToUpper(e.op),
		"category":        "Administrative",
		"resultType":      e.status,
		"resultSignature": restStatus[e.status] + ".OK",
		"durationMs":      "61",
		"callerIpAddress": e.ip,
		"correlationId":   e.corr,
		"identity": map[string]any{
			"authorization": map[string]any{"scope": e.resourceID(), "action": e.op},
			"claims":        map[string]any{"name": "Someone", "upn": e.caller, "ipaddr": e.ip},
		},
		"level":      "Information",
		"location":   "global",
		"properties": map[string]any{"statusCode": "OK", "eventCategory": "Administrative"},
	}
}

func storageShape() string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(mustJSON(diagRecord(e)) + "\n")
	}
	return b.String()
}

func eventHubShape() string {
	var recs []any
	for _, e := range events {
		recs = append(recs, diagRecord(e))
	}
	return mustJSON(map[string]any{"records": recs})
}

func lv(v string) map[string]string { return map[string]string{"value": v, "localizedValue": v} }

func restShape() string {
	var out []any
	for _, e := range events {
		out = append(out, map[string]any{
			"authorization":        map[string]any{"scope": e.resourceID(), "action": e.op},
			"caller":               e.caller,
			"claims":               map[string]any{"upn": e.caller, "ipaddr": e.ip},
			"correlationId":        e.corr,
			"eventDataId":          e.id,
			"eventName":            lv("EndRequest"),
			"category":             lv("Administrative"),
			"eventTimestamp":       e.at.Format("2006-01-02T15:04:05.0000000Z"),
			"httpRequest":          map[string]any{"clientIpAddress": e.ip, "method": "POST"},
			"level":                "Informational",
			"operationId":          e.corr,
			"operationName":        lv(e.op),
			"resourceGroupName":    e.rg,
			"resourceProviderName": lv(strings.SplitN(e.op, "/", 2)[0]),
			"resourceId":           e.resourceID(),
			"status":               lv(restStatus[e.status]),
			"subStatus":            lv("OK"),
			"submissionTimestamp":  e.at.Add(time.Minute).Format(time.RFC3339Nano),
			"subscriptionId":       sub,
			"properties":           map[string]any{"eventCategory": "Administrative"},
		})
	}
	return mustJSON(out)
}

var laColumns = []string{"TimeGenerated", "Caller", "CallerIpAddress", "OperationNameValue", "ActivityStatusValue", "ResourceGroup", "ResourceId", "CategoryValue", "EventDataId", "CorrelationId", "SubscriptionId"}

func laRow(e event) []string {
	return []string{e.at.Format("2006-01-02T15:04:05.0000000Z"), e.caller, e.ip, e.op, e.status, e.rg, e.resourceID(), "Administrative", e.id, e.corr, sub}
}

func logAnalyticsShape() string {
	var cols []any
	for _, c := range laColumns {
		t := "string"
		if c == "TimeGenerated" {
			t = "datetime"
		}
		cols = append(cols, map[string]string{"name": c, "type": t})
	}
	var rows []any
	for _, e := range events {
		rows = append(rows, laRow(e))
	}
	return mustJSON(map[string]any{"tables": []any{map[string]any{"name": "PrimaryResult", "columns": cols, "rows": rows}}})
}

func csvShape() string {
	var b strings.Builder
	b.WriteString("\ufeff")
	head := make([]string, len(laColumns))
	for i, c := range laColumns {
		head[i] = c
		if c == "TimeGenerated" {
			head[i] = "TimeGenerated [UTC]"
		}
	}
	b.WriteString(strings.Join(head, ",") + "\n")
	for _, e := range events {
		row := laRow(e)
		row[0] = `"` + e.at.Format("1/2/2006, 3:04:05.000 PM") + `"`
		b.WriteString(strings.Join(row, ",") + "\n")
	}
	return b.String()
}

func rowsShape() string {
	var b strings.Builder
	for _, e := range events {
		m := map[string]string{}
		for i, c := range laColumns {
			m[c] = laRow(e)[i]
		}
		b.WriteString(mustJSON(m) + "\n")
	}
	return b.String()
}

func cloudShellQuery(t *testing.T) string {
	t.Helper()
	files, err := rules.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		r, err := rule.Parse(f.Name, f.Data)
		if err != nil {
			t.Fatal(err)
		}
		if r.ID == "42831fb3-f61d-41e9-95d9-f08797479a0e" {
			return r.Query
		}
	}
	t.Fatal("bundled CloudShell rule not found")
	return ""
}

// The CloudShell query finds the same session — alice, 10:00, with her two
// other operations — from the same events whatever shape they arrive in.
func TestCloudShellSameSessionsInEveryShape(t *testing.T) {
	query := cloudShellQuery(t)
	shapes := []struct {
		name, file, body, format string
	}{
		{"storage", "PT1H.json", storageShape(), "storage"},
		{"eventhub", "eventhub.json", eventHubShape(), "eventhub"},
		{"rest", "rest.json", restShape(), "rest"},
		{"loganalytics", "la.json", logAnalyticsShape(), "loganalytics"},
		{"csv", "export.csv", csvShape(), "csv"},
		{"rows", "rows.ndjson", rowsShape(), "rows"},
	}
	now := base(12, 30)
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), s.file)
			if err := os.WriteFile(path, []byte(s.body), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"auto", s.format} {
				tbl, rep, err := workspace.LoadActivity(context.Background(), []string{path}, source.Options{Format: format})
				if err != nil {
					t.Fatalf("format %s: %v", format, err)
				}
				if rep.TotalSkipped() != 0 {
					t.Fatalf("format %s: skipped records:\n%s", format, rep.Summary())
				}
				ws := workspace.New()
				ws.SetTable(workspace.ActivityTable, tbl)
				res, err := ws.Query(context.Background(), "cloudshell", query, now)
				if err != nil {
					t.Fatalf("format %s: %v", format, err)
				}
				got := describe(res)
				want := "alice@contoso.example|2026-08-12T10:00:00.0000000Z|alice@contoso.example|2026-08-12T10:00:00.0000000Z|" +
					"[Microsoft.Authorization/roleAssignments/write Microsoft.Compute/virtualMachines/write]|2026-08-12T10:00:00.0000000Z|alice@contoso.example"
				if s.name == "storage" || s.name == "eventhub" {
					// Diagnostic records carry operation names upper-cased.
					want = strings.Replace(want, "[Microsoft.Authorization/roleAssignments/write Microsoft.Compute/virtualMachines/write]",
						"[MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE]", 1)
				}
				if got != want {
					t.Errorf("format %s:\ngot  %s\nwant %s", format, got, want)
				}
			}
		})
	}
}

// describe renders result rows as text, with make_set arrays sorted (their
// order is undefined).
func describe(res *workspace.Result) string {
	var rows []string
	cols := res.Columns()
	for i := 0; i < res.NumRows(); i++ {
		var cells []string
		for c := range cols {
			v := res.Value(i, c)
			if v.Type == types.Dynamic {
				arr, _ := v.D.([]any)
				var ss []string
				for _, x := range arr {
					ss = append(ss, fmt.Sprint(x))
				}
				sort.Strings(ss)
				cells = append(cells, "["+strings.Join(ss, " ")+"]")
				continue
			}
			cells = append(cells, types.ToString(v))
		}
		rows = append(rows, strings.Join(cells, "|"))
	}
	sort.Strings(rows)
	return strings.Join(rows, "\n")
}
