package hunt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"kqlhunt/alert"
	"kqlhunt/batch"
	"kqlhunt/kql/types"
	"kqlhunt/rule"
	"kqlhunt/tune"
	"kqlhunt/workspace"
)

// scenarioAt is the run time of the scenario tests, a Tuesday: the
// CloudShell rule (a hunting query) looks back one day, to Monday
// 2026-12-07 12:00 UTC.
const scenarioAt = "2026-12-08T12:00:00Z"

// scenario is one false-positive scenario of the CloudShell rule: benign
// activity the exclusion must remove or suppress, and attacker activity
// in the same data that must still alert.
type scenario struct {
	name       string
	rows       []actRow
	exclusions string
	watchlists map[string]string
	// base are the alerts without tuning, tuned those raised with it and
	// suppressed those the alert stage suppressed, each as
	// "Account.FullName hh:mm" with the hour of the session (timekey).
	base, tuned, suppressed []string
	// The audit entry of exclusion id: rows removed at the input stage,
	// alerts suppressed at the alert stage, and example values.
	id               string
	rowsRemoved      int
	alertsSuppressed int
	examples         []string
}

// header wraps exclusion entries into an exclusions file.
func header(entries string) string { return "version: 1\nexclusions:\n" + entries }

const (
	vmRestart = "Microsoft.Compute/virtualMachines/restart/action"
	nsgWrite  = "Microsoft.Network/networkSecurityGroups/write"
	vmWrite   = "Microsoft.Compute/virtualMachines/write"
	deployOp  = "Microsoft.Resources/deployments/write"
	roleWrite = "Microsoft.Authorization/roleAssignments/write"
	kvRead    = "Microsoft.KeyVault/vaults/read"
	saWrite   = "Microsoft.Storage/storageAccounts/write"

	automationMI = "a6f1c3de-2b7e-4c55-9d0e-0c1f5d7e9a11"
	logicAppSP   = "9d7e2c41-0b6a-4f3e-8a55-3c2d1e0f9b77"
	logicAppID   = "11111111-2222-4333-8444-555555555555"
	otherSP      = "0c2b6f1d-8e4a-4b3c-9d2e-7f6a5b4c3d21"
	scannerSP    = "5e1d9c3a-7b2f-4e8d-9a6c-1f0e2d3c4b5a"
)

func claimsFor(appID string) string {
	return fmt.Sprintf(`{"appid":"%s","http://schemas.microsoft.com/identity/claims/tenantid":"72f988bf-86f1-41af-91ab-2d7cd011db47"}`, appID)
}

