package rule

import (
	"context"
	"errors"
	"sync"
	"time"

	"kqlhunt/alert"
	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// fakeEngine serves a fixed event table: Run returns the events whose
// TimeGenerated lies in [from, to], whatever the query, and records each
// call. tables is what TablesRead answers.
type fakeEngine struct {
	mu     sync.Mutex
	fields []batch.Field
	rows   [][]types.Value
	tables []string
	runErr error
	calls  []call
}

type call struct {
	query    string
	from, to time.Time
}

func (f *fakeEngine) Run(_ context.Context, query string, from, to time.Time) (ResultSet, error) {
	f.mu.Lock()
	f.calls = append(f.calls, call{query, from, to})
	f.mu.Unlock()
	if f.runErr != nil {
		return nil, f.runErr
	}
	out := &alert.Table{Fields: f.fields}
	tg := -1
	for i, c := range f.fields {
		if c.Name == "TimeGenerated" {
			tg = i
		}
	}
	lo, hi := types.TicksFromTime(from), types.TicksFromTime(to)
	for _, r := range f.rows {
		if tg >= 0 && (r[tg].I < lo || r[tg].I > hi) {
			continue
		}
		out.Data = append(out.Data, r)
	}
	return out, nil
}

func (f *fakeEngine) TablesRead(query string) ([]string, error) {
	if query == "bad" {
		return nil, errors.New("syntax error")
	}
	return f.tables, nil
}

var activityFields = []batch.Field{
	{Name: "TimeGenerated", Type: types.DateTime},
	{Name: "Caller", Type: types.String},
	{Name: "CallerIpAddress", Type: types.String},
	{Name: "OperationNameValue", Type: types.String},
}

func ev(t time.Time, caller, ip, op string) []types.Value {
	return []types.Value{
		types.NewDateTime(types.TicksFromTime(t)), types.NewString(caller), types.NewString(ip), types.NewString(op),
	}
}

var t0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// weekEvents is a deterministic week of events: a few per day at varying
// hours from a handful of callers.
func weekEvents() *fakeEngine {
	f := &fakeEngine{fields: activityFields, tables: []string{"AzureActivity"}}
	callers := []string{"alice@contoso.com", "bob@contoso.com", `CONTOSO\carol`, "SYSTEM"}
	for d := 0; d < 7; d++ {
		for k := 0; k < 1+d%3; k++ {
			at := t0.Add(time.Duration(d)*24*time.Hour + time.Duration(3+7*k+d)*time.Hour + time.Duration(k*13)*time.Minute)
			c := callers[(d+k)%len(callers)]
			f.rows = append(f.rows, ev(at, c, "10.0.0."+string(rune('1'+k)), "Microsoft.Storage/storageAccounts/listKeys/action"))
		}
	}
	return f
}
