package scan

import (
	"bytes"
	"math"
	"os"

	"kqlhunt/activity"
	"kqlhunt/batch"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
	"kqlhunt/source"
)

// rowFilter decides, from a decoded record, whether a row can matter to
// the query: it keeps the rows that satisfy at least one conjunction of
// predicates. It is only ever weaker than the query's own where clauses
// (a predicate it cannot decide exactly is left out of its conjunction),
// so the executor, which applies them again, sees every row it would
// have kept.
type rowFilter struct {
	any []conjunction
}

// conjunction is a list of conditions that must all hold.
type conjunction []condition

// condition is one compiled predicate on an output column.
type condition struct {
	str    func(*activity.Record) string
	match  func(string) bool
	tm     func(*activity.Record) (int64, bool)
	lo, hi int64
}

// compileFilter compiles the disjunction of conjunctions preds over the
// output columns out. It returns nil (keep every row) when preds is nil
// or when some conjunction keeps every row.
func compileFilter(preds [][]exec.Pred, out []outCol, fields []batch.Field) *rowFilter {
	if preds == nil {
		return nil
	}
	f := &rowFilter{}
	for _, conj := range preds {
		var cc conjunction
		for _, p := range conj {
			if c, ok := compileCondition(p, out, fields); ok {
				cc = append(cc, c)
			}
		}
		if len(cc) == 0 {
			return nil // this branch keeps every row
		}
		f.any = append(f.any, cc)
	}
	return f
}

func compileCondition(p exec.Pred, out []outCol, fields []batch.Field) (condition, bool) {
	for i, oc := range out {
		if oc.name != p.Column {
			continue
		}
		switch fields[i].Type {
		case types.String:
			if m, ok := p.StringMatcher(); ok && oc.acc.str != nil {
				return condition{str: oc.acc.str, match: m}, true
			}
		case types.DateTime:
			if lo, hi, ok := p.TimeRange(); ok && oc.acc.tm != nil {
				return condition{tm: oc.acc.tm, lo: lo, hi: hi}, true
			}
		}
		return condition{}, false
	}
	return condition{}, false
}

// keep reports whether r satisfies at least one conjunction.
func (f *rowFilter) keep(r *activity.Record) bool {
	for _, conj := range f.any {
		if conj.holds(r) {
			return true
		}
	}
	return false
}

func (c conjunction) holds(r *activity.Record) bool {
	for i := range c {
		cond := &c[i]
		if cond.match != nil {
			if !cond.match(cond.str(r)) {
				return false
			}
			continue
		}
		t, ok := cond.tm(r)
		if !ok || t < cond.lo || t > cond.hi {
			return false
		}
	}
	return true
}

// tailBytes is how much of the end of each file latestInTails reads.
const tailBytes = 256 << 10

// latestInTails returns the latest TimeGenerated among the complete lines
// at the end of each file (math.MinInt64 when it finds none). Logs are
// mostly written in time order, so this is usually the latest of all,
// known before reading: Options.Latest can then drop old rows from the
// start. It is never later than the true latest, which keeps the drop
// sound.
func latestInTails(files []string, maxRec int) int64 {
	latest := int64(math.MinInt64)
	cfg, err := newConfig([]string{"TimeGenerated"}, Options{})
	if err != nil {
		return latest
	}
	d := newLineDecoder(cfg)
	buf := make([]byte, tailBytes)
	for _, path := range files {
		if path == "-" {
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		st, err := f.Stat()
		if err != nil || !st.Mode().IsRegular() {
			f.Close()
			continue
		}
		off := max(st.Size()-tailBytes, 0)
		n, _ := f.ReadAt(buf, off)
		f.Close()
		data := buf[:n]
		if off > 0 {
			// The first line is probably cut: skip it.
			k := bytes.IndexByte(data, '\n')
			if k < 0 {
				continue
			}
			data = data[k+1:]
		}
		for len(data) > 0 {
			line := data
			if k := bytes.IndexByte(data, '\n'); k >= 0 {
				line, data = data[:k], data[k+1:]
			} else {
				data = nil
			}
			body := source.TrimEOL(line)
			if isBlank(body) || len(body) > maxRec {
				continue
			}
			if d.decode(body) == resRow && d.rec.TimeGenerated > latest {
				latest = d.rec.TimeGenerated
			}
		}
	}
	return latest
}
