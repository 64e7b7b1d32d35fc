package tune

import (
	"fmt"
	"testing"
	"time"
)

// The scenario tests run the example exclusions file against hand-made
// AzureActivity rows: for each false-positive scenario of the CloudShell
// rule, the benign activity is matched and an attacker-like neighbour is
// not.

const (
	cloudShellID   = "42831fb3-f61d-41e9-95d9-f08797479a0e"
	cloudShellName = "Azure CloudShell Usage"
	listKeys       = "Microsoft.Storage/storageAccounts/listKeys/action"
)

func exampleSet(t *testing.T) *Set {
	t.Helper()
	f, err := LoadFile("testdata/exclusions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	w, err := OpenWatchlists("testdata/watchlists", WatchlistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(f, Options{Now: testNow, Watchlists: w})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type inputCase struct {
	why     string
	row     activity
	removed bool
}

// runInput filters rows through the example set and checks each outcome
// and the exclusion credited in the audit.
func runInput(t *testing.T, id string, cases []inputCase) {
	t.Helper()
	set := exampleSet(t)
	var rows []activity
	for _, c := range cases {
		rows = append(rows, c.row)
	}
	keep, res, err := set.FilterBatch(cloudShellID, cloudShellName, "AzureActivity", activityBatch(t, activitySchema(), rows, false), testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i, c := range cases {
		if keep[i] == c.removed {
			t.Errorf("%s: removed=%v, want %v", c.why, !keep[i], c.removed)
		}
		if c.removed {
			want++
		}
	}
	got := 0
	for _, e := range res.ByExclusion {
		if e.ID == id {
			got = e.Count
		} else if e.Count > 0 {
			t.Errorf("exclusion %s also matched %d rows", e.ID, e.Count)
		}
	}
	if got != want {
		t.Errorf("%s credited with %d rows, want %d", id, got, want)
	}
	for _, e := range set.Audit().Exclusions {
		if e.ID == id && e.RowsRemoved != want {
			t.Errorf("audit: %s removed %d rows, want %d", id, e.RowsRemoved, want)
		}
	}
}

func TestScenarioAdminMaintenance(t *testing.T) {
	runInput(t, "admin-maintenance", []inputCase{
		{"admin in admin-rg", activity{Time: "2026-11-24T10:00:00Z", Caller: "alice@contoso.com", IP: "192.0.2.10", RG: "admin-rg", Operation: listKeys}, true},
		{"admin, case differs", activity{Time: "2026-11-24T10:05:00Z", Caller: "BOB@contoso.com", IP: "192.0.2.11", RG: "ADMIN-RG", Operation: listKeys}, true},
		{"admin in a production group", activity{Time: "2026-11-24T10:10:00Z", Caller: "alice@contoso.com", IP: "192.0.2.10", RG: "prod-rg", Operation: listKeys}, false},
		{"non-admin in admin-rg", activity{Time: "2026-11-24T10:15:00Z", Caller: "mallory@contoso.com", IP: "192.0.2.66", RG: "admin-rg", Operation: listKeys}, false},
		{"look-alike admin", activity{Time: "2026-11-24T10:20:00Z", Caller: "alice@contoso.com.attacker.example", IP: "203.0.113.5", RG: "admin-rg", Operation: listKeys}, false},
		{"group name contains admin-rg", activity{Time: "2026-11-24T10:25:00Z", Caller: "alice@contoso.com", IP: "192.0.2.10", RG: "admin-rg-shadow", Operation: listKeys}, false},
	})
}

func TestScenarioAutomation(t *testing.T) {
	mi := "a6f1c3de-2b7e-4c55-9d0e-0c1f5d7e9a11"
	logicClaims := `{"aud":"https://management.core.windows.net/","appid":"11111111-2222-4333-8444-555555555555"}`
	userClaims := `{"aud":"https://management.core.windows.net/","appid":"04b07795-8ddb-461a-bbee-02f9e1bf7b46"}`
	runInput(t, "automation-jobs", []inputCase{
		{"runbook identity at 02:15", activity{Time: "2026-11-24T02:15:00Z", Caller: mi, RG: "cloud-shell-storage-westeurope", Operation: listKeys}, true},
		{"runbook identity upper-case", activity{Time: "2026-11-25T01:00:00Z", Caller: "A6F1C3DE-2B7E-4C55-9D0E-0C1F5D7E9A11", Operation: listKeys}, true},
		{"logic app by claims", activity{Time: "2026-11-24T01:30:00Z", Caller: "5c0d0a00-1111-4222-8333-444444444444", Claims: logicClaims, Operation: listKeys}, true},
		{"runbook identity at noon", activity{Time: "2026-11-24T12:00:00Z", Caller: mi, Operation: listKeys}, false},
		{"run window ends at 03:00", activity{Time: "2026-11-24T03:00:00Z", Caller: mi, Operation: listKeys}, false},
		{"a user at 02:15", activity{Time: "2026-11-24T02:15:00Z", Caller: "mallory@contoso.com", Claims: userClaims, Operation: listKeys}, false},
		{"another identity at 02:15", activity{Time: "2026-11-24T02:15:00Z", Caller: "a6f1c3de-2b7e-4c55-9d0e-0c1f5d7e9a12", Operation: listKeys}, false},
	})
}

func TestScenarioDevOps(t *testing.T) {
	ci := "ci-deployer@contoso.com"
	runInput(t, "ci-pipelines", []inputCase{
		{"pipeline from the build subnet", activity{Time: "2026-11-24T09:00:00Z", Caller: ci, IP: "10.20.30.17", Operation: "Microsoft.Resources/deployments/write"}, true},
		{"pipeline from the IPv6 build range", activity{Time: "2026-11-24T09:01:00Z", Caller: ci, IP: "2001:db8:30:1::17", Operation: "Microsoft.Resources/deployments/write"}, true},
		{"pipeline, IPv4-mapped address", activity{Time: "2026-11-24T09:02:00Z", Caller: ci, IP: "::ffff:10.20.30.18", Operation: listKeys}, true},
		{"pipeline account from the neighbour subnet", activity{Time: "2026-11-24T09:03:00Z", Caller: ci, IP: "10.20.31.5", Operation: listKeys}, false},
		{"a person at the neighbour address", activity{Time: "2026-11-24T09:04:00Z", Caller: "eve@contoso.com", IP: "10.20.31.5", Operation: listKeys}, false},
		{"a person on a build agent", activity{Time: "2026-11-24T09:05:00Z", Caller: "eve@contoso.com", IP: "10.20.30.5", Operation: listKeys}, false},
		{"pipeline account from the internet", activity{Time: "2026-11-24T09:06:00Z", Caller: ci, IP: "203.0.113.9", Operation: listKeys}, false},
		{"pipeline account, next IPv6 /48", activity{Time: "2026-11-24T09:07:00Z", Caller: ci, IP: "2001:db8:31::17", Operation: listKeys}, false},
		{"look-alike account", activity{Time: "2026-11-24T09:08:00Z", Caller: "ci-deployer@contoso.com.evil.example", IP: "10.20.30.17", Operation: listKeys}, false},
	})
}

func TestScenarioTraining(t *testing.T) {
	set := exampleSet(t)
	tests := []struct {
		why    string
		row    activity
		lowers bool
	}{
		{"trainee, Monday 09:30 Amsterdam", activity{Time: "2026-12-07T08:30:00Z", Caller: "trainee-07@contoso.com"}, true},
		{"trainee, Friday 17:30 Amsterdam", activity{Time: "2026-12-11T16:30:00Z", Caller: "Trainee-12@contoso.com"}, true},
		{"trainee before the course (07:30 local)", activity{Time: "2026-12-07T06:30:00Z", Caller: "trainee-07@contoso.com"}, false},
		{"trainee in the evening", activity{Time: "2026-12-08T19:00:00Z", Caller: "trainee-07@contoso.com"}, false},
		{"trainee the week after", activity{Time: "2026-12-14T09:00:00Z", Caller: "trainee-07@contoso.com"}, false},
		{"trainee on the Saturday before the course", activity{Time: "2026-12-05T10:00:00Z", Caller: "trainee-07@contoso.com"}, false},
		{"the training lead during the course", activity{Time: "2026-12-08T10:00:00Z", Caller: "training-lead@contoso.com"}, false},
		{"look-alike trainee domain", activity{Time: "2026-12-08T10:00:00Z", Caller: "trainee-07@contoso.com.evil.example"}, false},
	}
	for _, tc := range tests {
		d := set.EvaluateAlert(cloudShellID, cloudShellName, subjectOf(t, tc.row))
		if (d.Severity == "Informational") != tc.lowers || d.Suppress {
			t.Errorf("%s: decision %+v, want lowered=%v", tc.why, d, tc.lowers)
		}
	}
	// Why the example does not use %training%: it also covers the
	// training lead, a real privileged account.
	naive := compileSrc(t, oneExclusion("alert", "field: Account.FullName\nwildcard: '%training%'"), Options{})
	lead := subjectOf(t, activity{Time: "2026-12-08T10:00:00Z", Caller: "training-lead@contoso.com"})
	if !naive.EvaluateAlert("", "r", lead).Suppress {
		t.Errorf("the %s pattern was expected to (over-)match training-lead@contoso.com", "%training%")
	}
}

func TestScenarioSecurityAudit(t *testing.T) {
	set := exampleSet(t)
	tests := []struct {
		who    string
		tagged bool
	}{
		{"auditor1@contoso.com", true},
		{"AUDITOR2@contoso.com", true},
		{"auditor3@contoso.com", false},
		{"auditor1@contoso.com.evil.example", false},
		{"mallory@contoso.com", false},
	}
	for _, tc := range tests {
		d := set.EvaluateAlert(cloudShellID, cloudShellName, subjectOf(t, activity{Time: "2026-11-24T10:00:00Z", Caller: tc.who}))
		tagged := fmt.Sprint(d.Tags) == "[security-audit expected]"
		if tagged != tc.tagged || d.Suppress || d.Severity != "" {
			t.Errorf("%s: decision %+v, want tagged=%v and never suppressed", tc.who, d, tc.tagged)
		}
	}
	e := set.Audit().Exclusions[4]
	if e.ID != "security-audit" || e.AlertsChanged != 2 || e.AlertsSuppressed != 0 {
		t.Errorf("audit: %+v", e)
	}
}

// TestScenarioScope checks that exclusions scoped to the CloudShell rule
// leave other rules alone.
func TestScenarioScope(t *testing.T) {
	set := exampleSet(t)
	row := activity{Time: "2026-11-24T10:00:00Z", Caller: "alice@contoso.com", RG: "admin-rg"}
	keep, _, err := set.FilterBatch("other-rule", "New CloudShell User", "AzureActivity", activityBatch(t, activitySchema(), []activity{row}, false), time.Now())
	if err != nil || !keep[0] {
		t.Fatalf("admin-maintenance leaked into another rule: keep=%v err=%v", keep, err)
	}
	keep, _, _ = set.FilterBatch(cloudShellID, "", "SigninLogs", activityBatch(t, activitySchema(), []activity{row}, false), time.Now())
	if !keep[0] {
		t.Fatal("a table-scoped exclusion applied to another table")
	}
}
