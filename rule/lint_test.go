package rule

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kqlhunt/internal/shared"
)

func lintOf(t *testing.T, src string, eng Engine) []Finding {
	t.Helper()
	return Lint(mustParse(t, src), eng)
}

func TestLintValidRulePasses(t *testing.T) {
	eng := &fakeEngine{tables: []string{"AzureActivity"}}
	if fs := lintOf(t, scheduledYAML, eng); len(fs) != 0 {
		t.Fatalf("valid rule has findings: %v", fs)
	}
	full := scheduledYAML + `customDetails:
  Caller: Caller
  Ip_Address: CallerIpAddress
alertDetailsOverride:
  alertDisplayNameFormat: Keys listed by {{Caller}}
  alertDescriptionFormat: '{{Caller}} from {{CallerIpAddress}} ran {{OperationNameValue}}'
eventGroupingSettings:
  aggregationKind: AlertPerResult
suppressionEnabled: true
suppressionDuration: PT24H
incidentConfiguration:
  createIncident: true
  groupingConfiguration:
    enabled: true
    lookbackDuration: 5h
    matchingMethod: Selected
`
	if fs := lintOf(t, full, eng); len(fs) != 0 {
		t.Fatalf("valid full rule has findings: %v", fs)
	}
	nrt := "id: 8a0d8e78-7d9a-4f11-9f0b-1b2c3d4e5f61\nname: n\nkind: NRT\nseverity: High\nquery: AzureActivity\nrequiredDataConnectors:\n  - connectorId: A\n    dataTypes: [AzureActivity]\n"
	if fs := lintOf(t, nrt, eng); len(fs) != 0 {
		t.Fatalf("valid NRT rule has findings: %v", fs)
	}
}

func set(src, key, value string) string {
	if key == "query" {
		return strings.Replace(src, "query: |\n  AzureActivity | where OperationNameValue has \"listKeys\"\n", "query: "+value+"\n", 1)
	}
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, key+":") {
			lines[i] = key + ": " + value
			return strings.Join(lines, "\n")
		}
	}
	panic("no key " + key)
}

func mappings(n, ids int, typ, ident string) string {
	var sb strings.Builder
	sb.WriteString("entityMappings:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "  - entityType: %s\n    fieldMappings:\n", typ)
		for j := 0; j < ids; j++ {
			id := ident
			if j > 0 {
				id = []string{"Name", "UPNSuffix", "Sid", "AadUserId"}[j%4]
			}
			fmt.Fprintf(&sb, "      - identifier: %s\n        columnName: C%d\n", id, j)
		}
	}
	return sb.String()
}

func withoutMappings(src string) string {
	i := strings.Index(src, "entityMappings:")
	j := strings.Index(src, "version:")
	return src[:i] + src[j:]
}

