package funcs

import (
	"fmt"
	"iter"
	"math"
	"strings"

	"kqlhunt/kql/types"
)

// nowTicks returns the query's now() instant in ticks.
func nowTicks(ctx *Context) int64 {
	if ctx == nil || ctx.Now.IsZero() {
		return 0
	}
	return types.TicksFromTime(ctx.Now)
}

// dtArg returns a datetime argument's ticks; ok is false for null or a
// value that does not convert.
func dtArg(v types.Value) (int64, bool) {
	if v.Type == types.DateTime {
		return v.I, !v.Null
	}
	d := types.ToDateTime(v)
	return d.I, !d.Null
}

// tsArg returns a timespan argument's ticks.
func tsArg(v types.Value) (int64, bool) {
	if v.Type == types.TimeSpan {
		return v.I, !v.Null
	}
	d := types.ToTimeSpan(v)
	return d.I, !d.Null
}

// dtResult returns ticks as a datetime, or null outside Kusto's range.
func dtResult(t int64) types.Value {
	if t < types.MinDateTime || t > types.MaxDateTime {
		return nullDateTime
	}
	return types.NewDateTime(t)
}

// dtField builds a one-argument datetime accessor returning an int.
func dtField(name string, rt types.Type, f func(t int64) int64) *Func {
	return scalar(name, 1, 1, sig(rt, aDT), func(_ *Context, a []types.Value) (types.Value, error) {
		t, ok := dtArg(a[0])
		if !ok {
			return types.NullOf(rt), nil
		}
		if rt == types.Int {
			return types.NewInt(f(t)), nil
		}
		return types.Value{Type: rt, I: f(t)}, nil
	})
}

// startOf builds startofX / endofX with an optional integer offset.
func startOf(name string, end bool, f func(t, offset int64) (int64, bool)) *Func {
	return scalar(name, 1, 2, sig(types.DateTime, aDT, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		t, ok := dtArg(a[0])
		if !ok {
			return nullDateTime, nil
		}
		var off int64
		if len(a) > 1 {
			if off, ok = argLong(a[1]); !ok {
				return nullDateTime, nil
			}
		}
		if end {
			off++
		}
		r, ok := f(t, off)
		if !ok {
			return nullDateTime, nil
		}
		if end {
			r--
		}
		return dtResult(r), nil
	})
}

func dayStart(t int64) int64 { return types.FloorDiv(t, types.TicksPerDay) * types.TicksPerDay }

func startOfDay(t, off int64) (int64, bool) { return dayStart(t) + off*types.TicksPerDay, true }

func startOfWeek(t, off int64) (int64, bool) {
	days := types.FloorDiv(t, types.TicksPerDay)
	dow := weekday(days)
	return (days - dow + 7*off) * types.TicksPerDay, true
}

func startOfMonth(t, off int64) (int64, bool) {
	y, m, _, _, _, _, _ := types.Civil(t)
	return monthStart(y, m+off)
}

func startOfYear(t, off int64) (int64, bool) {
	y, _, _, _, _, _, _ := types.Civil(t)
	return monthStart(y+off, 1)
}

// monthStart returns the first instant of month m (may be outside 1..12)
// of year y.
func monthStart(y, m int64) (int64, bool) {
	m--
	y += types.FloorDiv(m, 12)
	m = m - types.FloorDiv(m, 12)*12 + 1
	if y < 1 || y > 9999 {
		return 0, false
	}
	return types.DaysFromCivil(y, m, 1) * types.TicksPerDay, true
}

// weekday returns 0 for Sunday .. 6 for Saturday from days since the epoch.
func weekday(days int64) int64 {
	return ((days+4)%7 + 7) % 7 // 1970-01-01 was a Thursday
}

// isoWeek returns the ISO 8601 week number of a datetime.
func isoWeek(t int64) int64 {
	days := types.FloorDiv(t, types.TicksPerDay)
	wd := weekday(days)
	if wd == 0 {
		wd = 7 // Monday=1 .. Sunday=7
	}
	thursday := days - wd + 4
	y, _, _ := types.CivilFromDays(thursday)
	jan1 := types.DaysFromCivil(y, 1, 1)
	return (thursday-jan1)/7 + 1
}

