package syntax

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// printCases parse each input and compare the canonical printed form. The
// expected texts were checked by hand against the Kusto documentation of
// each construct.
var printCases = []struct{ in, want string }{
	{"T | evaluate bag_unpack(d) : (*, Name:string, Age:long)",
		"T\n| evaluate bag_unpack(d) : (*, Name:string, Age:long)"},
	{"T | scan with (step s1 output=none: x > 1; step s2 optional output=last: true => y = 1;)",
		"T\n| scan with (\n    step s1 output=none: x > 1;\n    step s2 optional output=last: true => y = 1;\n)"},
	{"print dynamic({'a': dynamic({}), 'b': dynamic([1])})",
		"print dynamic({'a': dynamic({}), 'b': dynamic([1])})"},
	{"T | where a containscs 'x'",
		"T\n| where a contains_cs 'x'"},
	{"T | where a == 1 and b != 2 or c <> 3",
		"T\n| where a == 1 and b != 2 or c != 3"},
	{"T | filter x =~ \"A\" and y !~ 'b'",
		"T\n| filter x =~ \"A\" and y !~ 'b'"},
	{"T | where a + b * c - d / e % f > 1",
		"T\n| where a + b * c - d / e % f > 1"},
	{"T | where -a < +b",
		"T\n| where -a < +b"},
	{"T | where Name has \"x\" and Name !has \"y\" and Name has_cs \"X\" and Name !has_cs \"Y\"",
		"T\n| where Name has \"x\" and Name !has \"y\" and Name has_cs \"X\" and Name !has_cs \"Y\""},
	{"T | where a hasprefix \"x\" or a !hasprefix \"x\" or a hassuffix_cs \"y\" or a !hassuffix \"z\"",
		"T\n| where a hasprefix \"x\" or a !hasprefix \"x\" or a hassuffix_cs \"y\" or a !hassuffix \"z\""},
	{"T | where a contains \"x\" and a !contains_cs \"y\" and a startswith \"s\" and a !endswith_cs \"e\"",
		"T\n| where a contains \"x\" and a !contains_cs \"y\" and a startswith \"s\" and a !endswith_cs \"e\""},
	{"T | where a matches regex \"^a.*$\"",
		"T\n| where a matches regex \"^a.*$\""},
	{"T | where a in (1, 2, 3) and b !in (\"x\") and c in~ (\"A\", \"b\") and d !in~ (L)",
		"T\n| where a in (1, 2, 3) and b !in (\"x\") and c in~ (\"A\", \"b\") and d !in~ (L)"},
	{"T | where a has_any (dynamic([\"a\", \"b\"])) and b has_all (\"x\", \"y\")",
		"T\n| where a has_any (dynamic([\"a\", \"b\"])) and b has_all (\"x\", \"y\")"},
	{"T | where a in ((U | project a))",
		"T\n| where a in ((U\n| project a))"},
	{"T | where a in (U | distinct a)",
		"T\n| where a in (U\n| distinct a)"},
	{"T | where t between (ago(1d) .. now()) and u !between (1 .. 5)",
		"T\n| where t between (ago(1d) .. now()) and u !between (1 .. 5)"},
	{"T | where not(isempty(x)) and isnotnull(y)",
		"T\n| where not(isempty(x)) and isnotnull(y)"},
	{"T | extend a = b.c, d = e[\"k\"], f = g[0], h = $left.x",
		"T\n| extend a = b.c, d = e[\"k\"], f = g[0], h = $left.x"},
	{"T | project a, b = c + 1, (x, y) = f(z), ['my col'] = [\"other\"]",
		"T\n| project a, b = c + 1, (x, y) = f(z), ['my col'] = ['other']"},
	{"T | project-away Prop*, *Id, A, ['b c']",
		"T\n| project-away Prop*, *Id, A, ['b c']"},
	{"T | project-keep A*, B",
		"T\n| project-keep A*, B"},
	{"T | project-rename New = Old, N2 = O2",
		"T\n| project-rename New = Old, N2 = O2"},
	{"T | project-reorder C asc, A*, B desc, D granny-asc",
		"T\n| project-reorder C asc, A*, B desc, D granny-asc"},
	{"T | summarize count(), dcount(x), arg_max(TimeGenerated, *) by bin(TimeGenerated, 1h), Computer",
		"T\n| summarize count(), dcount(x), arg_max(TimeGenerated, *) by bin(TimeGenerated, 1h), Computer"},
	{"T | summarize hint.strategy=shuffle Total = sum(x) by k",
		"T\n| summarize hint.strategy=shuffle Total = sum(x) by k"},
	{"T | summarize by a, b",
		"T\n| summarize by a, b"},
	{"T | summarize make_set(x, 100)",
		"T\n| summarize make_set(x, 100)"},
	{"T | join kind=inner hint.remote=left (U | where x > 1) on $left.a == $right.b and $left.c == $right.d",
		"T\n| join kind=inner hint.remote=left (U\n| where x > 1) on $left.a == $right.b, $left.c == $right.d"},
	{"T | join kind=leftouter U on A, B",
		"T\n| join kind=leftouter U on A, B"},
	{"T | join U on $left.X == $right.Y, Z",
		"T\n| join U on $left.X == $right.Y, Z"},
	{"T | lookup kind=leftouter U on K",
		"T\n| lookup kind=leftouter U on K"},
	{"union withsource=SourceTable kind=outer isfuzzy=true T1, T2*, (T3 | where x), *",
		"union withsource=SourceTable kind=outer isfuzzy=true T1, T2*, (T3\n| where x), *"},
	{"T | union U, V",
		"T\n| union U, V"},
	{"T | sort by a desc nulls last, b asc nulls first, c",
		"T\n| sort by a desc nulls last, b asc nulls first, c"},
	{"T | order by a",
		"T\n| order by a"},
	{"T | top 10 by x desc",
		"T\n| top 10 by x desc"},
	{"T | top-nested 3 of a by sum(b), 2 of c with others = \"other\" by count() desc",
		"T\n| top-nested 3 of a by sum(b), top-nested 2 of c with others = \"other\" by count() desc"},
	{"T | top-nested 2 of State by count(), top-nested of Src by max(x) asc",
		"T\n| top-nested 2 of State by count(), top-nested of Src by max(x) asc"},
	{"T | take 10",
		"T\n| take 10"},
	{"T | limit 5",
		"T\n| limit 5"},
	{"T | distinct a, b",
		"T\n| distinct a, b"},
	{"T | distinct *",
		"T\n| distinct *"},
	{"T | count",
		"T\n| count"},
	{"T | mv-expand bagexpansion=array with_itemindex=Idx x to typeof(string), y limit 100",
		"T\n| mv-expand bagexpansion=array with_itemindex=Idx x to typeof(string), y limit 100"},
	{"T | mv-expand kind=array a = b",
		"T\n| mv-expand kind=array a = b"},
	{"T | mvexpand x",
		"T\n| mv-expand x"},
	{"T | mv-apply x to typeof(long) on (top 1 by x | project x)",
		"T\n| mv-apply x to typeof(long) on (top 1 by x\n| project x)"},
	{"T | mv-apply e = Entities on (where e.Type == \"ip\" | take 1)",
		"T\n| mv-apply e = Entities on (where e.Type == \"ip\"\n| take 1)"},
	{"T | parse Msg with * \"user=\" User:string \" id=\" Id:long *",
		"T\n| parse Msg with * \"user=\" User:string \" id=\" Id:long *"},
	{"T | parse kind=regex flags=Ui Msg with @\"(\\d+)\" N:int",
		"T\n| parse kind=regex flags=Ui Msg with @\"(\\d+)\" N:int"},
	{"T | parse-where kind=relaxed x with \"a\" b \"c\" d",
		"T\n| parse-where kind=relaxed x with \"a\" b \"c\" d"},
	{"T | parse-kv Msg as (A:string, B:long) with (pair_delimiter=\",\", kv_delimiter=\"=\")",
		"T\n| parse-kv Msg as (A:string, B:long) with (pair_delimiter=\",\", kv_delimiter=\"=\")"},
	{"T | make-series n = count() default = 0 on TimeGenerated from ago(7d) to now() step 1h by Computer",
		"T\n| make-series n = count() default = 0 on TimeGenerated from ago(7d) to now() step 1h by Computer"},
	{"T | make-series avg(x) on t in range(datetime(2021-01-01), datetime(2021-01-08), 1d)",
		"T\n| make-series avg(x) on t in range(datetime(2021-01-01), datetime(2021-01-08), 1d)"},
	{"T | make-series kind=nonempty c = count() on t step 1d",
		"T\n| make-series kind=nonempty c = count() on t step 1d"},
	{"T | evaluate bag_unpack(Props)",
		"T\n| evaluate bag_unpack(Props)"},
	{"T | evaluate hint.distribution=per_node autocluster(0.1, \"~\", \"x\")",
		"T\n| evaluate hint.distribution=per_node autocluster(0.1, \"~\", \"x\")"},
	{"evaluate python(typeof(*), \"code\")",
		"evaluate python(typeof(*), \"code\")"},
	{"T | render timechart with (title=\"x\", ycolumns=a, b, kind=stacked)",
		"T\n| render timechart with (title=\"x\", ycolumns=a, b, kind=stacked)"},
	{"T | render piechart",
		"T\n| render piechart"},
	{"T | as hint.materialized=true X",
		"T\n| as hint.materialized=true X"},
	{"T | serialize",
		"T\n| serialize"},
	{"T | serialize rn = row_number()",
		"T\n| serialize rn = row_number()"},
	{"range x from 1 to 10 step 2",
		"range x from 1 to 10 step 2"},
	{"print a = 1, \"b\", c = now()",
		"print a = 1, \"b\", c = now()"},
	{"print x = 1 | extend y = 2",
		"print x = 1\n| extend y = 2"},
	{"datatable(a:string, b:long) [\"x\", 1, \"y\", -2]",
		"datatable(a:string, b:long) [\"x\", 1, \"y\", -2]"},
	{"externaldata(UserAgent:string, Category:string) [@\"https://x/y.csv\"] with (format=\"csv\", ignoreFirstRecord=true)",
		"externaldata(UserAgent:string, Category:string) [@\"https://x/y.csv\"] with (format=\"csv\", ignoreFirstRecord=true)"},
	{"T | getschema",
		"T\n| getschema"},
	{"T | invoke f(1, \"a\")",
		"T\n| invoke f(1, \"a\")"},
	{"search \"error\"",
		"search \"error\""},
	{"search kind=case_sensitive in (T1, T2) \"x\" and \"y\"",
		"search kind=case_sensitive in (T1, T2) \"x\" and \"y\""},
	{"search *",
		"search *"},
	{"find in (T1, T2*) where x == 1 project-smart",
		"find in (T1, T2*) where x == 1 project-smart"},
	{"find withsource=S where x == 1 project a, b",
		"find withsource=S where x == 1 project a, b"},
	{"T | facet by a, b with (top 3 by c)",
		"T\n| facet by a, b with (top 3 by c)"},
	{"T | sample 10",
		"T\n| sample 10"},
	{"T | sample-distinct 5 of x",
		"T\n| sample-distinct 5 of x"},
	{"T | fork (where a > 1 | take 1) named = (count)",
		"T\n| fork (where a > 1\n| take 1) named = (count)"},
	{"T | partition hint.strategy=native by k (top 1 by t)",
		"T\n| partition hint.strategy=native by k (top 1 by t)"},
	{"T | partition by k { U | where k == 1 }",
		"T\n| partition by k {\nU\n| where k == 1\n}"},
	{"T | scan with_match_id=m declare (s:long = 0) with (step a: x == 1 => s = 1; step b optional: x == 2;)",
		"T\n| scan with_match_id=m declare (s:long = 0) with (\n    step a: x == 1 => s = 1;\n    step b optional: x == 2;\n)"},
	{"T | scan order by t partition by k with (step s1: true;)",
		"T\n| scan order by t partition by k with (\n    step s1: true;\n)"},
	{"T | consume decodeblocks=true",
		"T\n| consume decodeblocks=true"},
	{"let x = 5; T | where a > x",
		"let x = 5;\nT\n| where a > x"},
	{"let f = (a:string, b:long = 10) { T | where c == a | take b }; f(\"x\")",
		"let f = (a:string, b:long = 10) {\nT\n| where c == a\n| take b\n};\nf(\"x\")"},
	{"let g = (T:(*), x:long) { T | take x }; g(U, 1)",
		"let g = (T:(*), x:long) {\nT\n| take x\n};\ng(U, 1)"},
	{"let h = (T:(a:string, b:long)) { T | project a }; h(U)",
		"let h = (T:(a:string, b:long)) {\nT\n| project a\n};\nh(U)"},
	{"let v = view () { T | take 1 }; v",
		"let v = view () {\nT\n| take 1\n};\nv"},
	{"let Z = materialize(T | summarize count() by x);",
		"let Z = materialize(T\n| summarize count() by x)"},
	{"set querytrace; set truncationmaxrecords = 1000; T",
		"set querytrace;\nset truncationmaxrecords = 1000;\nT"},
	{"declare query_parameters(n:long = 5, s:string); T | take n",
		"declare query_parameters(n:long = 5, s:string);\nT\n| take n"},
	{";;T | take 1;",
		"T\n| take 1"},
	{"print long(5), int(null), real(nan), real(+inf), bool(true), decimal(1.5), datetime(2021-04-28 14:31:30.021), datetime(null), timespan(1d), time(1.02:03:04), guid(74be27de-1e4e-49d9-b579-fe0b331d3642)",
		"print long(5), int(null), real(nan), real(+inf), bool(true), decimal(1.5), datetime(2021-04-28 14:31:30.021), datetime(null), timespan(1d), timespan(1.02:03:04), guid(74be27de-1e4e-49d9-b579-fe0b331d3642)"},
	{"print dynamic([1, \"a\", null, -2.5, {\"k\": [true, false]}]), dynamic({}), dynamic(null), dynamic({'a': datetime(2020-01-01)})",
		"print dynamic([1, \"a\", null, -2.5, {'k': [true, false]}]), dynamic({}), dynamic(null), dynamic({'a': datetime(2020-01-01)})"},
	{"print 1d, 2h, 30m, 10s, 100ms, 10microsecond, 1tick, 1.5h, 0x1F, 1e3, 1.5e-3, 2days, 3hours, 5min",
		"print 1d, 2h, 30m, 10s, 100ms, 10microsecond, 1tick, 1.5h, 0x1F, 1e3, 1.5e-3, 2days, 3hours, 5min"},
	{"print \"a\" 'b' @\"c\\d\" h'secret' H\"x\" h@'y' ```multi\nline```",
		"print \"a\" 'b' @\"c\\d\" h'secret' H\"x\" h@'y' ```multi\nline```"},
	{"print 'it\\'s', \"q\\\"d\", \"tab\\t\", @'a''b', @\"x\"\"y\"",
		"print 'it\\'s', \"q\\\"d\", \"tab\\t\", @'a''b', @\"x\"\"y\""},
	{"T | where ['col with space'] == 1 and [\"x\"] > 2",
		"T\n| where ['col with space'] == 1 and ['x'] > 2"},
	{"T | where $left.a == 1",
		"T\n| where $left.a == 1"},
	{"T | where kind == \"x\" | project count, title, Type, step",
		"T\n| where kind == \"x\"\n| project count, title, Type, step"},
	{"T | extend x = iff(a > 1, \"y\", \"n\"), z = case(a == 1, \"one\", \"other\")",
		"T\n| extend x = iff(a > 1, \"y\", \"n\"), z = case(a == 1, \"one\", \"other\")"},
	{"T | where x in (dynamic([1, 2]))",
		"T\n| where x in (dynamic([1, 2]))"},
	{"T | extend a = tostring(b.c.d), e = b[\"f\"][\"g\"], h = x.[0].y",
		"T\n| extend a = tostring(b.c.d), e = b[\"f\"][\"g\"], h = x[0].y"},
	{"T | where TimeGenerated > ago(1d) // comment",
		"T\n| where TimeGenerated > ago(1d)"},
	{"T | summarize (a, b) = arg_max(x, y) by k",
		"T\n| summarize (a, b) = arg_max(x, y) by k"},
	{"T | where (a or b) and c",
		"T\n| where (a or b) and c"},
	{"T | project x = (a - (b - c))",
		"T\n| project x = (a - (b - c))"},
}

