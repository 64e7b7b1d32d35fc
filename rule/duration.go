package rule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration parses a rule duration as rule YAML writes it: the short
// forms 5m, 1h, 1d, 14d (also s for seconds) and ISO 8601 durations such as
// PT1H, P1D or P1DT12H. Surrounding white space is ignored.
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if t[0] == 'P' || t[0] == 'p' {
		return parseISODuration(t)
	}
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 || i == len(t) {
		return 0, fmt.Errorf("duration %q: want a number followed by a unit (5m, 1h, 1d) or ISO 8601 (PT1H)", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil || n > 1<<20 {
		return 0, fmt.Errorf("duration %q: number out of range", s)
	}
	unit, ok := shortUnit(strings.TrimSpace(t[i:]))
	if !ok {
		return 0, fmt.Errorf("duration %q: unknown unit %q (want s, m, h or d)", s, strings.TrimSpace(t[i:]))
	}
	return time.Duration(n) * unit, nil
}

func shortUnit(u string) (time.Duration, bool) {
	switch u {
	case "s":
		return time.Second, true
	case "m":
		return time.Minute, true
	case "h":
		return time.Hour, true
	case "d":
		return 24 * time.Hour, true
	}
	return 0, false
}

// parseISODuration parses the day-time subset of ISO 8601 durations that
// Sentinel accepts: PnD, PTnHnMnS, PnDTnH..., PnW.
func parseISODuration(s string) (time.Duration, error) {
	u := strings.ToUpper(s)
	rest := u[1:]
	if rest == "" {
		return 0, fmt.Errorf("duration %q: nothing after P", s)
	}
	var total time.Duration
	inTime := false
	seen := false
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return 0, fmt.Errorf("duration %q: repeated T", s)
			}
			inTime = true
			rest = rest[1:]
			if rest == "" {
				return 0, fmt.Errorf("duration %q: nothing after T", s)
			}
			continue
		}
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 || i == len(rest) {
			return 0, fmt.Errorf("duration %q: malformed ISO 8601 duration", s)
		}
		f, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil || f > 1<<20 {
			return 0, fmt.Errorf("duration %q: bad number %q", s, rest[:i])
		}
		var unit time.Duration
		switch c := rest[i]; {
		case !inTime && c == 'W':
			unit = 7 * 24 * time.Hour
		case !inTime && c == 'D':
			unit = 24 * time.Hour
		case inTime && c == 'H':
			unit = time.Hour
		case inTime && c == 'M':
			unit = time.Minute
		case inTime && c == 'S':
			unit = time.Second
		default:
			return 0, fmt.Errorf("duration %q: unsupported ISO 8601 designator %q (years and months have no fixed length)", s, string(c))
		}
		total += time.Duration(f * float64(unit))
		seen = true
		rest = rest[i+1:]
	}
	if !seen {
		return 0, fmt.Errorf("duration %q: no components", s)
	}
	return total, nil
}

// FormatDuration writes d in the short rule form when it is a whole number
// of days, hours, minutes or seconds (1d, 5h, 30m), else in Go's form.
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0m"
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}

func durationOf(ns int64) time.Duration { return time.Duration(ns) }
