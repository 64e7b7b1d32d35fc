package scan

import (
	"fmt"
	"strings"

	"kqlhunt/activity"
	"kqlhunt/batch"
	"kqlhunt/internal/strarena"
	"kqlhunt/kql/types"
)

// colKind says how a column is stored.
type colKind uint8

const (
	kindDict colKind = iota // dictionary-encoded string
	kindStr                 // plain string vector
	kindTime                // datetime (ticks), with nulls
	kindDyn                 // dynamic, nil is null
)

// accessor reads one column of a Record.
type accessor struct {
	str func(*activity.Record) string
	tm  func(*activity.Record) (int64, bool)
	dyn func(*activity.Record) any
}

// accessors reads every AzureActivity column of a Record by name.
var accessors = map[string]accessor{
	"OperationName":            {str: func(r *activity.Record) string { return r.OperationName }},
	"OperationNameValue":       {str: func(r *activity.Record) string { return r.OperationNameValue }},
	"Level":                    {str: func(r *activity.Record) string { return r.Level }},
	"ActivityStatus":           {str: func(r *activity.Record) string { return r.ActivityStatus }},
	"ActivityStatusValue":      {str: func(r *activity.Record) string { return r.ActivityStatusValue }},
	"ActivitySubstatus":        {str: func(r *activity.Record) string { return r.ActivitySubstatus }},
	"ActivitySubstatusValue":   {str: func(r *activity.Record) string { return r.ActivitySubstatusValue }},
	"ResourceGroup":            {str: func(r *activity.Record) string { return r.ResourceGroup }},
	"SubscriptionId":           {str: func(r *activity.Record) string { return r.SubscriptionId }},
	"CorrelationId":            {str: func(r *activity.Record) string { return r.CorrelationId }},
	"Caller":                   {str: func(r *activity.Record) string { return r.Caller }},
	"CallerIpAddress":          {str: func(r *activity.Record) string { return r.CallerIpAddress }},
	"Category":                 {str: func(r *activity.Record) string { return r.Category }},
	"CategoryValue":            {str: func(r *activity.Record) string { return r.CategoryValue }},
	"HTTPRequest":              {str: func(r *activity.Record) string { return r.HTTPRequest }},
	"Properties":               {str: func(r *activity.Record) string { return r.Properties }},
	"EventSubmissionTimestamp": {tm: func(r *activity.Record) (int64, bool) { return r.EventSubmissionTimestamp, r.HasEventSubmission }},
	"Authorization":            {str: func(r *activity.Record) string { return r.Authorization }},
	"ResourceId":               {str: func(r *activity.Record) string { return r.ResourceId }},
	"OperationId":              {str: func(r *activity.Record) string { return r.OperationId }},
	"ResourceProvider":         {str: func(r *activity.Record) string { return r.ResourceProvider }},
	"ResourceProviderValue":    {str: func(r *activity.Record) string { return r.ResourceProviderValue }},
	"Resource":                 {str: func(r *activity.Record) string { return r.Resource }},
	"EventDataId":              {str: func(r *activity.Record) string { return r.EventDataId }},
	"TenantId":                 {str: func(r *activity.Record) string { return r.TenantId }},
	"TimeGenerated":            {tm: func(r *activity.Record) (int64, bool) { return r.TimeGenerated, true }},
	"SourceSystem":             {str: func(r *activity.Record) string { return r.SourceSystem }},
	"Authorization_d":          {dyn: func(r *activity.Record) any { return r.AuthorizationD }},
	"Claims":                   {str: func(r *activity.Record) string { return r.Claims }},
	"Claims_d":                 {dyn: func(r *activity.Record) any { return r.ClaimsD }},
	"Properties_d":             {dyn: func(r *activity.Record) any { return r.PropertiesD }},
	"Hierarchy":                {str: func(r *activity.Record) string { return r.Hierarchy }},
	"Type":                     {str: func(r *activity.Record) string { return r.Type }},
	"_ResourceId":              {str: func(r *activity.Record) string { return r.ResourceIdLA }},
	"_SubscriptionId":          {str: func(r *activity.Record) string { return r.SubscriptionLA }},
}

// outCol describes one output column.
type outCol struct {
	name string
	kind colKind
	acc  accessor
}

