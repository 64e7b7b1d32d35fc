package exec

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// benchRows generates n AzureActivity rows over the three days before
// testNow: 500 callers, 40 operations, a few CloudShell storage groups.
func benchRows(n int) []activity {
	rng := rand.New(rand.NewSource(1))
	ops := make([]string, 40)
	for i := range ops {
		ops[i] = fmt.Sprintf("Microsoft.Compute/resource%d/write", i)
	}
	ops[0] = listKeys
	statuses := []string{"Success", "Succeeded", "Failed", "Started", "success"}
	rgs := []string{"prod", "dev", "cloud-shell-storage-westeurope", "mycloud-shell-storage", "test"}
	rows := make([]activity, n)
	for i := range rows {
		op := ops[rng.Intn(len(ops))]
		if rng.Intn(10) == 0 {
			op = listKeys
		}
		rows[i] = activity{
			caller: fmt.Sprintf("user%d@contoso.com", rng.Intn(500)),
			op:     op,
			status: statuses[rng.Intn(len(statuses))],
			rg:     rgs[rng.Intn(len(rgs))],
			at:     testNow.Add(-time.Duration(rng.Int63n(int64(72 * time.Hour)))),
		}
	}
	return rows
}

func benchQuery(b *testing.B, q string) {
	tbl := azureActivityTable(b, benchRows(200_000))
	opts := Options{Now: testNow, Tables: map[string]Table{"AzureActivity": tbl}}
	ctx := context.Background()
	if _, err := Run(ctx, q, opts); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(ctx, q, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tbl.Rows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkCloudShell(b *testing.B) { benchQuery(b, cloudShellQuery) }

func BenchmarkWhere(b *testing.B) {
	benchQuery(b, `AzureActivity | where ActivityStatusValue =~ "success" and ResourceGroup has "cloud-shell-storage" | count`)
}

func BenchmarkSummarize(b *testing.B) {
	benchQuery(b, `AzureActivity | summarize count(), make_set(OperationNameValue) by Caller, bin(TimeGenerated, 1h)`)
}

func BenchmarkJoin(b *testing.B) {
	benchQuery(b, `AzureActivity | where OperationNameValue == "`+listKeys+`" | project Caller, TimeGenerated
		| join kind=inner (AzureActivity | where ActivityStatusValue == "Failed" | project Caller, OperationNameValue) on Caller | count`)
}
