package tune

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // named time zones work without system zoneinfo

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"kqlhunt/internal/suggest"
)

// maxCondDepth bounds condition nesting so hostile input cannot exhaust the
// stack.
const maxCondDepth = 64

// LoadFile reads and parses an exclusions file.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading exclusions: %w", err)
	}
	return Parse(path, data)
}

// Parse parses an exclusions file. Structural problems (unknown keys, wrong
// value shapes, bad dates, unknown time zones) are returned as Findings,
// each at the offending node; the File is nil whenever the error is non-nil.
func Parse(name string, data []byte) (*File, error) {
	p := &yparser{file: name, anchors: map[string]ast.Node{}}
	f := p.parse(data)
	if len(p.errs) > 0 {
		p.errs.Sort()
		return nil, p.errs
	}
	return f, nil
}

type yparser struct {
	file    string
	errs    Findings
	anchors map[string]ast.Node
	// nodes counts condition and exclusion nodes read, so that aliases
	// expanding exponentially ("billion laughs") are refused early.
	nodes int
}

// maxNodes bounds the conditions and exclusions read from one file.
const maxNodes = 20000

// spend counts one node; false (with one error) once the budget is gone.
func (p *yparser) spend(n ast.Node) bool {
	p.nodes++
	if p.nodes == maxNodes+1 {
		p.errorf(p.pos(n), "too-large", "the file expands to more than %d conditions (check its aliases)", maxNodes)
	}
	return p.nodes <= maxNodes
}

type kv struct {
	key    string
	keyPos Pos
	val    ast.Node
}

func (p *yparser) errorf(pos Pos, code, format string, args ...any) {
	p.errs = append(p.errs, Finding{Pos: pos, Severity: SevError, Code: code, Msg: fmt.Sprintf(format, args...)})
}

func (p *yparser) pos(n ast.Node) Pos {
	switch m := n.(type) {
	case nil:
		return Pos{File: p.file}
	case *ast.MappingNode:
		if len(m.Values) > 0 && m.Values[0] != nil && m.Values[0].Key != nil && !m.IsFlowStyle {
			return p.pos(m.Values[0].Key)
		}
	case *ast.MappingValueNode:
		if m.Key != nil {
			return p.pos(m.Key)
		}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{File: p.file}
	}
	return Pos{File: p.file, Line: tk.Position.Line, Col: tk.Position.Column}
}

func (p *yparser) parse(data []byte) *File {
	af, err := parser.ParseBytes(data, 0)
	if err != nil {
		pos := Pos{File: p.file}
		msg := err.Error()
		var se *yaml.SyntaxError
		if errors.As(err, &se) {
			msg = se.Message
			if se.Token != nil && se.Token.Position != nil {
				pos.Line, pos.Col = se.Token.Position.Line, se.Token.Position.Column
			}
		}
		p.errorf(pos, "syntax", "%s", msg)
		return nil
	}
	f := &File{Name: p.file}
	var body ast.Node
	for _, d := range af.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if body != nil {
			p.errorf(p.pos(d.Body), "syntax", "only one YAML document is allowed")
			return nil
		}
		body = d.Body
	}
	if body == nil {
		return f // an empty file holds no exclusions
	}
	ast.Walk(anchorCollector(p.anchors), body)
	kvs, ok := p.mapping(body, "the exclusions file")
	if !ok {
		return nil
	}
	for _, e := range kvs {
		switch e.key {
		case "version":
			s, ok := p.scalar(e.val, "version")
			if !ok {
				continue
			}
			v, err := strconv.Atoi(s)
			if err != nil || v != 1 {
				p.errorf(p.pos(e.val), "bad-value", "unsupported version %q (want 1)", s)
				continue
			}
			f.Version = v
		case "exclusions":
			seq, ok := p.sequence(e.val, "exclusions")
			if !ok {
				continue
			}
			for _, item := range seq {
				if x := p.exclusion(item); x != nil {
					f.Exclusions = append(f.Exclusions, x)
				}
			}
		case "definitions":
			// Free-form: a place for YAML anchors (&name) that exclusions
			// reuse with aliases (*name).
		default:
			p.unknownKey(e, []string{"version", "exclusions", "definitions"})
		}
	}
	return f
}

