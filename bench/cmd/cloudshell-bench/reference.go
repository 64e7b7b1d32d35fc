package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// referenceRule evaluates the CloudShell rule directly in Go over NDJSON
// rows, as an independent third opinion for small runs.
func referenceRule(r io.Reader, now time.Time) ([][]any, error) {
	type key struct {
		caller string
		hour   time.Time
	}
	left := map[key]bool{}
	var leftOrder []key
	right := map[key][]string{}
	seen := map[key]map[string]bool{}
	boundary := now.Add(-24 * time.Hour)
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 16<<20)
	line := 0
	for sc.Scan() {
		line++
		var row struct {
			Caller              string
			OperationNameValue  string
			ActivityStatusValue string
			ResourceGroup       string
			TimeGenerated       string
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		tg, err := time.Parse(time.RFC3339Nano, row.TimeGenerated)
		if err != nil {
			return nil, fmt.Errorf("line %d: TimeGenerated: %w", line, err)
		}
		k := key{row.Caller, tg.UTC().Truncate(time.Hour)}
		isListKeys := strings.EqualFold(row.OperationNameValue, listKeysOp)
		if strings.EqualFold(row.ActivityStatusValue, "Success") && hasTerm(row.ResourceGroup, "cloud-shell-storage") && isListKeys {
			if !left[k] {
				left[k] = true
				leftOrder = append(leftOrder, k)
			}
		}
		if !tg.Before(boundary) && !isListKeys && row.OperationNameValue != "" {
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			if !seen[k][row.OperationNameValue] {
				seen[k][row.OperationNameValue] = true
				right[k] = append(right[k], row.OperationNameValue)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var out [][]any
	for _, k := range leftOrder {
		set, ok := right[k]
		if !ok {
			continue
		}
		ts := fmtTime(k.hour)
		list := make([]any, len(set))
		for i, s := range set {
			list[i] = s
		}
		out = append(out, []any{k.caller, ts, k.caller, ts, list, ts, k.caller})
	}
	return out, nil
}

// hasTerm is Kusto's case-insensitive has for an ASCII needle: needle
// occurs in s bounded by the string's ends or by characters that are not
// ASCII letters or digits.
func hasTerm(s, needle string) bool {
	isAlnum := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		if (i > 0 && isAlnum(s[i-1])) || (i+n < len(s) && isAlnum(s[i+n])) {
			continue
		}
		if asciiEqualFold(s[i:i+n], needle) {
			return true
		}
	}
	return false
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
