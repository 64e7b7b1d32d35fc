package tune

import (
	"strings"
	"testing"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

func lintEnv(t *testing.T) LintEnv {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "platform-admins.csv", "UPN\nalice@contoso.com\n")
	w, err := OpenWatchlists(dir, WatchlistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := &batch.Schema{Fields: []batch.Field{{Name: "Caller", Type: types.String}, {Name: "timekey", Type: types.DateTime}, {Name: "AccountCustomEntity", Type: types.String}}}
	return LintEnv{
		Now:        testNow,
		Watchlists: w,
		Tables:     map[string]*batch.Schema{"AzureActivity": activitySchema(), "Other": activitySchema()},
		Rules: []RuleInfo{{
			ID: "42831fb3-f61d-41e9-95d9-f08797479a0e", Name: "Azure CloudShell Usage",
			Tables: []string{"AzureActivity"}, Output: out,
		}},
	}
}

func TestLintExampleFileIsClean(t *testing.T) {
	env := lintEnv(t)
	f, err := LoadFile("testdata/exclusions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if fs := Lint(f, env); len(fs) != 0 {
		t.Fatalf("example file has findings:\n%v", fs)
	}
}

func TestLintFindings(t *testing.T) {
	// ex wraps the lines of one exclusion (at indent 4) into a file.
	ex := func(lines string) string {
		return "version: 1\nexclusions:\n  - id: x\n" + indent(lines, 4) + "\n"
	}
	good := "rules: [\"Azure CloudShell Usage\"]\nreason: r\nowner: o\nexpires: 2027-01-31\naction: suppress\n"
	tests := []struct {
		name string
		src  string
		code string
		at   string
		sev  Severity
	}{
		{"unknown column", ex(good + "stage: input\ntable: AzureActivity\nwhen: {field: CallerIP, equals: x}"), "unknown-column", "test.yaml:11:19", SevError},
		{"unknown table", ex(good + "stage: input\ntable: AzureActivty\nwhen: {field: Caller, equals: x}"), "unknown-table", "test.yaml:10:12", SevError},
		{"time on string column", ex(good + "stage: input\nwhen: {field: Caller, schedule: {days: mon}}"), "bad-column-type", "", SevError},
		{"unknown output column", ex(good + "stage: alert\nwhen: {field: ResourceGroup, equals: x}"), "unknown-column", "", SevError},
		{"unknown entity identifier", ex(good + "stage: alert\nwhen: {field: Account.UPN, equals: x}"), "unknown-field", "", SevError},
		{"unknown entity type", ex("rules: all\nreason: r\nowner: o\nexpires: 2027-01-31\naction: suppress\nstage: alert\nwhen: {field: Acount.Name, equals: x}"), "unknown-field", "", SevError},
		{"broad wildcard", ex(good + "stage: input\nwhen: {field: Caller, wildcard: '%%'}"), "broad-match", "", SevWarning},
		{"whole internet", ex(good + "stage: input\nwhen: {field: CallerIpAddress, cidr: ['::/0']}"), "broad-match", "", SevWarning},
		{"table not read", ex(good + "stage: input\ntable: Other\nwhen: {field: Caller, equals: x}"), "table-not-read", "", SevWarning},
		{"unknown rule", ex("rules: [\"Azure CloudShel Usage\"]\nreason: r\nowner: o\nexpires: 2027-01-31\naction: suppress\nstage: alert\nwhen: {field: Caller, equals: x}"), "unknown-rule", "test.yaml:4:13", SevError},
		{"missing scope", ex("reason: r\nowner: o\nexpires: 2027-01-31\naction: suppress\nstage: alert\nwhen: {field: Caller, equals: x}"), "missing-scope", "", SevError},
		{"impossible cidr", ex(good + "stage: input\nwhen: {field: CallerIpAddress, cidr: [10.0.0.0/33]}"), "bad-cidr", "test.yaml:10:43", SevError},
		{"host bits", ex(good + "stage: input\nwhen: {field: CallerIpAddress, cidr: 10.20.30.1/24}"), "cidr-host-bits", "", SevWarning},
		{"bad regex", ex(good + "stage: input\nwhen: {field: Caller, regex: 'a(b'}"), "bad-regex", "", SevError},
		{"unknown zone", ex(good + "stage: alert\nwhen: {schedule: {hours: '09:00-17:00', zone: Europe/Amsterdm}}"), "unknown-zone", "test.yaml:10:51", SevError},
		{"unknown watchlist", ex(good + "stage: input\nwhen: {field: Caller, watchlist: platform-admin}"), "unknown-watchlist", "", SevError},
		{"missing reason", ex("rules: all\nowner: o\nexpires: 2027-01-31\naction: suppress\nstage: alert\nwhen: {field: Caller, equals: x}"), "missing-reason", "test.yaml:3:5", SevError},
		{"missing owner", ex("rules: all\nreason: r\nexpires: 2027-01-31\naction: suppress\nstage: alert\nwhen: {field: Caller, equals: x}"), "missing-owner", "", SevError},
		{"missing expiry", ex("rules: all\nreason: r\nowner: o\naction: suppress\nstage: alert\nwhen: {field: Caller, equals: x}"), "missing-expiry", "", SevError},
		{"expiry too long", ex("rules: all\nreason: r\nowner: o\nexpires: 2027-06-01\naction: suppress\nstage: alert\nwhen: {field: Caller, equals: x}"), "expiry-too-long", "test.yaml:7:14", SevError},
		{"expired", ex("rules: all\nreason: r\nowner: o\nexpires: 2026-11-01\naction: suppress\nstage: alert\nwhen: {field: Caller, equals: x}"), "expired", "", SevWarning},
		{"draft", ex(good + "draft: true\nstage: alert\nwhen: {field: Caller, equals: x}"), "draft", "", SevError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := LintFile("test.yaml", []byte(tc.src), lintEnv(t))
			for _, f := range fs {
				if f.Code == tc.code && f.Severity == tc.sev && (tc.at == "" || f.Pos.String() == tc.at) {
					return
				}
			}
			t.Fatalf("want %s %s at %q, got:\n%v\n%s", tc.sev, tc.code, tc.at, fs, tc.src)
		})
	}
}

