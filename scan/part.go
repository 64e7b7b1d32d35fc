package scan

import (
	"hash/maphash"

	"kqlhunt/activity"
	"kqlhunt/internal/strarena"
	"kqlhunt/source"
)

// part is what a worker produces for one job: the rows of a chunk (or of a
// whole file read generically) in input order, their deduplication keys,
// and what the report must count.
type part struct {
	cols  []colData
	n     int      // rows in cols
	rows  int      // rows decoded, kept by the filter or not
	keys  []uint64 // key hash per decoded row (when deduplicating)
	pass  []bool   // per decoded row: kept by the filter (nil: no filter)
	arena strarena.Arena
	span  Span // TimeGenerated of the decoded rows
	// latest is the latest TimeGenerated known when the part started
	// (Options.Latest), raised by its own rows.
	latest int64

	// Fast chunks only (generic jobs carry rep).
	lines     int // lines in the chunk
	bytes     int // size of the chunk
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
	if cfg.maxTG != nil {
		p.latest = cfg.maxTG.Load()
	}
	for i, oc := range cfg.out {
		p.cols[i] = newColData(oc.kind, rows)
	}
	if cfg.dedupe {
		p.keys = make([]uint64, 0, rows)
	}
	return p
}

// addRecord appends the output columns of r when the row filter keeps it,
// and its key hash in any case: duplicates are removed before filtering,
// so that the first copy of an event decides, as without a filter.
func (p *part) addRecord(cfg *config, r *activity.Record, in *interner, keyBuf *[]byte) {
	tg := r.TimeGenerated
	p.span.Include(tg)
	keep := cfg.filter == nil || cfg.filter.keep(r)
	if cfg.latest > 0 {
		p.latest = max(p.latest, tg)
		keep = keep && tg >= p.latest-cfg.latest
	}
	if keep {
		for i := range cfg.out {
			p.cols[i].appendRecord(&cfg.out[i], r, &p.arena, in)
		}
		p.n++
	}
	if cfg.filter != nil || cfg.latest > 0 {
		p.pass = append(p.pass, keep)
	}
	if cfg.dedupe {
		*keyBuf = activity.Key(r, *keyBuf)
		p.keys = append(p.keys, maphash.Bytes(cfg.seed, *keyBuf))
	}
	p.rows++
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
	cur   *hashSet
	old   *hashSet
}

func newDeduper(limit int) *deduper {
	if limit <= 0 {
		limit = activity.DefaultDedupeWindow
	}
	return &deduper{limit: limit, cur: newHashSet(1024)}
}

// reserve sizes the current generation for about n more events.
func (d *deduper) reserve(n int) {
	if want := min(d.cur.n+n, d.limit); want > d.cur.n {
		d.cur.grow(want)
	}
}

func (d *deduper) seen(h uint64) bool {
	slot, found := d.cur.find(h)
	if found || d.old != nil && d.old.has(h) {
		return true
	}
	if d.cur.n >= d.limit {
		d.old = d.cur
		d.cur = newHashSet(d.limit / 4)
		slot, _ = d.cur.find(h)
	}
	d.cur.addAt(h, slot)
	return false
}

// hashSet is a set of 64-bit hashes: open addressing with linear probing,
// kept at most half full.
type hashSet struct {
	slots   []uint64 // 0: empty
	n       int
	hasZero bool
}

func newHashSet(capHint int) *hashSet {
	s := &hashSet{}
	s.grow(capHint)
	return s
}

// grow makes room for n elements without rehashing.
func (s *hashSet) grow(n int) {
	size := 1024
	for size < 2*n {
		size *= 2
	}
	if size <= len(s.slots) {
		return
	}
	old := s.slots
	s.slots = make([]uint64, size)
	for _, h := range old {
		if h != 0 {
			s.insert(h)
		}
	}
}

func (s *hashSet) has(h uint64) bool {
	_, found := s.find(h)
	return found
}

// find returns whether h is in the set and, when it is not, the slot
// where addAt can put it.
func (s *hashSet) find(h uint64) (slot int, found bool) {
	if h == 0 {
		return -1, s.hasZero
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return int(i), true
		case 0:
			return int(i), false
		}
	}
}

// addAt inserts h, which is not in the set, at the slot find returned.
func (s *hashSet) addAt(h uint64, slot int) {
	s.n++
	if h == 0 {
		s.hasZero = true
		return
	}
	if 2*s.n > len(s.slots) {
		s.grow(s.n)
		s.insert(h)
		return
	}
	s.slots[slot] = h
}

func (s *hashSet) insert(h uint64) {
	mask := uint64(len(s.slots) - 1)
	i := h & mask
	for s.slots[i] != 0 {
		i = (i + 1) & mask
	}
	s.slots[i] = h
}
