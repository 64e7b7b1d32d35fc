package tune

import (
	"fmt"
	"testing"
	"time"

	"kqlhunt/kql/types"
)

func TestWildcard(t *testing.T) {
	tests := []struct {
		pat, s string
		cs     bool
		want   bool
	}{
		{"%training%", "new-training-user@contoso.com", false, true},
		{"%training%", "TRAINING", false, true},
		{"%training%", "trainer@contoso.com", false, false},
		{"%training%", "Training", true, false},
		{"%Training%", "xTrainingx", true, true},
		{"*@contoso.com", "a@contoso.com", false, true},
		{"*@contoso.com", "a@contoso.com.evil.io", false, false},
		{"*@contoso.com", "@contoso.com", false, true},
		{"a?c", "abc", false, true},
		{"a?c", "aéc", false, true},
		{"a?c", "ac", false, false},
		{"a*b*c", "aXXbYYc", false, true},
		{"a*b*c", "aXXcYYb", false, false},
		{"", "", false, true},
		{"", "a", false, false},
		{"*", "", false, true},
		{"**%%", "anything", false, true},
		{`100\%`, "100%", false, true},
		{`100\%`, "1000", false, false},
		{`a\*`, "a*", false, true},
		{`a\*`, "ab", false, false},
		{`trail\`, `trail\`, false, true},
		{"ÄBC*", "äbcd", false, true},
		{"*aab", "aaaab", false, true},
		{"*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false},
	}
	for _, tc := range tests {
		if got := CompileWildcard(tc.pat, tc.cs).Match(tc.s); got != tc.want {
			t.Errorf("wildcard %q (case-sensitive %v) on %q = %v, want %v", tc.pat, tc.cs, tc.s, got, tc.want)
		}
	}
}

func TestParseCIDR(t *testing.T) {
	tests := []struct {
		in, want string
		warn     bool
		err      bool
	}{
		{"10.20.30.0/24", "10.20.30.0/24", false, false},
		{"10.20.30.7/24", "10.20.30.0/24", true, false},
		{"10.0.0.0/33", "", false, true},
		{"2001:db8::/129", "", false, true},
		{"2001:db8::1/32", "2001:db8::/32", true, false},
		{"10.1.2.3", "10.1.2.3/32", false, false},
		{"::ffff:10.0.0.0/104", "10.0.0.0/8", false, false},
		{"300.1.1.1/8", "", false, true},
		{"banana", "", false, true},
	}
	for _, tc := range tests {
		p, warn, err := parseCIDR(tc.in)
		if (err != nil) != tc.err || (warn != "") != tc.warn {
			t.Errorf("parseCIDR(%q): err=%v warn=%q", tc.in, err, warn)
			continue
		}
		if err == nil && p.String() != tc.want {
			t.Errorf("parseCIDR(%q) = %s, want %s", tc.in, p, tc.want)
		}
	}
}

// TestConditions checks every condition type through both evaluation
// paths (column-wise over plain and dictionary-encoded batches, and one
// alert subject at a time), which must agree.
func TestConditions(t *testing.T) {
	rows := []activity{
		{Time: "2026-11-23T08:30:00Z", Caller: "alice@contoso.com", IP: "10.20.30.4", RG: "admin-rg"},
		{Time: "2026-11-23T20:30:00Z", Caller: "ALICE@CONTOSO.COM", IP: "10.20.31.5", RG: "Admin-RG"},
		{Time: "2026-11-28T09:00:00Z", Caller: "new-training-user@contoso.com", IP: "2001:db8:30::17", RG: "prod-rg"},
		{Time: "2026-11-24T12:00:00Z", Caller: "training-lead@contoso.com", IP: "::ffff:10.20.30.9", RG: "prod-rg"},
		{Time: "2026-11-25T12:00:00Z", Caller: "mallory@evil.example", IP: "198.51.100.7:4432", RG: ""},
		{Time: "2026-11-26T12:00:00Z", Caller: "a6f1c3de-2b7e-4c55-9d0e-0c1f5d7e9a11", IP: "not-an-ip", RG: "automation-rg"},
	}
	tests := []struct {
		name string
		when string
		want []int // rows matched
	}{
		{"equals ci", "field: Caller\nequals: alice@contoso.com", []int{0, 1}},
		{"equals cs", "field: Caller\nequals: alice@contoso.com\ncase-sensitive: true", []int{0}},
		{"equals empty", "field: ResourceGroup\nequals: ''", []int{4}},
		{"in", "field: ResourceGroup\nin: [admin-rg, automation-rg]", []int{0, 1, 5}},
		{"in cs", "field: ResourceGroup\nin: [admin-rg, automation-rg]\ncase-sensitive: true", []int{0, 5}},
		{"wildcard", "field: Caller\nwildcard: '%training%'", []int{2, 3}},
		{"wildcard list", "field: Caller\nwildcard: ['new-training-*', '*@evil.example']", []int{2, 4}},
		{"regex unanchored", "field: Caller\nregex: 'training'", []int{2, 3}},
		{"regex anchored", "field: Caller\nregex: '^training-'", []int{3}},
		{"regex cs", "field: Caller\nregex: '^alice'\ncase-sensitive: true", []int{0}},
		{"regex list", "field: Caller\nregex: ['^alice', 'evil\\.example$']", []int{0, 1, 4}},
		{"cidr v4", "field: CallerIpAddress\ncidr: 10.20.30.0/24", []int{0, 3}},
		{"cidr v6", "field: CallerIpAddress\ncidr: '2001:db8:30::/48'", []int{2}},
		{"cidr port", "field: CallerIpAddress\ncidr: 198.51.100.0/24", []int{4}},
		{"cidr single", "field: CallerIpAddress\ncidr: 10.20.31.5", []int{1}},
		{"not", "not:\n  field: Caller\n  wildcard: '*@contoso.com'", []int{4, 5}},
		{"all", "all:\n  - {field: Caller, wildcard: 'alice@*'}\n  - {field: CallerIpAddress, cidr: 10.20.30.0/24}", []int{0}},
		{"any", "any:\n  - {field: ResourceGroup, equals: automation-rg}\n  - {field: CallerIpAddress, cidr: 10.20.31.0/24}", []int{1, 5}},
		{"list is all", "- {field: ResourceGroup, equals: prod-rg}\n- not: {field: Caller, wildcard: 'training-*'}", []int{2}},
		{"window", "window: {from: '2026-11-23', to: '2026-11-25'}", []int{0, 1, 3}},
		{"window zone", "window: {from: '2026-11-23 21:00', to: '2026-11-24 00:00', zone: Europe/Amsterdam}", []int{1}},
		{"schedule weekdays", "schedule: {days: mon-fri}", []int{0, 1, 3, 4, 5}},
		{"schedule hours ams", "schedule: {days: [mon-fri], hours: '09:00-17:00', zone: Europe/Amsterdam}", []int{0, 3, 4, 5}},
		{"schedule wraps midnight", "schedule: {days: [mon], hours: '21:00-07:00', zone: Europe/Amsterdam}", []int{1}},
		{"schedule weekend", "schedule: {days: [sat, sun]}", []int{2}},
		{"schedule on field", "field: TimeGenerated\nschedule: {hours: ['08:00-09:00', '20:00-21:00']}", []int{0, 1}},
	}
	s := activitySchema()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, stage := range []string{"input", "alert"} {
				set := compileSrc(t, oneExclusion(stage, tc.when), Options{})
				var got []int
				if stage == "input" {
					for _, dict := range []bool{false, true} {
						keep, res, err := set.FilterBatch("r1", "Rule", "AzureActivity", activityBatch(t, s, rows, dict), testNow)
						if err != nil {
							t.Fatal(err)
						}
						var removed []int
						for i, k := range keep {
							if !k {
								removed = append(removed, i)
							}
						}
						if fmt.Sprint(removed) != fmt.Sprint(tc.want) || res.Removed != len(tc.want) {
							t.Fatalf("input (dict %v): removed %v (%d), want %v", dict, removed, res.Removed, tc.want)
						}
					}
					continue
				}
				for i, r := range rows {
					if d := set.EvaluateAlert("r1", "Rule", subjectOf(t, r)); d.Suppress {
						got = append(got, i)
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Fatalf("alert: matched %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestScheduleAcrossDST checks office hours in Amsterdam on both sides of
// the 2026 changes (29 March, 25 October).
func TestScheduleAcrossDST(t *testing.T) {
	set := compileSrc(t, oneExclusion("alert", "schedule: {days: mon-fri, hours: '09:00-17:00', zone: Europe/Amsterdam}"), Options{Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), AllowLong: true})
	tests := []struct {
		utc  string
		want bool
	}{
		{"2026-03-27T07:30:00Z", false}, // Fri, CET: 08:30 local
		{"2026-03-27T08:30:00Z", true},  // Fri, CET: 09:30 local
		{"2026-03-30T07:30:00Z", true},  // Mon, CEST: 09:30 local
		{"2026-03-30T15:30:00Z", false}, // Mon, CEST: 17:30 local
		{"2026-03-27T15:30:00Z", true},  // Fri, CET: 16:30 local
		{"2026-10-23T07:30:00Z", true},  // Fri, CEST: 09:30
		{"2026-10-26T07:30:00Z", false}, // Mon, CET: 08:30
		{"2026-10-26T08:00:00Z", true},  // Mon, CET: 09:00
		{"2026-03-29T10:00:00Z", false}, // Sunday of the change
	}
	for _, tc := range tests {
		tm, _ := time.Parse(time.RFC3339, tc.utc)
		d := set.EvaluateAlert("", "r", MapSubject{At: tm})
		if d.Suppress != tc.want {
			t.Errorf("%s: matched %v, want %v", tc.utc, d.Suppress, tc.want)
		}
	}
	// The hour that does not exist on the spring-forward day, and the one
	// that happens twice in autumn, in a night-shift window.
	night := compileSrc(t, oneExclusion("alert", "schedule: {hours: '02:00-03:00', zone: Europe/Amsterdam}"), Options{Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), AllowLong: true})
	for _, tc := range []struct {
		utc  string
		want bool
	}{
		{"2026-03-29T00:59:00Z", false}, // 01:59 CET
		{"2026-03-29T01:00:00Z", false}, // 03:00 CEST (02:00 skipped)
		{"2026-10-25T00:30:00Z", true},  // 02:30 CEST
		{"2026-10-25T01:30:00Z", true},  // 02:30 CET, again
		{"2026-10-25T02:00:00Z", false}, // 03:00 CET
	} {
		tm, _ := time.Parse(time.RFC3339, tc.utc)
		if d := night.EvaluateAlert("", "r", MapSubject{At: tm}); d.Suppress != tc.want {
			t.Errorf("night %s: matched %v, want %v", tc.utc, d.Suppress, tc.want)
		}
	}
}

func TestValueText(t *testing.T) {
	tests := []struct {
		v    types.Value
		want string
		ok   bool
	}{
		{types.NewString("x"), "x", true},
		{types.NewLong(42), "42", true},
		{types.NewBool(true), "true", true},
		{types.NewReal(1.5), "1.5", true},
		{types.NullOf(types.Long), "", false},
		{types.NewDynamic("s"), "s", true},
		{types.NewDynamic(nil), "", false},
		{types.NewDateTime(types.TicksFromTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))), "2026-01-02T03:04:05.0000000Z", true},
	}
	for _, tc := range tests {
		got, ok := valueText(tc.v)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("valueText(%+v) = %q, %v; want %q, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDynamicArrayMatchesOnlyWhenEveryElementMatches(t *testing.T) {
	set := compileSrc(t, oneExclusion("alert", "field: IP.Address\ncidr: 10.20.30.0/24"), Options{})
	tests := []struct {
		name string
		v    types.Value
		want bool
	}{
		{"all in the CI range", types.NewDynamic([]any{"10.20.30.8", "10.20.30.9"}), true},
		{"one outside hides nothing", types.NewDynamic([]any{"192.0.2.1", "10.20.30.8"}), false},
		{"non-string element", types.NewDynamic([]any{"10.20.30.8", int64(5)}), false},
		{"null element", types.NewDynamic([]any{"10.20.30.8", nil}), false},
		{"empty array", types.NewDynamic([]any{}), false},
		{"single string", types.NewString("10.20.30.8"), true},
	}
	for _, tc := range tests {
		d := set.EvaluateAlert("", "r", MapSubject{Fields: map[string]types.Value{"IP.Address": tc.v}})
		if d.Suppress != tc.want {
			t.Errorf("%s: suppressed %v, want %v", tc.name, d.Suppress, tc.want)
		}
	}
	if set.EvaluateAlert("", "r", MapSubject{}).Suppress {
		t.Error("missing field matched")
	}
}

func TestAlertSubject(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	subj := &AlertSubject{
		At: at,
		Entities: []EntityValue{
			{"account.FullName", "ci-deployer@contoso.com"},
			{"ip.Address", "10.20.30.4"},
			{"IP.Address", "10.20.30.9"},
		},
		Columns: map[string][]types.Value{
			"Caller":        {types.NewString("ci-deployer@contoso.com")},
			"ResourceGroup": {types.NewString("admin-rg"), types.NewString("prod-rg")},
			"Count":         {types.NewLong(3), types.NullOf(types.Long)},
		},
	}
	tests := []struct {
		when string
		want bool
	}{
		{"field: Account.FullName\nequals: CI-DEPLOYER@contoso.com", true},
		{"field: account.fullname\nequals: ci-deployer@contoso.com", true},
		{"field: IP.Address\ncidr: 10.20.30.0/24", true},
		{"field: IP.Address\nequals: 10.20.30.4", false}, // the second IP differs
		{"field: Caller\nwildcard: 'ci-*'", true},
		{"field: ResourceGroup\nequals: admin-rg", false}, // one row is prod-rg
		{"field: ResourceGroup\nin: [admin-rg, prod-rg]", true},
		{"field: Count\nequals: '3'", false}, // a null row never matches
		{"field: Host.HostName\nequals: x", false},
		{"schedule: {hours: '10:00-11:00'}", true},
	}
	for _, tc := range tests {
		set := compileSrc(t, oneExclusion("alert", tc.when), Options{})
		if got := set.EvaluateAlert("", "r", subj).Suppress; got != tc.want {
			t.Errorf("%q: matched %v, want %v", tc.when, got, tc.want)
		}
	}
}
