package scan

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"kqlhunt/activity"
	"kqlhunt/gen"
	"kqlhunt/source"
	"kqlhunt/source/jsonx"
)

// genericLine decodes one line with the generic rows decoder: the record,
// or the table it belongs to, or neither (skipped).
func genericLine(t *testing.T, line []byte, cols []string) (*activity.Record, string) {
	t.Helper()
	opts := source.Options{Format: source.FormatRows, NoDedupe: true, Workers: 1, Columns: cols}
	var got *activity.Record
	rep, err := source.ReadReader(context.Background(), "fuzz", bytes.NewReader(append([]byte(prefix), line...)), opts,
		func(r *activity.Record) error { got = r; return nil })
	if err != nil {
		t.Fatal(err)
	}
	for table := range rep.NonActivity {
		return nil, table
	}
	return got, ""
}

// FuzzScanLine checks that the fast line decoder, when it decodes a line
// at all, agrees with the generic decoder: same outcome, same values in
// every column of several projections, same deduplication key.
func FuzzScanLine(f *testing.F) {
	for _, l := range edgeLines {
		f.Add(l, uint8(0))
		f.Add(l, uint8(1))
	}
	var buf bytes.Buffer
	if err := gen.WriteNDJSON(context.Background(), &buf, gen.Options{Rows: 8, Seed: 2}); err != nil {
		f.Fatal(err)
	}
	for i, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		f.Add(l, uint8(i))
	}
	f.Fuzz(func(t *testing.T, line string, which uint8) {
		if strings.ContainsRune(line, '\n') || len(line) > 1<<16 {
			return
		}
		cols := projections[int(which)%len(projections)]
		cfg, err := newConfig(cols, Options{})
		if err != nil {
			t.Fatal(err)
		}
		d := newLineDecoder(cfg)
		body := source.TrimEOL([]byte(line))
		if isBlank(body) {
			return
		}
		res := d.decode(body)
		if res == resFallback {
			return
		}
		want, table := genericLine(t, []byte(line), cols)
		if res == resNonActivity {
			if table != d.table {
				t.Fatalf("fast: other table %q, generic %q (record %v)", d.table, table, want != nil)
			}
			return
		}
		if want == nil {
			t.Fatalf("fast decoder loaded a line the generic one skipped (table %q)", table)
		}
		for _, oc := range cfg.out {
			var a, b string
			switch oc.kind {
			case kindDict, kindStr:
				a, b = oc.acc.str(&d.rec), oc.acc.str(want)
			case kindTime:
				t1, ok1 := oc.acc.tm(&d.rec)
				t2, ok2 := oc.acc.tm(want)
				if t1 != t2 || ok1 != ok2 {
					t.Fatalf("%s: %d %v, generic %d %v", oc.name, t1, ok1, t2, ok2)
				}
				continue
			case kindDyn:
				a, b = dynText(oc.acc.dyn(&d.rec)), dynText(oc.acc.dyn(want))
			}
			if a != b {
				t.Fatalf("%s: %q, generic %q", oc.name, a, b)
			}
		}
		if ka, kb := activity.Key(&d.rec, nil), activity.Key(want, nil); !bytes.Equal(ka, kb) {
			t.Fatalf("dedupe key %q, generic %q", ka, kb)
		}
	})
}

func dynText(v any) string {
	if v == nil {
		return "<null>"
	}
	return formatDyn(v)
}

// FuzzSkipValue checks the value skipper against the generic scanner: it
// may refuse more (the caller then falls back), but never accepts what the
// generic scanner rejects, and ends where it ends.
func FuzzSkipValue(f *testing.F) {
	for _, s := range []string{`"a\"b"`, `{"a":[1,{"b":"}"}]}`, `[1,2}`, `"\\"`, `"\\\"x"`, `{"k":"v\\\\"}`, `true`, `-1.5e3`, `{x y}`,
		`"` + strings.Repeat(`\"`, 20) + `"`, `{"a":"` + strings.Repeat(`\\`, 9) + `"}`, strings.Repeat("[", 65) + strings.Repeat("]", 65)} {
		f.Add(s)
	}
	// Quotes, escaped or not, on each side of the 8- and 16-byte steps of
	// the string scanner.
	for n := 5; n <= 18; n++ {
		f.Add(`"` + strings.Repeat("a", n) + `"`)
		f.Add(`"` + strings.Repeat("a", n) + `\"x"`)
		f.Add(`"` + strings.Repeat("a", n) + `\\"`)
		f.Add(`{"` + strings.Repeat("b", n) + `":["` + strings.Repeat("c", 2*n) + `"]}`)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if len(b) == 0 {
			return
		}
		end, esc := skipValue(b, 0)
		want, err := jsonx.Skip(b, 0)
		if end < 0 {
			return
		}
		if err != nil || end != want {
			t.Fatalf("skipValue = %d, jsonx.Skip = %d, %v", end, want, err)
		}
		if b[0] == '"' && esc != (bytes.IndexByte(b[:end], 0x5c) >= 0) {
			t.Fatalf("esc = %v", esc)
		}
	})
}
