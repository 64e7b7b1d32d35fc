// Command loadbench times scan.Load (or the generic reader) on log files,
// for measuring the loader on real sizes:
//
//	go run ./scan/cmd/loadbench -cols TimeGenerated,Caller /tmp/g1m.ndjson
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"kqlhunt/activity"
	"kqlhunt/scan"
	"kqlhunt/source"
)

func main() {
	cols := flag.String("cols", "TimeGenerated,Caller,OperationNameValue,ActivityStatusValue,ResourceGroup", "columns to load (empty: all)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	generic := flag.Bool("generic", false, "use the generic reader (source.Read + activity.Builder)")
	noDedupe := flag.Bool("nodedupe", false, "keep duplicate events")
	chunk := flag.Int("chunk", 0, "chunk size in bytes (0: default)")
	workers := flag.Int("workers", 0, "workers (0: GOMAXPROCS)")
	flag.Parse()
	if err := run(*cols, *cpuprofile, *generic, *noDedupe, *chunk, *workers, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func run(colList, cpuprofile string, generic, noDedupe bool, chunk, workers int, paths []string) error {
	var cols []string
	if colList != "" {
		cols = strings.Split(colList, ",")
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var size int64
	if files, err := source.Expand(paths); err == nil {
		for _, p := range files {
			if st, err := os.Stat(p); err == nil {
				size += st.Size()
			}
		}
	}
	opts := source.Options{NoDedupe: noDedupe, Workers: workers}
	start := time.Now()
	cpu0 := cpuTime()
	rows := 0
	var rep *source.Report
	if generic {
		b, err := activity.NewBuilder(cols, 0)
		if err != nil {
			return err
		}
		opts.Columns = cols
		rep, err = source.Read(context.Background(), paths, opts, func(r *activity.Record) error {
			b.Append(r)
			rows++
			return nil
		})
		if err != nil {
			return err
		}
	} else {
		t, r, err := scan.Load(context.Background(), paths, cols, scan.Options{Options: opts, ChunkBytes: chunk})
		rep = r
		if err != nil {
			return err
		}
		rows = t.Rows()
	}
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("rows %d  bytes %d  wall %.3fs  cpu %.3fs  %.0f MB/s  %.0f rows/s  heap-in-use %d MiB  gc %d\n",
		rows, size, wall.Seconds(), cpu.Seconds(), float64(size)/1e6/wall.Seconds(), float64(rows)/wall.Seconds(),
		ms.HeapInuse>>20, ms.NumGC)
	fmt.Print(rep.Summary())
	return nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
