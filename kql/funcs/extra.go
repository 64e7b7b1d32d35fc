package funcs

import (
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"kqlhunt/kql/types"
)

// guidBytes returns a guid's 16 bytes in .NET's layout (the first three
// groups little-endian), which base64_encode_fromguid encodes.
func guidBytes(g string) ([]byte, bool) {
	raw, err := hex.DecodeString(strings.ReplaceAll(g, "-", ""))
	if err != nil || len(raw) != 16 {
		return nil, false
	}
	b := make([]byte, 16)
	b[0], b[1], b[2], b[3] = raw[3], raw[2], raw[1], raw[0]
	b[4], b[5] = raw[5], raw[4]
	b[6], b[7] = raw[7], raw[6]
	copy(b[8:], raw[8:])
	return b, true
}

// guidFromBytes is the inverse of guidBytes.
func guidFromBytes(b []byte) string {
	raw := []byte{b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]}
	raw = append(raw, b[8:16]...)
	g, _ := types.ParseGuid(hex.EncodeToString(raw))
	return g
}

// evalParseCommandLine splits a Windows command line the way
// CommandLineToArgvW does: white space separates arguments, double quotes
// group, backslashes escape quotes only when they precede one.
func evalParseCommandLine(_ *Context, a []types.Value) (types.Value, error) {
	s := argStr(a[0])
	var out []any
	var cur strings.Builder
	inQuotes, have := false, false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(s) && s[i] == '\\' {
				n++
				i++
			}
			if i < len(s) && s[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
					i++
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
			}
			have = true
			continue
		case c == '"':
			if inQuotes && i+1 < len(s) && s[i+1] == '"' {
				cur.WriteByte('"')
				i += 2
				continue
			}
			inQuotes = !inQuotes
			have = true
		case (c == ' ' || c == '\t') && !inQuotes:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
		i++
	}
	if have {
		out = append(out, cur.String())
	}
	return arrayResult(out), nil
}

var extraFuncs = []*Func{
	scalar("repeat", 2, 2, sig(types.Dynamic, aAny, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		n, ok := argLong(a[1])
		if !ok {
			return nullDynamic, nil
		}
		n = max(0, min(n, maxArrayLen))
		e := types.ToDynamicElement(a[0])
		out := make([]any, n)
		for i := range out {
			out[i] = e
		}
		return arrayResult(out), nil
	}),
	scalar("indexof_regex", 2, 5, sig(types.Long, aStr, aStr, aInt, aInt, aInt), func(ctx *Context, a []types.Value) (types.Value, error) {
		re, err := ctx.Regexp(argStr(a[1]))
		if err != nil {
			return types.Value{}, err
		}
		s := argStr(a[0])
		n := int64(utf8.RuneCountInString(s))
		start, length, occ, ok := searchArgs(a)
		if !ok {
			return nullLong, nil
		}
		if start < 0 || start > n {
			return nullLong, nil
		}
		end := searchEnd(n, start, length)
		window := runeSlice(s, int(start), int(end))
		for _, m := range re.FindAllStringIndex(window, -1) {
			occ--
			if occ == 0 {
				return types.NewLong(start + int64(utf8.RuneCountInString(window[:m[0]]))), nil
			}
		}
		return types.NewLong(-1), nil
	}),
	scalar("parse_csv", 1, 1, sig(types.Dynamic, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		r := csv.NewReader(strings.NewReader(argStr(a[0])))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		rec, err := r.Read()
		if err != nil {
			return arrayResult([]any{""}), nil
		}
		out := make([]any, len(rec))
		for i, f := range rec {
			out[i] = f
		}
		return arrayResult(out), nil
	}),
	scalar("has_any_index", 2, 2, sig(types.Long, aStr, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		arr, ok := array(a[1])
		if !ok {
			return nullLong, nil
		}
		s := argStr(a[0])
		for i, e := range arr {
			if types.Has(s, types.DynamicToString(e), false) {
				return types.NewLong(int64(i)), nil
			}
		}
		return types.NewLong(-1), nil
	}),
	scalar("base64_encode_fromguid", 1, 1, sig(types.String, aGuid), func(_ *Context, a []types.Value) (types.Value, error) {
		g := types.ToGuid(a[0])
		if g.Null {
			return emptyString, nil
		}
		b, ok := guidBytes(g.S)
		if !ok {
			return emptyString, nil
		}
		return types.NewString(base64.StdEncoding.EncodeToString(b)), nil
	}),
	scalar("base64_decode_toguid", 1, 1, sig(types.Guid, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		b, ok := decodeBase64(argStr(a[0]))
		if !ok || len(b) != 16 {
			return types.NullOf(types.Guid), nil
		}
		return types.NewGuid(guidFromBytes(b)), nil
	}),
	scalar("parse_command_line", 2, 2, sig(types.Dynamic, aStr, aStr), evalParseCommandLine),
	scalar("jaccard_index", 2, 2, sig(types.Real, aDyn, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok1 := array(a[0])
		y, ok2 := array(a[1])
		if !ok1 || !ok2 {
			return nullReal, nil
		}
		inter := len(setIntersect(distinct(x, func(types.Key) bool { return true }), [][]any{y}))
		union := len(setUnion(x, [][]any{y}))
		if union == 0 {
			return nullReal, nil
		}
		return types.NewReal(float64(inter) / float64(union)), nil
	}),
	scalar("to_utf8", 1, 1, sig(types.Dynamic, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		s := argStr(a[0])
		out := make([]any, len(s))
		for i := 0; i < len(s); i++ {
			out[i] = int64(s[i])
		}
		return arrayResult(out), nil
	}),
}
