package rule

import (
	"testing"
	"time"

	"kqlhunt/alert"
)

func incidentAlert(at time.Duration, sev string, accounts ...string) *alert.Alert {
	a := &alert.Alert{}
	a.TimeGenerated = t0.Add(at)
	a.AlertName = "n"
	a.AlertSeverity = sev
	for _, acc := range accounts {
		a.EntityList = append(a.EntityList, alert.Entity{Type: "account", Props: []alert.Prop{{Name: "Name", Value: acc}}})
	}
	a.EntityList = append(a.EntityList, alert.Entity{Type: "ip", Props: []alert.Prop{{Name: "Address", Value: "10.0.0.1"}}})
	return a
}

func TestCountIncidents(t *testing.T) {
	alerts := []*alert.Alert{
		incidentAlert(0, "High", "alice"),
		incidentAlert(time.Hour, "High", "alice"),
		incidentAlert(2*time.Hour, "Low", "bob"),
		incidentAlert(6*time.Hour, "High", "alice"),          // more than 5h after alice's first
		incidentAlert(7*time.Hour+time.Minute, "Low", "bob"), // more than 5h after bob's first
	}
	grouping := func(method string, extra string) *Rule {
		src := scheduledYAML + "incidentConfiguration:\n  createIncident: true\n  groupingConfiguration:\n    enabled: true\n    lookbackDuration: 5h\n    matchingMethod: " + method + "\n" + extra
		return mustParse(t, src)
	}
	cases := []struct {
		name string
		r    *Rule
		want int
	}{
		{"no configuration: one per alert", mustParse(t, scheduledYAML), 5},
		{"createIncident false", mustParse(t, scheduledYAML+"incidentConfiguration:\n  createIncident: false\n"), 0},
		{"grouping disabled", mustParse(t, scheduledYAML+"incidentConfiguration:\n  createIncident: true\n  groupingConfiguration:\n    enabled: false\n"), 5},
		{"AnyAlert", grouping("AnyAlert", ""), 2},       // [0,1h,2h] then [6h,7h1m]
		{"AllEntities", grouping("AllEntities", ""), 4}, // alice {0,1h}, bob {2h}, alice {6h}, bob {7h1m}
		{"Selected by severity", grouping("Selected", "    groupByAlertDetails: [Severity]\n"), 4},
		{"Selected by IP", grouping("Selected", "    groupByEntities: [IP]\n"), 2},
		{"Selected by account", grouping("Selected", "    groupByEntities: [Account]\n"), 4},
	}
	for _, c := range cases {
		if got := CountIncidents(c.r, alerts); got != c.want {
			t.Errorf("%s: %d incidents, want %d", c.name, got, c.want)
		}
	}
	// At most 150 alerts per incident.
	var many []*alert.Alert
	for i := 0; i < 301; i++ {
		many = append(many, incidentAlert(time.Duration(i)*time.Second, "High", "alice"))
	}
	if got := CountIncidents(grouping("AnyAlert", ""), many); got != 3 {
		t.Errorf("301 alerts: %d incidents, want 3", got)
	}
}
