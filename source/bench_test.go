package source

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"kqlhunt/activity"
)

// benchLines builds n distinct storage records from the shape fixture.
func benchLines(b *testing.B, n int, rows bool) []byte {
	b.Helper()
	name := "storage.json"
	if rows {
		name = "rows.ndjson"
	}
	tmpl, err := os.ReadFile(filepath.Join("testdata", "shapes", name))
	if err != nil {
		b.Fatal(err)
	}
	tmpl = bytes.TrimSpace(tmpl)
	var buf bytes.Buffer
	for i := 0; i < n; i++ {
		line := bytes.Replace(tmpl, []byte("cccccccc-0000-0000-0000-000000000001"), fmt.Appendf(nil, "cccccccc-0000-0000-0000-%012d", i), 1)
		line = bytes.Replace(line, []byte("eeeeeeee-0000-0000-0000-000000000001"), fmt.Appendf(nil, "eeeeeeee-0000-0000-0000-%012d", i), 1)
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func benchRead(b *testing.B, data []byte, n int, opts Options, build bool) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var bl *activity.Builder
		if build {
			bl, _ = activity.NewBuilder(opts.Columns, 0)
		}
		loaded := 0
		rep, err := ReadReader(context.Background(), "bench", bytes.NewReader(data), opts, func(r *activity.Record) error {
			loaded++
			if bl != nil {
				bl.Append(r)
			}
			return nil
		})
		if err != nil || loaded != n {
			b.Fatalf("err=%v loaded=%d\n%s", err, loaded, rep.Summary())
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	// The machine is shared: records per CPU second is the steadier figure.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "records/cpu-s")
	}
}

var ruleColumns = []string{"TimeGenerated", "OperationNameValue", "ActivityStatusValue", "ResourceGroup", "Caller", "CallerIpAddress"}

func BenchmarkStorage50k(b *testing.B) {
	const n = 50000
	data := benchLines(b, n, false)
	b.Run("all-columns", func(b *testing.B) { benchRead(b, data, n, Options{}, true) })
	b.Run("rule-columns", func(b *testing.B) { benchRead(b, data, n, Options{Columns: ruleColumns}, true) })
	b.Run("rule-columns-1worker", func(b *testing.B) { benchRead(b, data, n, Options{Columns: ruleColumns, Workers: 1}, true) })
}

func BenchmarkRows50k(b *testing.B) {
	const n = 50000
	data := benchLines(b, n, true)
	b.Run("all-columns", func(b *testing.B) { benchRead(b, data, n, Options{}, true) })
	b.Run("rule-columns", func(b *testing.B) { benchRead(b, data, n, Options{Columns: ruleColumns}, true) })
	b.Run("rule-columns-1worker", func(b *testing.B) { benchRead(b, data, n, Options{Columns: ruleColumns, Workers: 1}, true) })
}

// cpuTime returns the user+system CPU time of the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkEventHub50k(b *testing.B) {
	const n = 50000
	lines := bytes.Split(bytes.TrimSpace(benchLines(b, n, false)), []byte("\n"))
	var buf bytes.Buffer
	for i := 0; i < len(lines); i += 100 {
		buf.WriteString(`{"records":[`)
		buf.Write(bytes.Join(lines[i:min(i+100, len(lines))], []byte(",")))
		buf.WriteString("]}\n")
	}
	data := buf.Bytes()
	b.Run("rule-columns", func(b *testing.B) { benchRead(b, data, n, Options{Columns: ruleColumns}, true) })
}
