package tune

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// BacktestAlert is one alert produced by a backtest: the input of Suggest.
type BacktestAlert struct {
	RuleID   string
	RuleName string
	Time     time.Time
	// Entities holds the alert's entity identifiers, e.g.
	// {Field: "Account.FullName", Value: "alice@contoso.com"}.
	Entities []EntityValue
	// Operations are the operations behind the alert (e.g. the
	// OperationNameValue set of a CloudShell alert).
	Operations []string
}

// EntityValue is one entity identifier of an alert.
type EntityValue struct {
	// Field is written Type.Identifier (Account.Name, IP.Address, ...).
	Field string
	Value string
}

// SuggestOptions configures Suggest and Drafts.
type SuggestOptions struct {
	// Now is the clock for draft expiry; zero means time.Now().
	Now time.Time
	// Expiry is how long drafts last (default 30 days).
	Expiry time.Duration
	// Top is the most suggestions returned (default 10).
	Top int
	// MinAlerts is the fewest alerts a pattern needs (default 2).
	MinAlerts int
	// Zone is the time zone of time-of-day patterns (default UTC).
	Zone *time.Location
	// Owner is written into drafts; empty leaves them for lint to flag.
	Owner string
}

func (o *SuggestOptions) defaults() {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Expiry <= 0 {
		o.Expiry = 30 * 24 * time.Hour
	}
	if o.Top <= 0 {
		o.Top = 10
	}
	if o.MinAlerts <= 0 {
		o.MinAlerts = 2
	}
	if o.Zone == nil || o.Zone == time.Local {
		o.Zone = time.UTC
	}
}

// Suggestion kinds.
const (
	// KindEntity is one entity value (a caller, a host, ...).
	KindEntity = "entity"
	// KindIPRange is an IPv4 /24 or IPv6 /64 holding the alerts' addresses.
	KindIPRange = "ip-range"
	// KindHour is an hour of the day (in SuggestOptions.Zone).
	KindHour = "hour"
)

// Suggestion is one pattern behind many alerts, with its evidence.
type Suggestion struct {
	Kind string
	// Field is the entity field (empty for KindHour).
	Field string
	// Value is the entity value, the CIDR range, or the hour range
	// ("02:00-03:00").
	Value  string
	Alerts int
	First  time.Time
	Last   time.Time
	// Rules are the rules behind the alerts, sorted.
	Rules []string
	// Operations are the most frequent operations behind the alerts.
	Operations []OpCount
	// With is, for KindHour, the most frequent entity in that hour: drafts
	// combine the two rather than silencing a whole hour.
	With *EntityValue
}

// OpCount is an operation and the number of alerts it appears in.
type OpCount struct {
	Name  string
	Count int
}

type group struct {
	s     Suggestion
	rules map[string]bool
	ops   map[string]int
	with  map[EntityValue]int
}

// Suggest ranks the patterns that produce the most alerts: entity values,
// IP ranges and hours of the day, each with its evidence. Suggestions are
// only evidence; Drafts turns them into exclusions that never apply until
// reviewed.
func Suggest(opts SuggestOptions, alerts ...BacktestAlert) []Suggestion {
	opts.defaults()
	groups := map[string]*group{}
	get := func(kind, field, value string) *group {
		key := kind + "\x00" + field + "\x00" + strings.ToLower(value)
		g, ok := groups[key]
		if !ok {
			g = &group{s: Suggestion{Kind: kind, Field: field, Value: value}, rules: map[string]bool{}, ops: map[string]int{}, with: map[EntityValue]int{}}
			groups[key] = g
		}
		return g
	}
	for _, a := range alerts {
		seen := map[*group]bool{}
		var ents []EntityValue
		for _, e := range a.Entities {
			if e.Value == "" || e.Field == "" {
				continue
			}
			var g *group
			if cidr, ok := ipRange(e); ok {
				g = get(KindIPRange, e.Field, cidr)
			} else {
				g = get(KindEntity, e.Field, e.Value)
				ents = append(ents, e)
			}
			seen[g] = true
		}
		h := a.Time.In(opts.Zone).Hour()
		hg := get(KindHour, "", fmt.Sprintf("%02d:00-%02d:00", h, h+1))
		seen[hg] = true
		for _, e := range ents {
			hg.with[EntityValue{Field: e.Field, Value: e.Value}]++
		}
		rule := ruleLabel(a.RuleID, a.RuleName)
		for g := range seen {
			s := &g.s
			s.Alerts++
			if s.First.IsZero() || a.Time.Before(s.First) {
				s.First = a.Time
			}
			if a.Time.After(s.Last) {
				s.Last = a.Time
			}
			if rule != "" {
				g.rules[rule] = true
			}
			done := map[string]bool{}
			for _, op := range a.Operations {
				if !done[op] {
					done[op] = true
					g.ops[op]++
				}
			}
		}
	}
	var out []Suggestion
	for _, g := range groups {
		if g.s.Alerts < opts.MinAlerts {
			continue
		}
		s := g.s
		for r := range g.rules {
			s.Rules = append(s.Rules, r)
		}
		sort.Strings(s.Rules)
		for op, n := range g.ops {
			s.Operations = append(s.Operations, OpCount{Name: op, Count: n})
		}
		sort.Slice(s.Operations, func(i, j int) bool {
			if s.Operations[i].Count != s.Operations[j].Count {
				return s.Operations[i].Count > s.Operations[j].Count
			}
			return s.Operations[i].Name < s.Operations[j].Name
		})
		if len(s.Operations) > 5 {
			s.Operations = s.Operations[:5]
		}
		if s.Kind == KindHour {
			var best EntityValue
			bestN := 0
			for e, n := range g.with {
				if n > bestN || (n == bestN && (e.Field+"\x00"+e.Value) < (best.Field+"\x00"+best.Value)) {
					best, bestN = e, n
				}
			}
			if bestN == 0 {
				continue // a whole hour is never worth suggesting alone
			}
			s.With = &best
		}
		out = append(out, s)
	}
	kindRank := map[string]int{KindEntity: 0, KindIPRange: 1, KindHour: 2}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Alerts != b.Alerts {
			return a.Alerts > b.Alerts
		}
		if kindRank[a.Kind] != kindRank[b.Kind] {
			return kindRank[a.Kind] < kindRank[b.Kind]
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		return a.Value < b.Value
	})
	if len(out) > opts.Top {
		out = out[:opts.Top]
	}
	return out
}

