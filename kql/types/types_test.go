package types

import (
	"math"
	"testing"
)

func TestParseFormatDynamic(t *testing.T) {
	cases := []struct{ in, out string }{
		{`{"a":1,"b":[1,2.5,"x"],"c":null}`, `{"a":1,"b":[1,2.5,"x"],"c":null}`},
		{` { "z" : 1 , "a" : 2 } `, `{"z":1,"a":2}`},
		{`{"duration":{"value":118.0,"count":5.0,"min":100.0,"max":150.0,"stdDev":0.0,"sampledValue":118.0,"sum":118.0}}`,
			`{"duration":{"value":118.0,"count":5.0,"min":100.0,"max":150.0,"stdDev":0.0,"sampledValue":118.0,"sum":118.0}}`},
		{`"a\"b\\c\n\u00e9\ud83d\ude00"`, `"a\"b\\c\né😀"`},
		{`[]`, `[]`},
		{`{}`, `{}`},
		{`true`, `true`},
		{`-12`, `-12`},
		{`1e3`, `1000.0`},
		{`[1.0,-2.5,0.0]`, `[1.0,-2.5,0.0]`},
		{`0.1`, `0.1`},
		{`12345678901234567890`, `1.2345678901234567E+19`},
		{`{"a":1,"a":2}`, `{"a":2}`},
	}
	for _, c := range cases {
		v, err := ParseDynamic(c.in)
		if err != nil {
			t.Errorf("ParseDynamic(%q): %v", c.in, err)
			continue
		}
		if got := FormatDynamic(v); got != c.out {
			t.Errorf("FormatDynamic(ParseDynamic(%q)) = %q, want %q", c.in, got, c.out)
		}
	}
	if v, _ := ParseDynamic(`9223372036854775807`); v != int64(math.MaxInt64) {
		t.Errorf("max int64 parsed as %T %v", v, v)
	}
	if v, _ := ParseDynamic(`2.0`); v != 2.0 {
		t.Errorf("2.0 parsed as %T %v", v, v)
	}
	for _, bad := range []string{``, `{`, `[1,]`, `{"a"}`, `{"a":1,}`, `tru`, `"abc`, `1 2`, `01x`, `{'a':1}`, `-`, `1.`, `1e`} {
		if v, err := ParseDynamic(bad); err == nil {
			t.Errorf("ParseDynamic(%q) = %v, want error", bad, v)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	cases := []struct{ in, out string }{
		{"2014-05-25T08:20:03.123456Z", "2014-05-25T08:20:03.1234560Z"},
		{"2014-05-25T08:20:03.123456", "2014-05-25T08:20:03.1234560Z"},
		{"2014-05-25T08:20", "2014-05-25T08:20:00.0000000Z"},
		{"2014-11-08 15:55:55.123456Z", "2014-11-08T15:55:55.1234560Z"},
		{"2014-11-08 15:55:55", "2014-11-08T15:55:55.0000000Z"},
		{"2014-11-08 15:55", "2014-11-08T15:55:00.0000000Z"},
		{"2014-11-08", "2014-11-08T00:00:00.0000000Z"},
		{"2015-12-31 23:59:59.9", "2015-12-31T23:59:59.9000000Z"},
		{"2021-04-28 14:31:30.021", "2021-04-28T14:31:30.0210000Z"},
		{"2021-04-28T14:31:30.12345678Z", "2021-04-28T14:31:30.1234567Z"},
		{"2021-04-28T14:31:30+02:00", "2021-04-28T12:31:30.0000000Z"},
		{"2021-04-28T14:31:30-0130", "2021-04-28T16:01:30.0000000Z"},
		{"Sat, 8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
		{"Sat, 8 Nov 14 15:05:02", "2014-11-08T15:05:02.0000000Z"},
		{"Sat, 8 Nov 14 15:05", "2014-11-08T15:05:00.0000000Z"},
		{"Sat, 8 Nov 14 15:05 GMT", "2014-11-08T15:05:00.0000000Z"},
		{"8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
		{"8 Nov 14 15:05", "2014-11-08T15:05:00.0000000Z"},
		{"Saturday, 08-Nov-14 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
		{"Saturday, 08-Nov-14 15:05", "2014-11-08T15:05:00.0000000Z"},
		{"08-Nov-14 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
		{"08-Nov-14 15:05", "2014-11-08T15:05:00.0000000Z"},
		{"2014-11-8 15:05:25", "2014-11-08T15:05:25.0000000Z"},
		{"2014-11-08 15:05:25 GMT", "2014-11-08T15:05:25.0000000Z"},
		{"2014-11-08T15:05 GMT", "2014-11-08T15:05:00.0000000Z"},
		{"12-02-2022", "2022-12-02T00:00:00.0000000Z"},
		{"12/02/2022 3:04:05 PM", "2022-12-02T15:04:05.0000000Z"},
		{"4/28/2021, 2:32:14.029 PM", "2021-04-28T14:32:14.0290000Z"},
		{"4/26/2021, 12:17:58.447 AM", "2021-04-26T00:17:58.4470000Z"},
		{"0001-01-01", "0001-01-01T00:00:00.0000000Z"},
		{"9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z"},
		{"1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5000000Z"},
		{"2000-02-29", "2000-02-29T00:00:00.0000000Z"},
	}
	for _, c := range cases {
		ticks, err := ParseDateTime(c.in)
		if err != nil {
			t.Errorf("ParseDateTime(%q): %v", c.in, err)
			continue
		}
		if got := FormatDateTime(ticks); got != c.out {
			t.Errorf("ParseDateTime(%q) = %s, want %s", c.in, got, c.out)
		}
	}
	for _, bad := range []string{"", "2014", "2014-13-01", "2014-02-30", "2001-02-29", "2014-01-01T25:00", "2014-01-01 10:61",
		"hello", "2014-01-01x", "Sat, 8 Foo 14 15:05", "2014-01-01T10:00 XYZ", "10000-01-01", "0000-12-31"} {
		if v, err := ParseDateTime(bad); err == nil {
			t.Errorf("ParseDateTime(%q) = %s, want error", bad, FormatDateTime(v))
		}
	}
	if tk, _ := ParseDateTime("1970-01-01"); tk != 0 {
		t.Errorf("epoch = %d ticks", tk)
	}
	// A ticks value from the datetime page: 31241376000000000 is 0100-01-01.
	if tk, _ := ParseDateTime("0100-01-01"); tk+TicksAt0001 != 31241376000000000 {
		t.Errorf("0100-01-01 = %d .NET ticks", tk+TicksAt0001)
	}
}

func TestParseFormatTimeSpan(t *testing.T) {
	cases := []struct {
		in    string
		ticks int64
		out   string
	}{
		{"2d", 2 * TicksPerDay, "2.00:00:00"},
		{"1.5h", 90 * TicksPerMinute, "01:30:00"},
		{"30m", 30 * TicksPerMinute, "00:30:00"},
		{"10s", 10 * TicksPerSecond, "00:00:10"},
		{"0.1s", TicksPerSecond / 10, "00:00:00.1000000"},
		{"100ms", 100 * TicksPerMillisecond, "00:00:00.1000000"},
		{"10microsecond", 100, "00:00:00.0000100"},
		{"1tick", 1, "00:00:00.0000001"},
		{"15 seconds", 15 * TicksPerSecond, "00:00:15"},
		{"2", 2 * TicksPerDay, "2.00:00:00"},
		{"0.12:34:56.7", 12*TicksPerHour + 34*TicksPerMinute + 567*TicksPerSecond/10, "12:34:56.7000000"},
		{"1.02:03:04.5", TicksPerDay + 2*TicksPerHour + 3*TicksPerMinute + 45*TicksPerSecond/10, "1.02:03:04.5000000"},
		{"00:00:01", TicksPerSecond, "00:00:01"},
		{"-01:00", -TicksPerHour, "-01:00:00"},
		{"-1d", -TicksPerDay, "-1.00:00:00"},
		{"1min", TicksPerMinute, "00:01:00"},
		{"1hr", TicksPerHour, "01:00:00"},
		{"2days", 2 * TicksPerDay, "2.00:00:00"},
		{"1millisecond", TicksPerMillisecond, "00:00:00.0010000"},
		{"5ticks", 5, "00:00:00.0000005"},
		{"36:00:00", 36 * TicksPerHour, "1.12:00:00"},
	}
	for _, c := range cases {
		got, err := ParseTimeSpan(c.in)
		if err != nil {
			t.Errorf("ParseTimeSpan(%q): %v", c.in, err)
			continue
		}
		if got != c.ticks {
			t.Errorf("ParseTimeSpan(%q) = %d, want %d", c.in, got, c.ticks)
		}
		if s := FormatTimeSpan(got); s != c.out {
			t.Errorf("FormatTimeSpan(%d) = %q, want %q", got, s, c.out)
		}
	}
	for _, bad := range []string{"", "d", "1x", "1.2.3h", "1:2:3:4", "1:60", "abc", "-", "1 d d"} {
		if v, err := ParseTimeSpan(bad); err == nil {
			t.Errorf("ParseTimeSpan(%q) = %d, want error", bad, v)
		}
	}
}

func TestFormatReal(t *testing.T) {
	cases := []struct {
		f   float64
		out string
	}{
		{1, "1"}, {0.1, "0.1"}, {-2.5, "-2.5"}, {1e15, "1E+15"}, {1e14, "100000000000000"},
		{123456789012345678, "1.2345678901234568E+17"}, {0.0001, "0.0001"}, {0.00001, "1E-05"},
		{1.5e-7, "1.5E-07"}, {math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
		{0, "0"}, {1.0 / 3, "0.3333333333333333"}, {2e300, "2E+300"}, {118.0, "118"}, {12345.678, "12345.678"},
	}
	for _, c := range cases {
		if got := FormatReal(c.f); got != c.out {
			t.Errorf("FormatReal(%v) = %q, want %q", c.f, got, c.out)
		}
	}
}

func TestParseType(t *testing.T) {
	cases := map[string]Type{"int64": Long, "double": Real, "boolean": Bool, "date": DateTime, "time": TimeSpan,
		"uniqueid": Guid, "String": String, "dynamic": Dynamic, "int": Int, "decimal": Decimal, "System.Int64": Long}
	for name, want := range cases {
		if got, ok := ParseType(name); !ok || got != want {
			t.Errorf("ParseType(%q) = %v, %v; want %v", name, got, ok, want)
		}
	}
	if _, ok := ParseType("int128"); ok {
		t.Error("ParseType(int128) succeeded")
	}
}
