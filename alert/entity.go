package alert

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// EntityType describes one Sentinel entity type: the name rule YAML uses
// (entityMappings[].entityType), the lower-case type string alerts carry in
// Entities[].Type, and the identifiers a mapping may use.
type EntityType struct {
	Name        string
	AlertType   string
	Identifiers []string
}

// entityTypes is the entity reference (entities-reference.md): names,
// SecurityAlert type strings and identifiers. FullName (Account, Host) is a
// legacy identifier the corpus still uses.
var entityTypes = []EntityType{
	{"Account", "account", []string{"Name", "FullName", "NTDomain", "DnsDomain", "UPNSuffix", "Sid", "AadTenantId", "AadUserId", "PUID", "IsDomainJoined", "DisplayName", "ObjectGuid"}},
	{"Host", "host", []string{"DnsDomain", "NTDomain", "HostName", "FullName", "NetBiosName", "AzureID", "OMSAgentID", "OSFamily", "OSVersion", "IsDomainJoined"}},
	{"IP", "ip", []string{"Address", "AddressScope"}},
	{"URL", "url", []string{"Url"}},
	{"AzureResource", "azure-resource", []string{"ResourceId"}},
	{"CloudApplication", "cloud-application", []string{"AppId", "Name", "InstanceName"}},
	{"DNS", "dns", []string{"DomainName"}},
	{"File", "file", []string{"Directory", "Name"}},
	{"FileHash", "filehash", []string{"Algorithm", "Value"}},
	{"Malware", "malware", []string{"Name", "Category"}},
	{"Process", "process", []string{"ProcessId", "CommandLine", "ElevationToken", "CreationTimeUtc"}},
	{"RegistryKey", "registry-key", []string{"Hive", "Key"}},
	{"RegistryValue", "registry-value", []string{"Name", "Value", "ValueType"}},
	{"SecurityGroup", "security-group", []string{"DistinguishedName", "SID", "ObjectGuid"}},
	{"Mailbox", "mailbox", []string{"MailboxPrimaryAddress", "DisplayName", "Upn", "ExternalDirectoryObjectId", "RiskLevel"}},
	{"MailCluster", "mail-cluster", []string{"NetworkMessageIds", "CountByDeliveryStatus", "CountByThreatType", "CountByProtectionStatus", "Threats", "Query", "QueryTime", "MailCount", "IsVolumeAnomaly", "Source", "ClusterSourceIdentifier", "ClusterSourceType", "ClusterQueryStartTime", "ClusterQueryEndTime", "ClusterGroup"}},
	{"MailMessage", "mail-message", []string{"Recipient", "Urls", "Threats", "Sender", "P1Sender", "P1SenderDisplayName", "P1SenderDomain", "SenderIP", "P2Sender", "P2SenderDisplayName", "P2SenderDomain", "ReceivedDate", "NetworkMessageId", "InternetMessageId", "Subject", "BodyFingerprintBin1", "BodyFingerprintBin2", "BodyFingerprintBin3", "BodyFingerprintBin4", "BodyFingerprintBin5", "AntispamDirection", "DeliveryAction", "DeliveryLocation", "Language", "ThreatDetectionMethods"}},
	{"SubmissionMail", "submission-mail", []string{"SubmissionId", "SubmissionDate", "Submitter", "NetworkMessageId", "Timestamp", "Recipient", "Sender", "SenderIp", "Subject", "ReportType"}},
	{"NetworkConnection", "network-connection", []string{"SourceAddress", "SourcePort", "DestinationAddress", "DestinationPort", "Protocol"}},
	{"CloudLogonSession", "cloud-logon-session", []string{"SessionId", "Account", "UserAgent", "StartTime"}},
}

// EntityTypes returns the known entity types in reference order. The
// returned slice must not be modified.
func EntityTypes() []EntityType { return entityTypes }

// LookupEntityType finds an entity type by its rule YAML name. exact is
// false when the name only matches case-insensitively (Sentinel requires the
// exact spelling; alerts are still built).
func LookupEntityType(name string) (t EntityType, exact, ok bool) {
	for _, et := range entityTypes {
		if et.Name == name {
			return et, true, true
		}
	}
	for _, et := range entityTypes {
		if strings.EqualFold(et.Name, name) {
			return et, false, true
		}
	}
	return EntityType{}, false, false
}

// HasIdentifier reports whether id is an identifier of t (exact spelling).
func (t EntityType) HasIdentifier(id string) bool {
	for _, x := range t.Identifiers {
		if x == id {
			return true
		}
	}
	return false
}

// droppedAccountNames are account names Sentinel does not turn into
// entities (entities-reference.md), upper-cased.
var droppedAccountNames = map[string]bool{
	"ADMIN": true, "ADMINISTRATOR": true, "SYSTEM": true, "ROOT": true, "ANONYMOUS": true,
	"AUTHENTICATED USER": true, "NETWORK": true, "NULL": true, "LOCAL SYSTEM": true,
	"LOCALSYSTEM": true, "NETWORK SERVICE": true,
}