func dayOfYear(t int64) int64 {
	days := types.FloorDiv(t, types.TicksPerDay)
	y, _, _ := types.CivilFromDays(days)
	return days - types.DaysFromCivil(y, 1, 1) + 1
}

// addMonths adds n calendar months, clamping the day to the month's end.
func addMonths(t, n int64) (int64, bool) {
	y, m, d, _, _, _, _ := types.Civil(t)
	tod := t - dayStart(t)
	start, ok := monthStart(y, m+n)
	if !ok {
		return 0, false
	}
	ny, nm, _ := types.CivilFromDays(start / types.TicksPerDay)
	if dim := types.DaysInMonth(ny, nm); d > dim {
		d = dim
	}
	return start + (d-1)*types.TicksPerDay + tod, true
}

// partTicks maps datetime_add / datetime_diff part names to fixed lengths.
var partTicks = map[string]int64{
	"week": 7 * types.TicksPerDay, "day": types.TicksPerDay, "hour": types.TicksPerHour,
	"minute": types.TicksPerMinute, "second": types.TicksPerSecond,
	"millisecond": types.TicksPerMillisecond, "microsecond": types.TicksPerMicrosecond,
}

func normPart(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	switch p {
	case "years":
		return "year"
	case "quarters":
		return "quarter"
	case "months":
		return "month"
	case "weeks", "week_of_year", "weekofyear":
		return "week"
	case "days":
		return "day"
	case "hours":
		return "hour"
	case "minutes":
		return "minute"
	case "seconds":
		return "second"
	case "milliseconds":
		return "millisecond"
	case "microseconds":
		return "microsecond"
	case "nanoseconds":
		return "nanosecond"
	}
	return p
}

// partMonths is the length in months of the calendar parts datetime_add
// counts in months.
var partMonths = map[string]int64{"year": 12, "quarter": 3, "month": 1}

func evalDatetimeAdd(_ *Context, a []types.Value) (types.Value, error) {
	part := normPart(argStr(a[0]))
	n, ok1 := argLong(a[1])
	t, ok2 := dtArg(a[2])
	if !ok1 || !ok2 {
		return nullDateTime, nil
	}
	if months, ok := partMonths[part]; ok {
		r, ok := addMonths(t, months*n)
		if !ok {
			return nullDateTime, nil
		}
		return dtResult(r), nil
	}
	if part == "nanosecond" {
		return dtResult(t + n/100), nil
	}
	if u, ok := partTicks[part]; ok {
		return dtResult(t + n*u), nil
	}
	return types.Value{}, fmt.Errorf("unknown part %q", argStr(a[0]))
}

// evalDatetimeDiff counts the part boundaries between two datetimes:
// truncate both to the part and subtract (datetime_diff('year',
// 2017-01-01, 2000-12-31) is 17).
func evalDatetimeDiff(_ *Context, a []types.Value) (types.Value, error) {
	part := normPart(argStr(a[0]))
	t1, ok1 := dtArg(a[1])
	t2, ok2 := dtArg(a[2])
	if !ok1 || !ok2 {
		return nullLong, nil
	}
	y1, m1, _, _, _, _, _ := types.Civil(t1)
	y2, m2, _, _, _, _, _ := types.Civil(t2)
	switch part {
	case "year":
		return types.NewLong(y1 - y2), nil
	case "quarter":
		return types.NewLong((y1*4 + (m1-1)/3) - (y2*4 + (m2-1)/3)), nil
	case "month":
		return types.NewLong((y1*12 + m1) - (y2*12 + m2)), nil
	case "week":
		w1, _ := startOfWeek(t1, 0)
		w2, _ := startOfWeek(t2, 0)
		return types.NewLong((w1 - w2) / (7 * types.TicksPerDay)), nil
	case "nanosecond":
		return types.NewLong((t1 - t2) * 100), nil
	}
	if u, ok := partTicks[part]; ok {
		return types.NewLong(types.FloorDiv(t1, u) - types.FloorDiv(t2, u)), nil
	}
	return types.Value{}, fmt.Errorf("unknown part %q", argStr(a[0]))
}

