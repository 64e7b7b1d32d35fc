package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// outputColumns are the rule's result columns, in order.
var outputColumns = []string{"Caller", "timekey", "Caller1", "timekey1", "set_OperationNameValue", "timestamp", "AccountCustomEntity"}

// timeColumns hold datetimes; setColumn holds the make_set array.
var (
	timeColumns = map[string]bool{"timekey": true, "timekey1": true, "timestamp": true}
	setColumn   = "set_OperationNameValue"
)

// Result is a query result as canonical row texts, sorted, so that two
// results compare as multisets. make_set arrays are sorted (their order is
// undefined) and datetimes are normalized to RFC 3339 in UTC.
type Result struct {
	Rows []string
}

// tableJSON is the {"columns":[...],"rows":[[...]]} shape kqlhunt writes
// with --format json, also written by the duckdb sub-mode.
type tableJSON struct {
	Columns []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"columns"`
	Rows [][]json.RawMessage `json:"rows"`
}

// ParseResult reads a result in kqlhunt's json format (columns + rows), or
// as a JSON array of objects, or as JSON lines of objects.
func ParseResult(data []byte) (Result, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return Result{}, nil
	}
	var rows []map[string]json.RawMessage
	switch trimmed[0] {
	case '{':
		var t tableJSON
		if err := json.Unmarshal(trimmed, &t); err == nil && t.Columns != nil {
			for i, r := range t.Rows {
				if len(r) != len(t.Columns) {
					return Result{}, fmt.Errorf("row %d has %d cells for %d columns", i, len(r), len(t.Columns))
				}
				m := map[string]json.RawMessage{}
				for j, c := range t.Columns {
					m[c.Name] = r[j]
				}
				rows = append(rows, m)
			}
			break
		}
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		for {
			var m map[string]json.RawMessage
			if err := dec.Decode(&m); err == io.EOF {
				break
			} else if err != nil {
				return Result{}, fmt.Errorf("reading JSON lines: %w", err)
			}
			rows = append(rows, m)
		}
	case '[':
		if err := json.Unmarshal(trimmed, &rows); err != nil {
			return Result{}, fmt.Errorf("reading JSON array: %w", err)
		}
	default:
		return Result{}, fmt.Errorf("unrecognized result format starting with %q", trimmed[0])
	}
	var res Result
	for i, m := range rows {
		s, err := canonicalRow(m)
		if err != nil {
			return Result{}, fmt.Errorf("row %d: %w", i, err)
		}
		res.Rows = append(res.Rows, s)
	}
	sort.Strings(res.Rows)
	return res, nil
}

func canonicalRow(m map[string]json.RawMessage) (string, error) {
	if len(m) != len(outputColumns) {
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		return "", fmt.Errorf("columns %v, want %v", names, outputColumns)
	}
	cells := make([]string, len(outputColumns))
	for i, name := range outputColumns {
		raw, ok := m[name]
		if !ok {
			return "", fmt.Errorf("missing column %s", name)
		}
		switch {
		case name == setColumn:
			var set []string
			if err := json.Unmarshal(raw, &set); err != nil {
				return "", fmt.Errorf("%s: %w", name, err)
			}
			sort.Strings(set)
			b, _ := json.Marshal(set)
			cells[i] = string(b)
		case timeColumns[name]:
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", fmt.Errorf("%s: %w", name, err)
			}
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return "", fmt.Errorf("%s: %w", name, err)
			}
			cells[i] = t.UTC().Format(time.RFC3339Nano)
		default:
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", fmt.Errorf("%s: %w", name, err)
			}
			cells[i] = s
		}
	}
	b, _ := json.Marshal(cells)
	return string(b), nil
}

// Diff describes how two results differ; it is empty when they are equal.
func Diff(aName string, a Result, bName string, b Result) string {
	var onlyA, onlyB []string
	i, j := 0, 0
	for i < len(a.Rows) || j < len(b.Rows) {
		switch {
		case j == len(b.Rows) || (i < len(a.Rows) && a.Rows[i] < b.Rows[j]):
			onlyA = append(onlyA, a.Rows[i])
			i++
		case i == len(a.Rows) || b.Rows[j] < a.Rows[i]:
			onlyB = append(onlyB, b.Rows[j])
			j++
		default:
			i++
			j++
		}
	}
	if len(onlyA) == 0 && len(onlyB) == 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s has %d rows, %s has %d; %d only in %s, %d only in %s\n",
		aName, len(a.Rows), bName, len(b.Rows), len(onlyA), aName, len(onlyB), bName)
	show := func(name string, rows []string) {
		for k, r := range rows {
			if k == 5 {
				fmt.Fprintf(&sb, "  ... %d more only in %s\n", len(rows)-5, name)
				break
			}
			fmt.Fprintf(&sb, "  only in %s: %s\n", name, r)
		}
	}
	show(aName, onlyA)
	show(bName, onlyB)
	return sb.String()
}
