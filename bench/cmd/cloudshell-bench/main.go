// Command cloudshell-bench compares kqlhunt with DuckDB on the "Azure
// CloudShell Usage" hunting rule over generated AzureActivity data, first
// over NDJSON and then over the Parquet store.
//
// Both engines run as child processes, so that wall time, CPU time and peak
// RSS are measured per process (from the child's rusage). Before timing,
// the results of both are compared as multisets and the program fails when
// they differ. See bench/README.md.
//
// Usage:
//
//	cloudshell-bench [flags]                                   run the benchmark
//	cloudshell-bench duckdb --source ndjson|parquet --data PATH --now T
//	                                                           run the rule in DuckDB once (child mode)
package main

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"kqlhunt/gen"
)

//go:embed rule.kql
var ruleKQL string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "duckdb" {
		err = duckdbMain(ctx, os.Args[2:])
	} else {
		err = benchMain(ctx, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cloudshell-bench:", err)
		os.Exit(1)
	}
}

// duckdbMain is the child mode that runs the SQL once.
func duckdbMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("duckdb", flag.ContinueOnError)
	kind := fs.String("source", "ndjson", "data kind: ndjson or parquet")
	data := fs.String("data", "", "NDJSON file or kqlhunt store directory")
	nowS := fs.String("now", "", "the instant ago() refers to (RFC 3339)")
	threads := fs.Int("threads", 0, "DuckDB threads (0: DuckDB's default, all cores)")
	out := fs.String("out", "-", "result file (- for standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" || *nowS == "" {
		return errors.New("duckdb: --data and --now are required")
	}
	now, err := time.Parse(time.RFC3339Nano, *nowS)
	if err != nil {
		return fmt.Errorf("duckdb: --now: %w", err)
	}
	w := io.Writer(os.Stdout)
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	if err := runDuckDB(ctx, *kind, *data, now, *threads, bw); err != nil {
		return err
	}
	return bw.Flush()
}

// config holds the benchmark flags.
type config struct {
	kqlhunt    string
	rows       int64
	seed       int64
	runs       int
	work       string
	now        time.Time
	small      bool
	duckOnly   bool
	formats    []string
	threads    int
	reference  bool
	self       string
	rulePath   string
	dataPath   string
	storePath  string
	regenerate bool
	sessions   int
	cold       bool
	growth     bool
}

func benchMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("cloudshell-bench", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.kqlhunt, "kqlhunt", "", "path of the kqlhunt binary (default: kqlhunt on PATH)")
	fs.Int64Var(&c.rows, "rows", 1_000_000, "rows of generated data")
	large := fs.Bool("large", false, "use 10,000,000 rows (about 34 GB of NDJSON)")
	fs.BoolVar(&c.small, "small", false, "correctness-only run on 20,000 rows: one run of each, no timing table (for CI)")
	fs.Int64Var(&c.seed, "seed", 1, "generator seed")
	fs.IntVar(&c.runs, "runs", 5, "timed runs of each engine per format (alternating A B A B)")
	fs.StringVar(&c.work, "work", filepath.Join(os.TempDir(), "cloudshell-bench"), "directory for data, store and results (reused across runs)")
	nowS := fs.String("now", "", "the instant ago() refers to (default: the end of the generated data)")
	fs.BoolVar(&c.duckOnly, "duckdb-only", false, "run only the DuckDB half (NDJSON); no kqlhunt binary needed")
	formats := fs.String("formats", "ndjson,parquet", "comma-separated formats to run: ndjson, parquet")
	fs.IntVar(&c.threads, "duckdb-threads", 0, "DuckDB threads (0: all cores)")
	fs.BoolVar(&c.reference, "reference", false, "also check results against the built-in Go evaluator (always on with --small)")
	fs.BoolVar(&c.regenerate, "regenerate", false, "regenerate data and store even when present")
	fs.BoolVar(&c.cold, "cold", false, "drop the page cache before every timed run, so both engines read the data from disk (Linux, needs root)")
	fs.BoolVar(&c.growth, "growth", false, "measure growth instead: both engines on NDJSON of --rows and of ten times as many, interleaved in every round (use with --cold)")
	fs.IntVar(&c.sessions, "sessions", 0, "planted Cloud Shell sessions (0: the generator's default, one per 20,000 rows; 20 with --small)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *large {
		c.rows = 10_000_000
	}
	if c.small {
		c.rows = 20_000
		c.reference = true
		if c.sessions == 0 {
			c.sessions = 20
		}
		if c.growth {
			// 2,000 and 20,000 rows, with sessions inside the query's day.
			c.rows, c.sessions = 2_000, 4
		}
	}
	if c.rows <= 0 || c.runs <= 0 {
		return errors.New("--rows and --runs must be positive")
	}
	c.now = gen.DefaultStart.Add(gen.DefaultSpan)
	if *nowS != "" {
		t, err := time.Parse(time.RFC3339Nano, *nowS)
		if err != nil {
			return fmt.Errorf("--now: %w", err)
		}
		c.now = t.UTC()
	}
	for _, f := range strings.Split(*formats, ",") {
		switch f = strings.TrimSpace(f); f {
		case "ndjson", "parquet":
			c.formats = append(c.formats, f)
		case "":
		default:
			return fmt.Errorf("--formats: unknown format %q", f)
		}
	}
	if c.duckOnly {
		c.formats = []string{"ndjson"}
	} else {
		if c.kqlhunt == "" {
			c.kqlhunt = "kqlhunt"
		}
		p, err := exec.LookPath(c.kqlhunt)
		if err != nil {
			return fmt.Errorf("kqlhunt binary not found (%v): build it with `go build -o /tmp/kqlhunt ./cmd/kqlhunt` and pass --kqlhunt /tmp/kqlhunt, or use --duckdb-only", err)
		}
		c.kqlhunt, _ = filepath.Abs(p)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	c.self = self
	if err := os.MkdirAll(c.work, 0o755); err != nil {
		return err
	}
	c.rulePath = filepath.Join(c.work, "cloudshell.kql")
	if err := os.WriteFile(c.rulePath, []byte(ruleKQL), 0o644); err != nil {
		return err
	}
	c.setPaths()
	if c.growth {
		return runGrowth(ctx, &c)
	}
	return run(ctx, &c)
}

// setPaths names the data file and store of c's size.
func (c *config) setPaths() {
	c.dataPath = filepath.Join(c.work, fmt.Sprintf("activity-%d-seed%d-sessions%d.ndjson", c.rows, c.seed, c.sessions))
	c.storePath = filepath.Join(c.work, fmt.Sprintf("store-%d-seed%d-sessions%d", c.rows, c.seed, c.sessions))
}

// enginesFor returns the engines to compare on format: kqlhunt (unless
// --duckdb-only) and DuckDB, in that order.
func enginesFor(c *config, format string) []engine {
	now := c.now.Format(time.RFC3339Nano)
	var engines []engine
	duck := engine{name: "duckdb", args: []string{c.self, "duckdb", "--source", format, "--now", now}}
	if c.threads > 0 {
		duck.args = append(duck.args, "--threads", fmt.Sprint(c.threads))
	}
	switch format {
	case "ndjson":
		duck.args = append(duck.args, "--data", c.dataPath)
		if !c.duckOnly {
			engines = append(engines, engine{name: "kqlhunt", args: []string{c.kqlhunt, "query", "--data", c.dataPath, "--now", now, "--format", "json", "--file", c.rulePath}})
		}
	case "parquet":
		duck.args = append(duck.args, "--data", c.storePath)
		engines = append(engines, engine{name: "kqlhunt", args: []string{c.kqlhunt, "query", "--store", c.storePath, "--now", now, "--format", "json", "--file", c.rulePath}})
	}
	return append(engines, duck)
}

