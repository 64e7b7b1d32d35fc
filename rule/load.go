package rule

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// LoadError collects the files under a path that could not be loaded.
type LoadError struct {
	Errs []error
}

// Error summarises the failures.
func (e *LoadError) Error() string {
	if len(e.Errs) == 1 {
		return e.Errs[0].Error()
	}
	return fmt.Sprintf("%d rule files failed to load; first: %v", len(e.Errs), e.Errs[0])
}

// Unwrap returns the individual errors.
func (e *LoadError) Unwrap() []error { return e.Errs }

// LoadPath loads one rule file, or every .yaml/.yml file below a directory
// (recursively, in lexical order). Files that fail to load are reported in
// the returned *LoadError (each with file:line:col) while the others are
// still returned.
func LoadPath(path string) ([]*Rule, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("loading rules: %w", err)
	}
	if !st.IsDir() {
		r, err := LoadFile(path)
		if err != nil {
			return nil, &LoadError{Errs: []error{err}}
		}
		return []*Rule{r}, nil
	}
	var files []string
	werr := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml":
			files = append(files, p)
		}
		return nil
	})
	if werr != nil {
		return nil, fmt.Errorf("listing rules under %s: %w", path, werr)
	}
	sort.Strings(files)
	var rules []*Rule
	var errs []error
	for _, f := range files {
		r, err := LoadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rules = append(rules, r)
	}
	if len(errs) > 0 {
		return rules, &LoadError{Errs: errs}
	}
	return rules, nil
}

// LoadFile reads and parses one rule file.
func LoadFile(path string) (*Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading rule: %w", err)
	}
	return Parse(path, data)
}

// Parse parses rule YAML. file names the source in positions and errors.
// YAML syntax errors and a top level that is not a mapping are errors;
// problems with individual fields are recorded in Rule.Problems.
func Parse(file string, data []byte) (*Rule, error) {
	root, err := parseTree(file, data)
	if err != nil {
		return nil, err
	}
	if root.kind != yMap {
		return nil, &YAMLError{File: file, Line: root.pos.Line, Col: root.pos.Col, Msg: fmt.Sprintf("rule file must be a YAML mapping, found %s", root.kind)}
	}
	b := &builder{r: &Rule{File: file, Pos: map[string]Pos{}, EventGrouping: SingleAlert}}
	b.fill(root)
	r := b.r
	if r.RawKind == "" && (r.Has("queryFrequency") || r.Has("queryPeriod") || r.Has("triggerOperator")) {
		// Older analytic rules omit kind; a schedule makes them Scheduled.
		r.Kind = Scheduled
	}
	return r, nil
}

type builder struct {
	r *Rule
}

// report records an error in the rule's Problems.
func (b *builder) report(code, field, format string, args ...any) {
	b.r.Problems = append(b.r.Problems, b.r.finding(Error, code, field, format, args...))
}

// problem reports a field whose YAML has the wrong shape.
func (b *builder) problem(field string, format string, args ...any) {
	b.report("field-type", field, format, args...)
}

func (b *builder) mark(field string, n *ynode, keyPos Pos) {
	p := keyPos
	if n != nil && n.kind != yNull && field != "" {
		// Point scalars at their value, containers at their key.
		if n.kind == yScalar {
			p = n.pos
		}
	}
	b.r.Pos[field] = p
}

// str reads a scalar as a string; null gives "".
func (b *builder) str(field string, n *ynode) string {
	switch n.kind {
	case yScalar:
		return n.s
	case yNull:
		return ""
	}
	b.problem(field, "expected a string, found %s", n.kind)
	return ""
}

// text reads a scalar as a string without surrounding white space.
func (b *builder) text(field string, n *ynode) string {
	return strings.TrimSpace(b.str(field, n))
}

// expect reports whether n has kind k. A null is an absent value (false,
// no problem); any other kind is a problem "expected <what>, found <kind>".
func (b *builder) expect(field string, n *ynode, k ykind, what string) bool {
	if n.kind == k {
		return true
	}
	if n.kind != yNull {
		b.problem(field, "expected %s, found %s", what, n.kind)
	}
	return false
}

// fields calls each for every key of the mapping n, with the key's field
// path (field.key) and value, after recording the key's position.
func (b *builder) fields(field string, n *ynode, each func(k, f string, v *ynode)) {
	for i, k := range n.keys {
		f := field + "." + k
		b.mark(f, n.vals[i], n.keyPos[i])
		each(k, f, n.vals[i])
	}
}

// mapItems records the position of every element of the sequence n and
// calls each for those that are mappings, with their field path
// (field[i]); any other element is a problem "expected <what>, found <kind>".
func (b *builder) mapItems(field string, n *ynode, what string, each func(f string, it *ynode)) {
	for i, it := range n.items {
		f := fmt.Sprintf("%s[%d]", field, i)
		b.r.Pos[f] = it.pos
		if it.kind != yMap {
			b.problem(f, "expected %s, found %s", what, it.kind)
			continue
		}
		each(f, it)
	}
}