// anchorCollector records every anchor of the document before it is read.
type anchorCollector map[string]ast.Node

// Visit implements ast.Visitor.
func (a anchorCollector) Visit(n ast.Node) ast.Visitor {
	if an, ok := n.(*ast.AnchorNode); ok && an.Name != nil {
		a[an.Name.String()] = an.Value
	}
	return a
}

func (p *yparser) unknownKey(e kv, known []string) {
	msg := fmt.Sprintf("unknown key %q", e.key)
	if s, ok := suggest.Closest(e.key, known); ok {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	p.errorf(e.keyPos, "unknown-key", "%s", msg)
}

// resolve follows anchors, aliases and tags to the node holding the value.
func (p *yparser) resolve(n ast.Node) ast.Node {
	for i := 0; i < 32 && n != nil; i++ {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			if v.Value == nil {
				return nil
			}
			t, ok := p.anchors[v.Value.String()]
			if !ok {
				return nil
			}
			n = t
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
	return nil
}

func (p *yparser) mapping(n ast.Node, what string) ([]kv, bool) {
	orig := n
	n = p.resolve(n)
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	default:
		p.errorf(p.pos(orig), "bad-shape", "%s must be a mapping", what)
		return nil, false
	}
	out := make([]kv, 0, len(values))
	seen := map[string]bool{}
	for _, mv := range values {
		if mv == nil || mv.Key == nil {
			continue
		}
		if mv.Key.IsMergeKey() {
			p.errorf(p.pos(mv.Key), "bad-shape", "merge keys (<<) are not supported")
			continue
		}
		k, ok := p.scalar(mv.Key, "a key")
		if !ok {
			continue
		}
		kp := p.pos(mv.Key)
		if seen[k] {
			p.errorf(kp, "duplicate-key", "duplicate key %q", k)
			continue
		}
		seen[k] = true
		val := mv.Value
		if val == nil {
			val = ast.Null(nil)
		}
		out = append(out, kv{key: k, keyPos: kp, val: val})
	}
	return out, true
}

func (p *yparser) sequence(n ast.Node, what string) ([]ast.Node, bool) {
	orig := n
	n = p.resolve(n)
	s, ok := n.(*ast.SequenceNode)
	if !ok {
		p.errorf(p.pos(orig), "bad-shape", "%s must be a list", what)
		return nil, false
	}
	return s.Values, true
}

// scalar returns the text of a scalar node.
func (p *yparser) scalar(n ast.Node, what string) (string, bool) {
	orig := n
	n = p.resolve(n)
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value, true
		}
		return "", true
	case *ast.NullNode:
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if tk := v.GetToken(); tk != nil {
			return tk.Value, true
		}
	}
	p.errorf(p.pos(orig), "bad-shape", "%s must be a single value", what)
	return "", false
}

// strings returns a scalar or a list of scalars, with positions.
func (p *yparser) strings(n ast.Node, what string) ([]string, []Pos, bool) {
	r := p.resolve(n)
	if seq, ok := r.(*ast.SequenceNode); ok {
		var vals []string
		var poss []Pos
		okAll := true
		for _, it := range seq.Values {
			s, ok := p.scalar(it, "each entry of "+what)
			if !ok {
				okAll = false
				continue
			}
			vals = append(vals, s)
			poss = append(poss, p.pos(it))
		}
		return vals, poss, okAll
	}
	s, ok := p.scalar(n, what)
	if !ok {
		return nil, nil, false
	}
	return []string{s}, []Pos{p.pos(n)}, true
}

func (p *yparser) boolean(n ast.Node, what string) (bool, bool) {
	s, ok := p.scalar(n, what)
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	p.errorf(p.pos(n), "bad-value", "%s must be true or false, not %q", what, s)
	return false, false
}

var exclusionKeys = []string{"id", "name", "rules", "stage", "table", "when", "action", "severity", "tags", "reason", "owner", "expires", "draft"}

