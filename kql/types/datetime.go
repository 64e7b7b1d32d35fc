package types

import (
	"fmt"
	"strings"
	"time"
)

// Tick arithmetic. Datetimes are ticks (100 ns) since the Unix epoch.
const (
	// TicksPerMicrosecond is the number of ticks in one microsecond.
	TicksPerMicrosecond int64 = 10
	// TicksPerMillisecond is the number of ticks in one millisecond.
	TicksPerMillisecond int64 = 10_000
	// TicksPerSecond is the number of ticks in one second.
	TicksPerSecond int64 = 10_000_000
	// TicksPerMinute is the number of ticks in one minute.
	TicksPerMinute = 60 * TicksPerSecond
	// TicksPerHour is the number of ticks in one hour.
	TicksPerHour = 60 * TicksPerMinute
	// TicksPerDay is the number of ticks in one day.
	TicksPerDay = 24 * TicksPerHour

	// unixEpochDays is the number of days from 0001-01-01 to 1970-01-01.
	unixEpochDays = 719162
	// MinDateTime is the tick value of 0001-01-01T00:00:00Z.
	MinDateTime = -unixEpochDays * TicksPerDay
	// MaxDateTime is the tick value of 9999-12-31T23:59:59.9999999Z.
	MaxDateTime = (3652059-unixEpochDays)*TicksPerDay - 1
)

// DaysFromCivil returns the number of days since 1970-01-01 of the proleptic
// Gregorian date y-m-d (m in 1..12).
func DaysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// CivilFromDays is the inverse of DaysFromCivil.
func CivilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// FloorDiv returns a/b rounded toward negative infinity (b > 0).
func FloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Civil splits datetime ticks into calendar fields (UTC). frac is the ticks
// within the second.
func Civil(ticks int64) (year, month, day, hour, minute, second, frac int64) {
	days := FloorDiv(ticks, TicksPerDay)
	rem := ticks - days*TicksPerDay
	year, month, day = CivilFromDays(days)
	hour = rem / TicksPerHour
	rem %= TicksPerHour
	minute = rem / TicksPerMinute
	rem %= TicksPerMinute
	second = rem / TicksPerSecond
	frac = rem % TicksPerSecond
	return
}

// TicksFromTime converts a time.Time to datetime ticks.
func TicksFromTime(t time.Time) int64 {
	sec := t.Unix()
	return sec*TicksPerSecond + int64(t.Nanosecond())/100
}

// TimeFromTicks converts datetime ticks to a UTC time.Time.
func TimeFromTicks(ticks int64) time.Time {
	sec := FloorDiv(ticks, TicksPerSecond)
	return time.Unix(sec, (ticks-sec*TicksPerSecond)*100).UTC()
}

// FormatDateTime formats datetime ticks as Kusto prints them:
// 2021-04-28T14:31:30.0210000Z (always seven fractional digits).
func FormatDateTime(ticks int64) string {
	var buf [28]byte
	return string(AppendDateTime(buf[:0], ticks))
}

// AppendDateTime appends FormatDateTime's text to b.
func AppendDateTime(b []byte, ticks int64) []byte {
	y, mo, d, h, mi, s, f := Civil(ticks)
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	b = appendPad(b, y, 4)
	b = append(b, '-')
	b = appendPad(b, mo, 2)
	b = append(b, '-')
	b = appendPad(b, d, 2)
	b = append(b, 'T')
	b = appendPad(b, h, 2)
	b = append(b, ':')
	b = appendPad(b, mi, 2)
	b = append(b, ':')
	b = appendPad(b, s, 2)
	b = append(b, '.')
	b = appendPad(b, f, 7)
	return append(b, 'Z')
}

