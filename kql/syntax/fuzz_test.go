package syntax

import (
	"testing"
)

var fuzzSeeds = []string{
	"T | where a == 1 and b has 'x' | project a, b = c + 1",
	"let x = 5; let f = (T:(*), n:long = 3) { T | take n }; f(U, x)",
	"T | summarize count(), arg_max(t, *) by bin(t, 1h) | sort by count_ desc nulls last",
	"T | join kind=inner (U | where x > 1) on $left.a == $right.b and c",
	"union isfuzzy=true T*, (U | take 1) | mv-expand x to typeof(string) limit 5",
	"T | parse kind=regex Msg with @'(\\d+)' N:int * | parse-kv M as (a:string) with (pair_delimiter=',')",
	"print dynamic([1, 'a', null, {\"k\": -2.5}]), datetime(2021-01-01 10:00), time(1.02:03:04), h'x' 'y'",
	"T | make-series c = count() default = 0 on t from ago(1d) to now() step 1h by k",
	"datatable(a:string)[\"x\"] | mv-apply e = arr on (top 1 by e) | fork (take 1) b = (count)",
	"T | scan with (step s: x > 1 => n = 1;) | partition by k (take 1) | facet by a with (take 2)",
	"T | where t between (ago(1d) .. now()) and x !in~ ('a') and ['y z'] matches regex \"^a\"",
	"T | where (a | summarise count(by x | sort a",
	"```multi\nline``` | render timechart with (ycolumns=a, b)",
	"T | evaluate bag_unpack(d) : (*, N:string) | scan with (step s output=last: a > 1 => b = 2;)",
	"let x = 1\nT | where a = 1 and b has ('x', 'y') and Größe containscs 'z' | top-nested 2 of a by count(), top-nested of b by max(c)",
	"set x; declare query_parameters(p:string = 'x'); search in (T) 'err' | find where x == 1 project-smart",
}

func FuzzLex(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		toks := Tokenize(src)
		if len(toks) == 0 || toks[len(toks)-1].Kind != TokEOF {
			t.Fatal("token list does not end with EOF")
		}
		last := Pos(0)
		for _, tk := range toks {
			if tk.Pos < last || tk.End < tk.Pos || int(tk.End) > len(src) {
				t.Fatalf("bad token span %d..%d after %d (len %d)", tk.Pos, tk.End, last, len(src))
			}
			if tk.Kind != TokEOF && tk.End == tk.Pos {
				t.Fatalf("empty token %v at %d", tk.Kind, tk.Pos)
			}
			if tk.Text != src[tk.Pos:tk.End] {
				t.Fatalf("token text %q does not match source", tk.Text)
			}
			if tk.Kind == TokString {
				StringValue(tk.Text)
			}
			last = tk.End
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse("fuzz.kql", src, nil)
		if q == nil {
			t.Fatal("nil query")
		}
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 || len(list) > maxErrors {
				t.Fatalf("error %v is not a non-empty ErrorList of at most %d", err, maxErrors)
			}
			FormatErrors(NewFile("fuzz.kql", src), err)
			return
		}
		Inspect(q, func(n Node) bool {
			if p, e := n.Pos(), n.End(); !p.IsValid() || e < p || int(e) > len(src) {
				t.Fatalf("%T has span %d..%d (len %d)", n, p, e, len(src))
			}
			return true
		})
	})
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse("fuzz.kql", src, nil)
		if err != nil {
			return
		}
		text := Print(q)
		q2, err := Parse("printed.kql", text, nil)
		if err != nil {
			t.Fatalf("printed text does not parse: %v\ninput: %q\nprinted: %q", err, src, text)
		}
		if !sameTree(q, q2) {
			t.Fatalf("round trip changed the tree\ninput: %q\nprinted: %q\nreprinted: %q", src, text, Print(q2))
		}
	})
}
