package tune

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kqlhunt/kql/types"
)

func writeFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidateAlias(t *testing.T) {
	tests := []struct {
		alias string
		ok    bool
		msg   string
	}{
		{"ipallowlist", true, ""},
		{"platform-admins", true, ""},
		{"CI_ranges2", true, ""},
		{"", false, "empty"},
		{"../etc/passwd", false, "is a path"},
		{"a/b", false, "is a path"},
		{`a\b`, false, "is a path"},
		{"..", false, "is a path"},
		{"a..b", false, "is a path"},
		{".hidden", false, "bad watchlist alias"},
		{"-x", false, "bad watchlist alias"},
		{"a b", false, "bad watchlist alias"},
		{"a.csv", false, "bad watchlist alias"},
		{strings.Repeat("a", 129), false, "bad watchlist alias"},
	}
	for _, tc := range tests {
		err := ValidateAlias(tc.alias)
		if (err == nil) != tc.ok || (err != nil && !strings.Contains(err.Error(), tc.msg)) {
			t.Errorf("ValidateAlias(%q) = %v", tc.alias, err)
		}
	}
}

func TestWatchlistTable(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "admins.csv", "\ufeffUPN,Team,Note\nalice@contoso.com,platform,\"on call, weekdays\"\nbob@contoso.com,platform,\n")
	mtime := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "teams.csv", "Team,Lead\nplatform,alice@contoso.com\n")
	writeFile(t, dir, "teams.yaml", "searchKey: Lead\n")
	writeFile(t, dir, "notes.txt", "ignored\n")
	writeFile(t, dir, "bad name.csv", "a\n1\n")

	w, err := OpenWatchlists(dir, WatchlistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, bs, err := w.Table("admins")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range s.Fields {
		names = append(names, f.Name+":"+f.Type.String())
	}
	if got := strings.Join(names, " "); got != "_DTItemId:string LastUpdatedTimeUTC:datetime SearchKey:string WatchlistItem:dynamic UPN:string Team:string Note:string" {
		t.Fatalf("schema = %s", got)
	}
	b := bs[0]
	if b.Len != 2 {
		t.Fatalf("rows = %d", b.Len)
	}
	if got := b.Cols[2].Strs; got[0] != "alice@contoso.com" || got[1] != "bob@contoso.com" {
		t.Fatalf("SearchKey = %v", got)
	}
	if got := types.TimeFromTicks(b.Cols[1].Ints[0]); !got.Equal(mtime) {
		t.Fatalf("LastUpdatedTimeUTC = %v, want %v", got, mtime)
	}
	bag := b.Cols[3].Dyns[0].(*types.Bag)
	if v, _ := bag.Get("Note"); v != "on call, weekdays" || strings.Join(bag.Keys, ",") != "UPN,Team,Note" {
		t.Fatalf("WatchlistItem = %v", types.FormatDynamic(bag))
	}
	if b.Cols[6].Strs[0] != "on call, weekdays" {
		t.Fatalf("Note column = %q", b.Cols[6].Strs[0])
	}
	id0 := b.Cols[0].Strs[0]
	if len(id0) != 36 || id0[14] != '5' || id0 == b.Cols[0].Strs[1] {
		t.Fatalf("item ids = %v", b.Cols[0].Strs)
	}

	// Ids are stable across reloads and when other rows are added.
	writeFile(t, dir, "admins.csv", "UPN,Team,Note\ncarol@contoso.com,sec,\nalice@contoso.com,platform,\"on call, weekdays\"\nbob@contoso.com,platform,\n")
	w2, _ := OpenWatchlists(dir, WatchlistOptions{})
	_, bs2, err := w2.Table("admins")
	if err != nil {
		t.Fatal(err)
	}
	if bs2[0].Cols[0].Strs[1] != id0 {
		t.Fatalf("id of alice changed: %s vs %s", bs2[0].Cols[0].Strs[1], id0)
	}

	// Sidecar and option choose the SearchKey.
	tw, err := w.Get("teams")
	if err != nil || tw.Key != "Lead" || !tw.Contains("ALICE@contoso.com", false) || tw.Contains("ALICE@contoso.com", true) {
		t.Fatalf("teams: %+v %v", tw, err)
	}
	w3, _ := OpenWatchlists(dir, WatchlistOptions{Keys: map[string]string{"teams": "Team"}})
	if tw3, err := w3.Get("teams"); err != nil || tw3.Key != "Team" {
		t.Fatalf("option key: %v %v", tw3, err)
	}

	// _GetWatchlistAlias.
	as, abs, err := w.Aliases()
	if err != nil || as.Fields[0].Name != "WatchlistAlias" || strings.Join(abs[0].Cols[0].Strs, ",") != "admins,teams" {
		t.Fatalf("aliases: %v %v %v", as, abs, err)
	}
}

func TestWatchlistErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ragged.csv", "a,b\n1,2\n3\n")
	writeFile(t, dir, "quote.csv", "a,b\n1,2\n\"x,3\n")
	writeFile(t, dir, "empty.csv", "")
	writeFile(t, dir, "dup.csv", "a,a\n1,2\n")
	writeFile(t, dir, "reserved.csv", "SearchKey,b\n1,2\n")
	writeFile(t, dir, "keyed.csv", "UPN,Team\nx,y\n")
	writeFile(t, dir, "keyed.yaml", "searchKey: Upn\n")
	writeFile(t, dir, "badside.csv", "UPN\nx\n")
	writeFile(t, dir, "badside.yaml", "searchkey: UPN\n")
	w, err := OpenWatchlists(dir, WatchlistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ alias, want string }{
		{"ragged", "ragged.csv:3: malformed CSV"},
		{"quote", "quote.csv:3: malformed CSV"},
		{"empty", "empty watchlist"},
		{"dup", `dup.csv:1: duplicate column "a"`},
		{"reserved", `reserved for the watchlist table`},
		{"keyed", `did you mean "UPN"?`},
		{"badside", "badside.yaml"},
		{"missing", "not found"},
		{"../ragged", "is a path"},
	}
	for _, tc := range tests {
		_, err := w.Get(tc.alias)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Get(%q) = %v, want error containing %q", tc.alias, err, tc.want)
		}
	}
	if _, err := OpenWatchlists(filepath.Join(dir, "nope"), WatchlistOptions{}); err == nil {
		t.Error("missing directory accepted")
	}
	keys := map[string]string{}
	if err := ParseKeyOption(keys, "admins=UPN"); err != nil || keys["admins"] != "UPN" {
		t.Errorf("ParseKeyOption: %v %v", err, keys)
	}
	for _, bad := range []string{"admins", "admins=", "../x=UPN"} {
		if err := ParseKeyOption(keys, bad); err == nil {
			t.Errorf("ParseKeyOption(%q) accepted", bad)
		}
	}
}

func TestWatchlistCondition(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "admins.csv", "UPN\nalice@contoso.com\n")
	w, _ := OpenWatchlists(dir, WatchlistOptions{})
	set := compileSrc(t, oneExclusion("alert", "field: Account.FullName\nwatchlist: admins"), Options{Watchlists: w})
	for _, tc := range []struct {
		who  string
		want bool
	}{{"Alice@Contoso.com", true}, {"alice@contoso.com.evil", false}, {"bob@contoso.com", false}} {
		d := set.EvaluateAlert("", "r", MapSubject{Fields: map[string]types.Value{"Account.FullName": types.NewString(tc.who)}})
		if d.Suppress != tc.want {
			t.Errorf("%s: %v", tc.who, d.Suppress)
		}
	}
}

func TestWatchlistTableSchemaHook(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ips.csv", "Address,Owner\n10.0.0.1,ops\n")
	w, _ := OpenWatchlists(dir, WatchlistOptions{})
	s, err := w.TableSchema([]types.Value{types.NewString("ips")})
	if err != nil || len(s.Fields) != 6 || s.Fields[5].Name != "Owner" {
		t.Fatalf("schema %v, %v", s, err)
	}
	for _, args := range [][]types.Value{nil, {types.NewLong(1)}, {types.NewString("../ips")}, {types.NewString("nope")}} {
		if _, err := w.TableSchema(args); err == nil {
			t.Errorf("TableSchema(%v) accepted", args)
		}
	}
}
