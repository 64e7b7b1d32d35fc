package rule

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"kqlhunt/alert"
	"kqlhunt/internal/suggest"
)

// Limits checked by Lint (docs/sentinel-rules.md §3.6).
const (
	MinQueryInterval        = 5 * time.Minute
	MaxQueryInterval        = 14 * 24 * time.Hour
	LongPeriod              = 2 * 24 * time.Hour
	MinFrequencyLongPeriod  = time.Hour
	MaxQueryLength          = 10000
	MaxTriggerThreshold     = 10000
	MaxEntityMappings       = 10
	MaxTemplateMappings     = 5
	MaxIdentifiersPerEntity = 3
	MaxCustomDetails        = 20
	MaxCustomDetailKeyLen   = 20
	MaxNameLength           = 256
	MaxDescriptionLength    = 5000
	MaxPlaceholders         = 3
	MaxSuppression          = 24 * time.Hour
	MaxVersionLength        = 20
	MinGroupingLookback     = 5 * time.Minute
	MaxGroupingLookback     = 7 * 24 * time.Hour
)

// dynamicProperties are the alert properties alertDynamicProperties may set.
var dynamicProperties = map[string]bool{
	"AlertLink": true, "ConfidenceLevel": true, "ConfidenceScore": true, "ExtendedLinks": true,
	"ProductComponentName": true, "ProductName": true, "ProviderName": true, "RemediationSteps": true,
	"Techniques": true, "SubTechniques": true,
}

// Severities are the valid rule severities.
var Severities = []string{"Informational", "Low", "Medium", "High"}

var (
	searchStarRE    = regexp.MustCompile(`(?i)\b(search|union)\s+(?:(?:kind|withsource|isfuzzy)\s*=\s*\w+\s+)*\*`)
	customKeyRE     = regexp.MustCompile(`^[a-zA-Z]+\w*$`)
	customColumnRE  = regexp.MustCompile(`^[a-zA-Z_]+\w*$`)
	techniqueRE     = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	guidRE          = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	lintTacticNames = func() map[string]bool {
		m := map[string]bool{}
		for _, t := range Tactics {
			m[t] = true
		}
		return m
	}()
)

