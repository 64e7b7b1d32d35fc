package scan

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"kqlhunt/source"
)

var (
	benchOnce sync.Once
	benchPath string
	benchDir  string
)

// benchFile writes about 50k generated rows (some 170 MB) once per run.
func benchFile(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "scanbench")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		benchPath = writeGen(b, dir, 50000, 11)
	})
	if benchPath == "" {
		b.Fatal("no benchmark data")
	}
	return benchPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchLoad(b *testing.B, cols []string, opts Options) {
	path := benchFile(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for i := 0; i < b.N; i++ {
		t, _, err := Load(context.Background(), []string{path}, cols, opts)
		if err != nil {
			b.Fatal(err)
		}
		rows = t.Rows()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkLoadCloudShell(b *testing.B) { benchLoad(b, cloudShell, Options{}) }

func BenchmarkLoadCloudShellNoDedupe(b *testing.B) {
	benchLoad(b, cloudShell, Options{Options: source.Options{NoDedupe: true}})
}

func BenchmarkLoadAllColumns(b *testing.B) { benchLoad(b, nil, Options{}) }

// BenchmarkLoadCloudShellBlocks reads the file through the block reader
// used for input larger than memory (direct I/O where the file system
// allows it, so every iteration reads from the disk), against the mapped
// file of BenchmarkLoadCloudShell.
func BenchmarkLoadCloudShellBlocks(b *testing.B) {
	benchLoad(b, cloudShell, Options{direct: &directGeometry{}})
}

func BenchmarkLoadCloudShellGeneric(b *testing.B) {
	benchLoad(b, cloudShell, Options{NoFastPath: true})
}

// BenchmarkDecodeLine measures the line decoder alone on one core.
func BenchmarkDecodeLine(b *testing.B) {
	path := benchFile(b)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if len(data) > 32<<20 {
		data = data[:32<<20]
	}
	cfg, err := newConfig(cloudShell, Options{})
	if err != nil {
		b.Fatal(err)
	}
	lines := splitLines(data)
	d := newLineDecoder(cfg)
	b.SetBytes(int64(len(data)))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0 := threadCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			if d.decode(l) != resRow {
				b.Fatal("fallback on generated data")
			}
		}
	}
	// On a shared machine wall time says little: report CPU throughput.
	if cpu := threadCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu.Seconds(), "cpu-MB/s")
	}
}

// threadCPU returns the CPU time of the calling OS thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func splitLines(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		k := 0
		for k < len(data) && data[k] != '\n' {
			k++
		}
		if k == len(data) {
			break // partial last line
		}
		out = append(out, data[:k])
		data = data[k+1:]
	}
	return out
}

// BenchmarkDedupe runs the deduplication set over 1M and 10M distinct
// event hashes, as loads of that many rows do (the default window, the set
// sized up front from the input). The cost per event grows once the table
// outgrows the CPU caches: compare ns/event of the two sizes.
func BenchmarkDedupe(b *testing.B) {
	for _, n := range []int{1_000_000, 10_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				d := newDeduper(0)
				d.reserve(n)
				h := uint64(0x9E3779B97F4A7C15)
				dups := 0
				for j := 0; j < n; j++ {
					h ^= h << 13
					h ^= h >> 7
					h ^= h << 17
					if d.seen(h) {
						dups++
					}
				}
				if dups != 0 {
					b.Fatalf("%d duplicates among distinct hashes", dups)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
		})
	}
}
