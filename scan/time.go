package scan

// Ticks (100 ns) per unit of time.
const (
	ticksPerSecond = 10_000_000
	ticksPerDay    = 86400 * ticksPerSecond
)

// parseISOFast parses the one datetime form exports use,
// YYYY-MM-DDTHH:MM:SS[.fraction]Z, into 100-ns ticks since the Unix epoch.
// It reports false for anything else (including a leap second), which the
// caller then hands to activity.ParseTime; for the forms it accepts it
// returns what activity.ParseTime returns.
func parseISOFast(b []byte) (int64, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[len(b)-1] != 'Z' {
		return 0, false
	}
	var ok bool
	d := func(i int) int {
		c := b[i] - '0'
		if c > 9 {
			ok = false
		}
		return int(c)
	}
	ok = true
	y := d(0)*1000 + d(1)*100 + d(2)*10 + d(3)
	mo := d(5)*10 + d(6)
	dd := d(8)*10 + d(9)
	h := d(11)*10 + d(12)
	mi := d(14)*10 + d(15)
	sec := d(17)*10 + d(18)
	if !ok {
		return 0, false
	}
	var fr int64
	i := 19
	if b[i] == '.' {
		i++
		k := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if k < 7 {
				fr = fr*10 + int64(b[i]-'0')
			}
			k++
		}
		if k == 0 {
			return 0, false
		}
		for ; k < 7; k++ {
			fr *= 10
		}
	}
	if i != len(b)-1 {
		return 0, false
	}
	if mo < 1 || mo > 12 || dd < 1 || dd > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	days := daysFromCivil(int64(y), int64(mo), int64(dd))
	return days*ticksPerDay + int64(h*3600+mi*60+sec)*ticksPerSecond + fr, true
}

func daysIn(y, m int) int {
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

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (years 0–9999 here, so no negative-era correction is needed).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