// Lint checks r's fields against Sentinel's limits and returns findings
// sorted by position. eng, when non-nil, is asked which tables the query
// reads, to compare them with requiredDataConnectors.
func Lint(r *Rule, eng Engine) []Finding {
	l := &linter{r: r}
	l.out = append(l.out, r.Problems...)
	l.identity()
	l.schedule()
	l.query(eng)
	l.trigger()
	l.entities()
	l.customDetails()
	l.alertDetails()
	l.mitre()
	l.suppression()
	l.incident()
	sort.SliceStable(l.out, func(i, j int) bool {
		a, b := l.out[i], l.out[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return l.out
}

type linter struct {
	r   *Rule
	out []Finding
}

func (l *linter) add(level Level, code, field, format string, args ...any) {
	l.out = append(l.out, l.r.finding(level, code, field, format, args...))
}

// hasProblem reports whether loading already reported a problem on field.
func (l *linter) hasProblem(field string) bool {
	for _, p := range l.r.Problems {
		if p.Field == field {
			return true
		}
	}
	return false
}

func (l *linter) identity() {
	r := l.r
	switch {
	case !r.Has("id") || r.ID == "":
		l.add(Error, "id-missing", "id", "id is required (a GUID)")
	case !guidRE.MatchString(r.ID):
		l.add(Warning, "id-format", "id", "id %q is not a GUID", r.ID)
	}
	if r.Name == "" {
		l.add(Error, "name-missing", "name", "name is required")
	} else if n := utf8.RuneCountInString(r.Name); n > MaxNameLength {
		l.add(Error, "name-length", "name", "name is %d characters; the limit is %d", n, MaxNameLength)
	}
	if n := utf8.RuneCountInString(r.Description); n > MaxDescriptionLength {
		l.add(Error, "description-length", "description", "description is %d characters; the limit is %d", n, MaxDescriptionLength)
	}
	if n := utf8.RuneCountInString(r.Version); n > MaxVersionLength {
		l.add(Error, "version-length", "version", "version is %d characters; the limit is %d", n, MaxVersionLength)
	}
	if r.Has("severity") || !r.IsHunting() {
		l.severity()
	}
	if !r.IsHunting() && r.Kind == Scheduled && len(r.RequiredDataConnectors) == 0 {
		l.add(Warning, "connectors-missing", "requiredDataConnectors", "requiredDataConnectors is required for Scheduled rule templates")
	}
}

func (l *linter) severity() {
	r := l.r
	sev := r.Severity
	if sev == "" {
		l.add(Error, "severity", "severity", "severity is required: one of %s", strings.Join(Severities, ", "))
		return
	}
	for _, s := range Severities {
		if s == sev {
			return
		}
	}
	if c := alert.NormalizeSeverity(sev); c != "" {
		l.add(Warning, "severity", "severity", "severity %q should be spelled %q (one of %s)", sev, c, strings.Join(Severities, ", "))
		return
	}
	hint := ""
	if c, ok := suggest.Closest(sev, Severities); ok {
		hint = fmt.Sprintf("; did you mean %q?", c)
	}
	l.add(Error, "severity", "severity", "severity %q is not one of %s%s", sev, strings.Join(Severities, ", "), hint)
}

func (l *linter) schedule() {
	r := l.r
	switch r.Kind {
	case Hunting:
		return
	case NRT:
		for _, f := range []string{"queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold"} {
			if r.Has(f) {
				l.add(Warning, "nrt-schedule", f, "%s is ignored for NRT rules (they run about every minute)", f)
			}
		}
		return
	}
	freqOK, periodOK := r.QueryFrequency > 0, r.QueryPeriod > 0
	if !freqOK && !l.hasProblem("queryFrequency") {
		l.add(Error, "frequency-missing", "queryFrequency", "queryFrequency is required for Scheduled rules (5m to 14d)")
	}
	if !periodOK && !l.hasProblem("queryPeriod") {
		l.add(Error, "period-missing", "queryPeriod", "queryPeriod is required for Scheduled rules (5m to 14d)")
	}
	if freqOK && (r.QueryFrequency < MinQueryInterval || r.QueryFrequency > MaxQueryInterval) {
		l.add(Error, "frequency-range", "queryFrequency", "queryFrequency %s is outside the limit 5m to 14d", FormatDuration(r.QueryFrequency))
	}
	if periodOK && (r.QueryPeriod < MinQueryInterval || r.QueryPeriod > MaxQueryInterval) {
		l.add(Error, "period-range", "queryPeriod", "queryPeriod %s is outside the limit 5m to 14d", FormatDuration(r.QueryPeriod))
	}
	if freqOK && periodOK && r.QueryFrequency > r.QueryPeriod {
		l.add(Error, "frequency-over-period", "queryFrequency", "queryFrequency %s is longer than queryPeriod %s; the frequency must be at most the period", FormatDuration(r.QueryFrequency), FormatDuration(r.QueryPeriod))
	}
	if freqOK && periodOK && r.QueryPeriod >= LongPeriod && r.QueryFrequency < MinFrequencyLongPeriod {
		l.add(Error, "long-period-frequency", "queryFrequency", "queryPeriod %s is 2 days or more, so queryFrequency must be at least 1h (it is %s)", FormatDuration(r.QueryPeriod), FormatDuration(r.QueryFrequency))
	}
}

func (l *linter) query(eng Engine) {
	r := l.r
	n := utf8.RuneCountInString(r.Query)
	switch {
	case strings.TrimSpace(r.Query) == "":
		l.add(Error, "query-missing", "query", "query is required (1 to %d characters)", MaxQueryLength)
		return
	case n > MaxQueryLength:
		l.add(Error, "query-length", "query", "query is %d characters; the limit is %d", n, MaxQueryLength)
	}
	if m := searchStarRE.FindString(r.Query); m != "" {
		l.add(Error, "query-star", "query", "query uses %q; scheduled rules may not use search * or union *", m)
	}
	if eng == nil {
		return
	}
	tables, err := eng.TablesRead(r.Query)
	if err != nil {
		l.add(Warning, "query-check", "query", "cannot determine the tables the query reads: %v", err)
		return
	}
	declared := map[string]bool{}
	for _, d := range r.DataTypes() {
		declared[strings.ToLower(d)] = true
	}
	var missing []string
	for _, t := range tables {
		if !declared[strings.ToLower(t)] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		field := "requiredDataConnectors"
		have := strings.Join(r.DataTypes(), ", ")
		if have == "" {
			have = "none"
		}
		l.add(Warning, "data-types", field, "query reads %s, not among requiredDataConnectors dataTypes (%s)", strings.Join(missing, ", "), have)
	}
}

func (l *linter) trigger() {
	r := l.r
	if r.Kind != Scheduled {
		return
	}
	if !r.Has("triggerOperator") {
		l.add(Warning, "trigger-missing", "triggerOperator", "triggerOperator is missing; GreaterThan is assumed")
	}
	if !r.Has("triggerThreshold") {
		l.add(Warning, "trigger-missing", "triggerThreshold", "triggerThreshold is missing; 0 is assumed")
	}
	if r.TriggerThreshold < 0 || r.TriggerThreshold > MaxTriggerThreshold {
		l.add(Error, "threshold-range", "triggerThreshold", "triggerThreshold %d is outside the limit 0 to %d", r.TriggerThreshold, MaxTriggerThreshold)
	}
}

func entityTypeNames() []string {
	var out []string
	for _, t := range alert.EntityTypes() {
		out = append(out, t.Name)
	}
	return out
}

func (l *linter) entities() {
	r := l.r
	n := len(r.EntityMappings)
	switch {
	case n > MaxEntityMappings:
		l.add(Error, "entity-mappings-count", "entityMappings", "%d entity mappings; the limit is %d", n, MaxEntityMappings)
	case n > MaxTemplateMappings:
		l.add(Warning, "entity-mappings-template", "entityMappings", "%d entity mappings; rule templates allow at most %d (workspace rules %d)", n, MaxTemplateMappings, MaxEntityMappings)
	}
	for i, m := range r.EntityMappings {
		f := fmt.Sprintf("entityMappings[%d]", i)
		et, exact, ok := alert.LookupEntityType(m.EntityType)
		switch {
		case m.EntityType == "":
			l.add(Error, "entity-type", f+".entityType", "entityType is required")
		case !ok:
			hint := ""
			if c, ok := suggest.Closest(m.EntityType, entityTypeNames()); ok {
				hint = fmt.Sprintf("; did you mean %q?", c)
			}
			l.add(Error, "entity-type", f+".entityType", "unknown entityType %q%s", m.EntityType, hint)
		case !exact:
			l.add(Error, "entity-type", f+".entityType", "entityType %q must be spelled %q", m.EntityType, et.Name)
		}
		nf := len(m.FieldMappings)
		if nf == 0 {
			l.add(Error, "field-mappings-count", f+".fieldMappings", "entity mapping has no fieldMappings; it needs 1 to %d", MaxIdentifiersPerEntity)
		} else if nf > MaxIdentifiersPerEntity {
			l.add(Error, "field-mappings-count", f+".fieldMappings", "%d identifiers; the limit is %d per entity mapping", nf, MaxIdentifiersPerEntity)
		}
		seen := map[string]bool{}
		for j, fm := range m.FieldMappings {
			ff := fmt.Sprintf("%s.fieldMappings[%d]", f, j)
			if fm.ColumnName == "" {
				l.add(Error, "column-missing", ff+".columnName", "columnName is required")
			}
			if fm.Identifier == "" {
				l.add(Error, "identifier", ff+".identifier", "identifier is required")
				continue
			}
			if seen[fm.Identifier] {
				l.add(Error, "identifier", ff+".identifier", "identifier %s is mapped twice", fm.Identifier)
			}
			seen[fm.Identifier] = true
			if ok && !et.HasIdentifier(fm.Identifier) {
				hint := ""
				if c, ok := suggest.Closest(fm.Identifier, et.Identifiers); ok {
					hint = fmt.Sprintf("; did you mean %q?", c)
				}
				l.add(Error, "identifier", ff+".identifier", "%s is not an identifier of %s (known: %s)%s", fm.Identifier, et.Name, strings.Join(et.Identifiers, ", "), hint)
			}
		}
	}
}

func (l *linter) customDetails() {
	r := l.r
	if n := len(r.CustomDetails); n > MaxCustomDetails {
		l.add(Error, "custom-details-count", "customDetails", "%d custom details; the limit is %d", n, MaxCustomDetails)
	}
	for _, cd := range r.CustomDetails {
		f := "customDetails." + cd.Key
		if !customKeyRE.MatchString(cd.Key) {
			l.add(Error, "custom-detail-key", f, "custom detail key %q must match ^[a-zA-Z]+\\w*$", cd.Key)
		} else if len(cd.Key) > MaxCustomDetailKeyLen {
			l.add(Error, "custom-detail-key", f, "custom detail key %q is %d characters; the limit is %d", cd.Key, len(cd.Key), MaxCustomDetailKeyLen)
		}
		if !customColumnRE.MatchString(cd.Column) {
			l.add(Error, "custom-detail-column", f, "custom detail column %q must match ^[a-zA-Z_]+\\w*$", cd.Column)
		}
	}
}

func (l *linter) alertDetails() {
	o := l.r.AlertDetailsOverride
	if o == nil {
		return
	}
	check := func(field, value string, max int) {
		if n := utf8.RuneCountInString(value); n > max {
			l.add(Error, "alert-details-length", field, "%s is %d characters; the limit is %d", field, n, max)
		}
		if p := alert.Placeholders(value); len(p) > MaxPlaceholders {
			l.add(Error, "alert-details-placeholders", field, "%d {{Column}} placeholders; the limit is %d", len(p), MaxPlaceholders)
		}
	}
	check("alertDetailsOverride.alertDisplayNameFormat", o.DisplayNameFormat, MaxNameLength)
	check("alertDetailsOverride.alertDescriptionFormat", o.DescriptionFormat, MaxDescriptionLength)
	for i, dp := range o.DynamicProperties {
		f := fmt.Sprintf("alertDetailsOverride.alertDynamicProperties[%d]", i)
		if !dynamicProperties[dp.AlertProperty] {
			l.add(Error, "alert-dynamic-property", f, "alertProperty %q is not one of AlertLink, ConfidenceLevel, ConfidenceScore, ExtendedLinks, ProductComponentName, ProductName, ProviderName, RemediationSteps, Techniques, SubTechniques", dp.AlertProperty)
		}
		if !customColumnRE.MatchString(dp.Value) {
			l.add(Error, "alert-dynamic-property", f, "value %q is not a valid column name", dp.Value)
		}
	}
	if o.SeverityColumn != "" && !customColumnRE.MatchString(o.SeverityColumn) {
		l.add(Error, "alert-details-column", "alertDetailsOverride.alertSeverityColumnName", "column name %q is not a valid column name", o.SeverityColumn)
	}
	if o.TacticsColumn != "" && !customColumnRE.MatchString(o.TacticsColumn) {
		l.add(Error, "alert-details-column", "alertDetailsOverride.alertTacticsColumnName", "column name %q is not a valid column name", o.TacticsColumn)
	}
}

func (l *linter) mitre() {
	r := l.r
	have := map[string]bool{}
	for i, t := range r.Tactics {
		have[t] = true
		if !lintTacticNames[t] {
			f := fmt.Sprintf("tactics[%d]", i)
			hint := ""
			if c, ok := suggest.Closest(t, Tactics); ok {
				hint = fmt.Sprintf("; did you mean %q?", c)
			}
			l.add(Error, "tactic", f, "unknown tactic %q%s", t, hint)
		}
	}
	for i, tech := range r.RelevantTechniques {
		f := fmt.Sprintf("relevantTechniques[%d]", i)
		if !techniqueRE.MatchString(tech) {
			l.add(Error, "technique-format", f, "technique %q is not a MITRE id like T1078 or T1078.004", tech)
			continue
		}
		tactics, ok := TechniqueTactics(tech)
		if !ok {
			l.add(Info, "technique-unknown", f, "technique %s is not in kqlhunt's MITRE table; its tactics are not checked", tech)
			continue
		}
		match := false
		for _, t := range tactics {
			if have[t] {
				match = true
				break
			}
		}
		if !match {
			l.add(Error, "technique-tactic", f, "technique %s belongs to %s, none of which is among the rule's tactics (every technique needs a matching tactic)", tech, strings.Join(tactics, ", "))
		}
	}
}

func (l *linter) suppression() {
	r := l.r
	if r.SuppressionDuration > MaxSuppression {
		l.add(Error, "suppression-range", "suppressionDuration", "suppressionDuration %s exceeds the limit of 24h", FormatDuration(r.SuppressionDuration))
	}
	if r.SuppressionEnabled && r.SuppressionDuration <= 0 {
		l.add(Warning, "suppression-duration", "suppressionEnabled", "suppression is enabled without a suppressionDuration")
	}
}

func (l *linter) incident() {
	ic := l.r.IncidentConfiguration
	if ic == nil || ic.Grouping == nil {
		return
	}
	g := ic.Grouping
	if lb := g.LookbackDuration; lb != 0 && (lb < MinGroupingLookback || lb > MaxGroupingLookback) {
		l.add(Error, "grouping-lookback", "incidentConfiguration.groupingConfiguration.lookbackDuration", "lookbackDuration %s is outside the limit 5m to 7d", FormatDuration(lb))
	}
	for i, e := range g.GroupByEntities {
		if _, exact, ok := alert.LookupEntityType(e); !ok || !exact {
			l.add(Error, "grouping-entity", fmt.Sprintf("incidentConfiguration.groupingConfiguration.groupByEntities[%d]", i), "groupByEntities value %q is not an entity type (%s)", e, strings.Join(entityTypeNames(), ", "))
		}
	}
	for i, d := range g.GroupByAlertDetails {
		if d != "DisplayName" && d != "Severity" {
			l.add(Error, "grouping-detail", fmt.Sprintf("incidentConfiguration.groupingConfiguration.groupByAlertDetails[%d]", i), "groupByAlertDetails value %q is not DisplayName or Severity", d)
		}
	}
	switch g.MatchingMethod {
	case "", "AllEntities", "AnyAlert", "Selected":
	default:
		l.add(Error, "grouping-method", "incidentConfiguration.groupingConfiguration.matchingMethod", "matchingMethod %q is not AllEntities, AnyAlert or Selected", g.MatchingMethod)
	}
}
