package gen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

func generate(t testing.TB, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteNDJSON(context.Background(), &buf, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func lines(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, data)
			break
		}
		out = append(out, data[:i])
		data = data[i+1:]
	}
	return out
}

// goldenPrefix is the SHA-256 of the first 64 KiB written for seed 42.
// It changes only when the generator's output format changes on purpose.
const goldenPrefix = "8304cec158ef05cf3f49e80baf7489b7ffcef8907c7ba4520c70ea4153f84b5d"

func TestDeterministic(t *testing.T) {
	o := Options{Rows: 3000, Seed: 42}
	a := generate(t, o)
	b := generate(t, o)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	c := generate(t, Options{Rows: 3000, Seed: 43})
	if bytes.Equal(a, c) {
		t.Fatal("different seeds give the same output")
	}
	sum := sha256.Sum256(a[:64<<10])
	if got := hex.EncodeToString(sum[:]); got != goldenPrefix {
		t.Errorf("prefix hash = %s, want %s", got, goldenPrefix)
	}
}

func TestRowCountExact(t *testing.T) {
	for _, n := range []int64{0, 1, 2, 7, 100, 20001} {
		data := generate(t, Options{Rows: n, Seed: 1})
		if got := int64(bytes.Count(data, []byte{'\n'})); got != n {
			t.Errorf("Rows=%d: wrote %d lines", n, got)
		}
	}
}