// outColumns resolves the requested columns (nil: all) into the schema
// activity.Builder produces and the storage of each column (dictionary
// encoding where the builder uses it).
func outColumns(cols []string) (*batch.Schema, []outCol, error) {
	b, err := activity.NewBuilder(cols, 1)
	if err != nil {
		return nil, nil, err
	}
	schema := b.Schema()
	probe := b.Append(&activity.Record{})
	if probe == nil || len(probe.Cols) != len(schema.Fields) {
		return nil, nil, fmt.Errorf("scan: unexpected builder output for columns %v", cols)
	}
	out := make([]outCol, len(schema.Fields))
	for i, f := range schema.Fields {
		acc, ok := accessors[f.Name]
		if !ok {
			return nil, nil, fmt.Errorf("scan: no accessor for column %s", f.Name)
		}
		oc := outCol{name: f.Name, acc: acc}
		switch {
		case f.Type == types.String && probe.Cols[i].Codes != nil:
			oc.kind = kindDict
		case f.Type == types.String:
			oc.kind = kindStr
		case f.Type == types.DateTime:
			oc.kind = kindTime
		case f.Type == types.Dynamic:
			oc.kind = kindDyn
		default:
			return nil, nil, fmt.Errorf("scan: column %s has unsupported type %s", f.Name, f.Type)
		}
		if (oc.kind == kindDict || oc.kind == kindStr) != (acc.str != nil) ||
			oc.kind == kindTime != (acc.tm != nil) || oc.kind == kindDyn != (acc.dyn != nil) {
			return nil, nil, fmt.Errorf("scan: column %s: accessor does not match type %s", f.Name, f.Type)
		}
		out[i] = oc
	}
	return schema, out, nil
}

// cloneString returns a copy of s that shares no memory with it.
func cloneString(s string) string { return strings.Clone(s) }

// colData is one column of a part or of an output batch.
type colData struct {
	kind  colKind
	dict  []string
	index map[string]uint32
	codes []uint32
	strs  []string
	ints  []int64
	nulls []bool // nil until a null is appended
	dyns  []any
	n     int
}

func newColData(k colKind, capRows int) colData {
	c := colData{kind: k}
	switch k {
	case kindDict:
		c.dict = []string{}
		c.index = map[string]uint32{}
		c.codes = make([]uint32, 0, capRows)
	case kindStr:
		c.strs = make([]string, 0, capRows)
	case kindTime:
		c.ints = make([]int64, 0, capRows)
	case kindDyn:
		c.dyns = make([]any, 0, capRows)
	}
	return c
}

// code returns the dictionary code of s, adding an owned copy of s to the
// dictionary when it is new (s may point into a reused buffer).
func (c *colData) code(s string, in *interner) uint32 {
	if k, ok := c.index[s]; ok {
		return k
	}
	k := uint32(len(c.dict))
	owned := in.intern(s)
	c.dict = append(c.dict, owned)
	c.index[owned] = k
	return k
}

func (c *colData) setNull(null bool) {
	if null && c.nulls == nil {
		c.nulls = make([]bool, c.n, cap(c.ints)+cap(c.dyns))
	}
	if c.nulls != nil {
		c.nulls = append(c.nulls, null)
	}
}

// appendRecord appends column oc of r.
func (c *colData) appendRecord(oc *outCol, r *activity.Record, a *strarena.Arena, in *interner) {
	switch c.kind {
	case kindDict:
		c.codes = append(c.codes, c.code(oc.acc.str(r), in))
	case kindStr:
		c.strs = append(c.strs, a.Clone(oc.acc.str(r)))
	case kindTime:
		t, ok := oc.acc.tm(r)
		c.ints = append(c.ints, t)
		c.setNull(!ok)
	case kindDyn:
		v := oc.acc.dyn(r)
		c.dyns = append(c.dyns, v)
		c.setNull(v == nil)
	}
	c.n++
}

// appendFrom appends row i of src (same kind); remap caches the codes of
// src's dictionary in c's (-1: not yet looked up). Strings of src are
// owned, so they are shared, not copied.
func (c *colData) appendFrom(src *colData, i int, remap []int32) {
	switch c.kind {
	case kindDict:
		sc := src.codes[i]
		k := remap[sc]
		if k < 0 {
			s := src.dict[sc]
			u, ok := c.index[s]
			if !ok {
				u = uint32(len(c.dict))
				c.dict = append(c.dict, s)
				c.index[s] = u
			}
			k = int32(u)
			remap[sc] = k
		}
		c.codes = append(c.codes, uint32(k))
	case kindStr:
		c.strs = append(c.strs, src.strs[i])
	case kindTime:
		c.ints = append(c.ints, src.ints[i])
		c.setNull(src.nulls != nil && src.nulls[i])
	case kindDyn:
		c.dyns = append(c.dyns, src.dyns[i])
		c.setNull(src.nulls != nil && src.nulls[i])
	}
	c.n++
}

// column returns c as a batch column of type t.
func (c *colData) column(t types.Type) *batch.Column {
	out := &batch.Column{Type: t, Len: c.n, Nulls: c.nulls}
	switch c.kind {
	case kindDict:
		out.Dict, out.Codes = c.dict, c.codes
	case kindStr:
		out.Strs = c.strs
	case kindTime:
		out.Ints = c.ints
	case kindDyn:
		out.Dyns = c.dyns
	}
	return out
}
