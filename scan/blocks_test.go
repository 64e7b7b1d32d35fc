package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kqlhunt/gen"
	"kqlhunt/source"
)

// geometries of the block reader under test: blocks smaller than a line,
// carried lines longer than the room in front of a block, one block in
// flight and many.
var geometries = []directGeometry{
	{block: 4096, depth: 1, head: 4096},
	{block: 8192, depth: 3, head: 4096},
	{block: 65536, depth: 2, head: 16384},
	{block: 1 << 20, depth: 4, head: 4096},
}

func TestDirectMatchesGeneric(t *testing.T) {
	dir := t.TempDir()
	g := writeGen(t, dir, 1500, 11)
	data, err := os.ReadFile(g)
	if err != nil {
		t.Fatal(err)
	}
	long := `{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"` + strings.Repeat("x", 40000) + `"}`
	files := map[string]string{
		"gen":        string(data),
		"bom":        "\xEF\xBB\xBF" + string(data),
		"no-newline": strings.TrimSuffix(string(data), "\n"),
		"crlf":       strings.ReplaceAll(string(data[:len(data)/3]), "\n", "\r\n"),
		"long":       string(data[:len(data)/4]) + long + "\n" + `{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"after"}` + "\n" + long,
		"long-first": long + "\n" + string(data[:len(data)/5]),
		"blank":      "\n\n   \n" + string(data[:len(data)/5]) + "\n\n",
		"aligned":    string(data[:8192*3-1]) + "\n",
		"empty":      "",
	}
	for name, text := range files {
		path := filepath.Join(dir, name+".ndjson")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, geo := range geometries {
			for _, maxRec := range []int{0, 20000, 50000} {
				t.Run(fmt.Sprintf("%s/%d/%d/%d", name, geo.block, geo.depth, maxRec), func(t *testing.T) {
					geo := geo
					opts := Options{direct: &geo, Options: source.Options{MaxRecordBytes: maxRec}}
					same(t, []string{path}, cloudShell, opts)
					if name == "gen" {
						same(t, []string{path}, nil, opts)
					}
				})
			}
		}
	}
	// Several files through one pool of buffers, as a directory is read.
	geo := geometries[1]
	same(t, []string{filepath.Join(dir, "gen.ndjson"), filepath.Join(dir, "long.ndjson"), filepath.Join(dir, "empty.ndjson"), filepath.Join(dir, "bom.ndjson")},
		cloudShell, Options{direct: &geo, Options: source.Options{MaxRecordBytes: 50000}})
}

// TestDirectReadsAroundCache checks that direct I/O is really used where
// the file system allows it (it is not on tmpfs, for one).
func TestDirectReadsAroundCache(t *testing.T) {
	dir := t.TempDir()
	g := writeGen(t, dir, 10, 1)
	f := openUncached(g)
	if f == nil {
		t.Skipf("the file system of %s refuses direct I/O; the block reader is tested through the page cache", dir)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pool := newBlockPool(directGeometry{block: 4096, depth: 2}, 1)
	r := newBlockReader(f, st.Size(), pool)
	want, _ := os.ReadFile(g)
	var got []byte
	if err := r.each(context.Background(), func(b []byte) error { got = append(got, b...); return nil }); err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("read %d bytes, want the file's %d", len(got), len(want))
	}
}

func TestDirectCancel(t *testing.T) {
	dir := t.TempDir()
	g := writeGen(t, dir, 2000, 9)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	geo := geometries[0]
	if _, _, err := Load(ctx, []string{g}, cloudShell, Options{direct: &geo}); err == nil {
		t.Error("cancelled: no error")
	}
}

