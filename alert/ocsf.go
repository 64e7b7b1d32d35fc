package alert

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// OCSF Detection Finding constants (OCSF 1.x schema: class 2004 in the
// Findings category, activity Create).
const (
	OCSFVersion        = "1.3.0"
	ocsfClassUID       = 2004
	ocsfCategoryUID    = 2
	ocsfActivityCreate = 1
)

// OCSFFinding is an OCSF Detection Finding (class_uid 2004).
type OCSFFinding struct {
	ActivityID   int              `json:"activity_id"`
	ActivityName string           `json:"activity_name"`
	CategoryUID  int              `json:"category_uid"`
	CategoryName string           `json:"category_name"`
	ClassUID     int              `json:"class_uid"`
	ClassName    string           `json:"class_name"`
	TypeUID      int              `json:"type_uid"`
	TypeName     string           `json:"type_name"`
	SeverityID   int              `json:"severity_id"`
	Severity     string           `json:"severity"`
	StatusID     int              `json:"status_id"`
	Status       string           `json:"status"`
	IsAlert      bool             `json:"is_alert"`
	Message      string           `json:"message"`
	Time         int64            `json:"time"`
	StartTime    int64            `json:"start_time,omitempty"`
	EndTime      int64            `json:"end_time,omitempty"`
	FindingInfo  OCSFFindingInfo  `json:"finding_info"`
	Attacks      []OCSFAttack     `json:"attacks,omitempty"`
	Observables  []OCSFObservable `json:"observables,omitempty"`
	Evidences    []map[string]any `json:"evidences,omitempty"`
	Metadata     OCSFMetadata     `json:"metadata"`
	Unmapped     map[string]any   `json:"unmapped,omitempty"`
}

// OCSFFindingInfo is the finding_info object.
type OCSFFindingInfo struct {
	UID      string       `json:"uid"`
	Title    string       `json:"title"`
	Desc     string       `json:"desc,omitempty"`
	Types    []string     `json:"types,omitempty"`
	Analytic OCSFAnalytic `json:"analytic"`
}

