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
	sessions := map[string]int64{}
	lookalike, failed := 0, 0
	for _, r := range recs {
		first, last = min(first, r.TimeGenerated), max(last, r.TimeGenerated)
		if !strings.EqualFold(r.OperationNameValue, "Microsoft.Storage/storageAccounts/listKeys/action") {
			continue
		}
		rg := strings.ToLower(r.ResourceGroup)
		switch {
		case strings.HasPrefix(rg, "cloud-shell-storage-") && r.ActivityStatusValue == "Success":
			sessions[r.Caller] = r.TimeGenerated
		case strings.HasPrefix(rg, "cloud-shell-storage-"):
			failed++
		case strings.Contains(rg, "cloud"):
			lookalike++
		}
	}
	if len(sessions) != 2 || sessions["alice@contoso-demo.example"] == 0 || sessions["bob@contoso-demo.example"] == 0 {
		t.Errorf("Cloud Shell sessions = %v", sessions)
	}
	// Each session is followed within the hour by role assignment and VM
	// writes of the same caller, and both lie in the last day of the data.
	const hour = int64(time.Hour / 100)
	for caller, at := range sessions {
		if last-at > 24*hour {
			t.Errorf("%s: session more than a day before the end of the data", caller)
		}
		ops := map[string]bool{}
		for _, r := range recs {
			if r.Caller == caller && r.TimeGenerated >= at && r.TimeGenerated < at+hour {
				ops[strings.ToLower(r.OperationNameValue)] = true
			}
		}
		if !ops["microsoft.authorization/roleassignments/write"] || !ops["microsoft.compute/virtualmachines/write"] {
			t.Errorf("%s: operations after the session = %v", caller, ops)
		}
	}
	if failed == 0 || lookalike == 0 {
		t.Errorf("failed listKeys %d, look-alike listKeys %d", failed, lookalike)
	}
	span := time.Duration((last - first) * 100)
	if span < 40*time.Hour || span > 48*time.Hour {
		t.Errorf("time span %v, want about 2 days", span)
	}
}
