package workspace

import (
	"math/rand/v2"
	"testing"
	"time"

	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
)

// row is a value of each column a random predicate may name.
type row struct {
	tg     int64
	status string
	caller string
}

func holds(p exec.Pred, r row) bool {
	switch p.Column {
	case "TimeGenerated":
		lo, hi, _ := p.TimeRange()
		return r.tg >= lo && r.tg <= hi
	case "ActivityStatusValue":
		m, _ := p.StringMatcher()
		return m(r.status)
	default:
		m, _ := p.StringMatcher()
		return m(r.caller)
	}
}

func holdsAll(conj []exec.Pred, r row) bool {
	for _, p := range conj {
		if !holds(p, r) {
			return false
		}
	}
	return true
}

func randomConj(rng *rand.Rand) []exec.Pred {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var conj []exec.Pred
	for n := rng.IntN(4); n >= 0; n-- {
		switch rng.IntN(3) {
		case 0:
			ops := []string{"<", "<=", ">", ">=", "=="}
			v := types.NewDateTime(types.TicksFromTime(base.Add(time.Duration(rng.IntN(10)) * time.Hour)))
			conj = append(conj, exec.Pred{Column: "TimeGenerated", Op: ops[rng.IntN(len(ops))], Value: v})
		case 1:
			ops := []string{"==", "=~", "!~", "!="}
			vals := []string{"Success", "success", "Failure"}
			conj = append(conj, exec.Pred{Column: "ActivityStatusValue", Op: ops[rng.IntN(len(ops))], Value: types.NewString(vals[rng.IntN(len(vals))])})
		default:
			ops := []string{"has", "startswith", "contains", "!has"}
			vals := []string{"alice", "bob", "a"}
			conj = append(conj, exec.Pred{Column: "Caller", Op: ops[rng.IntN(len(ops))], Value: types.NewString(vals[rng.IntN(len(vals))])})
		}
	}
	return conj
}

// TestImpliesIsSound: whenever implies(a, b) says a implies b, every row
// that satisfies a satisfies b, and rowSet.covers agrees on unions. (It may
// say no when a does imply b; that only costs a reload.)
func TestImpliesIsSound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var rows []row
	for h := -1; h <= 11; h++ {
		for _, st := range []string{"Success", "success", "Failure", ""} {
			for _, c := range []string{"alice@x", "bob@x", "carol", "a.b"} {
				tg := types.TicksFromTime(base.Add(time.Duration(h) * time.Hour))
				rows = append(rows, row{tg, st, c}, row{tg + 1, st, c}, row{tg - 1, st, c})
			}
		}
	}
	implied := 0
	for i := 0; i < 20000; i++ {
		a, b := randomConj(rng), randomConj(rng)
		if !implies(a, b) {
			continue
		}
		implied++
		for _, r := range rows {
			if holdsAll(a, r) && !holdsAll(b, r) {
				t.Fatalf("implies(%v, %v) but row %+v satisfies only the first", a, b, r)
			}
		}
		// The union of b with anything covers a.
		u := rowSet{conjs: [][]exec.Pred{randomConj(rng)}}.union(rowSet{conjs: [][]exec.Pred{b}})
		if !u.covers(rowSet{conjs: [][]exec.Pred{a}}) {
			t.Fatalf("union holding %v does not cover %v", b, a)
		}
	}
	if implied < 500 {
		t.Errorf("only %d implied pairs: the test checks too little", implied)
	}
	// Each conjunction implies itself and is covered by every row.
	for i := 0; i < 100; i++ {
		c := randomConj(rng)
		if !implies(c, c) || !(rowSet{all: true}).covers(rowSet{conjs: [][]exec.Pred{c}}) {
			t.Fatalf("%v does not imply itself", c)
		}
		if (rowSet{conjs: [][]exec.Pred{c}}).covers(rowSet{all: true}) {
			t.Fatalf("%v covers every row", c)
		}
	}
}