func (p *yparser) exclusion(n ast.Node) *Exclusion {
	if !p.spend(n) {
		return nil
	}
	kvs, ok := p.mapping(n, "an exclusion")
	if !ok {
		return nil
	}
	x := &Exclusion{Pos: p.pos(p.resolve(n)), keyPos: map[string]Pos{}}
	nerr := len(p.errs)
	var whenNode ast.Node
	for _, e := range kvs {
		x.keyPos[e.key] = p.pos(e.val)
		switch e.key {
		case "id":
			x.ID, _ = p.scalar(e.val, "id")
		case "name":
			x.Name, _ = p.scalar(e.val, "name")
		case "rules":
			vals, poss, _ := p.strings(e.val, "rules")
			for i, v := range vals {
				if v == "*" || strings.EqualFold(v, "all") {
					x.AllRules = true
					continue
				}
				x.Rules = append(x.Rules, v)
				x.RulePos = append(x.RulePos, poss[i])
			}
			if x.AllRules && len(x.Rules) > 0 {
				p.errorf(p.pos(e.val), "bad-value", "rules: `all` cannot be combined with named rules")
			}
		case "stage":
			s, ok := p.scalar(e.val, "stage")
			if !ok {
				continue
			}
			switch strings.ToLower(s) {
			case "input":
				x.Stage = StageInput
			case "alert":
				x.Stage = StageAlert
			default:
				p.errorf(p.pos(e.val), "bad-value", "stage must be input or alert, not %q", s)
			}
		case "table":
			x.Table, _ = p.scalar(e.val, "table")
		case "when":
			whenNode = e.val
		case "action":
			s, ok := p.scalar(e.val, "action")
			if !ok {
				continue
			}
			switch strings.ToLower(s) {
			case "suppress":
				x.Action = ActSuppress
			case "set-severity":
				x.Action = ActSetSeverity
			case "tag":
				x.Action = ActTag
			default:
				p.errorf(p.pos(e.val), "bad-value", "action must be suppress, set-severity or tag, not %q", s)
			}
		case "severity":
			s, ok := p.scalar(e.val, "severity")
			if !ok {
				continue
			}
			c, ok := canonicalSeverity(s)
			if !ok {
				p.errorf(p.pos(e.val), "bad-value", "severity must be one of %s, not %q", strings.Join(severities, ", "), s)
				continue
			}
			x.Severity = c
		case "tags":
			x.Tags, _, _ = p.strings(e.val, "tags")
		case "reason":
			x.Reason, _ = p.scalar(e.val, "reason")
		case "owner":
			x.Owner, _ = p.scalar(e.val, "owner")
		case "expires":
			s, ok := p.scalar(e.val, "expires")
			if !ok || s == "" {
				continue
			}
			t, err := parseExpiry(s)
			if err != nil {
				p.errorf(p.pos(e.val), "bad-date", "expires: %v", err)
				continue
			}
			x.Expires, x.ExpiresText = t, s
		case "draft":
			x.Draft, _ = p.boolean(e.val, "draft")
		default:
			p.unknownKey(e, exclusionKeys)
		}
	}
	if x.ID == "" && x.Name == "" {
		p.errorf(x.Pos, "missing-id", "an exclusion needs an id or a name")
	}
	if x.Stage == 0 && len(p.errs) == nerr {
		p.errorf(x.Pos, "missing-stage", "exclusion %q needs `stage: input` or `stage: alert`", x.Label())
	}
	if x.Action == 0 && len(p.errs) == nerr {
		p.errorf(x.Pos, "missing-action", "exclusion %q needs an action (suppress, set-severity or tag)", x.Label())
	}
	if whenNode == nil {
		p.errorf(x.Pos, "missing-when", "exclusion %q needs a `when` condition", x.Label())
	} else {
		x.When = p.condOrList(whenNode, 0)
	}
	switch x.Action {
	case ActSetSeverity:
		if x.Severity == "" {
			p.errorf(x.PosOf("action"), "missing-severity", "action set-severity needs `severity:`")
		}
	case ActTag:
		if len(x.Tags) == 0 {
			p.errorf(x.PosOf("action"), "missing-tags", "action tag needs `tags:`")
		}
	}
	if x.Action != ActSetSeverity && x.Severity != "" {
		p.errorf(x.PosOf("severity"), "bad-value", "severity is only used with action set-severity")
	}
	if x.Action != ActTag && len(x.Tags) > 0 {
		p.errorf(x.PosOf("tags"), "bad-value", "tags are only used with action tag")
	}
	if x.Stage == StageInput && x.Action != 0 && x.Action != ActSuppress {
		p.errorf(x.PosOf("action"), "bad-value", "an input-stage exclusion can only suppress rows; use stage alert to %s", x.Action)
	}
	if x.Stage == StageAlert && x.Table != "" {
		p.errorf(x.PosOf("table"), "bad-value", "table applies to input-stage exclusions only")
	}
	return x
}

