package workspace

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
)

// eventsTable is a small table T(TimeGenerated, Who, Op): one row per hour
// from 00:00 to 05:00.
func eventsTable(t *testing.T) *exec.MemTable {
	t.Helper()
	schema := &batch.Schema{Fields: []batch.Field{
		{Name: "TimeGenerated", Type: types.DateTime},
		{Name: "Who", Type: types.String},
		{Name: "Op", Type: types.String},
	}}
	tb := exec.NewTableBuilder(schema)
	base := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	rows := [][2]string{{"ann", "read"}, {"bob", "write"}, {"ann", "write"}, {"cy", "read"}, {"bob", "read"}, {"ann", "delete"}}
	for i, r := range rows {
		if err := tb.Add(types.NewDateTime(types.TicksFromTime(base.Add(time.Duration(i)*time.Hour))), types.NewString(r[0]), types.NewString(r[1])); err != nil {
			t.Fatal(err)
		}
	}
	return tb.Table()
}

// TestInputFilterJudgesEachRowOnce runs a query that reads the table twice
// under a time scope: the filter must see every column, only the rows in
// scope, each once, and the query must see only the rows it kept.
func TestInputFilterJudgesEachRowOnce(t *testing.T) {
	ws := New()
	ws.SetTable("T", eventsTable(t))
	var mu sync.Mutex
	seen := map[string]int{}
	filtered := ws.WithInputFilter(func(table string, b *batch.Batch) ([]bool, error) {
		if table != "T" || len(b.Cols) != 3 {
			t.Errorf("filter saw table %s with %d columns, want T with 3", table, len(b.Cols))
		}
		who := b.Schema.Index("Who")
		tg := b.Schema.Index("TimeGenerated")
		keep := make([]bool, b.Len)
		mu.Lock()
		defer mu.Unlock()
		for i := 0; i < b.Len; i++ {
			v := b.Cols[who].Str(i)
			seen[types.TimeFromTicks(b.Cols[tg].Ints[i]).Format("15:04")+" "+v]++
			keep[i] = v != "bob"
		}
		return keep, nil
	})
	base := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	q := `T | where Op != "delete" | join kind=inner (T | summarize n = count() by Who) on Who | project Who, Op, n | order by Who asc, Op asc`
	res, err := filtered.Run(context.Background(), q, base.Add(time.Hour), base.Add(4*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < res.NumRows(); i++ {
		row := res.Row(i)
		got = append(got, fmt.Sprintf("%s %s %d", row[0].S, row[1].S, row[2].I))
	}
	// In scope: 01:00 bob write, 02:00 ann write, 03:00 cy read, 04:00
	// bob read; bob's rows are filtered out.
	if want := []string{"ann write 1", "cy read 1"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("result %q, want %q", got, want)
	}
	var keys []string
	for k, n := range seen {
		if n != 1 {
			t.Errorf("filter saw %s %d times", k, n)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"01:00 bob", "02:00 ann", "03:00 cy", "04:00 bob"}; strings.Join(keys, "|") != strings.Join(want, "|") {
		t.Errorf("filter saw %q, want the rows in scope %q", keys, want)
	}

	// A second copy judges the rows again (one copy per run).
	seen = map[string]int{}
	again := ws.WithInputFilter(func(table string, b *batch.Batch) ([]bool, error) {
		seen["rows"] += b.Len
		return nil, nil
	})
	if _, err := again.Run(context.Background(), "T | count", base, base.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if seen["rows"] != 3 {
		t.Errorf("second copy's filter saw %d rows, want 3", seen["rows"])
	}
}

// silentFirst emits nothing on its first scan, as a file-backed table does
// during the dry run that records the columns a query needs.
type silentFirst struct {
	exec.Table
	scans int
}

func (s *silentFirst) Scan(ctx context.Context, req exec.ScanRequest, emit func(*batch.Batch) error) error {
	s.scans++
	if s.scans == 1 {
		return nil
	}
	return s.Table.Scan(ctx, req, emit)
}

// TestInputFilterForgetsEmptyScans checks that a scan that found no rows
// is not replayed to later scans of the same scope.
func TestInputFilterForgetsEmptyScans(t *testing.T) {
	ws := New()
	ws.SetTable("T", &silentFirst{Table: eventsTable(t)})
	judged := 0
	filtered := ws.WithInputFilter(func(table string, b *batch.Batch) ([]bool, error) {
		judged += b.Len
		return nil, nil
	})
	base := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for i, want := range []int64{0, 6, 6} {
		res, err := filtered.Run(context.Background(), "T | count", base, base.Add(5*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Row(0)[0].I; got != want {
			t.Errorf("run %d: count %d, want %d", i, got, want)
		}
	}
	if judged != 6 {
		t.Errorf("the filter judged %d rows, want each of the 6 once", judged)
	}
}
