package alert

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"kqlhunt/kql/types"
)

// documentedColumns is the SecurityAlert column list of
// docs/sentinel-rules.md §3.4, copied here so the test checks the type
// against the documentation rather than against itself.
var documentedColumns = strings.Fields(`TenantId TimeGenerated DisplayName AlertName AlertSeverity Description
ProviderName VendorName VendorOriginalId SystemAlertId ResourceId SourceComputerId AlertType ConfidenceLevel
ConfidenceScore IsIncident StartTime EndTime ProcessingEndTime RemediationSteps ExtendedProperties Entities
SourceSystem WorkspaceSubscriptionId WorkspaceResourceGroup ExtendedLinks ProductName ProductComponentName
AlertLink Status CompromisedEntity Tactics Techniques Type`)

func jsonKeys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestSecurityAlertJSONKeysMatchDocs(t *testing.T) {
	for _, a := range fixtureAlerts() {
		b, err := json.Marshal(&a.SecurityAlert)
		if err != nil {
			t.Fatal(err)
		}
		if keys := jsonKeys(t, b); !reflect.DeepEqual(keys, documentedColumns) {
			t.Fatalf("SecurityAlert JSON keys\n%v\nwant\n%v", keys, documentedColumns)
		}
	}
	// A SecurityAlert value (not only a pointer) marshals the same way.
	a := fixtureAlerts()[0]
	byValue, _ := json.Marshal(a.SecurityAlert)
	byPtr, _ := json.Marshal(&a.SecurityAlert)
	if !bytes.Equal(byValue, byPtr) {
		t.Errorf("value and pointer JSON differ:\n%s\n%s", byValue, byPtr)
	}
	if !reflect.DeepEqual(Columns, documentedColumns) {
		t.Errorf("Columns differ from the documented list")
	}
	// The JSONL writer emits the same bare objects.
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, fixtureAlerts()); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if keys := jsonKeys(t, []byte(line)); !reflect.DeepEqual(keys, documentedColumns) {
			t.Fatalf("JSONL keys %v", keys)
		}
	}
}

func TestBuildValues(t *testing.T) {
	alerts := fixtureAlerts()
	if len(alerts) != 3 {
		t.Fatalf("%d alerts, want 3 (AlertPerResult)", len(alerts))
	}
	a := alerts[0]
	checks := map[string][2]string{
		"AlertName":            {a.AlertName, "Keys listed by alice@contoso.com"},
		"DisplayName":          {a.DisplayName, "Keys listed by alice@contoso.com"},
		"AlertSeverity":        {a.AlertSeverity, "High"}, // from the severity column
		"ProviderName":         {a.ProviderName, "ASI Scheduled Alerts"},
		"VendorName":           {a.VendorName, "Microsoft"},
		"ProductName":          {a.ProductName, "Azure Sentinel"},
		"ProductComponentName": {a.ProductComponentName, "Scheduled Alerts"},
		"AlertType":            {a.AlertType, "7b3f088b-0000-4000-8000-00000000abcd_8a0d8e78-7d9a-4f11-9f0b-1b2c3d4e5f60"},
		"Status":               {a.Status, "New"},
		"SourceSystem":         {a.SourceSystem, "Detection"},
		"Tactics":              {a.Tactics, "CredentialAccess"},
		"Techniques":           {a.Techniques, "T1552"},
		"Type":                 {a.Type, "SecurityAlert"},
		"StartTime":            {FormatTime(a.StartTime), "2026-03-04T11:10:00.0000000Z"},
		"TimeGenerated":        {FormatTime(a.TimeGenerated), "2026-03-04T12:05:00.0000000Z"},
	}
	for k, v := range checks {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", k, v[0], v[1])
		}
	}
	if a.IsIncident {
		t.Error("IsIncident true")
	}
	if alerts[1].AlertSeverity != "Medium" {
		t.Errorf("invalid severity column value should fall back to the rule's: %q", alerts[1].AlertSeverity)
	}
	var ep map[string]string
	if err := json.Unmarshal([]byte(a.ExtendedProperties), &ep); err != nil {
		t.Fatal(err)
	}
	for _, k := range ExtendedPropertyKeys {
		if _, ok := ep[k]; !ok {
			t.Errorf("ExtendedProperties lacks %q", k)
		}
	}
	if ep["Query Period"] != "02:00:00" || ep["Trigger Operator"] != "GreaterThan" || ep["Search Query Results Overall Count"] != "3" ||
		ep["Query Start Time UTC"] != "2026-03-04 10:00:00Z" || ep["Analytic Rule Ids"] != `["8a0d8e78-7d9a-4f11-9f0b-1b2c3d4e5f60"]` ||
		ep["Event Grouping"] != "AlertPerResult" || ep["Custom Details"] != `{"Caller":["alice@contoso.com"],"Operations":["3"]}` ||
		!strings.HasPrefix(ep["Query"], "set query_datetimescope_column") || ep["OriginalQuery"] != fixtureSpec().Query {
		t.Errorf("extended properties: %v", ep)
	}
	// Without a TimeGenerated column, Start/End are the run window.
	rows := fixtureRows()
	rows.Fields[0].Name = "timestamp"
	single := *fixtureSpec()
	single.Grouping = SingleAlert
	win := Window{From: runTime.Add(-2 * time.Hour), To: runTime}
	s := Build(&single, win, rows)
	if len(s) != 1 || !s[0].StartTime.Equal(win.From) || !s[0].EndTime.Equal(win.To) || len(s[0].Rows) != 3 {
		t.Fatalf("single alert without TimeGenerated: %+v", s)
	}
	// A placeholder naming a missing column falls back to the rule name.
	single.DisplayNameFormat = "By {{Nope}}"
	if got := Build(&single, win, rows)[0].AlertName; got != single.RuleName {
		t.Errorf("fallback name %q", got)
	}
}