// parseExpiry reads a date (the exclusion lasts through that day, UTC) or
// an RFC 3339 instant.
func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.AddDate(0, 0, 1), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD) or an RFC 3339 time", s)
}

// condOrList parses a condition; a list stands for `all`.
func (p *yparser) condOrList(n ast.Node, depth int) *Cond {
	if seq, ok := p.resolve(n).(*ast.SequenceNode); ok {
		c := &Cond{Kind: CondAll, Pos: p.pos(n)}
		for _, it := range seq.Values {
			if ch := p.cond(it, depth+1); ch != nil {
				c.Children = append(c.Children, ch)
			}
		}
		if len(c.Children) == 0 {
			p.errorf(c.Pos, "bad-shape", "an empty condition list matches nothing; remove it or add conditions")
		}
		return c
	}
	return p.cond(n, depth)
}

var condKeys = []string{"all", "any", "not", "and", "or", "field", "equals", "in", "wildcard", "regex", "cidr", "watchlist", "case-sensitive", "window", "schedule"}

func (p *yparser) cond(n ast.Node, depth int) *Cond {
	if depth > maxCondDepth {
		p.errorf(p.pos(n), "bad-shape", "conditions nest deeper than %d levels", maxCondDepth)
		return nil
	}
	if !p.spend(n) {
		return nil
	}
	kvs, ok := p.mapping(n, "a condition")
	if !ok {
		return nil
	}
	c := &Cond{Pos: p.pos(p.resolve(n))}
	var opKV, timeKV *kv
	var combo []kv
	fieldSet, caseSet := false, false
	for i := range kvs {
		e := kvs[i]
		switch e.key {
		case "all", "and", "any", "or", "not":
			combo = append(combo, e)
		case "field":
			c.Field, _ = p.scalar(e.val, "field")
			c.FieldPos = p.pos(e.val)
			fieldSet = true
		case "equals", "in", "wildcard", "regex", "cidr", "watchlist":
			if opKV != nil {
				p.errorf(e.keyPos, "bad-shape", "a condition has one operator; found both %s and %s (use all/any to combine)", opKV.key, e.key)
				continue
			}
			opKV = &kvs[i]
		case "case-sensitive":
			c.CaseSensitive, _ = p.boolean(e.val, "case-sensitive")
			caseSet = true
		case "window", "schedule":
			if timeKV != nil {
				p.errorf(e.keyPos, "bad-shape", "a condition has one time test; found both %s and %s", timeKV.key, e.key)
				continue
			}
			timeKV = &kvs[i]
		default:
			p.unknownKey(e, condKeys)
		}
	}
	kinds := len(combo)
	if opKV != nil {
		kinds++
	}
	if timeKV != nil {
		kinds++
	}
	if kinds != 1 {
		if kinds == 0 {
			p.errorf(c.Pos, "bad-shape", "a condition needs an operator (equals, in, wildcard, regex, cidr, watchlist), a time test (window, schedule) or all/any/not")
		} else {
			p.errorf(c.Pos, "bad-shape", "a condition holds exactly one of: an operator, a time test, all, any, not (wrap several in all/any)")
		}
		return nil
	}
	switch {
	case len(combo) == 1:
		if fieldSet || caseSet {
			p.errorf(c.Pos, "bad-shape", "field and case-sensitive belong on the inner conditions of %s", combo[0].key)
		}
		e := combo[0]
		switch e.key {
		case "all", "and", "any", "or":
			c.Kind = CondAll
			if e.key == "any" || e.key == "or" {
				c.Kind = CondAny
			}
			seq, ok := p.sequence(e.val, e.key)
			if !ok {
				return nil
			}
			if len(seq) == 0 {
				p.errorf(p.pos(e.val), "bad-shape", "%s needs at least one condition", e.key)
			}
			for _, it := range seq {
				if ch := p.cond(it, depth+1); ch != nil {
					c.Children = append(c.Children, ch)
				}
			}
		case "not":
			c.Kind = CondNot
			if ch := p.condOrList(e.val, depth+1); ch != nil {
				c.Children = []*Cond{ch}
			}
		}
	case opKV != nil:
		c.Kind = CondMatch
		if !fieldSet || c.Field == "" {
			p.errorf(c.Pos, "missing-field", "the %s test needs `field:` (a column, or an entity field such as Account.Name)", opKV.key)
		}
		p.matchValues(c, *opKV)
	case timeKV != nil:
		if caseSet {
			p.errorf(c.Pos, "bad-shape", "case-sensitive does not apply to time tests")
		}
		if timeKV.key == "window" {
			p.window(c, timeKV.val)
		} else {
			p.schedule(c, timeKV.val)
		}
	}
	return c
}

