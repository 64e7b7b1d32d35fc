package ruletest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBundledRuleTestsPass(t *testing.T) {
	f, err := Load("../rules/tests/cloudshell.test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) != 3 {
		t.Fatalf("got %d cases, want 3", len(f.Cases))
	}
	for _, r := range Run(context.Background(), f) {
		if !r.Passed() {
			t.Errorf("%s: err=%v failures=%v", r.Name, r.Err, r.Failures)
		}
	}
}

// A case whose expectations are wrong must fail, and say why.
func TestFailingExpectationsAreReported(t *testing.T) {
	dir := t.TempDir()
	rulePath, err := filepath.Abs("../rules/bundled/Azure-CloudShell-Usage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	body := `name: wrong expectations
rule: ` + rulePath + `
at: 2026-08-12T12:30:00Z
rows:
  - {TimeGenerated: "2026-08-12T10:05:00Z", Caller: alice@contoso.example, OperationNameValue: Microsoft.Storage/storageAccounts/listKeys/action, ActivityStatusValue: Success, ResourceGroup: cloud-shell-storage-westeurope}
  - {TimeGenerated: "2026-08-12T10:20:00Z", Caller: alice@contoso.example, OperationNameValue: Microsoft.Compute/virtualMachines/write, ActivityStatusValue: Success, ResourceGroup: prod-rg}
expect:
  alerts: 2
  entities: ["account FullName=mallory@contoso.example"]
  no_entities: ["account FullName=alice@contoso.example"]
  rows:
    - {Caller: alice@contoso.example, set_OperationNameValue: [Microsoft.Web/sites/write]}
`
	p := filepath.Join(dir, "x.test.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	res := Run(context.Background(), f)
	if len(res) != 1 || res[0].Passed() {
		t.Fatalf("wrong expectations passed: %+v", res)
	}
	got := strings.Join(res[0].Failures, "\n")
	for _, want := range []string{"alerts: got 1, want 2", `entity "account FullName=mallory@contoso.example" not on any alert`, `entity "account FullName=alice@contoso.example" is on an alert`, "expected row 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("failures lack %q:\n%s", want, got)
		}
	}
}

func TestBadCases(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"norule":  "name: x\nat: 2026-08-12T12:30:00Z\n",
		"badtime": "name: x\nrule: nothere.yaml\nat: yesterday\n",
	} {
		p := filepath.Join(dir, name+".test.yaml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if r := Run(context.Background(), f); r[0].Err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
