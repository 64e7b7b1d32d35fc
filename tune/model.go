package tune

import (
	"fmt"
	"strings"
	"time"
)

// Pos is a position in an exclusions file (1-based line and column).
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats the position as file:line:col.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Stage says where an exclusion acts.
type Stage uint8

// The stages.
const (
	// StageInput filters rows of a rule's source table before the query runs.
	StageInput Stage = iota + 1
	// StageAlert acts on the result rows and entities of a rule.
	StageAlert
)

// String returns the YAML name of the stage.
func (s Stage) String() string {
	switch s {
	case StageInput:
		return "input"
	case StageAlert:
		return "alert"
	}
	return "unset"
}

// ActionKind is what an exclusion does to what it matches.
type ActionKind uint8

// The actions.
const (
	// ActSuppress drops the matched rows (input stage) or alerts.
	ActSuppress ActionKind = iota + 1
	// ActSetSeverity changes the severity of matched alerts.
	ActSetSeverity
	// ActTag adds tags to matched alerts.
	ActTag
)

// String returns the YAML name of the action.
func (a ActionKind) String() string {
	switch a {
	case ActSuppress:
		return "suppress"
	case ActSetSeverity:
		return "set-severity"
	case ActTag:
		return "tag"
	}
	return "unset"
}

// severities lists the alert severities, lowest first.
var severities = []string{"Informational", "Low", "Medium", "High"}

// Severities returns the alert severities, lowest first.
func Severities() []string { return append([]string(nil), severities...) }

// canonicalSeverity returns the canonical spelling of a severity name.
func canonicalSeverity(s string) (string, bool) {
	for _, v := range severities {
		if strings.EqualFold(v, s) {
			return v, true
		}
	}
	return "", false
}

// File is a parsed exclusions file.
type File struct {
	// Name is the file name used in positions.
	Name string
	// Version is the format version (1).
	Version int
	// Exclusions in file order.
	Exclusions []*Exclusion
}

// Exclusion is one tuning entry: where it applies, what it matches, what it
// does, and who answers for it.
type Exclusion struct {
	ID   string
	Name string
	// Rules holds the rule ids or names in scope; AllRules is set by
	// `rules: all` (or "*").
	Rules    []string
	AllRules bool
	Stage    Stage
	// Table restricts an input-stage exclusion to one source table; empty
	// means every table the rule reads.
	Table    string
	When     *Cond
	Action   ActionKind
	Severity string
	Tags     []string
	Reason   string
	Owner    string
	// Expires is the first instant at which the exclusion no longer applies
	// (a date means the end of that day, UTC). Zero when absent.
	Expires time.Time
	// ExpiresText is the expiry as written.
	ExpiresText string
	// Draft marks a generated suggestion; drafts never apply.
	Draft bool

	// Pos is the position of the exclusion's mapping.
	Pos Pos
	// RulePos holds the position of each Rules entry.
	RulePos []Pos
	keyPos  map[string]Pos
}

// PosOf returns the position of the value of key (e.g. "expires") in the
// exclusion, or the exclusion's own position when the key is absent.
func (e *Exclusion) PosOf(key string) Pos {
	if p, ok := e.keyPos[key]; ok {
		return p
	}
	return e.Pos
}

// Label returns the id, or the name when there is no id.
func (e *Exclusion) Label() string {
	if e.ID != "" {
		return e.ID
	}
	return e.Name
}

// CondKind is the kind of a condition node.
type CondKind uint8

// The condition kinds.
const (
	// CondAll holds when every child holds (and).
	CondAll CondKind = iota + 1
	// CondAny holds when some child holds (or).
	CondAny
	// CondNot holds when its single child does not.
	CondNot
	// CondMatch compares a field's value: equals, in, wildcard, regex,
	// cidr or watchlist.
	CondMatch
	// CondWindow holds when the time lies in [From, To).
	CondWindow
	// CondSchedule holds when the time, in Zone, falls on one of Days
	// within one of Hours.
	CondSchedule
)

// Op is the comparison of a CondMatch.
type Op uint8

// The comparison operators.
const (
	OpEquals Op = iota + 1
	OpIn
	OpWildcard
	OpRegex
	OpCIDR
	OpWatchlist
)

// String returns the YAML key of the operator.
func (o Op) String() string {
	switch o {
	case OpEquals:
		return "equals"
	case OpIn:
		return "in"
	case OpWildcard:
		return "wildcard"
	case OpRegex:
		return "regex"
	case OpCIDR:
		return "cidr"
	case OpWatchlist:
		return "watchlist"
	}
	return "unset"
}

// HourRange is a time-of-day range [From, To) in minutes after midnight. A
// range with To <= From wraps past midnight and belongs to the day it starts.
type HourRange struct {
	From int
	To   int
}

// Cond is a condition tree node.
type Cond struct {
	Kind     CondKind
	Children []*Cond

	// Field is the column or entity field a CondMatch reads, or the
	// datetime column a time condition reads ("" means the default time).
	Field         string
	Op            Op
	Values        []string
	CaseSensitive bool

	// Zone is the IANA time-zone name of a window or schedule ("" = UTC).
	Zone string
	// From and To bound a CondWindow; FromText/ToText are as written.
	From, To         time.Time
	FromText, ToText string
	// Days (a set, indexed by time.Weekday) and Hours describe a schedule;
	// no days means every day, no hours means all day.
	Days  [7]bool
	Hours []HourRange

	Pos      Pos
	FieldPos Pos
	ValuePos []Pos
	ZonePos  Pos
}

// Fields returns the distinct fields the condition reads, in first-use
// order (time conditions without a field are not listed).
func (c *Cond) Fields() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(*Cond)
	walk = func(c *Cond) {
		if c == nil {
			return
		}
		if c.Field != "" && !seen[c.Field] {
			seen[c.Field] = true
			out = append(out, c.Field)
		}
		for _, ch := range c.Children {
			walk(ch)
		}
	}
	walk(c)
	return out
}