var scenarios = []scenario{
	{
		// (1) Routine maintenance: platform admins working in admin-rg.
		// ResourceGroup is not in the rule's output, so the exclusion
		// filters source rows. An admin in a look-alike group and a
		// non-admin in admin-rg still alert.
		name: "admin maintenance",
		rows: concat(
			shellSession("alice@contoso.com", "198.51.100.10", "2026-12-08T09:10:00Z", "admin-rg", vmRestart, nsgWrite),
			shellSession("bob@contoso.com", "198.51.100.11", "2026-12-08T10:10:00Z", "admin-rg-old", vmWrite),
			shellSession("mallory@contoso.com", "203.0.113.66", "2026-12-08T11:10:00Z", "admin-rg", roleWrite),
		),
		exclusions: header(`
  - id: admin-maintenance
    rules: ["Azure CloudShell Usage"]
    stage: input
    table: AzureActivity
    when:
      all:
        - field: Caller
          watchlist: platform-admins
        - field: ResourceGroup
          equals: admin-rg
    action: suppress
    reason: Platform admins maintain admin-rg from Cloud Shell
    owner: secops@contoso.com
    expires: 2027-03-31
`),
		watchlists: map[string]string{"platform-admins.csv": "UPN,Team\nalice@contoso.com,platform\nbob@contoso.com,platform\n"},
		base:       []string{"alice@contoso.com 09:00", "bob@contoso.com 10:00", "mallory@contoso.com 11:00"},
		tuned:      []string{"bob@contoso.com 10:00", "mallory@contoso.com 11:00"},
		id:         "admin-maintenance", rowsRemoved: 2,
		examples: []string{"Caller=alice@contoso.com, ResourceGroup=admin-rg"},
	},
	{
		// (2) Scheduled jobs: an Automation account's managed identity
		// (Caller) or a Logic App (appid in Claims), in the nightly
		// window only. The same identity at 11:05 still alerts, and so
		// does another principal inside the window.
		name: "automation",
		rows: concat(
			shellSession(automationMI, "", "2026-12-08T02:10:00Z", "ops-rg", saWrite),
			withClaims(shellSession(logicAppSP, "", "2026-12-08T01:20:00Z", "ops-rg", saWrite), claimsFor(logicAppID)),
			shellSession(automationMI, "", "2026-12-08T11:05:00Z", "ops-rg", kvRead),
			withClaims(shellSession(otherSP, "", "2026-12-08T02:30:00Z", "ops-rg", saWrite), claimsFor("99999999-2222-4333-8444-555555555555")),
		),
		exclusions: header(`
  - id: automation-jobs
    rules: [42831fb3-f61d-41e9-95d9-f08797479a0e]
    stage: input
    table: AzureActivity
    when:
      all:
        - any:
            - field: Caller
              in: [` + automationMI + `]
            - field: Claims
              wildcard: '*"appid":"` + logicAppID + `"*'
        - schedule:
            hours: "01:00-03:00"
            zone: UTC
    action: suppress
    reason: Nightly runbooks rotate storage keys
    owner: platform-team@contoso.com
    expires: 2027-02-28
`),
		base:  []string{automationMI + " 02:00", automationMI + " 11:00", otherSP + " 02:00", logicAppSP + " 01:00"},
		tuned: []string{automationMI + " 11:00", otherSP + " 02:00"},
		id:    "automation-jobs", rowsRemoved: 4,
		examples: []string{"Caller=" + automationMI + ", Claims=", "Caller=" + logicAppSP + `, Claims={"appid":"` + logicAppID},
	},
	{
		// (3) CI/CD: the deployment principal from the build subnet. The
		// same principal from the neighbouring subnet, and a person
		// inside the build subnet, still alert.
		name: "ci/cd pipelines",
		rows: concat(
			shellSession("ci-deployer@contoso.com", "10.20.30.17", "2026-12-08T08:10:00Z", "app-rg", deployOp, vmWrite),
			shellSession("ci-deployer@contoso.com", "10.20.31.5", "2026-12-08T09:10:00Z", "app-rg", deployOp),
			shellSession("dev@contoso.com", "10.20.30.44", "2026-12-08T10:10:00Z", "app-rg", roleWrite),
		),
		exclusions: header(`
  - id: ci-pipelines
    rules: all
    stage: input
    table: AzureActivity
    when:
      all:
        - field: Caller
          regex: '^ci-deployer@contoso\.com$'
        - field: CallerIpAddress
          cidr: [10.20.30.0/24]
    action: suppress
    reason: Release pipelines deploy from the build subnet
    owner: devops@contoso.com
    expires: 2027-01-15
`),
		base:  []string{"ci-deployer@contoso.com 08:00", "ci-deployer@contoso.com 09:00", "dev@contoso.com 10:00"},
		tuned: []string{"ci-deployer@contoso.com 09:00", "dev@contoso.com 10:00"},
		id:    "ci-pipelines", rowsRemoved: 3,
		examples: []string{"Caller=ci-deployer@contoso.com, CallerIpAddress=10.20.30.17"},
	},
	{
		// (4) Training: trainee accounts during the onboarding week, in
		// Amsterdam office hours. The same trainee at 04:10 Amsterdam
		// time and an account named like training outside the pattern
		// still alert. The run's window starts inside the schedule, so
		// this also checks that the session's own time is judged.
		name: "training",
		rows: concat(
			shellSession("training-user01@contoso.com", "198.51.100.40", "2026-12-08T09:10:00Z", "lab-rg", vmWrite),
			shellSession("training-user02@contoso.com", "198.51.100.41", "2026-12-08T08:10:00Z", "lab-rg", vmWrite),
			shellSession("training-user01@contoso.com", "198.51.100.40", "2026-12-08T03:10:00Z", "lab-rg", roleWrite),
			shellSession("training.admin@contoso.com", "203.0.113.80", "2026-12-08T10:10:00Z", "prod-rg", kvRead),
		),
		exclusions: header(`
  - id: onboarding-labs
    rules: ["Azure CloudShell Usage"]
    stage: alert
    when:
      all:
        - field: Account.FullName
          wildcard: "training-user*@contoso.com"
        - window:
            from: "2026-12-07 08:00"
            to: "2026-12-11 18:00"
            zone: Europe/Amsterdam
        - schedule:
            days: mon-fri
            hours: "08:00-18:00"
            zone: Europe/Amsterdam
    action: suppress
    reason: Cloud Shell labs during the December onboarding week
    owner: training@contoso.com
    expires: 2026-12-31
`),
		base:       []string{"training-user01@contoso.com 03:00", "training-user01@contoso.com 09:00", "training-user02@contoso.com 08:00", "training.admin@contoso.com 10:00"},
		tuned:      []string{"training-user01@contoso.com 03:00", "training.admin@contoso.com 10:00"},
		suppressed: []string{"training-user01@contoso.com 09:00", "training-user02@contoso.com 08:00"},
		id:         "onboarding-labs", alertsSuppressed: 2,
		examples: []string{"Account.FullName=training-user01@contoso.com", "Account.FullName=training-user02@contoso.com"},
	},
	{
		// (5) Security audits: the audit team's accounts and scanner
		// principal, from a watchlist. A look-alike domain still alerts.
		name: "security audit",
		rows: concat(
			shellSession("auditor1@contoso.com", "198.51.100.90", "2026-12-08T09:10:00Z", "prod-rg", kvRead, roleWrite),
			shellSession(scannerSP, "198.51.100.91", "2026-12-08T10:10:00Z", "prod-rg", kvRead),
			shellSession("auditor1@contoso-audit.com", "203.0.113.90", "2026-12-08T11:10:00Z", "prod-rg", roleWrite),
		),
		exclusions: header(`
  - id: security-audit
    rules: all
    stage: alert
    when:
      field: Account.FullName
      watchlist: security-auditors
    action: suppress
    reason: Quarterly cloud configuration audit
    owner: ciso-office@contoso.com
    expires: 2027-01-31
`),
		watchlists: map[string]string{"security-auditors.csv": "Identity,Kind\nauditor1@contoso.com,person\nauditor2@contoso.com,person\n" + scannerSP + ",scanner\n"},
		base:       []string{scannerSP + " 10:00", "auditor1@contoso-audit.com 11:00", "auditor1@contoso.com 09:00"},
		tuned:      []string{"auditor1@contoso-audit.com 11:00"},
		suppressed: []string{scannerSP + " 10:00", "auditor1@contoso.com 09:00"},
		id:         "security-audit", alertsSuppressed: 2,
		examples: []string{"Account.FullName=" + scannerSP, "Account.FullName=auditor1@contoso.com"},
	},
}

