package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kqlhunt/batch"
)

// validFile returns the bytes of one small data file.
func validFile(t testing.TB) []byte {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.RowGroupRows = 20
	if _, err := s.Ingest(context.Background(), seq(makeRows(0, 50, time.Minute)), testSchema, ""); err != nil {
		t.Fatal(err)
	}
	files, err := s.Files()
	if err != nil || len(files) == 0 {
		t.Fatalf("files %v: %v", files, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// storeWithFile makes a store whose only data file holds data.
func storeWithFile(t testing.TB, data []byte) *Store {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Register the schema through an empty ingest.
	if _, err := s.Ingest(context.Background(), seq(), testSchema, ""); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(dir, "date=2026-11-24")
	if err := os.MkdirAll(part, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(part, "part-0000000000000000.parquet"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCorruptFile(t *testing.T) {
	data := validFile(t)
	for _, bad := range [][]byte{data[:len(data)/2], data[:10], []byte("PAR1 not really")} {
		s := storeWithFile(t, bad)
		err := s.Scan(context.Background(), nil, time.Time{}, time.Time{}, func(*batch.Batch) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "part-0000000000000000.parquet") {
			t.Errorf("corrupt file of %d bytes: err = %v", len(bad), err)
		}
	}
}

// FuzzScanFile feeds arbitrary bytes as a data file: Scan must return an
// error or batches, never panic or hang.
func FuzzScanFile(f *testing.F) {
	data := validFile(f)
	f.Add(data)
	f.Add(data[:len(data)-9])
	f.Add([]byte("PAR1PAR1"))
	mutated := append([]byte(nil), data...)
	mutated[len(mutated)/3] ^= 0xff
	f.Add(mutated)
	f.Fuzz(func(t *testing.T, file []byte) {
		s := storeWithFile(t, file)
		_ = s.Scan(context.Background(), nil, time.Time{}, time.Time{}, func(b *batch.Batch) error {
			for _, c := range b.Cols {
				if c.Len != b.Len {
					t.Fatalf("column of %d rows in a batch of %d", c.Len, b.Len)
				}
			}
			return nil
		})
	})
}
