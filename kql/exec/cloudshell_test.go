package exec

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"kqlhunt/batch"
	"kqlhunt/internal/shared"
	"kqlhunt/kql/check"
	"kqlhunt/kql/types"
)

// cloudShellQuery is the query of the "Azure CloudShell Usage" hunting
// rule, kept here so the test runs without the shared corpus.
const cloudShellQuery = `
   AzureActivity
      | where ActivityStatusValue =~ "Success"
      | where ResourceGroup has "cloud-shell-storage"
      | where OperationNameValue =~ "Microsoft.Storage/storageAccounts/listKeys/action"
      // Change the timekey scope below to get activity for a longer window 
      | summarize by Caller, timekey= bin(TimeGenerated, 1h)
      | join (AzureActivity | where TimeGenerated >= ago(1d)
      | where OperationNameValue !~ "Microsoft.Storage/storageAccounts/listKeys/action"
      | where isnotempty(OperationNameValue)
       // Change the timekey scope below to get activity for a longer window 
      | summarize make_set(OperationNameValue) by Caller, timekey=bin(TimeGenerated, 1h)) on Caller, timekey
      | extend timestamp = timekey, AccountCustomEntity = Caller
`

var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// activity is one hand-made AzureActivity row.
type activity struct {
	caller, op, status, rg string
	at                     time.Time
}

const listKeys = "Microsoft.Storage/storageAccounts/listKeys/action"

func azureActivityTable(t testing.TB, rows []activity) *MemTable {
	t.Helper()
	s := check.DefaultEnv().Tables["AzureActivity"]
	if s == nil {
		t.Fatal("no built-in AzureActivity schema")
	}
	tb := NewTableBuilder(s)
	for _, r := range rows {
		vals := make([]types.Value, len(s.Fields))
		for i, f := range s.Fields {
			vals[i] = types.NullOf(f.Type)
			switch f.Name {
			case "Caller":
				vals[i] = types.NewString(r.caller)
			case "OperationNameValue":
				vals[i] = types.NewString(r.op)
			case "ActivityStatusValue":
				vals[i] = types.NewString(r.status)
			case "ResourceGroup":
				vals[i] = types.NewString(r.rg)
			case "TimeGenerated":
				vals[i] = types.NewDateTime(types.TicksFromTime(r.at))
			case "Type":
				vals[i] = types.NewString("AzureActivity")
			}
		}
		if err := tb.Add(vals...); err != nil {
			t.Fatal(err)
		}
	}
	return tb.Table()
}

func cloudShellRows() []activity {
	h := func(hh, mm, ss int) time.Time { return time.Date(2026, 11, 26, hh, mm, ss, 0, time.UTC) }
	day := 24 * time.Hour
	const (
		vmWrite  = "Microsoft.Compute/virtualMachines/write"
		nsgWrite = "Microsoft.Network/networkSecurityGroups/write"
		vmDelete = "Microsoft.Compute/virtualMachines/delete"
		kvRead   = "Microsoft.KeyVault/vaults/read"
	)
	return []activity{
		// alice: a CloudShell session at 10:xx and another starting exactly at 11:00.
		{"alice@contoso.com", listKeys, "Success", "cloud-shell-storage-westeurope", h(10, 15, 0)},
		{"alice@contoso.com", strings.ToUpper(listKeys), "success", "cloud-shell-storage-westeurope", h(10, 40, 0)},
		{"alice@contoso.com", vmWrite, "Success", "prod", h(10, 20, 0)},
		{"alice@contoso.com", vmWrite, "Started", "prod", h(10, 21, 0)},
		{"alice@contoso.com", nsgWrite, "Success", "prod", h(10, 59, 59)},
		{"alice@contoso.com", "", "Success", "prod", h(10, 30, 0)},
		{"alice@contoso.com", strings.ToLower(listKeys), "SUCCESS", "CLOUD-SHELL-STORAGE-EASTUS", h(11, 0, 0)},
		{"alice@contoso.com", vmDelete, "Success", "prod", h(11, 0, 0)},
		// bob: look-alike resource groups never count.
		{"bob@contoso.com", listKeys, "Success", "mycloud-shell-storage", h(10, 5, 0)},
		{"bob@contoso.com", listKeys, "Success", "cloud-shell-storagex", h(10, 6, 0)},
		{"bob@contoso.com", vmWrite, "Success", "prod", h(10, 10, 0)},
		// carol: listKeys failed.
		{"carol@contoso.com", listKeys, "Failed", "cloud-shell-storage-westeurope", h(9, 5, 0)},
		{"carol@contoso.com", vmWrite, "Success", "prod", h(9, 10, 0)},
		// dave: a session two days ago; its activity is older than ago(1d).
		{"dave@contoso.com", listKeys, "Success", "cloud-shell-storage-westeurope", testNow.Add(-2*day + 5*time.Minute)},
		{"dave@contoso.com", vmWrite, "Success", "prod", testNow.Add(-2*day + 10*time.Minute)},
		// empty caller: strings are never null, so "" joins with "".
		{"", listKeys, "Success", "cloud-shell-storage-northeurope", h(9, 5, 0)},
		{"", kvRead, "Success", "prod", h(9, 10, 0)},
		// erin: a session with no other activity in the hour.
		{"erin@contoso.com", listKeys, "Success", "cloud-shell-storage-westeurope", h(8, 10, 0)},
		{"erin@contoso.com", vmWrite, "Success", "prod", h(7, 50, 0)},
		// frank: activity exactly at ago(1d) is kept, one second earlier is not.
		{"frank@contoso.com", listKeys, "Success", "cloud-shell-storage-westeurope", testNow.Add(-day)},
		{"frank@contoso.com", kvRead, "Success", "prod", testNow.Add(-day)},
		{"frank@contoso.com", listKeys, "Success", "cloud-shell-storage-westeurope", testNow.Add(-day - 30*time.Minute)},
		{"frank@contoso.com", vmWrite, "Success", "prod", testNow.Add(-day - time.Second)},
	}
}