func TestScenarios(t *testing.T) {
	r := cloudShellRule(t)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			sc.base, sc.tuned, sc.suppressed = sorted(sc.base), sorted(sc.tuned), sorted(sc.suppressed)
			ws := rowsWorkspace(t, sc.rows)
			at := mustTime(t, scenarioAt)

			// (a) Without tuning the benign activity alerts.
			out, err := Once(context.Background(), &Config{Rules: []*rule.Rule{r}, Workspace: ws}, at)
			if err != nil {
				t.Fatal(err)
			}
			checkRuleErrs(t, out)
			if got, _ := alertKeys(out); !equalStrings(got, sc.base) {
				t.Errorf("without tuning: alerts %q, want %q", got, sc.base)
			}
			if out.Audit != nil {
				t.Errorf("audit without tuning")
			}

			// (b, c) With the exclusion only the attacker alerts.
			set := compileTuning(t, sc.exclusions, sc.watchlists)
			out, err = Once(context.Background(), &Config{Rules: []*rule.Rule{r}, Workspace: ws, Tuning: set}, at)
			if err != nil {
				t.Fatal(err)
			}
			checkRuleErrs(t, out)
			got, supp := alertKeys(out)
			if !equalStrings(got, sc.tuned) {
				t.Errorf("with tuning: alerts %q, want %q", got, sc.tuned)
			}
			if want := sc.suppressed; !equalStrings(supp, want) {
				t.Errorf("with tuning: suppressed %q, want %q", supp, want)
			}
			for _, a := range out.Suppressed {
				if a.SuppressedBy != "exclusion "+sc.id {
					t.Errorf("suppressed alert says %q, want %q", a.SuppressedBy, "exclusion "+sc.id)
				}
			}
			e := auditEntry(t, out.Audit, sc.id)
			if e.RowsRemoved != sc.rowsRemoved || e.AlertsSuppressed != sc.alertsSuppressed {
				t.Errorf("audit: %d rows removed, %d alerts suppressed; want %d, %d", e.RowsRemoved, e.AlertsSuppressed, sc.rowsRemoved, sc.alertsSuppressed)
			}
			if sc.rowsRemoved > 0 {
				want := []tune.InputCount{{Rule: r.Name, Table: workspace.ActivityTable, Rows: sc.rowsRemoved}}
				if fmt.Sprint(e.Input) != fmt.Sprint(want) {
					t.Errorf("audit input %+v, want %+v", e.Input, want)
				}
			}
			ex := exampleValues(e)
			if len(ex) != len(sc.examples) {
				t.Errorf("audit examples %q, want %d starting %q", ex, len(sc.examples), sc.examples)
			} else {
				sort.Strings(ex)
				want := append([]string(nil), sc.examples...)
				sort.Strings(want)
				for i := range want {
					if !strings.HasPrefix(ex[i], want[i]) {
						t.Errorf("audit example %q, want it to start %q", ex[i], want[i])
					}
				}
			}
			if len(out.Audit.Warnings) > 0 {
				t.Errorf("audit warnings: %q", out.Audit.Warnings)
			}
		})
	}
}