func appendPad(b []byte, v int64, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for v > 0 || i == len(tmp) {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	for n := len(tmp) - i; n < width; n++ {
		b = append(b, '0')
	}
	return append(b, tmp[i:]...)
}

var monthNames = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

var weekdayNames = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// zoneOffsets are the named zones accepted after a time, in minutes east of UTC.
var zoneOffsets = map[string]int64{
	"z": 0, "gmt": 0, "ut": 0, "utc": 0,
	"est": -5 * 60, "edt": -4 * 60, "cst": -6 * 60, "cdt": -5 * 60,
	"mst": -7 * 60, "mdt": -6 * 60, "pst": -8 * 60, "pdt": -7 * 60,
}

// dtScanner walks datetime text.
type dtScanner struct {
	s string
	i int
}

func (sc *dtScanner) eof() bool { return sc.i >= len(sc.s) }

func (sc *dtScanner) peek() byte {
	if sc.i < len(sc.s) {
		return sc.s[sc.i]
	}
	return 0
}

func (sc *dtScanner) skipSpaces() int {
	n := 0
	for sc.i < len(sc.s) && sc.s[sc.i] == ' ' {
		sc.i++
		n++
	}
	return n
}

// digits reads between min and max digits and returns their value and count.
func (sc *dtScanner) digits(min, max int) (int64, int, bool) {
	var v int64
	n := 0
	for sc.i < len(sc.s) && n < max && sc.s[sc.i] >= '0' && sc.s[sc.i] <= '9' {
		v = v*10 + int64(sc.s[sc.i]-'0')
		sc.i++
		n++
	}
	return v, n, n >= min
}

func (sc *dtScanner) letters() string {
	start := sc.i
	for sc.i < len(sc.s) && isASCIILetter(sc.s[sc.i]) {
		sc.i++
	}
	return sc.s[start:sc.i]
}

func (sc *dtScanner) accept(c byte) bool {
	if sc.peek() == c {
		sc.i++
		return true
	}
	return false
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// ParseDateTime parses datetime text in the forms Kusto accepts for
// datetime(...) literals and todatetime(): ISO 8601 (2014-05-25T08:20:03.1234567Z,
// with a space instead of T, without seconds, without a time, with a Z, a
// +hh:mm / -hhmm offset or a zone name such as GMT), RFC 822
// (Sat, 8 Nov 14 15:05:02 GMT) and RFC 850 (Saturday, 08-Nov-14 15:05:02 GMT).
// Also accepted: US numeric dates (12-02-2022, 4/28/2021, 2:32:14.029 PM as
// the Azure portal exports them) with an optional AM/PM. Fractions may have
// up to seven digits (further digits are truncated). The result is ticks
// since the Unix epoch, UTC.
func ParseDateTime(text string) (int64, error) {
	t, ok := parseDateTime(strings.TrimSpace(text))
	if !ok {
		return 0, fmt.Errorf("invalid datetime %q", text)
	}
	return t, nil
}

func parseDateTime(s string) (int64, bool) {
	sc := &dtScanner{s: s}
	if sc.eof() {
		return 0, false
	}
	var year, month, day int64
	if isASCIILetter(sc.peek()) {
		// Leading weekday name: "Sat," or "Saturday,".
		w := strings.ToLower(sc.letters())
		if !isWeekday(w) || !sc.accept(',') {
			return 0, false
		}
		sc.skipSpaces()
	}
	save := sc.i
	v, n, ok := sc.digits(1, 4)
	if !ok {
		return 0, false
	}
	if n == 4 && (sc.peek() == '-' || sc.peek() == '/') {
		// ISO / sortable: yyyy-m-d
		sep := sc.peek()
		sc.i++
		year = v
		if month, _, ok = sc.digits(1, 2); !ok || !sc.accept(sep) {
			return 0, false
		}
		if day, _, ok = sc.digits(1, 2); !ok {
			return 0, false
		}
		if sc.eof() {
			return dateTicks(year, month, day, 0, 0, 0, 0, 0)
		}
		if !sc.accept('T') && !sc.accept('t') && sc.skipSpaces() == 0 {
			return 0, false
		}
	} else {
		// RFC 822 "8 Nov 14" or RFC 850 "08-Nov-14".
		sc.i = save
		if day, _, ok = sc.digits(1, 2); !ok {
			return 0, false
		}
		var sep byte = ' '
		if c := sc.peek(); (c == '-' || c == '/') && sc.i+1 < len(sc.s) && sc.s[sc.i+1] >= '0' && sc.s[sc.i+1] <= '9' {
			// US numeric form: MM-dd-yyyy or MM/dd/yyyy.
			sc.i++
			month = day
			if day, _, ok = sc.digits(1, 2); !ok || !sc.accept(c) {
				return 0, false
			}
			if year, _, ok = sc.digits(4, 4); !ok {
				return 0, false
			}
			if sc.eof() {
				return dateTicks(year, month, day, 0, 0, 0, 0, 0)
			}
			comma := sc.accept(',') // "4/28/2021, 2:32:14.029 PM" as the Azure portal exports it
			if sc.skipSpaces() == 0 && !comma {
				return 0, false
			}
			return parseTimeOfDay(sc, year, month, day)
		}
		if sc.accept('-') {
			sep = '-'
		} else if sc.skipSpaces() == 0 {
			return 0, false
		}
		mon := strings.ToLower(sc.letters())
		if month = monthIndex(mon); month == 0 {
			return 0, false
		}
		if sep == '-' {
			if !sc.accept('-') {
				return 0, false
			}
		} else if sc.skipSpaces() == 0 {
			return 0, false
		}
		var yn int
		if year, yn, ok = sc.digits(2, 4); !ok || yn == 3 {
			return 0, false
		}
		if yn == 2 {
			// Two-digit years as .NET reads them: 00-29 are 20xx, 30-99 19xx.
			if year < 30 {
				year += 2000
			} else {
				year += 1900
			}
		}
		if sc.eof() {
			return dateTicks(year, month, day, 0, 0, 0, 0, 0)
		}
		if sc.skipSpaces() == 0 {
			return 0, false
		}
	}
	return parseTimeOfDay(sc, year, month, day)
}

// parseTimeOfDay parses H:MM[:SS[.fffffff]] [AM|PM] [zone] to the end of
// the text and combines it with the date.
func parseTimeOfDay(sc *dtScanner, year, month, day int64) (int64, bool) {
	hour, _, ok := sc.digits(1, 2)
	if !ok || !sc.accept(':') {
		return 0, false
	}
	minute, _, ok := sc.digits(2, 2)
	if !ok {
		return 0, false
	}
	var second, frac int64
	if sc.accept(':') {
		if second, _, ok = sc.digits(2, 2); !ok {
			return 0, false
		}
		if sc.accept('.') {
			var fd int
			start := sc.i
			if frac, fd, ok = sc.digits(1, 7); !ok {
				return 0, false
			}
			for ; fd < 7; fd++ {
				frac *= 10
			}
			// Digits beyond the tick resolution are ignored.
			for sc.i < len(sc.s) && sc.s[sc.i] >= '0' && sc.s[sc.i] <= '9' && sc.i-start < 20 {
				sc.i++
			}
		}
	}
	sc.skipSpaces()
	if sc.i+1 < len(sc.s) && (sc.s[sc.i+1] == 'M' || sc.s[sc.i+1] == 'm') &&
		(sc.i+2 == len(sc.s) || !isASCIILetter(sc.s[sc.i+2])) {
		switch sc.s[sc.i] | 0x20 {
		case 'a':
			if hour < 1 || hour > 12 {
				return 0, false
			}
			if hour == 12 {
				hour = 0
			}
			sc.i += 2
		case 'p':
			if hour < 1 || hour > 12 {
				return 0, false
			}
			if hour != 12 {
				hour += 12
			}
			sc.i += 2
		}
	}
	// Zone.
	var offset int64 // minutes east of UTC
	sc.skipSpaces()
	if !sc.eof() {
		switch c := sc.peek(); {
		case c == '+' || c == '-':
			sc.i++
			oh, _, ok := sc.digits(2, 2)
			if !ok {
				return 0, false
			}
			sc.accept(':')
			om, _, _ := sc.digits(2, 2)
			if oh > 14 || om > 59 {
				return 0, false
			}
			offset = oh*60 + om
			if c == '-' {
				offset = -offset
			}
		case isASCIILetter(c):
			z, known := zoneOffsets[strings.ToLower(sc.letters())]
			if !known {
				return 0, false
			}
			offset = z
		default:
			return 0, false
		}
		sc.skipSpaces()
		if !sc.eof() {
			return 0, false
		}
	}
	return dateTicks(year, month, day, hour, minute, second, frac, offset)
}

func isWeekday(w string) bool {
	for _, n := range weekdayNames {
		if w == n || w == n[:3] {
			return true
		}
	}
	return false
}

func monthIndex(mon string) int64 {
	if len(mon) < 3 {
		return 0
	}
	for i, m := range monthNames {
		if mon == m || strings.HasPrefix(fullMonthNames[i], mon) && len(mon) >= 3 {
			return int64(i + 1)
		}
	}
	return 0
}

var fullMonthNames = [...]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

// DaysInMonth returns the number of days of month m (1..12) in year y.
func DaysInMonth(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// dateTicks validates calendar fields and returns ticks since the Unix epoch;
// offset is the zone's minutes east of UTC.
func dateTicks(y, mo, d, h, mi, s, frac, offset int64) (int64, bool) {
	if y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) ||
		h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	t := DaysFromCivil(y, mo, d)*TicksPerDay + h*TicksPerHour + mi*TicksPerMinute + s*TicksPerSecond + frac
	t -= offset * TicksPerMinute
	if t < MinDateTime || t > MaxDateTime {
		return 0, false
	}
	return t, true
}

// MakeDateTime builds datetime ticks from calendar fields, reporting false
// when a field is out of range. sec may carry a fraction.
func MakeDateTime(y, mo, d, h, mi int64, sec float64) (int64, bool) {
	if sec < 0 || sec >= 60 {
		return 0, false
	}
	whole := int64(sec)
	frac := int64((sec-float64(whole))*float64(TicksPerSecond) + 0.5)
	if frac >= TicksPerSecond {
		frac = TicksPerSecond - 1
	}
	return dateTicks(y, mo, d, h, mi, whole, frac, 0)
}