// agree runs every engine once on format and fails unless their results
// are the same (and the same as ref, when given).
func agree(ctx context.Context, c *config, format string, engines []engine, ref *Result) error {
	results := make([]Result, len(engines))
	for i, e := range engines {
		out := filepath.Join(c.work, fmt.Sprintf("result-%d-%s-%s.json", c.rows, format, e.name))
		s, err := measure(ctx, e.args, out)
		if err != nil {
			return fmt.Errorf("%s on %s: %w", e.name, format, err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			return err
		}
		if results[i], err = ParseResult(data); err != nil {
			return fmt.Errorf("%s on %s: reading its result %s: %w", e.name, format, out, err)
		}
		fmt.Printf("%-8s %-7s %d result rows (first run %.2fs)\n", e.name, format, len(results[i].Rows), s.wall.Seconds())
	}
	if len(engines) == 2 {
		if d := Diff("kqlhunt", results[0], "duckdb", results[1]); d != "" {
			return fmt.Errorf("RESULTS DIFFER on %s:\n%s", format, d)
		}
	}
	if ref != nil {
		for i, e := range engines {
			if d := Diff(e.name, results[i], "reference", *ref); d != "" {
				return fmt.Errorf("RESULTS DIFFER on %s:\n%s", format, d)
			}
		}
	}
	fmt.Printf("%s: results agree (%d rows)\n", format, len(results[len(results)-1].Rows))
	return nil
}

// engine is one side of the comparison for one format.
type engine struct {
	name string
	args []string // argv
}

// sample is one measured child run.
type sample struct {
	wall, cpu time.Duration
	maxRSS    int64 // bytes
}

func run(ctx context.Context, c *config) error {
	if err := prepareData(ctx, c); err != nil {
		return err
	}
	var ref *Result
	if c.reference {
		f, err := os.Open(c.dataPath)
		if err != nil {
			return err
		}
		rows, err := referenceRule(bufio.NewReaderSize(f, 1<<20), c.now)
		f.Close()
		if err != nil {
			return fmt.Errorf("reference evaluator: %w", err)
		}
		res, err := resultOf(rows)
		if err != nil {
			return err
		}
		ref = &res
		fmt.Printf("reference evaluator: %d result rows\n", len(res.Rows))
		if len(res.Rows) == 0 {
			return errors.New("the reference evaluator found no Cloud Shell session: the data or --now is wrong")
		}
	}
	now := c.now.Format(time.RFC3339Nano)
	type table struct {
		format string
		a, b   []sample
		names  [2]string
	}
	var tables []table
	for _, format := range c.formats {
		if format == "parquet" {
			if err := prepareStore(ctx, c); err != nil {
				return err
			}
		}
		engines := enginesFor(c, format)

		if err := agree(ctx, c, format, engines, ref); err != nil {
			return err
		}
		if c.small {
			continue
		}

		// Timed runs, alternating engines.
		t := table{format: format}
		samples := make([][]sample, len(engines))
		for r := 0; r < c.runs; r++ {
			for i, e := range engines {
				s, err := c.timed(ctx, e, fmt.Sprintf("run %d %-8s %-7s", r+1, e.name, format))
				if err != nil {
					return err
				}
				samples[i] = append(samples[i], s)
			}
		}
		if len(engines) == 2 {
			t.a, t.b, t.names = samples[0], samples[1], [2]string{engines[0].name, engines[1].name}
		} else {
			t.b, t.names = samples[0], [2]string{"", engines[0].name}
		}
		tables = append(tables, t)
	}
	if c.small {
		fmt.Println("correctness-only run passed")
		return nil
	}
	fmt.Printf("\n%d rows, seed %d, now %s, medians of %d runs, %s\n", c.rows, c.seed, now, c.runs, c.cacheNote())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "format\tengine\twall s\tuser+sys s\tpeak RSS MiB\t")
	for _, t := range tables {
		var ma, mb sample
		if t.a != nil {
			ma = median(t.a)
			fmt.Fprintf(tw, "%s\t%s\t%.2f\t%.2f\t%d\t\n", t.format, t.names[0], ma.wall.Seconds(), ma.cpu.Seconds(), ma.maxRSS>>20)
		}
		mb = median(t.b)
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%.2f\t%d\t\n", t.format, t.names[1], mb.wall.Seconds(), mb.cpu.Seconds(), mb.maxRSS>>20)
		if t.a != nil {
			fmt.Fprintf(tw, "%s\tkqlhunt/duckdb\t%.2fx\t%.2fx\t%.2fx\t\n", t.format,
				ratio(ma.wall, mb.wall), ratio(ma.cpu, mb.cpu), float64(ma.maxRSS)/float64(max(mb.maxRSS, 1)))
		}
	}
	return tw.Flush()
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// median returns the per-metric medians of samples.
func median(s []sample) sample {
	pick := func(get func(sample) int64) int64 {
		v := make([]int64, len(s))
		for i, x := range s {
			v[i] = get(x)
		}
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
		n := len(v)
		if n%2 == 1 {
			return v[n/2]
		}
		return (v[n/2-1] + v[n/2]) / 2
	}
	return sample{
		wall:   time.Duration(pick(func(x sample) int64 { return int64(x.wall) })),
		cpu:    time.Duration(pick(func(x sample) int64 { return int64(x.cpu) })),
		maxRSS: pick(func(x sample) int64 { return x.maxRSS }),
	}
}

// measure runs argv with standard output to outPath and returns its wall
// time, user+sys CPU time and peak RSS.
func measure(ctx context.Context, argv []string, outPath string) (sample, error) {
	out, err := os.Create(outPath)
	if err != nil {
		return sample{}, err
	}
	defer out.Close()
	var stderr strings.Builder
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout = out
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, tail(stderr.String(), 2000))
	}
	s := sample{wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		s.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return s, nil
}

