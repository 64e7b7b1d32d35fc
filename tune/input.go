package tune

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// InputResult describes what FilterBatch did to one batch.
type InputResult struct {
	// Removed is the number of rows dropped (by one or more exclusions).
	Removed int
	// ByExclusion counts, per applied exclusion in file order, the rows it
	// matched (a row matched by two exclusions counts for both).
	ByExclusion []ExclusionCount
	// Expired lists in-scope exclusions skipped because they expired.
	Expired []string
	// Skipped lists in-scope exclusions not applied because this table
	// lacks a column they read.
	Skipped []string
}

// ExclusionCount is a per-exclusion count.
type ExclusionCount struct {
	ID    string
	Count int
}

// plan is an exclusion's condition bound to one schema.
type plan struct {
	root    *pnode
	missing []string
	// exampleCols are the columns shown as audit examples.
	exampleCols  []int
	exampleNames []string
}

// pnode is a compiled condition node with its column resolved.
type pnode struct {
	n    *cnode
	col  int
	kids []*pnode
}

func (c *compiled) planFor(s *batch.Schema) *plan {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.plans[s]; ok {
		return p
	}
	// Sources may build a new *Schema per batch: plans are shared by
	// schema content and the pointer cache stays bounded.
	key := schemaKey(s)
	if p, ok := c.byKey[key]; ok {
		c.cachePlan(s, p)
		return p
	}
	p := &plan{}
	p.root = bindNode(c.root, s, &p.missing)
	seen := map[int]bool{}
	addEx := func(name string) {
		if i := s.Index(name); i >= 0 && !seen[i] {
			seen[i] = true
			p.exampleCols = append(p.exampleCols, i)
			p.exampleNames = append(p.exampleNames, name)
		}
	}
	for _, f := range c.fields {
		addEx(f)
	}
	if len(p.exampleCols) == 0 {
		addEx(DefaultTimeColumn)
	}
	c.byKey[key] = p
	c.cachePlan(s, p)
	return p
}

func (c *compiled) cachePlan(s *batch.Schema, p *plan) {
	if len(c.plans) >= 256 {
		clear(c.plans)
	}
	c.plans[s] = p
}

// schemaKey identifies a schema by its field names and types.
func schemaKey(s *batch.Schema) string {
	var b strings.Builder
	for _, f := range s.Fields {
		b.WriteString(f.Name)
		b.WriteByte(0)
		b.WriteByte(byte(f.Type))
	}
	return b.String()
}

func bindNode(n *cnode, s *batch.Schema, missing *[]string) *pnode {
	pn := &pnode{n: n, col: -1}
	switch n.kind {
	case CondMatch:
		pn.col = s.Index(n.leaf.field)
		if pn.col < 0 {
			*missing = append(*missing, n.leaf.field)
		}
	case CondWindow, CondSchedule:
		name := n.field
		if name == "" {
			name = DefaultTimeColumn
		}
		pn.col = s.Index(name)
		if pn.col < 0 && n.field != "" {
			*missing = append(*missing, n.field)
		}
	default:
		for _, k := range n.kids {
			pn.kids = append(pn.kids, bindNode(k, s, missing))
		}
	}
	return pn
}

// FilterBatch applies the input-stage exclusions in scope for the rule
// (matched by id or name) and the table to b. keep[i] is false for rows to
// drop. at is the rule's run time: time tests use it for tables without a
// time column. Every effect is added to the set's audit trail.
func (s *Set) FilterBatch(ruleID, ruleName, table string, b *batch.Batch, at time.Time) (keep []bool, res InputResult, err error) {
	if b == nil {
		return nil, res, fmt.Errorf("filtering %s: nil batch", table)
	}
	if b.Schema == nil || len(b.Cols) != len(b.Schema.Fields) {
		return nil, res, fmt.Errorf("filtering %s: batch has %d columns but its schema has %s", table, len(b.Cols), fieldCount(b.Schema))
	}
	for i, c := range b.Cols {
		if c == nil || c.Len < b.Len || !columnSized(c, b.Len) {
			return nil, res, fmt.Errorf("filtering %s: column %q is shorter than the batch (%d rows)", table, b.Schema.Fields[i].Name, b.Len)
		}
	}
	n := b.Len
	keep = make([]bool, n)
	for i := range keep {
		keep[i] = true
	}
	all := make([]bool, n)
	for i := range all {
		all[i] = true
	}
	hit := make([]bool, n)
	for _, c := range s.ex {
		x := c.x
		if x.Stage != StageInput || !x.inScope(ruleID, ruleName) {
			continue
		}
		if x.Table != "" && !strings.EqualFold(x.Table, table) {
			continue
		}
		if c.expired {
			res.Expired = append(res.Expired, x.Label())
			s.audit.warn(expiredWarning(x))
			continue
		}
		p := c.planFor(b.Schema)
		if len(p.missing) > 0 {
			res.Skipped = append(res.Skipped, x.Label())
			s.audit.warn(fmt.Sprintf("exclusion %q not applied to table %s: it has no column %s", x.Label(), table, strings.Join(p.missing, ", ")))
			continue
		}
		evalNode(p.root, b, all, hit, at)
		count := 0
		for i, h := range hit {
			if h {
				count++
				keep[i] = false
			}
		}
		res.ByExclusion = append(res.ByExclusion, ExclusionCount{ID: x.Label(), Count: count})
		if count > 0 {
			s.audit.input(c, ruleLabel(ruleID, ruleName), table, count, func(yield func(string) bool) {
				for i, h := range hit {
					if h && !yield(rowExample(b, p, i)) {
						return
					}
				}
			})
		}
	}
	for _, k := range keep {
		if !k {
			res.Removed++
		}
	}
	return keep, res, nil
}

