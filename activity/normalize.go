package activity

import (
	"strings"

	"kqlhunt/kql/types"
	"kqlhunt/source/jsonx"
)

// Fixed column values of every AzureActivity row.
const (
	TableName    = "AzureActivity"
	SourceAzure  = "Azure"
	DefaultCateg = "Administrative"
)

// activityCategories are the activity-log categories (lower case): the
// current eventCategory values and the Write/Action/Delete values of older
// diagnostic records.
var activityCategories = map[string]string{
	"administrative": "Administrative",
	"servicehealth":  "ServiceHealth",
	"resourcehealth": "ResourceHealth",
	"alert":          "Alert",
	"autoscale":      "Autoscale",
	"recommendation": "Recommendation",
	"security":       "Security",
	"policy":         "Policy",
	"write":          "Administrative",
	"action":         "Administrative",
	"delete":         "Administrative",
}

// lookupFold looks s up in a map keyed by lower-case ASCII text without
// allocating for short keys.
func lookupFold(m map[string]string, s string) (string, bool) {
	var buf [32]byte
	if len(s) > len(buf) {
		v, ok := m[strings.ToLower(s)]
		return v, ok
	}
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	v, ok := m[string(b)]
	return v, ok
}

// IsActivityCategory reports whether a category value (from category,
// category.value or properties.eventCategory) names an activity-log
// category. The empty category counts as activity (the documented default
// is Administrative).
func IsActivityCategory(c string) bool {
	if c == "" {
		return true
	}
	_, ok := lookupFold(activityCategories, c)
	return ok
}

// CanonicalCategory returns the CategoryValue Log Analytics shows for a
// category: the canonical spelling of a known category, Administrative for
// the old Write/Action/Delete values and for "", and c itself otherwise.
func CanonicalCategory(c string) string {
	if c == "" {
		return DefaultCateg
	}
	if v, ok := lookupFold(activityCategories, c); ok {
		return v
	}
	return c
}

// restToLA maps the REST status values to the Log Analytics ones.
var restToLA = map[string]string{
	"started":   "Start",
	"accepted":  "Accept",
	"succeeded": "Success",
	"failed":    "Failure",
}

// laToREST maps the Log Analytics (and diagnostic resultType) status
// values to the REST ones.
var laToREST = map[string]string{
	"start":   "Started",
	"accept":  "Accepted",
	"success": "Succeeded",
	"failure": "Failed",
}

// StatusValue returns the ActivityStatusValue (Start, Accept, Success,
// Failure) for a status in either vocabulary; other values pass unchanged.
func StatusValue(s string) string {
	if v, ok := lookupFold(restToLA, s); ok {
		return v
	}
	if _, ok := lookupFold(laToREST, s); ok {
		return canonicalLA(s)
	}
	return s
}

// StatusLegacy returns the REST form (Started, Accepted, Succeeded, Failed)
// of a status in either vocabulary; other values pass unchanged.
func StatusLegacy(s string) string {
	if v, ok := lookupFold(laToREST, s); ok {
		return v
	}
	if v, ok := lookupFold(restToLA, s); ok {
		v, _ = lookupFold(laToREST, v)
		return v
	}
	return s
}

func canonicalLA(s string) string {
	for _, v := range [...]string{"Start", "Accept", "Success", "Failure"} {
		if strings.EqualFold(s, v) {
			return v
		}
	}
	return s
}

// levels maps level spellings to the Log Analytics form. Numeric levels
// are the diagnostic-log severities (1 Critical … 5 Verbose).
var levels = map[string]string{
	"critical":      "Critical",
	"error":         "Error",
	"warning":       "Warning",
	"information":   "Informational",
	"informational": "Informational",
	"verbose":       "Verbose",
	"1":             "Critical",
	"2":             "Error",
	"3":             "Warning",
	"4":             "Informational",
	"5":             "Verbose",
}

// NormalizeLevel returns the Level as Log Analytics shows it.
func NormalizeLevel(l string) string {
	if v, ok := lookupFold(levels, strings.TrimSpace(l)); ok {
		return v
	}
	return l
}

