package exec

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planParseKv, "parse-kv")
}

// kvParser holds the extraction settings of one parse-kv operator.
type kvParser struct {
	pairDelim, kvDelim string
	quotes             [][2]rune // opening and closing quote pairs
	escapes            []rune
	greedy             bool
	re                 *regexp.Regexp
}

func planParseKv(p *planner, o syntax.Operator, in Node) (Node, error) {
	op := o.(*syntax.ParseKvOp)
	inS := in.Schema()
	x, err := p.compiler(inS).compile(op.X)
	if err != nil {
		return nil, err
	}
	kp := &kvParser{}
	for _, prm := range op.With {
		v, _ := check.OpParam([]*syntax.OpParam{prm}, prm.Name)
		switch strings.ToLower(prm.Name) {
		case "pair_delimiter":
			kp.pairDelim = v
		case "kv_delimiter":
			kp.kvDelim = v
		case "quote":
			rs := []rune(v)
			switch len(rs) {
			case 1:
				kp.quotes = append(kp.quotes, [2]rune{rs[0], rs[0]})
			case 2:
				kp.quotes = append(kp.quotes, [2]rune{rs[0], rs[1]})
			default:
				return nil, p.errorf(prm.Value, "parse-kv: quote must be one or two characters")
			}
		case "escape":
			rs := []rune(v)
			if len(rs) != 1 {
				return nil, p.errorf(prm.Value, "parse-kv: escape must be one character")
			}
			kp.escapes = append(kp.escapes, rs[0])
		case "greedy":
			kp.greedy = strings.EqualFold(v, "true")
		case "regex":
			re, err := p.q.compileRegex(v)
			if err != nil {
				return nil, p.errorf(prm.Value, "parse-kv: invalid regex: %v", err)
			}
			if re.NumSubexp() != 2 {
				return nil, p.errorf(prm.Value, "parse-kv: regex must have exactly two capturing groups")
			}
			kp.re = re
		default:
			return nil, p.errorf(prm.Value, "parse-kv: unknown parameter %s", prm.Name)
		}
	}
	if (kp.pairDelim == "") != (kp.kvDelim == "") && kp.re == nil {
		return nil, p.errorf(op, "parse-kv: pair_delimiter and kv_delimiter must be given together")
	}
	s := &batch.Schema{Fields: append([]batch.Field(nil), inS.Fields...)}
	keys := map[string]int{} // key -> target index
	var pos []int
	var typs []types.Type
	var names []string
	for _, cd := range op.Columns {
		t, err := p.typeRef(cd.Type, types.String)
		if err != nil {
			return nil, err
		}
		i := s.Index(cd.Name.Name)
		if i < 0 {
			i = len(s.Fields)
			s.Fields = append(s.Fields, batch.Field{Name: cd.Name.Name, Type: t})
		} else {
			s.Fields[i].Type = t
		}
		keys[cd.Name.Name] = len(pos)
		pos = append(pos, i)
		typs = append(typs, t)
		names = append(names, cd.Name.Name)
	}
	return streamNode(in, s, func(b *batch.Batch) (*batch.Batch, error) {
		xc, err := x.run(b)
		if err != nil {
			return nil, err
		}
		blds := make([]*builder, len(pos))
		for i, t := range typs {
			blds[i] = newBuilder(t, b.Len)
		}
		vals := make([]string, len(pos))
		found := make([]bool, len(pos))
		for r := 0; r < b.Len; r++ {
			clear(found)
			v := valueAt(xc, r)
			if !v.IsNull() {
				kp.extract(types.ToString(v), names, keys, vals, found)
			}
			for i, t := range typs {
				if !found[i] {
					blds[i].add(types.NullOf(t))
					continue
				}
				blds[i].add(convertTo(types.NewString(vals[i]), t))
			}
		}
		out := &batch.Batch{Schema: s, Cols: make([]*batch.Column, len(s.Fields)), Len: b.Len}
		copy(out.Cols, b.Cols)
		for i, p := range pos {
			out.Cols[p] = blds[i].build()
		}
		return out, nil
	}), nil
}

// extract finds the values of the wanted keys in text; the first
// appearance of a key wins.
func (kp *kvParser) extract(text string, names []string, keys map[string]int, vals []string, found []bool) {
	set := func(k, v string) {
		if i, ok := keys[k]; ok && !found[i] {
			found[i] = true
			vals[i] = v
		}
	}
	switch {
	case kp.re != nil:
		for _, m := range kp.re.FindAllStringSubmatch(text, -1) {
			set(strings.TrimSpace(m[1]), strings.TrimSpace(m[2]))
		}
	case kp.pairDelim != "":
		kp.delimited(text, set)
	default:
		kp.bestEffort(text, names, set)
	}
}

// quoteFor returns the closing quote for an opening one.
func (kp *kvParser) quoteFor(r rune) (rune, bool) {
	for _, q := range kp.quotes {
		if q[0] == r {
			return q[1], true
		}
	}
	return 0, false
}