func TestLintSuggestsNames(t *testing.T) {
	src := "version: 1\nexclusions:\n  - id: x\n    rules: all\n    reason: r\n    owner: o\n    expires: 2027-01-31\n    action: suppress\n    stage: input\n    when: {field: CallerIPAddress, equals: x}\n"
	fs := LintFile("test.yaml", []byte(src), lintEnv(t))
	if len(fs) != 1 || !strings.Contains(fs[0].Msg, `did you mean "CallerIpAddress"?`) {
		t.Fatalf("findings: %v", fs)
	}
}

func TestExpiry(t *testing.T) {
	src := func(expires string) string {
		return "version: 1\nexclusions:\n  - id: x\n    rules: all\n    stage: alert\n    when: {field: Caller, equals: eve}\n    action: suppress\n    reason: r\n    owner: o\n" + expires
	}
	eve := MapSubject{Fields: map[string]types.Value{"Caller": types.NewString("eve")}}
	tests := []struct {
		name      string
		expires   string
		allowLong bool
		compileOK bool
		applies   bool
	}{
		{"in force", "    expires: 2026-12-01\n", false, true, true},
		{"last day still applies", "    expires: 2026-11-26\n", false, true, true},
		{"expired yesterday", "    expires: 2026-11-25\n", false, true, false},
		{"exact instant passed", "    expires: 2026-11-26T11:59:59Z\n", false, true, false},
		{"no expiry", "", false, false, false},
		{"no expiry allowed", "", true, true, true},
		{"181 days", "    expires: 2027-05-26\n", false, false, false},
		{"179 days", "    expires: 2027-05-23\n", false, true, true},
		{"long allowed", "    expires: 2030-01-01\n", true, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("x.yaml", []byte(src(tc.expires)))
			if err != nil {
				t.Fatal(err)
			}
			set, err := Compile(f, Options{Now: testNow, AllowLong: tc.allowLong})
			if (err == nil) != tc.compileOK {
				t.Fatalf("Compile error = %v, want ok=%v", err, tc.compileOK)
			}
			if err != nil {
				return
			}
			d := set.EvaluateAlert("", "r", eve)
			if d.Suppress != tc.applies {
				t.Fatalf("applies = %v, want %v", d.Suppress, tc.applies)
			}
			if !tc.applies {
				if len(d.Expired) != 1 || d.Expired[0] != "x" {
					t.Fatalf("Expired = %v", d.Expired)
				}
				a := set.Audit()
				if len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0], "expired") || !a.Exclusions[0].Expired {
					t.Fatalf("audit warnings = %v", a.Warnings)
				}
			}
		})
	}
	// Expired input-stage exclusions are reported per batch too.
	in := "version: 1\nexclusions:\n  - id: old\n    rules: all\n    stage: input\n    when: {field: Caller, equals: eve}\n    action: suppress\n    reason: r\n    owner: o\n    expires: 2026-01-01\n"
	set := compileSrc(t, in, Options{})
	keep, res, err := set.FilterBatch("", "r", "AzureActivity", activityBatch(t, activitySchema(), []activity{{Time: "2026-11-26T00:00:00Z", Caller: "eve"}}, false), time.Now())
	if err != nil || !keep[0] || len(res.Expired) != 1 {
		t.Fatalf("expired input exclusion: keep=%v res=%+v err=%v", keep, res, err)
	}
}