// TestBlockReaderErrorsAndClose reads a file that is shorter than its
// stated size (as when it is truncated during the scan) and one that is
// abandoned half way: the reader reports the first, and closing returns
// every buffer to the pool, so the next file of the load can use them.
func TestBlockReaderErrorsAndClose(t *testing.T) {
	dir := t.TempDir()
	g := writeGen(t, dir, 200, 4)
	st, err := os.Stat(g)
	if err != nil {
		t.Fatal(err)
	}
	pool := newBlockPool(directGeometry{block: 4096, depth: 3}, 2)
	open := func() *os.File {
		f, err := os.Open(g)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	ctx := context.Background()
	r := newBlockReader(open(), st.Size()+10000, pool)
	rerr := r.each(ctx, func([]byte) error { return nil })
	if rerr == nil || !strings.Contains(rerr.Error(), "file ended after") {
		t.Errorf("truncated file: %v", rerr)
	}
	if err := r.close(); err != nil {
		t.Fatal(err)
	}
	if len(pool.free) != pool.made {
		t.Errorf("after an error: %d of %d buffers back in the pool", len(pool.free), pool.made)
	}
	r = newBlockReader(open(), st.Size(), pool)
	if b, err := r.next(ctx); err != nil || b == nil {
		t.Fatalf("first block: %v", err)
	}
	if err := r.close(); err != nil {
		t.Fatal(err)
	}
	if len(pool.free) != pool.made-1 || pool.made != pool.limit {
		t.Errorf("abandoned: %d of %d buffers back in the pool (one held), limit %d", len(pool.free), pool.made, pool.limit)
	}
	pool.close()
}

// FuzzDirectSplit checks that files read through the block reader, cut
// into blocks of 4 KiB with the partial lines carried across, load exactly
// as the generic reader loads them: rows, values and report.
func FuzzDirectSplit(f *testing.F) {
	var buf bytes.Buffer
	if err := gen.WriteNDJSON(context.Background(), &buf, gen.Options{Rows: 6, Seed: 3}); err != nil {
		f.Fatal(err)
	}
	rows := buf.String()
	long := `{"TimeGenerated":"2024-01-02T03:04:05Z","Caller":"` + strings.Repeat("y", 9000) + `"}`
	f.Add(rows, uint8(0), uint16(0))
	f.Add("\xEF\xBB\xBF"+rows, uint8(1), uint16(6000))
	f.Add(long+"\n"+rows+long, uint8(2), uint16(8000))
	f.Add(strings.ReplaceAll(rows, "\n", "\r\n\n"), uint8(3), uint16(0))
	f.Add(strings.Join(edgeLines, "\n"), uint8(0), uint16(300))
	f.Fuzz(func(t *testing.T, text string, depth uint8, maxRec uint16) {
		if len(text) > 1<<16 {
			return
		}
		path := filepath.Join(t.TempDir(), "f.ndjson")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		geo := directGeometry{block: 4096, head: 4096, depth: 1 + int(depth%4)}
		same(t, []string{path}, cloudShell, Options{direct: &geo, Options: source.Options{MaxRecordBytes: int(maxRec)}})
	})
}

// TestBlockPoolGrowsWhenStarved checks the adaptive read-ahead: a consumer
// slower than the reads keeps the pool near its starting size, and one
// that keeps waiting on slow reads grows it to its limit.
func TestBlockPoolGrowsWhenStarved(t *testing.T) {
	dir := t.TempDir()
	g := writeGen(t, dir, 300, 5) // about 1 MB: 250 blocks of 4 KiB
	st, err := os.Stat(g)
	if err != nil {
		t.Fatal(err)
	}
	drain := func(pool *blockPool, readAt func(*os.File) func([]byte, int64) (int, error), perBlock time.Duration) {
		t.Helper()
		f, err := os.Open(g)
		if err != nil {
			t.Fatal(err)
		}
		r := startBlockReader(f, readAt(f), st.Size(), pool)
		defer r.close()
		if err := r.each(context.Background(), func([]byte) error { time.Sleep(perBlock); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	geo := directGeometry{block: 4096, depth: 16}
	plain := func(f *os.File) func([]byte, int64) (int, error) { return f.ReadAt }
	slow := func(f *os.File) func([]byte, int64) (int, error) {
		return func(p []byte, off int64) (int, error) {
			time.Sleep(2 * time.Millisecond)
			return f.ReadAt(p, off)
		}
	}

	fast := newBlockPool(geo, 2)
	drain(fast, slow, 0)
	if fast.made != fast.limit {
		t.Errorf("consumer waiting on slow reads: %d buffers, want the limit %d", fast.made, fast.limit)
	}
	fast.close()

	lazy := newBlockPool(geo, 2)
	drain(lazy, plain, time.Millisecond)
	// The first block is always waited for; reads from the page cache
	// take microseconds against the consumer's millisecond, so it never
	// waits again (a loaded machine may add a few).
	if lazy.made > lazy.base+4 {
		t.Errorf("slow consumer: %d buffers, want about the base %d (limit %d)", lazy.made, lazy.base, lazy.limit)
	}
	t.Logf("buffers: %d with slow reads (limit %d), %d with a slow consumer (base %d)", fast.made, fast.limit, lazy.made, lazy.base)
	lazy.close()
}

// TestInputBytesChoosesDirect checks that a file is read around the page
// cache when the whole input it belongs to (Options.InputBytes) is too
// large for it, with the same rows as a mapped read.
func TestInputBytesChoosesDirect(t *testing.T) {
	dir := t.TempDir()
	g := writeGen(t, dir, 12000, 6) // larger than minDirectBytes
	if st, err := os.Stat(g); err != nil || st.Size() < minDirectBytes {
		t.Fatalf("generated file too small for direct I/O: %v", err)
	}
	if f := openUncached(g); f == nil {
		t.Skipf("the file system of %s refuses direct I/O", dir)
	} else {
		f.Close()
	}
	ctx := context.Background()
	_, _, st, err := load(ctx, []string{g}, cloudShell, Options{})
	if err != nil || st.direct != 0 {
		t.Fatalf("small input: %d files read directly, %v", st.direct, err)
	}
	same(t, []string{g}, cloudShell, Options{InputBytes: 1 << 62})
	_, _, st, err = load(ctx, []string{g}, cloudShell, Options{InputBytes: 1 << 62})
	if err != nil || st.direct != 1 {
		t.Fatalf("input larger than memory: %d files read directly, %v", st.direct, err)
	}
}

// TestReadFile checks that ReadFile hands over exactly the file's bytes,
// through the page cache and around it, for sizes around the block size.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(7))
	for _, size := range []int{0, 1, 4095, 4096, 4097, directBlock - 1, directBlock, directBlock + 4097, 3*directBlock + 123} {
		want := make([]byte, size)
		rng.Read(want)
		path := filepath.Join(dir, fmt.Sprintf("f%d", size))
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, input := range []int64{0, 1 << 62} {
			var got []byte
			calls := 0
			err := ReadFile(context.Background(), path, input, func(b []byte) error {
				calls++
				got = append(got, b...)
				return nil
			})
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("size %d, input %d: %d bytes in %d calls, want %d (%v)", size, input, len(got), calls, size, err)
			}
		}
	}
	stop := errors.New("stop")
	path := filepath.Join(dir, fmt.Sprintf("f%d", 3*directBlock+123))
	if err := ReadFile(context.Background(), path, 0, func([]byte) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("callback error: %v", err)
	}
	if err := ReadFile(context.Background(), filepath.Join(dir, "missing"), 0, func([]byte) error { return nil }); err == nil {
		t.Error("missing file: no error")
	}
}
