package workspace

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExternalDataFromLocalCopies(t *testing.T) {
	dir := t.TempDir()
	csv := "Network,Owner\n10.0.0.0/8,corp\n203.0.113.0/24,vps\n"
	if err := os.WriteFile(filepath.Join(dir, "VPS_Networks.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "renamed.csv")
	if err := os.WriteFile(other, []byte("Network,Owner\n192.0.2.0/24,lab\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := New()
	ws.ExternalData = ExternalResolver([]string{dir}, map[string]string{"https://example.com/feeds/x.csv": other})
	q := `externaldata(Network:string, Owner:string)
["https://raw.githubusercontent.com/Azure/Azure-Sentinel/master/Sample%20Data/Feeds/VPS_Networks.csv"]
with (format="csv", ignoreFirstRecord=true)
| union (externaldata(Network:string, Owner:string)["https://example.com/feeds/x.csv"] with (format="csv", ignoreFirstRecord=true))
| order by Network asc`
	res, err := ws.Query(context.Background(), "q", q, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < res.NumRows(); i++ {
		got = append(got, res.Value(i, 0).S+"="+res.Value(i, 1).S)
	}
	want := "10.0.0.0/8=corp 192.0.2.0/24=lab 203.0.113.0/24=vps"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("rows = %s, want %s", s, want)
	}
	// An unknown remote URI still fails with a clear message.
	ws.ExternalData = ExternalResolver([]string{t.TempDir()}, nil)
	if _, err := ws.Query(context.Background(), "q", `externaldata(a:string)["https://example.com/nothere.csv"]`, time.Now()); err == nil {
		t.Error("a remote URI with no local copy was accepted")
	}
}