func TestLintLimits(t *testing.T) {
	long := func(n int) string { return "'" + strings.Repeat("x", n) + "'" }
	base := scheduledYAML
	cases := []struct {
		name  string
		src   string
		code  string
		field string
		level Level
	}{
		{"frequency below 5m", set(base, "queryFrequency", "4m"), "frequency-range", "queryFrequency", Error},
		{"frequency above 14d", set(set(base, "queryFrequency", "15d"), "queryPeriod", "15d"), "frequency-range", "queryFrequency", Error},
		{"period below 5m", set(set(base, "queryFrequency", "5m"), "queryPeriod", "PT4M"), "period-range", "queryPeriod", Error},
		{"period above 14d", set(base, "queryPeriod", "P15D"), "period-range", "queryPeriod", Error},
		{"frequency over period", set(base, "queryFrequency", "3h"), "frequency-over-period", "queryFrequency", Error},
		{"long period short frequency", set(set(base, "queryFrequency", "30m"), "queryPeriod", "2d"), "long-period-frequency", "queryFrequency", Error},
		{"missing frequency", strings.Replace(base, "queryFrequency: 1h\n", "", 1), "frequency-missing", "queryFrequency", Error},
		{"empty period", set(base, "queryPeriod", ""), "period-missing", "queryPeriod", Error},
		{"bad duration", set(base, "queryPeriod", "2 weeks"), "duration-syntax", "queryPeriod", Error},
		{"empty query", set(base, "query", "''"), "query-missing", "query", Error},
		{"query too long", set(base, "query", long(10001)), "query-length", "query", Error},
		{"search star", set(base, "query", "search * | take 1"), "query-star", "query", Error},
		{"union star", set(base, "query", "union withsource=T * | take 1"), "query-star", "query", Error},
		{"threshold negative", set(base, "triggerThreshold", "-1"), "threshold-range", "triggerThreshold", Error},
		{"threshold above 10000", set(base, "triggerThreshold", "10001"), "threshold-range", "triggerThreshold", Error},
		{"bad operator", set(base, "triggerOperator", "gte"), "trigger-operator", "triggerOperator", Error},
		{"severity unknown", set(base, "severity", "Hight"), "severity", "severity", Error},
		{"severity case", set(base, "severity", "high"), "severity", "severity", Warning},
		{"severity missing", strings.Replace(base, "severity: Low\n", "", 1), "severity", "severity", Error},
		{"11 mappings", withoutMappings(base) + mappings(11, 1, "IP", "Address"), "entity-mappings-count", "entityMappings", Error},
		{"6 mappings (template)", withoutMappings(base) + mappings(6, 1, "IP", "Address"), "entity-mappings-template", "entityMappings", Warning},
		{"4 identifiers", withoutMappings(base) + mappings(1, 4, "Account", "FullName"), "field-mappings-count", "entityMappings[0].fieldMappings", Error},
		{"unknown entity type", withoutMappings(base) + mappings(1, 1, "Acount", "FullName"), "entity-type", "entityMappings[0].entityType", Error},
		{"entity type case", withoutMappings(base) + mappings(1, 1, "Url", "Url"), "entity-type", "entityMappings[0].entityType", Error},
		{"unknown identifier", withoutMappings(base) + mappings(1, 1, "IP", "IpAddress"), "identifier", "entityMappings[0].fieldMappings[0].identifier", Error},
		{"21 custom details", base + "customDetails:\n" + strings.Repeat("", 0) + customDetails(21), "custom-details-count", "customDetails", Error},
		{"custom key pattern", base + "customDetails:\n  1bad: Caller\n", "custom-detail-key", "customDetails.1bad", Error},
		{"custom key length", base + "customDetails:\n  ThisKeyIsMuchTooLong1: Caller\n", "custom-detail-key", "customDetails.ThisKeyIsMuchTooLong1", Error},
		{"custom column pattern", base + "customDetails:\n  Who: Caller-Name\n", "custom-detail-column", "customDetails.Who", Error},
		{"display name too long", base + "alertDetailsOverride:\n  alertDisplayNameFormat: " + long(257) + "\n", "alert-details-length", "alertDetailsOverride.alertDisplayNameFormat", Error},
		{"description too long", base + "alertDetailsOverride:\n  alertDescriptionFormat: " + long(5001) + "\n", "alert-details-length", "alertDetailsOverride.alertDescriptionFormat", Error},
		{"4 placeholders in name", base + "alertDetailsOverride:\n  alertDisplayNameFormat: '{{A}} {{B}} {{C}} {{D}}'\n", "alert-details-placeholders", "alertDetailsOverride.alertDisplayNameFormat", Error},
		{"4 placeholders in description", base + "alertDetailsOverride:\n  alertDescriptionFormat: '{{A}} {{B}} {{C}} {{D}}'\n", "alert-details-placeholders", "alertDetailsOverride.alertDescriptionFormat", Error},
		{"bad dynamic property", base + "alertDetailsOverride:\n  alertDynamicProperties:\n    - alertProperty: Severity\n      value: Sev\n", "alert-dynamic-property", "alertDetailsOverride.alertDynamicProperties[0]", Error},
		{"NRT with a schedule", strings.Replace(base, "kind: Scheduled", "kind: NRT", 1), "nrt-schedule", "queryFrequency", Warning},
		{"technique without tactic", strings.Replace(base, "  - T1552", "  - T1552\n  - T1059.001", 1), "technique-tactic", "relevantTechniques[1]", Error},
		{"unknown technique", strings.Replace(base, "  - T1552", "  - T1552\n  - T1999", 1), "technique-unknown", "relevantTechniques[1]", Info},
		{"bad technique id", strings.Replace(base, "  - T1552", "  - T1552\n  - 1059", 1), "technique-format", "relevantTechniques[1]", Error},
		{"unknown tactic", strings.Replace(base, "  - CredentialAccess", "  - CredentialAccess\n  - Initial", 1), "tactic", "tactics[1]", Error},
		{"suppression over 24h", base + "suppressionEnabled: true\nsuppressionDuration: 25h\n", "suppression-range", "suppressionDuration", Error},
		{"name too long", set(base, "name", long(257)), "name-length", "name", Error},
		{"description too long (rule)", set(base, "description", long(5001)), "description-length", "description", Error},
		{"version too long", set(base, "version", long(21)), "version-length", "version", Error},
		{"id missing", strings.Replace(base, "id: 8a0d8e78-7d9a-4f11-9f0b-1b2c3d4e5f60\n", "", 1), "id-missing", "id", Error},
		{"lookback too long", base + "incidentConfiguration:\n  groupingConfiguration:\n    lookbackDuration: 8d\n", "grouping-lookback", "incidentConfiguration.groupingConfiguration.lookbackDuration", Error},
		{"bad groupByEntities", base + "incidentConfiguration:\n  groupingConfiguration:\n    groupByEntities: [Acount]\n", "grouping-entity", "incidentConfiguration.groupingConfiguration.groupByEntities[0]", Error},
		{"bad groupByAlertDetails", base + "incidentConfiguration:\n  groupingConfiguration:\n    groupByAlertDetails: [Name]\n", "grouping-detail", "incidentConfiguration.groupingConfiguration.groupByAlertDetails[0]", Error},
		{"bad matchingMethod", base + "incidentConfiguration:\n  groupingConfiguration:\n    matchingMethod: Some\n", "grouping-method", "incidentConfiguration.groupingConfiguration.matchingMethod", Error},
		{"bad grouping", base + "eventGroupingSettings:\n  aggregationKind: PerRow\n", "event-grouping", "eventGroupingSettings.aggregationKind", Error},
	}
	eng := &fakeEngine{tables: []string{"AzureActivity"}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := lintOf(t, c.src, eng)
			var hit *Finding
			for i := range fs {
				if fs[i].Code == c.code && fs[i].Field == c.field {
					hit = &fs[i]
				}
			}
			if hit == nil {
				t.Fatalf("no %s finding on %s; got %v", c.code, c.field, fs)
			}
			if hit.Level != c.level {
				t.Errorf("level %s, want %s: %s", hit.Level, c.level, hit)
			}
			if hit.Line < 1 || hit.File != "test.yaml" || !strings.Contains(hit.String(), c.field) {
				t.Errorf("finding not positioned: %s", hit)
			}
		})
	}
}

