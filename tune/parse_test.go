package tune

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, src string) *File {
	t.Helper()
	f, err := Parse("x.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func TestParseExampleFile(t *testing.T) {
	data, err := os.ReadFile("testdata/exclusions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("testdata/exclusions.yaml", data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var ids []string
	for _, x := range f.Exclusions {
		ids = append(ids, x.ID)
	}
	if got := strings.Join(ids, ","); got != "admin-maintenance,automation-jobs,ci-pipelines,onboarding-week,security-audit" {
		t.Fatalf("ids = %s", got)
	}
	ci := f.Exclusions[2]
	if !ci.AllRules || ci.Stage != StageInput || ci.Action != ActSuppress || ci.When.Kind != CondAll || len(ci.When.Children) != 2 {
		t.Fatalf("ci-pipelines parsed wrong: %+v", ci)
	}
	cidr := ci.When.Children[1]
	if cidr.Op != OpCIDR || cidr.Field != "CallerIpAddress" || len(cidr.Values) != 2 || cidr.Values[1] != "2001:db8:30::/48" {
		t.Fatalf("cidr leaf = %+v", cidr)
	}
	if want := time.Date(2027, 1, 16, 0, 0, 0, 0, time.UTC); !ci.Expires.Equal(want) {
		t.Fatalf("expires = %v, want %v (end of the named day)", ci.Expires, want)
	}
	tr := f.Exclusions[3]
	if tr.Action != ActSetSeverity || tr.Severity != "Informational" {
		t.Fatalf("onboarding action = %v %q", tr.Action, tr.Severity)
	}
	sched := tr.When.Children[2]
	wantDays := [7]bool{false, true, true, true, true, true, false}
	if sched.Kind != CondSchedule || sched.Days != wantDays || len(sched.Hours) != 1 || sched.Hours[0] != (HourRange{8 * 60, 18 * 60}) {
		t.Fatalf("schedule = %+v", sched)
	}
	win := tr.When.Children[1]
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	if !win.From.Equal(time.Date(2026, 12, 7, 8, 0, 0, 0, ams)) || win.From.UTC().Hour() != 7 {
		t.Fatalf("window from = %v", win.From)
	}
	if got := f.Exclusions[4].Tags; len(got) != 2 || got[0] != "security-audit" {
		t.Fatalf("tags = %v", got)
	}
	// Positions point at the YAML nodes.
	if p := ci.PosOf("expires"); p.Line != 64 || p.Col != 14 {
		t.Fatalf("expires position = %s", p)
	}
	if cidr.ValuePos[0].Line != 60 {
		t.Fatalf("cidr value position = %s", cidr.ValuePos[0])
	}
}

func TestParseErrors(t *testing.T) {
	base := func(when string) string {
		return "exclusions:\n  - id: a\n    rules: all\n    stage: input\n    action: suppress\n    when:\n" + when
	}
	tests := []struct {
		name, src, code, at string
	}{
		{"syntax", "exclusions: [\n", "syntax", ""},
		{"unknown top key", "exclusion: []\n", "unknown-key", "x.yaml:1:1"},
		{"unknown exclusion key", "exclusions:\n  - id: a\n    rule: all\n", "unknown-key", "x.yaml:3:5"},
		{"bad stage", "exclusions:\n  - id: a\n    stage: output\n", "bad-value", "x.yaml:3:12"},
		{"no operator", base("      field: Caller\n"), "bad-shape", "x.yaml:7:7"},
		{"two operators", base("      field: Caller\n      equals: a\n      regex: b\n"), "bad-shape", "x.yaml:9:7"},
		{"missing field", base("      equals: a\n"), "missing-field", "x.yaml:7:7"},
		{"unknown zone", base("      schedule:\n        hours: 09:00-17:00\n        zone: Europe/Atlantis\n"), "unknown-zone", "x.yaml:9:15"},
		{"bad hours", base("      schedule:\n        hours: 9-25\n"), "bad-value", "x.yaml:8:16"},
		{"bad day", base("      schedule:\n        days: [mon, funday]\n"), "bad-value", "x.yaml:8:21"},
		{"bad expiry", "exclusions:\n  - id: a\n    expires: next year\n", "bad-date", "x.yaml:3:14"},
		{"window backwards", base("      window: {from: 2026-01-02, to: 2026-01-01}\n"), "bad-value", ""},
		{"set-severity without severity", "exclusions:\n  - id: a\n    rules: all\n    stage: alert\n    action: set-severity\n    when: {field: X, equals: y}\n", "missing-severity", ""},
		{"input stage tag", "exclusions:\n  - id: a\n    rules: all\n    stage: input\n    action: tag\n    tags: [x]\n    when: {field: X, equals: y}\n", "bad-value", ""},
		{"deep nesting", "exclusions:\n  - id: a\n    rules: all\n    stage: input\n    action: suppress\n    when: " + strings.Repeat("{not: ", 70) + "{field: a, equals: b}" + strings.Repeat("}", 70) + "\n", "bad-shape", ""},
		{"alias bomb", aliasBomb(), "too-large", ""},
		{"equals list", base("      field: Caller\n      equals: [a, b]\n"), "bad-shape", ""},
		{"duplicate key", "exclusions:\n  - id: a\n    id: b\n", "syntax", "x.yaml:3:5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tc.src))
			fs, ok := err.(Findings)
			if !ok {
				t.Fatalf("want Findings error, got %v", err)
			}
			for _, f := range fs {
				if f.Code == tc.code && (tc.at == "" || f.Pos.String() == tc.at) {
					return
				}
			}
			t.Fatalf("no %s finding at %q in:\n%v", tc.code, tc.at, fs)
		})
	}
}

func TestParseShorthands(t *testing.T) {
	f := mustParse(t, `exclusions:
  - name: Build agents
    rules: ["*"]
    stage: alert
    action: suppress
    when:
      - {field: IP.Address, cidr: 10.0.0.0/8}
      - or:
          - {field: Account.Name, equals: svc}
          - not: {field: Account.Name, wildcard: "adm*", case-sensitive: true}
`)
	x := f.Exclusions[0]
	if x.Label() != "Build agents" || !x.AllRules {
		t.Fatalf("label/scope: %q %v", x.Label(), x.AllRules)
	}
	w := x.When
	if w.Kind != CondAll || len(w.Children) != 2 || w.Children[1].Kind != CondAny {
		t.Fatalf("list is not all/any: %+v", w)
	}
	not := w.Children[1].Children[1]
	if not.Kind != CondNot || !not.Children[0].CaseSensitive {
		t.Fatalf("not: %+v", not)
	}
	if got := w.Fields(); strings.Join(got, ",") != "IP.Address,Account.Name" {
		t.Fatalf("Fields() = %v", got)
	}
}

func TestFormatRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/exclusions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f1, err := Parse("a", data)
	if err != nil {
		t.Fatal(err)
	}
	out := Format(f1, map[int][]string{0: {"first", "second line"}})
	f2, err := Parse("a", out)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, out)
	}
	if d := diffFiles(f1, f2); d != "" {
		t.Fatalf("round trip differs: %s\n%s", d, out)
	}
	if again := Format(f2, map[int][]string{0: {"first", "second line"}}); string(again) != string(out) {
		t.Fatalf("Format is not stable:\n%s\n---\n%s", out, again)
	}
}