func (kp *kvParser) isEscape(r rune) bool {
	for _, e := range kp.escapes {
		if e == r {
			return true
		}
	}
	return false
}

// quoted reads a quoted string starting at text[i] (the opening quote);
// it returns the unquoted text and the index after the closing quote.
func (kp *kvParser) quoted(text string, i int, closeQ rune) (string, int) {
	_, w := utf8.DecodeRuneInString(text[i:])
	i += w
	var sb strings.Builder
	for i < len(text) {
		r, w := utf8.DecodeRuneInString(text[i:])
		if kp.isEscape(r) && i+w < len(text) {
			r2, w2 := utf8.DecodeRuneInString(text[i+w:])
			sb.WriteRune(r2)
			i += w + w2
			continue
		}
		i += w
		if r == closeQ {
			return sb.String(), i
		}
		sb.WriteRune(r)
	}
	return sb.String(), i
}

// delimited splits text into pairs at the pair delimiter and each pair at
// the first key/value delimiter, honouring quotes. In greedy mode an
// unquoted value runs up to the last pair delimiter before the next
// key/value delimiter.
func (kp *kvParser) delimited(text string, set func(k, v string)) {
	i := 0
	n := len(text)
	skipSpace := func() {
		for i < n && (text[i] == ' ' || text[i] == '\t') && !strings.HasPrefix(text[i:], kp.pairDelim) {
			i++
		}
	}
	for i < n {
		skipSpace()
		// Key.
		var key string
		r, _ := utf8.DecodeRuneInString(text[i:])
		if cq, ok := kp.quoteFor(r); ok {
			key, i = kp.quoted(text, i, cq)
			// Skip to the kv delimiter.
			for i < n && !strings.HasPrefix(text[i:], kp.kvDelim) && !strings.HasPrefix(text[i:], kp.pairDelim) {
				i++
			}
		} else {
			start := i
			for i < n && !strings.HasPrefix(text[i:], kp.kvDelim) && !strings.HasPrefix(text[i:], kp.pairDelim) {
				i++
			}
			key = text[start:i]
		}
		if i >= n {
			return
		}
		if strings.HasPrefix(text[i:], kp.pairDelim) && !strings.HasPrefix(text[i:], kp.kvDelim) {
			// A token without a key/value delimiter.
			i += len(kp.pairDelim)
			continue
		}
		i += len(kp.kvDelim)
		skipSpace()
		// Value.
		var val string
		if i < n {
			r, _ = utf8.DecodeRuneInString(text[i:])
		}
		if cq, ok := kp.quoteFor(r); ok && i < n {
			val, i = kp.quoted(text, i, cq)
			for i < n && !strings.HasPrefix(text[i:], kp.pairDelim) {
				i++
			}
		} else {
			start := i
			end := -1
			if kp.greedy {
				next := strings.Index(text[i:], kp.kvDelim)
				if next < 0 {
					end = n
				} else if j := strings.LastIndex(text[i:i+next], kp.pairDelim); j >= 0 {
					end = i + j
				}
			}
			if end < 0 {
				j := strings.Index(text[i:], kp.pairDelim)
				if j < 0 {
					end = n
				} else {
					end = i + j
				}
			}
			val = text[start:end]
			i = end
		}
		set(strings.TrimSpace(key), strings.TrimSpace(val))
		if i < n {
			i += len(kp.pairDelim)
		}
	}
}

func isAlnum(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// bestEffort finds each wanted key as a whole word followed by one
// non-alphanumeric delimiter; the value is a quoted string or a run of
// characters up to whitespace or punctuation that separates pairs.
func (kp *kvParser) bestEffort(text string, names []string, set func(k, v string)) {
	for _, k := range names {
		from := 0
		for from < len(text) {
			j := strings.Index(text[from:], k)
			if j < 0 || k == "" {
				break
			}
			start := from + j
			end := start + len(k)
			from = start + 1
			if start > 0 {
				r, _ := utf8.DecodeLastRuneInString(text[:start])
				if isAlnum(r) {
					continue
				}
			}
			i := end
			for i < len(text) && text[i] == ' ' {
				i++
			}
			if i >= len(text) {
				continue
			}
			r, w := utf8.DecodeRuneInString(text[i:])
			if isAlnum(r) || r == ' ' {
				continue
			}
			if _, ok := kp.quoteFor(r); ok {
				continue
			}
			i += w
			for i < len(text) && text[i] == ' ' {
				i++
			}
			if i < len(text) {
				r, _ = utf8.DecodeRuneInString(text[i:])
				if cq, ok := kp.quoteFor(r); ok {
					v, _ := kp.quoted(text, i, cq)
					set(k, v)
					break
				}
			}
			vs := i
			for i < len(text) {
				r, w := utf8.DecodeRuneInString(text[i:])
				if !(isAlnum(r) || strings.ContainsRune(".-/@+:", r)) {
					break
				}
				i += w
			}
			v := strings.TrimRight(text[vs:i], ":")
			set(k, v)
			break
		}
	}
}
