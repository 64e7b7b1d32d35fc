package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"testing"
	"time"

	"kqlhunt/batch"
	"kqlhunt/gen"
	"kqlhunt/kql/types"
)

// ndjsonBatches converts generated NDJSON to batches of up to size rows. It
// is a test-only reader: the product's reader lives elsewhere.
func ndjsonBatches(data []byte, schema *batch.Schema, size int) ([]*batch.Batch, error) {
	var out []*batch.Batch
	var cur *batch.Batch
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if cur == nil || cur.Len == size {
			cur = &batch.Batch{Schema: schema, Cols: make([]*batch.Column, len(schema.Fields))}
			for i, f := range schema.Fields {
				cur.Cols[i] = &batch.Column{Type: f.Type}
			}
			out = append(out, cur)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		for i, f := range schema.Fields {
			c := cur.Cols[i]
			raw := m[f.Name]
			switch f.Type {
			case types.String:
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					return nil, fmt.Errorf("line %d: %s: %w", line, f.Name, err)
				}
				c.Strs = append(c.Strs, s)
			case types.DateTime:
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					return nil, fmt.Errorf("line %d: %s: %w", line, f.Name, err)
				}
				ticks, err := types.ParseDateTime(s)
				if err != nil {
					return nil, fmt.Errorf("line %d: %s: %w", line, f.Name, err)
				}
				c.Ints = append(c.Ints, ticks)
			case types.Dynamic:
				v, err := types.ParseDynamic(string(raw))
				if err != nil {
					return nil, fmt.Errorf("line %d: %s: %w", line, f.Name, err)
				}
				c.Dyns = append(c.Dyns, v)
			}
			c.Len++
		}
		cur.Len++
	}
	return out, sc.Err()
}

func generated(t testing.TB, rows int64) ([]*batch.Batch, *batch.Schema) {
	t.Helper()
	var buf bytes.Buffer
	if err := gen.WriteNDJSON(context.Background(), &buf, gen.Options{Rows: rows, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	schema := gen.Schema()
	bs, err := ndjsonBatches(buf.Bytes(), schema, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return bs, schema
}

func TestGeneratedRoundTrip(t *testing.T) {
	in, schema := generated(t, 6000)
	s := newStore(t)
	s.RowGroupRows = 1000
	s.FileRows = 2500
	rep, err := s.Ingest(context.Background(), seq(in...), schema, "gen-5")
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsWritten != 6000 || rep.Duplicates != 0 {
		t.Fatalf("report %+v", rep)
	}
	out := assertHolds(t, s, in)
	// Low-cardinality columns come back dictionary-encoded.
	for _, b := range out {
		if b.Len < 1000 {
			continue
		}
		for _, name := range []string{"OperationNameValue", "ActivityStatusValue", "Caller", "ResourceGroup"} {
			if b.Cols[b.Schema.Index(name)].Codes == nil {
				t.Errorf("%s not dictionary-encoded", name)
			}
		}
		break
	}
}

func benchStore(b *testing.B, in []*batch.Batch, schema *batch.Schema) *Store {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Ingest(context.Background(), seq(in...), schema, ""); err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkIngest(b *testing.B) {
	in, schema := generated(b, 20000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchStore(b, in, schema)
	}
	b.ReportMetric(float64(20000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkScanRuleColumns scans the five columns the CloudShell rule uses.
func BenchmarkScanRuleColumns(b *testing.B) {
	in, schema := generated(b, 20000)
	s := benchStore(b, in, schema)
	cols := []string{"TimeGenerated", "Caller", "OperationNameValue", "ActivityStatusValue", "ResourceGroup"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Scan(context.Background(), cols, time.Time{}, time.Time{}, func(*batch.Batch) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(20000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

var _ iter.Seq2[*batch.Batch, error] = seq()
