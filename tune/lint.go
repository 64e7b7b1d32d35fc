package tune

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"kqlhunt/alert"
	"kqlhunt/batch"
	"kqlhunt/internal/suggest"
	"kqlhunt/kql/types"
)

// MaxLifetime is the longest an exclusion may stay in force (from now)
// unless AllowLong is set.
const MaxLifetime = 180 * 24 * time.Hour

// RuleInfo describes a known rule for Lint.
type RuleInfo struct {
	ID   string
	Name string
	// Tables are the source tables the rule reads (optional).
	Tables []string
	// Output is the schema of the rule's result rows (optional).
	Output *batch.Schema
}

// LintEnv is what Lint checks an exclusions file against. Checks whose
// information is missing (nil Tables, nil Rules) are skipped.
type LintEnv struct {
	// Now is the clock for expiry checks; zero means time.Now().
	Now time.Time
	// AllowLong accepts exclusions without expiry or expiring more than
	// MaxLifetime after Now.
	AllowLong bool
	// Watchlists resolves `watchlist:` tests; nil means none exist.
	Watchlists *Watchlists
	// Tables maps source table names to their schemas.
	Tables map[string]*batch.Schema
	// Rules lists the known rules.
	Rules []RuleInfo
}

// canonicalEntity maps a lower-cased entity type name or SecurityAlert type
// string to the entity type name (alert.EntityTypes).
var canonicalEntity = func() map[string]string {
	m := map[string]string{}
	for _, t := range alert.EntityTypes() {
		m[strings.ToLower(t.Name)] = t.Name
		m[t.AlertType] = t.Name
	}
	return m
}()

// LintFile parses and lints an exclusions file, returning every finding.
func LintFile(name string, data []byte, env LintEnv) Findings {
	f, err := Parse(name, data)
	if err != nil {
		if fs, ok := err.(Findings); ok {
			return fs
		}
		return Findings{{Pos: Pos{File: name}, Severity: SevError, Code: "syntax", Msg: err.Error()}}
	}
	return Lint(f, env)
}

// Lint checks a parsed exclusions file: unknown columns and fields, unknown
// rules and tables, impossible or suspicious CIDRs, bad regexes, unknown
// time zones and watchlists, missing reason/owner/scope, and expiry policy.
// Findings are sorted by position.
func Lint(f *File, env LintEnv) Findings {
	if env.Now.IsZero() {
		env.Now = time.Now()
	}
	var fs Findings
	add := func(pos Pos, sev Severity, code, format string, args ...any) {
		fs = append(fs, Finding{Pos: pos, Severity: sev, Code: code, Msg: fmt.Sprintf(format, args...)})
	}
	ids := map[string]Pos{}
	for _, x := range f.Exclusions {
		label := x.Label()
		if p, dup := ids[strings.ToLower(label)]; dup {
			add(x.PosOf("id"), SevError, "duplicate-id", "exclusion id %q is already used at %s", label, p)
		} else {
			ids[strings.ToLower(label)] = x.PosOf("id")
		}
		if x.Draft {
			add(x.PosOf("draft"), SevError, "draft", "exclusion %q is a draft: review it, then remove `draft: true`", label)
		}
		if strings.TrimSpace(x.Reason) == "" {
			add(x.Pos, SevError, "missing-reason", "exclusion %q needs a reason", label)
		}
		if strings.TrimSpace(x.Owner) == "" {
			add(x.Pos, SevError, "missing-owner", "exclusion %q needs an owner", label)
		}
		lintExpiry(x, env, add)
		if !x.AllRules && len(x.Rules) == 0 {
			add(x.Pos, SevError, "missing-scope", "exclusion %q needs `rules:` (rule ids or names, or `all`)", label)
		}
		scope := lintRules(x, env, add)
		if x.When != nil {
			_, cfs := compileCond(x.When, compileEnv{watchlists: env.Watchlists})
			fs = append(fs, cfs...)
			lintFields(x, scope, env, add)
			lintBroad(x.When, false, add)
		}
		lintTableRead(x, scope, add)
	}
	fs = dedupe(fs)
	fs.Sort()
	return fs
}

