package types

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// timespanUnits maps the unit suffixes Kusto accepts in timespan literals to
// their length in ticks.
var timespanUnits = map[string]int64{
	"d": TicksPerDay, "day": TicksPerDay, "days": TicksPerDay,
	"h": TicksPerHour, "hr": TicksPerHour, "hrs": TicksPerHour, "hour": TicksPerHour, "hours": TicksPerHour,
	"m": TicksPerMinute, "min": TicksPerMinute, "mins": TicksPerMinute, "minute": TicksPerMinute, "minutes": TicksPerMinute,
	"s": TicksPerSecond, "sec": TicksPerSecond, "secs": TicksPerSecond, "second": TicksPerSecond, "seconds": TicksPerSecond,
	"ms": TicksPerMillisecond, "milli": TicksPerMillisecond, "millis": TicksPerMillisecond,
	"millisec": TicksPerMillisecond, "millisecs": TicksPerMillisecond,
	"millisecond": TicksPerMillisecond, "milliseconds": TicksPerMillisecond,
	"micro": TicksPerMicrosecond, "micros": TicksPerMicrosecond,
	"microsec": TicksPerMicrosecond, "microsecs": TicksPerMicrosecond,
	"microsecond": TicksPerMicrosecond, "microseconds": TicksPerMicrosecond,
	"tick": 1, "ticks": 1,
}

// TimeSpanUnit returns the length in ticks of a timespan unit suffix such as
// "d", "hours", "ms", "microsecond" or "tick".
func TimeSpanUnit(unit string) (int64, bool) {
	t, ok := timespanUnits[strings.ToLower(unit)]
	return t, ok
}

// ParseTimeSpan parses timespan text as Kusto accepts it in time(...)
// literals and totimespan(): a number with a unit (2d, 1.5h, 30m, 10s, 0.1s,
// 100ms, 10microsecond, 1tick, "15 seconds"), a bare number of days (2), or
// [-][d.]hh:mm[:ss[.fffffff]] (0.12:34:56.7). The result is in ticks.
func ParseTimeSpan(text string) (int64, error) {
	t, ok := parseTimeSpan(strings.TrimSpace(text))
	if !ok {
		return 0, fmt.Errorf("invalid timespan %q", text)
	}
	return t, nil
}

func parseTimeSpan(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	if strings.IndexByte(s, ':') >= 0 {
		return parseClockSpan(s)
	}
	// number [spaces] unit
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i++
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num := s[:i]
	unit := strings.TrimLeft(s[i:], " ")
	if num == "" || num == "-" || num == "+" {
		return 0, false
	}
	per := TicksPerDay
	if unit != "" {
		var ok bool
		if per, ok = TimeSpanUnit(unit); !ok {
			return 0, false
		}
	}
	return scaleDecimal(num, per)
}

// scaleDecimal multiplies decimal text by per ticks, exactly for the whole
// part and rounding the fraction to the nearest tick.
func scaleDecimal(num string, per int64) (int64, bool) {
	neg := false
	switch num[0] {
	case '-':
		neg = true
		num = num[1:]
	case '+':
		num = num[1:]
	}
	whole, frac, hasDot := strings.Cut(num, ".")
	if whole == "" && frac == "" || strings.IndexByte(frac, '.') >= 0 {
		return 0, false
	}
	if hasDot && frac == "" && whole == "" {
		return 0, false
	}
	var w int64
	if whole != "" {
		var err error
		if w, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return 0, false
		}
	}
	if w > math.MaxInt64/per {
		return 0, false
	}
	t := w * per
	if frac != "" {
		f, err := strconv.ParseFloat("0."+frac, 64)
		if err != nil {
			return 0, false
		}
		t += int64(math.Round(f * float64(per)))
	}
	if neg {
		t = -t
	}
	return t, true
}

// parseClockSpan parses [-][d.]hh:mm[:ss[.fffffff]].
func parseClockSpan(s string) (int64, bool) {
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	sc := &dtScanner{s: s}
	first, _, ok := sc.digits(1, 9)
	if !ok {
		return 0, false
	}
	var days, hours int64
	if sc.accept('.') {
		days = first
		if hours, _, ok = sc.digits(1, 2); !ok {
			return 0, false
		}
	} else {
		hours = first
	}
	if !sc.accept(':') {
		return 0, false
	}
	minutes, _, ok := sc.digits(1, 2)
	if !ok || hours > 23 && days > 0 || minutes > 59 {
		return 0, false
	}
	var seconds, frac int64
	if sc.accept(':') {
		if seconds, _, ok = sc.digits(1, 2); !ok || seconds > 59 {
			return 0, false
		}
		if sc.accept('.') {
			var fd int
			if frac, fd, ok = sc.digits(1, 7); !ok {
				return 0, false
			}
			for ; fd < 7; fd++ {
				frac *= 10
			}
		}
	}
	if !sc.eof() {
		return 0, false
	}
	t := days*TicksPerDay + hours*TicksPerHour + minutes*TicksPerMinute + seconds*TicksPerSecond + frac
	if neg {
		t = -t
	}
	return t, true
}

// FormatTimeSpan formats ticks as Kusto prints a timespan:
// [-][d.]hh:mm:ss[.fffffff], e.g. 1.02:03:04.5000000 or 00:00:01.
func FormatTimeSpan(ticks int64) string {
	var buf [32]byte
	return string(AppendTimeSpan(buf[:0], ticks))
}

// AppendTimeSpan appends FormatTimeSpan's text to b.
func AppendTimeSpan(b []byte, ticks int64) []byte {
	u := uint64(ticks)
	if ticks < 0 {
		b = append(b, '-')
		u = uint64(-ticks) // two's complement handles MinInt64 too
	}
	days := u / uint64(TicksPerDay)
	rem := u % uint64(TicksPerDay)
	if days > 0 {
		b = strconv.AppendUint(b, days, 10)
		b = append(b, '.')
	}
	b = appendPad(b, int64(rem/uint64(TicksPerHour)), 2)
	rem %= uint64(TicksPerHour)
	b = append(b, ':')
	b = appendPad(b, int64(rem/uint64(TicksPerMinute)), 2)
	rem %= uint64(TicksPerMinute)
	b = append(b, ':')
	b = appendPad(b, int64(rem/uint64(TicksPerSecond)), 2)
	if f := rem % uint64(TicksPerSecond); f != 0 {
		b = append(b, '.')
		b = appendPad(b, int64(f), 7)
	}
	return b
}