func TestNegativeRows(t *testing.T) {
	if err := WriteNDJSON(context.Background(), io.Discard, Options{Rows: -1}); err == nil {
		t.Fatal("want an error for a negative row count")
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := WriteNDJSON(ctx, io.Discard, Options{Rows: 100000})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// parseRows decodes every line, checking the column set and value shapes.
func parseRows(t *testing.T, data []byte, o Options) []map[string]any {
	t.Helper()
	o = o.normalized()
	schema := Schema()
	var rows []map[string]any
	for i, line := range lines(data) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		if len(m) != len(schema.Fields) {
			t.Fatalf("line %d: %d columns, want %d", i+1, len(m), len(schema.Fields))
		}
		for _, f := range schema.Fields {
			v, ok := m[f.Name]
			if !ok {
				t.Fatalf("line %d: missing column %s", i+1, f.Name)
			}
			switch f.Type.String() {
			case "string":
				if _, ok := v.(string); !ok {
					t.Fatalf("line %d: %s is %T, want string", i+1, f.Name, v)
				}
			case "datetime":
				s, _ := v.(string)
				ts, err := time.Parse("2006-01-02T15:04:05.0000000Z", s)
				if err != nil {
					t.Fatalf("line %d: %s = %q: %v", i+1, f.Name, s, err)
				}
				if f.Name == "TimeGenerated" && (ts.Before(o.Start) || !ts.Before(o.Start.Add(o.Span))) {
					t.Fatalf("line %d: TimeGenerated %s outside the span", i+1, s)
				}
			case "dynamic":
				if v == nil {
					if f.Name != "Claims_d" {
						t.Fatalf("line %d: %s is null", i+1, f.Name)
					}
					continue
				}
				if _, ok := v.(map[string]any); !ok {
					t.Fatalf("line %d: %s is %T, want an object", i+1, f.Name, v)
				}
			}
		}
		// The legacy string columns hold the same JSON as the dynamic ones.
		for _, name := range []string{"Authorization", "Claims", "Properties"} {
			s := m[name].(string)
			d := m[name+"_d"]
			if s == "" {
				if d != nil {
					t.Fatalf("line %d: %s empty but %s_d set", i+1, name, name)
				}
				continue
			}
			var parsed any
			if err := json.Unmarshal([]byte(s), &parsed); err != nil {
				t.Fatalf("line %d: %s is not JSON: %v", i+1, name, err)
			}
			if !reflect.DeepEqual(parsed, d) {
				t.Fatalf("line %d: %s and %s_d differ", i+1, name, name)
			}
		}
		rows = append(rows, m)
	}
	return rows
}

// hasTerm reports whether needle occurs in s as whole terms, ignoring case,
// as Kusto's has does for a needle that starts and ends with alphanumerics.
func hasTerm(s, needle string) bool {
	s, needle = strings.ToLower(s), strings.ToLower(needle)
	isAlnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	for i := 0; ; {
		j := strings.Index(s[i:], needle)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(needle)
		if (j == 0 || !isAlnum(s[j-1])) && (end == len(s) || !isAlnum(s[end])) {
			return true
		}
		i = j + 1
	}
}

func TestRowsShapeAndMix(t *testing.T) {
	o := Options{Rows: 20000, Seed: 7}
	data := generate(t, o)
	rows := parseRows(t, data, o)
	if len(rows) != 20000 {
		t.Fatalf("%d rows", len(rows))
	}
	avg := float64(len(data)) / float64(len(rows))
	t.Logf("average row width %.0f bytes", avg)
	if avg < 2500 || avg > 3500 {
		t.Errorf("average row width %.0f bytes, want 2.5-3.5 KB", avg)
	}
	counts := map[string]int{}
	callers := map[string]bool{}
	ops := map[string]bool{}
	ids := map[string]bool{}
	for _, m := range rows {
		op := m["OperationNameValue"].(string)
		rg := m["ResourceGroup"].(string)
		st := m["ActivityStatusValue"].(string)
		caller := m["Caller"].(string)
		callers[caller] = true
		ops[strings.ToLower(op)] = true
		id := m["EventDataId"].(string)
		if ids[id] {
			t.Fatalf("duplicate EventDataId %s", id)
		}
		ids[id] = true
		counts["status "+st]++
		if op == strings.ToUpper(op) {
			counts["upper op"]++
		}
		if rid := m["ResourceId"].(string); rid == strings.ToUpper(rid) {
			counts["upper resource id"]++
		}
		switch {
		case caller == "":
			counts["empty caller"]++
		case strings.Contains(caller, "@"):
			counts["user"]++
		default:
			counts["service principal"]++
		}
		if strings.EqualFold(op, listKeysOp) {
			switch {
			case st == "Failure":
				counts["failed listKeys"]++
			case st == "Success" && hasTerm(rg, "cloud-shell-storage"):
				counts["cloud shell listKeys"]++
			case st == "Success" && strings.Contains(strings.ToLower(rg), "cloud-shell-storage"):
				counts["look-alike listKeys"]++
			}
		}
		if strings.Contains(m["Properties"].(string), "requestbody") {
			counts["requestbody"]++
		}
	}
	t.Logf("mix: %v; %d callers, %d operations", counts, len(callers), len(ops))
	for _, k := range []string{"status Start", "status Accept", "status Success", "status Failure", "upper op",
		"upper resource id", "empty caller", "user", "service principal", "failed listKeys",
		"cloud shell listKeys", "look-alike listKeys", "requestbody"} {
		if counts[k] == 0 {
			t.Errorf("no rows of kind %q", k)
		}
	}
	if len(callers) < 200 {
		t.Errorf("%d distinct callers, want hundreds", len(callers))
	}
	if len(ops) < 30 {
		t.Errorf("%d distinct operations, want many", len(ops))
	}
	if n := len(PlantedSessions(o)); counts["cloud shell listKeys"] != n {
		t.Errorf("%d successful Cloud Shell listKeys rows, want exactly the %d planted", counts["cloud shell listKeys"], n)
	}
}

func TestPlantedSessions(t *testing.T) {
	o := Options{Rows: 50000, Seed: 3, CloudShellSessions: 12, Span: 6 * time.Hour}
	sessions := PlantedSessions(o)
	if len(sessions) != 12 {
		t.Fatalf("%d sessions, want 12", len(sessions))
	}
	data := generate(t, o)
	type key struct {
		caller string
		hour   time.Time
	}
	listKeys := map[key]string{}
	later := map[key]map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m struct {
			Caller, OperationNameValue, ActivityStatusValue, ResourceGroup string
			TimeGenerated                                                  time.Time
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		k := key{m.Caller, m.TimeGenerated.Truncate(time.Hour)}
		if strings.EqualFold(m.OperationNameValue, listKeysOp) {
			if m.ActivityStatusValue == "Success" && hasTerm(m.ResourceGroup, "cloud-shell-storage") {
				listKeys[k] = m.ResourceGroup
			}
			continue
		}
		if later[k] == nil {
			later[k] = map[string]bool{}
		}
		later[k][strings.ToLower(m.OperationNameValue)] = true
	}
	for _, s := range sessions {
		k := key{s.Caller, s.ListKeys.Truncate(time.Hour)}
		if rg, ok := listKeys[k]; !ok || rg != s.ResourceGroup {
			t.Errorf("session %+v: no successful listKeys in %s (got %q)", s, s.ResourceGroup, rg)
		}
		if len(s.Operations) == 0 {
			t.Errorf("session %+v has no later operations", s)
		}
		for _, op := range s.Operations {
			if !later[k][strings.ToLower(op)] {
				t.Errorf("session %+v: operation %s missing in the same hour", s, op)
			}
		}
	}
}

func TestSessionsFitInRows(t *testing.T) {
	o := Options{Rows: 10, Seed: 1, CloudShellSessions: 50}
	data := generate(t, o)
	if n := bytes.Count(data, []byte{'\n'}); n != 10 {
		t.Fatalf("%d rows, want 10", n)
	}
	if len(PlantedSessions(o)) == 50 {
		t.Fatal("50 sessions cannot fit in 10 rows")
	}
	if none := PlantedSessions(Options{Rows: 1000, CloudShellSessions: -1}); len(none) != 0 {
		t.Fatalf("CloudShellSessions=-1 planted %d sessions", len(none))
	}
}

func BenchmarkWriteNDJSON(b *testing.B) {
	o := Options{Rows: 20000, Seed: 1}
	var cw countingWriter
	if err := WriteNDJSON(context.Background(), &cw, o); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(cw.n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteNDJSON(context.Background(), io.Discard, o); err != nil {
			b.Fatal(err)
		}
	}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