func evalDatetimePart(_ *Context, a []types.Value) (types.Value, error) {
	part := normPart(argStr(a[0]))
	t, ok := dtArg(a[1])
	if !ok {
		return nullInt, nil
	}
	y, m, d, h, mi, s, f := types.Civil(t)
	var r int64
	switch part {
	case "year":
		r = y
	case "quarter":
		r = (m-1)/3 + 1
	case "month":
		r = m
	case "week":
		r = isoWeek(t)
	case "day":
		r = d
	case "dayofyear":
		r = dayOfYear(t)
	case "hour":
		r = h
	case "minute":
		r = mi
	case "second":
		r = s
	case "millisecond":
		r = f / types.TicksPerMillisecond
	case "microsecond":
		r = f / types.TicksPerMicrosecond
	case "nanosecond":
		r = f * 100
	default:
		return types.Value{}, fmt.Errorf("unknown part %q", argStr(a[0]))
	}
	return types.NewInt(r), nil
}

// makeDatetimeType accepts make_datetime(year, month, day [, hour, minute
// [, second]]) and, as deployed rules rely on, a single datetime or string
// argument (converted like todatetime).
func makeDatetimeType(args []types.Type) (types.Type, error) {
	if len(args) == 1 && (args[0] == types.DateTime || args[0] == types.String) {
		return types.DateTime, nil
	}
	if err := checkArgs(args, []argClass{aInt, aInt, aInt, aInt, aInt, aNum}); err != nil {
		return types.Null, err
	}
	return types.DateTime, nil
}

func evalMakeDatetime(_ *Context, a []types.Value) (types.Value, error) {
	if len(a) == 1 && (a[0].Type == types.DateTime || a[0].Type == types.String) {
		return types.ToDateTime(a[0]), nil
	}
	var f [5]int64
	f[1], f[2] = 1, 1
	for i := 0; i < len(a) && i < 5; i++ {
		n, ok := argLong(a[i])
		if !ok {
			return nullDateTime, nil
		}
		f[i] = n
	}
	sec := 0.0
	if len(a) > 5 {
		s, ok := argReal(a[5])
		if !ok {
			return nullDateTime, nil
		}
		sec = s
	}
	if f[3] < 0 || f[3] > 23 || f[4] < 0 || f[4] > 59 {
		return nullDateTime, nil
	}
	t, ok := types.MakeDateTime(f[0], f[1], f[2], f[3], f[4], sec)
	if !ok {
		return nullDateTime, nil
	}
	return types.NewDateTime(t), nil
}

func evalMakeTimespan(_ *Context, a []types.Value) (types.Value, error) {
	// (h, m), (h, m, s) or (d, h, m, s); seconds may be fractional.
	var d, h, m int64
	var s float64
	ints := make([]int64, len(a))
	for i, v := range a {
		if i == len(a)-1 && len(a) >= 3 {
			f, ok := argReal(v)
			if !ok {
				return nullTimeSpan, nil
			}
			s = f
			continue
		}
		n, ok := argLong(v)
		if !ok {
			return nullTimeSpan, nil
		}
		ints[i] = n
	}
	switch len(a) {
	case 2:
		h, m = ints[0], ints[1]
	case 3:
		h, m = ints[0], ints[1]
	case 4:
		d, h, m = ints[0], ints[1], ints[2]
	}
	t := d*types.TicksPerDay + h*types.TicksPerHour + m*types.TicksPerMinute + int64(math.Round(s*float64(types.TicksPerSecond)))
	return types.NewTimeSpan(t), nil
}

// unixToDatetime converts a number of units since the Unix epoch.
func unixToDatetime(name string, ticksPerUnit float64) *Func {
	return scalar(name, 1, 1, sig(types.DateTime, aNum), func(_ *Context, a []types.Value) (types.Value, error) {
		v := a[0]
		if v.IsNull() {
			return nullDateTime, nil
		}
		if v.Type.IsInteger() {
			switch ticksPerUnit {
			case 0.01:
				return dtResult(v.I / 100), nil
			case 1:
				return dtResult(v.I), nil
			}
			t := float64(v.I) * ticksPerUnit
			if math.Abs(t) > 9e18 {
				return nullDateTime, nil
			}
			return dtResult(v.I * int64(ticksPerUnit)), nil
		}
		f, ok := argReal(v)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f*ticksPerUnit) > 9e18 {
			return nullDateTime, nil
		}
		return dtResult(int64(math.Round(f * ticksPerUnit))), nil
	})
}

