//go:build linux

package scan

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestDirectReader: the direct reader returns exactly the file's bytes
// (after the skipped prefix) for sizes around block boundaries, and stops
// cleanly when closed early.
func TestDirectReader(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	probe := filepath.Join(dir, "probe")
	if err := os.WriteFile(probe, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := openDirect(probe, 0); r == nil {
		t.Skip("the temporary directory's file system does not support O_DIRECT")
	} else {
		r.Close()
	}
	for _, size := range []int{0, 1, 4095, 4096, directBlock - 1, directBlock, directBlock + 1, 3*directBlock + 5} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, skip := range []int{0, 3} {
			r := openDirect(path, skip)
			if r == nil {
				t.Fatalf("size %d: could not open", size)
			}
			// Odd read sizes cross block boundaries inside one Read.
			var got bytes.Buffer
			buf := make([]byte, 1000003)
			for {
				n, err := r.Read(buf)
				got.Write(buf[:n])
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			r.Close()
			want := data[min(skip, len(data)):]
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("size %d skip %d: read %d bytes that differ from the file's %d", size, skip, got.Len(), len(want))
			}
		}
	}
	// Closing before the end stops the read-ahead.
	r := openDirect(filepath.Join(dir, "f"), 0)
	small := make([]byte, 10)
	if _, err := r.Read(small); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

// Loads through direct reads match the generic decoder, with chunk and
// line boundaries everywhere.
func TestDirectLoadMatchesGeneric(t *testing.T) {
	dir := t.TempDir()
	path := writeGen(t, dir, 3000, 9)
	for _, chunk := range []int{100, 4096, 50000, 0} {
		same(t, []string{path}, cloudShell, Options{ChunkBytes: chunk, BatchRows: 1000, direct: true})
	}
	same(t, []string{path}, nil, Options{direct: true})
	edge := filepath.Join(dir, "edge.ndjson")
	text := "\xEF\xBB\xBF" + `{"TimeGenerated":"2024-01-01T00:00:00Z","EventDataId":"first"}` + "\n" + joinLines(edgeLines)
	if err := os.WriteFile(edge, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cols := range projections {
		for _, chunk := range []int{0, 7, 300} {
			same(t, []string{edge}, cols, Options{ChunkBytes: chunk, direct: true})
		}
	}
}

func joinLines(lines []string) string {
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
