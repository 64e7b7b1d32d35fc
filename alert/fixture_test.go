package alert

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files")

// golden compares got with testdata/name.golden (or rewrites it with
// -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

var runTime = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

func dt(t time.Time) types.Value { return types.NewDateTime(types.TicksFromTime(t)) }

func str(s string) types.Value { return types.NewString(s) }

// fixtureRows are three result rows of an Azure activity query.
func fixtureRows() *Table {
	return &Table{
		Fields: []batch.Field{
			{Name: "TimeGenerated", Type: types.DateTime},
			{Name: "Caller", Type: types.String},
			{Name: "CallerIpAddress", Type: types.String},
			{Name: "ResourceId", Type: types.String},
			{Name: "Count", Type: types.Long},
			{Name: "Sev", Type: types.String},
		},
		Data: [][]types.Value{
			{dt(runTime.Add(-50 * time.Minute)), str("alice@contoso.com"), str("203.0.113.7"), str("/subscriptions/s1/resourceGroups/cloud-shell-storage-westeurope/providers/Microsoft.Storage/storageAccounts/cs1"), types.NewLong(3), str("high")},
			{dt(runTime.Add(-20 * time.Minute)), str(`CONTOSO\bob`), str(""), str(""), types.NewLong(1), str("bogus")},
			{dt(runTime.Add(-90 * time.Minute)), str("SYSTEM"), str("198.51.100.2"), str(""), types.NewLong(7), str("")},
		},
	}
}

func fixtureSpec() *Spec {
	return &Spec{
		RuleID:      "8a0d8e78-7d9a-4f11-9f0b-1b2c3d4e5f60",
		RuleName:    "Storage account keys listed",
		RuleFile:    "rules/storage-keys.yaml",
		Description: "Storage account keys were listed from a Cloud Shell storage account.",
		Severity:    "Medium",
		Tactics:     []string{"CredentialAccess"},
		Techniques:  []string{"T1552"},
		Attacks:     []Attack{{Tactic: "CredentialAccess", Technique: "T1552"}},
		Query:       "AzureActivity\n| where OperationNameValue =~ \"Microsoft.Storage/storageAccounts/listKeys/action\"",
		Period:      2 * time.Hour,
		Operator:    "GreaterThan",
		Threshold:   0,
		Grouping:    AlertPerResult,
		DataSources: []string{"AzureActivity"},
		Mappings: []Mapping{
			{EntityType: "Account", Fields: []FieldMapping{{"FullName", "Caller"}}},
			{EntityType: "IP", Fields: []FieldMapping{{"Address", "CallerIpAddress"}}},
			{EntityType: "AzureResource", Fields: []FieldMapping{{"ResourceId", "ResourceId"}}},
		},
		CustomDetails:     []FieldMapping{{"Caller", "Caller"}, {"Operations", "Count"}},
		DisplayNameFormat: "Keys listed by {{Caller}}",
		SeverityColumn:    "Sev",
		Workspace:         "7b3f088b-0000-4000-8000-00000000abcd",
		SubscriptionID:    "11111111-2222-3333-4444-555555555555",
		ResourceGroup:     "soc-rg",
	}
}

func fixtureAlerts() []*Alert {
	win := Window{From: runTime.Add(-2 * time.Hour), To: runTime}
	alerts := Build(fixtureSpec(), win, fixtureRows())
	alerts[0].AddTag("reviewed")
	alerts[0].Notes = []string{"severity kept"}
	return alerts
}