// ResourceIDParts returns the subscription id, resource group and last
// segment of an Azure resource id, in the case the id has. Missing parts
// are "".
func ResourceIDParts(id string) (sub, rg, last string) {
	rest := strings.Trim(id, "/")
	if rest == "" {
		return "", "", ""
	}
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		last = rest[i+1:]
	} else {
		last = rest
	}
	for rest != "" {
		var seg string
		seg, rest, _ = strings.Cut(rest, "/")
		var val string
		val, rest, _ = strings.Cut(rest, "/")
		switch {
		case strings.EqualFold(seg, "subscriptions") && sub == "":
			sub = val
		case strings.EqualFold(seg, "resourceGroups") && rg == "":
			rg = val
		case strings.EqualFold(seg, "providers"):
			return sub, rg, last
		}
	}
	return sub, rg, last
}

// CallerFromClaims picks the Caller from token claims: the UPN claim
// (upn, then the xmlsoap upn URI), then name, then appid, then the object
// id. Log Analytics documents only "UPN claim, or SPN claim based on
// availability"; this order is inferred.
func CallerFromClaims(claims []byte) string {
	// Raw values by preference: upn, upn URI, name, appid, object id.
	var found [5][]byte
	_ = jsonx.Object(claims, func(k, v []byte) error {
		if !jsonx.IsString(v) || len(v) == 2 {
			return nil
		}
		switch len(k) {
		case 3:
			if jsonx.KeyIs(k, "upn") {
				found[0] = v
			} else if jsonx.KeyIs(k, "oid") && found[4] == nil {
				found[4] = v
			}
		case 4:
			if jsonx.KeyIs(k, "name") {
				found[2] = v
			}
		case 5:
			if jsonx.KeyIs(k, "appid") {
				found[3] = v
			}
		default:
			switch {
			case jsonx.KeyIs(k, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"):
				found[1] = v
			case jsonx.KeyIs(k, "http://schemas.microsoft.com/identity/claims/objectidentifier"):
				found[4] = v
			}
		}
		return nil
	})
	for _, v := range found {
		if v != nil {
			if s := jsonx.Text(v); s != "" {
				return s
			}
		}
	}
	return ""
}

// lookupText returns the text of member key of the JSON object in text.
func lookupText(text, key string) string {
	t := strings.TrimSpace(text)
	if t == "" || t[0] != '{' {
		return ""
	}
	v, ok := jsonx.Lookup([]byte(t), key)
	if !ok || jsonx.IsObject(v) || jsonx.IsArray(v) {
		return ""
	}
	return jsonx.Text(v)
}

// lookupDyn returns the string member key of a dynamic bag.
func lookupDyn(d any, key string) string {
	b, ok := d.(*types.Bag)
	if !ok {
		return ""
	}
	for i, k := range b.Keys {
		if strings.EqualFold(k, key) {
			if s, ok := b.Vals[i].(string); ok {
				return s
			}
		}
	}
	return ""
}

func member(text string, d any, key string) string {
	if s := lookupText(text, key); s != "" {
		return s
	}
	return lookupDyn(d, key)
}

// ParseDynamicText converts a JSON text column into a dynamic value: the
// parsed JSON when the text is JSON, the text itself as a dynamic string
// otherwise, and nil for "".
func ParseDynamicText(s string) any {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil
	}
	switch t[0] {
	case '{', '[', '"':
		if v, err := types.ParseDynamic(t); err == nil {
			return v
		}
	}
	return s
}

