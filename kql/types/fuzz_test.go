package types

import (
	"math"
	"testing"
)

func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2014-05-25T08:20:03.123456Z", "2014-11-08 15:55", "Sat, 8 Nov 14 15:05:02 GMT",
		"Saturday, 08-Nov-14 15:05 GMT", "12/02/2022 3:04:05 PM", "2021-04-28T14:31:30+02:00", "9999-12-31T23:59:59.9999999Z",
		"0001-01-01", "", "2014-", "1 Jan 99 00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ticks, err := ParseDateTime(s)
		if err != nil {
			return
		}
		if ticks < MinDateTime || ticks > MaxDateTime {
			t.Fatalf("ParseDateTime(%q) = %d out of range", s, ticks)
		}
		// The formatted text parses back to the same instant.
		text := FormatDateTime(ticks)
		back, err := ParseDateTime(text)
		if err != nil || back != ticks {
			t.Fatalf("round trip of %q via %q: %d, %v", s, text, back, err)
		}
	})
}

func FuzzParseTimeSpan(f *testing.F) {
	for _, s := range []string{"1d", "1.5h", "100ms", "10microsecond", "1tick", "15 seconds", "2", "0.12:34:56.7",
		"-1.02:03:04.5000000", "00:00:01", "", "1.", ".5h", "99999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ticks, err := ParseTimeSpan(s)
		if err != nil {
			return
		}
		if ticks == math.MinInt64 {
			return // has no positive counterpart; formatting is still defined
		}
		text := FormatTimeSpan(ticks)
		back, err := ParseTimeSpan(text)
		if err != nil || back != ticks {
			t.Fatalf("round trip of %q via %q: %d, %v", s, text, back, err)
		}
	})
}

func FuzzParseDynamic(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[true,null,2.5,"x\u00e9"]}`, `[]`, `"\ud83d\ude00"`, `-0`, `1e400`,
		`{"a":{"b":{"c":[[[]]]}}}`, `[1,`, `NaN`, `12345678901234567890`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseDynamic(s)
		if err != nil {
			return
		}
		// Formatting is stable: formatted text parses to the same text.
		text := FormatDynamic(v)
		v2, err := ParseDynamic(text)
		if err != nil {
			t.Fatalf("FormatDynamic output %q (from %q) does not parse: %v", text, s, err)
		}
		if text2 := FormatDynamic(v2); text2 != text {
			t.Fatalf("unstable format: %q then %q", text, text2)
		}
	})
}
