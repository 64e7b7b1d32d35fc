package tune

import (
	"fmt"
	"testing"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

func TestTimeTestWithoutTimeColumnUsesRunTime(t *testing.T) {
	set := compileSrc(t, oneExclusion("input", "schedule: {hours: '01:00-03:00'}"), Options{})
	s := &batch.Schema{Fields: []batch.Field{{Name: "Caller", Type: types.String}}}
	b := &batch.Batch{Schema: s, Len: 2, Cols: []*batch.Column{{Type: types.String, Len: 2, Strs: []string{"a", "b"}}}}
	keep, _, err := set.FilterBatch("", "r", "T", b, testNow) // 12:00 UTC
	if err != nil || !keep[0] || !keep[1] {
		t.Fatalf("noon run: keep=%v err=%v", keep, err)
	}
	keep, _, _ = set.FilterBatch("", "r", "T", b, testNow.Add(-10*3600e9)) // 02:00 UTC
	if keep[0] || keep[1] {
		t.Fatalf("02:00 run: keep=%v", keep)
	}
}

func benchBatch(b *testing.B, n int, dict bool) *batch.Batch {
	rows := make([]activity, n)
	for i := range rows {
		rows[i] = activity{
			Time:   fmt.Sprintf("2026-11-%02dT%02d:%02d:00Z", 1+i%28, i%24, i%60),
			Caller: fmt.Sprintf("user%d@contoso.com", i%500),
			IP:     fmt.Sprintf("10.20.%d.%d", 28+i%4, i%250),
			RG:     []string{"admin-rg", "prod-rg", "cloud-shell-storage-westeurope"}[i%3],
		}
	}
	return activityBatch(b, activitySchema(), rows, dict)
}

func BenchmarkFilterBatch(b *testing.B) {
	src := `version: 1
exclusions:
  - id: ci
    rules: all
    stage: input
    when:
      all:
        - {field: Caller, wildcard: "user1*@contoso.com"}
        - {field: CallerIpAddress, cidr: [10.20.30.0/24]}
        - {schedule: {days: mon-fri, hours: "08:00-18:00", zone: Europe/Amsterdam}}
    action: suppress
    reason: r
    owner: o
    expires: 2027-01-31
`
	set := compileSrc(b, src, Options{})
	for _, dict := range []bool{false, true} {
		bt := benchBatch(b, 100000, dict)
		b.Run(fmt.Sprintf("dict=%v", dict), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := set.FilterBatch("", "r", "AzureActivity", bt, testNow); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(bt.Len)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
		})
	}
}