// TestInputStageCallerIP shows an input-stage exclusion on CallerIpAddress
// removing a pipeline's Cloud Shell alert although the rule's output has
// no address column, while a person at the neighbouring address still
// alerts. The same test at the alert stage cannot apply: lint refuses it.
func TestInputStageCallerIP(t *testing.T) {
	r := cloudShellRule(t)
	rows := concat(
		shellSession("build-agent@contoso.com", "10.20.30.9", "2026-12-08T07:10:00Z", "app-rg", deployOp),
		shellSession("svc-release@contoso.com", "10.20.30.200", "2026-12-08T08:10:00Z", "app-rg", deployOp, vmWrite),
		shellSession("eve@contoso.com", "10.20.31.5", "2026-12-08T09:10:00Z", "app-rg", roleWrite),
	)
	ws := rowsWorkspace(t, rows)
	at := mustTime(t, scenarioAt)
	cfg := &Config{Rules: []*rule.Rule{r}, Workspace: ws}
	out, err := Once(context.Background(), cfg, at)
	if err != nil {
		t.Fatal(err)
	}
	checkRuleErrs(t, out)
	for _, c := range out.Rules[0].Runs[0].Columns {
		if strings.Contains(strings.ToLower(c.Name), "ip") {
			t.Fatalf("the rule's output has an address column %q; the test needs one without", c.Name)
		}
	}
	if got, want := fullNames(out.Alerts), []string{"build-agent@contoso.com", "eve@contoso.com", "svc-release@contoso.com"}; !equalStrings(got, want) {
		t.Fatalf("without tuning: %q, want %q", got, want)
	}

	const ipOnly = `
  - id: build-subnet
    rules: all
    stage: %s
    when:
      field: CallerIpAddress
      cidr: [10.20.30.0/24]
    action: suppress
    reason: CI/CD agents run in the build subnet
    owner: devops@contoso.com
    expires: 2027-03-31
`
	cfg.Tuning = compileTuning(t, header(fmt.Sprintf(ipOnly, "input")), nil)
	out, err = Once(context.Background(), cfg, at)
	if err != nil {
		t.Fatal(err)
	}
	checkRuleErrs(t, out)
	if got, want := fullNames(out.Alerts), []string{"eve@contoso.com"}; !equalStrings(got, want) {
		t.Errorf("with tuning: %q, want %q", got, want)
	}
	if len(out.Suppressed) != 0 {
		t.Errorf("input-stage exclusion suppressed alerts: %q", fullNames(out.Suppressed))
	}
	e := auditEntry(t, out.Audit, "build-subnet")
	if e.RowsRemoved != 5 {
		t.Errorf("rows removed %d, want 5", e.RowsRemoved)
	}
	if got, want := exampleValues(e), []string{"CallerIpAddress=10.20.30.200", "CallerIpAddress=10.20.30.9"}; !equalStrings(got, want) {
		t.Errorf("examples %q, want %q", got, want)
	}

	// At the alert stage CallerIpAddress is not a result column: lint,
	// told the rule's output, refuses the exclusion.
	f, err := tune.Parse("alert.yaml", []byte(header(fmt.Sprintf(ipOnly, "alert"))))
	if err != nil {
		t.Fatal(err)
	}
	output := &batch.Schema{Fields: out.Rules[0].Runs[0].Columns}
	fs := tune.Lint(f, tune.LintEnv{Now: tuneNow, Rules: []tune.RuleInfo{{ID: r.ID, Name: r.Name, Output: output}}})
	if !fs.HasErrors() || !strings.Contains(fs.Error(), "CallerIpAddress") {
		t.Errorf("lint of an alert-stage CallerIpAddress exclusion: %v, want an error naming the column", fs)
	}
}

