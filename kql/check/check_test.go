package check

import (
	"strings"
	"testing"

	"kqlhunt/batch"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func schemaString(s *batch.Schema) string {
	if s == nil {
		return "<nil>"
	}
	var parts []string
	for _, f := range s.Fields {
		parts = append(parts, f.Name+":"+f.Type.String())
	}
	return strings.Join(parts, ", ")
}

func testEnv() *Env {
	env := DefaultEnv()
	env.AddTable("T", &batch.Schema{Fields: []batch.Field{
		{Name: "a", Type: types.Long}, {Name: "b", Type: types.String}, {Name: "t", Type: types.DateTime},
		{Name: "d", Type: types.Dynamic}, {Name: "r", Type: types.Real},
	}})
	env.AddTable("U", &batch.Schema{Fields: []batch.Field{
		{Name: "a", Type: types.Long}, {Name: "c", Type: types.String},
	}})
	env.TableFuncs["_GetWatchlist"] = func(args []types.Value) (*batch.Schema, error) {
		return &batch.Schema{Fields: []batch.Field{{Name: "SearchKey", Type: types.String}, {Name: "WatchlistItem", Type: types.Dynamic}}}, nil
	}
	return env
}

func checkQuery(t *testing.T, src string) (*Info, error) {
	t.Helper()
	q, err := syntax.Parse("q", src, nil)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return Check(syntax.NewFile("q", src), q, testEnv())
}

func TestSchemas(t *testing.T) {
	cases := []struct{ q, want string }{
		{`T`, "a:long, b:string, t:datetime, d:dynamic, r:real"},
		{`T | where a > 1 | project a, b`, "a:long, b:string"},
		{`T | project x = a * 2, b, strlen(b)`, "x:long, b:string, Column1:long"},
		{`T | extend b = 1, z = "q"`, "a:long, b:long, t:datetime, d:dynamic, r:real, z:string"},
		{`T | project-away a, d`, "b:string, t:datetime, r:real"},
		{`T | project-away *a*`, "b:string, t:datetime, d:dynamic, r:real"},
		{`T | project-keep a, t`, "a:long, t:datetime"},
		{`T | project-rename x = a`, "x:long, b:string, t:datetime, d:dynamic, r:real"},
		{`T | project-reorder r, b`, "r:real, b:string, a:long, t:datetime, d:dynamic"},
		{`T | summarize count()`, "count_:long"},
		{`T | summarize covariance(a, r), covariancepif(a, r, a > 1)`, "covariance_a_r:real, covariancepif_a_r:real"},
		{`T | summarize count(), make_set(b), make_list(a), max(t), min(a), sum(r), avg(a), dcount(b), countif(a > 1) by b`,
			"b:string, count_:long, set_b:dynamic, list_a:dynamic, max_t:datetime, min_a:long, sum_r:real, avg_a:real, dcount_b:long, countif_:long"},
		{`T | summarize by bin(t, 1h)`, "t:datetime"},
		{`T | project d | extend series_stats(d) | project-away d | project-keep *max*`, "series_stats_d_max:real, series_stats_d_max_idx:long"},
		{`T | project x = extract("a(.)", 1, b, typeof(int))`, "x:int"},
		{`T | summarize percentiles(a, 50, 99.9), (p1, p2) = percentiles(r, 1, 2), percentiles_array(a, 5, 10)`,
			"percentile_a_50:long, percentile_a_99_9:long, p1:real, p2:real, percentile_a:dynamic"},
		{`T | summarize n = count() by k = bin(t, 1h), strlen(b)`, "k:datetime, Column1:long, n:long"},
		{`T | summarize arg_max(t, a) by b`, "b:string, t:datetime, a:long"},
		{`T | summarize arg_max(t, *) by b`, "b:string, t:datetime, a:long, d:dynamic, r:real"},
		{`T | summarize by tostring(d.x)`, "d_x:string"},
		{`T | join U on a`, "a:long, b:string, t:datetime, d:dynamic, r:real, a1:long, c:string"},
		{`T | join kind=leftsemi U on a`, "a:long, b:string, t:datetime, d:dynamic, r:real"},
		{`T | join kind=rightanti U on a`, "a:long, c:string"},
		{`T | join kind=inner (U | extend b = c) on $left.b == $right.c`, "a:long, b:string, t:datetime, d:dynamic, r:real, a1:long, c:string, b1:string"},
		{`T | lookup U on a`, "a:long, b:string, t:datetime, d:dynamic, r:real, c:string"},
		{`T | project a | union (U | project a, c)`, "a:long, c:string"},
		{`union withsource=S T, U | project S, a`, "S:string, a:long"},
		{`T | count`, "Count:long"},
		{`T | distinct b, a`, "b:string, a:long"},
		{`T | mv-expand d`, "a:long, b:string, t:datetime, d:dynamic, r:real"},
		{`T | mv-expand with_itemindex=i x = d to typeof(string)`, "a:long, b:string, t:datetime, d:dynamic, r:real, x:string, i:long"},
		{`T | parse b with "x=" x:long "," y`, "a:long, b:string, t:datetime, d:dynamic, r:real, x:long, y:string"},
		{`range x from 1 to 3 step 1`, "x:long"},
		{`print 1, s = "a"`, "print_0:long, s:string"},
		{`datatable(x:int, y:string)[1, "a"]`, "x:int, y:string"},
		{`T | getschema`, "ColumnName:string, ColumnOrdinal:int, DataType:string, ColumnType:string"},
		{`let f = (x:long) { x * 2 }; T | project y = f(a)`, "y:long"},
		{`let g = (tab:(a:long)) { tab | summarize count() }; g(T)`, "count_:long"},
		{`let v = T | where a > 1; v | project b`, "b:string"},
		{`let k = 5; T | where a > k | project a`, "a:long"},
		{`_GetWatchlist('x') | project SearchKey`, "SearchKey:string"},
		{`T | extend x = column_ifexists("nope", "")`, "a:long, b:string, t:datetime, d:dynamic, r:real, x:string"},
		{`T | extend p = pack_all()`, "a:long, b:string, t:datetime, d:dynamic, r:real, p:dynamic"},
		{`T | serialize | extend n = row_number()`, "a:long, b:string, t:datetime, d:dynamic, r:real, n:long"},
		{`T | evaluate bag_unpack(d) | project a`, "a:long"},
		{`T | where a in ((U | project a))`, "a:long, b:string, t:datetime, d:dynamic, r:real"},
		{`print toscalar(T | summarize max(a))`, "print_0:long"},
		{`let f = (tab:(*), n:long) { tab | where a > n | summarize c = count() by b }; T | invoke f(1)`, "b:string, c:long"},
	}
	checkSchemas(t, cases)
}

// checkSchemas checks each query's result schema.
func checkSchemas(t *testing.T, cases []struct{ q, want string }) {
	t.Helper()
	for _, c := range cases {
		info, err := checkQuery(t, c.q)
		if err != nil {
			t.Errorf("%s: unexpected error: %v", c.q, err)
			continue
		}
		if got := schemaString(info.Result); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.q, got, c.want)
		}
	}
}

