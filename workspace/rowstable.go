package workspace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"kqlhunt/batch"
	"kqlhunt/kql/exec"
	"kqlhunt/kql/types"
)

// LoadRowsTable reads a table of rows keyed by column name from path, as
// NDJSON or as one JSON array of objects. Column types are inferred from
// the values: booleans, whole numbers (long), numbers (real), ISO 8601
// strings (datetime), objects and arrays (dynamic), and anything else as
// string. Columns keep the order in which they first appear.
func LoadRowsTable(path string) (*exec.MemTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening table file: %w", err)
	}
	defer f.Close()
	rows, err := readRowObjects(path, f)
	if err != nil {
		return nil, err
	}
	return rowsToTable(rows)
}

func readRowObjects(path string, r io.Reader) ([]*types.Bag, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	first, err := peekNonSpace(br)
	if err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var rows []*types.Bag
	addRow := func(where string, raw []byte) error {
		v, err := types.ParseDynamic(string(raw))
		if err != nil {
			return fmt.Errorf("%s: %s: %w", path, where, err)
		}
		bag, ok := v.(*types.Bag)
		if !ok {
			return fmt.Errorf("%s: %s: a row must be a JSON object", path, where)
		}
		rows = append(rows, bag)
		return nil
	}
	if first == '[' {
		dec := json.NewDecoder(br)
		if _, err := dec.Token(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for i := 0; dec.More(); i++ {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, fmt.Errorf("%s: record %d: %w", path, i+1, err)
			}
			if err := addRow(fmt.Sprintf("record %d", i+1), raw); err != nil {
				return nil, err
			}
		}
		return rows, nil
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 1<<16), 64<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if err := addRow(fmt.Sprintf("line %d", line), b); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

func peekNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0xEF || b == 0xBB || b == 0xBF {
			continue
		}
		return b, br.UnreadByte()
	}
}

func inferType(v any) types.Type {
	switch x := v.(type) {
	case nil:
		return types.Null
	case bool:
		return types.Bool
	case int64:
		return types.Long
	case float64:
		return types.Real
	case string:
		if _, err := types.ParseDateTime(x); err == nil && len(x) >= 10 && x[4] == '-' {
			return types.DateTime
		}
		return types.String
	}
	return types.Dynamic
}

func unify(a, b types.Type) types.Type {
	switch {
	case a == types.Null:
		return b
	case b == types.Null || a == b:
		return a
	case (a == types.Long && b == types.Real) || (a == types.Real && b == types.Long):
		return types.Real
	case (a == types.DateTime && b == types.String) || (a == types.String && b == types.DateTime):
		return types.String
	}
	return types.Dynamic
}

func rowsToTable(rows []*types.Bag) (*exec.MemTable, error) {
	idx := map[string]int{}
	var fields []batch.Field
	for _, r := range rows {
		for i, k := range r.Keys {
			j, ok := idx[k]
			if !ok {
				j = len(fields)
				idx[k] = j
				fields = append(fields, batch.Field{Name: k, Type: types.Null})
			}
			fields[j].Type = unify(fields[j].Type, inferType(r.Vals[i]))
		}
	}
	for i := range fields {
		if fields[i].Type == types.Null {
			fields[i].Type = types.String
		}
	}
	schema := &batch.Schema{Fields: fields}
	tb := exec.NewTableBuilder(schema)
	vals := make([]types.Value, len(fields))
	for _, r := range rows {
		for j, f := range fields {
			vals[j] = types.NullOf(f.Type)
		}
		for i, k := range r.Keys {
			j := idx[k]
			vals[j] = convertCell(r.Vals[i], fields[j].Type)
		}
		if err := tb.Add(vals...); err != nil {
			return nil, err
		}
	}
	return tb.Table(), nil
}

func convertCell(v any, t types.Type) types.Value {
	switch t {
	case types.Dynamic:
		return types.NewDynamic(v)
	case types.String:
		if s, ok := v.(string); ok {
			return types.NewString(s)
		}
		if v == nil {
			return types.NewString("")
		}
		return types.NewString(types.FormatDynamic(v))
	case types.DateTime:
		if s, ok := v.(string); ok {
			if ticks, err := types.ParseDateTime(s); err == nil {
				return types.NewDateTime(ticks)
			}
		}
	case types.Bool:
		if b, ok := v.(bool); ok {
			return types.NewBool(b)
		}
	case types.Long:
		if n, ok := v.(int64); ok {
			return types.NewLong(n)
		}
	case types.Real:
		switch n := v.(type) {
		case int64:
			return types.NewReal(float64(n))
		case float64:
			return types.NewReal(n)
		}
	}
	return types.NullOf(t)
}
