package tune

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
)

// maxDistinctExamples bounds the distinct example values tracked per
// exclusion; further distinct values are only counted.
const maxDistinctExamples = 1024

// Audit is the record of what tuning did: per exclusion, the rows it
// removed before queries ran, the alerts it suppressed or changed, and
// examples of the values involved. Ordering is deterministic: exclusions in
// file order, counts sorted by rule and table, examples by count then text.
type Audit struct {
	Exclusions []AuditEntry `json:"exclusions"`
	// Warnings lists expired exclusions and exclusions that could not be
	// applied, sorted.
	Warnings []string `json:"warnings"`
}

// AuditEntry is the record of one exclusion.
type AuditEntry struct {
	ID       string   `json:"id"`
	Name     string   `json:"name,omitempty"`
	Stage    string   `json:"stage"`
	Action   string   `json:"action"`
	Severity string   `json:"severity,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	Reason   string   `json:"reason"`
	Owner    string   `json:"owner"`
	Expires  string   `json:"expires"`
	Expired  bool     `json:"expired"`
	// RowsRemoved totals Input.
	RowsRemoved int          `json:"rows_removed"`
	Input       []InputCount `json:"input"`
	// AlertsSuppressed counts alerts this exclusion suppressed.
	AlertsSuppressed int `json:"alerts_suppressed"`
	// AlertsChanged counts alerts whose severity or tags it changed.
	AlertsChanged int `json:"alerts_changed"`
	// AlertsOverridden counts alerts it matched where another exclusion
	// took precedence.
	AlertsOverridden int `json:"alerts_overridden"`
	// Examples are the most frequent values behind the matches (the
	// fields the condition reads).
	Examples []Example `json:"examples"`
	// OtherMatches counts matches not covered by Examples.
	OtherMatches int `json:"other_matches"`
}

// InputCount is the number of rows removed from one table for one rule.
type InputCount struct {
	Rule  string `json:"rule"`
	Table string `json:"table"`
	Rows  int    `json:"rows"`
}

// Example is one value seen in matches, with its count.
type Example struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

type recorder struct {
	mu       sync.Mutex
	examples int
	recs     []*auditRec
	warnings map[string]bool
}

type auditRec struct {
	c          *compiled
	input      map[[2]string]int
	suppressed int
	changed    int
	overridden int
	values     map[string]int
	overflow   int
}

func newRecorder(examples int) *recorder {
	return &recorder{examples: examples, warnings: map[string]bool{}}
}

func (r *recorder) init(ex []*compiled) {
	for _, c := range ex {
		r.recs = append(r.recs, &auditRec{c: c, input: map[[2]string]int{}, values: map[string]int{}})
		if c.expired {
			r.warnings[expiredWarning(c.x)] = true
		}
	}
}

func (r *recorder) warn(msg string) {
	r.mu.Lock()
	r.warnings[msg] = true
	r.mu.Unlock()
}

func (a *auditRec) addValue(v string) {
	if _, ok := a.values[v]; ok || len(a.values) < maxDistinctExamples {
		a.values[v]++
		return
	}
	a.overflow++
}

func (r *recorder) input(c *compiled, rule, table string, rows int, values iter.Seq[string]) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a := r.recs[c.idx]
	a.input[[2]string{rule, table}] += rows
	for v := range values {
		a.addValue(v)
	}
}

func (r *recorder) alert(c *compiled, rule string, applied bool, value string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a := r.recs[c.idx]
	switch {
	case !applied:
		a.overridden++
	case c.x.Action == ActSuppress:
		a.suppressed++
	default:
		a.changed++
	}
	a.addValue(value)
}

// Audit returns a snapshot of the audit trail.
func (s *Set) Audit() *Audit {
	r := s.audit
	r.mu.Lock()
	defer r.mu.Unlock()
	out := &Audit{Exclusions: []AuditEntry{}, Warnings: []string{}}
	for _, a := range r.recs {
		x := a.c.x
		e := AuditEntry{
			ID: x.Label(), Name: x.Name, Stage: x.Stage.String(), Action: x.Action.String(),
			Severity: x.Severity, Tags: x.Tags, Reason: x.Reason, Owner: x.Owner,
			Expires: x.ExpiresText, Expired: a.c.expired,
			AlertsSuppressed: a.suppressed, AlertsChanged: a.changed, AlertsOverridden: a.overridden,
			Input: []InputCount{}, Examples: []Example{},
		}
		for k, n := range a.input {
			e.Input = append(e.Input, InputCount{Rule: k[0], Table: k[1], Rows: n})
			e.RowsRemoved += n
		}
		sort.Slice(e.Input, func(i, j int) bool {
			if e.Input[i].Rule != e.Input[j].Rule {
				return e.Input[i].Rule < e.Input[j].Rule
			}
			return e.Input[i].Table < e.Input[j].Table
		})
		total := a.overflow
		for v, n := range a.values {
			e.Examples = append(e.Examples, Example{Value: v, Count: n})
			total += n
		}
		sort.Slice(e.Examples, func(i, j int) bool {
			if e.Examples[i].Count != e.Examples[j].Count {
				return e.Examples[i].Count > e.Examples[j].Count
			}
			return e.Examples[i].Value < e.Examples[j].Value
		})
		if len(e.Examples) > r.examples {
			e.Examples = e.Examples[:r.examples]
		}
		for _, ex := range e.Examples {
			total -= ex.Count
		}
		e.OtherMatches = total
		out.Exclusions = append(out.Exclusions, e)
	}
	for w := range r.warnings {
		out.Warnings = append(out.Warnings, w)
	}
	sort.Strings(out.Warnings)
	return out
}

// WriteJSON writes the audit as indented JSON.
func (a *Audit) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(a); err != nil {
		return fmt.Errorf("writing audit: %w", err)
	}
	return nil
}

// WriteTable writes the audit as a human-readable table, followed by the
// examples and the warnings.
func (a *Audit) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EXCLUSION\tSTAGE\tACTION\tROWS REMOVED\tSUPPRESSED\tCHANGED\tEXPIRES\tOWNER")
	for _, e := range a.Exclusions {
		action := e.Action
		switch {
		case e.Severity != "":
			action += " " + e.Severity
		case len(e.Tags) > 0:
			action += " " + strings.Join(e.Tags, ",")
		}
		exp := e.Expires
		if exp == "" {
			exp = "never"
		}
		if e.Expired {
			exp += " (expired)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", e.ID, e.Stage, action, e.RowsRemoved, e.AlertsSuppressed, e.AlertsChanged, exp, dash(e.Owner))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing audit: %w", err)
	}
	var sb strings.Builder
	for _, e := range a.Exclusions {
		if len(e.Input) == 0 && len(e.Examples) == 0 {
			continue
		}
		fmt.Fprintf(&sb, "\n%s (reason: %s)\n", e.ID, dash(e.Reason))
		for _, in := range e.Input {
			fmt.Fprintf(&sb, "  removed %d rows of %s for %s\n", in.Rows, in.Table, in.Rule)
		}
		for _, ex := range e.Examples {
			fmt.Fprintf(&sb, "  %6d  %s\n", ex.Count, ex.Value)
		}
		if e.OtherMatches > 0 {
			fmt.Fprintf(&sb, "  %6d  (other values)\n", e.OtherMatches)
		}
	}
	if len(a.Warnings) > 0 {
		sb.WriteString("\nwarnings:\n")
		for _, wmsg := range a.Warnings {
			fmt.Fprintf(&sb, "  %s\n", wmsg)
		}
	}
	if _, err := io.WriteString(w, sb.String()); err != nil {
		return fmt.Errorf("writing audit: %w", err)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
