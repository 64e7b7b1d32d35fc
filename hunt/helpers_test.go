package hunt

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"kqlhunt/alert"
	"kqlhunt/rule"
	"kqlhunt/source"
	"kqlhunt/tune"
	"kqlhunt/workspace"
)

// The end-to-end tests run the bundled CloudShell rule through the real
// engine over AzureActivity rows loaded the way the CLI loads them.

const (
	cloudShellRuleFile = "../rules/bundled/Azure-CloudShell-Usage.yaml"
	listKeysOp         = "Microsoft.Storage/storageAccounts/listKeys/action"
	shellRG            = "cloud-shell-storage-westeurope"
	testSubscription   = "7c9f0b1e-3f0a-4a59-9d3e-2b1f5e6a7c01"
)

// tuneNow is the clock the tests judge exclusion expiry by.
var tuneNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// actRow is one AzureActivity row of a test: the columns the scenarios
// vary. Status defaults to Success.
type actRow struct {
	At     string // RFC 3339
	Caller string
	IP     string
	Op     string
	Status string
	RG     string
	Claims string
}

// shellSession returns a Cloud Shell session: a successful listKeys on
// the Cloud Shell storage account at `at`, then each of ops in opsRG, five
// minutes apart, from the same caller and address.
func shellSession(caller, ip, at, opsRG string, ops ...string) []actRow {
	t0, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	rows := []actRow{{At: at, Caller: caller, IP: ip, Op: listKeysOp, RG: shellRG}}
	for i, op := range ops {
		rows = append(rows, actRow{At: t0.Add(time.Duration(i+1) * 5 * time.Minute).Format(time.RFC3339), Caller: caller, IP: ip, Op: op, RG: opsRG})
	}
	return rows
}

// withClaims sets the Claims of every row.
func withClaims(rows []actRow, claims string) []actRow {
	out := append([]actRow(nil), rows...)
	for i := range out {
		out[i].Claims = claims
	}
	return out
}

func concat(groups ...[]actRow) []actRow {
	var out []actRow
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// writeNDJSON writes rows as AzureActivity NDJSON (column names as keys)
// to path.
func writeNDJSON(t testing.TB, path string, rows []actRow) {
	t.Helper()
	var sb strings.Builder
	for _, r := range rows {
		status := r.Status
		if status == "" {
			status = "Success"
		}
		m := map[string]string{
			"TimeGenerated":       r.At,
			"Caller":              r.Caller,
			"CallerIpAddress":     r.IP,
			"OperationNameValue":  r.Op,
			"ActivityStatusValue": status,
			"ResourceGroup":       r.RG,
			"SubscriptionId":      testSubscription,
			"CategoryValue":       "Administrative",
		}
		if r.Claims != "" {
			m["Claims"] = r.Claims
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		sb.Write(b)
		sb.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// loadWorkspace loads the activity files at paths into a new workspace,
// as `kqlhunt hunt --data` does.
func loadWorkspace(t testing.TB, paths ...string) *workspace.Workspace {
	t.Helper()
	tbl, rep, err := workspace.LoadActivity(context.Background(), paths, source.Options{})
	if err != nil {
		t.Fatalf("loading %v: %v", paths, err)
	}
	if rep != nil && rep.TotalSkipped() > 0 {
		t.Fatalf("loading %v: %d record(s) skipped:\n%s", paths, rep.TotalSkipped(), rep.Summary())
	}
	ws := workspace.New()
	ws.SetTable(workspace.ActivityTable, tbl)
	return ws
}

// rowsWorkspace writes rows to a temporary NDJSON file and loads it.
func rowsWorkspace(t testing.TB, rows []actRow) *workspace.Workspace {
	t.Helper()
	path := filepath.Join(t.TempDir(), "activity.ndjson")
	writeNDJSON(t, path, rows)
	return loadWorkspace(t, path)
}

func cloudShellRule(t testing.TB) *rule.Rule {
	t.Helper()
	r, err := rule.LoadFile(cloudShellRuleFile)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// compileTuning compiles an exclusions file (YAML text) with watchlists
// from files (alias.csv → content), judged at tuneNow.
func compileTuning(t testing.TB, yaml string, watchlists map[string]string) *tune.Set {
	t.Helper()
	var wl *tune.Watchlists
	if len(watchlists) > 0 {
		dir := t.TempDir()
		for name, content := range watchlists {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var err error
		if wl, err = tune.OpenWatchlists(dir, tune.WatchlistOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	f, err := tune.Parse("exclusions.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	set, err := tune.Compile(f, tune.Options{Now: tuneNow, Watchlists: wl})
	if err != nil {
		t.Fatalf("compiling exclusions: %v", err)
	}
	return set
}

// fullNames returns the Account FullName of each alert, sorted.
func fullNames(as []*alert.Alert) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, entityValue(a, "Account", "FullName"))
	}
	sort.Strings(out)
	return out
}

// entityValue returns the identifier of the alert's first entity of the
// given type (Account, IP, ...), or "".
func entityValue(a *alert.Alert, typ, id string) string {
	for _, e := range a.EntityList {
		if EntityTypeName(e.Type) == typ {
			return e.Get(id)
		}
	}
	return ""
}

// auditEntry returns the audit entry of exclusion id.
func auditEntry(t testing.TB, a *tune.Audit, id string) tune.AuditEntry {
	t.Helper()
	if a == nil {
		t.Fatalf("no audit")
	}
	for _, e := range a.Exclusions {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("audit has no exclusion %q", id)
	return tune.AuditEntry{}
}

// exampleValues returns the audit example values of an entry.
func exampleValues(e tune.AuditEntry) []string {
	var out []string
	for _, ex := range e.Examples {
		out = append(out, ex.Value)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
