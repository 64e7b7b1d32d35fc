package funcs

import (
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones for datetime_utc_to_local on hosts without zoneinfo

	"kqlhunt/kql/types"
)

// byteUnits are format_bytes' unit names.
var byteUnits = [...]string{"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"}

// evalFormatBytes implements format_bytes(size [, precision [, units [,
// base]]]): the size in the largest unit that keeps it >= 1 (or the given
// unit), rounded to precision digits.
func evalFormatBytes(_ *Context, a []types.Value) (types.Value, error) {
	size, ok := argReal(a[0])
	if !ok {
		return emptyString, nil
	}
	prec := int64(0)
	if len(a) > 1 {
		if prec, ok = argLong(a[1]); !ok || prec < 0 {
			prec = 0
		}
	}
	base := 1024.0
	if len(a) > 3 {
		if b, ok := argLong(a[3]); ok && b == 1000 {
			base = 1000
		}
	}
	unit := -1
	if len(a) > 2 {
		u := strings.ToUpper(argStr(a[2]))
		for i, n := range byteUnits {
			if strings.ToUpper(n) == u || i == 0 && (u == "BYTES" || u == "B") {
				unit = i
			}
		}
	}
	if unit < 0 {
		unit = 0
		for unit < len(byteUnits)-1 && math.Abs(size) >= math.Pow(base, float64(unit+1)) {
			unit++
		}
	}
	v := roundHalfAway(size/math.Pow(base, float64(unit)), prec)
	return types.NewString(strconv.FormatFloat(v, 'f', -1, 64) + " " + byteUnits[unit]), nil
}

// zoneConvert implements datetime_utc_to_local (toLocal) and
// datetime_local_to_utc. An unknown zone gives null.
func zoneConvert(toLocal bool) func(*Context, []types.Value) (types.Value, error) {
	return func(_ *Context, a []types.Value) (types.Value, error) {
		t, ok := dtArg(a[0])
		if !ok {
			return nullDateTime, nil
		}
		loc, err := time.LoadLocation(argStr(a[1]))
		if err != nil || argStr(a[1]) == "" {
			return nullDateTime, nil
		}
		tm := types.TimeFromTicks(t)
		if toLocal {
			_, off := tm.In(loc).Zone()
			return dtResult(t + int64(off)*types.TicksPerSecond), nil
		}
		// Read the wall clock in the zone and find its UTC instant.
		y, mo, d := tm.Date()
		h, mi, s := tm.Clock()
		local := time.Date(y, mo, d, h, mi, s, tm.Nanosecond(), loc)
		return dtResult(types.TicksFromTime(local)), nil
	}
}

var miscFuncs = []*Func{
	scalar("format_bytes", 1, 4, sig(types.String, aNum, aInt, aStr, aInt), evalFormatBytes),
	scalar("datetime_utc_to_local", 2, 2, sig(types.DateTime, aDT, aStr), zoneConvert(true)),
	scalar("datetime_local_to_utc", 2, 2, sig(types.DateTime, aDT, aStr), zoneConvert(false)),
}
