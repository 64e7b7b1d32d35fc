package activity

import (
	"strings"

	"kqlhunt/kql/types"
)

// Ticks per unit of time (1 tick = 100 ns).
const (
	ticksPerSecond = 10_000_000
	ticksPerMinute = 60 * ticksPerSecond
	ticksPerDay    = 86400 * ticksPerSecond
)

// ParseTime parses an event time into 100-ns ticks since the Unix epoch,
// UTC. It accepts:
//
//   - ISO 8601 / RFC 3339: 2022-06-28T10:05:18.8858964Z, with any number of
//     fractional digits (beyond 7 truncated), a space instead of T, an
//     offset (+01:00, +0100, +01) or none (taken as UTC);
//   - US forms seen in exports and the portal: 01/09/2007 09:41:00,
//     1/9/2007 9:41:00 AM, 1/9/2007 10:41:00 AM +01:00 and the Log Analytics
//     portal CSV form 4/28/2021, 2:31:30.021 PM (month first).
//
// The second result is false when s is not a time in one of these forms.
func ParseTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' {
		return parseISO(s)
	}
	return parseUS(s)
}

type scan struct {
	s string
	i int
}

// num reads between min and max decimal digits.
func (p *scan) num(min, max int) (int, bool) {
	n, k := 0, 0
	for p.i < len(p.s) && k < max && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		n = n*10 + int(p.s[p.i]-'0')
		p.i++
		k++
	}
	return n, k >= min
}

func (p *scan) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *scan) spaces() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// frac reads ".ddd…" and returns ticks (7 digits kept).
func (p *scan) frac() (int64, bool) {
	if !p.eat('.') && !p.eat(',') {
		return 0, true
	}
	var t int64
	k := 0
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		if k < 7 {
			t = t*10 + int64(p.s[p.i]-'0')
		}
		k++
		p.i++
	}
	if k == 0 {
		return 0, false
	}
	for ; k < 7; k++ {
		t *= 10
	}
	return t, true
}

// zone reads an optional Z or numeric offset and returns it in ticks
// (to subtract from local time).
func (p *scan) zone() (int64, bool) {
	p.spaces()
	if p.i >= len(p.s) {
		return 0, true
	}
	if p.s[p.i] == 'Z' || p.s[p.i] == 'z' {
		p.i++
		return 0, true
	}
	if strings.HasPrefix(p.s[p.i:], "UTC") || strings.HasPrefix(p.s[p.i:], "GMT") {
		p.i += 3
		if p.i >= len(p.s) {
			return 0, true
		}
	}
	sign := int64(1)
	switch {
	case p.eat('+'):
	case p.eat('-'):
		sign = -1
	default:
		return 0, false
	}
	h, ok := p.num(2, 2)
	if !ok || h > 23 {
		return 0, false
	}
	m := 0
	if p.eat(':') {
		if m, ok = p.num(2, 2); !ok {
			return 0, false
		}
	} else if p.i < len(p.s) {
		if m, ok = p.num(2, 2); !ok {
			return 0, false
		}
	}
	if m > 59 {
		return 0, false
	}
	return sign * (int64(h)*60 + int64(m)) * ticksPerMinute, true
}

// minutes reads the "mm[:ss[.fffffff]]" that follows the hour and ':'.
func (p *scan) minutes() (mi, sec int, fr int64, ok bool) {
	if mi, ok = p.num(2, 2); !ok {
		return 0, 0, 0, false
	}
	if p.eat(':') {
		if sec, ok = p.num(2, 2); !ok {
			return 0, 0, 0, false
		}
		if fr, ok = p.frac(); !ok {
			return 0, 0, 0, false
		}
	}
	return mi, sec, fr, true
}

func parseISO(s string) (int64, bool) {
	p := &scan{s: s}
	y, ok1 := p.num(4, 4)
	if !ok1 || !p.eat('-') {
		return 0, false
	}
	mo, ok2 := p.num(2, 2)
	if !ok2 || !p.eat('-') {
		return 0, false
	}
	d, ok3 := p.num(2, 2)
	if !ok3 {
		return 0, false
	}
	var h, mi, sec int
	var fr int64
	if p.i < len(p.s) && (p.s[p.i] == 'T' || p.s[p.i] == 't' || p.s[p.i] == ' ') {
		p.i++
		var ok bool
		if h, ok = p.num(2, 2); !ok || !p.eat(':') {
			return 0, false
		}
		if mi, sec, fr, ok = p.minutes(); !ok {
			return 0, false
		}
	}
	off, ok := p.zone()
	if !ok || p.i != len(p.s) {
		return 0, false
	}
	return combine(y, mo, d, h, mi, sec, fr, off)
}

func parseUS(s string) (int64, bool) {
	p := &scan{s: s}
	mo, ok := p.num(1, 2)
	if !ok || !p.eat('/') {
		return 0, false
	}
	d, ok := p.num(1, 2)
	if !ok || !p.eat('/') {
		return 0, false
	}
	y, ok := p.num(4, 4)
	if !ok {
		return 0, false
	}
	p.eat(',')
	p.spaces()
	var h, mi, sec int
	var fr int64
	if p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		if h, ok = p.num(1, 2); !ok || !p.eat(':') {
			return 0, false
		}
		if mi, sec, fr, ok = p.minutes(); !ok {
			return 0, false
		}
		p.spaces()
		rest := strings.ToUpper(p.s[p.i:])
		switch {
		case strings.HasPrefix(rest, "AM"):
			if h < 1 || h > 12 {
				return 0, false
			}
			if h == 12 {
				h = 0
			}
			p.i += 2
		case strings.HasPrefix(rest, "PM"):
			if h < 1 || h > 12 {
				return 0, false
			}
			if h != 12 {
				h += 12
			}
			p.i += 2
		}
	}
	off, ok := p.zone()
	if !ok || p.i != len(p.s) {
		return 0, false
	}
	return combine(y, mo, d, h, mi, sec, fr, off)
}

func combine(y, mo, d, h, mi, sec int, fr, off int64) (int64, bool) {
	if mo < 1 || mo > 12 || d < 1 || int64(d) > types.DaysInMonth(int64(y), int64(mo)) || h > 23 || mi > 59 || sec > 60 {
		return 0, false
	}
	if sec == 60 { // leap second: clamp
		sec = 59
		fr = ticksPerSecond - 1
	}
	days := types.DaysFromCivil(int64(y), int64(mo), int64(d))
	t := days*ticksPerDay + int64(h)*3600*ticksPerSecond + int64(mi)*ticksPerMinute + int64(sec)*ticksPerSecond + fr
	return t - off, true
}
