package rule

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"kqlhunt/alert"
	"kqlhunt/batch"
	"kqlhunt/kql/types"

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
	codes := map[string]int{}
	for _, r := range rules {
		for _, f := range Lint(r, nil) {
			codes[f.Code]++
		}
		kinds[r.Kind]++
		problems += len(r.Problems)
	}
	t.Logf("loaded %d rules, %d failed; kinds %v; %d field problems; lint findings by code %v", len(rules), len(le.errs()), kinds, problems, codes)
	if len(rules) != 3121 || len(le.errs()) != 0 {
		t.Errorf("loaded %d of 3121 corpus rules (%d errors)", len(rules), len(le.errs()))
	}
	if kinds[NRT] != 24 || kinds[Scheduled] < 1500 || kinds[Hunting] < 1500 {
		t.Errorf("kinds %v", kinds)
	}
}

func (e *LoadError) errs() []error {
	if e == nil {
		return nil
	}
	return e.Errs
}

// TestRunCorpusRules runs every corpus rule once against a one-row result
// holding each column its entity mappings, custom details and alert
// details name, and checks the alerts it builds.
func TestRunCorpusRules(t *testing.T) {
	rules, _ := LoadPath(shared.Path(t, "corpus/sentinel/rules"))
	at := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	fired, alerts, entities := 0, 0, 0
	for _, r := range rules {
		if r.Query == "" {
			continue
		}
		cols := []string{"TimeGenerated"}
		for _, m := range r.EntityMappings {
			for _, f := range m.FieldMappings {
				cols = append(cols, f.ColumnName)
			}
		}
		for _, cd := range r.CustomDetails {
			cols = append(cols, cd.Column)
		}
		if o := r.AlertDetailsOverride; o != nil {
			cols = append(cols, alert.Placeholders(o.DisplayNameFormat)...)
			cols = append(cols, alert.Placeholders(o.DescriptionFormat)...)
		}
		tab := &alert.Table{}
		row := []types.Value{}
		seen := map[string]bool{}
		for i, c := range cols {
			if seen[c] {
				continue
			}
			seen[c] = true
			if i == 0 {
				tab.Fields = append(tab.Fields, batch.Field{Name: c, Type: types.DateTime})
				row = append(row, types.NewDateTime(types.TicksFromTime(at.Add(-time.Minute))))
				continue
			}
			tab.Fields = append(tab.Fields, batch.Field{Name: c, Type: types.String})
			row = append(row, types.NewString("v_"+c))
		}
		tab.Data = [][]types.Value{row}
		res, err := RunAt(context.Background(), &cannedEngine{res: tab}, r, at, &Options{Workspace: "ws"})
		if err != nil {
			t.Fatalf("%s: %v", r.File, err)
		}
		if res.Info.Fired {
			fired++
		}
		for _, a := range res.Alerts {
			alerts++
			entities += len(a.EntityList)
			var v any
			if err := json.Unmarshal([]byte(a.ExtendedProperties), &v); err != nil {
				t.Fatalf("%s: ExtendedProperties: %v", r.File, err)
			}
			if _, err := alert.ParseEntities(a.Entities); err != nil {
				t.Fatalf("%s: Entities: %v", r.File, err)
			}
			if _, err := json.Marshal(&a.SecurityAlert); err != nil {
				t.Fatal(err)
			}
			if len(a.EntityList) > len(r.EntityMappings) && len(r.EntityMappings) > 0 {
				t.Errorf("%s: %d entities from %d mappings and one row", r.File, len(a.EntityList), len(r.EntityMappings))
			}
		}
	}
	t.Logf("%d rules fired on a one-row result, %d alerts, %d entities", fired, alerts, entities)
	if fired < 2500 || entities < 2500 {
		t.Errorf("only %d rules fired and %d entities built", fired, entities)
	}
}
