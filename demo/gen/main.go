// Command gen writes the demo dataset: two days (2026-11-02 and 11-03, UTC)
// of Azure activity logs of a fictional tenant, as an Event Hubs payload
// file (received until 2026-11-03T12:00Z) and a storage-account export
// tree (the rest). It includes two Cloud Shell
// sessions, routine noise, look-alike resource groups, failed key listings,
// a few sign-in records sharing the Event Hub, and a few events exported
// twice. Output is deterministic: run `go run ./demo/gen` from the
// repository root to regenerate it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

const (
	tenantID = "5f2b7c1e-8a4d-4e3b-9c6f-1d2e3f4a5b6c"
	subProd  = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
	subDev   = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
)

// user is a caller of the fictional tenant.
type user struct {
	upn, name, oid, ip string
	app                bool // service principal (no upn)
}

var users = []user{
	{upn: "alice@contoso-demo.example", name: "Alice Ops", oid: "a1a1a1a1-0000-4000-8000-000000000001", ip: "198.51.100.23"},
	{upn: "bob@contoso-demo.example", name: "Bob Dev", oid: "b2b2b2b2-0000-4000-8000-000000000002", ip: "198.51.100.47"},
	{upn: "carol@contoso-demo.example", name: "Carol Sec", oid: "c3c3c3c3-0000-4000-8000-000000000003", ip: "203.0.113.77"},
	{upn: "dave@contoso-demo.example", name: "Dave Data", oid: "d4d4d4d4-0000-4000-8000-000000000004", ip: "203.0.113.90"},
	{name: "deploy-pipeline", oid: "e5e5e5e5-0000-4000-8000-000000000005", ip: "192.0.2.15", app: true},
}

// record is one diagnostic-setting activity record, fields in the order
// Azure writes them.
type record struct {
	RoleLocation    string          `json:"RoleLocation,omitempty"`
	Time            string          `json:"time"`
	ResourceID      string          `json:"resourceId"`
	OperationName   string          `json:"operationName"`
	Category        string          `json:"category"`
	ResultType      string          `json:"resultType,omitempty"`
	ResultSignature string          `json:"resultSignature,omitempty"`
	DurationMs      string          `json:"durationMs,omitempty"`
	CallerIPAddress string          `json:"callerIpAddress,omitempty"`
	CorrelationID   string          `json:"correlationId,omitempty"`
	Identity        json.RawMessage `json:"identity,omitempty"`
	Level           string          `json:"level"`
	Location        string          `json:"location"`
	Properties      json.RawMessage `json:"properties,omitempty"`
	TenantID        string          `json:"tenantId,omitempty"`

	received time.Time // when the export sink received it
}

type gen struct {
	rng  *rand.Rand
	recs []record
}

