package source

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"kqlhunt/activity"
	"kqlhunt/source/jsonx"
)

// Detect names the shape of an input from its first bytes (after gzip
// decompression and a byte order mark): one of the Format constants, or
// "" with a reason ("empty", "binary data", …) when none fits.
//
// An Avro object container file is an Event Hubs Capture file. A JSON
// object whose first key is "records" is an Event Hubs payload,
// "tables" a Log Analytics response and "value" a REST page; other
// objects are AzureActivity rows when they carry column names such as
// TimeGenerated, diagnostic records otherwise. An array is rows or REST
// events by the keys of its first element. Text whose first line names
// AzureActivity columns, separated by commas, is a CSV export.
func Detect(head []byte) (format, reason string) {
	if bytes.HasPrefix(head, avroMagic) {
		return FormatEventHub, "" // Event Hubs Capture (Avro)
	}
	i := jsonx.SkipSpace(head, 0)
	if i >= len(head) {
		return "", "empty"
	}
	switch head[i] {
	case '{':
		switch firstKey(head[i:]) {
		case "records":
			return FormatEventHub, ""
		case "tables":
			return FormatLogAnalytics, ""
		case "value":
			return FormatREST, ""
		}
		if looksLikeRows(head[i:]) {
			return FormatRows, ""
		}
		return FormatStorage, ""
	case '[':
		j := jsonx.SkipSpace(head, i+1)
		if j < len(head) && head[j] == '{' && looksLikeRows(head[j:]) {
			return FormatRows, ""
		}
		return FormatREST, ""
	}
	line := head[i:]
	if k := bytes.IndexByte(line, '\n'); k >= 0 {
		line = line[:k]
	}
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(trimPartialRune(line)) {
		return "", "binary data"
	}
	if bytes.IndexByte(line, ',') >= 0 {
		known := 0
		for _, h := range strings.Split(string(line), ",") {
			h = activity.CleanColumnName(strings.Trim(strings.TrimSpace(h), `"`))
			if _, ok := activity.LookupColumn(h); ok {
				known++
			}
		}
		if known >= 2 {
			return FormatCSV, ""
		}
		return "", "text with no AzureActivity column header"
	}
	return "", "not JSON or CSV"
}

// trimPartialRune drops an incomplete UTF-8 sequence cut off at the end
// of a peeked buffer.
func trimPartialRune(b []byte) []byte {
	for k := 1; k <= 3 && k <= len(b); k++ {
		if utf8.RuneStart(b[len(b)-k]) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return b[:len(b)-k]
			}
			break
		}
	}
	return b
}

// firstKey returns the first property name of the object starting at
// data[0], or "".
func firstKey(data []byte) string {
	i := jsonx.SkipSpace(data, 1)
	if i >= len(data) || data[i] != '"' {
		return ""
	}
	end := bytes.IndexByte(data[i+1:], '"')
	if end < 0 || end > 64 {
		return ""
	}
	return strings.ToLower(string(data[i+1 : i+1+end]))
}

// rowKeys are column names that only AzureActivity rows carry as keys.
// (Diagnostic and REST records spell their keys in camelCase.)
var rowKeys = []string{`"TimeGenerated"`, `"OperationNameValue"`, `"ActivityStatusValue"`, `"CategoryValue"`, `"_ResourceId"`, `"Properties_d"`,
	`"Caller"`, `"ResourceGroup"`, `"SubscriptionId"`, `"EventDataId"`, `"CorrelationId"`}

// looksLikeRows reports whether the object at data[0] is keyed by
// AzureActivity column names. When the object fits in data its top-level
// keys are checked; otherwise the visible text is searched.
func looksLikeRows(data []byte) bool {
	if end, err := jsonx.Skip(data, 0); err == nil {
		found := false
		_ = jsonx.Object(data[:end], func(k, _ []byte) error {
			for _, rk := range rowKeys {
				if string(k) == rk[1:len(rk)-1] {
					found = true
				}
			}
			return nil
		})
		return found
	}
	for _, rk := range rowKeys {
		if bytes.Contains(data, []byte(rk)) {
			return true
		}
	}
	return false
}
