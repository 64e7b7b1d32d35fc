package rule

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kqlhunt/alert"
	"kqlhunt/batch"
	"kqlhunt/internal/shared"
	"kqlhunt/kql/types"
)

func TestParseDuration(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"5m", 5 * time.Minute, true}, {"1h", time.Hour, true}, {"1d", 24 * time.Hour, true}, {"14d", 14 * 24 * time.Hour, true},
		{" 6h ", 6 * time.Hour, true}, {"30s", 30 * time.Second, true},
		{"PT1H", time.Hour, true}, {"P1D", 24 * time.Hour, true}, {"PT5M", 5 * time.Minute, true}, {"P1DT12H", 36 * time.Hour, true},
		{"pt30m", 30 * time.Minute, true}, {"P2W", 14 * 24 * time.Hour, true}, {"PT1.5H", 90 * time.Minute, true},
		{"", 0, false}, {"5", 0, false}, {"m", 0, false}, {"5x", 0, false}, {"P1M", 0, false}, {"PT", 0, false},
		{"P", 0, false}, {"PT1D", 0, false}, {"2 weeks", 0, false}, {"99999999999999999999d", 0, false},
	}
	for _, c := range cases {
		got, err := ParseDuration(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
	for _, d := range []time.Duration{5 * time.Minute, time.Hour, 36 * time.Hour, 14 * 24 * time.Hour, 90 * time.Second} {
		back, err := ParseDuration(FormatDuration(d))
		if err != nil || back != d {
			t.Errorf("FormatDuration(%v) = %q does not round-trip", d, FormatDuration(d))
		}
	}
}

func TestParseFieldsAndPositions(t *testing.T) {
	src := "\xef\xbb\xbfid: abc\r\nname: Test rule\r\nkind: scheduled\r\nseverity: High\r\nqueryFrequency: PT1H\r\nqueryPeriod: P1D\r\n" +
		"triggerOperator: GreaterThan\r\ntriggerThreshold: 3\r\ntactics: [InitialAccess, Persistence]\r\nrelevantTechniques:\r\n  - T1078.004\r\n" +
		"query: |\r\n  SigninLogs\r\n  | take 1\r\ncustomDetails:\r\n  User: UserPrincipalName\r\n  Ip: IPAddress\r\n" +
		"alertDetailsOverride:\r\n  alertDisplayNameFormat: Sign-in by {{UserPrincipalName}}\r\n  alertSeverityColumnName: Sev\r\n  alertDynamicProperties:\r\n    - alertProperty: AlertLink\r\n      value: Link\r\n" +
		"eventGroupingSettings:\r\n  aggregationKind: AlertPerResult\r\nsuppressionEnabled: true\r\nsuppressionDuration: 5h\r\n" +
		"incidentConfiguration:\r\n  createIncident: true\r\n  groupingConfiguration:\r\n    enabled: true\r\n    lookbackDuration: PT5H\r\n    matchingMethod: Selected\r\n    groupByEntities: [Account]\r\n" +
		"version: 1.0.2\r\nstatus: Available\r\nmetadata:\r\n  author:\r\n    name: Someone\r\n"
	r, err := Parse("r.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 0 {
		t.Fatalf("problems: %v", r.Problems)
	}
	if r.Kind != Scheduled || r.QueryFrequency != time.Hour || r.QueryPeriod != 24*time.Hour || r.TriggerOperator != GreaterThan ||
		r.TriggerThreshold != 3 || len(r.Tactics) != 2 || r.RelevantTechniques[0] != "T1078.004" || r.Query != "SigninLogs\n| take 1\n" ||
		r.EventGrouping != AlertPerResult || !r.SuppressionEnabled || r.SuppressionDuration != 5*time.Hour || r.Version != "1.0.2" || r.Status != "Available" {
		t.Errorf("parsed rule %+v", r)
	}
	if len(r.CustomDetails) != 2 || r.CustomDetails[1] != (CustomDetail{"Ip", "IPAddress"}) {
		t.Errorf("custom details %v", r.CustomDetails)
	}
	o := r.AlertDetailsOverride
	if o == nil || o.DisplayNameFormat != "Sign-in by {{UserPrincipalName}}" || o.SeverityColumn != "Sev" || len(o.DynamicProperties) != 1 || o.DynamicProperties[0].Value != "Link" {
		t.Errorf("alert details %+v", o)
	}
	ic := r.IncidentConfiguration
	if ic == nil || !ic.CreateIncident || ic.Grouping == nil || ic.Grouping.LookbackDuration != 5*time.Hour || ic.Grouping.GroupByEntities[0] != "Account" {
		t.Errorf("incident configuration %+v", ic)
	}
	if r.Metadata["author"].(map[string]any)["name"] != "Someone" {
		t.Errorf("metadata %v", r.Metadata)
	}
	for field, want := range map[string]Pos{"id": {1, 5}, "queryPeriod": {6, 14}, "relevantTechniques[0]": {11, 5}, "customDetails.Ip": {17, 7}, "tactics[1]": {9, 26}} {
		if got := r.Pos[field]; got != want {
			t.Errorf("position of %s = %v, want %v", field, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"not a mapping":  "- a\n- b\n",
		"syntax":         "id: [x\n",
		"two documents":  "id: a\n---\nid: b\n",
		"empty":          "",
		"duplicate keys": "id: a\nid: b\n",
	}
	for name, src := range cases {
		if _, err := Parse("e.yaml", []byte(src)); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "e.yaml:") {
			t.Errorf("%s: error without position: %v", name, err)
		}
	}
	r, err := Parse("p.yaml", []byte("id: a\nname: n\nkind: Weird\nqueryPeriod: 1y\ntriggerThreshold: many\ntactics: {a: b}\n"))
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, p := range r.Problems {
		codes[p.Code] = true
	}
	for _, c := range []string{"kind", "duration-syntax", "trigger-threshold", "field-type"} {
		if !codes[c] {
			t.Errorf("no %s problem in %v", c, r.Problems)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(scheduledYAML))
	f.Add([]byte("id: a\nquery: |\n  T\n"))
	f.Add([]byte("\xef\xbb\xbfkind: NRT\r\nentityMappings:\r\n  - entityType: [x]\r\n"))
	f.Add([]byte("a: &x 1\nb: *x\n"))
	f.Add([]byte("incidentConfiguration:\n  groupingConfiguration:\n    lookbackDuration: P\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		Lint(r, nil)
		Effective(r, nil)
	})
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"5m", "PT1H", "P1DT2H30M", "14d", "P", "1.5", "PT-1H"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err == nil && d < 0 {
			t.Fatalf("negative duration %v from %q", d, s)
		}
	})
}

// TestCloudShellRun runs the corpus's CloudShell hunting query against a
// canned result with the query's real output columns: the account entity
// comes from AccountCustomEntity (mapped as Account FullName), and with no
// TimeGenerated column the alert spans the run window.
func TestCloudShellRun(t *testing.T) {
	dir := shared.Path(t, "corpus/sentinel/rules")
	r, err := LoadFile(filepath.Join(dir, "upstream__Hunting Queries__AzureActivity__Azure-CloudShell-Usage.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	hour := types.NewDateTime(types.TicksFromTime(at.Add(-5 * time.Hour)))
	res := &alert.Table{
		Fields: []batch.Field{
			{Name: "Caller", Type: types.String}, {Name: "timekey", Type: types.DateTime},
			{Name: "Caller1", Type: types.String}, {Name: "timekey1", Type: types.DateTime},
			{Name: "set_OperationNameValue", Type: types.Dynamic}, {Name: "timestamp", Type: types.DateTime},
			{Name: "AccountCustomEntity", Type: types.String},
		},
		Data: [][]types.Value{{
			types.NewString("alice@contoso.com"), hour, types.NewString("alice@contoso.com"), hour,
			types.NewDynamic([]any{"Microsoft.Resources/deployments/write"}), hour, types.NewString("alice@contoso.com"),
		}},
	}
	eng := &cannedEngine{res: res}
	out, err := RunAt(context.Background(), eng, r, at, &Options{Workspace: "ws"})
	if err != nil {
		t.Fatal(err)
	}
	if !eng.from.Equal(at.Add(-24*time.Hour)) || len(out.Alerts) != 1 {
		t.Fatalf("from %v, %d alerts", eng.from, len(out.Alerts))
	}
	a := out.Alerts[0]
	if a.Entities != `[{"$id":"1","FullName":"alice@contoso.com","Name":"alice","UPNSuffix":"contoso.com","Type":"account"}]` {
		t.Errorf("entities %s", a.Entities)
	}
	if !a.StartTime.Equal(at.Add(-24*time.Hour)) || !a.EndTime.Equal(at) || a.AlertName != "Azure CloudShell Usage" || a.AlertSeverity != "Medium" ||
		a.Tactics != "Execution" || a.Techniques != "T1059" {
		t.Errorf("alert %+v", a.SecurityAlert)
	}
}

type cannedEngine struct {
	res      ResultSet
	from, to time.Time
}

func (c *cannedEngine) Run(_ context.Context, _ string, from, to time.Time) (ResultSet, error) {
	c.from, c.to = from, to
	return c.res, nil
}

func (c *cannedEngine) TablesRead(string) ([]string, error) { return []string{"AzureActivity"}, nil }

func TestExpandTemplate(t *testing.T) {
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	q := "let starttime = todatetime('{{StartTimeISO}}');\nlet endtime = todatetime('{{EndTimeISO}}');\nT"
	want := "let starttime = todatetime('2026-03-01T00:00:00.0000000Z');\nlet endtime = todatetime('2026-03-02T00:00:00.0000000Z');\nT"
	if got := ExpandTemplate(q, from, to); got != want {
		t.Errorf("got %q", got)
	}
	eng := &fakeEngine{}
	r := mustParse(t, "id: a\nname: h\nquery: \"T | where x > todatetime('{{StartTimeISO}}')\"\n")
	if _, err := RunAt(context.Background(), eng, r, to, nil); err != nil {
		t.Fatal(err)
	}
	if eng.calls[0].query != "T | where x > todatetime('2026-03-01T00:00:00.0000000Z')" {
		t.Errorf("engine got %q", eng.calls[0].query)
	}
}
