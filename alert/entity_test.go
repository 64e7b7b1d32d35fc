package alert

import (
	"fmt"
	"strings"
	"testing"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

func oneColumn(name string, vals ...string) *Table {
	t := &Table{Fields: []batch.Field{{Name: name, Type: types.String}}}
	for _, v := range vals {
		t.Data = append(t.Data, []types.Value{str(v)})
	}
	return t
}

func allRows(r Rows) []int { return seq(0, r.NumRows()) }

func TestBuildEntitiesGolden(t *testing.T) {
	var sb strings.Builder
	rows := fixtureRows()
	sb.WriteString("mapped, all rows:\n" + EntitiesJSON(BuildEntities(fixtureSpec().Mappings, rows, allRows(rows))) + "\n")
	legacy := &Table{
		Fields: []batch.Field{
			{Name: "AccountCustomEntity", Type: types.String}, {Name: "HostCustomEntity", Type: types.String},
			{Name: "IPCustomEntity", Type: types.String}, {Name: "URLCustomEntity", Type: types.String},
			{Name: "FileHashCustomEntity", Type: types.String}, {Name: "Other", Type: types.Long},
		},
		Data: [][]types.Value{
			{str("carol@fabrikam.com"), str("web01.fabrikam.com"), str("192.0.2.10"), str("https://example.org/a?b=1&c=<2>"), str("d41d8cd98f00b204e9800998ecf8427e"), types.NewLong(1)},
			{str(`FABRIKAM\dave`), str(`FABRIKAM\db02`), str(""), str(""), str("da39a3ee5e6b4b0d3255bfef95601890afd80709"), types.NullOf(types.Long)},
		},
	}
	sb.WriteString("legacy columns:\n" + EntitiesJSON(BuildEntities(nil, legacy, allRows(legacy))) + "\n")
	// With mappings, the legacy columns are ignored.
	sb.WriteString("mappings win over legacy columns:\n" + EntitiesJSON(BuildEntities([]Mapping{{"IP", []FieldMapping{{"Address", "IPCustomEntity"}}}}, legacy, allRows(legacy))) + "\n")
	multi := &Table{
		Fields: []batch.Field{{Name: "Name", Type: types.String}, {Name: "Sfx", Type: types.String}, {Name: "Sid", Type: types.String}},
		Data:   [][]types.Value{{str("erin"), str("contoso.com"), str("S-1-5-21-1")}, {str("frank"), str(""), str("")}, {str(""), str(""), str("")}},
	}
	sb.WriteString("multi-identifier account:\n" + EntitiesJSON(BuildEntities([]Mapping{{"Account", []FieldMapping{{"Name", "Name"}, {"UPNSuffix", "Sfx"}, {"Sid", "Sid"}}}}, multi, allRows(multi))) + "\n")
	golden(t, "entities", []byte(sb.String()))
}

func TestDroppedAccountNames(t *testing.T) {
	names := []string{"ADMIN", "administrator", "System", "root", "ANONYMOUS", "Authenticated User", "network",
		"NULL", "Local System", "localsystem", "NETWORK SERVICE", `NT AUTHORITY\SYSTEM`, "system@contoso.com"}
	for _, n := range names {
		rows := oneColumn("AccountCustomEntity", n)
		if es := BuildEntities(nil, rows, allRows(rows)); len(es) != 0 {
			t.Errorf("account %q kept: %s", n, EntitiesJSON(es))
		}
	}
	for _, n := range []string{"alice", "administrators", "sysadmin"} {
		rows := oneColumn("AccountCustomEntity", n)
		if es := BuildEntities(nil, rows, allRows(rows)); len(es) != 1 {
			t.Errorf("account %q dropped", n)
		}
	}
}

func TestEmptyIdentifiersGiveNoEntity(t *testing.T) {
	rows := &Table{
		Fields: []batch.Field{{Name: "IP", Type: types.String}, {Name: "N", Type: types.Long}},
		Data:   [][]types.Value{{str(""), types.NullOf(types.Long)}, {str("   "), types.NullOf(types.Long)}},
	}
	m := []Mapping{{"IP", []FieldMapping{{"Address", "IP"}}}, {"Process", []FieldMapping{{"ProcessId", "N"}}}, {"Host", []FieldMapping{{"HostName", "Missing"}}}}
	if es := BuildEntities(m, rows, allRows(rows)); len(es) != 0 {
		t.Errorf("entities from empty values: %s", EntitiesJSON(es))
	}
}

func TestEntityLimits(t *testing.T) {
	// 500 entities split across 3 mappings: 166 each at most.
	rows := &Table{Fields: []batch.Field{{Name: "A", Type: types.String}, {Name: "I", Type: types.String}, {Name: "U", Type: types.String}}}
	for i := 0; i < 400; i++ {
		rows.Data = append(rows.Data, []types.Value{str(fmt.Sprintf("user%d@x.com", i)), str(fmt.Sprintf("10.0.%d.%d", i/256, i%256)), str(fmt.Sprintf("https://x/%d", i))})
	}
	m := []Mapping{{"Account", []FieldMapping{{"FullName", "A"}}}, {"IP", []FieldMapping{{"Address", "I"}}}, {"URL", []FieldMapping{{"Url", "U"}}}}
	es := BuildEntities(m, rows, allRows(rows))
	count := map[string]int{}
	for _, e := range es {
		count[e.Type]++
	}
	if count["account"] != 166 || count["ip"] != 166 || count["url"] != 166 {
		t.Errorf("per-mapping counts %v, want 166 each", count)
	}
	// One mapping: 500 total, and the 64 KB cap on the serialised array.
	big := &Table{Fields: []batch.Field{{Name: "U", Type: types.String}}}
	for i := 0; i < 600; i++ {
		big.Data = append(big.Data, []types.Value{str(fmt.Sprintf("https://example.org/%04d/%s", i, strings.Repeat("p", 200)))})
	}
	es = BuildEntities([]Mapping{{"URL", []FieldMapping{{"Url", "U"}}}}, big, allRows(big))
	js := EntitiesJSON(es)
	if len(js) > MaxEntitiesBytes || len(es) >= 500 || len(es) < 200 {
		t.Errorf("%d entities, %d bytes", len(es), len(js))
	}
	small := &Table{Fields: []batch.Field{{Name: "U", Type: types.String}}}
	for i := 0; i < 600; i++ {
		small.Data = append(small.Data, []types.Value{str(fmt.Sprintf("10.1.%d.%d", i/256, i%256))})
	}
	if es := BuildEntities([]Mapping{{"IP", []FieldMapping{{"Address", "U"}}}}, small, allRows(small)); len(es) != MaxEntities {
		t.Errorf("%d entities, want %d", len(es), MaxEntities)
	}
	// The budget is split only among mappings whose columns exist: a lone
	// legacy column gets all 500.
	small.Fields[0].Name = "IPCustomEntity"
	if es := BuildEntities(nil, small, allRows(small)); len(es) != MaxEntities {
		t.Errorf("legacy: %d entities, want %d", len(es), MaxEntities)
	}
}

func TestParseEntitiesRoundTrip(t *testing.T) {
	rows := fixtureRows()
	es := BuildEntities(fixtureSpec().Mappings, rows, allRows(rows))
	back, err := ParseEntities(EntitiesJSON(es))
	if err != nil {
		t.Fatal(err)
	}
	if EntitiesJSON(back) != EntitiesJSON(es) {
		t.Errorf("round trip:\n%s\n%s", EntitiesJSON(back), EntitiesJSON(es))
	}
}

func FuzzParseEntities(f *testing.F) {
	f.Add(`[{"$id":"1","Name":"a","Type":"account"}]`)
	f.Add(`[]`)
	f.Add(`[{"$id":"2","IsDomainJoined":true,"Type":"host"}]`)
	f.Add(`{`)
	f.Fuzz(func(t *testing.T, s string) {
		es, err := ParseEntities(s)
		if err != nil {
			return
		}
		if _, err := ParseEntities(EntitiesJSON(es)); err != nil {
			t.Fatalf("re-parse of %q failed: %v", EntitiesJSON(es), err)
		}
	})
}