// strList reads a list of scalars; a single scalar is taken as a
// one-element list.
func (b *builder) strList(field string, n *ynode) []string {
	switch n.kind {
	case yNull:
		return nil
	case yScalar:
		if strings.TrimSpace(n.s) == "" {
			return nil
		}
		return []string{n.s}
	case ySeq:
		var out []string
		for i, it := range n.items {
			f := fmt.Sprintf("%s[%d]", field, i)
			b.r.Pos[f] = it.pos
			if it.kind == yScalar {
				out = append(out, it.s)
			} else if it.kind != yNull {
				b.problem(f, "expected a string, found %s", it.kind)
			}
		}
		return out
	}
	b.problem(field, "expected a list of strings, found %s", n.kind)
	return nil
}

func (b *builder) boolean(field string, n *ynode) bool {
	if n.kind == yNull {
		return false
	}
	if n.kind == yScalar {
		switch strings.ToLower(strings.TrimSpace(n.s)) {
		case "true", "yes", "on":
			return true
		case "false", "no", "off", "":
			return false
		}
	}
	b.problem(field, "expected true or false, found %q", n.s)
	return false
}

func (b *builder) duration(field string, n *ynode) int64 {
	s := b.str(field, n)
	if strings.TrimSpace(s) == "" {
		return 0
	}
	d, err := ParseDuration(s)
	if err != nil {
		b.report("duration-syntax", field, "%v", err)
		return 0
	}
	return int64(d)
}

func (b *builder) fill(root *ynode) {
	r := b.r
	for i, key := range root.keys {
		n := root.vals[i]
		b.mark(key, n, root.keyPos[i])
		switch key {
		case "id":
			r.ID = b.text(key, n)
		case "name", "displayName":
			r.Name = b.text(key, n)
		case "description":
			r.Description = b.text(key, n)
		case "severity":
			r.Severity = b.text(key, n)
		case "kind":
			r.RawKind = b.text(key, n)
			switch strings.ToLower(r.RawKind) {
			case "scheduled":
				r.Kind = Scheduled
			case "nrt":
				r.Kind = NRT
			default:
				r.Kind = Scheduled
				b.report("kind", key, "unknown kind %q (want Scheduled or NRT); treated as Scheduled", r.RawKind)
			}
		case "requiredDataConnectors":
			b.connectors(key, n)
		case "queryFrequency":
			r.QueryFrequency = durationOf(b.duration(key, n))
		case "queryPeriod":
			r.QueryPeriod = durationOf(b.duration(key, n))
		case "triggerOperator":
			s := b.str(key, n)
			op, ok := ParseOperator(s)
			if !ok {
				b.report("trigger-operator", key, "unknown trigger operator %q (want gt, lt, eq or ne)", s)
			}
			r.TriggerOperator = op
		case "triggerThreshold":
			s := b.text(key, n)
			v, err := strconv.Atoi(s)
			if err != nil {
				b.report("trigger-threshold", key, "triggerThreshold %q is not an integer", s)
			}
			r.TriggerThreshold = v
		case "tactics":
			r.Tactics = trimAll(b.strList(key, n))
		case "relevantTechniques":
			r.RelevantTechniques = trimAll(b.strList(key, n))
		case "query":
			r.Query = b.str(key, n)
		case "entityMappings":
			b.entityMappings(key, n)
		case "customDetails":
			b.customDetails(key, n)
		case "alertDetailsOverride":
			b.alertDetails(key, n)
		case "eventGroupingSettings":
			b.eventGrouping(key, n)
		case "suppressionEnabled":
			r.SuppressionEnabled = b.boolean(key, n)
		case "suppressionDuration":
			r.SuppressionDuration = durationOf(b.duration(key, n))
		case "incidentConfiguration":
			b.incident(key, n)
		case "version":
			r.Version = b.text(key, n)
		case "status":
			r.Status = b.text(key, n)
		case "metadata":
			if m, ok := n.toAny().(map[string]any); ok {
				r.Metadata = m
			}
		}
	}
}