func fieldCount(s *batch.Schema) string {
	if s == nil {
		return "none (nil schema)"
	}
	return fmt.Sprint(len(s.Fields))
}

// columnSized reports whether c's payload covers n rows.
func columnSized(c *batch.Column, n int) bool {
	if c.Nulls != nil && len(c.Nulls) < n {
		return false
	}
	switch c.Type {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		return len(c.Ints) >= n
	case types.Real, types.Decimal:
		return len(c.Reals) >= n
	case types.String, types.Guid:
		if c.Codes != nil {
			if len(c.Codes) < n {
				return false
			}
			for _, code := range c.Codes[:n] {
				if int(code) >= len(c.Dict) {
					return false
				}
			}
			return true
		}
		return len(c.Strs) >= n
	case types.Dynamic:
		return len(c.Dyns) >= n
	}
	return true
}

func ruleLabel(id, name string) string {
	if name != "" {
		return name
	}
	return id
}

func rowExample(b *batch.Batch, p *plan, i int) string {
	var sb strings.Builder
	for k, ci := range p.exampleCols {
		if k > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(p.exampleNames[k])
		sb.WriteByte('=')
		t, ok := valueText(cellValue(b.Cols[ci], i))
		if !ok {
			t = "null"
		}
		sb.WriteString(clip(t))
	}
	return sb.String()
}

// cellValue returns row i of c as a scalar.
func cellValue(c *batch.Column, i int) types.Value {
	if c.IsNull(i) && c.Type != types.String {
		return types.NullOf(c.Type)
	}
	switch c.Type {
	case types.Bool:
		return types.NewBool(c.Ints[i] != 0)
	case types.Int, types.Long, types.DateTime, types.TimeSpan:
		return types.Value{Type: c.Type, I: c.Ints[i]}
	case types.Real, types.Decimal:
		return types.Value{Type: c.Type, F: c.Reals[i]}
	case types.String, types.Guid:
		return types.Value{Type: c.Type, S: c.Str(i)}
	case types.Dynamic:
		return types.NewDynamic(c.Dyns[i])
	}
	return types.NullOf(c.Type)
}

// evalNode sets out[i] to whether row i satisfies the node, for rows with
// sel[i]; out[i] is false elsewhere. Combinators only evaluate children on
// rows whose outcome is still open.
func evalNode(pn *pnode, b *batch.Batch, sel, out []bool, at time.Time) {
	n := b.Len
	switch pn.n.kind {
	case CondAll:
		copy(out, sel)
		tmp := make([]bool, n)
		for _, k := range pn.kids {
			if !anyTrue(out) {
				return
			}
			evalNode(k, b, out, tmp, at)
			copy(out, tmp)
		}
	case CondAny:
		clear(out)
		rest := make([]bool, n)
		copy(rest, sel)
		tmp := make([]bool, n)
		for _, k := range pn.kids {
			if !anyTrue(rest) {
				return
			}
			evalNode(k, b, rest, tmp, at)
			for i, t := range tmp {
				if t {
					out[i] = true
					rest[i] = false
				}
			}
		}
	case CondNot:
		if len(pn.kids) == 0 {
			copy(out, sel)
			return
		}
		evalNode(pn.kids[0], b, sel, out, at)
		for i := range out {
			out[i] = sel[i] && !out[i]
		}
	case CondMatch:
		evalLeaf(pn.n.leaf, b.Cols[pn.col], sel, out)
	case CondWindow, CondSchedule:
		if pn.col < 0 {
			m := pn.n.matchTime(at)
			for i := range out {
				out[i] = sel[i] && m
			}
			return
		}
		c := b.Cols[pn.col]
		if c.Type != types.DateTime {
			clear(out)
			return
		}
		for i := range out {
			out[i] = sel[i] && !c.IsNull(i) && pn.n.matchTime(types.TimeFromTicks(c.Ints[i]))
		}
	default:
		clear(out)
	}
}

func anyTrue(v []bool) bool {
	for _, b := range v {
		if b {
			return true
		}
	}
	return false
}

// evalLeaf compares one column. Dictionary-encoded strings are compared
// once per distinct dictionary entry.
func evalLeaf(l *cleaf, c *batch.Column, sel, out []bool) {
	switch c.Type {
	case types.String, types.Guid:
		if c.Codes != nil && len(c.Dict) <= len(out) {
			memo := make([]uint8, len(c.Dict)) // 0 unknown, 1 no, 2 yes
			for i := range out {
				if !sel[i] {
					out[i] = false
					continue
				}
				code := c.Codes[i]
				if memo[code] == 0 {
					memo[code] = 1
					if l.matchString(c.Dict[code]) {
						memo[code] = 2
					}
				}
				out[i] = memo[code] == 2
			}
			return
		}
		for i := range out {
			out[i] = sel[i] && l.matchString(c.Str(i))
		}
	default:
		for i := range out {
			out[i] = sel[i] && l.matchValue(cellValue(c, i))
		}
	}
}

// maxExampleValue bounds the text of one value in audit examples.
const maxExampleValue = 120

// clip shortens long values for audit examples.
func clip(s string) string {
	if len(s) <= maxExampleValue {
		return s
	}
	cut := maxExampleValue
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
