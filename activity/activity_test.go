package activity

import (
	"testing"
	"time"

	"kqlhunt/kql/types"
)

func ticks(t time.Time) int64 { return t.UnixNano() / 100 }

func TestParseTime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) int64 {
		return ticks(time.Date(y, mo, d, h, mi, s, ns, time.UTC))
	}
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2026-08-12T15:11:47.5329521Z", utc(2026, 8, 12, 15, 11, 47, 532952100), true},
		{"2026-08-12T15:11:47.532952123Z", utc(2026, 8, 12, 15, 11, 47, 532952100), true}, // 9 digits truncated to ticks
		{"2020-06-12T13:07:46.766Z", utc(2020, 6, 12, 13, 7, 46, 766000000), true},
		{"2021-03-01T22:07:42.456241+00:00", utc(2021, 3, 1, 22, 7, 42, 456241000), true},
		{"2021-03-01T23:07:42+01:00", utc(2021, 3, 1, 22, 7, 42, 0), true},
		{"2021-03-01T20:07:42-0200", utc(2021, 3, 1, 22, 7, 42, 0), true},
		{"2021-03-01 22:07:42", utc(2021, 3, 1, 22, 7, 42, 0), true},
		{"2021-03-01", utc(2021, 3, 1, 0, 0, 0, 0), true},
		{"01/09/2007 09:41:00", utc(2007, 1, 9, 9, 41, 0, 0), true},
		{"1/9/2007 9:41:00 AM", utc(2007, 1, 9, 9, 41, 0, 0), true},
		{"1/9/2007 10:41:00 AM +01:00", utc(2007, 1, 9, 9, 41, 0, 0), true},
		{"1/9/2007 12:05:00 AM", utc(2007, 1, 9, 0, 5, 0, 0), true},
		{"1/9/2007 12:05:00 PM", utc(2007, 1, 9, 12, 5, 0, 0), true},
		{"4/28/2021, 2:31:30.021 PM", utc(2021, 4, 28, 14, 31, 30, 21000000), true},
		{"1/31/2026, 7:30:15.123 AM", utc(2026, 1, 31, 7, 30, 15, 123000000), true},
		{"1969-12-31T23:59:59Z", utc(1969, 12, 31, 23, 59, 59, 0), true},
		{"", 0, false},
		{"yesterday", 0, false},
		{"2021-02-30T00:00:00Z", 0, false},
		{"2021-13-01T00:00:00Z", 0, false},
		{"13/1/2021 1:00:00", 0, false},
		{"1/9/2007 13:00:00 PM", 0, false},
		{"2021-03-01T22:07:42.Z", 0, false},
		{"2021-03-01T22:07:42Zjunk", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseTime(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseTime(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-08-12T15:11:47.5329521Z", "1/9/2007 10:41:00 AM +01:00", "4/28/2021, 2:31:30.021 PM", "0000-01-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseTime(s)
		if !ok {
			return
		}
		// An ISO result must agree with the standard library where it
		// accepts the text.
		if tm, err := time.Parse(time.RFC3339Nano, s); err == nil && tm.Year() > 0 {
			if want := tm.UnixNano() / 100; tm.Year() < 2200 && tm.Year() > 1700 && got != want {
				t.Errorf("ParseTime(%q) = %d, time.Parse gives %d", s, got, want)
			}
		}
	})
}

func TestResourceIDParts(t *testing.T) {
	cases := []struct{ id, sub, rg, last string }{
		{"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG1/PROVIDERS/MICROSOFT.STORAGE/STORAGEACCOUNTS/SA1", "S1", "RG1", "SA1"},
		{"/subscriptions/s1/resourceGroups/My-RG", "s1", "My-RG", "My-RG"},
		{"/subscriptions/s1", "s1", "", "s1"},
		{"/subscriptions/s1/providers/Microsoft.Insights/diagnosticSettings/x", "s1", "", "x"},
		{"", "", "", ""},
		{"/", "", "", ""},
	}
	for _, c := range cases {
		sub, rg, last := ResourceIDParts(c.id)
		if sub != c.sub || rg != c.rg || last != c.last {
			t.Errorf("ResourceIDParts(%q) = %q %q %q, want %q %q %q", c.id, sub, rg, last, c.sub, c.rg, c.last)
		}
	}
}

func TestCallerFromClaims(t *testing.T) {
	cases := []struct{ claims, want string }{
		{`{"name":"N","upn":"u@x.com","appid":"A"}`, "u@x.com"},
		{`{"name":"N","http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn":"u2@x.com"}`, "u2@x.com"},
		{`{"name":"N","appid":"A"}`, "N"},
		{`{"appid":"A","http://schemas.microsoft.com/identity/claims/objectidentifier":"O"}`, "A"},
		{`{"http://schemas.microsoft.com/identity/claims/objectidentifier":"O"}`, "O"},
		{`{}`, ""},
		{`not json`, ""},
	}
	for _, c := range cases {
		if got := CallerFromClaims([]byte(c.claims)); got != c.want {
			t.Errorf("CallerFromClaims(%s) = %q, want %q", c.claims, got, c.want)
		}
	}
}

