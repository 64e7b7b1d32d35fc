package check

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"kqlhunt/internal/shared"
	"kqlhunt/kql/syntax"
)

// readsOtherTables reports whether the check errors say the query reads
// tables other than AzureActivity (such queries are outside the corpus
// test).
func readsOtherTables(err error) bool {
	list, ok := err.(syntax.ErrorList)
	if !ok {
		return false
	}
	for _, e := range list {
		if strings.HasPrefix(e.Msg, "unknown table ") || strings.HasPrefix(e.Msg, "unknown tabular function ") {
			return true
		}
	}
	return false
}

func loadKnownErrors(t *testing.T) map[string]string {
	f, err := os.Open("testdata/azureactivity_known_errors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(reason) == "" {
			t.Fatalf("known errors: line %q needs a file name, a tab and a reason", line)
		}
		known[name] = reason
	}
	return known
}

// TestAzureActivityCorpus checks every rule query of the corpus that
// mentions AzureActivity and reads no other table against the AzureActivity
// schema. Genuine mistakes in rules are listed, with a reason each, in
// testdata/azureactivity_known_errors.txt; the list is enforced both ways.
func TestAzureActivityCorpus(t *testing.T) {
	dir := shared.Path(t, "corpus/sentinel/rules")
	index := filepath.Join(filepath.Dir(dir), "INDEX.tsv")
	data, err := os.ReadFile(index)
	if err != nil {
		t.Skipf("no corpus index: %v", err)
	}
	known := loadKnownErrors(t)
	lines := strings.Split(string(data), "\n")
	header := strings.Split(lines[0], "\t")
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	fileCol, mentionCol := col["file"], col["query_mentions_AzureActivity"]
	env := DefaultEnv()
	checked, skipped, failed := 0, 0, 0
	seenKnown := map[string]bool{}
	var failures []string
	for _, line := range lines[1:] {
		fields := strings.Split(line, "\t")
		if len(fields) <= mentionCol || fields[mentionCol] != "yes" {
			continue
		}
		name := fields[fileCol]
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var rule struct {
			Query string `yaml:"query"`
		}
		if err := yaml.Unmarshal(raw, &rule); err != nil || strings.TrimSpace(rule.Query) == "" {
			skipped++
			continue
		}
		q, err := syntax.Parse(name, rule.Query, nil)
		if err != nil && strings.Contains(err.Error(), "unresolved placeholder") {
			skipped++ // a template rule: its query is completed at deployment
			continue
		}
		if err != nil {
			failures = append(failures, name+": parse: "+err.Error())
			failed++
			continue
		}
		_, err = Check(syntax.NewFile(name, rule.Query), q, env)
		if err != nil && readsOtherTables(err) {
			skipped++
			if testing.Verbose() {
				t.Logf("skipped %s: %v", name, err)
			}
			continue
		}
		checked++
		reason, isKnown := known[name]
		if isKnown {
			seenKnown[name] = true
			if err == nil {
				t.Errorf("%s is listed as a known error (%s) but checks clean", name, reason)
			}
			continue
		}
		if err != nil {
			failed++
			if list, ok := err.(syntax.ErrorList); ok {
				for _, e := range list {
					failures = append(failures, e.Error())
				}
			} else {
				failures = append(failures, err.Error())
			}
		}
	}
	for name := range known {
		if !seenKnown[name] {
			t.Errorf("known error %s was not checked (missing from the corpus or reads other tables)", name)
		}
	}
	sort.Strings(failures)
	for _, f := range failures {
		t.Errorf("%s", f)
	}
	t.Logf("checked %d AzureActivity queries (%d failed), skipped %d that read other tables or have no query", checked, failed, skipped)
}