// diffFiles compares two files ignoring positions.
func diffFiles(a, b *File) string {
	if len(a.Exclusions) != len(b.Exclusions) {
		return "exclusion count"
	}
	for i := range a.Exclusions {
		x, y := *a.Exclusions[i], *b.Exclusions[i]
		if x.ID != y.ID || x.Name != y.Name || x.AllRules != y.AllRules || strings.Join(x.Rules, "|") != strings.Join(y.Rules, "|") ||
			x.Stage != y.Stage || x.Table != y.Table || x.Action != y.Action || x.Severity != y.Severity ||
			strings.Join(x.Tags, "|") != strings.Join(y.Tags, "|") || x.Reason != y.Reason || x.Owner != y.Owner ||
			!x.Expires.Equal(y.Expires) || x.ExpiresText != y.ExpiresText || x.Draft != y.Draft {
			return "exclusion " + x.Label()
		}
		if d := diffCond(x.When, y.When); d != "" {
			return x.Label() + ": " + d
		}
	}
	return ""
}

func diffCond(a, b *Cond) string {
	if (a == nil) != (b == nil) {
		return "nil condition"
	}
	if a == nil {
		return ""
	}
	if a.Kind != b.Kind || a.Field != b.Field || a.Op != b.Op || strings.Join(a.Values, "|") != strings.Join(b.Values, "|") ||
		a.CaseSensitive != b.CaseSensitive || a.Zone != b.Zone || !a.From.Equal(b.From) || !a.To.Equal(b.To) ||
		a.Days != b.Days || len(a.Hours) != len(b.Hours) || len(a.Children) != len(b.Children) {
		return "condition at " + a.Pos.String()
	}
	for i := range a.Hours {
		if a.Hours[i] != b.Hours[i] {
			return "hours"
		}
	}
	for i := range a.Children {
		if d := diffCond(a.Children[i], b.Children[i]); d != "" {
			return d
		}
	}
	return ""
}

// aliasBomb builds conditions that double at each of 30 alias levels.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("definitions:\n  - &c0 {field: a, equals: b}\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "  - &c%d {any: [*c%d, *c%d]}\n", i, i-1, i-1)
	}
	b.WriteString("exclusions:\n  - id: a\n    rules: all\n    stage: alert\n    action: suppress\n    when: *c30\n")
	return b.String()
}

func TestParseDefinitionsAndAliases(t *testing.T) {
	f := mustParse(t, `definitions:
  build-subnet: &build-subnet
    field: CallerIpAddress
    cidr: [10.20.30.0/24]
exclusions:
  - id: a
    rules: all
    stage: input
    action: suppress
    when: [*build-subnet, {field: Caller, equals: ci}]
  - id: b
    rules: all
    stage: input
    action: suppress
    when: *build-subnet
`)
	a, b := f.Exclusions[0].When, f.Exclusions[1].When
	if a.Kind != CondAll || a.Children[0].Op != OpCIDR || b.Op != OpCIDR || b.Values[0] != "10.20.30.0/24" {
		t.Fatalf("aliases not resolved: %+v / %+v", a, b)
	}
}
