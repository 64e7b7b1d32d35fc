package syntax

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrorGolden(t *testing.T) {
	cases := []struct{ in, want string }{
		{"T\n| summarise count() by x",
			"q.kql:2:3: unknown operator 'summarise'; did you mean 'summarize'?\n| summarise count() by x\n  ^\n"},
		{"T\n| where x > 1\n| summarize dcount(x by y",
			"q.kql:3:22: expected ')' to close the argument list opened at 3:19, found 'by'\n| summarize dcount(x by y\n                     ^\n"},
		{"T | where (a > 1",
			"q.kql:1:17: expected ')' to close the parenthesised expression opened at 1:11, found end of query\nT | where (a > 1\n                ^\n"},
		{"T | where a >",
			"q.kql:1:14: expected an expression, found end of query\nT | where a >\n             ^\n"},
		{"T | project-awayy x",
			"q.kql:1:5: unknown operator 'project-awayy'; did you mean 'project-away'?\nT | project-awayy x\n    ^\n"},
		{"T | where x == 'abc",
			"q.kql:1:16: string literal not terminated\nT | where x == 'abc\n               ^\n"},
		{"T\n|\twhere\tx == #",
			"q.kql:2:14: unexpected character \"#\"\n|\twhere\tx == #\n \t     \t     ^\n"},
		{"T | join kind=inner (U) X",
			"q.kql:1:25: expected 'on' and the join conditions, found 'X'\nT | join kind=inner (U) X\n                        ^\n"},
		{"print datetime(2021-01-01",
			"q.kql:1:26: expected ')' to close the datetime(...) literal opened at 1:15, found end of query\nprint datetime(2021-01-01\n                         ^\n"},
		{"T | where x in 1",
			"q.kql:1:16: expected '(' and a list after 'in', found '1'\nT | where x in 1\n               ^\n"},
		{"T | where {{StartTimeISO}} > 1",
			"q.kql:1:11: unresolved placeholder {{StartTimeISO}}; supply a value with --param StartTimeISO=value\nT | where {{StartTimeISO}} > 1\n          ^\n"},
		{"let x = ; T | take 1 | foo | where x | sort a",
			"q.kql:1:9: expected an expression, found ';'\nlet x = ; T | take 1 | foo | where x | sort a\n        ^\n" +
				"q.kql:1:24: unknown operator 'foo'\nlet x = ; T | take 1 | foo | where x | sort a\n                       ^\n" +
				"q.kql:1:45: expected 'by', found 'a'\nlet x = ; T | take 1 | foo | where x | sort a\n                                            ^\n"},
		{"T | where a between (1, 2)",
			"q.kql:1:23: expected '..' between the bounds of 'between', found ','\nT | where a between (1, 2)\n                      ^\n"},
		{"print long(abc)",
			"q.kql:1:7: invalid long literal long(abc)\nprint long(abc)\n      ^\n"},
		{"let f = (x:strin) { x }; f(1)",
			"q.kql:1:12: unknown type 'strin'; did you mean 'string'?\nlet f = (x:strin) { x }; f(1)\n           ^\n"},
		{"T | take 1 2",
			"q.kql:1:12: expected '|', ';' or end of query, found '2'\nT | take 1 2\n           ^\n"},
		{"T | where é == 1 and x == §",
			"q.kql:1:27: unexpected character \"§\"\nT | where é == 1 and x == §\n                          ^\n"},
		{"T | where a == 1 and ((b\n| take 1",
			"q.kql:2:9: expected ')' to close the parenthesised expression opened at 1:23, found end of query\n| take 1\n        ^\n"},
		{"let x = 1\nT | take x",
			"q.kql:2:1: expected ';' after the let statement, found 'T'\nT | take x\n^\n"},
		{"T | where a = 1",
			"q.kql:1:13: unexpected '=' in the predicate; use '==' to compare values\nT | where a = 1\n            ^\n"},
		{"T | where a has ('x', 'y')",
			"q.kql:1:21: expected ')' to close the parenthesised expression opened at 1:17, found ','; a parenthesised list is only allowed after in, !in, in~, !in~, has_any and has_all\nT | where a has ('x', 'y')\n                    ^\n"},
		{"T | reduce by x",
			"q.kql:1:5: operator 'reduce' is not supported\nT | reduce by x\n    ^\n"},
		{"T | extend x = 1\r\n| summarize by",
			"q.kql:2:15: expected an expression, found end of query\n| summarize by\n              ^\n"},
	}
	for _, c := range cases {
		_, err := Parse("q.kql", c.in, nil)
		if err == nil {
			t.Errorf("Parse(%q): no error", c.in)
			continue
		}
		got := FormatErrors(NewFileFor("q.kql", c.in, nil), err)
		if got != c.want {
			t.Errorf("Parse(%q) errors:\n%s\nwant:\n%s", c.in, got, c.want)
		}
	}
}

