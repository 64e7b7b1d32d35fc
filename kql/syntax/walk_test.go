package syntax

import (
	"fmt"
	"testing"
)

// checkSpans verifies that every node has a valid span inside the source
// and that each child's span lies inside its parent's.
func checkSpans(t *testing.T, name string, src string, root Node) int {
	t.Helper()
	count := 0
	bad := 0
	Inspect(root, func(n Node) bool {
		count++
		p, e := n.Pos(), n.End()
		if !p.IsValid() || e < p || int(e) > len(src) {
			if bad < 3 {
				t.Errorf("%s: %T has span %d..%d (source length %d)", name, n, p, e, len(src))
			}
			bad++
			return true
		}
		for _, c := range Children(n) {
			cp, ce := c.Pos(), c.End()
			if cp < p || ce > e {
				if bad < 3 {
					t.Errorf("%s: child %T %d..%d %q lies outside parent %T %d..%d %q", name, c, cp, ce, snippet(src, cp, ce), n, p, e, snippet(src, p, e))
				}
				bad++
			}
		}
		return true
	})
	return count
}

func snippet(src string, p, e Pos) string {
	if p < 0 || e < p || int(e) > len(src) {
		return "?"
	}
	s := src[p:e]
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return s
}

func TestInspectVisitsEverything(t *testing.T) {
	src := `let T = datatable(a:string, n:long) ["x", 1];
T
| where a has "x" and n in (1, 2) and n between (0 .. 5)
| extend b = tostring(dynamic({"k": [1]})["k"]), (c, d) = f(n)
| summarize cnt = count() by a
| join kind=inner (U | take 1) on $left.a == $right.a
| mv-apply e = arr to typeof(long) on (top 1 by e desc)
| sort by cnt desc nulls last
| parse a with * "x" rest:string
| render barchart with (title="t", ycolumns=a, cnt)`
	q, err := Parse("walk.kql", src, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	Inspect(q, func(n Node) bool {
		seen[fmt.Sprintf("%T", n)]++
		return true
	})
	for _, typ := range []string{"*syntax.LetStmt", "*syntax.DataTableOp", "*syntax.ColumnDecl", "*syntax.TypeRef",
		"*syntax.InExpr", "*syntax.BetweenExpr", "*syntax.DynamicLit", "*syntax.ObjectLit", "*syntax.ArrayLit",
		"*syntax.IndexExpr", "*syntax.NamedExpr", "*syntax.JoinOp", "*syntax.OpParam", "*syntax.MvApplyOp",
		"*syntax.MvExpandItem", "*syntax.TopOp", "*syntax.SortKey", "*syntax.ParseOp", "*syntax.StarExpr",
		"*syntax.RenderOp", "*syntax.MemberExpr", "*syntax.CallExpr"} {
		if seen[typ] == 0 {
			t.Errorf("Inspect never visited a %s", typ)
		}
	}
	// Returning false skips the children.
	n := 0
	Inspect(q, func(Node) bool { n++; return false })
	if n != 1 {
		t.Errorf("Inspect visited %d nodes after f returned false, want 1", n)
	}
	checkSpans(t, "walk.kql", src, q)
}

func TestCorpusSpans(t *testing.T) {
	entries, _ := loadCorpus(t)
	total := 0
	for _, e := range entries {
		text, _ := SubstituteParams(e.query, corpusParams)
		q, err := Parse(e.name, e.query, &ParseOptions{Params: corpusParams})
		if err != nil {
			continue
		}
		total += checkSpans(t, e.name, text, q)
	}
	t.Logf("checked %d nodes", total)
}