func TestStatusAndLevel(t *testing.T) {
	for in, want := range map[string][2]string{
		"Started": {"Start", "Started"}, "Start": {"Start", "Started"},
		"Succeeded": {"Success", "Succeeded"}, "success": {"Success", "Succeeded"},
		"Failed": {"Failure", "Failed"}, "Failure": {"Failure", "Failed"},
		"Accepted": {"Accept", "Accepted"}, "Accept": {"Accept", "Accepted"},
		"Active": {"Active", "Active"}, "": {"", ""},
	} {
		if v, l := StatusValue(in), StatusLegacy(in); v != want[0] || l != want[1] {
			t.Errorf("status %q -> %q/%q, want %q/%q", in, v, l, want[0], want[1])
		}
	}
	for in, want := range map[string]string{"Information": "Informational", "informational": "Informational", "4": "Informational", "2": "Error", "Warning": "Warning", "odd": "odd", "": ""} {
		if got := NormalizeLevel(in); got != want {
			t.Errorf("NormalizeLevel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeOldStyle(t *testing.T) {
	r := &Record{
		OperationName:     "Update Incidents",
		ActivityStatus:    "Succeeded",
		ActivitySubstatus: "OK (HTTP Status Code: 200)",
		Category:          "Administrative",
		ResourceProvider:  "Microsoft.SecurityInsights",
		ResourceId:        "/subscriptions/S1/resourceGroups/rg-a/providers/Microsoft.SecurityInsights/incidents/i1",
		Properties:        `{"message":"Microsoft.SecurityInsights/incidents/write","hierarchy":"t/S1"}`,
		Authorization:     `{"action":"Microsoft.SecurityInsights/incidents/write"}`,
		Claims:            `{"name":"N","upn":"u@x.com"}`,
		HTTPRequest:       `{"clientIpAddress":"198.51.100.1"}`,
		Level:             "Information",
	}
	r.Normalize(true)
	want := Record{
		OperationName: "Update Incidents", OperationNameValue: "Microsoft.SecurityInsights/incidents/write",
		ActivityStatus: "Succeeded", ActivityStatusValue: "Success",
		ActivitySubstatus: "OK (HTTP Status Code: 200)", ActivitySubstatusValue: "OK",
		Category: "Administrative", CategoryValue: "Administrative",
		ResourceProvider: "Microsoft.SecurityInsights", ResourceProviderValue: "Microsoft.SecurityInsights",
		ResourceId: r.ResourceId, ResourceIdLA: "/subscriptions/s1/resourcegroups/rg-a/providers/microsoft.securityinsights/incidents/i1",
		SubscriptionId: "S1", SubscriptionLA: "s1", ResourceGroup: "rg-a", Resource: "i1",
		Hierarchy: "t/S1", Caller: "u@x.com", CallerIpAddress: "198.51.100.1", Level: "Informational",
		Type: "AzureActivity", SourceSystem: "Azure",
		Properties: r.Properties, Authorization: r.Authorization, Claims: r.Claims, HTTPRequest: r.HTTPRequest,
	}
	got := *r
	got.AuthorizationD, got.ClaimsD, got.PropertiesD = nil, nil, nil
	if got != want {
		t.Errorf("Normalize:\n got %+v\nwant %+v", got, want)
	}
	if s := types.FormatDynamic(r.PropertiesD); s != `{"message":"Microsoft.SecurityInsights/incidents/write","hierarchy":"t/S1"}` {
		t.Errorf("Properties_d = %s", s)
	}
	// Idempotent.
	again := *r
	again.Normalize(true)
	if again.OperationNameValue != r.OperationNameValue || again.Caller != r.Caller {
		t.Error("Normalize is not idempotent")
	}
}

func TestInferOperation(t *testing.T) {
	cases := []struct {
		name, opName, props, auth, want string
	}{
		{"cascade delete", "Delete Network Interface", `{"message":"Microsoft.Network/networkInterfaces/delete"}`, `{"action":"Microsoft.Resources/subscriptions/resourceGroups/delete"}`, "Microsoft.Network/networkInterfaces/delete"},
		{"policy", "'audit' Policy action.", `{"message":"Microsoft.Authorization/policies/audit/action"}`, `{"action":"Microsoft.Network/VirtualNetworks/write"}`, "Microsoft.Authorization/policies/audit/action"},
		{"already an operation", "Microsoft.Web/connections/dynamicInvoke/action", `{"message":"other"}`, `{"action":"Microsoft.Web/connections/write"}`, "Microsoft.Web/connections/dynamicInvoke/action"},
		{"authorization only", "Update Incidents", `{"statusCode":"OK"}`, `{"action":"Microsoft.SecurityInsights/incidents/write"}`, "Microsoft.SecurityInsights/incidents/write"},
		{"nothing better", "Some Operation", ``, ``, "Some Operation"},
	}
	for _, c := range cases {
		r := &Record{OperationName: c.opName, Properties: c.props, Authorization: c.auth}
		r.Normalize(false)
		if r.OperationNameValue != c.want {
			t.Errorf("%s: OperationNameValue = %q, want %q", c.name, r.OperationNameValue, c.want)
		}
	}
}

func TestParseDynamicText(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1}`: `{"a":1}`, ` [1,"x"] `: `[1,"x"]`, `plain text`: `"plain text"`, `{broken`: `"{broken"`, ``: `null`, `"q"`: `"q"`,
	} {
		if got := types.FormatDynamic(ParseDynamicText(in)); got != want {
			t.Errorf("ParseDynamicText(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestCategories(t *testing.T) {
	for _, c := range []string{"Administrative", "administrative", "Policy", "ServiceHealth", "Write", ""} {
		if !IsActivityCategory(c) {
			t.Errorf("IsActivityCategory(%q) = false", c)
		}
	}
	for _, c := range []string{"NonInteractiveUserSignInLogs", "SignInLogs", "AuditLogs"} {
		if IsActivityCategory(c) {
			t.Errorf("IsActivityCategory(%q) = true", c)
		}
	}
	if CanonicalCategory("Write") != "Administrative" || CanonicalCategory("policy") != "Policy" || CanonicalCategory("") != "Administrative" {
		t.Error("CanonicalCategory")
	}
}