// resultStrings renders each row as "v1|v2|..." with dynamic arrays shown
// sorted (for make_set, whose order is not defined).
func resultStrings(res *Result) []string {
	var rows []string
	for r := 0; r < res.NumRows(); r++ {
		var cells []string
		for c := range res.Schema.Fields {
			cells = append(cells, cellString(res.Value(r, c)))
		}
		rows = append(rows, strings.Join(cells, "|"))
	}
	return rows
}

func cellString(v types.Value) string {
	if v.Type == types.Dynamic && !v.Null {
		if arr, ok := v.D.([]any); ok {
			parts := make([]string, len(arr))
			for i, d := range arr {
				parts[i] = types.DynamicToString(d)
			}
			sort.Strings(parts)
			return "{" + strings.Join(parts, ",") + "}"
		}
	}
	if v.IsNull() {
		return "null"
	}
	return types.ToString(v)
}

func schemaString(s *batch.Schema) string {
	var parts []string
	for _, f := range s.Fields {
		parts = append(parts, f.Name+":"+f.Type.String())
	}
	return strings.Join(parts, ", ")
}

func runCloudShell(t *testing.T, query string) {
	t.Helper()
	tbl := azureActivityTable(t, cloudShellRows())
	res, err := Run(context.Background(), query, Options{Now: testNow, Tables: map[string]Table{"AzureActivity": tbl}})
	if err != nil {
		t.Fatal(err)
	}
	wantSchema := "Caller:string, timekey:datetime, Caller1:string, timekey1:datetime, set_OperationNameValue:dynamic, timestamp:datetime, AccountCustomEntity:string"
	if got := schemaString(res.Schema); got != wantSchema {
		t.Errorf("schema:\n got %s\nwant %s", got, wantSchema)
	}
	got := resultStrings(res)
	want := []string{
		"|2026-11-26T09:00:00Z||2026-11-26T09:00:00Z|{Microsoft.KeyVault/vaults/read}|2026-11-26T09:00:00Z|",
		"alice@contoso.com|2026-11-26T10:00:00Z|alice@contoso.com|2026-11-26T10:00:00Z|{Microsoft.Compute/virtualMachines/write,Microsoft.Network/networkSecurityGroups/write}|2026-11-26T10:00:00Z|alice@contoso.com",
		"alice@contoso.com|2026-11-26T11:00:00Z|alice@contoso.com|2026-11-26T11:00:00Z|{Microsoft.Compute/virtualMachines/delete}|2026-11-26T11:00:00Z|alice@contoso.com",
		"frank@contoso.com|2026-11-25T12:00:00Z|frank@contoso.com|2026-11-25T12:00:00Z|{Microsoft.KeyVault/vaults/read}|2026-11-25T12:00:00Z|frank@contoso.com",
	}
	for i := range want {
		want[i] = normalizeTimes(want[i])
	}
	for i := range got {
		got[i] = normalizeTimes(got[i])
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// normalizeTimes drops fractional zero seconds so the comparison does not
// depend on the datetime text form's precision.
func normalizeTimes(s string) string {
	return strings.ReplaceAll(s, ".0000000Z", "Z")
}

func TestCloudShell(t *testing.T) {
	runCloudShell(t, cloudShellQuery)
}

func TestCloudShellSharedRule(t *testing.T) {
	dir := shared.Path(t, "corpus/sentinel/rules")
	data, err := os.ReadFile(filepath.Join(dir, "upstream__Hunting Queries__AzureActivity__Azure-CloudShell-Usage.yaml"))
	if err != nil {
		t.Skipf("CloudShell rule not in the corpus: %v", err)
	}
	var rule struct {
		Query string `yaml:"query"`
	}
	if err := yaml.Unmarshal(data, &rule); err != nil {
		t.Fatal(err)
	}
	if squeeze(rule.Query) != squeeze(cloudShellQuery) {
		t.Errorf("the rule's query differs from the in-test copy:\n%s", rule.Query)
	}
	runCloudShell(t, rule.Query)
}

// squeeze trims every line and drops empty ones.
func squeeze(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
