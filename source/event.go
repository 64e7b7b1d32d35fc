package source

import (
	"fmt"
	"strings"

	"kqlhunt/activity"
	"kqlhunt/source/jsonx"
)

// eventResult is what decodeEvent found beside the record.
type eventResult struct {
	nonActivity string // category of an event set aside ("" for activity events)
	timeText    string // the time text when it could not be parsed
}

// decodeEvent decodes one activity-log event in the diagnostic-setting
// schema (storage and Event Hubs records) or the REST schema (REST API and
// az monitor activity-log list) into rec. Keys match case-insensitively;
// REST {value, localizedValue} objects and plain strings are both
// accepted wherever either occurs. The dynamic columns are left to
// Record.Normalize, which parses them from the legacy text columns.
//
// keep says which raw JSON text columns to keep; the values derived from
// them (Caller, category, hierarchy, operation id) are taken either way.
func decodeEvent(data []byte, rec *activity.Record, keep keepSet) (eventResult, error) {
	var res eventResult
	var (
		topCategory, topCategoryLocalized string
		propCategory                      string
		identityString                    bool
		status, statusLocalized           string
		subStatusLocalized                string
		haveREST                          bool
		propsRaw, claimsRaw               []byte
	)
	var keyBuf [48]byte
	err := jsonx.Object(data, func(k, v []byte) error {
		key := lowerKey(keyBuf[:0], k)
		switch string(key) {
		case "time", "eventtimestamp":
			s := jsonx.Text(v)
			t, ok := activity.ParseTime(s)
			if !ok {
				res.timeText = s
				return nil
			}
			rec.TimeGenerated, rec.HasTimeGenerated = t, true
		case "submissiontimestamp":
			if t, ok := activity.ParseTime(jsonx.Text(v)); ok {
				rec.EventSubmissionTimestamp, rec.HasEventSubmission = t, true
			}
		case "resourceid":
			rec.ResourceId = jsonx.Text(v)
		case "operationname":
			rec.OperationNameValue, rec.OperationName = valueLocalized(v)
		case "category":
			topCategory, topCategoryLocalized = valueLocalized(v)
		case "resulttype":
			status = jsonx.Text(v)
		case "status":
			haveREST = true
			status, statusLocalized = valueLocalized(v)
		case "resultsignature":
			// "Succeeded.OK" shows as OK, "Started." as "" (observed in
			// Log Analytics rows).
			sig := jsonx.Text(v)
			if i := strings.IndexByte(sig, '.'); i >= 0 {
				sig = sig[i+1:]
			}
			rec.ActivitySubstatusValue = sig
		case "substatus":
			rec.ActivitySubstatusValue, subStatusLocalized = valueLocalized(v)
		case "calleripaddress":
			rec.CallerIpAddress = jsonx.Text(v)
		case "correlationid":
			rec.CorrelationId = jsonx.Text(v)
		case "operationid":
			rec.OperationId = jsonx.Text(v)
		case "eventdataid":
			rec.EventDataId = jsonx.Text(v)
		case "caller":
			rec.Caller = jsonx.Text(v)
		case "level":
			rec.Level = jsonx.Text(v)
		case "tenantid":
			rec.TenantId = jsonx.Text(v)
		case "subscriptionid":
			rec.SubscriptionId = jsonx.Text(v)
		case "resourcegroupname", "resourcegroup":
			rec.ResourceGroup = jsonx.Text(v)
		case "resourceprovidername":
			rec.ResourceProviderValue, rec.ResourceProvider = valueLocalized(v)
		case "identity":
			switch {
			case jsonx.IsObject(v):
				return jsonx.Object(v, func(k2, v2 []byte) error {
					switch {
					case jsonx.KeyIs(k2, "authorization"):
						if keep.auth {
							rec.Authorization = rawText(v2)
						}
					case jsonx.KeyIs(k2, "claims"):
						claimsRaw = v2
						if keep.claims {
							rec.Claims = rawText(v2)
						}
					}
					return nil
				})
			case jsonx.IsString(v):
				identityString = true
			}
		case "authorization":
			if keep.auth {
				rec.Authorization = rawText(v)
			}
		case "claims":
			claimsRaw = v
			if keep.claims {
				rec.Claims = rawText(v)
			}
		case "httprequest":
			if keep.http {
				rec.HTTPRequest = rawText(v)
			}
			if jsonx.IsObject(v) {
				if ip, ok := jsonx.Lookup(v, "clientIpAddress"); ok && rec.CallerIpAddress == "" {
					rec.CallerIpAddress = jsonx.Text(ip)
				}
			}
		case "properties":
			propsRaw = v
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	if len(propsRaw) > 0 {
		propCategory = setProperties(rec, propsRaw, keep.props)
	}
	if rec.Caller == "" && jsonx.IsObject(claimsRaw) {
		rec.Caller = activity.CallerFromClaims(claimsRaw)
	}

	// Category: properties.eventCategory, else the category field; events
	// of other categories (sign-in logs sharing an Event Hub, whose
	// identity is a string) are set aside.
	cat := propCategory
	if cat == "" {
		cat = topCategory
	}
	if !activity.IsActivityCategory(cat) || identityString {
		res.nonActivity = cat
		if res.nonActivity == "" {
			res.nonActivity = "unknown"
		}
		return res, nil
	}
	rec.CategoryValue = activity.CanonicalCategory(cat)
	if topCategoryLocalized != "" {
		rec.Category = topCategoryLocalized
	} else {
		rec.Category = rec.CategoryValue
	}

	// Status: Log Analytics vocabulary in ActivityStatusValue, REST
	// vocabulary in the legacy ActivityStatus.
	rec.ActivityStatusValue = activity.StatusValue(status)
	if statusLocalized != "" {
		rec.ActivityStatus = statusLocalized
	} else {
		rec.ActivityStatus = activity.StatusLegacy(status)
	}
	if haveREST {
		rec.ActivitySubstatus = subStatusLocalized
	}
	if rec.ResourceProvider == "" && rec.ResourceProviderValue != "" {
		rec.ResourceProvider = rec.ResourceProviderValue
	}
	if !rec.HasTimeGenerated {
		if res.timeText == "" {
			return res, errNoTime
		}
		return res, fmt.Errorf("unparseable time %q", clip(res.timeText, 60))
	}
	return res, nil
}

var errNoTime = fmt.Errorf("no event time")

// setProperties fills the Properties columns from the raw properties
// value (an object, a JSON string holding an object, a plain string, an
// array or null) and picks eventCategory, hierarchy and operationId from
// it. It returns the eventCategory.
func setProperties(rec *activity.Record, v []byte, keep bool) (eventCategory string) {
	switch {
	case jsonx.IsNull(v):
		return ""
	case jsonx.IsString(v):
		s := jsonx.Text(v)
		t := strings.TrimSpace(s)
		if strings.HasPrefix(t, "{") && jsonx.Object([]byte(t), func(_, _ []byte) error { return nil }) == nil {
			return setProperties(rec, []byte(t), keep)
		}
		if keep {
			rec.Properties = s
		}
		return ""
	case jsonx.IsObject(v):
		if keep {
			rec.Properties = string(v)
		}
		_ = jsonx.Object(v, func(k, pv []byte) error {
			switch {
			case jsonx.KeyIs(k, "eventCategory"):
				eventCategory = jsonx.Text(pv)
			case jsonx.KeyIs(k, "hierarchy"):
				rec.Hierarchy = jsonx.Text(pv)
			case jsonx.KeyIs(k, "operationId"):
				if rec.OperationId == "" && jsonx.IsString(pv) {
					rec.OperationId = jsonx.Text(pv)
				}
			}
			return nil
		})
	default:
		if keep {
			rec.Properties = string(v)
		}
	}
	return eventCategory
}

// valueLocalized reads a REST {value, localizedValue} object, or a plain
// scalar (returned as the value with localized "").
func valueLocalized(v []byte) (value, localized string) {
	if !jsonx.IsObject(v) {
		return jsonx.Text(v), ""
	}
	_ = jsonx.Object(v, func(k, v2 []byte) error {
		switch {
		case jsonx.KeyIs(k, "value"):
			value = jsonx.Text(v2)
		case jsonx.KeyIs(k, "localizedValue"):
			localized = jsonx.Text(v2)
		}
		return nil
	})
	return value, localized
}

// rawText returns the JSON text of an object or array value, the decoded
// text of a string, and "" for null.
func rawText(v []byte) string {
	if jsonx.IsObject(v) || jsonx.IsArray(v) {
		return string(v)
	}
	return jsonx.Text(v)
}

// lowerKey appends the ASCII-lower-cased key to dst (keys with escapes
// are unescaped first).
func lowerKey(dst, k []byte) []byte {
	for _, c := range k {
		if c == '\\' {
			s, err := jsonx.String(append(append([]byte{'"'}, k...), '"'))
			if err != nil {
				return dst
			}
			k = []byte(s)
			break
		}
	}
	for _, c := range k {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// trimObject trims the white space around data and reports whether it is
// a JSON object; when not, it sets the reason and detail of at.
func trimObject(data []byte, at *Diagnostic) ([]byte, bool) {
	data = jsonx.Trim(data)
	if len(data) > 0 && data[0] == '{' {
		return data, true
	}
	if _, err := jsonx.Skip(data, 0); err != nil || len(data) == 0 {
		at.Reason, at.Detail = ReasonInvalidJSON, errDetail(err)
	} else {
		at.Reason, at.Detail = ReasonNotObject, "expected a JSON object"
	}
	return data, false
}

// decodeEventItem decodes and normalises one event record without
// touching the reader's state, so that it can run on any goroutine.
func (c *decodeConfig) decodeEventItem(data []byte, at Diagnostic) decoded {
	data, ok := trimObject(data, &at)
	if !ok {
		return decoded{skip: at}
	}
	rec := &activity.Record{}
	res, err := decodeEvent(data, rec, c.keep)
	if err != nil {
		if err == errNoTime || res.timeText != "" {
			at.Reason = ReasonBadTime
		} else {
			at.Reason = ReasonInvalidJSON
		}
		at.Detail = err.Error()
		return decoded{skip: at}
	}
	if res.nonActivity == "" {
		rec.Normalize(c.dyn)
	}
	return decoded{rec: rec, nonActivity: res.nonActivity}
}

// handleEvent decodes one event record and delivers it, recording a skip
// at the given location when it cannot be decoded.
func (rd *reader) handleEvent(data []byte, at Diagnostic) error {
	return rd.apply(rd.cfg.decodeEventItem(data, at))
}

func errDetail(err error) string {
	if err == nil {
		return "empty record"
	}
	return err.Error()
}
