package rule

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"kqlhunt/alert"
)

const scheduledYAML = `id: 8a0d8e78-7d9a-4f11-9f0b-1b2c3d4e5f60
name: Storage key listing
description: Lists of storage keys.
severity: Low
kind: Scheduled
requiredDataConnectors:
  - connectorId: AzureActivity
    dataTypes:
      - AzureActivity
queryFrequency: 1h
queryPeriod: 2h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - CredentialAccess
relevantTechniques:
  - T1552
query: |
  AzureActivity | where OperationNameValue has "listKeys"
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: Caller
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: CallerIpAddress
version: 1.0.0
`

func mustParse(t *testing.T, src string) *Rule {
	t.Helper()
	r, err := Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunAtScopesWindowAndBuildsSingleAlert(t *testing.T) {
	eng := weekEvents()
	r := mustParse(t, scheduledYAML)
	at := t0.Add(24*time.Hour + 6*time.Hour) // day 1, 06:00 → window 04:00–06:00
	res, err := RunAt(context.Background(), eng, r, at, &Options{Workspace: "ws"})
	if err != nil {
		t.Fatal(err)
	}
	if len(eng.calls) != 1 || !eng.calls[0].from.Equal(at.Add(-2*time.Hour)) || !eng.calls[0].to.Equal(at) {
		t.Fatalf("engine called with %+v, want [%v, %v]", eng.calls, at.Add(-2*time.Hour), at)
	}
	if res.Info.Rows != 1 || !res.Info.Fired || len(res.Alerts) != 1 {
		t.Fatalf("rows=%d fired=%v alerts=%d, want 1 row, fired, 1 alert", res.Info.Rows, res.Info.Fired, len(res.Alerts))
	}
	a := res.Alerts[0]
	if a.AlertType != "ws_"+r.ID || a.AlertSeverity != "Low" || a.Tactics != "CredentialAccess" || a.Techniques != "T1552" {
		t.Errorf("alert fields: type %q severity %q tactics %q techniques %q", a.AlertType, a.AlertSeverity, a.Tactics, a.Techniques)
	}
	var ep map[string]string
	if err := json.Unmarshal([]byte(a.ExtendedProperties), &ep); err != nil {
		t.Fatal(err)
	}
	if ep["Query Period"] != "02:00:00" || ep["Search Query Results Overall Count"] != "1" || ep["Event Grouping"] != "SingleAlert" {
		t.Errorf("extended properties %v", ep)
	}
}

func TestTriggerOperators(t *testing.T) {
	cases := []struct {
		op        string
		threshold int
		rows      int
		fire      bool
	}{
		{"gt", 0, 0, false}, {"gt", 0, 1, true}, {"gt", 2, 2, false}, {"gt", 2, 3, true},
		{"lt", 2, 1, true}, {"lt", 2, 2, false}, {"lt", 1, 0, true},
		{"eq", 2, 2, true}, {"eq", 2, 3, false}, {"eq", 0, 0, true},
		{"ne", 2, 2, false}, {"ne", 2, 0, true},
		{"GreaterThan", 1, 2, true}, {"LessThan", 1, 2, false}, {"Equal", 2, 2, true}, {"NotEqual", 2, 2, false},
	}
	for _, c := range cases {
		eng := &fakeEngine{fields: activityFields}
		for i := 0; i < c.rows; i++ {
			eng.rows = append(eng.rows, ev(t0.Add(-time.Duration(i+1)*time.Minute), "u@x.com", "1.2.3.4", "op"))
		}
		src := strings.Replace(scheduledYAML, "triggerOperator: gt", "triggerOperator: "+c.op, 1)
		src = strings.Replace(src, "triggerThreshold: 0", "triggerThreshold: "+strconv.Itoa(c.threshold), 1)
		r := mustParse(t, src)
		res, err := RunAt(context.Background(), eng, r, t0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Info.Fired != c.fire || (len(res.Alerts) > 0) != c.fire {
			t.Errorf("%s %d with %d rows: fired=%v alerts=%d, want fired=%v", c.op, c.threshold, c.rows, res.Info.Fired, len(res.Alerts), c.fire)
		}
	}
}

func TestAlertPerResultCap(t *testing.T) {
	for _, n := range []int{1, 3, 149, 150, 151, 400} {
		eng := &fakeEngine{fields: activityFields}
		for i := 0; i < n; i++ {
			eng.rows = append(eng.rows, ev(t0.Add(-time.Duration(i+1)*time.Second), "user"+strconv.Itoa(i)+"@x.com", "1.2.3.4", "op"))
		}
		src := scheduledYAML + "eventGroupingSettings:\n  aggregationKind: AlertPerResult\n"
		r := mustParse(t, src)
		res, err := RunAt(context.Background(), eng, r, t0, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := n
		if n > alert.MaxAlertsPerRun {
			want = alert.MaxAlertsPerRun
		}
		if len(res.Alerts) != want {
			t.Fatalf("%d rows: %d alerts, want %d", n, len(res.Alerts), want)
		}
		last := res.Alerts[len(res.Alerts)-1]
		wantRows := 1
		if n > alert.MaxAlertsPerRun {
			wantRows = n
		}
		if len(last.Rows) != wantRows {
			t.Errorf("%d rows: last alert covers %d rows, want %d", n, len(last.Rows), wantRows)
		}
		ids := map[string]bool{}
		for _, a := range res.Alerts {
			if ids[a.SystemAlertId] {
				t.Fatalf("%d rows: duplicate SystemAlertId %s", n, a.SystemAlertId)
			}
			ids[a.SystemAlertId] = true
		}
	}
}

func TestHuntingDefaults(t *testing.T) {
	r := mustParse(t, `id: 42831fb3-f61d-41e9-95d9-f08797479a0e
name: Hunt
query: AzureActivity
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: Caller
`)
	if !r.IsHunting() {
		t.Fatal("not hunting")
	}
	s := Effective(r, nil)
	if s.Period != 24*time.Hour || s.Frequency != 24*time.Hour || s.Grouping != AlertPerResult || s.Severity != "Medium" || len(s.Defaulted) == 0 {
		t.Fatalf("hunting settings %+v", s)
	}
	eng := weekEvents()
	at := t0.Add(48 * time.Hour)
	res, err := RunAt(context.Background(), eng, r, at, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !eng.calls[0].from.Equal(at.Add(-24 * time.Hour)) {
		t.Errorf("hunting window from %v", eng.calls[0].from)
	}
	if res.Info.Rows == 0 || len(res.Alerts) != res.Info.Rows {
		t.Errorf("hunting: %d rows, %d alerts (want one per row)", res.Info.Rows, len(res.Alerts))
	}
	s2 := Effective(r, &Options{HuntingPeriod: 7 * 24 * time.Hour, HuntingSeverity: "high"})
	if s2.Period != 7*24*time.Hour || s2.Severity != "High" {
		t.Errorf("options not applied: %+v", s2)
	}
}

func TestNRTSettings(t *testing.T) {
	r := mustParse(t, "id: x\nname: n\nkind: NRT\nseverity: High\nquery: T\n")
	s := Effective(r, nil)
	if s.Frequency != time.Minute || s.Period != time.Minute || s.Kind != NRT {
		t.Fatalf("NRT settings %+v", s)
	}
}

func TestHookDropsAndRetags(t *testing.T) {
	eng := weekEvents()
	r := mustParse(t, scheduledYAML+"eventGroupingSettings:\n  aggregationKind: AlertPerResult\n")
	var seen RunInfo
	hook := func(r *Rule, run RunInfo, alerts []*alert.Alert) ([]*alert.Alert, error) {
		seen = run
		var keep []*alert.Alert
		for _, a := range alerts {
			if strings.Contains(a.Entities, "bob") {
				continue
			}
			a.AlertSeverity = "Informational"
			a.AddTag("tuned")
			keep = append(keep, a)
		}
		return keep, nil
	}
	// A week-long window holds every event, bob's included.
	r.QueryPeriod = 7 * 24 * time.Hour
	r.QueryFrequency = 7 * 24 * time.Hour
	res, err := RunAt(context.Background(), eng, r, t0.Add(7*24*time.Hour), &Options{Hooks: []AlertHook{hook}})
	if err != nil {
		t.Fatal(err)
	}
	if !seen.Fired || seen.Rows != len(eng.rows) {
		t.Errorf("hook saw %+v", seen)
	}
	if len(res.Suppressed) == 0 || len(res.Alerts)+len(res.Suppressed) != len(eng.rows) {
		t.Fatalf("alerts %d suppressed %d rows %d", len(res.Alerts), len(res.Suppressed), len(eng.rows))
	}
	for _, a := range res.Suppressed {
		if a.SuppressedBy != "alert hook" || !strings.Contains(a.Entities, "bob") {
			t.Errorf("suppressed alert %q by %q", a.Entities, a.SuppressedBy)
		}
	}
	for _, a := range res.Alerts {
		if a.AlertSeverity != "Informational" || !reflect.DeepEqual(a.Tags, []string{"tuned"}) {
			t.Errorf("kept alert severity %q tags %v", a.AlertSeverity, a.Tags)
		}
	}
	failing := func(*Rule, RunInfo, []*alert.Alert) ([]*alert.Alert, error) { return nil, errors.New("boom") }
	if _, err := RunAt(context.Background(), eng, r, t0.Add(7*24*time.Hour), &Options{Hooks: []AlertHook{failing}}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("hook error not returned: %v", err)
	}
}

func TestRunErrors(t *testing.T) {
	r := mustParse(t, scheduledYAML)
	eng := &fakeEngine{runErr: errors.New("table not found")}
	if _, err := RunAt(context.Background(), eng, r, t0, nil); err == nil || !strings.Contains(err.Error(), "table not found") {
		t.Errorf("engine error: %v", err)
	}
	r.Query = "  "
	if _, err := RunAt(context.Background(), eng, r, t0, nil); !errors.Is(err, ErrNoQuery) {
		t.Errorf("empty query: %v", err)
	}
}
