// Package alert builds Microsoft Sentinel SecurityAlert records from rule
// query results (entities, custom details, extended properties, stable
// alert ids) and writes them as a terminal table, JSON, JSON lines, CSV
// and OCSF Detection Findings, plus backtest summaries, terminal charts and
// a self-contained HTML report.
package alert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// SecurityAlert holds exactly the columns of the Log Analytics
// SecurityAlert table, in table order. Times are UTC.
//
// ExtendedProperties and Entities are JSON text (as the table stores them);
// ConfidenceScore is nil when unset.
type SecurityAlert struct {
	TenantId                string
	TimeGenerated           time.Time
	DisplayName             string
	AlertName               string
	AlertSeverity           string
	Description             string
	ProviderName            string
	VendorName              string
	VendorOriginalId        string
	SystemAlertId           string
	ResourceId              string
	SourceComputerId        string
	AlertType               string
	ConfidenceLevel         string
	ConfidenceScore         *float64
	IsIncident              bool
	StartTime               time.Time
	EndTime                 time.Time
	ProcessingEndTime       time.Time
	RemediationSteps        string
	ExtendedProperties      string
	Entities                string
	SourceSystem            string
	WorkspaceSubscriptionId string
	WorkspaceResourceGroup  string
	ExtendedLinks           string
	ProductName             string
	ProductComponentName    string
	AlertLink               string
	Status                  string
	CompromisedEntity       string
	Tactics                 string
	Techniques              string
	Type                    string
}

// Columns lists the SecurityAlert columns in table order.
var Columns = []string{
	"TenantId", "TimeGenerated", "DisplayName", "AlertName", "AlertSeverity", "Description",
	"ProviderName", "VendorName", "VendorOriginalId", "SystemAlertId", "ResourceId",
	"SourceComputerId", "AlertType", "ConfidenceLevel", "ConfidenceScore", "IsIncident",
	"StartTime", "EndTime", "ProcessingEndTime", "RemediationSteps", "ExtendedProperties",
	"Entities", "SourceSystem", "WorkspaceSubscriptionId", "WorkspaceResourceGroup",
	"ExtendedLinks", "ProductName", "ProductComponentName", "AlertLink", "Status",
	"CompromisedEntity", "Tactics", "Techniques", "Type",
}

// FormatTime formats an alert time as Log Analytics prints datetimes:
// 2023-07-24T20:28:59.1070000Z. The zero time prints as "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.0000000Z")
}

// Values returns the alert's column values as text, in Columns order, as
// CSV and the table writer print them.
func (s *SecurityAlert) Values() []string {
	score := ""
	if s.ConfidenceScore != nil {
		score = formatFloat(*s.ConfidenceScore)
	}
	inc := "false"
	if s.IsIncident {
		inc = "true"
	}
	return []string{
		s.TenantId, FormatTime(s.TimeGenerated), s.DisplayName, s.AlertName, s.AlertSeverity, s.Description,
		s.ProviderName, s.VendorName, s.VendorOriginalId, s.SystemAlertId, s.ResourceId,
		s.SourceComputerId, s.AlertType, s.ConfidenceLevel, score, inc,
		FormatTime(s.StartTime), FormatTime(s.EndTime), FormatTime(s.ProcessingEndTime), s.RemediationSteps, s.ExtendedProperties,
		s.Entities, s.SourceSystem, s.WorkspaceSubscriptionId, s.WorkspaceResourceGroup,
		s.ExtendedLinks, s.ProductName, s.ProductComponentName, s.AlertLink, s.Status,
		s.CompromisedEntity, s.Tactics, s.Techniques, s.Type,
	}
}

