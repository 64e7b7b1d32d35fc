package rule

import (
	"sort"
	"strings"
	"time"

	"kqlhunt/alert"
)

// Incident grouping defaults and limits (docs/sentinel-rules.md §3.1).
const (
	DefaultGroupingLookback = 5 * time.Hour
	MaxAlertsPerIncident    = 150
)

// CountIncidents estimates how many incidents the alerts of one rule (in
// time order) would create under its incidentConfiguration: none when
// createIncident is false; one per alert without grouping; with grouping,
// an alert joins the open incident of its group when that incident's first
// alert is at most lookbackDuration older and it holds fewer than 150
// alerts. Groups: AnyAlert puts every alert of the rule together;
// AllEntities groups alerts with identical entities; Selected groups by the
// chosen entity types, alert details (DisplayName, Severity) and custom
// details.
func CountIncidents(r *Rule, alerts []*alert.Alert) int {
	ic := r.IncidentConfiguration
	if ic != nil && !ic.CreateIncident {
		return 0
	}
	if ic == nil || ic.Grouping == nil || !ic.Grouping.Enabled {
		return len(alerts)
	}
	g := ic.Grouping
	lookback := g.LookbackDuration
	if lookback <= 0 {
		lookback = DefaultGroupingLookback
	}
	type open struct {
		first time.Time
		n     int
	}
	groups := map[string]*open{}
	count := 0
	for _, a := range alerts {
		k := groupKey(g, a)
		o := groups[k]
		if o != nil && a.TimeGenerated.Sub(o.first) <= lookback && o.n < MaxAlertsPerIncident {
			o.n++
			continue
		}
		groups[k] = &open{first: a.TimeGenerated, n: 1}
		count++
	}
	return count
}

func groupKey(g *GroupingConfiguration, a *alert.Alert) string {
	switch strings.ToLower(g.MatchingMethod) {
	case "anyalert":
		return ""
	case "selected":
		var parts []string
		for _, et := range g.GroupByEntities {
			typ := strings.ToLower(et)
			if t, _, ok := alert.LookupEntityType(et); ok {
				typ = t.AlertType
			}
			parts = append(parts, "e:"+et+"="+entityKeys(a, typ))
		}
		for _, d := range g.GroupByAlertDetails {
			switch strings.ToLower(d) {
			case "displayname":
				parts = append(parts, "n:"+a.AlertName)
			case "severity":
				parts = append(parts, "s:"+a.AlertSeverity)
			}
		}
		for _, c := range g.GroupByCustomDetails {
			parts = append(parts, "c:"+c+"="+strings.Join(a.CustomDetails[c], "\x1f"))
		}
		return strings.Join(parts, "\x1e")
	}
	return entityKeys(a, "")
}

// entityKeys lists the alert's entity keys (of one type, or all when typ is
// ""), sorted, as one string.
func entityKeys(a *alert.Alert, typ string) string {
	var ks []string
	for i := range a.EntityList {
		if typ == "" || a.EntityList[i].Type == typ {
			ks = append(ks, a.EntityList[i].Key())
		}
	}
	sort.Strings(ks)
	return strings.Join(ks, "\x1d")
}