func (p *yparser) matchValues(c *Cond, e kv) {
	vals, poss, ok := p.strings(e.val, e.key)
	if !ok {
		return
	}
	switch e.key {
	case "equals":
		c.Op = OpEquals
	case "in":
		c.Op = OpIn
	case "wildcard":
		c.Op = OpWildcard
	case "regex":
		c.Op = OpRegex
	case "cidr":
		c.Op = OpCIDR
	case "watchlist":
		c.Op = OpWatchlist
	}
	if (c.Op == OpEquals || c.Op == OpWatchlist) && len(vals) != 1 {
		p.errorf(p.pos(e.val), "bad-shape", "%s takes one value (use in: [...] or any: for several)", e.key)
		return
	}
	if len(vals) == 0 {
		p.errorf(p.pos(e.val), "bad-shape", "%s needs at least one value", e.key)
		return
	}
	c.Values, c.ValuePos = vals, poss
}

// windowKeys and scheduleKeys are the keys of window and schedule tests,
// the two that timeKeys returns first.
var windowKeys = []string{"from", "to", "zone"}

func (p *yparser) window(c *Cond, n ast.Node) {
	c.Kind = CondWindow
	fromKV, toKV, ok := p.timeKeys(c, n, "window", windowKeys)
	if !ok {
		return
	}
	loc, ok := p.zone(c)
	if !ok {
		return
	}
	if fromKV == nil || toKV == nil {
		p.errorf(p.pos(n), "bad-shape", "window needs both from and to")
		return
	}
	var okF, okT bool
	c.FromText, okF = p.scalar(fromKV.val, "from")
	c.ToText, okT = p.scalar(toKV.val, "to")
	if !okF || !okT {
		return
	}
	var err error
	if c.From, err = parseLocalTime(c.FromText, loc); err != nil {
		p.errorf(p.pos(fromKV.val), "bad-date", "from: %v", err)
		return
	}
	if c.To, err = parseLocalTime(c.ToText, loc); err != nil {
		p.errorf(p.pos(toKV.val), "bad-date", "to: %v", err)
		return
	}
	if !c.From.Before(c.To) {
		p.errorf(p.pos(toKV.val), "bad-value", "window ends (%s) before it starts (%s)", c.ToText, c.FromText)
	}
}

// timeKeys reads the mapping of a window or schedule test (what) whose keys
// are keys: the entries of keys[0] and keys[1] (nil when absent), and zone,
// which it sets on c. ok is false when n is not a mapping.
func (p *yparser) timeKeys(c *Cond, n ast.Node, what string, keys []string) (first, second *kv, ok bool) {
	kvs, ok := p.mapping(n, what)
	if !ok {
		return nil, nil, false
	}
	for i, e := range kvs {
		switch e.key {
		case keys[0]:
			first = &kvs[i]
		case keys[1]:
			second = &kvs[i]
		case "zone":
			c.Zone, _ = p.scalar(e.val, "zone")
			c.ZonePos = p.pos(e.val)
		default:
			p.unknownKey(e, keys)
		}
	}
	return first, second, true
}