// ipRange returns the /24 (IPv4) or /64 (IPv6) holding an IP entity.
func ipRange(e EntityValue) (string, bool) {
	if !strings.HasPrefix(e.Field, "IP.") {
		return "", false
	}
	a, ok := parseIP(strings.TrimSpace(e.Value))
	if !ok {
		return "", false
	}
	bits := 64
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return "", false
	}
	return p.String(), true
}

// DraftReason is the reason written into every draft exclusion.
const DraftReason = "draft: review before use"

// Drafts turns suggestions into draft exclusions (alert stage, suppress,
// expiring after opts.Expiry, marked draft: true so that Compile refuses
// them until someone reviews them). The evidence of each draft is returned
// as comment lines, by index, for Format.
func Drafts(opts SuggestOptions, sugs []Suggestion) (*File, map[int][]string) {
	opts.defaults()
	f := &File{Name: "suggestions.yaml", Version: 1}
	comments := map[int][]string{}
	expires := opts.Now.Add(opts.Expiry).UTC().Format("2006-01-02")
	expT, _ := parseExpiry(expires)
	for i, s := range sugs {
		x := &Exclusion{
			ID:      fmt.Sprintf("draft-%d-%s", i+1, slug(s)),
			Draft:   true,
			Rules:   append([]string(nil), s.Rules...),
			Stage:   StageAlert,
			Action:  ActSuppress,
			Reason:  DraftReason,
			Owner:   opts.Owner,
			Expires: expT, ExpiresText: expires,
		}
		if len(x.Rules) == 0 {
			x.AllRules = true
		}
		switch s.Kind {
		case KindEntity:
			x.When = &Cond{Kind: CondMatch, Field: s.Field, Op: OpEquals, Values: []string{s.Value}}
		case KindIPRange:
			x.When = &Cond{Kind: CondMatch, Field: s.Field, Op: OpCIDR, Values: []string{s.Value}}
		case KindHour:
			hr, err := parseHourRange(s.Value)
			if err != nil || s.With == nil {
				continue
			}
			sched := &Cond{Kind: CondSchedule, Hours: []HourRange{hr}, Zone: opts.Zone.String()}
			for d := range sched.Days {
				sched.Days[d] = true
			}
			x.When = &Cond{Kind: CondAll, Children: []*Cond{
				{Kind: CondMatch, Field: s.With.Field, Op: OpEquals, Values: []string{s.With.Value}},
				sched,
			}}
		}
		idx := len(f.Exclusions)
		f.Exclusions = append(f.Exclusions, x)
		comments[idx] = evidence(s)
	}
	return f, comments
}

// DraftYAML returns Drafts formatted as exclusions YAML with the evidence
// as comments.
func DraftYAML(opts SuggestOptions, sugs []Suggestion) []byte {
	f, comments := Drafts(opts, sugs)
	return Format(f, comments)
}

func evidence(s Suggestion) []string {
	what := s.Field + " " + s.Value
	if s.Kind == KindHour {
		what = "hour " + s.Value + " with " + s.With.Field + " " + s.With.Value
	}
	lines := []string{
		fmt.Sprintf("%s: %d alerts, first %s, last %s", what, s.Alerts, s.First.UTC().Format(time.RFC3339), s.Last.UTC().Format(time.RFC3339)),
	}
	if len(s.Operations) > 0 {
		var ops []string
		for _, o := range s.Operations {
			ops = append(ops, fmt.Sprintf("%s (%d)", o.Name, o.Count))
		}
		lines = append(lines, "operations: "+strings.Join(ops, ", "))
	}
	return lines
}

// slug makes a short id fragment from a suggestion.
func slug(s Suggestion) string {
	src := s.Value
	if s.Kind == KindHour && s.With != nil {
		src = s.With.Value + "-" + s.Value
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(src) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
