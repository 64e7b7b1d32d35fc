package alert

import (
	"fmt"
	"testing"
	"time"

	"kqlhunt/kql/types"
)

// BenchmarkBuildSingleAlert builds one alert over a large result.
func BenchmarkBuildSingleAlert(b *testing.B) {
	rows := &Table{Fields: fixtureRows().Fields}
	for i := 0; i < 100000; i++ {
		rows.Data = append(rows.Data, []types.Value{
			dt(runTime.Add(-time.Duration(i) * time.Second)), str(fmt.Sprintf("user%d@contoso.com", i%500)),
			str(fmt.Sprintf("10.0.%d.%d", i%7, i%250)), str(""), types.NewLong(int64(i)), str("Low"),
		})
	}
	spec := fixtureSpec()
	spec.Grouping = SingleAlert
	win := Window{From: runTime.Add(-48 * time.Hour), To: runTime}
	b.ReportAllocs()
	for b.Loop() {
		if a := Build(spec, win, rows); len(a) != 1 {
			b.Fatal(len(a))
		}
	}
}

// BenchmarkBuildPerResult builds the 150 alerts of a large AlertPerResult run.
func BenchmarkBuildPerResult(b *testing.B) {
	rows := &Table{Fields: fixtureRows().Fields}
	for i := 0; i < 10000; i++ {
		rows.Data = append(rows.Data, []types.Value{
			dt(runTime.Add(-time.Duration(i) * time.Second)), str(fmt.Sprintf("user%d@contoso.com", i)),
			str("10.0.0.1"), str(""), types.NewLong(int64(i)), str("Low"),
		})
	}
	win := Window{From: runTime.Add(-48 * time.Hour), To: runTime}
	b.ReportAllocs()
	for b.Loop() {
		if a := Build(fixtureSpec(), win, rows); len(a) != MaxAlertsPerRun {
			b.Fatal(len(a))
		}
	}
}
