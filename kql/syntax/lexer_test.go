package syntax

import (
	"strings"
	"testing"
)

func tokenSummary(src string) string {
	var parts []string
	for _, t := range Tokenize(src) {
		if t.Kind == TokEOF {
			break
		}
		switch t.Kind {
		case TokIdent:
			parts = append(parts, "id:"+t.Text)
		case TokInt, TokReal:
			parts = append(parts, "num:"+t.Text)
		case TokTimeSpan:
			parts = append(parts, "ts:"+t.Text)
		case TokString:
			parts = append(parts, "str:"+t.Text)
		case TokIllegal:
			parts = append(parts, "bad:"+t.Text)
		default:
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, " ")
}

func TestLexer(t *testing.T) {
	cases := []struct{ in, want string }{
		{"T | where x == 1", "id:T | id:where id:x == num:1"},
		{"a!=b<>c=~d!~e<=f>=g=>h..i", "id:a != id:b <> id:c =~ id:d !~ id:e <= id:f >= id:g => id:h .. id:i"},
		{"( ) [ ] { } : ; , . * / % + - ! ? ~ = < >", "( ) [ ] { } : ; , . * / % + - ! ? ~ = < >"},
		{"$left.x $right col_1 _x", "id:$left . id:x id:$right id:col_1 id:_x"},
		{"project-away", "id:project - id:away"},
		{"1 1.5 1e10 2.5e-3 0x1F 10", "num:1 num:1.5 num:1e10 num:2.5e-3 num:0x1F num:10"},
		{"1d 2h 30m 10s 100ms 10microsecond 1tick 1.5h 2days 3hrs 1min 5sec 7millis 9ticks", "ts:1d ts:2h ts:30m ts:10s ts:100ms ts:10microsecond ts:1tick ts:1.5h ts:2days ts:3hrs ts:1min ts:5sec ts:7millis ts:9ticks"},
		{"1..5", "num:1 .. num:5"},
		{"1dx 5Minutebin 1.5x", "id:1dx id:5Minutebin num:1.5 id:x"},
		{`'a' "b\"c" @'d\' @"e""f"`, `str:'a' str:"b\"c" str:@'d\' str:@"e""f"`},
		{`h'x' H"y" h@'z' hx`, `str:h'x' str:H"y" str:h@'z' id:hx`},
		{"```a\nb``` x", "str:```a\nb``` id:x"},
		{"x // comment | where\ny", "id:x id:y"},
		{"\ufeffT", "id:T"},
		{"'abc", "bad:'abc"},
		{"'ab\nc'", "bad:'ab id:c bad:'"},
		{"#", "bad:#"},
		{"x\u00a0y", "id:x id:y"},
		{"Größe == 1 and été_2", "id:Größe == num:1 id:and id:été_2"},
		{"a\u00e9b", "id:a\u00e9b"},
	}
	for _, c := range cases {
		if got := tokenSummary(c.in); got != c.want {
			t.Errorf("Tokenize(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestTokenPositions(t *testing.T) {
	src := "ab  'c'\n  12d"
	toks := Tokenize(src)
	want := []struct{ pos, end int }{{0, 2}, {4, 7}, {10, 13}, {13, 13}}
	if len(toks) != len(want) {
		t.Fatalf("%d tokens", len(toks))
	}
	for i, w := range want {
		if int(toks[i].Pos) != w.pos || int(toks[i].End) != w.end {
			t.Errorf("token %d span %d..%d, want %d..%d", i, toks[i].Pos, toks[i].End, w.pos, w.end)
		}
	}
}

func TestStringValue(t *testing.T) {
	cases := []struct{ in, want string }{
		{`'abc'`, "abc"},
		{`"a\tb\nc\\d\'e\"f"`, "a\tb\nc\\d'e\"f"},
		{`@"C:\x\y"`, `C:\x\y`},
		{`@'it''s'`, "it's"},
		{`h"hidden"`, "hidden"},
		{"```raw\\n```", `raw\n`},
		{`"\u00e9"`, "é"},
		{`"\q"`, "q"},
	}
	for _, c := range cases {
		if got, _ := StringValue(c.in); got != c.want {
			t.Errorf("StringValue(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTimespanUnits(t *testing.T) {
	for _, u := range []string{"d", "day", "days", "h", "hr", "hrs", "hour", "hours", "m", "min", "minute", "minutes",
		"s", "sec", "second", "seconds", "ms", "milli", "millis", "millisecond", "milliseconds",
		"microsecond", "microseconds", "tick", "ticks"} {
		if !IsTimespanUnit(u) {
			t.Errorf("%s is not a timespan unit", u)
		}
		if got := tokenSummary("5" + u); got != "ts:5"+u {
			t.Errorf("5%s lexes as %s", u, got)
		}
	}
}

func TestLexerDoesNotAllocate(t *testing.T) {
	src := strings.Repeat("T | where Name has 'abc' and Count >= 10 and t > ago(1d) // c\n", 50)
	allocs := testing.AllocsPerRun(20, func() {
		lx := Lexer{src: src}
		for lx.Next().Kind != TokEOF {
		}
	})
	if allocs != 0 {
		t.Errorf("lexing allocated %.0f times, want 0", allocs)
	}
}
