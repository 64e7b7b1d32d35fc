package syntax

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
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

// loadCorpus reads every rule YAML and returns those with a query, and the
// count of files without one.
func loadCorpus(t testing.TB) ([]corpusEntry, int) {
	t.Helper()
	dir := shared.Path(t, "corpus/sentinel/rules")
	files, err := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []corpusEntry
	noQuery := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("reading %s: %v", f, err)
		}
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		var cq corpusQuery
		if err := yaml.Unmarshal(data, &cq); err != nil {
			t.Errorf("%s: YAML: %v", filepath.Base(f), err)
			continue
		}
		if strings.TrimSpace(cq.Query) == "" {
			noQuery++
			continue
		}
		out = append(out, corpusEntry{name: filepath.Base(f), query: cq.Query})
	}
	return out, noQuery
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