func checkRuleErrs(t *testing.T, out *Outcome) {
	t.Helper()
	for _, ro := range out.Rules {
		if ro.Err != nil {
			t.Fatalf("%s: %v", ro.Rule.Name, ro.Err)
		}
	}
}

// sorted returns a sorted copy of s (never nil).
func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// alertKeys returns the raised and the suppressed alerts of an outcome as
// sorted "Account.FullName hh:mm" strings, hh:mm being the session's hour
// (the rule's timekey column).
func alertKeys(out *Outcome) (raised, suppressed []string) {
	raised, suppressed = []string{}, []string{}
	for _, ro := range out.Rules {
		for _, run := range ro.Runs {
			raised = append(raised, runKeys(run, run.Alerts)...)
			suppressed = append(suppressed, runKeys(run, run.Suppressed)...)
		}
	}
	sort.Strings(raised)
	sort.Strings(suppressed)
	return raised, suppressed
}

func runKeys(run *rule.RunResult, as []*alert.Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, entityValue(a, "Account", "FullName")+" "+timekey(run, a).Format("15:04"))
	}
	return out
}

// timekey returns the earliest timekey of the result rows behind a.
func timekey(run *rule.RunResult, a *alert.Alert) time.Time {
	ci := -1
	for i, c := range run.Info.Result.Columns() {
		if c.Name == "timekey" {
			ci = i
		}
	}
	if ci < 0 || len(a.Rows) == 0 {
		return time.Time{}
	}
	return types.TimeFromTicks(run.Info.Result.Value(a.Rows[0], ci).I)
}