func TestParsePrint(t *testing.T) {
	for _, c := range printCases {
		q, err := Parse("test.kql", c.in, nil)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		got := Print(q)
		if got != c.want {
			t.Errorf("Parse(%q) printed\n%s\nwant\n%s", c.in, got, c.want)
			continue
		}
		q2, err := Parse("printed.kql", got, nil)
		if err != nil {
			t.Errorf("reparsing printed %q: %v", got, err)
			continue
		}
		if !sameTree(q, q2) {
			t.Errorf("round trip of %q changed the tree", c.in)
		}
	}
}

// sexpr renders an expression with every binary operation parenthesised,
// to check precedence and associativity.
func sexpr(x Node) string {
	switch x := x.(type) {
	case *BinaryExpr:
		return "(" + sexpr(x.X) + " " + x.Op + " " + sexpr(x.Y) + ")"
	case *UnaryExpr:
		return "(" + x.Op + sexpr(x.X) + ")"
	case *InExpr:
		parts := make([]string, len(x.List))
		for i, e := range x.List {
			parts[i] = sexpr(e)
		}
		return "(" + sexpr(x.X) + " " + x.Op + " [" + strings.Join(parts, " ") + "])"
	case *BetweenExpr:
		op := "between"
		if x.Not {
			op = "!between"
		}
		return "(" + sexpr(x.X) + " " + op + " " + sexpr(x.Lo) + ".." + sexpr(x.Hi) + ")"
	case *ParenExpr:
		return "[" + sexpr(x.X) + "]"
	}
	return Print(x)
}

