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

func (b *builder) problem(field string, format string, args ...any) {
	b.r.Problems = append(b.r.Problems, b.r.finding(Error, "field-type", field, format, args...))
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
		b.r.Problems = append(b.r.Problems, b.r.finding(Error, "duration-syntax", field, "%v", err))
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
			r.ID = strings.TrimSpace(b.str(key, n))
		case "name", "displayName":
			r.Name = strings.TrimSpace(b.str(key, n))
		case "description":
			r.Description = strings.TrimSpace(b.str(key, n))
		case "severity":
			r.Severity = strings.TrimSpace(b.str(key, n))
		case "kind":
			r.RawKind = strings.TrimSpace(b.str(key, n))
			switch strings.ToLower(r.RawKind) {
			case "scheduled":
				r.Kind = Scheduled
			case "nrt":
				r.Kind = NRT
			default:
				r.Kind = Scheduled
				r.Problems = append(r.Problems, r.finding(Error, "kind", key, "unknown kind %q (want Scheduled or NRT); treated as Scheduled", r.RawKind))
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
				r.Problems = append(r.Problems, r.finding(Error, "trigger-operator", key, "unknown trigger operator %q (want gt, lt, eq or ne)", s))
			}
			r.TriggerOperator = op
		case "triggerThreshold":
			s := strings.TrimSpace(b.str(key, n))
			v, err := strconv.Atoi(s)
			if err != nil {
				r.Problems = append(r.Problems, r.finding(Error, "trigger-threshold", key, "triggerThreshold %q is not an integer", s))
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
			if n.kind == yMap {
				for j, k := range n.keys {
					f := key + "." + k
					b.mark(f, n.vals[j], n.keyPos[j])
					if k == "aggregationKind" {
						v := strings.TrimSpace(b.str(f, n.vals[j]))
						switch strings.ToLower(v) {
						case "singlealert":
							r.EventGrouping = SingleAlert
						case "alertperresult":
							r.EventGrouping = AlertPerResult
						default:
							r.Problems = append(r.Problems, r.finding(Error, "event-grouping", f, "unknown aggregationKind %q (want SingleAlert or AlertPerResult)", v))
						}
					}
				}
			} else if n.kind != yNull {
				b.problem(key, "expected a mapping, found %s", n.kind)
			}
		case "suppressionEnabled":
			r.SuppressionEnabled = b.boolean(key, n)
		case "suppressionDuration":
			r.SuppressionDuration = durationOf(b.duration(key, n))
		case "incidentConfiguration":
			b.incident(key, n)
		case "version":
			r.Version = strings.TrimSpace(b.str(key, n))
		case "status":
			r.Status = strings.TrimSpace(b.str(key, n))
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

func (b *builder) connectors(key string, n *ynode) {
	if n.kind == yNull {
		return
	}
	if n.kind != ySeq {
		b.problem(key, "expected a list of {connectorId, dataTypes}, found %s", n.kind)
		return
	}
	for i, it := range n.items {
		f := fmt.Sprintf("%s[%d]", key, i)
		b.r.Pos[f] = it.pos
		if it.kind != yMap {
			b.problem(f, "expected a mapping with connectorId and dataTypes, found %s", it.kind)
			continue
		}
		var c DataConnector
		for j, k := range it.keys {
			ff := f + "." + k
			b.mark(ff, it.vals[j], it.keyPos[j])
			switch k {
			case "connectorId":
				c.ConnectorID = strings.TrimSpace(b.str(ff, it.vals[j]))
			case "dataTypes":
				c.DataTypes = trimAll(b.strList(ff, it.vals[j]))
			}
		}
		b.r.RequiredDataConnectors = append(b.r.RequiredDataConnectors, c)
	}
}

func (b *builder) entityMappings(key string, n *ynode) {
	if n.kind == yNull {
		return
	}
	if n.kind != ySeq {
		b.problem(key, "expected a list of entity mappings, found %s", n.kind)
		return
	}
	for i, it := range n.items {
		f := fmt.Sprintf("%s[%d]", key, i)
		b.r.Pos[f] = it.pos
		if it.kind != yMap {
			b.problem(f, "expected a mapping with entityType and fieldMappings, found %s", it.kind)
			continue
		}
		var m EntityMapping
		for j, k := range it.keys {
			ff := f + "." + k
			v := it.vals[j]
			b.mark(ff, v, it.keyPos[j])
			switch k {
			case "entityType":
				m.EntityType = strings.TrimSpace(b.str(ff, v))
			case "fieldMappings":
				if v.kind != ySeq {
					if v.kind != yNull {
						b.problem(ff, "expected a list of {identifier, columnName}, found %s", v.kind)
					}
					continue
				}
				for x, fm := range v.items {
					fx := fmt.Sprintf("%s[%d]", ff, x)
					b.r.Pos[fx] = fm.pos
					if fm.kind != yMap {
						b.problem(fx, "expected a mapping with identifier and columnName, found %s", fm.kind)
						continue
					}
					var m2 FieldMapping
					for y, kk := range fm.keys {
						fy := fx + "." + kk
						b.mark(fy, fm.vals[y], fm.keyPos[y])
						switch kk {
						case "identifier":
							m2.Identifier = strings.TrimSpace(b.str(fy, fm.vals[y]))
						case "columnName":
							m2.ColumnName = strings.TrimSpace(b.str(fy, fm.vals[y]))
						}
					}
					m.FieldMappings = append(m.FieldMappings, m2)
				}
			}
		}
		b.r.EntityMappings = append(b.r.EntityMappings, m)
	}
}

func (b *builder) customDetails(key string, n *ynode) {
	if n.kind == yNull {
		return
	}
	if n.kind != yMap {
		b.problem(key, "expected a mapping of key: column, found %s", n.kind)
		return
	}
	for i, k := range n.keys {
		f := key + "." + k
		b.mark(f, n.vals[i], n.keyPos[i])
		b.r.CustomDetails = append(b.r.CustomDetails, CustomDetail{Key: k, Column: strings.TrimSpace(b.str(f, n.vals[i]))})
	}
}

func (b *builder) alertDetails(key string, n *ynode) {
	if n.kind == yNull {
		return
	}
	if n.kind != yMap {
		b.problem(key, "expected a mapping, found %s", n.kind)
		return
	}
	a := &AlertDetailsOverride{}
	for i, k := range n.keys {
		f := key + "." + k
		v := n.vals[i]
		b.mark(f, v, n.keyPos[i])
		switch k {
		case "alertDisplayNameFormat":
			a.DisplayNameFormat = strings.TrimSpace(b.str(f, v))
		case "alertDescriptionFormat":
			a.DescriptionFormat = strings.TrimSpace(b.str(f, v))
		case "alertTacticsColumnName":
			a.TacticsColumn = strings.TrimSpace(b.str(f, v))
		case "alertSeverityColumnName":
			a.SeverityColumn = strings.TrimSpace(b.str(f, v))
		case "alertDynamicProperties":
			if v.kind != ySeq {
				if v.kind != yNull {
					b.problem(f, "expected a list of {alertProperty, value}, found %s", v.kind)
				}
				continue
			}
			for x, it := range v.items {
				fx := fmt.Sprintf("%s[%d]", f, x)
				b.r.Pos[fx] = it.pos
				if it.kind != yMap {
					b.problem(fx, "expected a mapping, found %s", it.kind)
					continue
				}
				var dp DynamicProperty
				if p := it.get("alertProperty"); p != nil {
					dp.AlertProperty = strings.TrimSpace(b.str(fx+".alertProperty", p))
				}
				if p := it.get("value"); p != nil {
					dp.Value = strings.TrimSpace(b.str(fx+".value", p))
				}
				a.DynamicProperties = append(a.DynamicProperties, dp)
			}
		}
	}
	b.r.AlertDetailsOverride = a
}

func (b *builder) incident(key string, n *ynode) {
	if n.kind == yNull {
		return
	}
	if n.kind != yMap {
		b.problem(key, "expected a mapping, found %s", n.kind)
		return
	}
	ic := &IncidentConfiguration{}
	for i, k := range n.keys {
		f := key + "." + k
		v := n.vals[i]
		b.mark(f, v, n.keyPos[i])
		switch k {
		case "createIncident":
			ic.CreateIncident = b.boolean(f, v)
		case "groupingConfiguration":
			if v.kind != yMap {
				if v.kind != yNull {
					b.problem(f, "expected a mapping, found %s", v.kind)
				}
				continue
			}
			g := &GroupingConfiguration{}
			for j, kk := range v.keys {
				ff := f + "." + kk
				vv := v.vals[j]
				b.mark(ff, vv, v.keyPos[j])
				switch kk {
				case "enabled":
					g.Enabled = b.boolean(ff, vv)
				case "reopenClosedIncident":
					g.ReopenClosedIncident = b.boolean(ff, vv)
				case "lookbackDuration":
					g.LookbackDuration = durationOf(b.duration(ff, vv))
				case "matchingMethod":
					g.MatchingMethod = strings.TrimSpace(b.str(ff, vv))
				case "groupByEntities":
					g.GroupByEntities = trimAll(b.strList(ff, vv))
				case "groupByAlertDetails":
					g.GroupByAlertDetails = trimAll(b.strList(ff, vv))
				case "groupByCustomDetails":
					g.GroupByCustomDetails = trimAll(b.strList(ff, vv))
				}
			}
			ic.Grouping = g
		}
	}
	b.r.IncidentConfiguration = ic
}