func TestErrorListType(t *testing.T) {
	_, err := Parse("f", "T | where", nil)
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("error %v (%T) is not a one-element ErrorList", err, err)
	}
	e := list[0]
	if e.Pos.Filename != "f" || e.Pos.Line != 1 || e.Pos.Column != 10 || e.Pos.Offset != 9 {
		t.Errorf("position %+v", e.Pos)
	}
	if e.Pos.String() != "f:1:10" {
		t.Errorf("Position.String() = %q", e.Pos.String())
	}
}

func TestErrorCapAndRecovery(t *testing.T) {
	var b strings.Builder
	b.WriteString("T")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, " | bogus%d", i)
	}
	_, err := Parse("", b.String(), nil)
	list, _ := err.(ErrorList)
	if len(list) != maxErrors {
		t.Errorf("got %d errors, want the cap of %d", len(list), maxErrors)
	}
	// Errors in separate statements and operators are all reported.
	_, err = Parse("", "T | where (a | take 1; U | project ,; V | extend x = 1 +", nil)
	list, _ = err.(ErrorList)
	if len(list) != 3 {
		t.Errorf("got %d errors, want 3: %v", len(list), FormatErrors(NewFile("", "T | where (a | take 1; U | project ,; V | extend x = 1 +"), err))
	}
}

func TestErrorListMethods(t *testing.T) {
	var l ErrorList
	if l.Err() != nil {
		t.Error("empty list Err() is not nil")
	}
	l.Add(Position{Line: 2, Column: 1}, "b")
	l.Add(Position{Line: 1, Column: 5}, "a")
	l.Add(Position{Line: 1, Column: 5}, "a")
	l.Dedupe()
	if len(l) != 2 || l[0].Msg != "a" {
		t.Errorf("after Dedupe: %v", l)
	}
	if got := l.Error(); got != "1:5: a (and 1 more errors)" {
		t.Errorf("Error() = %q", got)
	}
	l.Add(Position{Line: 2, Column: 9}, "c")
	l.RemoveMultiples()
	if len(l) != 2 {
		t.Errorf("after RemoveMultiples: %v", l)
	}
}

func TestPositionColumnsCountCharacters(t *testing.T) {
	f := NewFile("x", "ab\n\u00e9\u00e9x\n")
	p := f.Position(Pos(len("ab\n\u00e9\u00e9")))
	if p.Line != 2 || p.Column != 3 {
		t.Errorf("position %+v, want line 2 column 3", p)
	}
	if got := f.Position(Pos(100)); got.Line != 3 || got.Column != 1 {
		t.Errorf("past-the-end position %+v", got)
	}
}

func TestPathologicalInputs(t *testing.T) {
	cases := []struct{ in, wantErr string }{
		{strings.Repeat("(", 5000), "nested too deeply"},
		{strings.Repeat("-", 5000) + "1", "nested too deeply"},
		{"print dynamic(" + strings.Repeat("[", 5000), "nested too deeply"},
		{strings.Repeat("f(", 5000), "nested too deeply"},
		{"T | mv-apply x on (" + strings.Repeat("mv-apply x on (", 2000), "nested too deeply"},
		{strings.Repeat("T | ", 2000), "unknown operator 'T'"},
		{strings.Repeat("let f = (){", 500), "expected"},
		{strings.Repeat(")]}", 500), "expected"},
		{strings.Repeat("'", 501), "not terminated"},
		{"T" + strings.Repeat(" | where x", 2000), ""},
	}
	for _, c := range cases {
		_, err := Parse("p", c.in, nil)
		if c.wantErr == "" {
			if err != nil {
				t.Errorf("%.30q...: %v", c.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%.30q...: error %v, want one containing %q", c.in, err, c.wantErr)
		}
	}
}
