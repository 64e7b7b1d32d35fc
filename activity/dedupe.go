package activity

import (
	"hash/maphash"
	"strconv"
)

// DefaultDedupeWindow is the number of distinct event keys a Deduper keeps
// per generation when NewDeduper is given limit <= 0.
const DefaultDedupeWindow = 4 << 20

// Deduper drops the second and later copies of an event exported twice
// (for example by a management-group and a subscription diagnostic
// setting). The key is EventDataId when the event has one, otherwise the
// correlation id, time, operation, status and resource id (inferred: no
// document defines the identity of a diagnostic record).
//
// Only a 64-bit hash of each key is kept (about 10 bytes of map per event,
// so some 90 MB at the default cap), in two generations of up to limit
// entries: when the current generation fills, it becomes the old one
// and the previous old one is dropped, so memory stays bounded and
// duplicates are found as long as the copies are less than about limit
// distinct events apart (exports put them in the same hour).
type Deduper struct {
	seed  maphash.Seed
	limit int
	cur   map[uint64]struct{}
	old   map[uint64]struct{}
	buf   []byte
}

// NewDeduper returns a Deduper keeping up to 2*limit hashes.
func NewDeduper(limit int) *Deduper {
	if limit <= 0 {
		limit = DefaultDedupeWindow
	}
	return &Deduper{seed: maphash.MakeSeed(), limit: limit, cur: map[uint64]struct{}{}}
}

// Key returns the identity text of r used for duplicate detection.
func Key(r *Record, buf []byte) []byte {
	buf = buf[:0]
	if r.EventDataId != "" {
		buf = append(buf, "id:"...)
		return appendLower(buf, r.EventDataId)
	}
	buf = append(buf, "k:"...)
	buf = appendLower(buf, r.CorrelationId)
	buf = append(buf, 0)
	buf = strconv.AppendInt(buf, r.TimeGenerated, 10)
	buf = append(buf, 0)
	buf = appendLower(buf, r.OperationNameValue)
	buf = append(buf, 0)
	buf = appendLower(buf, r.ActivityStatusValue)
	buf = append(buf, 0)
	buf = appendLower(buf, r.ResourceId)
	return buf
}

// appendLower appends s with ASCII letters lower-cased.
func appendLower(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// Seen records r and reports whether an event with the same key was seen
// before.
func (d *Deduper) Seen(r *Record) bool {
	d.buf = Key(r, d.buf)
	h := maphash.Bytes(d.seed, d.buf)
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