// Entity limits per alert (map-data-fields-to-entities).
const (
	MaxEntities      = 500
	MaxEntitiesBytes = 64 * 1024
)

// Prop is one entity property.
type Prop struct {
	Name  string
	Value string
}

// Entity is one alert entity: its SecurityAlert type string and its
// identifier properties in mapping order.
type Entity struct {
	Type  string
	Props []Prop
}

// Get returns the value of property name, or "".
func (e *Entity) Get(name string) string {
	for _, p := range e.Props {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

func (e *Entity) set(name, value string) {
	for i, p := range e.Props {
		if p.Name == name {
			e.Props[i].Value = value
			return
		}
	}
	e.Props = append(e.Props, Prop{name, value})
}

// Key identifies an entity for de-duplication and counting: the type and
// its properties.
func (e *Entity) Key() string {
	var sb strings.Builder
	sb.WriteString(e.Type)
	for _, p := range e.Props {
		sb.WriteByte(0)
		sb.WriteString(p.Name)
		sb.WriteByte(1)
		sb.WriteString(p.Value)
	}
	return sb.String()
}

// Label is a short human label: the most telling identifier value(s).
func (e *Entity) Label() string {
	switch e.Type {
	case "account":
		if n := e.Get("Name"); n != "" {
			if s := e.Get("UPNSuffix"); s != "" {
				return n + "@" + s
			}
			if d := e.Get("NTDomain"); d != "" {
				return d + `\` + n
			}
			return n
		}
	case "host":
		if h := e.Get("HostName"); h != "" {
			if d := e.Get("DnsDomain"); d != "" {
				return h + "." + d
			}
			return h
		}
	case "filehash":
		if v := e.Get("Value"); v != "" {
			return v
		}
	}
	if len(e.Props) == 0 {
		return ""
	}
	return e.Props[0].Value
}

// appendJSON appends the entity as a SecurityAlert entity object: "$id",
// the properties, then "Type".
func (e *Entity) appendJSON(buf *bytes.Buffer, id int) {
	buf.WriteString(`{"$id":"`)
	buf.WriteString(strconv.Itoa(id))
	buf.WriteByte('"')
	for _, p := range e.Props {
		buf.WriteByte(',')
		k, _ := marshalString(p.Name)
		buf.Write(k)
		buf.WriteByte(':')
		if isBoolProp(p.Name) && (p.Value == "true" || p.Value == "false") {
			buf.WriteString(p.Value)
		} else {
			v, _ := marshalString(p.Value)
			buf.Write(v)
		}
	}
	buf.WriteString(`,"Type":`)
	t, _ := marshalString(e.Type)
	buf.Write(t)
	buf.WriteByte('}')
}

func isBoolProp(name string) bool { return name == "IsDomainJoined" || name == "IsVolumeAnomaly" }

// EntitiesJSON serialises entities as the SecurityAlert Entities column: a
// JSON array with "$id" numbered from 1.
func EntitiesJSON(es []Entity) string {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i := range es {
		if i > 0 {
			buf.WriteByte(',')
		}
		es[i].appendJSON(&buf, i+1)
	}
	buf.WriteByte(']')
	return buf.String()
}

// ParseEntities reads a SecurityAlert Entities JSON array back into
// entities (properties in key order as written; "$id" and "Type" are not
// properties). Non-string property values are kept as their JSON text.
func ParseEntities(text string) ([]Entity, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	var raw []json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	out := make([]Entity, 0, len(raw))
	for _, r := range raw {
		d := json.NewDecoder(bytes.NewReader(r))
		if _, err := d.Token(); err != nil {
			return nil, err
		}
		var e Entity
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string)
			var v json.RawMessage
			if err := d.Decode(&v); err != nil {
				return nil, err
			}
			var s string
			if json.Unmarshal(v, &s) != nil {
				s = string(v)
			}
			switch k {
			case "$id":
			case "Type":
				e.Type = s
			default:
				e.Props = append(e.Props, Prop{k, s})
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// Mapping is an entity mapping: an entity type (rule YAML name) and the
// result columns supplying its identifiers.
type Mapping struct {
	EntityType string
	Fields     []FieldMapping
}

// FieldMapping maps an identifier to a result column.
type FieldMapping struct {
	Identifier string
	Column     string
}

// LegacyMappings are the mappings Sentinel derives from the legacy
// *CustomEntity columns. FileHash values get their Algorithm from the hash
// length (MD5, SHA1, SHA256) when it is one of those.
var LegacyMappings = []Mapping{
	{"Account", []FieldMapping{{"FullName", "AccountCustomEntity"}}},
	{"Host", []FieldMapping{{"FullName", "HostCustomEntity"}}},
	{"IP", []FieldMapping{{"Address", "IPCustomEntity"}}},
	{"URL", []FieldMapping{{"Url", "URLCustomEntity"}}},
	{"FileHash", []FieldMapping{{"Value", "FileHashCustomEntity"}}},
}

// BuildEntities builds the entities of an alert covering the given result
// rows. With no mappings the legacy *CustomEntity columns are used. Empty
// identifiers are skipped; an entity with no identifier is not produced;
// accounts with a reserved name (SYSTEM, ADMIN, ...) are dropped;
// duplicates are merged. At most MaxEntities entities are kept, divided
// equally across the mappings whose columns the result has, and entities are dropped from the end while
// the serialised array exceeds MaxEntitiesBytes.
func BuildEntities(mappings []Mapping, rows Rows, rowIdx []int) []Entity {
	if len(mappings) == 0 {
		mappings = LegacyMappings
	}
	cols := rows.Columns()
	colIndex := make(map[string]int, len(cols))
	for i, c := range cols {
		if _, dup := colIndex[c.Name]; !dup {
			colIndex[c.Name] = i
		}
	}
	// The entity budget is divided among the mappings whose columns exist.
	active := 0
	for _, m := range mappings {
		for _, f := range m.Fields {
			if _, ok := colIndex[f.Column]; ok {
				active++
				break
			}
		}
	}
	if active == 0 {
		return nil
	}
	perMapping := MaxEntities / active
	if perMapping < 1 {
		perMapping = 1
	}
	seen := map[string]bool{}
	var out []Entity
	for _, m := range mappings {
		et, _, ok := LookupEntityType(m.EntityType)
		typ := et.AlertType
		if !ok {
			typ = strings.ToLower(m.EntityType)
		}
		idx := make([]int, len(m.Fields))
		any := false
		for i, f := range m.Fields {
			c, ok := colIndex[f.Column]
			if !ok {
				c = -1
			} else {
				any = true
			}
			idx[i] = c
		}
		if !any {
			continue
		}
		n := 0
		for _, r := range rowIdx {
			if n >= perMapping {
				break
			}
			e := Entity{Type: typ}
			for i, f := range m.Fields {
				if idx[i] < 0 || f.Identifier == "" {
					continue
				}
				v := strings.TrimSpace(ValueString(rows.Value(r, idx[i])))
				if v == "" {
					continue
				}
				e.set(f.Identifier, v)
			}
			if len(e.Props) == 0 {
				continue
			}
			if !normalizeEntity(&e) {
				continue
			}
			k := e.Key()
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, e)
			n++
		}
	}
	// Enforce the size limit: "$id" numbers grow with position, so measure
	// each entity as it would be written.
	size := 2
	var buf bytes.Buffer
	for i := range out {
		buf.Reset()
		out[i].appendJSON(&buf, i+1)
		add := buf.Len()
		if i > 0 {
			add++
		}
		if size+add > MaxEntitiesBytes {
			out = out[:i]
			break
		}
		size += add
	}
	return out
}

// setDomainName splits DOMAIN\name at its first backslash into NTDomain
// (unless already set or empty) and the identifier name.
func (e *Entity) setDomainName(full, name string) {
	i := strings.Index(full, `\`)
	if e.Get("NTDomain") == "" && i > 0 {
		e.set("NTDomain", full[:i])
	}
	e.set(name, full[i+1:])
}

// normalizeEntity fills derived identifiers (an account's Name, UPNSuffix
// or NTDomain from FullName; a host's HostName and DnsDomain or NTDomain
// from FullName; a file hash's Algorithm from its length) and reports
// whether the entity is kept.
func normalizeEntity(e *Entity) bool {
	switch e.Type {
	case "account":
		if full := e.Get("FullName"); full != "" && e.Get("Name") == "" {
			switch {
			case strings.Contains(full, `\`):
				e.setDomainName(full, "Name")
			case strings.Contains(full, "@"):
				i := strings.LastIndex(full, "@")
				e.set("Name", full[:i])
				if e.Get("UPNSuffix") == "" && i+1 < len(full) {
					e.set("UPNSuffix", full[i+1:])
				}
			default:
				e.set("Name", full)
			}
		}
		if droppedAccountNames[strings.ToUpper(strings.TrimSpace(e.Get("Name")))] {
			return false
		}
	case "host":
		if full := e.Get("FullName"); full != "" && e.Get("HostName") == "" {
			switch {
			case strings.Contains(full, `\`):
				e.setDomainName(full, "HostName")
			case strings.Contains(full, ".") && !looksNumeric(full):
				i := strings.Index(full, ".")
				e.set("HostName", full[:i])
				if e.Get("DnsDomain") == "" && i+1 < len(full) {
					e.set("DnsDomain", full[i+1:])
				}
			default:
				e.set("HostName", full)
			}
		}
	case "filehash":
		if e.Get("Algorithm") == "" {
			switch len(e.Get("Value")) {
			case 32:
				e.set("Algorithm", "MD5")
			case 40:
				e.set("Algorithm", "SHA1")
			case 64:
				e.set("Algorithm", "SHA256")
			}
		}
	}
	return true
}

func looksNumeric(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}