var monthAbbrev = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
var monthFull = [...]string{"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"}
var dayAbbrev = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
var dayFull = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

func pad(b []byte, v int64, width int) []byte {
	s := fmt.Sprint(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendFraction writes n digits of the 7-digit fraction; trim (F
// specifiers) drops trailing zeros.
func appendFraction(b []byte, frac int64, n int, trim bool) []byte {
	if n > 7 {
		n = 7
	}
	digits := fmt.Sprintf("%07d", frac)[:n]
	if trim {
		digits = strings.TrimRight(digits, "0")
	}
	return append(b, digits...)
}

// formatRuns yields a format string as runs of one repeated character: the
// character and how many times it repeats.
func formatRuns(format string) iter.Seq2[byte, int] {
	return func(yield func(byte, int) bool) {
		for i := 0; i < len(format); {
			c := format[i]
			n := 1
			for i+n < len(format) && format[i+n] == c {
				n++
			}
			if !yield(c, n) {
				return
			}
			i += n
		}
	}
}

// formatDatetime implements format_datetime's specifiers (d, dd, ddd, dddd,
// f…fffffff, F…FFFFFFF, h, hh, H, HH, m, mm, M, MM, MMM, MMMM, s, ss, y, yy,
// yyyy, tt); other characters are copied.
func formatDatetime(t int64, format string) string {
	y, mo, d, h, mi, s, f := types.Civil(t)
	var b []byte
	for c, n := range formatRuns(format) {
		switch c {
		case 'd':
			switch n {
			case 1, 2:
				b = pad(b, d, n)
			case 3:
				b = append(b, dayAbbrev[weekday(types.FloorDiv(t, types.TicksPerDay))]...)
			default:
				b = append(b, dayFull[weekday(types.FloorDiv(t, types.TicksPerDay))]...)
			}
		case 'f', 'F':
			b = appendFraction(b, f, n, c == 'F')
		case 'h':
			h12 := h % 12
			if h12 == 0 {
				h12 = 12
			}
			b = pad(b, h12, min(n, 2))
		case 'H':
			b = pad(b, h, min(n, 2))
		case 'm':
			b = pad(b, mi, min(n, 2))
		case 'M':
			switch n {
			case 1, 2:
				b = pad(b, mo, n)
			case 3:
				b = append(b, monthAbbrev[mo-1]...)
			default:
				b = append(b, monthFull[mo-1]...)
			}
		case 's':
			b = pad(b, s, min(n, 2))
		case 'y':
			switch n {
			case 1:
				b = pad(b, y%100, 1)
			case 2:
				b = pad(b, y%100, 2)
			default:
				b = pad(b, y, n)
			}
		case 't':
			ampm := "AM"
			if h >= 12 {
				ampm = "PM"
			}
			if n == 1 {
				ampm = ampm[:1]
			}
			b = append(b, ampm...)
		default:
			for k := 0; k < n; k++ {
				b = append(b, c)
			}
		}
	}
	return string(b)
}

// formatTimespan implements format_timespan's specifiers (d…dddddddd,
// f…, F…, h/hh/H/HH, m/mm, s/ss); other characters are copied.
func formatTimespan(t int64, format string) string {
	var b []byte
	if t < 0 {
		b = append(b, '-')
		t = -t
	}
	days := t / types.TicksPerDay
	rem := t % types.TicksPerDay
	h := rem / types.TicksPerHour
	mi := rem % types.TicksPerHour / types.TicksPerMinute
	s := rem % types.TicksPerMinute / types.TicksPerSecond
	f := rem % types.TicksPerSecond
	for c, n := range formatRuns(format) {
		switch c {
		case 'd':
			b = pad(b, days, n)
		case 'h', 'H':
			b = pad(b, h, min(n, 2))
		case 'm':
			b = pad(b, mi, min(n, 2))
		case 's':
			b = pad(b, s, min(n, 2))
		case 'f', 'F':
			b = appendFraction(b, f, n, c == 'F')
		default:
			for k := 0; k < n; k++ {
				b = append(b, c)
			}
		}
	}
	return string(b)
}

var datetimeFuncs = []*Func{
	scalar("now", 0, 1, sig(types.DateTime, aTS), func(ctx *Context, a []types.Value) (types.Value, error) {
		t := nowTicks(ctx)
		if len(a) == 1 {
			off, ok := tsArg(a[0])
			if !ok {
				return nullDateTime, nil
			}
			t += off
		}
		return types.NewDateTime(t), nil
	}),
	scalar("ago", 1, 1, sig(types.DateTime, aTS), func(ctx *Context, a []types.Value) (types.Value, error) {
		ts, ok := tsArg(a[0])
		if !ok {
			return nullDateTime, nil
		}
		return types.NewDateTime(nowTicks(ctx) - ts), nil
	}),
	scalar("datetime_add", 3, 3, sig(types.DateTime, aStr, aInt, aDT), evalDatetimeAdd),
	scalar("datetime_diff", 3, 3, sig(types.Long, aStr, aDT, aDT), evalDatetimeDiff),
	scalar("datetime_part", 2, 2, sig(types.Int, aStr, aDT), evalDatetimePart),
	startOf("startofday", false, startOfDay),
	startOf("startofweek", false, startOfWeek),
	startOf("startofmonth", false, startOfMonth),
	startOf("startofyear", false, startOfYear),
	startOf("endofday", true, startOfDay),
	startOf("endofweek", true, startOfWeek),
	startOf("endofmonth", true, startOfMonth),
	startOf("endofyear", true, startOfYear),
	scalar("dayofweek", 1, 1, sig(types.TimeSpan, aDT), func(_ *Context, a []types.Value) (types.Value, error) {
		t, ok := dtArg(a[0])
		if !ok {
			return nullTimeSpan, nil
		}
		return types.NewTimeSpan(weekday(types.FloorDiv(t, types.TicksPerDay)) * types.TicksPerDay), nil
	}),
	dtField("dayofmonth", types.Int, func(t int64) int64 { _, _, d, _, _, _, _ := types.Civil(t); return d }),
	dtField("dayofyear", types.Int, dayOfYear),
	dtField("getyear", types.Int, func(t int64) int64 { y, _, _, _, _, _, _ := types.Civil(t); return y }),
	dtField("monthofyear", types.Int, func(t int64) int64 { _, m, _, _, _, _, _ := types.Civil(t); return m }),
	dtField("hourofday", types.Int, func(t int64) int64 { _, _, _, h, _, _, _ := types.Civil(t); return h }),
	dtField("weekofyear", types.Int, isoWeek),
	dtField("week_of_year", types.Int, isoWeek),
	scalar("make_datetime", 1, 6, sigFn(makeDatetimeType), evalMakeDatetime),
	scalar("make_timespan", 2, 4, sig(types.TimeSpan, aInt, aInt, aNum, aNum), evalMakeTimespan),
	unixToDatetime("unixtime_seconds_todatetime", float64(types.TicksPerSecond)),
	unixToDatetime("unixtime_milliseconds_todatetime", float64(types.TicksPerMillisecond)),
	unixToDatetime("unixtime_microseconds_todatetime", float64(types.TicksPerMicrosecond)),
	unixToDatetime("unixtime_nanoseconds_todatetime", 0.01),
	scalar("format_datetime", 2, 2, sig(types.String, aDT, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		t, ok := dtArg(a[0])
		if !ok {
			return emptyString, nil
		}
		return types.NewString(formatDatetime(t, argStr(a[1]))), nil
	}),
	scalar("format_timespan", 2, 2, sig(types.String, aTS, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		t, ok := tsArg(a[0])
		if !ok {
			return emptyString, nil
		}
		return types.NewString(formatTimespan(t, argStr(a[1]))), nil
	}),
}