// TestExpiredExclusionStopsApplying runs the admin scenario after its
// exclusion expired: the admins' sessions alert again and the audit says
// why.
func TestExpiredExclusionStopsApplying(t *testing.T) {
	sc := scenarios[0]
	f, err := tune.Parse("exclusions.yaml", []byte(sc.exclusions))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, content := range sc.watchlists {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wl, err := tune.OpenWatchlists(dir, tune.WatchlistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The exclusion's last day is 2027-03-31.
	set, err := tune.Compile(f, tune.Options{Now: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), Watchlists: wl})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Rules: []*rule.Rule{cloudShellRule(t)}, Workspace: rowsWorkspace(t, sc.rows), Tuning: set}
	out, err := Once(context.Background(), cfg, mustTime(t, scenarioAt))
	if err != nil {
		t.Fatal(err)
	}
	checkRuleErrs(t, out)
	if got, _ := alertKeys(out); !equalStrings(got, sorted(sc.base)) {
		t.Errorf("alerts %q, want all of %q", got, sc.base)
	}
	e := auditEntry(t, out.Audit, sc.id)
	if !e.Expired || e.RowsRemoved != 0 {
		t.Errorf("audit entry: expired=%v, %d rows removed", e.Expired, e.RowsRemoved)
	}
	if len(out.Audit.Warnings) != 1 || !strings.Contains(out.Audit.Warnings[0], "expired") {
		t.Errorf("audit warnings %q, want one about the expiry", out.Audit.Warnings)
	}
}

// TestAlertStageResultColumns tunes on the rule's result columns rather
// than its entities: Caller (a string column) and timestamp (a datetime
// column read by a window), and re-grades and tags instead of
// suppressing.
func TestAlertStageResultColumns(t *testing.T) {
	rows := concat(
		shellSession("ops1@contoso.com", "198.51.100.5", "2026-12-08T09:10:00Z", "ops-rg", vmWrite),
		shellSession("ops2@contoso.com", "198.51.100.6", "2026-12-08T10:10:00Z", "ops-rg", vmWrite),
		shellSession("ops1@contoso.com", "198.51.100.5", "2026-12-08T11:10:00Z", "ops-rg", roleWrite),
	)
	set := compileTuning(t, header(`
  - id: ops-morning
    rules: all
    stage: alert
    when:
      all:
        - field: Caller
          wildcard: "ops?@contoso.com"
        - field: timestamp
          window: {from: "2026-12-08 09:00", to: "2026-12-08 11:00", zone: UTC}
    action: set-severity
    severity: Low
    reason: test
    owner: test@contoso.com
    expires: 2027-03-31
  - id: ops-tag
    rules: all
    stage: alert
    when:
      field: set_OperationNameValue
      regex: 'roleAssignments/write'
    action: tag
    tags: [privileged]
    reason: test
    owner: test@contoso.com
    expires: 2027-03-31
`), nil)
	cfg := &Config{Rules: []*rule.Rule{cloudShellRule(t)}, Workspace: rowsWorkspace(t, rows), Tuning: set}
	out, err := Once(context.Background(), cfg, mustTime(t, scenarioAt))
	if err != nil {
		t.Fatal(err)
	}
	checkRuleErrs(t, out)
	run := out.Rules[0].Runs[0]
	var got []string
	for _, a := range run.Alerts {
		got = append(got, fmt.Sprintf("%s %s %s %v", entityValue(a, "Account", "FullName"), timekey(run, a).Format("15:04"), a.AlertSeverity, a.Tags))
	}
	sort.Strings(got)
	want := []string{
		"ops1@contoso.com 09:00 Low []",
		"ops1@contoso.com 11:00 Medium [privileged]",
		"ops2@contoso.com 10:00 Low []",
	}
	if !equalStrings(got, want) {
		t.Errorf("alerts %q, want %q", got, want)
	}
	if e := auditEntry(t, out.Audit, "ops-morning"); e.AlertsChanged != 2 {
		t.Errorf("ops-morning changed %d alerts, want 2", e.AlertsChanged)
	}
	if e := auditEntry(t, out.Audit, "ops-tag"); e.AlertsChanged != 1 {
		t.Errorf("ops-tag changed %d alerts, want 1", e.AlertsChanged)
	}
}