func trimAll(l []string) []string {
	out := l[:0]
	for _, s := range l {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (b *builder) eventGrouping(key string, n *ynode) {
	if !b.expect(key, n, yMap, "a mapping") {
		return
	}
	r := b.r
	b.fields(key, n, func(k, f string, v *ynode) {
		if k != "aggregationKind" {
			return
		}
		kind := b.text(f, v)
		switch strings.ToLower(kind) {
		case "singlealert":
			r.EventGrouping = SingleAlert
		case "alertperresult":
			r.EventGrouping = AlertPerResult
		default:
			b.report("event-grouping", f, "unknown aggregationKind %q (want SingleAlert or AlertPerResult)", kind)
		}
	})
}

func (b *builder) connectors(key string, n *ynode) {
	if !b.expect(key, n, ySeq, "a list of {connectorId, dataTypes}") {
		return
	}
	b.mapItems(key, n, "a mapping with connectorId and dataTypes", func(f string, it *ynode) {
		var c DataConnector
		b.fields(f, it, func(k, ff string, v *ynode) {
			switch k {
			case "connectorId":
				c.ConnectorID = b.text(ff, v)
			case "dataTypes":
				c.DataTypes = trimAll(b.strList(ff, v))
			}
		})
		b.r.RequiredDataConnectors = append(b.r.RequiredDataConnectors, c)
	})
}

func (b *builder) entityMappings(key string, n *ynode) {
	if !b.expect(key, n, ySeq, "a list of entity mappings") {
		return
	}
	b.mapItems(key, n, "a mapping with entityType and fieldMappings", func(f string, it *ynode) {
		var m EntityMapping
		b.fields(f, it, func(k, ff string, v *ynode) {
			switch k {
			case "entityType":
				m.EntityType = b.text(ff, v)
			case "fieldMappings":
				if !b.expect(ff, v, ySeq, "a list of {identifier, columnName}") {
					return
				}
				b.mapItems(ff, v, "a mapping with identifier and columnName", func(fx string, fm *ynode) {
					var m2 FieldMapping
					b.fields(fx, fm, func(kk, fy string, vv *ynode) {
						switch kk {
						case "identifier":
							m2.Identifier = b.text(fy, vv)
						case "columnName":
							m2.ColumnName = b.text(fy, vv)
						}
					})
					m.FieldMappings = append(m.FieldMappings, m2)
				})
			}
		})
		b.r.EntityMappings = append(b.r.EntityMappings, m)
	})
}

func (b *builder) customDetails(key string, n *ynode) {
	if !b.expect(key, n, yMap, "a mapping of key: column") {
		return
	}
	b.fields(key, n, func(k, f string, v *ynode) {
		b.r.CustomDetails = append(b.r.CustomDetails, CustomDetail{Key: k, Column: b.text(f, v)})
	})
}

func (b *builder) alertDetails(key string, n *ynode) {
	if !b.expect(key, n, yMap, "a mapping") {
		return
	}
	a := &AlertDetailsOverride{}
	b.fields(key, n, func(k, f string, v *ynode) {
		switch k {
		case "alertDisplayNameFormat":
			a.DisplayNameFormat = b.text(f, v)
		case "alertDescriptionFormat":
			a.DescriptionFormat = b.text(f, v)
		case "alertTacticsColumnName":
			a.TacticsColumn = b.text(f, v)
		case "alertSeverityColumnName":
			a.SeverityColumn = b.text(f, v)
		case "alertDynamicProperties":
			if !b.expect(f, v, ySeq, "a list of {alertProperty, value}") {
				return
			}
			b.mapItems(f, v, "a mapping", func(fx string, it *ynode) {
				var dp DynamicProperty
				if p := it.get("alertProperty"); p != nil {
					dp.AlertProperty = b.text(fx+".alertProperty", p)
				}
				if p := it.get("value"); p != nil {
					dp.Value = b.text(fx+".value", p)
				}
				a.DynamicProperties = append(a.DynamicProperties, dp)
			})
		}
	})
	b.r.AlertDetailsOverride = a
}

func (b *builder) incident(key string, n *ynode) {
	if !b.expect(key, n, yMap, "a mapping") {
		return
	}
	ic := &IncidentConfiguration{}
	b.fields(key, n, func(k, f string, v *ynode) {
		switch k {
		case "createIncident":
			ic.CreateIncident = b.boolean(f, v)
		case "groupingConfiguration":
			if b.expect(f, v, yMap, "a mapping") {
				ic.Grouping = b.grouping(f, v)
			}
		}
	})
	b.r.IncidentConfiguration = ic
}

func (b *builder) grouping(key string, n *ynode) *GroupingConfiguration {
	g := &GroupingConfiguration{}
	b.fields(key, n, func(k, f string, v *ynode) {
		switch k {
		case "enabled":
			g.Enabled = b.boolean(f, v)
		case "reopenClosedIncident":
			g.ReopenClosedIncident = b.boolean(f, v)
		case "lookbackDuration":
			g.LookbackDuration = durationOf(b.duration(f, v))
		case "matchingMethod":
			g.MatchingMethod = b.text(f, v)
		case "groupByEntities":
			g.GroupByEntities = trimAll(b.strList(f, v))
		case "groupByAlertDetails":
			g.GroupByAlertDetails = trimAll(b.strList(f, v))
		case "groupByCustomDetails":
			g.GroupByCustomDetails = trimAll(b.strList(f, v))
		}
	})
	return g
}
