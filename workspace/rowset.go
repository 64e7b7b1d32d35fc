package workspace

import (
	"math"
	"time"

	"kqlhunt/activity"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
)

// rowSet describes rows of the AzureActivity table: every row, or those
// that satisfy at least one conjunction of simple predicates, or (as a
// request only, before the data's span is known) those within latest of
// the latest event. The zero value is no rows.
type rowSet struct {
	all    bool
	conjs  [][]exec.Pred
	latest time.Duration
}

// Window is a range of TimeGenerated that dry runs may declare as the rows
// the runs to come will read (see Workspace.DryRunWindow).
type Window struct {
	// From and To bound the range (zero: open on that side).
	From, To time.Time
	// Latest, when positive, replaces From and To: the rows within Latest
	// of the latest event in the data.
	Latest time.Duration
}

// rows returns the rows of w.
func (w Window) rows() rowSet {
	if w.Latest > 0 {
		return rowSet{latest: w.Latest}
	}
	var conj []exec.Pred
	if !w.From.IsZero() {
		conj = append(conj, timePred(">=", w.From))
	}
	if !w.To.IsZero() {
		conj = append(conj, timePred("<=", w.To))
	}
	if len(conj) == 0 {
		return rowSet{all: true}
	}
	return rowSet{conjs: [][]exec.Pred{conj}}
}

// timePred is TimeGenerated op t.
func timePred(op string, t time.Time) exec.Pred {
	return exec.Pred{Column: "TimeGenerated", Op: op, Value: types.NewDateTime(types.TicksFromTime(t))}
}

// requestRows returns the rows a scan request selects, keeping only the
// predicates a loader can decide from column values (string comparisons
// on string columns, datetime ranges on datetime columns) and the time
// scope.
func requestRows(req exec.ScanRequest) rowSet {
	var conj []exec.Pred
	for _, p := range req.Preds {
		if decidable(p) {
			conj = append(conj, p)
		}
	}
	if ts := req.Time; ts != nil {
		if t, ok := activity.ColumnType(ts.Column); ok && t == types.DateTime {
			conj = append(conj,
				exec.Pred{Column: ts.Column, Op: ">=", Value: types.NewDateTime(types.TicksFromTime(ts.From))},
				exec.Pred{Column: ts.Column, Op: "<=", Value: types.NewDateTime(types.TicksFromTime(ts.To))})
		}
	}
	if len(conj) == 0 {
		return rowSet{all: true}
	}
	return rowSet{conjs: [][]exec.Pred{conj}}
}

// decidable reports whether p can be decided from the value of an
// AzureActivity column.
func decidable(p exec.Pred) bool {
	t, ok := activity.ColumnType(p.Column)
	if !ok {
		return false
	}
	switch t {
	case types.String:
		_, ok = p.StringMatcher()
	case types.DateTime:
		_, _, ok = p.TimeRange()
	default:
		ok = false
	}
	return ok
}

// union returns the rows in s or in o.
func (s rowSet) union(o rowSet) rowSet {
	if s.all || o.all {
		return rowSet{all: true}
	}
	if s.latest > 0 || o.latest > 0 {
		if len(s.conjs)+len(o.conjs) > 0 {
			return rowSet{all: true} // windows of both kinds: keep it simple
		}
		return rowSet{latest: max(s.latest, o.latest)}
	}
	out := rowSet{conjs: append([][]exec.Pred(nil), s.conjs...)}
	for _, c := range o.conjs {
		if !out.coversConj(c) {
			out.conjs = append(out.conjs, c)
		}
	}
	return out
}

// covers reports whether every row of o is provably in s.
func (s rowSet) covers(o rowSet) bool {
	if s.all {
		return true
	}
	if o.all || o.latest > 0 || s.latest > 0 {
		return false
	}
	for _, c := range o.conjs {
		if !s.coversConj(c) {
			return false
		}
	}
	return true
}

// coversConj reports whether some conjunction of s holds wherever c does.
func (s rowSet) coversConj(c []exec.Pred) bool {
	if s.all {
		return true
	}
	for _, have := range s.conjs {
		if implies(c, have) {
			return true
		}
	}
	return false
}

// filter returns s as a loader filter (nil: every row).
func (s rowSet) filter() [][]exec.Pred {
	if s.all || s.latest > 0 {
		return nil
	}
	if len(s.conjs) == 0 {
		return [][]exec.Pred{} // no rows needed
	}
	return s.conjs
}

// implies reports whether conjunction a implies conjunction b: every
// predicate of b is one of a's, or a datetime range of b contains the
// range a's predicates on that column allow.
func implies(a, b []exec.Pred) bool {
	for _, q := range b {
		if qlo, qhi, ok := q.TimeRange(); ok {
			lo, hi := rangeOf(a, q.Column)
			if lo > hi {
				continue // a selects no rows
			}
			if lo < qlo || hi > qhi {
				return false
			}
			continue
		}
		found := false
		for _, p := range a {
			if samePred(p, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// rangeOf intersects the datetime ranges that the predicates of conj put
// on col.
func rangeOf(conj []exec.Pred, col string) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	for _, p := range conj {
		if p.Column != col {
			continue
		}
		if plo, phi, ok := p.TimeRange(); ok {
			lo, hi = max(lo, plo), min(hi, phi)
		}
	}
	return lo, hi
}

func samePred(p, q exec.Pred) bool {
	return p.Column == q.Column && p.Op == q.Op && p.Value.Type == q.Value.Type && p.Value.Null == q.Value.Null &&
		p.Value.S == q.Value.S && p.Value.I == q.Value.I && p.Value.F == q.Value.F
}