func dedupe(fs Findings) Findings {
	seen := map[Finding]bool{}
	out := fs[:0]
	for _, f := range fs {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

type addFunc func(pos Pos, sev Severity, code, format string, args ...any)

func lintExpiry(x *Exclusion, env LintEnv, add addFunc) {
	label := x.Label()
	if x.Expires.IsZero() {
		if !env.AllowLong {
			add(x.Pos, SevError, "missing-expiry", "exclusion %q needs `expires:` (a date at most 180 days ahead), or run with AllowLong", label)
		}
		return
	}
	if !env.Now.Before(x.Expires) {
		add(x.PosOf("expires"), SevWarning, "expired", "exclusion %q expired on %s and no longer applies", label, x.ExpiresText)
		return
	}
	if x.Expires.Sub(env.Now) > MaxLifetime && !env.AllowLong {
		add(x.PosOf("expires"), SevError, "expiry-too-long", "exclusion %q expires %s, more than 180 days from now; pick an earlier date or run with AllowLong", label, x.ExpiresText)
	}
}

// lintRules checks the rule references and returns the known rules in
// scope (nil when rules are unknown).
func lintRules(x *Exclusion, env LintEnv, add addFunc) []RuleInfo {
	if env.Rules == nil {
		return nil
	}
	if x.AllRules {
		return env.Rules
	}
	var names []string
	for _, r := range env.Rules {
		names = append(names, r.ID, r.Name)
	}
	var scope []RuleInfo
	for i, ref := range x.Rules {
		found := false
		for _, r := range env.Rules {
			if strings.EqualFold(ref, r.ID) || strings.EqualFold(ref, r.Name) {
				scope = append(scope, r)
				found = true
			}
		}
		if !found {
			msg := fmt.Sprintf("unknown rule %q", ref)
			if s, ok := suggest.Closest(ref, names); ok {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			add(x.RulePos[i], SevError, "unknown-rule", "%s", msg)
		}
	}
	return scope
}

// lintFields checks the fields a condition reads against the schemas it
// will meet.
func lintFields(x *Exclusion, scope []RuleInfo, env LintEnv, add addFunc) {
	if x.Stage == StageInput {
		schemas := inputSchemas(x, scope, env, add)
		if len(schemas) == 0 {
			return
		}
		walkConds(x.When, func(c *Cond) {
			name, pos, wantTime := c.Field, c.FieldPos, false
			switch c.Kind {
			case CondMatch:
			case CondWindow, CondSchedule:
				wantTime = true
				if name == "" {
					return // default time column, or the run time
				}
			default:
				return
			}
			if name == "" {
				return
			}
			checkColumn(name, pos, wantTime, schemas, add)
		})
		return
	}
	var outputs []*batch.Schema
	for _, r := range scope {
		if r.Output != nil {
			outputs = append(outputs, r.Output)
		}
	}
	walkConds(x.When, func(c *Cond) {
		if c.Field == "" || (c.Kind != CondMatch && c.Kind != CondWindow && c.Kind != CondSchedule) {
			return
		}
		if ent, id, ok := strings.Cut(c.Field, "."); ok {
			if name, known := canonicalEntity[strings.ToLower(ent)]; known {
				ent = name
				et, _, _ := alert.LookupEntityType(name)
				ids := et.Identifiers
				for _, k := range ids {
					if strings.EqualFold(k, id) {
						return
					}
				}
				msg := fmt.Sprintf("%s entities have no identifier %q", ent, id)
				if s, ok := suggest.Closest(id, ids); ok {
					msg += fmt.Sprintf(" (did you mean %s.%s?)", ent, s)
				}
				add(c.FieldPos, SevError, "unknown-field", "%s", msg)
				return
			}
		}
		inOutput := false
		for _, o := range outputs {
			inOutput = inOutput || o.Index(c.Field) >= 0
		}
		if ent, _, dotted := strings.Cut(c.Field, "."); dotted && !inOutput {
			var kinds []string
			for _, t := range alert.EntityTypes() {
				kinds = append(kinds, t.Name)
			}
			sort.Strings(kinds)
			msg := fmt.Sprintf("unknown entity type %q in %q", ent, c.Field)
			if s, ok := suggest.Closest(ent, kinds); ok {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (known: " + strings.Join(kinds, ", ") + ")"
			}
			add(c.FieldPos, SevError, "unknown-field", "%s", msg)
			return
		}
		if len(outputs) == 0 {
			return
		}
		checkColumn(c.Field, c.FieldPos, c.Kind != CondMatch, outputs, add)
	})
}

func inputSchemas(x *Exclusion, scope []RuleInfo, env LintEnv, add addFunc) []*batch.Schema {
	if env.Tables == nil {
		return nil
	}
	if x.Table != "" {
		for name, s := range env.Tables {
			if strings.EqualFold(name, x.Table) {
				return []*batch.Schema{s}
			}
		}
		var names []string
		for n := range env.Tables {
			names = append(names, n)
		}
		sort.Strings(names)
		msg := fmt.Sprintf("unknown table %q", x.Table)
		if s, ok := suggest.Closest(x.Table, names); ok {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		add(x.PosOf("table"), SevError, "unknown-table", "%s", msg)
		return nil
	}
	var out []*batch.Schema
	seen := map[string]bool{}
	for _, r := range scope {
		for _, t := range r.Tables {
			if s, ok := env.Tables[t]; ok && !seen[t] {
				seen[t] = true
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		var names []string
		for n := range env.Tables {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, env.Tables[n])
		}
	}
	return out
}

// checkColumn requires name in at least one schema (and a datetime there
// when wantTime).
func checkColumn(name string, pos Pos, wantTime bool, schemas []*batch.Schema, add addFunc) {
	var all []string
	for _, s := range schemas {
		if i := s.Index(name); i >= 0 {
			if wantTime && s.Fields[i].Type != types.DateTime {
				add(pos, SevError, "bad-column-type", "column %q is %s; a time test needs a datetime column", name, s.Fields[i].Type)
			}
			return
		}
		for _, f := range s.Fields {
			all = append(all, f.Name)
		}
	}
	msg := fmt.Sprintf("unknown column %q", name)
	if s, ok := suggest.Closest(name, all); ok {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	add(pos, SevError, "unknown-column", "%s", msg)
}

func walkConds(c *Cond, fn func(*Cond)) {
	if c == nil {
		return
	}
	fn(c)
	for _, k := range c.Children {
		walkConds(k, fn)
	}
}

// lintBroad warns about tests that match every value (a wildcard of only
// stars, an empty regex, a /0 range) outside a `not`.
func lintBroad(c *Cond, negated bool, add addFunc) {
	if c.Kind == CondNot {
		negated = !negated
	}
	for _, k := range c.Children {
		lintBroad(k, negated, add)
	}
	if c.Kind != CondMatch || negated {
		return
	}
	for i, v := range c.Values {
		broad := false
		switch c.Op {
		case OpWildcard:
			broad = strings.Trim(v, "*%") == ""
		case OpRegex:
			broad = v == "" || v == ".*" || v == "^.*$" || v == "(?s).*"
		case OpCIDR:
			if p, _, err := parseCIDR(v); err == nil {
				broad = p.Bits() == 0
			}
		}
		if broad {
			add(valuePos(c, i), SevWarning, "broad-match", "%s %q matches every value of %s", c.Op, v, c.Field)
		}
	}
}

// lintTableRead warns when an input-stage exclusion names a table that
// none of the rules in its scope read.
func lintTableRead(x *Exclusion, scope []RuleInfo, add addFunc) {
	if x.Stage != StageInput || x.Table == "" || len(scope) == 0 {
		return
	}
	known := false
	for _, r := range scope {
		if len(r.Tables) > 0 {
			known = true
		}
		for _, t := range r.Tables {
			if strings.EqualFold(t, x.Table) {
				return
			}
		}
	}
	if known {
		add(x.PosOf("table"), SevWarning, "table-not-read", "no rule in scope reads table %s; the exclusion never applies", x.Table)
	}
}