func TestErrors(t *testing.T) {
	cases := []struct{ q, want string }{
		{`Tx | take 1`, "q:1:1: unknown table Tx (did you mean T?)"},
		{`T | where bb == "x"`, "q:1:11: unknown column or name bb (did you mean b?)"},
		{`T | where a`, "q:1:11: where predicate must be bool, not long"},
		{`T | project strlenn(b)`, "q:1:13: unknown function strlenn (did you mean strlen?)"},
		{`T | project strlen(b, a)`, "q:1:13: strlen() takes 1 argument, got 2"},
		{`T | extend count()`, "q:1:12: aggregate function count() is only allowed in summarize (and similar operators)"},
		{`T | join U on c`, "q:1:15: join key c is not a column of the left side"},
		{`T | project-away zz`, "q:1:18: unknown column or name zz"},
		{`T | extend n = row_number()`, "q:1:16: row_number() needs serialized input (add serialize or sort before it)"},
		{`T | project bin(b, 1h)`, "q:1:13: bin(): argument 1: expected a number, datetime or timespan, got string"},
		{`T | extend x = a + b`, "q:1:18: operator + cannot be applied to long and string"},
		{`T | where t > 5`, "q:1:13: cannot compare datetime with long using >"},
		{`T | project a | extend z = nope`, "q:1:28: unknown column or name nope"},
		{`T | take "x"`, "q:1:10: row count must be an integer, not string"},
		{`let f = (x:long) { x }; print f()`, "q:1:33: missing argument x to f"},
	}
	for _, c := range cases {
		_, err := checkQuery(t, c.q)
		if err == nil {
			t.Errorf("%s: no error, want %s", c.q, c.want)
			continue
		}
		if got := err.Error(); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.q, got, c.want)
		}
	}
}

