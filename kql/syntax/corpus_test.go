package syntax

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/goccy/go-yaml"

	"kqlhunt/internal/shared"
)

// corpusQuery is the part of a rule YAML the corpus tests read.
type corpusQuery struct {
	Query string `yaml:"query"`
}

// corpusParams supplies values for the hunting-template placeholders that
// occur in corpus queries.
var corpusParams = map[string]string{
	"StartTimeISO": "2024-01-01T00:00:00Z",
	"EndTimeISO":   "2024-01-02T00:00:00Z",
}

type corpusEntry struct {
	name  string
	query string
}

// corpusCache holds the corpus once read, shared by the corpus tests.
var corpusCache struct {
	once    sync.Once
	entries []corpusEntry
	noQuery int
	errs    []string
}

// loadCorpus reads every rule YAML and returns those with a query, and the
// count of files without one. The files are read once per test binary.
func loadCorpus(t testing.TB) ([]corpusEntry, int) {
	t.Helper()
	dir := shared.Path(t, "corpus/sentinel/rules")
	c := &corpusCache
	c.once.Do(func() {
		files, err := filepath.Glob(filepath.Join(dir, "*.y*ml"))
		if err != nil {
			c.errs = append(c.errs, err.Error())
			return
		}
		sort.Strings(files)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				c.errs = append(c.errs, fmt.Sprintf("reading %s: %v", f, err))
				continue
			}
			data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
			data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
			var cq corpusQuery
			if err := yaml.Unmarshal(data, &cq); err != nil {
				c.errs = append(c.errs, fmt.Sprintf("%s: YAML: %v", filepath.Base(f), err))
				continue
			}
			if strings.TrimSpace(cq.Query) == "" {
				c.noQuery++
				continue
			}
			c.entries = append(c.entries, corpusEntry{name: filepath.Base(f), query: cq.Query})
		}
	})
	for _, e := range c.errs {
		t.Error(e)
	}
	return c.entries, c.noQuery
}

// readKnownFailures reads testdata/corpus_known_failures.txt: one file name
// per line, then a tab and the reason; # starts a comment.
func readKnownFailures(t testing.TB) map[string]string {
	t.Helper()
	m := map[string]string{}
	f, err := os.Open("testdata/corpus_known_failures.txt")
	if err != nil {
		if os.IsNotExist(err) {
			return m
		}
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, "\t")
		m[strings.TrimSpace(name)] = strings.TrimSpace(reason)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCorpusParses(t *testing.T) {
	entries, noQuery := loadCorpus(t)
	known := readKnownFailures(t)
	if noQuery != 8 {
		t.Errorf("files without a query: got %d, want 8", noQuery)
	}
	ok := 0
	seen := map[string]bool{}
	for _, e := range entries {
		_, err := Parse(e.name, e.query, &ParseOptions{Params: corpusParams})
		reason, isKnown := known[e.name]
		seen[e.name] = true
		switch {
		case err == nil && isKnown:
			t.Errorf("%s: listed as a known failure (%s) but now parses; remove it from the list", e.name, reason)
			ok++
		case err == nil:
			ok++
		case !isKnown:
			t.Errorf("%s:\n%s", e.name, FormatErrors(NewFileFor(e.name, e.query, &ParseOptions{Params: corpusParams}), err))
		}
	}
	for name := range known {
		if !seen[name] {
			t.Errorf("known failure %s is not a corpus file with a query", name)
		}
	}
	rate := float64(ok) / float64(len(entries))
	t.Logf("corpus: %d of %d files with a query parse (%.2f%%); %d known failures", ok, len(entries), 100*rate, len(known))
	if rate < 0.99 {
		t.Errorf("corpus pass rate %.2f%% is below 99%%", 100*rate)
	}
}

func TestCorpusRoundTrip(t *testing.T) {
	entries, _ := loadCorpus(t)
	n := 0
	for _, e := range entries {
		q, err := Parse(e.name, e.query, &ParseOptions{Params: corpusParams})
		if err != nil {
			continue
		}
		text := Print(q)
		q2, err := Parse(e.name, text, nil)
		if err != nil {
			t.Errorf("%s: printed query does not parse: %v\n%s", e.name, err, text)
			continue
		}
		if !sameTree(q, q2) {
			t.Errorf("%s: round trip changed the tree\nprinted:\n%s\nreprinted:\n%s", e.name, text, Print(q2))
			continue
		}
		n++
	}
	t.Logf("round trip: %d queries", n)
}

// BenchmarkCorpusParse parses every corpus query once per iteration.
func BenchmarkCorpusParse(b *testing.B) {
	entries, _ := loadCorpus(b)
	opts := &ParseOptions{Params: corpusParams}
	bytes := 0
	for _, e := range entries {
		bytes += len(e.query)
	}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, e := range entries {
			Parse(e.name, e.query, opts)
		}
	}
}

// docCase is one Kusto documentation example from corpus/kqldocs.
type docCase struct {
	ID    string `json:"id"`
	Query string `json:"query"`
}

// TestDocExamplesParse parses every Kusto documentation example and
// round-trips it through the printer.
func TestDocExamplesParse(t *testing.T) {
	path := shared.Path(t, "corpus/kqldocs/cases.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, ok, unsupported := 0, 0, 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var c docCase
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		n++
		q, err := Parse(c.ID, c.Query, nil)
		if err != nil && strings.Contains(err.Error(), "is not supported") {
			unsupported++
			continue
		}
		if err != nil {
			t.Errorf("%s:\n%s", c.ID, FormatErrors(NewFile(c.ID, c.Query), err))
			continue
		}
		q2, err := Parse(c.ID, Print(q), nil)
		if err != nil || !sameTree(q, q2) {
			t.Errorf("%s: round trip failed (%v)\n%s", c.ID, err, Print(q))
			continue
		}
		ok++
	}
	t.Logf("documentation examples: %d of %d parse and round-trip; %d use unsupported operators", ok, n, unsupported)
	if unsupported > 25 {
		t.Errorf("%d examples use unsupported operators, expected at most 25", unsupported)
	}
}