func customDetails(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "  Key%d: Col%d\n", i, i)
	}
	return sb.String()
}

func TestLintPositions(t *testing.T) {
	src := set(scheduledYAML, "queryFrequency", "3h")
	fs := lintOf(t, src, nil)
	if len(fs) != 1 {
		t.Fatalf("findings %v", fs)
	}
	// queryFrequency is on line 10, its value at column 17.
	if fs[0].Line != 10 || fs[0].Col != 17 {
		t.Errorf("position %d:%d, want 10:17 (%s)", fs[0].Line, fs[0].Col, fs[0])
	}
	src = withoutMappings(scheduledYAML) + mappings(1, 1, "IP", "IpAddress")
	fs = lintOf(t, src, nil)
	if len(fs) != 1 || fs[0].Line != strings.Count(src[:strings.Index(src, "identifier: IpAddress")], "\n")+1 {
		t.Errorf("identifier finding %v", fs)
	}
}

// TestLintCloudShellDataTypes shows the data-type check on the corpus's
// CloudShell hunting query, which declares AuditLogs but reads
// AzureActivity.
func TestLintCloudShellDataTypes(t *testing.T) {
	dir := shared.Path(t, "corpus/sentinel/rules")
	r, err := LoadFile(filepath.Join(dir, "upstream__Hunting Queries__AzureActivity__Azure-CloudShell-Usage.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fs := Lint(r, &fakeEngine{tables: []string{"AzureActivity"}})
	found := false
	for _, f := range fs {
		if f.Code == "data-types" && strings.Contains(f.Message, "AzureActivity") && strings.Contains(f.Message, "AuditLogs") {
			found = true
			if f.Line != 7 {
				t.Errorf("finding at line %d, want 7 (requiredDataConnectors): %s", f.Line, f)
			}
		}
	}
	if !found {
		t.Fatalf("no data-types finding: %v", fs)
	}
	if fs := Lint(r, &fakeEngine{tables: nil}); len(fs) != 0 {
		t.Errorf("unexpected findings %v", fs)
	}
	r.Query = "bad"
	fs = Lint(r, &fakeEngine{})
	if len(fs) != 1 || fs[0].Code != "query-check" {
		t.Errorf("unparsable query: %v", fs)
	}
}

func TestLoadPathErrors(t *testing.T) {
	dir := t.TempDir()
	must := func(name, body string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must("a/good.yaml", "\xef\xbb\xbfid: x\r\nname: Good\r\nquery: |\r\n  T\r\n  | take 1\r\n")
	must("b/bad.yml", "id: y\nname: [unterminated\nquery: T\n")
	must("c/notes.txt", "ignored")
	must("d/list.yaml", "- a\n- b\n")
	rules, err := LoadPath(dir)
	if len(rules) != 1 || rules[0].Name != "Good" || rules[0].Query != "T\n| take 1\n" {
		t.Fatalf("rules %+v", rules)
	}
	le, ok := err.(*LoadError)
	if !ok || len(le.Errs) != 2 {
		t.Fatalf("error %v", err)
	}
	for _, e := range le.Errs {
		ye, ok := e.(*YAMLError)
		if !ok || ye.Line < 1 || !strings.Contains(e.Error(), ye.File+":") {
			t.Errorf("error without position: %v", e)
		}
	}
	if !strings.Contains(le.Errs[0].Error(), "bad.yml:3:1: ") {
		t.Errorf("bad.yml error: %v", le.Errs[0])
	}
	if _, err := LoadPath(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing path accepted")
	}
}