func TestPrecedence(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a or b and c", "(a or (b and c))"},
		{"a and b or c", "((a and b) or c)"},
		{"a == 1 and b", "((a == 1) and b)"},
		{"a + b * c", "(a + (b * c))"},
		{"a * b + c", "((a * b) + c)"},
		{"a - b - c", "((a - b) - c)"},
		{"a / b % c", "((a / b) % c)"},
		{"-a * b", "((-a) * b)"},
		{"- -a", "(-(-a))"},
		{"a + 1 > b * 2", "((a + 1) > (b * 2))"},
		{"a has 'x' or b !contains 'y'", "((a has 'x') or (b !contains 'y'))"},
		{"a in (1, 2) and b", "((a in [1 2]) and b)"},
		{"a !in~ ('x')", "(a !in~ ['x'])"},
		{"t between (1 .. 2) or x", "((t between 1..2) or x)"},
		{"t !between (a - 1 .. a + 1)", "(t !between (a - 1)..(a + 1))"},
		{"a <> b", "(a != b)"},
		{"a containscs 'x' or a notcontains 'y' or a !containscs 'z'", "(((a contains_cs 'x') or (a !contains 'y')) or (a !contains_cs 'z'))"},
		{"(a or b) and c", "([(a or b)] and c)"},
		{"x matches regex 'a' and y", "((x matches regex 'a') and y)"},
		{"a.b.c == d[0]", "(a.b.c == d[0])"},
		{"a > b == c", "((a > b) == c)"},
		{"x has_any (L) and y has_all ('a', 'b')", "((x has_any [L]) and (y has_all ['a' 'b']))"},
	}
	for _, c := range cases {
		x, err := ParseExpr(c.in)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", c.in, err)
			continue
		}
		if got := sexpr(x); got != c.want {
			t.Errorf("ParseExpr(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func mustExpr(t *testing.T, src string) Expr {
	t.Helper()
	x, err := ParseExpr(src)
	if err != nil {
		t.Fatalf("ParseExpr(%q): %v", src, err)
	}
	return x
}

func TestLiterals(t *testing.T) {
	cases := []struct {
		in    string
		kind  LitKind
		raw   string
		value string
		typed bool
		null  bool
	}{
		{"42", LitLong, "42", "", false, false},
		{"0x1F", LitLong, "0x1F", "", false, false},
		{"1.5", LitReal, "1.5", "", false, false},
		{"1e3", LitReal, "1e3", "", false, false},
		{"2.5E-3", LitReal, "2.5E-3", "", false, false},
		{"1d", LitTimeSpan, "1d", "", false, false},
		{"1.5h", LitTimeSpan, "1.5h", "", false, false},
		{"100ms", LitTimeSpan, "100ms", "", false, false},
		{"10microsecond", LitTimeSpan, "10microsecond", "", false, false},
		{"1tick", LitTimeSpan, "1tick", "", false, false},
		{"3seconds", LitTimeSpan, "3seconds", "", false, false},
		{"true", LitBool, "true", "", false, false},
		{"long(5)", LitLong, "5", "", true, false},
		{"long(-5)", LitLong, "-5", "", true, false},
		{"int(null)", LitInt, "null", "", true, true},
		{"real(nan)", LitReal, "nan", "", true, false},
		{"real(+inf)", LitReal, "+inf", "", true, false},
		{"real(-inf)", LitReal, "-inf", "", true, false},
		{"double(2.5)", LitReal, "2.5", "", true, false},
		{"bool(true)", LitBool, "true", "", true, false},
		{"decimal(1.5)", LitDecimal, "1.5", "", true, false},
		{"datetime(2021-04-28 14:31:30.021)", LitDateTime, "2021-04-28 14:31:30.021", "", true, false},
		{"datetime(2021-04-28T14:31:30Z)", LitDateTime, "2021-04-28T14:31:30Z", "", true, false},
		{"datetime(null)", LitDateTime, "null", "", true, true},
		{"timespan(1d)", LitTimeSpan, "1d", "", true, false},
		{"time(1.02:03:04)", LitTimeSpan, "1.02:03:04", "", true, false},
		{"time(15 seconds)", LitTimeSpan, "15 seconds", "", true, false},
		{"guid(74be27de-1e4e-49d9-b579-fe0b331d3642)", LitGuid, "74be27de-1e4e-49d9-b579-fe0b331d3642", "", true, false},
		{`"a\"b\\c\n"`, LitString, `"a\"b\\c\n"`, "a\"b\\c\n", false, false},
		{`'it\'s'`, LitString, `'it\'s'`, "it's", false, false},
		{`@"C:\temp"`, LitString, `@"C:\temp"`, `C:\temp`, false, false},
		{`@'a''b'`, LitString, `@'a''b'`, "a'b", false, false},
		{`h'secret'`, LitString, `h'secret'`, "secret", false, false},
		{`H@"x\y"`, LitString, `H@"x\y"`, `x\y`, false, false},
		{"'a' \"b\"  @'c'", LitString, "'a' \"b\"  @'c'", "abc", false, false},
		{"```line1\nline2```", LitString, "```line1\nline2```", "line1\nline2", false, false},
		{`"\u0041\x42"`, LitString, `"\u0041\x42"`, "AB", false, false},
	}
	for _, c := range cases {
		x := mustExpr(t, c.in)
		lit, ok := x.(*Literal)
		if !ok {
			t.Errorf("%s: got %T, want *Literal", c.in, x)
			continue
		}
		if lit.Kind != c.kind || lit.Raw != c.raw || lit.Typed != c.typed || lit.Null != c.null {
			t.Errorf("%s: got kind %d raw %q typed %v null %v, want %d %q %v %v", c.in, lit.Kind, lit.Raw, lit.Typed, lit.Null, c.kind, c.raw, c.typed, c.null)
		}
		if c.kind == LitString && lit.Value != c.value {
			t.Errorf("%s: value %q, want %q", c.in, lit.Value, c.value)
		}
		if lit.Pos() != 0 || int(lit.End()) != len(c.in) {
			t.Errorf("%s: span %d..%d, want 0..%d", c.in, lit.Pos(), lit.End(), len(c.in))
		}
	}
}

func TestDynamicLiteral(t *testing.T) {
	x := mustExpr(t, `dynamic([1, "a", null, -2.5, {"k": [true]}, datetime(2020-01-01)])`)
	d, ok := x.(*DynamicLit)
	if !ok {
		t.Fatalf("got %T", x)
	}
	arr, ok := d.Value.(*ArrayLit)
	if !ok || len(arr.Elems) != 6 {
		t.Fatalf("got %#v", d.Value)
	}
	kinds := []LitKind{LitLong, LitString, LitNull, LitReal}
	for i, k := range kinds {
		if l, ok := arr.Elems[i].(*Literal); !ok || l.Kind != k {
			t.Errorf("element %d: %#v, want kind %d", i, arr.Elems[i], k)
		}
	}
	if l := arr.Elems[3].(*Literal); l.Raw != "-2.5" {
		t.Errorf("negative number raw %q", l.Raw)
	}
	obj, ok := arr.Elems[4].(*ObjectLit)
	if !ok || len(obj.Keys) != 1 || obj.Keys[0] != "k" {
		t.Errorf("object: %#v", arr.Elems[4])
	}
	if l, ok := arr.Elems[5].(*Literal); !ok || l.Kind != LitDateTime {
		t.Errorf("datetime element: %#v", arr.Elems[5])
	}
	if d := mustExpr(t, "dynamic(null)").(*DynamicLit); d.Value != nil {
		t.Errorf("dynamic(null) value %#v", d.Value)
	}
}

func TestNames(t *testing.T) {
	x := mustExpr(t, "['name with space'] == [\"x\"] and $left.Id == $right.Id2 and col_1 == Col2")
	var names []string
	Inspect(x, func(n Node) bool {
		if id, ok := n.(*Ident); ok {
			names = append(names, fmt.Sprintf("%s/%v", id.Name, id.Bracketed))
		}
		return true
	})
	want := []string{"name with space/true", "x/true", "$left/false", "Id/false", "$right/false", "Id2/false", "col_1/false", "Col2/false"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
}

func TestContextualKeywords(t *testing.T) {
	// Columns may be named like keywords.
	q, err := Parse("", "T | where kind == 1 and count > 2 | project title, Type, step, count, kind | sort by count desc", nil)
	if err != nil {
		t.Fatal(err)
	}
	p := q.Stmts[0].(*ExprStmt).X.(*PipeExpr)
	if len(p.Ops) != 3 {
		t.Fatalf("ops %d", len(p.Ops))
	}
	pr := p.Ops[1].(*ProjectOp)
	if len(pr.Items) != 5 || pr.Items[4].(*Ident).Name != "kind" {
		t.Errorf("project items %v", Print(pr))
	}
}

func TestOperatorShapes(t *testing.T) {
	parse := func(src string) *PipeExpr {
		t.Helper()
		q, err := Parse("", src, nil)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		return q.Stmts[len(q.Stmts)-1].(*ExprStmt).X.(*PipeExpr)
	}
	j := parse("T | join kind=inner (U) on $left.a == $right.b and $left.c == $right.d, e").Ops[0].(*JoinOp)
	if len(j.On) != 3 || j.Params[0].Name != "kind" || j.Params[0].Value.(*Ident).Name != "inner" {
		t.Errorf("join: %d conditions, params %v", len(j.On), j.Params)
	}
	if _, ok := j.Right.(*ParenExpr); !ok {
		t.Errorf("join right %T", j.Right)
	}
	ma := parse("T | mv-apply x on (take 1)").Ops[0].(*MvApplyOp)
	if ma.Sub == nil || ma.Sub.Source != nil || len(ma.Sub.Ops) != 1 {
		t.Errorf("mv-apply subquery %#v", ma.Sub)
	}
	ms := parse("T | make-series c = count() default = 0 on t in range(0, 10, 1) by k").Ops[0].(*MakeSeriesOp)
	if !ms.InRange || ms.Aggs[0].Default == nil || len(ms.By) != 1 {
		t.Errorf("make-series %+v", ms)
	}
	po := parse("T | parse x with * 'a' B:long C").Ops[0].(*ParseOp)
	if len(po.Pattern) != 4 {
		t.Fatalf("parse pattern %d", len(po.Pattern))
	}
	if _, ok := po.Pattern[0].(*StarExpr); !ok {
		t.Errorf("pattern[0] %T", po.Pattern[0])
	}
	if c, ok := po.Pattern[2].(*ColumnDecl); !ok || c.Type.Name != "long" {
		t.Errorf("pattern[2] %#v", po.Pattern[2])
	}
	if c, ok := po.Pattern[3].(*ColumnDecl); !ok || c.Type != nil {
		t.Errorf("pattern[3] %#v", po.Pattern[3])
	}
	u := parse("union isfuzzy=true T*, (U | take 1), V | take 1").Source.(*UnionOp)
	if len(u.Tables) != 3 || u.Tables[0].(*Ident).Name != "T*" {
		t.Errorf("union tables %v", Print(u))
	}
	pa := parse("T | project-away A*, *B").Ops[0].(*ProjectOp)
	if pa.Items[0].(*Ident).Name != "A*" || pa.Items[1].(*Ident).Name != "*B" {
		t.Errorf("project-away %v", Print(pa))
	}
	f := parse("T | fork (take 1) b = (count)").Ops[0].(*ForkOp)
	if len(f.Branches) != 2 || f.Branches[1].Name.Name != "b" || f.Branches[0].Sub.Source != nil {
		t.Errorf("fork %v", Print(f))
	}
	sc := parse("T | scan declare (n:long = 0) with (step s optional: x > 1 => n = n + 1;)").Ops[0].(*ScanOp)
	if len(sc.Steps) != 1 || !sc.Steps[0].Optional || len(sc.Steps[0].Assigns) != 1 || len(sc.Declare) != 1 {
		t.Errorf("scan %v", Print(sc))
	}
}

func TestStatements(t *testing.T) {
	q, err := Parse("", "set x = 1; let a = 1; let f = (T:(*), n:long = 3) { T | take n }; declare query_parameters(p:string = 'x'); ; f(U);", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Stmts) != 5 {
		t.Fatalf("%d statements", len(q.Stmts))
	}
	if _, ok := q.Stmts[0].(*SetStmt); !ok {
		t.Errorf("stmt 0 %T", q.Stmts[0])
	}
	let := q.Stmts[2].(*LetStmt)
	fl, ok := let.Value.(*FuncLit)
	if !ok || len(fl.Params) != 2 || !fl.Params[0].Type.Tabular || !fl.Params[0].Type.Star || fl.Params[1].Default == nil {
		t.Errorf("function literal %#v", let.Value)
	}
	if d, ok := q.Stmts[3].(*DeclareStmt); !ok || len(d.Params) != 1 {
		t.Errorf("declare %#v", q.Stmts[3])
	}
}

func TestParams(t *testing.T) {
	src := "T | where TimeGenerated between (datetime({{StartTimeISO}}) .. datetime({{ EndTimeISO }}))"
	q, err := Parse("", src, &ParseOptions{Params: map[string]string{"StartTimeISO": "2024-01-01", "EndTimeISO": "2024-01-02"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "T\n| where TimeGenerated between (datetime(2024-01-01) .. datetime(2024-01-02))"
	if got := Print(q); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Error positions refer to the text as written, before substitution.
	bad := "T\n| where t > datetime({{Start}}) and x == 1 |"
	opts := &ParseOptions{Params: map[string]string{"Start": "2024-01-01T00:00:00.0000000Z"}}
	_, err = Parse("q", bad, opts)
	wantMsg := "q:2:45: expected a tabular operator, found end of query\n| where t > datetime({{Start}}) and x == 1 |\n                                            ^\n"
	if got := FormatErrors(NewFileFor("q", bad, opts), err); got != wantMsg {
		t.Errorf("error after substitution:\n%s\nwant:\n%s", got, wantMsg)
	}
	f := NewFileFor("q", bad, opts)
	if p := f.Position(Pos(strings.Index(bad, "{{") + 5)); p.Column != 22 {
		t.Errorf("offset inside a substituted value maps to column %d, want 22 (the placeholder)", p.Column)
	}
	_, err = Parse("q", src, &ParseOptions{Params: map[string]string{"StartTimeISO": "2024-01-01"}})
	if err == nil || !strings.Contains(err.Error(), "{{EndTimeISO}}") || !strings.Contains(err.Error(), "--param EndTimeISO=value") {
		t.Errorf("unresolved placeholder error: %v", err)
	}
}