func TestTablesRead(t *testing.T) {
	info, err := checkQuery(t, `let x = U | project a; T | join x on a | union (AzureActivity | project a = 1)`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(info.TablesRead, ","); got != "AzureActivity,T,U" {
		t.Errorf("TablesRead = %s", got)
	}
}

func TestDefaultEnv(t *testing.T) {
	s := DefaultEnv().Tables["AzureActivity"]
	if s == nil || len(s.Fields) != 35 {
		t.Fatalf("AzureActivity schema: %v", s)
	}
	if s.Fields[s.Index("TimeGenerated")].Type != types.DateTime || s.Index("_SubscriptionId") < 0 {
		t.Errorf("unexpected AzureActivity schema: %s", schemaString(s))
	}
}

func TestParseSchema(t *testing.T) {
	name, s, err := ParseSchema([]byte(`{"Name":"X","Properties":[{"Name":"a","Type":"String"},{"Name":"b","Type":"DateTime"},{"Name":"c","Type":"Dynamic"},{"Name":"d","Type":"Guid"},{"Name":"e","Type":"Int64"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if name != "X" || schemaString(s) != "a:string, b:datetime, c:dynamic, d:guid, e:long" {
		t.Errorf("got %s %s", name, schemaString(s))
	}
	for _, bad := range []string{`{`, `{"Name":""}`, `{"Name":"X","Properties":[{"Name":"a","Type":"blob"}]}`, `{"Name":"X","Properties":[{"Name":"a","Type":"string"},{"Name":"a","Type":"string"}]}`} {
		if _, _, err := ParseSchema([]byte(bad)); err == nil {
			t.Errorf("ParseSchema(%s): no error", bad)
		}
	}
}

func FuzzParseSchema(f *testing.F) {
	f.Add([]byte(`{"Name":"X","Properties":[{"Name":"a","Type":"String"}]}`))
	f.Add([]byte(`{"Name":"X","Properties":[{"Name":"","Type":"String"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		name, s, err := ParseSchema(data)
		if err == nil && (name == "" || s == nil) {
			t.Fatalf("no error but empty result")
		}
	})
}

func TestInfoTypesAndSchemas(t *testing.T) {
	src := `T | where a > 1 | extend x = strcat(b, "!") | summarize n = count() by x`
	q, err := syntax.Parse("q", src, nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := Check(syntax.NewFile("q", src), q, testEnv())
	if err != nil {
		t.Fatal(err)
	}
	pipe := q.Stmts[0].(*syntax.ExprStmt).X.(*syntax.PipeExpr)
	where := pipe.Ops[0].(*syntax.WhereOp)
	if got := info.Types[where.Pred]; got != types.Bool {
		t.Errorf("type of where predicate = %s", got)
	}
	if got := info.Types[where.Pred.(*syntax.BinaryExpr).X]; got != types.Long {
		t.Errorf("type of a = %s", got)
	}
	want := []string{
		"a:long, b:string, t:datetime, d:dynamic, r:real",
		"a:long, b:string, t:datetime, d:dynamic, r:real, x:string",
		"x:string, n:long",
	}
	for i, op := range pipe.Ops {
		if got := schemaString(info.Schemas[op]); got != want[i] {
			t.Errorf("schema of operator %d = %s, want %s", i, got, want[i])
		}
	}
	if sym := info.Refs[where.Pred.(*syntax.BinaryExpr).X.(*syntax.Ident)]; sym == nil || sym.Kind != SymColumn {
		t.Errorf("a does not resolve to a column: %+v", sym)
	}
}

// FuzzCheck checks that no query text makes the checker panic.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`T | where a > 1 | summarize count() by b`,
		`let f = (x:long) { x * 2 }; T | project y = f(a)`,
		`T | join kind=leftouter (U | project a, c) on $left.a == $right.a`,
		`union isfuzzy=true T, Nope | project a, zz`,
		`T | mv-expand d | parse b with "x" y:long | evaluate bag_unpack(d)`,
		`let g = (tab:(*)) { tab | count }; T | invoke g()`,
		`let f = () { f() }; f()`,
	} {
		f.Add(s)
	}
	env := testEnv()
	f.Fuzz(func(t *testing.T, src string) {
		q, err := syntax.Parse("q", src, nil)
		if err != nil || q == nil {
			return
		}
		_, _ = Check(syntax.NewFile("q", src), q, env)
	})
}
