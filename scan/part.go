package scan

import (
	"hash/maphash"

	"kqlhunt/activity"
	"kqlhunt/source"
)

// part is what a worker produces for one job: the rows of a chunk (or of a
// whole file read generically) in input order, their deduplication keys,
// and what the report must count.
type part struct {
	cols  []colData
	keys  []uint64 // key hash per row (when deduplicating)
	n     int
	arena arena

	// Fast chunks only (generic jobs carry rep).
	lines     int // lines in the chunk
	fast      int // lines decoded by the fast path
	fallbacks int // lines handed to the generic decoder
	read      int
	nonAct    map[string]int
	skipped   map[string]int
	examples  []source.Diagnostic // first ones per reason, chunk-relative lines
	firstSkip *source.Diagnostic

	rep *source.Report // generic job
	err error
}

func newPart(cfg *config, rows int) *part {
	p := &part{cols: make([]colData, len(cfg.out))}
	for i, oc := range cfg.out {
		p.cols[i] = newColData(oc.kind, rows)
	}
	if cfg.dedupe {
		p.keys = make([]uint64, 0, rows)
	}
	return p
}

// addRecord appends the output columns of r, and its key hash.
func (p *part) addRecord(cfg *config, r *activity.Record, in *interner, keyBuf *[]byte) {
	for i := range cfg.out {
		p.cols[i].appendRecord(&cfg.out[i], r, &p.arena, in)
	}
	if cfg.dedupe {
		*keyBuf = activity.Key(r, *keyBuf)
		p.keys = append(p.keys, maphash.Bytes(cfg.seed, *keyBuf))
	}
	p.n++
}

// skip records a skipped line.
func (p *part) skip(d source.Diagnostic, maxEx int) {
	if p.skipped == nil {
		p.skipped = map[string]int{}
	}
	p.skipped[d.Reason]++
	if p.skipped[d.Reason] <= maxEx {
		p.examples = append(p.examples, d)
	}
	if p.firstSkip == nil {
		dd := d
		p.firstSkip = &dd
	}
}

func (p *part) nonActivity(table string) {
	if p.nonAct == nil {
		p.nonAct = map[string]int{}
	}
	p.nonAct[table]++
}

// interner shares the storage of repeated strings across a worker's
// parts (dictionary values), so that a value seen in many chunks is kept
// once.
type interner struct {
	m map[string]string
}

const maxInterned = 1 << 16

func (in *interner) intern(s string) string {
	if v, ok := in.m[s]; ok {
		return v
	}
	if len(in.m) >= maxInterned {
		in.m = make(map[string]string, 1024)
	}
	v := cloneString(s)
	in.m[v] = v
	return v
}

// deduper removes repeated events as activity.Deduper does (same keys,
// same two-generation window), on key hashes computed by the workers.
type deduper struct {
	limit int
	cur   map[uint64]struct{}
	old   map[uint64]struct{}
}

func newDeduper(limit int) *deduper {
	if limit <= 0 {
		limit = activity.DefaultDedupeWindow
	}
	return &deduper{limit: limit, cur: map[uint64]struct{}{}}
}

func (d *deduper) seen(h uint64) bool {
	if _, ok := d.cur[h]; ok {
		return true
	}
	if _, ok := d.old[h]; ok {
		return true
	}
	if len(d.cur) >= d.limit {
		d.old = d.cur
		d.cur = make(map[uint64]struct{}, d.limit/4)
	}
	d.cur[h] = struct{}{}
	return false
}
