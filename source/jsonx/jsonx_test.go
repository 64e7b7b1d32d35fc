package jsonx

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestObjectAndLookup(t *testing.T) {
	data := []byte(` {"a": 1, "B\u0063": "x\"y", "n": null, "o": {"k": [1, {"z": "}"}]}, "s": "\\"} `)
	var keys, vals []string
	if err := Object(data, func(k, v []byte) error {
		keys = append(keys, string(k))
		vals = append(vals, string(v))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keys, "|"); got != `a|B\u0063|n|o|s` {
		t.Errorf("keys = %s", got)
	}
	if got := strings.Join(vals, "|"); got != `1|"x\"y"|null|{"k": [1, {"z": "}"}]}|"\\"` {
		t.Errorf("vals = %s", got)
	}
	if v, ok := Lookup(data, "bc"); !ok || Text(v) != `x"y` {
		t.Errorf("Lookup escaped key = %q %v", v, ok)
	}
	if v, ok := Lookup(data, "O"); !ok || !IsObject(v) {
		t.Errorf("Lookup case-insensitive = %q %v", v, ok)
	}
	if _, ok := Lookup(data, "missing"); ok {
		t.Error("Lookup missing key")
	}
	if Text([]byte(`null`)) != "" || Text([]byte(`12.5`)) != "12.5" || Text([]byte(`true`)) != "true" {
		t.Error("Text of scalars")
	}
}

func TestErrors(t *testing.T) {
	bad := []string{``, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1]`, `{"a":[1}`, `{"a":"x}`, `{"a":tru}`, `{"a":1} x`, `[1 2]`, `{"a":{"b":1]}`, `"\`}
	for _, s := range bad {
		err := Object([]byte(s), func(_, _ []byte) error { return nil })
		errA := Array([]byte(s), func(_ []byte) error { return nil })
		if err == nil && errA == nil {
			t.Errorf("%q: no error", s)
		}
	}
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	if _, err := Skip([]byte(deep), 0); err == nil {
		t.Error("over-deep nesting accepted")
	}
}

func TestString(t *testing.T) {
	cases := map[string]string{
		`"plain"`: "plain", `"a\nb\t\"\\\/"`: "a\nb\t\"\\/", `"\u00e9\ud83d\ude00"`: "é😀", `"\ud83d"`: "\ufffd", `""`: "",
	}
	for in, want := range cases {
		got, err := String([]byte(in))
		if err != nil || got != want {
			t.Errorf("String(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{`"\x"`, `"\u12"`, `"abc`, `abc`} {
		if _, err := String([]byte(in)); err == nil {
			t.Errorf("String(%s): no error", in)
		}
	}
}

// FuzzObject checks the scanner against encoding/json: what json accepts
// as an object the scanner walks, with the same string values.
func FuzzObject(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":"\u00e9\"","b":[1,{"c":null}]}`, `{}`, `{"a":{"b":{"c":[[]]}}}`, `{"x":"\\\\"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m map[string]json.RawMessage
		stdErr := json.Unmarshal(data, &m)
		n := 0
		err := Object(data, func(k, v []byte) error {
			n++
			if IsString(v) {
				s, err := String(v)
				var want string
				// encoding/json replaces invalid UTF-8; the scanner keeps bytes.
				if json.Unmarshal(v, &want) == nil && err == nil && s != want && utf8.Valid(v) {
					t.Errorf("String(%s) = %q, encoding/json %q", v, s, want)
				}
			}
			return nil
		})
		if stdErr == nil && err != nil {
			t.Errorf("encoding/json accepts %q, scanner: %v", data, err)
		}
		if stdErr == nil && n < len(m) {
			t.Errorf("scanner saw %d members, encoding/json %d", n, len(m))
		}
	})
}