// Normalize fills the derived columns of r from the ones a decoder set.
// Fields that already hold a value are kept. With parseDynamic, the
// dynamic columns missing a value are parsed from their legacy text.
//
// Derivations (documented by Microsoft unless marked inferred):
//   - SubscriptionId, ResourceGroup and Resource from ResourceId, keeping
//     its case (inferred: Log Analytics shows the resource id's case);
//   - _ResourceId is the resource id in lower case and _SubscriptionId the
//     subscription id in lower case (inferred from exported rows);
//   - ActivityStatusValue, ActivitySubstatusValue, CategoryValue,
//     OperationNameValue and ResourceProviderValue from the legacy columns
//     when only those are present (old-style exports; inferred);
//   - Hierarchy from properties.hierarchy, Caller from the claims,
//     CallerIpAddress from HTTPRequest.clientIpAddress;
//   - Level as Log Analytics spells it (Information → Informational).
func (r *Record) Normalize(parseDynamic bool) {
	if r.Type == "" {
		r.Type = TableName
	}
	if r.SourceSystem == "" {
		r.SourceSystem = SourceAzure
	}
	if r.ResourceId != "" && (r.SubscriptionId == "" || r.ResourceGroup == "" || r.Resource == "") {
		sub, rg, last := ResourceIDParts(r.ResourceId)
		if r.SubscriptionId == "" {
			r.SubscriptionId = sub
		}
		if r.ResourceGroup == "" {
			r.ResourceGroup = rg
		}
		if r.Resource == "" {
			r.Resource = last
		}
	}
	if r.ResourceIdLA == "" {
		r.ResourceIdLA = strings.ToLower(r.ResourceId)
	}
	if r.SubscriptionLA == "" {
		r.SubscriptionLA = strings.ToLower(r.SubscriptionId)
	}
	if r.ActivityStatusValue == "" && r.ActivityStatus != "" {
		r.ActivityStatusValue = StatusValue(r.ActivityStatus)
	}
	if r.ActivitySubstatusValue == "" && r.ActivitySubstatus != "" {
		// Legacy "OK (HTTP Status Code: 200)" shows as "OK" in the new
		// column (inferred from exported rows).
		s := r.ActivitySubstatus
		if i := strings.Index(s, " (HTTP Status Code"); i > 0 {
			s = s[:i]
		}
		r.ActivitySubstatusValue = s
	}
	if r.CategoryValue == "" {
		c := r.Category
		if c == "" {
			c = member(r.Properties, r.PropertiesD, "eventCategory")
		}
		r.CategoryValue = CanonicalCategory(c)
	}
	if r.OperationNameValue == "" {
		r.OperationNameValue = inferOperation(r)
	}
	if r.ResourceProviderValue == "" {
		if i := strings.IndexByte(r.OperationNameValue, '/'); i > 0 {
			r.ResourceProviderValue = r.OperationNameValue[:i]
		} else {
			r.ResourceProviderValue = r.ResourceProvider
		}
	}
	if r.Hierarchy == "" {
		r.Hierarchy = member(r.Properties, r.PropertiesD, "hierarchy")
	}
	if r.Caller == "" {
		if r.Claims != "" {
			r.Caller = CallerFromClaims([]byte(r.Claims))
		} else if r.ClaimsD != nil {
			r.Caller = CallerFromClaims([]byte(types.FormatDynamic(r.ClaimsD)))
		}
	}
	if r.CallerIpAddress == "" && r.HTTPRequest != "" {
		r.CallerIpAddress = lookupText(r.HTTPRequest, "clientIpAddress")
	}
	r.Level = NormalizeLevel(r.Level)
	if parseDynamic {
		if r.AuthorizationD == nil {
			r.AuthorizationD = ParseDynamicText(r.Authorization)
		}
		if r.ClaimsD == nil {
			r.ClaimsD = ParseDynamicText(r.Claims)
		}
		if r.PropertiesD == nil {
			r.PropertiesD = ParseDynamicText(r.Properties)
		}
	}
}

// inferOperation derives OperationNameValue for rows that carry only the
// legacy OperationName (old-style exports; inferred): OperationName when
// it already is an operation ("Microsoft.Web/connections/write"), else
// properties.message (which names the operation itself, also for cascade
// deletes and policy actions, whose authorization action is the parent
// operation's), else the authorization action, else OperationName.
func inferOperation(r *Record) string {
	if looksLikeOperation(r.OperationName) {
		return r.OperationName
	}
	if m := member(r.Properties, r.PropertiesD, "message"); looksLikeOperation(m) {
		return m
	}
	if a := member(r.Authorization, r.AuthorizationD, "action"); looksLikeOperation(a) {
		return a
	}
	return r.OperationName
}

// looksLikeOperation reports whether s has the provider/type/action form.
func looksLikeOperation(s string) bool {
	return strings.Count(s, "/") >= 1 && !strings.ContainsAny(s, " \t\n") && strings.IndexByte(s, '.') > 0
}
