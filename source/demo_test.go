package source

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kqlhunt/activity"
)

// TestDemoData loads the bundled demo dataset (both shapes) and checks the
// Cloud Shell sessions and noise it is meant to contain.
func TestDemoData(t *testing.T) {
	dir := filepath.Join("..", "demo")
	var recs []*activity.Record
	rep, err := Read(context.Background(), []string{dir}, Options{}, func(r *activity.Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep.Summary())
	if rep.TotalSkipped() != 0 || rep.Formats[FormatEventHub] != 1 || rep.Formats[FormatStorage] < 10 || rep.Formats["unknown"] != 0 {
		t.Errorf("unexpected report:\n%s", rep.Summary())
	}
	if rep.Duplicates == 0 || rep.NonActivity["NonInteractiveUserSignInLogs"] == 0 {
		t.Errorf("demo should show duplicates and set-aside sign-ins:\n%s", rep.Summary())
	}
	if len(recs) < 200 {
		t.Errorf("only %d records", len(recs))
	}
	first, last := recs[0].TimeGenerated, recs[0].TimeGenerated
	sessions := map[string]bool{}
	lookalike, failed := 0, 0
	for _, r := range recs {
		first, last = min(first, r.TimeGenerated), max(last, r.TimeGenerated)
		if !strings.EqualFold(r.OperationNameValue, "Microsoft.Storage/storageAccounts/listKeys/action") {
			continue
		}
		rg := strings.ToLower(r.ResourceGroup)
		switch {
		case strings.HasPrefix(rg, "cloud-shell-storage-") && r.ActivityStatusValue == "Success":
			sessions[r.Caller] = true
		case strings.HasPrefix(rg, "cloud-shell-storage-"):
			failed++
		case strings.Contains(rg, "cloud"):
			lookalike++
		}
	}
	if len(sessions) != 2 || !sessions["alice@contoso-demo.example"] || !sessions["bob@contoso-demo.example"] {
		t.Errorf("Cloud Shell sessions = %v", sessions)
	}
	if failed == 0 || lookalike == 0 {
		t.Errorf("failed listKeys %d, look-alike listKeys %d", failed, lookalike)
	}
	span := time.Duration((last - first) * 100)
	if span < 40*time.Hour || span > 48*time.Hour {
		t.Errorf("time span %v, want about 2 days", span)
	}
}