// timed runs engine e once for timing (after dropping the page cache with
// --cold) and prints the sample after label.
func (c *config) timed(ctx context.Context, e engine, label string) (sample, error) {
	if c.cold {
		if err := dropCaches(); err != nil {
			return sample{}, err
		}
	}
	s, err := measure(ctx, e.args, os.DevNull)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w", label, err)
	}
	fmt.Fprintf(os.Stderr, "%s wall %.2fs cpu %.2fs rss %d MiB\n", label, s.wall.Seconds(), s.cpu.Seconds(), s.maxRSS>>20)
	return s, nil
}

// cacheNote says where the timed runs found the data.
func (c *config) cacheNote() string {
	if c.cold {
		return "page cache dropped before every run"
	}
	return "data in the page cache when it fits"
}

// dropCaches writes dirty pages out and empties the page cache.
func dropCaches() error {
	syscall.Sync()
	if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0); err != nil {
		return fmt.Errorf("--cold: dropping the page cache: %w (needs root on Linux)", err)
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// prepareData generates the NDJSON file unless it exists.
func prepareData(ctx context.Context, c *config) error {
	if fi, err := os.Stat(c.dataPath); err == nil && fi.Size() > 0 && !c.regenerate {
		fmt.Printf("reusing %s (%d MB)\n", c.dataPath, fi.Size()>>20)
		return nil
	}
	tmp := c.dataPath + ".tmp"
	start := time.Now()
	if c.kqlhunt != "" {
		cmd := exec.CommandContext(ctx, c.kqlhunt, "generate", "--rows", fmt.Sprint(c.rows), "--seed", fmt.Sprint(c.seed),
			"--sessions", fmt.Sprint(c.sessions), "--out", tmp)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("kqlhunt generate: %w", err)
		}
	} else {
		f, err := os.Create(tmp)
		if err != nil {
			return err
		}
		err = gen.WriteNDJSON(ctx, f, gen.Options{Rows: c.rows, Seed: c.seed, CloudShellSessions: c.sessions})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("generating data: %w", err)
		}
	}
	if err := os.Rename(tmp, c.dataPath); err != nil {
		return err
	}
	fi, _ := os.Stat(c.dataPath)
	fmt.Printf("generated %s: %d rows, %d MB in %.1fs\n", c.dataPath, c.rows, fi.Size()>>20, time.Since(start).Seconds())
	return nil
}

// prepareStore ingests the data into a kqlhunt store unless it exists.
func prepareStore(ctx context.Context, c *config) error {
	if _, err := os.Stat(filepath.Join(c.storePath, "manifest.json")); err == nil && !c.regenerate {
		fmt.Printf("reusing store %s\n", c.storePath)
		return nil
	}
	if err := os.RemoveAll(c.storePath); err != nil {
		return err
	}
	s, err := measure(ctx, []string{c.kqlhunt, "ingest", "--data", c.dataPath, "--store", c.storePath}, filepath.Join(c.work, "ingest.log"))
	if err != nil {
		return fmt.Errorf("kqlhunt ingest: %w", err)
	}
	fmt.Printf("ingested into %s: wall %.1fs, cpu %.1fs, peak RSS %d MiB\n", c.storePath, s.wall.Seconds(), s.cpu.Seconds(), s.maxRSS>>20)
	return nil
}

// resultOf canonicalizes rows produced in-process.
func resultOf(rows [][]any) (Result, error) {
	var sb strings.Builder
	if err := writeTable(&sb, rows); err != nil {
		return Result{}, err
	}
	return ParseResult([]byte(sb.String()))
}
