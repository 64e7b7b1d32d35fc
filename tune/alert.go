package tune

import (
	"strings"
	"time"

	"kqlhunt/kql/types"
)

// Subject is what an alert-stage exclusion inspects: one alert (or result
// row) and its entities.
type Subject interface {
	// Field returns a result column by name (e.g. "Caller") or an entity
	// identifier written Type.Identifier (e.g. "Account.Name",
	// "IP.Address"). A dynamic array stands for several values (e.g. two
	// IP entities, or a column over the rows of a multi-row alert) and
	// matches only when every element matches. ok is false when the
	// subject has no such field.
	Field(name string) (types.Value, bool)
	// Time is the alert's time (used by time tests without a field).
	Time() time.Time
}

// MapSubject is a Subject backed by a map of fields.
type MapSubject struct {
	Fields map[string]types.Value
	At     time.Time
}

// Field returns the named field.
func (m MapSubject) Field(name string) (types.Value, bool) {
	v, ok := m.Fields[name]
	return v, ok
}

// Time returns At.
func (m MapSubject) Time() time.Time { return m.At }

// AlertSubject is a Subject assembled from an alert's entities and result
// columns, for adapters that do not want to implement Subject themselves.
type AlertSubject struct {
	// At is the alert time.
	At time.Time
	// Entities holds the alert's entity identifiers. Field is written
	// Type.Identifier, with Type the entity type name (Account) or its
	// SecurityAlert type string (account).
	Entities []EntityValue
	// Columns holds, per result column, its values over the alert's rows.
	Columns map[string][]types.Value
}

// Field returns an entity identifier (Type.Identifier, matched without
// regard to case) or a result column. Several values are returned as a
// dynamic array of their texts (nulls as null elements).
func (a *AlertSubject) Field(name string) (types.Value, bool) {
	if typ, id, ok := strings.Cut(name, "."); ok {
		want := canonicalEntity[strings.ToLower(typ)]
		var vals []string
		for _, e := range a.Entities {
			et, eid, ok := strings.Cut(e.Field, ".")
			if ok && want != "" && canonicalEntity[strings.ToLower(et)] == want && strings.EqualFold(eid, id) {
				vals = append(vals, e.Value)
			}
		}
		switch len(vals) {
		case 0:
		case 1:
			return types.NewString(vals[0]), true
		default:
			arr := make([]any, len(vals))
			for i, v := range vals {
				arr[i] = v
			}
			return types.NewDynamic(arr), true
		}
	}
	col, ok := a.Columns[name]
	switch {
	case !ok || len(col) == 0:
		return types.Value{}, false
	case len(col) == 1:
		return col[0], true
	}
	arr := make([]any, len(col))
	for i, v := range col {
		if t, ok := valueText(v); ok {
			arr[i] = t
		}
	}
	return types.NewDynamic(arr), true
}

// Time returns At.
func (a *AlertSubject) Time() time.Time { return a.At }

// Decision is the outcome of the alert-stage exclusions for one alert.
type Decision struct {
	// Suppress drops the alert.
	Suppress bool
	// Severity is the new severity, or "" to keep it.
	Severity string
	// Tags are added to the alert, in first-match order without repeats.
	Tags []string
	// Matched lists every exclusion that matched, in file order.
	Matched []Match
	// Expired lists in-scope exclusions skipped because they expired.
	Expired []string
}

// Match is one exclusion that matched an alert.
type Match struct {
	ID     string
	Action ActionKind
	// Applied is false when another exclusion took precedence (a suppress
	// wins over everything; the first set-severity in file order wins).
	Applied bool
}

// EvaluateAlert applies the alert-stage exclusions in scope for the rule
// to one alert and records the effect in the audit trail.
func (s *Set) EvaluateAlert(ruleID, ruleName string, subj Subject) Decision {
	var d Decision
	var matched []*compiled
	for _, c := range s.ex {
		x := c.x
		if x.Stage != StageAlert || !x.inScope(ruleID, ruleName) {
			continue
		}
		if c.expired {
			d.Expired = append(d.Expired, x.Label())
			s.audit.warn(expiredWarning(x))
			continue
		}
		if evalSubject(c.root, subj) {
			matched = append(matched, c)
			if x.Action == ActSuppress {
				d.Suppress = true
			}
		}
	}
	rule := ruleLabel(ruleID, ruleName)
	for _, c := range matched {
		x := c.x
		m := Match{ID: x.Label(), Action: x.Action}
		switch {
		case x.Action == ActSuppress:
			m.Applied = true
		case d.Suppress:
		case x.Action == ActSetSeverity:
			if d.Severity == "" {
				d.Severity = x.Severity
				m.Applied = true
			}
		case x.Action == ActTag:
			for _, t := range x.Tags {
				if !containsFold(d.Tags, t) {
					d.Tags = append(d.Tags, t)
				}
			}
			m.Applied = true
		}
		d.Matched = append(d.Matched, m)
		s.audit.alert(c, rule, m.Applied, subjectExample(c, subj))
	}
	return d
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func subjectExample(c *compiled, subj Subject) string {
	var sb strings.Builder
	for i, f := range c.fields {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(f)
		sb.WriteByte('=')
		v, ok := subj.Field(f)
		t, tok := valueText(v)
		if !ok || !tok {
			t = "null"
		}
		sb.WriteString(clip(t))
	}
	if len(c.fields) == 0 {
		sb.WriteString("time=")
		sb.WriteString(subj.Time().UTC().Format(time.RFC3339))
	}
	return sb.String()
}

// evalSubject evaluates a condition against one subject.
func evalSubject(n *cnode, subj Subject) bool {
	switch n.kind {
	case CondAll:
		for _, k := range n.kids {
			if !evalSubject(k, subj) {
				return false
			}
		}
		return len(n.kids) > 0
	case CondAny:
		for _, k := range n.kids {
			if evalSubject(k, subj) {
				return true
			}
		}
		return false
	case CondNot:
		if len(n.kids) == 0 {
			return false
		}
		return !evalSubject(n.kids[0], subj)
	case CondMatch:
		v, ok := subj.Field(n.leaf.field)
		return ok && n.leaf.matchValue(v)
	case CondWindow, CondSchedule:
		if n.field == "" {
			return n.matchTime(subj.Time())
		}
		v, ok := subj.Field(n.field)
		if !ok || v.Type != types.DateTime || v.IsNull() {
			return false
		}
		return n.matchTime(types.TimeFromTicks(v.I))
	}
	return false
}
