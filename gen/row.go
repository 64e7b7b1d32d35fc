package gen

import (
	"math/rand/v2"
	"strings"

	"kqlhunt/kql/types"
)

// builder formats rows into reused buffers.
type builder struct {
	w      *world
	r      *rand.Rand
	out    []byte
	props  []byte
	auth   []byte
	claims []byte
	rid    []byte
	lrid   []byte
	tmp    []byte
}

// pickOp draws a background operation by weight.
func (b *builder) pickOp() int {
	x := b.r.IntN(b.w.opTotal)
	lo, hi := 0, len(b.w.opCum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if b.w.opCum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// background fills ev with a random background event at time t. It never
// produces a successful listKeys in a real Cloud Shell resource group, so
// that the planted sessions are the only ones.
func (b *builder) background(ev *event, t int64) {
	r := b.r
	*ev = event{ticks: t}
	ev.op = b.pickOp()
	op := &operations[ev.op]
	if r.IntN(50) == 0 && op.value != listKeysOp {
		ev.caller = -1
	} else {
		// Skewed activity: a few callers are very busy.
		u := r.Float64()
		ev.caller = int(u * u * float64(len(b.w.callers)))
	}
	switch x := r.IntN(100); {
	case x < 35:
		ev.status = "Start"
	case x < 81:
		ev.status = "Success"
	case x < 87:
		ev.status = "Accept"
	case x < 96:
		ev.status = "Failure"
	default:
		ev.status = "Succeeded"
	}
	ev.upper = r.IntN(5) < 2
	ev.sub = r.IntN(len(b.w.subs))
	groups := b.w.subs[ev.sub].groups
	ev.group = groups[r.IntN(len(groups))]
	if op.provider == "Microsoft.Storage" {
		x := r.IntN(100)
		switch {
		case op.value == listKeysOp && ev.status == "Success":
			if x < 12 {
				ev.group = lookAlikeGroups[r.IntN(len(lookAlikeGroups))]
			}
		case x < 15:
			ev.group = b.w.cloudShells[r.IntN(len(b.w.cloudShells))]
		case x < 20:
			ev.group = lookAlikeGroups[r.IntN(len(lookAlikeGroups))]
		}
	}
	ev.resource = resourceName(r, op)
}

func appendKV(b []byte, k, v string) []byte {
	b = append(b, '"')
	b = append(b, k...)
	b = append(b, `":"`...)
	b = append(b, v...)
	return append(b, `",`...)
}

func appendKVBytes(b []byte, k string, v []byte) []byte {
	b = append(b, '"')
	b = append(b, k...)
	b = append(b, `":"`...)
	b = append(b, v...)
	return append(b, `",`...)
}

// appendKRaw appends "k":<raw JSON>,.
func appendKRaw(b []byte, k string, raw []byte) []byte {
	b = append(b, '"')
	b = append(b, k...)
	b = append(b, `":`...)
	b = append(b, raw...)
	return append(b, ',')
}

// appendKString appends "k":"<raw escaped as a JSON string>",.
func appendKString(b []byte, k string, raw []byte) []byte {
	b = append(b, '"')
	b = append(b, k...)
	b = append(b, `":"`...)
	for _, c := range raw {
		if c == '"' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return append(b, `",`...)
}

func appendKTime(b []byte, k string, ticks int64) []byte {
	b = append(b, '"')
	b = append(b, k...)
	b = append(b, `":"`...)
	b = types.AppendDateTime(b, ticks)
	return append(b, `",`...)
}

func closeObj(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == ',' {
		b[n-1] = '}'
		return b
	}
	return append(b, '}')
}

func appendUpper(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

func appendLower(b []byte, s []byte) []byte {
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

func appendHex(b []byte, r *rand.Rand, n int) []byte {
	return appendRandom(b, r, n, "0123456789abcdef", 4)
}

// resourceID appends the canonical resource id of ev.
func (b *builder) resourceID(dst []byte, ev *event) []byte {
	op := &operations[ev.op]
	sub := &b.w.subs[ev.sub]
	dst = append(dst, "/subscriptions/"...)
	dst = append(dst, sub.id...)
	dst = append(dst, "/resourceGroups/"...)
	dst = append(dst, ev.group...)
	if op.resType == "resourceGroups" {
		return dst
	}
	dst = append(dst, "/providers/"...)
	dst = append(dst, op.provider...)
	dst = append(dst, '/')
	dst = append(dst, op.resType...)
	dst = append(dst, '/')
	dst = append(dst, ev.resource...)
	return dst
}

var legacyStatus = map[string]string{"Start": "Started", "Accept": "Accepted", "Success": "Succeeded", "Failure": "Failed", "Succeeded": "Succeeded"}

// row formats ev as one NDJSON line (with the newline) and returns it; the
// slice is valid until the next call.
func (b *builder) row(ev *event) []byte {
	r := b.r
	w := b.w
	op := &operations[ev.op]
	sub := &w.subs[ev.sub]
	var c *caller
	if ev.caller >= 0 {
		c = &w.callers[ev.caller]
	}
	corr := ev.corr
	b.tmp = b.tmp[:0]
	if corr == "" {
		b.tmp = appendGUID(b.tmp, r)
		corr = string(b.tmp) // one small allocation per row
	}
	legacy := r.IntN(10) < 3

	// Resource ids.
	b.rid = b.resourceID(b.rid[:0], ev)
	b.lrid = appendLower(b.lrid[:0], b.rid)
	resID := b.rid
	if ev.upper {
		b.tmp = appendUpper(b.tmp[:0], string(b.rid))
		resID = b.tmp
	}

	// Hierarchy text, reused in properties.
	hier := w.tenant + "/" + sub.mg + "/" + sub.id

	// Authorization.
	a := append(b.auth[:0], '{')
	a = appendKV(a, "action", op.value)
	a = appendKVBytes(a, "scope", b.rid)
	if c != nil && ev.status != "Start" && r.IntN(10) == 0 {
		a = append(a, `"evidence":{`...)
		a = appendKV(a, "role", roles[r.IntN(len(roles))])
		a = append(a, `"roleAssignmentScope":"/subscriptions/`...)
		a = append(a, sub.id...)
		a = append(a, `","roleAssignmentId":"`...)
		a = appendHex(a, r, 32)
		a = append(a, `","roleDefinitionId":"`...)
		a = appendHex(a, r, 32)
		a = append(a, `","principalId":"`...)
		a = append(a, strings.ReplaceAll(c.objectID, "-", "")...)
		a = append(a, `","principalType":"`...)
		if c.user {
			a = append(a, "User"...)
		} else {
			a = append(a, "ServicePrincipal"...)
		}
		a = append(a, `"},`...)
	}
	b.auth = closeObj(a)

	// Claims.
	cl := b.claims[:0]
	if c != nil {
		iat := ev.ticks/10000000 - 300 - r.Int64N(3000)
		cl = append(cl, '{')
		cl = appendKV(cl, "aud", "https://management.core.windows.net/")
		cl = append(cl, `"iat":"`...)
		cl = appendInt(cl, iat)
		cl = append(cl, `","exp":"`...)
		cl = appendInt(cl, iat+4200)
		cl = append(cl, `",`...)
		if c.user {
			cl = appendKV(cl, "http://schemas.microsoft.com/claims/authnmethodsreferences", "pwd,mfa")
			cl = appendKV(cl, "appid", c.appID)
			cl = appendKV(cl, "ipaddr", c.ip)
			cl = appendKV(cl, "name", c.display)
			cl = appendKV(cl, "http://schemas.microsoft.com/identity/claims/objectidentifier", c.objectID)
			cl = appendKV(cl, "http://schemas.microsoft.com/identity/claims/tenantid", w.tenant)
			cl = appendKV(cl, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", c.upn)
		} else {
			cl = appendKV(cl, "appid", c.appID)
			cl = appendKV(cl, "appidacr", "2")
			cl = appendKV(cl, "http://schemas.microsoft.com/identity/claims/objectidentifier", c.objectID)
			cl = appendKV(cl, "http://schemas.microsoft.com/identity/claims/tenantid", w.tenant)
		}
		cl = closeObj(cl)
	}
	b.claims = cl

	// Properties.
	p := append(b.props[:0], '{')
	subStatus := ""
	switch ev.status {
	case "Success", "Succeeded":
		subStatus = "OK"
		if op.method == "PUT" && r.IntN(3) == 0 {
			subStatus = "Created"
		}
		p = appendKV(p, "statusCode", subStatus)
	case "Accept":
		subStatus = "Accepted"
		p = appendKV(p, "statusCode", subStatus)
	case "Failure":
		subStatus = []string{"Forbidden", "Conflict", "BadRequest", "NotFound"}[r.IntN(4)]
		p = appendKV(p, "statusCode", subStatus)
		p = append(p, `"statusMessage":"{\"error\":{\"code\":\"`...)
		if subStatus == "Forbidden" {
			p = append(p, `AuthorizationFailed\",\"message\":\"The client does not have authorization to perform action over scope or the scope is invalid.\"}}",`...)
		} else {
			p = append(p, subStatus...)
			p = append(p, `\",\"message\":\"The request could not be completed.\"}}",`...)
		}
	}
	p = appendKV(p, "eventCategory", "Administrative")
	p = appendKVBytes(p, "entity", b.rid)
	if ev.status != "Start" {
		p = appendKV(p, "message", op.value)
	}
	if r.IntN(4) == 0 {
		p = appendKV(p, "hierarchy", hier)
	}
	if op.body && ev.status == "Start" && r.IntN(3) == 0 {
		p = append(p, `"requestbody":"{\"location\":\"`...)
		p = append(p, regions[r.IntN(len(regions))]...)
		p = append(p, `\",\"tags\":{\"env\":\"`...)
		p = append(p, groupWords[r.IntN(len(groupWords))]...)
		p = append(p, `\"},\"properties\":{}}",`...)
	}
	b.props = closeObj(p)

	status := ev.status
	level := "Informational"
	if status == "Failure" {
		level = "Error"
	}

	o := b.out[:0]
	o = append(o, '{')
	if legacy {
		o = appendKV(o, "OperationName", op.localized)
	} else {
		o = appendKV(o, "OperationName", "")
	}
	if ev.upper {
		o = appendKV(o, "OperationNameValue", w.upperOps[ev.op])
	} else {
		o = appendKV(o, "OperationNameValue", op.value)
	}
	o = appendKV(o, "Level", level)
	if legacy {
		o = appendKV(o, "ActivityStatus", legacyStatus[status])
	} else {
		o = appendKV(o, "ActivityStatus", "")
	}
	o = appendKV(o, "ActivityStatusValue", status)
	if legacy && subStatus != "" {
		o = appendKV(o, "ActivitySubstatus", subStatus)
	} else {
		o = appendKV(o, "ActivitySubstatus", "")
	}
	o = appendKV(o, "ActivitySubstatusValue", subStatus)
	if ev.upper {
		o = append(o, `"ResourceGroup":"`...)
		o = appendUpper(o, ev.group)
		o = append(o, `",`...)
	} else {
		o = appendKV(o, "ResourceGroup", ev.group)
	}
	o = appendKV(o, "SubscriptionId", sub.id)
	o = appendKV(o, "CorrelationId", corr)
	if c != nil {
		o = appendKV(o, "Caller", c.name)
		o = appendKV(o, "CallerIpAddress", c.ip)
	} else {
		o = appendKV(o, "Caller", "")
		o = appendKV(o, "CallerIpAddress", "")
	}
	if legacy {
		o = appendKV(o, "Category", "Administrative")
	} else {
		o = appendKV(o, "Category", "")
	}
	o = appendKV(o, "CategoryValue", "Administrative")
	if c != nil && c.user && ev.status != "Start" {
		o = append(o, `"HTTPRequest":"{\"clientRequestId\":\"\",\"clientIpAddress\":\"`...)
		o = append(o, c.ip...)
		o = append(o, `\",\"method\":\"`...)
		o = append(o, op.method...)
		o = append(o, `\"}",`...)
	} else {
		o = appendKV(o, "HTTPRequest", "")
	}
	o = appendKString(o, "Properties", b.props)
	o = appendKTime(o, "EventSubmissionTimestamp", ev.ticks+50000000+r.Int64N(1800000000))
	o = appendKString(o, "Authorization", b.auth)
	o = appendKVBytes(o, "ResourceId", resID)
	o = appendKV(o, "OperationId", corr)
	if legacy {
		o = appendKV(o, "ResourceProvider", op.provider)
	} else {
		o = appendKV(o, "ResourceProvider", "")
	}
	if ev.upper {
		o = appendKV(o, "ResourceProviderValue", w.upperProv[ev.op])
		o = append(o, `"Resource":"`...)
		o = appendUpper(o, ev.resource)
		o = append(o, `",`...)
	} else {
		o = appendKV(o, "ResourceProviderValue", op.provider)
		o = appendKV(o, "Resource", ev.resource)
	}
	o = append(o, `"EventDataId":"`...)
	o = appendGUID(o, r)
	o = append(o, `",`...)
	o = appendKV(o, "TenantId", w.workspace)
	o = appendKTime(o, "TimeGenerated", ev.ticks)
	o = appendKV(o, "SourceSystem", "Azure")
	o = appendKRaw(o, "Authorization_d", b.auth)
	if c != nil {
		o = appendKString(o, "Claims", b.claims)
		o = appendKRaw(o, "Claims_d", b.claims)
	} else {
		o = appendKV(o, "Claims", "")
		o = append(o, `"Claims_d":null,`...)
	}
	o = appendKRaw(o, "Properties_d", b.props)
	o = appendKV(o, "Hierarchy", hier)
	o = appendKV(o, "Type", "AzureActivity")
	o = appendKVBytes(o, "_ResourceId", b.lrid)
	o = appendKV(o, "_SubscriptionId", sub.id)
	o = closeObj(o)
	o = append(o, '\n')
	b.out = o
	return o
}
