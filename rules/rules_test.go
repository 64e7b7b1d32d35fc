package rules

import (
	"strings"
	"testing"
)

func TestBundledHasCloudShellRule(t *testing.T) {
	files, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range files {
		if strings.Contains(string(f.Data), "id: 42831fb3-f61d-41e9-95d9-f08797479a0e") {
			found = true
		}
	}
	if !found {
		t.Fatalf("bundled rules lack the Azure CloudShell Usage rule; have %d files", len(files))
	}
}