// OCSFAnalytic is the analytic (rule) that produced a finding.
type OCSFAnalytic struct {
	UID    string `json:"uid"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
}

// OCSFAttack is one MITRE ATT&CK entry.
type OCSFAttack struct {
	Tactic    *OCSFNamed `json:"tactic,omitempty"`
	Technique *OCSFNamed `json:"technique,omitempty"`
}

// OCSFNamed is a {uid, name} pair.
type OCSFNamed struct {
	UID  string `json:"uid,omitempty"`
	Name string `json:"name,omitempty"`
}

// OCSFObservable is one observable value.
type OCSFObservable struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
	Value  string `json:"value"`
}

// OCSFMetadata is the metadata object.
type OCSFMetadata struct {
	Version string      `json:"version"`
	Product OCSFProduct `json:"product"`
	UID     string      `json:"uid,omitempty"`
}

// OCSFProduct names the producing product.
type OCSFProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
}

// tacticIDs maps Sentinel tactic names to MITRE ids and display names.
var tacticIDs = map[string][2]string{
	"Reconnaissance":      {"TA0043", "Reconnaissance"},
	"ResourceDevelopment": {"TA0042", "Resource Development"},
	"InitialAccess":       {"TA0001", "Initial Access"},
	"Execution":           {"TA0002", "Execution"},
	"Persistence":         {"TA0003", "Persistence"},
	"PrivilegeEscalation": {"TA0004", "Privilege Escalation"},
	"DefenseEvasion":      {"TA0005", "Defense Evasion"},
	"CredentialAccess":    {"TA0006", "Credential Access"},
	"Discovery":           {"TA0007", "Discovery"},
	"LateralMovement":     {"TA0008", "Lateral Movement"},
	"Collection":          {"TA0009", "Collection"},
	"Exfiltration":        {"TA0010", "Exfiltration"},
	"CommandAndControl":   {"TA0011", "Command and Control"},
	"Impact":              {"TA0040", "Impact"},
}

func ocsfTactic(name string) *OCSFNamed {
	if name == "" {
		return nil
	}
	if t, ok := tacticIDs[name]; ok {
		return &OCSFNamed{UID: t[0], Name: t[1]}
	}
	return &OCSFNamed{Name: name}
}

// ocsfSeverity maps a Sentinel severity to OCSF severity_id and caption.
func ocsfSeverity(sev string) (int, string) {
	switch sev {
	case "Informational":
		return 1, "Informational"
	case "Low":
		return 2, "Low"
	case "Medium":
		return 3, "Medium"
	case "High":
		return 4, "High"
	}
	return 0, "Unknown"
}

// observableTypes maps entity types to an OCSF observable type id and
// caption, and the property that carries the value.
var observableTypes = map[string]struct {
	id   int
	name string
	prop string
}{
	"account":        {4, "User Name", ""},
	"host":           {1, "Hostname", ""},
	"ip":             {2, "IP Address", "Address"},
	"url":            {6, "URL String", "Url"},
	"file":           {7, "File Name", "Name"},
	"filehash":       {8, "Hash", "Value"},
	"process":        {13, "Command Line", "CommandLine"},
	"dns":            {1, "Hostname", "DomainName"},
	"azure-resource": {10, "Resource UID", "ResourceId"},
	"mailbox":        {5, "Email Address", "MailboxPrimaryAddress"},
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// OCSF converts an alert to an OCSF Detection Finding.
func OCSF(a *Alert) OCSFFinding {
	sevID, sev := ocsfSeverity(a.AlertSeverity)
	f := OCSFFinding{
		ActivityID: ocsfActivityCreate, ActivityName: "Create",
		CategoryUID: ocsfCategoryUID, CategoryName: "Findings",
		ClassUID: ocsfClassUID, ClassName: "Detection Finding",
		TypeUID: ocsfClassUID*100 + ocsfActivityCreate, TypeName: "Detection Finding: Create",
		SeverityID: sevID, Severity: sev,
		StatusID: 1, Status: "New", IsAlert: true,
		Message: a.AlertName,
		Time:    ms(a.TimeGenerated), StartTime: ms(a.StartTime), EndTime: ms(a.EndTime),
		FindingInfo: OCSFFindingInfo{
			UID: a.SystemAlertId, Title: a.AlertName, Desc: a.Description,
			Types:    []string{a.ProductComponentName},
			Analytic: OCSFAnalytic{UID: a.RuleID, Name: ruleNameOf(a), Type: "Rule", TypeID: 1},
		},
		Metadata: OCSFMetadata{Version: OCSFVersion, Product: OCSFProduct{Name: "kqlhunt", VendorName: "kqlhunt"}, UID: a.SystemAlertId},
	}
	attacks := a.Attacks
	if len(attacks) == 0 {
		for _, t := range splitList(a.Tactics) {
			if t != "Unknown" {
				attacks = append(attacks, Attack{Tactic: t})
			}
		}
		for _, t := range splitList(a.Techniques) {
			if t != "Unknown" {
				attacks = append(attacks, Attack{Technique: t})
			}
		}
	}
	for _, at := range attacks {
		oa := OCSFAttack{Tactic: ocsfTactic(at.Tactic)}
		if at.Technique != "" {
			oa.Technique = &OCSFNamed{UID: at.Technique}
		}
		f.Attacks = append(f.Attacks, oa)
	}
	for i := range a.EntityList {
		e := &a.EntityList[i]
		if ot, ok := observableTypes[e.Type]; ok {
			v := e.Get(ot.prop)
			if ot.prop == "" {
				v = e.Label()
			}
			if v != "" {
				f.Observables = append(f.Observables, OCSFObservable{Name: e.Type, Type: ot.name, TypeID: ot.id, Value: v})
			}
		}
		f.Evidences = append(f.Evidences, ocsfEvidence(e))
	}
	if len(a.Tags) > 0 || len(a.Notes) > 0 {
		f.Unmapped = map[string]any{}
		if len(a.Tags) > 0 {
			f.Unmapped["tags"] = a.Tags
		}
		if len(a.Notes) > 0 {
			f.Unmapped["notes"] = a.Notes
		}
	}
	return f
}

func ruleNameOf(a *Alert) string {
	var ep map[string]any
	if json.Unmarshal([]byte(a.ExtendedProperties), &ep) == nil {
		if n, ok := ep["Analytic Rule Name"].(string); ok && n != "" {
			return n
		}
	}
	return a.AlertName
}

// ocsfEvidence maps an entity to an OCSF evidence artifacts object.
func ocsfEvidence(e *Entity) map[string]any {
	props := map[string]any{}
	for _, p := range e.Props {
		props[p.Name] = p.Value
	}
	switch e.Type {
	case "account":
		u := map[string]any{"name": e.Get("Name")}
		if d := firstNonEmpty(e.Get("UPNSuffix"), e.Get("NTDomain"), e.Get("DnsDomain")); d != "" {
			u["domain"] = d
		}
		if id := firstNonEmpty(e.Get("AadUserId"), e.Get("Sid")); id != "" {
			u["uid"] = id
		}
		if full := e.Get("FullName"); full != "" {
			u["full_name"] = full
		}
		return map[string]any{"user": u}
	case "host":
		d := map[string]any{"hostname": e.Label()}
		if dom := firstNonEmpty(e.Get("DnsDomain"), e.Get("NTDomain")); dom != "" {
			d["domain"] = dom
		}
		return map[string]any{"device": d}
	case "ip":
		return map[string]any{"src_endpoint": map[string]any{"ip": e.Get("Address")}}
	case "url":
		return map[string]any{"url": map[string]any{"url_string": e.Get("Url")}}
	case "file":
		return map[string]any{"file": map[string]any{"name": e.Get("Name"), "parent_folder": e.Get("Directory")}}
	case "process":
		p := map[string]any{"cmd_line": e.Get("CommandLine")}
		if pid, err := strconv.ParseInt(e.Get("ProcessId"), 10, 64); err == nil {
			p["pid"] = pid
		}
		return map[string]any{"process": p}
	}
	return map[string]any{"data": map[string]any{"entity_type": e.Type, "properties": props}}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// WriteOCSF writes the alerts as a JSON array of OCSF Detection Findings.
func WriteOCSF(w io.Writer, alerts []*Alert) error {
	out := make([]OCSFFinding, 0, len(alerts))
	for _, a := range alerts {
		out = append(out, OCSF(a))
	}
	if err := writeIndentedJSON(w, out); err != nil {
		return fmt.Errorf("writing OCSF: %w", err)
	}
	return nil
}
