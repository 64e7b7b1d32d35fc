package rule

import (
	"errors"
	"testing"

	"kqlhunt/internal/shared"
)

func TestLoadCorpus(t *testing.T) {
	dir := shared.Path(t, "corpus/sentinel/rules")
	rules, err := LoadPath(dir)
	var le *LoadError
	if err != nil && !errors.As(err, &le) {
		t.Fatal(err)
	}
	if le != nil {
		for _, e := range le.Errs {
			t.Logf("load error: %v", e)
		}
	}
	kinds := map[Kind]int{}
	problems := 0
	for _, r := range rules {
		kinds[r.Kind]++
		problems += len(r.Problems)
		for _, p := range r.Problems {
			t.Logf("%s", p)
		}
	}
	t.Logf("loaded %d rules, %d failed; kinds %v; %d field problems", len(rules), len(le.errs()), kinds, problems)
}

func (e *LoadError) errs() []error {
	if e == nil {
		return nil
	}
	return e.Errs
}