func (p *yparser) zone(c *Cond) (*time.Location, bool) {
	if c.Zone == "" {
		return time.UTC, true
	}
	loc, err := loadZone(c.Zone)
	if err != nil {
		msg := fmt.Sprintf("unknown time zone %q (use an IANA name such as Europe/Amsterdam)", c.Zone)
		p.errs = append(p.errs, Finding{Pos: c.ZonePos, Severity: SevError, Code: "unknown-zone", Msg: msg})
		return nil, false
	}
	return loc, true
}

// loadZone loads an IANA zone, refusing names that look like paths.
func loadZone(name string) (*time.Location, error) {
	if name == "" || strings.Contains(name, "..") || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\\x00") {
		return nil, fmt.Errorf("bad time zone name %q", name)
	}
	if strings.EqualFold(name, "UTC") {
		return time.UTC, nil
	}
	if strings.EqualFold(name, "Local") {
		return nil, fmt.Errorf("time zone Local is machine-dependent; name the zone")
	}
	return time.LoadLocation(name)
}

var localLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseLocalTime reads an RFC 3339 time, or a wall-clock time in loc.
func parseLocalTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (YYYY-MM-DD[ HH:MM[:SS]] or RFC 3339)", s)
}

var scheduleKeys = []string{"days", "hours", "zone"}

func (p *yparser) schedule(c *Cond, n ast.Node) {
	c.Kind = CondSchedule
	daysKV, hoursKV, ok := p.timeKeys(c, n, "schedule", scheduleKeys)
	if !ok {
		return
	}
	p.zone(c)
	if daysKV == nil && hoursKV == nil {
		p.errorf(p.pos(n), "bad-shape", "schedule needs days, hours or both")
		return
	}
	if daysKV != nil {
		vals, poss, _ := p.strings(daysKV.val, "days")
		if len(vals) == 0 {
			p.errorf(p.pos(daysKV.val), "bad-value", "days needs at least one weekday (leave it out for every day)")
		}
		for i, v := range vals {
			if err := addDays(&c.Days, v); err != nil {
				p.errorf(poss[i], "bad-value", "days: %v", err)
			}
		}
	} else {
		for d := range c.Days {
			c.Days[d] = true
		}
	}
	if hoursKV != nil {
		vals, poss, _ := p.strings(hoursKV.val, "hours")
		for i, v := range vals {
			r, err := parseHourRange(v)
			if err != nil {
				p.errorf(poss[i], "bad-value", "hours: %v", err)
				continue
			}
			c.Hours = append(c.Hours, r)
		}
	}
}

var dayNames = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

func parseDay(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	for i, n := range dayNames {
		if strings.HasPrefix(n, s) {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// addDays adds a day ("mon") or a range ("mon-fri", "fri-mon") to set.
func addDays(set *[7]bool, s string) error {
	a, b, isRange := strings.Cut(s, "-")
	from, ok := parseDay(a)
	if !ok {
		return fmt.Errorf("%q is not a weekday (mon, tue, ... or monday, ...)", a)
	}
	if !isRange {
		set[from] = true
		return nil
	}
	to, ok := parseDay(b)
	if !ok {
		return fmt.Errorf("%q is not a weekday (mon, tue, ... or monday, ...)", b)
	}
	for d := from; ; d = (d + 1) % 7 {
		set[d] = true
		if d == to {
			break
		}
	}
	return nil
}

// parseHourRange reads "HH:MM-HH:MM" (24:00 allowed as an end).
func parseHourRange(s string) (HourRange, error) {
	a, b, ok := strings.Cut(strings.ReplaceAll(s, " ", ""), "-")
	if !ok {
		return HourRange{}, fmt.Errorf("%q is not a range like 09:00-17:30", s)
	}
	from, err1 := parseClock(a, false)
	to, err2 := parseClock(b, true)
	if err1 != nil {
		return HourRange{}, err1
	}
	if err2 != nil {
		return HourRange{}, err2
	}
	if from == to {
		return HourRange{}, fmt.Errorf("%q is empty; use 00:00-24:00 for all day", s)
	}
	return HourRange{From: from, To: to}, nil
}

func parseClock(s string, end bool) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		m = "00"
	}
	hh, err := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err != nil || err2 != nil || len(m) != 2 || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && (mm != 0 || !end)) {
		return 0, fmt.Errorf("%q is not a time of day (HH:MM)", s)
	}
	return hh*60 + mm, nil
}