func (g *gen) guid() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(g.rng.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func resourceID(sub, rg, provider, typ, name string) string {
	return strings.ToUpper(fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s/%s", sub, rg, provider, typ, name))
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// op adds the records of one operation: Start and Success/Failure for
// writes and deletes, a single record for actions.
func (g *gen) op(at time.Time, u user, sub, rg, provider, typ, name, action, status string) {
	rid := resourceID(sub, rg, provider, typ, name)
	operation := provider + "/" + typ + "/" + action
	corr := g.guid()
	claims := map[string]string{
		"aud":    "https://management.core.windows.net/",
		"iss":    "https://sts.windows.net/" + tenantID + "/",
		"ipaddr": u.ip,
		"http://schemas.microsoft.com/identity/claims/objectidentifier": u.oid,
		"http://schemas.microsoft.com/identity/claims/tenantid":         tenantID,
	}
	if u.app {
		claims["appid"] = u.oid
		claims["idtyp"] = "app"
	} else {
		claims["name"] = u.name
		claims["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"] = u.upn
		claims["idtyp"] = "user"
	}
	role := "Contributor"
	if strings.Contains(operation, "roleAssignments") || strings.Contains(operation, "listKeys") {
		role = "Owner"
	}
	identity := mustJSON(map[string]any{
		"authorization": map[string]any{
			"scope":    strings.ToLower(rid),
			"action":   operation,
			"evidence": map[string]string{"role": role, "principalType": map[bool]string{true: "ServicePrincipal", false: "User"}[u.app]},
		},
		"claims": claims,
	})
	hierarchy := tenantID + "/" + sub
	phases := []string{status}
	if action == "write" || action == "delete" {
		phases = []string{"Start", status}
	}
	t := at
	for _, phase := range phases {
		sig, code := "Succeeded.OK", "OK"
		switch phase {
		case "Start":
			sig, code = "Started.", ""
		case "Failure":
			sig, code = "Failed.Forbidden", "Forbidden"
		case "Accept":
			sig, code = "Accepted.Accepted", "Accepted"
		}
		props := map[string]string{"eventCategory": "Administrative", "entity": strings.ToLower(rid), "message": operation, "hierarchy": hierarchy}
		if code != "" {
			props["statusCode"] = code
		}
		g.recs = append(g.recs, record{
			RoleLocation:    "West Europe",
			Time:            t.UTC().Format("2006-01-02T15:04:05.0000000Z"),
			ResourceID:      rid,
			OperationName:   strings.ToUpper(operation),
			Category:        "Administrative",
			ResultType:      phase,
			ResultSignature: sig,
			DurationMs:      fmt.Sprint(g.rng.IntN(900)),
			CallerIPAddress: u.ip,
			CorrelationID:   corr,
			Identity:        identity,
			Level:           "Information",
			Location:        "global",
			Properties:      mustJSON(props),
			TenantID:        tenantID,
			received:        t.Add(time.Duration(60+g.rng.IntN(240)) * time.Second),
		})
		t = t.Add(time.Duration(1+g.rng.IntN(20))*time.Second + time.Duration(g.rng.IntN(10_000_000))*100)
	}
}

// signIn adds a non-interactive sign-in record sharing the Event Hub
// (identity is a string there).
func (g *gen) signIn(at time.Time, u user) {
	g.recs = append(g.recs, record{
		Time:          at.UTC().Format("2006-01-02T15:04:05.0000000Z"),
		ResourceID:    "/tenants/" + tenantID + "/providers/Microsoft.aadiam",
		OperationName: "Sign-in activity",
		Category:      "NonInteractiveUserSignInLogs",
		ResultType:    "0",
		Identity:      mustJSON(u.name),
		Level:         "4",
		Location:      "NL",
		Properties:    mustJSON(map[string]string{"userPrincipalName": u.upn, "appDisplayName": "Azure Portal", "ipAddress": u.ip}),
		TenantID:      tenantID,
		received:      at.Add(2 * time.Minute),
	})
}

func (g *gen) cloudShellSession(at time.Time, u user, region, account string, followUps [][4]string) {
	g.op(at, u, subProd, "cloud-shell-storage-"+region, "Microsoft.Storage", "storageAccounts", account, "listKeys/action", "Success")
	t := at
	for _, f := range followUps {
		t = t.Add(time.Duration(3+g.rng.IntN(9)) * time.Minute)
		g.op(t, u, subProd, f[0], f[1], f[2], f[3], actionOf(f), "Success")
	}
}

func actionOf(f [4]string) string {
	if strings.HasPrefix(f[3], "+") {
		return strings.TrimPrefix(f[3], "+")
	}
	return "write"
}

func main() {
	out := flag.String("out", "demo", "output directory")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	g := &gen{rng: rand.New(rand.NewPCG(2026, 11))}
	day1 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)

	// Routine noise over both days.
	type noise struct{ rg, provider, typ, name, action string }
	routine := []noise{
		{"rg-web-prod", "Microsoft.Web", "sites", "contoso-shop", "write"},
		{"rg-web-prod", "Microsoft.Web", "sites", "contoso-shop", "restart/action"},
		{"rg-data", "Microsoft.Storage", "storageAccounts", "contosodata01", "listKeys/action"},
		{"rg-data", "Microsoft.Sql", "servers", "contoso-sql", "write"},
		{"rg-vm-batch", "Microsoft.Compute", "virtualMachines", "batch-01", "start/action"},
		{"rg-vm-batch", "Microsoft.Compute", "virtualMachines", "batch-02", "deallocate/action"},
		{"rg-net", "Microsoft.Network", "networkSecurityGroups", "nsg-web", "write"},
		{"mycloud-shell-storage", "Microsoft.Storage", "storageAccounts", "mycloudshellsa", "listKeys/action"},
		{"cloudshellstorage-backup", "Microsoft.Storage", "storageAccounts", "csbackup01", "listKeys/action"},
		{"rg-kv", "Microsoft.KeyVault", "vaults", "contoso-kv", "write"},
	}
	for _, day := range []time.Time{day1, day2} {
		for i := 0; i < 90; i++ {
			n := routine[g.rng.IntN(len(routine))]
			u := users[1+g.rng.IntN(len(users)-1)]
			if n.rg == "rg-vm-batch" || n.rg == "rg-web-prod" {
				u = users[4] // the pipeline
			}
			at := day.Add(time.Duration(g.rng.IntN(86400)) * time.Second)
			sub := subProd
			if g.rng.IntN(4) == 0 {
				sub = subDev
			}
			g.op(at, u, sub, n.rg, n.provider, n.typ, n.name, n.action, "Success")
		}
		// Failed key listings on a Cloud Shell resource group (no access).
		for i := 0; i < 3; i++ {
			at := day.Add(time.Duration(g.rng.IntN(86400)) * time.Second)
			g.op(at, users[3], subProd, "cloud-shell-storage-westeurope", "Microsoft.Storage", "storageAccounts", "cs11003200045a6b7c8", "listKeys/action", "Failure")
		}
		if day == day1 { // sign-ins reach only the Event Hub (received before the split)
			for i := 0; i < 6; i++ {
				g.signIn(day.Add(time.Duration(g.rng.IntN(80000))*time.Second), users[g.rng.IntN(4)])
			}
		}
	}

	// Both sessions fall on day two, so that a rule looking back one day
	// from the end of the data (2026-11-04T00:00Z) sees both.
	// Cloud Shell session 1: alice, morning, then privileged changes.
	g.cloudShellSession(day2.Add(8*time.Hour+14*time.Minute+27*time.Second), users[0], "westeurope", "cs11003200045a6b7c8", [][4]string{
		{"rg-app-prod", "Microsoft.Authorization", "roleAssignments", "6f1d2c3b-4a59-4e68-8d7c-9b0a1f2e3d4c"},
		{"rg-app-prod", "Microsoft.Compute", "virtualMachines", "app-vm-01"},
		{"rg-app-prod", "Microsoft.Compute", "virtualMachines", "+runCommand/action"},
		{"rg-net", "Microsoft.Network", "networkSecurityGroups", "nsg-app"},
	})
	// Cloud Shell session 2: bob, afternoon, in another region.
	g.cloudShellSession(day2.Add(16*time.Hour+40*time.Minute+3*time.Second), users[1], "northeurope", "cs21003200078d9e0f1", [][4]string{
		{"rg-kv", "Microsoft.Authorization", "roleAssignments", "0c9b8a7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d"},
		{"rg-kv", "Microsoft.KeyVault", "vaults", "contoso-kv"},
		{"rg-vm-batch", "Microsoft.Compute", "virtualMachines", "batch-03"},
	})

	sort.SliceStable(g.recs, func(i, j int) bool { return g.recs[i].received.Before(g.recs[j].received) })

	// The Event Hubs file holds what was received until noon of day two,
	// the storage tree the rest.
	split := day2.Add(12 * time.Hour)
	var ehRecs, stRecs []record
	for _, r := range g.recs {
		if r.received.Before(split) {
			ehRecs = append(ehRecs, r)
		} else {
			stRecs = append(stRecs, r)
		}
	}
	// A second diagnostic setting (management group) sends some records
	// to the same hub again.
	for i := 10; i < len(ehRecs) && i < 200; i += 40 {
		dup := ehRecs[i]
		dup.received = dup.received.Add(time.Minute)
		ehRecs = append(ehRecs, dup)
	}
	sort.SliceStable(ehRecs, func(i, j int) bool { return ehRecs[i].received.Before(ehRecs[j].received) })

	if err := os.RemoveAll(filepath.Join(out, "eventhub")); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(out, "insights-activity-logs")); err != nil {
		return err
	}
	// Event Hubs: one {"records":[…]} document per line, up to 25 records
	// each.
	var eh bytes.Buffer
	for i := 0; i < len(ehRecs); i += 25 {
		end := min(i+25, len(ehRecs))
		eh.Write(mustJSON(map[string][]record{"records": ehRecs[i:end]}))
		eh.WriteByte('\n')
	}
	if err := write(filepath.Join(out, "eventhub", "activity-eventhub.json"), eh.Bytes()); err != nil {
		return err
	}
	// Storage: one PT1H.json per subscription and hour of receipt, JSON
	// lines, without the Event Hubs wrapper fields.
	files := map[string]*bytes.Buffer{}
	var names []string
	for _, r := range stRecs {
		sub := strings.Split(r.ResourceID, "/")[2]
		rt := r.received.UTC()
		p := filepath.Join(out, "insights-activity-logs", "resourceId=", "SUBSCRIPTIONS", sub,
			fmt.Sprintf("y=%04d", rt.Year()), fmt.Sprintf("m=%02d", int(rt.Month())), fmt.Sprintf("d=%02d", rt.Day()),
			fmt.Sprintf("h=%02d", rt.Hour()), "m=00", "PT1H.json")
		if files[p] == nil {
			files[p] = &bytes.Buffer{}
			names = append(names, p)
		}
		r.RoleLocation = ""
		files[p].Write(mustJSON(r))
		files[p].WriteByte('\n')
	}
	for _, p := range names {
		if err := write(p, files[p].Bytes()); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %d Event Hubs records and %d storage records in %d PT1H.json files under %s\n", len(ehRecs), len(stRecs), len(names), out)
	return nil
}

func write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
