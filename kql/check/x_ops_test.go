package check

import (
	"strings"
	"testing"

	"kqlhunt/kql/syntax"
)

func TestXSchemas(t *testing.T) {
	cases := []struct{ q, want string }{
		{`T | scan declare (c:long = 0) with (step s1: true => c = a + s1.c;)`, "a:long, b:string, t:datetime, d:dynamic, r:real, c:long"},
		{`T | scan with_match_id = m with (step s1: b == "x"; step s2: t - s1.t < 1h;) | project a, m`, "a:long, m:long"},
		{`T | scan declare (x:string) with (step s: true => x = iff(isempty(b), s.x, b);) | project x`, "x:string"},
		{`T | evaluate pivot(b, sum(a), t) | project t`, "t:datetime"},
		{`T | evaluate pivot(b) : (a:long, x:long)`, "a:long, x:long"},
		{`T | top-nested 2 of b by s = sum(a), top-nested of t by max(r)`, "b:string, s:long, t:datetime, aggregated_t:real"},
		{`T | evaluate active_users_count(b, t, datetime(2020-01-01), datetime(2020-02-01), 8d, 1d, 3, 7d)`, ""},
		{`T | evaluate sequence_detect(t, 1h, 2h, e1 = (b == "x"), e2 = (a > 1), b)`, ""},
	}
	checkSchemas(t, cases)
}

func TestXErrors(t *testing.T) {
	cases := []struct{ q, want string }{
		{`T | scan with (step s1: nosuch > 1;)`, "unknown column or name nosuch"},
		{`T | scan declare (c:long) with (step s1: true => c = s1.nosuch;)`, "unknown column or name s1.nosuch"},
		{`T | evaluate pivot(b, sum(nosuch))`, "unknown column or name nosuch"},
	}
	for _, c := range cases {
		_, err := checkQuery(t, c.q)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.q, err, c.want)
		}
	}
}

func TestXScanStepRefs(t *testing.T) {
	src := `iff(s1.c >= 10, x, x + s1.c) and s2.y in (s1.z, 1) and d.k == 1`
	e, err := syntax.ParseExpr(src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	got := ScanStepRefs(e, map[string]bool{"s1": true, "s2": true})
	var names []string
	inspectIdents(got, func(id *syntax.Ident) { names = append(names, id.Name) })
	joined := strings.Join(names, ",")
	for _, want := range []string{"s1.c", "s2.y", "s1.z"} {
		if !strings.Contains(joined, want) {
			t.Errorf("rewritten identifiers %s lack %s", joined, want)
		}
	}
	if strings.Contains(joined, "d.k") {
		t.Errorf("d.k (not a step) was rewritten: %s", joined)
	}
	// The original expression is unchanged.
	var orig []string
	inspectIdents(e, func(id *syntax.Ident) { orig = append(orig, id.Name) })
	if strings.Contains(strings.Join(orig, ","), "s1.c") {
		t.Errorf("the input expression was modified")
	}
}

func inspectIdents(e syntax.Expr, fn func(*syntax.Ident)) {
	walkExpr(e, func(x syntax.Expr) {
		if id, ok := x.(*syntax.Ident); ok {
			fn(id)
		}
	})
}