// MarshalJSON writes the alert as one JSON object with exactly the
// SecurityAlert columns, in table order. Datetimes are strings in the Log
// Analytics form; ConfidenceScore is a number or null; IsIncident a bool.
func (s SecurityAlert) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	vals := s.Values()
	buf.WriteByte('{')
	for i, col := range Columns {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(col)
		buf.Write(k)
		buf.WriteByte(':')
		switch col {
		case "ConfidenceScore":
			if s.ConfidenceScore == nil {
				buf.WriteString("null")
			} else {
				v, err := json.Marshal(*s.ConfidenceScore)
				if err != nil {
					return nil, err
				}
				buf.Write(v)
			}
		case "IsIncident":
			buf.WriteString(vals[i])
		default:
			v, err := marshalString(vals[i])
			if err != nil {
				return nil, err
			}
			buf.Write(v)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// marshalString JSON-encodes s without HTML escaping, so queries with <, >
// and & stay readable.
func marshalString(s string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Alert is one alert: the SecurityAlert record plus data that belongs to
// kqlhunt only (rule file, tags, tuning notes, the parsed entities). The
// extra data never appears inside the SecurityAlert JSON object.
type Alert struct {
	SecurityAlert

	// RuleID and RuleFile identify the rule that produced the alert.
	RuleID   string
	RuleFile string
	// RunTime is the scheduled time of the run (the end of the query window).
	RunTime time.Time
	// Rows are the result row indexes the alert covers (for AlertPerResult,
	// one row; for SingleAlert and the overflow summary, several).
	Rows []int
	// EntityList holds the entities serialised in Entities.
	EntityList []Entity
	// CustomDetails holds the custom detail values (key → values).
	CustomDetails map[string][]string
	// Attacks pair the rule's techniques with their tactics (for OCSF).
	Attacks []Attack
	// Tags are labels added by tuning hooks.
	Tags []string
	// Notes record tuning decisions (e.g. "severity High → Low: ...").
	Notes []string
	// SuppressedBy, for a suppressed alert, says why it was not raised.
	SuppressedBy string
}

// Envelope is the JSON form of an Alert: the SecurityAlert object and,
// beside it, kqlhunt's own data.
type Envelope struct {
	SecurityAlert *SecurityAlert `json:"SecurityAlert"`
	Kqlhunt       EnvelopeMeta   `json:"kqlhunt"`
}

// EnvelopeMeta is the kqlhunt-only part of an Envelope.
type EnvelopeMeta struct {
	RuleID       string   `json:"ruleId"`
	RuleFile     string   `json:"ruleFile,omitempty"`
	RunTime      string   `json:"runTime"`
	Rows         int      `json:"rows"`
	Tags         []string `json:"tags,omitempty"`
	Notes        []string `json:"notes,omitempty"`
	SuppressedBy string   `json:"suppressedBy,omitempty"`
}

// Envelope returns the alert's JSON envelope.
func (a *Alert) Envelope() Envelope {
	return Envelope{
		SecurityAlert: &a.SecurityAlert,
		Kqlhunt: EnvelopeMeta{
			RuleID: a.RuleID, RuleFile: a.RuleFile, RunTime: FormatTime(a.RunTime), Rows: len(a.Rows),
			Tags: a.Tags, Notes: a.Notes, SuppressedBy: a.SuppressedBy,
		},
	}
}

// AddTag adds a tag once.
func (a *Alert) AddTag(tag string) {
	for _, t := range a.Tags {
		if t == tag {
			return
		}
	}
	a.Tags = append(a.Tags, tag)
}

// Attack is one MITRE ATT&CK tactic/technique pair of an alert; either
// part may be empty.
type Attack struct {
	Tactic    string
	Technique string
}

// UnmarshalJSON reads a SecurityAlert JSON object as MarshalJSON writes it
// (and as Log Analytics exports it: datetimes in RFC 3339 form, IsIncident
// as a bool, ConfidenceScore as a number or null). Unknown keys are
// ignored.
func (s *SecurityAlert) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	str := func(k string) (string, error) {
		v, ok := raw[k]
		if !ok || string(v) == "null" {
			return "", nil
		}
		var out string
		if err := json.Unmarshal(v, &out); err != nil {
			return "", fmt.Errorf("SecurityAlert %s: %w", k, err)
		}
		return out, nil
	}
	tm := func(k string) (time.Time, error) {
		v, err := str(k)
		if err != nil || v == "" {
			return time.Time{}, err
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("SecurityAlert %s: %w", k, err)
		}
		t = t.UTC()
		if t.Year() < 1 || t.Year() > 9999 {
			return time.Time{}, fmt.Errorf("SecurityAlert %s: %s is outside years 1–9999", k, v)
		}
		return t, nil
	}
	var out SecurityAlert
	var err error
	textFields := []struct {
		key string
		dst *string
	}{
		{"TenantId", &out.TenantId}, {"DisplayName", &out.DisplayName}, {"AlertName", &out.AlertName},
		{"AlertSeverity", &out.AlertSeverity}, {"Description", &out.Description}, {"ProviderName", &out.ProviderName},
		{"VendorName", &out.VendorName}, {"VendorOriginalId", &out.VendorOriginalId}, {"SystemAlertId", &out.SystemAlertId},
		{"ResourceId", &out.ResourceId}, {"SourceComputerId", &out.SourceComputerId}, {"AlertType", &out.AlertType},
		{"ConfidenceLevel", &out.ConfidenceLevel}, {"RemediationSteps", &out.RemediationSteps},
		{"ExtendedProperties", &out.ExtendedProperties}, {"Entities", &out.Entities}, {"SourceSystem", &out.SourceSystem},
		{"WorkspaceSubscriptionId", &out.WorkspaceSubscriptionId}, {"WorkspaceResourceGroup", &out.WorkspaceResourceGroup},
		{"ExtendedLinks", &out.ExtendedLinks}, {"ProductName", &out.ProductName}, {"ProductComponentName", &out.ProductComponentName},
		{"AlertLink", &out.AlertLink}, {"Status", &out.Status}, {"CompromisedEntity", &out.CompromisedEntity},
		{"Tactics", &out.Tactics}, {"Techniques", &out.Techniques}, {"Type", &out.Type},
	}
	for _, f := range textFields {
		if *f.dst, err = str(f.key); err != nil {
			return err
		}
	}
	times := []struct {
		key string
		dst *time.Time
	}{
		{"TimeGenerated", &out.TimeGenerated}, {"StartTime", &out.StartTime}, {"EndTime", &out.EndTime},
		{"ProcessingEndTime", &out.ProcessingEndTime},
	}
	for _, f := range times {
		if *f.dst, err = tm(f.key); err != nil {
			return err
		}
	}
	if v, ok := raw["ConfidenceScore"]; ok && string(v) != "null" {
		var f float64
		if err := json.Unmarshal(v, &f); err != nil {
			return fmt.Errorf("SecurityAlert ConfidenceScore: %w", err)
		}
		out.ConfidenceScore = &f
	}
	if v, ok := raw["IsIncident"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &out.IsIncident); err != nil {
			return fmt.Errorf("SecurityAlert IsIncident: %w", err)
		}
	}
	*s = out
	return nil
}
