package exec

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// FuzzXParseKv feeds arbitrary text to each parse-kv extraction mode; it
// must never panic and must report found keys only.
func FuzzXParseKv(f *testing.F) {
	f.Add(`a=1 b="x y" c=(z)`, " ", "=")
	f.Add(`ThreadId:458745723, Machine:Node001, Text: The service is up`, ",", ":")
	f.Add(`k: 'v \' w'`, "", "")
	f.Add(`"a"="b\`, " ", "=")
	f.Add("\xff=\x00", "\xff", "=")
	f.Fuzz(func(t *testing.T, text, pair, kv string) {
		names := []string{"a", "b", "Text", "k", ""}
		keys := map[string]int{}
		for i, n := range names {
			keys[n] = i
		}
		for _, kp := range []*kvParser{
			{pairDelim: pair, kvDelim: kv, quotes: [][2]rune{{'"', '"'}, {'(', ')'}}, escapes: []rune{'\\'}},
			{pairDelim: pair, kvDelim: kv, greedy: true},
			{quotes: [][2]rune{{'\'', '\''}}, escapes: []rune{'\\'}},
		} {
			if kp.pairDelim == "" || kp.kvDelim == "" {
				kp.pairDelim, kp.kvDelim = "", ""
			}
			vals := make([]string, len(names))
			found := make([]bool, len(names))
			kp.extract(text, names, keys, vals, found)
		}
	})
}

// FuzzXExternalData reads arbitrary bytes as CSV, TSV, text and JSON; bad
// input must give an error, never a panic.
func FuzzXExternalData(f *testing.F) {
	f.Add([]byte("a,b\n1,\"x,y\"\n"))
	f.Add([]byte(`{"n": 1, "s": "a"}` + "\n" + `[{"n": 2}]`))
	f.Add([]byte("\"unterminated\n1\t2\n"))
	f.Add([]byte("[1, 2, {\"n\": \"x\"}]"))
	s := &batch.Schema{Fields: []batch.Field{{Name: "n", Type: types.Long}, {Name: "s", Type: types.String}, {Name: "d", Type: types.Dynamic}, {Name: "t", Type: types.DateTime}}}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Skip()
		}
		for _, format := range []string{"csv", "tsv", "txt", "multijson"} {
			rows := 0
			err := readExternal(context.Background(), localSource(path, path), s, format, false, func(b *batch.Batch) error {
				if len(b.Cols) != len(s.Fields) {
					t.Fatalf("%s: batch has %d columns", format, len(b.Cols))
				}
				rows += b.Len
				return nil
			})
			_ = err
		}
	})
}
