package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// runCLI runs the command line and returns its exit status, stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// The demo hunt is pinned: the bundled CloudShell rule over the bundled
// demo data, at the latest event, raises one alert for bob's Cloud Shell
// session with an Account entity.
func TestHuntDemoGolden(t *testing.T) {
	code, out, errs := runCLI(t, "", "hunt", "--data", "../../demo", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	golden(t, "hunt_demo.jsonl", out)
	if !strings.Contains(errs, "hunting at 2026-11-03T23:42:36.0000000Z, the latest event in the data") {
		t.Errorf("stderr does not say which time was used:\n%s", errs)
	}
	if !strings.Contains(out, `\"Type\":\"account\"`) || !strings.Contains(out, `bob@contoso-demo.example`) {
		t.Errorf("alert lacks bob's account entity:\n%s", out)
	}
}

// Hunting at a time whose window holds no data warns instead of staying silent.
func TestHuntWarnsOnEmptyWindow(t *testing.T) {
	code, out, errs := runCLI(t, "", "hunt", "--data", "../../demo", "--at", "2020-01-01T00:00:00Z", "--format", "table")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "holds no data") {
		t.Errorf("no empty-window warning:\n%s", errs)
	}
	if strings.TrimSpace(out) != "no alerts" {
		t.Errorf("stdout = %q, want no alerts", out)
	}
}

func TestQueryJSONOverDemo(t *testing.T) {
	q := `AzureActivity | where OperationNameValue =~ "Microsoft.Storage/storageAccounts/listKeys/action" and ActivityStatusValue == "Success" and ResourceGroup has "cloud-shell-storage" | summarize n=count() by Caller | order by Caller asc`
	code, out, errs := runCLI(t, q, "query", "--data", "../../demo", "--quiet", "--format", "json", "-")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	golden(t, "query_demo.json", out)
}

func TestQueryErrorHasCaret(t *testing.T) {
	code, _, errs := runCLI(t, "", "query", "--format", "json", "print x = 1 |  summarise count()")
	if code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	want := "<query>:1:16: unknown operator 'summarise'; did you mean 'summarize'?\nprint x = 1 |  summarise count()\n               ^\n"
	if errs != want {
		t.Errorf("stderr:\n%q\nwant\n%q", errs, want)
	}
}

func TestLintBundledRuleReportsDataTypeMismatch(t *testing.T) {
	code, out, _ := runCLI(t, "", "lint", "--summary", "../../rules/bundled")
	if code != 0 {
		t.Errorf("exit %d: the bundled rule has only warnings\n%s", code, out)
	}
	if !strings.Contains(out, "AzureActivity") || !strings.Contains(out, "requiredDataConnectors") {
		t.Errorf("lint does not report that the rule reads AzureActivity but declares AuditLogs:\n%s", out)
	}
	if !strings.HasSuffix(out, "1 parsed, 0 failed\n") {
		t.Errorf("summary line missing:\n%s", out)
	}
}

func TestLintKQLFileErrorsPointIntoFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "q.kql")
	if err := os.WriteFile(p, []byte("AzureActivity\n| where Calller == \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "", "lint", "--summary", p)
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	if !strings.Contains(out, p+":2:9: unknown column or name Calller (did you mean Caller?)") {
		t.Errorf("lint output:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"query"},
		{"query", "--now", "yesterday", "print 1"},
		{"hunt"},
		{"query", "--format", "xml", "print 1"},
		{"frobnicate"},
	} {
		code, _, errs := runCLI(t, "", args...)
		if code == 0 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want a non-zero exit with a message", args, code, errs)
		}
	}
}

func TestQueryTableAndFileFlags(t *testing.T) {
	dir := t.TempDir()
	tbl := filepath.Join(dir, "admins.ndjson")
	rows := `{"Upn":"alice@contoso.example","Since":"2026-01-02T00:00:00Z","Level":3,"Tags":["a","b"],"Ok":true}
{"Upn":"bob@contoso.example","Since":"2026-02-03T04:05:06Z","Level":1.5,"Tags":null,"Ok":false}
`
	if err := os.WriteFile(tbl, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	qf := filepath.Join(dir, "q.kql")
	if err := os.WriteFile(qf, []byte("Admins | extend y = getyear(Since) | project Upn, y, Level, Tags, Ok | order by Upn asc"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "query", "--table", "Admins="+tbl, "--file", qf, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	want := `{"columns":[{"name":"Upn","type":"string"},{"name":"y","type":"int"},{"name":"Level","type":"real"},{"name":"Tags","type":"dynamic"},{"name":"Ok","type":"bool"}],"rows":[["alice@contoso.example",2026,3,["a","b"],true],["bob@contoso.example",2026,1.5,null,false]]}` + "\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestRuleUnitTests(t *testing.T) {
	code, out, errs := runCLI(t, "", "test", "../../rules/tests")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.HasSuffix(out, "3 passed, 0 failed\n") {
		t.Errorf("output:\n%s", out)
	}
}
