package scan

import "kqlhunt/kql/types"

// Ticks (100 ns) per unit of time.
const (
	ticksPerSecond = types.TicksPerSecond
	ticksPerDay    = types.TicksPerDay
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
	if mo < 1 || mo > 12 || dd < 1 || int64(dd) > types.DaysInMonth(int64(y), int64(mo)) || h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	days := types.DaysFromCivil(int64(y), int64(mo), int64(dd))
	return days*ticksPerDay + int64(h*3600+mi*60+sec)*ticksPerSecond + fr, true
}
