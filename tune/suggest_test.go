package tune

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"kqlhunt/kql/types"
)

func backtest() []BacktestAlert {
	at := func(s string) time.Time {
		t, _ := time.Parse(time.RFC3339, s)
		return t
	}
	var out []BacktestAlert
	// A pipeline account from the build subnet, every night at 02:xx UTC.
	for d := 1; d <= 6; d++ {
		out = append(out, BacktestAlert{
			RuleName: "Azure CloudShell Usage", Time: at(fmt.Sprintf("2026-11-%02dT02:%02d:00Z", d, 10+d)),
			Entities:   []EntityValue{{"Account.FullName", "ci-deployer@contoso.com"}, {"IP.Address", fmt.Sprintf("10.20.30.%d", d)}},
			Operations: []string{"Microsoft.Resources/deployments/write", "Microsoft.Storage/storageAccounts/listKeys/action"},
		})
	}
	// An admin, three times in the afternoon, different case.
	for i, who := range []string{"alice@contoso.com", "Alice@Contoso.com", "alice@contoso.com"} {
		out = append(out, BacktestAlert{
			RuleName: "Azure CloudShell Usage", Time: at(fmt.Sprintf("2026-11-1%dT14:00:00Z", i)),
			Entities:   []EntityValue{{"Account.FullName", who}, {"IP.Address", "2001:db8:1:2::5"}},
			Operations: []string{"Microsoft.Compute/virtualMachines/restart/action"},
		})
	}
	// A one-off.
	out = append(out, BacktestAlert{RuleID: "r9", Time: at("2026-11-20T09:00:00Z"),
		Entities: []EntityValue{{"Account.FullName", "mallory@evil.example"}, {"IP.Address", "198.51.100.7"}}})
	return out
}

func TestSuggestRanking(t *testing.T) {
	sugs := Suggest(SuggestOptions{Now: testNow}, backtest()...)
	var got []string
	for _, s := range sugs {
		line := fmt.Sprintf("%s %s %s %d", s.Kind, s.Field, s.Value, s.Alerts)
		if s.With != nil {
			line += " with " + s.With.Value
		}
		got = append(got, line)
	}
	want := []string{
		"entity Account.FullName ci-deployer@contoso.com 6",
		"ip-range IP.Address 10.20.30.0/24 6",
		"hour  02:00-03:00 6 with ci-deployer@contoso.com",
		"entity Account.FullName alice@contoso.com 3",
		"ip-range IP.Address 2001:db8:1:2::/64 3",
		"hour  14:00-15:00 3 with alice@contoso.com",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("suggestions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ci := sugs[0]
	if !ci.First.Equal(time.Date(2026, 11, 1, 2, 11, 0, 0, time.UTC)) || !ci.Last.Equal(time.Date(2026, 11, 6, 2, 16, 0, 0, time.UTC)) {
		t.Errorf("first/last = %v %v", ci.First, ci.Last)
	}
	if len(ci.Operations) != 2 || ci.Operations[0] != (OpCount{"Microsoft.Resources/deployments/write", 6}) || ci.Rules[0] != "Azure CloudShell Usage" {
		t.Errorf("evidence = %+v %v", ci.Operations, ci.Rules)
	}
	// Time-of-day patterns follow the zone.
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	for _, s := range Suggest(SuggestOptions{Now: testNow, Zone: ams}, backtest()...) {
		if s.Kind == KindHour && s.Alerts == 6 && s.Value != "03:00-04:00" {
			t.Errorf("Amsterdam hour = %s", s.Value)
		}
	}
	if n := len(Suggest(SuggestOptions{Now: testNow, Top: 2}, backtest()...)); n != 2 {
		t.Errorf("Top 2 gave %d", n)
	}
}

func TestDraftsRoundTripAndNeverApply(t *testing.T) {
	opts := SuggestOptions{Now: testNow}
	sugs := Suggest(opts, backtest()...)
	yml := DraftYAML(opts, sugs)
	f, err := Parse("suggestions.yaml", yml)
	if err != nil {
		t.Fatalf("drafts do not parse: %v\n%s", err, yml)
	}
	want, _ := Drafts(opts, sugs)
	if d := diffFiles(want, f); d != "" {
		t.Fatalf("round trip differs: %s\n%s", d, yml)
	}
	for _, x := range f.Exclusions {
		if !x.Draft || x.Reason != DraftReason || x.ExpiresText != "2026-12-26" {
			t.Fatalf("draft fields: %+v", x)
		}
	}
	if !strings.Contains(string(yml), "# Account.FullName ci-deployer@contoso.com: 6 alerts, first 2026-11-01T02:11:00Z, last 2026-11-06T02:16:00Z") {
		t.Errorf("evidence comment missing:\n%s", yml)
	}
	// Drafts are refused as they are.
	if _, err := Compile(f, Options{Now: testNow}); err == nil || !strings.Contains(err.Error(), "[draft]") {
		t.Fatalf("Compile accepted drafts: %v", err)
	}
	// Reviewed (draft removed, owner set), they do what the evidence says.
	for _, x := range f.Exclusions {
		x.Draft = false
		x.Owner = "secops"
	}
	set, err := Compile(f, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	sub := func(who, ip string, at string) MapSubject {
		tm, _ := time.Parse(time.RFC3339, at)
		return MapSubject{At: tm, Fields: map[string]types.Value{"Account.FullName": types.NewString(who), "IP.Address": types.NewString(ip)}}
	}
	if d := set.EvaluateAlert("", "Azure CloudShell Usage", sub("ci-deployer@contoso.com", "10.20.30.7", "2026-11-27T02:30:00Z")); !d.Suppress {
		t.Error("reviewed draft did not suppress the pipeline")
	}
	if d := set.EvaluateAlert("", "Azure CloudShell Usage", sub("mallory@evil.example", "198.51.100.7", "2026-11-27T09:30:00Z")); d.Suppress {
		t.Error("reviewed drafts suppressed the one-off")
	}
}
