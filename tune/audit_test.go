package tune

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"kqlhunt/kql/types"
)

const auditSrc = `version: 1
exclusions:
  - id: ci
    rules: all
    stage: input
    when: {field: CallerIpAddress, cidr: 10.20.30.0/24}
    action: suppress
    reason: build agents
    owner: devops
    expires: 2027-01-31
  - id: svc
    rules: [r1]
    stage: alert
    when: {field: Account.FullName, wildcard: "svc-*"}
    action: suppress
    reason: service accounts
    owner: secops
    expires: 2027-01-31
  - id: low
    rules: [r1]
    stage: alert
    when: {field: Account.FullName, wildcard: "*@contoso.com"}
    action: set-severity
    severity: low
    reason: internal
    owner: secops
    expires: 2027-01-31
  - id: audit-tag
    rules: all
    stage: alert
    when: {field: Account.FullName, equals: auditor@contoso.com}
    action: tag
    tags: [audit]
    reason: audits
    owner: ciso
    expires: 2027-01-31
  - id: stale
    rules: all
    stage: alert
    when: {field: Account.FullName, equals: nobody}
    action: suppress
    reason: old
    owner: nobody
    expires: 2026-10-01
`

func TestAuditCounts(t *testing.T) {
	set := compileSrc(t, auditSrc, Options{Examples: 2})
	s := activitySchema()
	rows := []activity{
		{Time: "2026-11-26T01:00:00Z", Caller: "a", IP: "10.20.30.1"},
		{Time: "2026-11-26T01:00:00Z", Caller: "a", IP: "10.20.30.1"},
		{Time: "2026-11-26T01:00:00Z", Caller: "b", IP: "10.20.30.2"},
		{Time: "2026-11-26T01:00:00Z", Caller: "c", IP: "10.20.31.5"},
		{Time: "2026-11-26T01:00:00Z", Caller: "d", IP: "10.20.30.3"},
	}
	// Two rules read the table; batches may arrive concurrently.
	var wg sync.WaitGroup
	for _, rule := range []string{"r1", "r2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keep, res, err := set.FilterBatch(rule, "", "AzureActivity", activityBatch(t, s, rows, true), testNow)
			if err != nil {
				t.Error(err)
				return
			}
			if got := keptRows(keep); len(got) != 1 || got[0] != 3 || res.Removed != 4 || res.ByExclusion[0] != (ExclusionCount{"ci", 4}) {
				t.Errorf("%s: kept %v, res %+v", rule, got, res)
			}
		}()
	}
	wg.Wait()
	alerts := []struct {
		rule, who string
		want      Decision
	}{
		{"r1", "svc-backup@contoso.com", Decision{Suppress: true, Matched: []Match{{"svc", ActSuppress, true}, {"low", ActSetSeverity, false}}}},
		{"r1", "alice@contoso.com", Decision{Severity: "Low", Matched: []Match{{"low", ActSetSeverity, true}}}},
		{"r1", "auditor@contoso.com", Decision{Severity: "Low", Tags: []string{"audit"}, Matched: []Match{{"low", ActSetSeverity, true}, {"audit-tag", ActTag, true}}}},
		{"r2", "svc-backup@contoso.com", Decision{}},
		{"r2", "auditor@contoso.com", Decision{Tags: []string{"audit"}, Matched: []Match{{"audit-tag", ActTag, true}}}},
	}
	for _, a := range alerts {
		d := set.EvaluateAlert(a.rule, "", MapSubject{Fields: map[string]types.Value{"Account.FullName": types.NewString(a.who)}})
		a.want.Expired = []string{"stale"}
		if g, w := mustJSON(t, d), mustJSON(t, a.want); g != w {
			t.Errorf("%s %s: decision %s, want %s", a.rule, a.who, g, w)
		}
	}
	au := set.Audit()
	var buf bytes.Buffer
	if err := au.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Exclusions []AuditEntry
		Warnings   []string
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	byID := map[string]AuditEntry{}
	for _, e := range got.Exclusions {
		byID[e.ID] = e
	}
	ci := byID["ci"]
	if ci.RowsRemoved != 8 || len(ci.Input) != 2 || ci.Input[0] != (InputCount{"r1", "AzureActivity", 4}) || ci.Input[1].Rule != "r2" {
		t.Errorf("ci input = %+v", ci)
	}
	// Examples: most frequent first, ties by text, bounded to 2; the rest
	// counted.
	if len(ci.Examples) != 2 || ci.Examples[0] != (Example{"CallerIpAddress=10.20.30.1", 4}) || ci.Examples[1] != (Example{"CallerIpAddress=10.20.30.2", 2}) || ci.OtherMatches != 2 {
		t.Errorf("ci examples = %+v other %d", ci.Examples, ci.OtherMatches)
	}
	if e := byID["svc"]; e.AlertsSuppressed != 1 || e.AlertsChanged != 0 {
		t.Errorf("svc = %+v", e)
	}
	if e := byID["low"]; e.AlertsChanged != 2 || e.AlertsOverridden != 1 || e.Severity != "Low" {
		t.Errorf("low = %+v", e)
	}
	if e := byID["audit-tag"]; e.AlertsChanged != 2 || len(e.Examples) != 1 || e.Examples[0].Count != 2 {
		t.Errorf("audit-tag = %+v", e)
	}
	if e := byID["stale"]; !e.Expired || e.AlertsSuppressed != 0 {
		t.Errorf("stale = %+v", e)
	}
	if len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], `"stale" expired on 2026-10-01`) {
		t.Errorf("warnings = %v", got.Warnings)
	}
	// Exclusion order is file order.
	var order []string
	for _, e := range got.Exclusions {
		order = append(order, e.ID)
	}
	if strings.Join(order, ",") != "ci,svc,low,audit-tag,stale" {
		t.Errorf("order = %v", order)
	}

	var tbl bytes.Buffer
	if err := au.WriteTable(&tbl); err != nil {
		t.Fatal(err)
	}
	wantTable := `EXCLUSION  STAGE  ACTION            ROWS REMOVED  SUPPRESSED  CHANGED  EXPIRES               OWNER
ci         input  suppress          8             0           0        2027-01-31            devops
svc        alert  suppress          0             1           0        2027-01-31            secops
low        alert  set-severity Low  0             0           2        2027-01-31            secops
audit-tag  alert  tag audit         0             0           2        2027-01-31            ciso
stale      alert  suppress          0             0           0        2026-10-01 (expired)  nobody

ci (reason: build agents)
  removed 4 rows of AzureActivity for r1
  removed 4 rows of AzureActivity for r2
       4  CallerIpAddress=10.20.30.1
       2  CallerIpAddress=10.20.30.2
       2  (other values)

svc (reason: service accounts)
       1  Account.FullName=svc-backup@contoso.com

low (reason: internal)
       1  Account.FullName=alice@contoso.com
       1  Account.FullName=auditor@contoso.com
       1  (other values)

audit-tag (reason: audits)
       2  Account.FullName=auditor@contoso.com

warnings:
  exclusion "stale" expired on 2026-10-01 and no longer applies; renew or remove it
`
	if tbl.String() != wantTable {
		t.Errorf("table:\n%s\nwant:\n%s", tbl.String(), wantTable)
	}
	// Snapshots are deterministic.
	var again bytes.Buffer
	_ = set.Audit().WriteJSON(&again)
	if again.String() != buf.String() {
		t.Error("audit JSON differs between snapshots")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFilterBatchRejectsBadBatches(t *testing.T) {
	set := compileSrc(t, oneExclusion("input", "field: Caller\nequals: a"), Options{})
	s := activitySchema()
	b := activityBatch(t, s, []activity{{Time: "2026-11-26T00:00:00Z", Caller: "a"}}, true)
	b.Cols[1].Codes[0] = 7 // out of the dictionary
	if _, _, err := set.FilterBatch("", "r", "AzureActivity", b, testNow); err == nil {
		t.Error("bad dictionary code accepted")
	}
	b = activityBatch(t, s, []activity{{Time: "2026-11-26T00:00:00Z", Caller: "a"}}, false)
	b.Cols = b.Cols[:3]
	if _, _, err := set.FilterBatch("", "r", "AzureActivity", b, testNow); err == nil {
		t.Error("missing columns accepted")
	}
	if _, _, err := set.FilterBatch("", "r", "AzureActivity", nil, testNow); err == nil {
		t.Error("nil batch accepted")
	}
}

func TestFilterBatchSkipsTablesWithoutTheColumns(t *testing.T) {
	// A `not` over a missing column must not turn into "drop everything".
	set := compileSrc(t, oneExclusion("input", "not: {field: UserPrincipalName, equals: a}"), Options{})
	b := activityBatch(t, activitySchema(), []activity{{Time: "2026-11-26T00:00:00Z", Caller: "a"}}, false)
	keep, res, err := set.FilterBatch("", "r", "AzureActivity", b, testNow)
	if err != nil || !keep[0] || len(res.Skipped) != 1 {
		t.Fatalf("keep=%v res=%+v err=%v", keep, res, err)
	}
	if w := set.Audit().Warnings; len(w) != 1 || !strings.Contains(w[0], "no column UserPrincipalName") {
		t.Fatalf("warnings = %v", w)
	}
}
