package alert

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestOutputGolden(t *testing.T) {
	alerts := fixtureAlerts()
	var buf bytes.Buffer
	if err := writeTable(&buf, alerts, false); err != nil {
		t.Fatal(err)
	}
	golden(t, "table", buf.Bytes())
	buf.Reset()
	if err := writeTable(&buf, alerts, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\x1b[1;31mHigh\x1b[0m") {
		t.Errorf("colored table lacks color codes: %q", buf.String())
	}
	buf.Reset()
	if err := WriteTable(&buf, alerts); err != nil || strings.Contains(buf.String(), "\x1b[") {
		t.Errorf("table to a buffer must not be colored (err %v)", err)
	}

	buf.Reset()
	from, to := runTime.Add(-2*time.Hour), runTime
	rep := &Report{
		Metadata: ReportMetadata{Version: "0.1.0", Workspace: fixtureSpec().Workspace, From: &from, To: &to,
			Rules: []RuleRun{{ID: fixtureSpec().RuleID, Name: fixtureSpec().RuleName, File: "rules/storage-keys.yaml", Runs: 1, Alerts: 2, Suppressed: 1, Defaults: []string{"severity Medium (hunting query default)"}}}},
		Alerts:     alerts[:2],
		Suppressed: alerts[2:],
	}
	rep.Suppressed[0].SuppressedBy = "alert hook"
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", buf.Bytes())
	var doc struct {
		Metadata   map[string]any `json:"metadata"`
		Alerts     []Envelope     `json:"alerts"`
		Suppressed []Envelope     `json:"suppressed"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Alerts) != 2 || len(doc.Suppressed) != 1 {
		t.Fatalf("report JSON does not parse back: %v", err)
	}
	var raw struct {
		Alerts []map[string]json.RawMessage `json:"alerts"`
	}
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if keys := jsonKeys(t, raw.Alerts[0]["SecurityAlert"]); strings.Join(keys, ",") != strings.Join(documentedColumns, ",") {
		t.Errorf("envelope SecurityAlert keys %v", keys)
	}

	for name, write := range map[string]func(*bytes.Buffer) error{
		"alerts.jsonl": func(b *bytes.Buffer) error { return WriteJSONL(b, alerts) },
		"alerts.csv":   func(b *bytes.Buffer) error { return WriteCSV(b, alerts) },
		"ocsf.json":    func(b *bytes.Buffer) error { return WriteOCSF(b, alerts) },
	} {
		buf.Reset()
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		golden(t, name, buf.Bytes())
	}
}

func TestOCSFShape(t *testing.T) {
	f := OCSF(fixtureAlerts()[0])
	if f.ClassUID != 2004 || f.CategoryUID != 2 || f.TypeUID != 200401 || f.SeverityID != 4 || f.Severity != "High" {
		t.Errorf("class/category/severity: %+v", f)
	}
	if f.FindingInfo.Analytic.UID != fixtureSpec().RuleID || f.FindingInfo.Analytic.Name != fixtureSpec().RuleName || f.FindingInfo.UID == "" {
		t.Errorf("finding_info %+v", f.FindingInfo)
	}
	if len(f.Attacks) != 1 || f.Attacks[0].Tactic.UID != "TA0006" || f.Attacks[0].Technique.UID != "T1552" {
		t.Errorf("attacks %+v", f.Attacks)
	}
	if f.Metadata.Product.Name != "kqlhunt" || !strings.HasPrefix(f.Metadata.Version, "1.") {
		t.Errorf("metadata %+v", f.Metadata)
	}
	if len(f.Observables) == 0 || len(f.Evidences) != len(fixtureAlerts()[0].EntityList) {
		t.Errorf("observables %v evidences %v", f.Observables, f.Evidences)
	}
	for sev, id := range map[string]int{"Informational": 1, "Low": 2, "Medium": 3, "High": 4, "x": 0} {
		if got, _ := ocsfSeverity(sev); got != id {
			t.Errorf("severity %s → %d, want %d", sev, got, id)
		}
	}
}

func fixtureSummary() Summary {
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)
	size := ChooseBucketSize(from, to)
	s := Summary{
		RuleID: fixtureSpec().RuleID, RuleName: fixtureSpec().RuleName, From: from, To: to,
		Frequency: time.Hour, Period: 2 * time.Hour, Runs: 22, Skipped: 2, RunsFired: 7,
		Alerts: 19, Suppressed: 3, DistinctEntities: 5, Incidents: 11, BucketSize: size, Buckets: NewBuckets(from, to, size),
	}
	for i, n := range []int{0, 0, 1, 0, 3, 8, 2, 0, 0, 5} {
		s.Buckets[i].Alerts = n
	}
	s.Buckets[5].Suppressed = 3
	return s
}

func TestChartsGolden(t *testing.T) {
	s := fixtureSummary()
	if s.BucketSize != time.Hour || len(s.Buckets) != 25 {
		t.Fatalf("bucket size %v, %d buckets", s.BucketSize, len(s.Buckets))
	}
	var buf bytes.Buffer
	if err := WriteSummaryTable(&buf, []Summary{s}); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary", buf.Bytes())
	buf.Reset()
	if err := WriteChart(&buf, s); err != nil {
		t.Fatal(err)
	}
	golden(t, "chart", buf.Bytes())
	buf.Reset()
	if err := WriteHTML(&buf, HTMLReport{Title: "Backtest <week 10>", Summaries: []Summary{s}, Alerts: fixtureAlerts()[:2], Suppressed: suppressedFixture()}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	golden(t, "report.html", buf.Bytes())
	for _, bad := range []string{"<script", "http://", "https://", "<link", "@import", "url("} {
		if strings.Contains(strings.ReplaceAll(html, `xmlns="http://www.w3.org/2000/svg"`, ""), bad) {
			t.Errorf("HTML references external assets or scripts: %q", bad)
		}
	}
	if !strings.Contains(html, `<rect class="sup"`) || !strings.Contains(html, "Suppressed (1)") || !strings.Contains(html, "tuning: known admin") {
		t.Errorf("HTML page lacks the suppressed alerts")
	}
	if !strings.Contains(html, "<svg") || !strings.Contains(html, "Backtest &lt;week 10&gt;") || strings.Count(html, `<rect class="bar"`) != 25 {
		t.Errorf("HTML page lacks the chart or escaping")
	}
}

func TestBar(t *testing.T) {
	cases := []struct {
		n, max, width int
		want          string
	}{
		{0, 10, 8, ""}, {10, 10, 8, "████████"}, {5, 10, 8, "████"}, {8, 16, 1, "▌"}, {1, 1000, 8, "▏"},
	}
	for _, c := range cases {
		if got := bar(c.n, c.max, c.width); got != c.want {
			t.Errorf("bar(%d,%d,%d) = %q, want %q", c.n, c.max, c.width, got, c.want)
		}
	}
}

func suppressedFixture() []*Alert {
	a := fixtureAlerts()[2]
	a.SuppressedBy = "tuning: known admin"
	return []*Alert{a}
}

func TestCombineSummaries(t *testing.T) {
	a, b := fixtureSummary(), fixtureSummary()
	b.RuleName = "other"
	c, err := Combine("all rules", []Summary{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if c.Alerts != 38 || c.Runs != 44 || c.Buckets[5].Alerts != 16 || c.Buckets[5].Suppressed != 6 || a.Buckets[5].Alerts != 8 {
		t.Errorf("combined %+v", c)
	}
	b.BucketSize = 2 * time.Hour
	if _, err := Combine("x", []Summary{a, b}); err == nil {
		t.Error("mismatched bucket sizes accepted")
	}
}

// Suppressed alerts shown with --show-suppressed are marked as such.
func TestTableMarksSuppressed(t *testing.T) {
	var buf bytes.Buffer
	alerts := append(fixtureAlerts()[:1], suppressedFixture()...)
	if err := writeTable(&buf, alerts, false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if !strings.HasSuffix(lines[0], "SUPPRESSED") {
		t.Errorf("header lacks SUPPRESSED: %q", lines[0])
	}
	var marked int
	for _, l := range lines[1:] {
		if strings.HasSuffix(l, "tuning: known admin") {
			marked++
		}
	}
	if marked != 1 {
		t.Errorf("want exactly one row marked suppressed:\n%s", buf.String())
	}
}
