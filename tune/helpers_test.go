package tune

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// activity is a hand-made AzureActivity-like row.
type activity struct {
	Time      string // RFC 3339
	Caller    string
	IP        string
	RG        string
	Operation string
	Claims    string
}

var activityCols = []string{"TimeGenerated", "Caller", "CallerIpAddress", "ResourceGroup", "OperationNameValue", "Claims"}

func activitySchema() *batch.Schema {
	s := &batch.Schema{}
	for _, c := range activityCols {
		t := types.String
		if c == "TimeGenerated" {
			t = types.DateTime
		}
		s.Fields = append(s.Fields, batch.Field{Name: c, Type: t})
	}
	return s
}

// activityBatch builds a batch; with dict set, string columns are
// dictionary-encoded.
func activityBatch(t testing.TB, s *batch.Schema, rows []activity, dict bool) *batch.Batch {
	t.Helper()
	n := len(rows)
	b := &batch.Batch{Schema: s, Len: n}
	ts := make([]int64, n)
	strs := make([][]string, 5)
	for i, r := range rows {
		tm, err := time.Parse(time.RFC3339, r.Time)
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		ts[i] = types.TicksFromTime(tm)
		for j, v := range []string{r.Caller, r.IP, r.RG, r.Operation, r.Claims} {
			strs[j] = append(strs[j], v)
		}
	}
	b.Cols = append(b.Cols, &batch.Column{Type: types.DateTime, Len: n, Ints: ts})
	for _, col := range strs {
		c := &batch.Column{Type: types.String, Len: n}
		if dict {
			idx := map[string]uint32{}
			for _, v := range col {
				code, ok := idx[v]
				if !ok {
					code = uint32(len(c.Dict))
					idx[v] = code
					c.Dict = append(c.Dict, v)
				}
				c.Codes = append(c.Codes, code)
			}
		} else {
			c.Strs = col
		}
		b.Cols = append(b.Cols, c)
	}
	return b
}

// subjectOf turns an activity row into an alert subject with result
// columns and the entities the CloudShell rule would map.
func subjectOf(t testing.TB, r activity) MapSubject {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, r.Time)
	if err != nil {
		t.Fatal(err)
	}
	return MapSubject{At: tm, Fields: map[string]types.Value{
		"Caller":              types.NewString(r.Caller),
		"AccountCustomEntity": types.NewString(r.Caller),
		"Account.FullName":    types.NewString(r.Caller),
		"IP.Address":          types.NewString(r.IP),
		"CallerIpAddress":     types.NewString(r.IP),
		"ResourceGroup":       types.NewString(r.RG),
		"TimeGenerated":       types.NewDateTime(types.TicksFromTime(tm)),
	}}
}

// compileSrc parses and compiles exclusions YAML for tests.
func compileSrc(t testing.TB, src string, opts Options) *Set {
	t.Helper()
	f, err := Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, src)
	}
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	s, err := Compile(f, opts)
	if err != nil {
		t.Fatalf("Compile: %v\n%s", err, src)
	}
	return s
}

// testNow is the clock of the tests.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// oneExclusion wraps a condition (YAML at indent 6) into a complete file.
func oneExclusion(stage, when string) string {
	return fmt.Sprintf(`version: 1
exclusions:
  - id: x
    rules: all
    stage: %s
    when:
%s
    action: suppress
    reason: test
    owner: tests
    expires: 2027-01-31
`, stage, indent(when, 6))
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}

// keptRows returns the indexes of kept rows.
func keptRows(keep []bool) []int {
	var out []int
	for i, k := range keep {
		if k {
			out = append(out, i)
		}
	}
	return out
}