func TestSystemAlertIdStability(t *testing.T) {
	a1, a2 := fixtureAlerts(), fixtureAlerts()
	for i := range a1 {
		if a1[i].SystemAlertId != a2[i].SystemAlertId || a1[i].SecurityAlert.ExtendedProperties != a2[i].SecurityAlert.ExtendedProperties {
			t.Fatalf("alert %d not reproducible", i)
		}
	}
	seen := map[string]bool{}
	for _, a := range a1 {
		if seen[a.SystemAlertId] {
			t.Fatal("duplicate id within a run")
		}
		seen[a.SystemAlertId] = true
	}
	win := Window{From: runTime.Add(-2 * time.Hour), To: runTime}
	later := Build(fixtureSpec(), Window{From: win.From.Add(time.Hour), To: win.To.Add(time.Hour)}, fixtureRows())
	if later[0].SystemAlertId == a1[0].SystemAlertId {
		t.Error("a different run time must give a different id")
	}
	rows := fixtureRows()
	rows.Data[0][4] = str("changed")
	if Build(fixtureSpec(), win, rows)[0].SystemAlertId == a1[0].SystemAlertId {
		t.Error("different row content must give a different id")
	}
	other := fixtureSpec()
	other.RuleID = "00000000-0000-0000-0000-000000000000"
	if Build(other, win, fixtureRows())[0].SystemAlertId == a1[0].SystemAlertId {
		t.Error("a different rule must give a different id")
	}
	var ids strings.Builder
	for _, a := range a1 {
		ids.WriteString(a.SystemAlertId + " " + a.VendorOriginalId + "\n")
	}
	golden(t, "systemalertid", []byte(ids.String()))
	if g := DeriveGUID("x"); len(g) != 36 || g[14] != '5' {
		t.Errorf("DeriveGUID %q is not a version-5 style GUID", g)
	}
}

func TestOverflowSummaryAlert(t *testing.T) {
	rows := &Table{Fields: fixtureRows().Fields}
	base := fixtureRows().Data[0]
	for i := 0; i < 320; i++ {
		r := append([]types.Value(nil), base...)
		r[1] = str("user" + strings.Repeat("x", i%7) + "@contoso.com")
		rows.Data = append(rows.Data, r)
	}
	alerts := Build(fixtureSpec(), Window{From: runTime.Add(-2 * time.Hour), To: runTime}, rows)
	if len(alerts) != MaxAlertsPerRun {
		t.Fatalf("%d alerts", len(alerts))
	}
	last := alerts[MaxAlertsPerRun-1]
	if len(last.Rows) != 320 {
		t.Errorf("summary alert covers %d rows, want the whole result (320)", len(last.Rows))
	}
	for _, a := range alerts[:MaxAlertsPerRun-1] {
		if len(a.Rows) != 1 {
			t.Fatalf("per-row alert covers %d rows", len(a.Rows))
		}
	}
}

func TestSecurityAlertJSONRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	alerts := fixtureAlerts()
	score := 0.75
	alerts[1].ConfidenceScore = &score
	alerts[1].IsIncident = true
	if err := WriteJSONL(&buf, alerts); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var back SecurityAlert
		if err := json.Unmarshal([]byte(line), &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, alerts[i].SecurityAlert) {
			t.Errorf("alert %d does not round-trip:\n%+v\n%+v", i, back, alerts[i].SecurityAlert)
		}
	}
	var bad SecurityAlert
	for _, s := range []string{`{"TimeGenerated":"yesterday"}`, `{"StartTime":"9999-12-31T23:59:59-01:00"}`, `{"IsIncident":"no"}`, `[]`, `{"AlertName":3}`} {
		if err := json.Unmarshal([]byte(s), &bad); err == nil {
			t.Errorf("%s accepted", s)
		}
	}
}

func FuzzSecurityAlertJSON(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, fixtureAlerts()[:1]); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.String())
	f.Add(`{"TimeGenerated":"2026-01-01T00:00:00Z","ConfidenceScore":null}`)
	f.Add(`{"StartTime":"9999-12-31T23:59:59-01:00"}`)
	f.Fuzz(func(t *testing.T, s string) {
		var a SecurityAlert
		if json.Unmarshal([]byte(s), &a) != nil {
			return
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var again SecurityAlert
		if err := json.Unmarshal(b, &again); err != nil {
			t.Fatalf("re-read of %s: %v", b, err)
		}
	})
}
