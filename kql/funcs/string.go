package funcs

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"kqlhunt/kql/types"
)

// scalar builds a scalar entry.
func scalar(name string, min, max int, result func([]types.Type) (types.Type, error),
	eval func(*Context, []types.Value) (types.Value, error)) *Func {
	return &Func{Name: name, Kind: Scalar, MinArgs: min, MaxArgs: max, Result: result, Eval: eval}
}

// alias returns a copy of f under another name (deprecated Kusto aliases).
func alias(name string, f *Func) *Func {
	c := *f
	c.Name = name
	return &c
}

var stringFuncs = []*Func{
	scalar("strlen", 1, 1, sig(types.Long, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewLong(int64(utf8.RuneCountInString(argStr(a[0])))), nil
	}),
	scalar("string_size", 1, 1, sig(types.Long, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewLong(int64(len(argStr(a[0])))), nil
	}),
	scalar("substring", 2, 3, sig(types.String, aAny, aInt, aInt), evalSubstring),
	scalar("tolower", 1, 1, sig(types.String, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewString(strings.ToLower(argStr(a[0]))), nil
	}),
	scalar("toupper", 1, 1, sig(types.String, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewString(strings.ToUpper(argStr(a[0]))), nil
	}),
	scalar("trim", 2, 2, sig(types.String, aStr, aStr), func(ctx *Context, a []types.Value) (types.Value, error) {
		return trimRegex(ctx, a, true, true)
	}),
	scalar("trim_start", 2, 2, sig(types.String, aStr, aStr), func(ctx *Context, a []types.Value) (types.Value, error) {
		return trimRegex(ctx, a, true, false)
	}),
	scalar("trim_end", 2, 2, sig(types.String, aStr, aStr), func(ctx *Context, a []types.Value) (types.Value, error) {
		return trimRegex(ctx, a, false, true)
	}),
	scalar("strcat", 1, 64, sig(types.String, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		if len(a) == 1 {
			return types.NewString(argStr(a[0])), nil
		}
		var sb strings.Builder
		for _, v := range a {
			sb.WriteString(argStr(v))
		}
		return types.NewString(sb.String()), nil
	}),
	scalar("strcat_delim", 3, 65, sig(types.String, aStr, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		d := argStr(a[0])
		var sb strings.Builder
		for i, v := range a[1:] {
			if i > 0 {
				sb.WriteString(d)
			}
			sb.WriteString(argStr(v))
		}
		return types.NewString(sb.String()), nil
	}),
	scalar("strcat_array", 2, 2, sig(types.String, aDyn, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		arr, ok := array(a[0])
		if !ok {
			return emptyString, nil
		}
		d := argStr(a[1])
		var sb strings.Builder
		for i, e := range arr {
			if i > 0 {
				sb.WriteString(d)
			}
			sb.WriteString(types.DynamicToString(e))
		}
		return types.NewString(sb.String()), nil
	}),
	scalar("split", 2, 3, sig(types.Dynamic, aStr, aStr, aInt), evalSplit),
	scalar("replace_string", 3, 3, sig(types.String, aStr, aStr, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		s, old := argStr(a[0]), argStr(a[1])
		if old == "" {
			return types.NewString(s), nil
		}
		return types.NewString(strings.ReplaceAll(s, old, argStr(a[2]))), nil
	}),
	scalar("replace_strings", 3, 3, sig(types.String, aStr, aDyn, aDyn), evalReplaceStrings),
	scalar("replace_regex", 3, 3, sig(types.String, aStr, aStr, aStr), func(ctx *Context, a []types.Value) (types.Value, error) {
		return replaceRegex(ctx, argStr(a[0]), argStr(a[1]), argStr(a[2]))
	}),
	// replace(regex, rewrite, text): the deprecated argument order.
	scalar("replace", 3, 3, sig(types.String, aStr, aStr, aStr), func(ctx *Context, a []types.Value) (types.Value, error) {
		return replaceRegex(ctx, argStr(a[2]), argStr(a[0]), argStr(a[1]))
	}),
	scalar("reverse", 1, 1, sig(types.String, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		s := argStr(a[0])
		r := []rune(s)
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return types.NewString(string(r)), nil
	}),
	scalar("indexof", 2, 5, sig(types.Long, aAny, aAny, aInt, aInt, aInt), evalIndexOf),
	scalar("countof", 2, 3, sig(types.Long, aStr, aStr, aStr), evalCountOf),
	withTypeArg(4, scalar("extract", 3, 4, sig(types.String, aStr, aInt, aAny, aAny), evalExtract)),
	scalar("extract_all", 2, 3, sig(types.Dynamic, aStr, aAny, aStr), evalExtractAll),
	scalar("regex_quote", 1, 1, sig(types.String, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewString(regexp.QuoteMeta(argStr(a[0]))), nil
	}),
	scalar("url_encode", 1, 1, sig(types.String, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewString(urlEncode(argStr(a[0]), true)), nil
	}),
	scalar("url_encode_component", 1, 1, sig(types.String, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewString(urlEncode(argStr(a[0]), false)), nil
	}),
	scalar("url_decode", 1, 1, sig(types.String, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewString(urlDecode(argStr(a[0]))), nil
	}),
	scalar("base64_encode_tostring", 1, 1, sig(types.String, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewString(base64.StdEncoding.EncodeToString([]byte(argStr(a[0])))), nil
	}),
	scalar("base64_decode_tostring", 1, 1, sig(types.String, aStr), evalBase64DecodeString),
	scalar("base64_decode_toarray", 1, 1, sig(types.Dynamic, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		b, ok := decodeBase64(argStr(a[0]))
		if !ok {
			return nullDynamic, nil
		}
		arr := make([]any, len(b))
		for i, c := range b {
			arr[i] = int64(c)
		}
		return types.NewDynamic(arr), nil
	}),
	scalar("base64_encode_fromarray", 1, 1, sig(types.String, aDyn), func(_ *Context, a []types.Value) (types.Value, error) {
		arr, ok := array(a[0])
		if !ok {
			return emptyString, nil
		}
		b := make([]byte, 0, len(arr))
		for _, e := range arr {
			n, ok := argLong(types.FromDynamic(e))
			if !ok || n < 0 || n > 255 {
				return emptyString, nil
			}
			b = append(b, byte(n))
		}
		return types.NewString(base64.StdEncoding.EncodeToString(b)), nil
	}),
	scalar("strrep", 2, 3, sig(types.String, aAny, aInt, aStr), evalStrrep),
	scalar("strcmp", 2, 2, sig(types.Int, aStr, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewInt(int64(strings.Compare(argStr(a[0]), argStr(a[1])))), nil
	}),
	scalar("tohex", 1, 2, sig(types.String, aInt, aInt), evalToHex),
	scalar("isascii", 1, 1, sig(types.Bool, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		s := argStr(a[0])
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return falseValue, nil
			}
		}
		return trueValue, nil
	}),
	scalar("isutf8", 1, 1, sig(types.Bool, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewBool(utf8.ValidString(argStr(a[0]))), nil
	}),
	scalar("translate", 3, 3, sig(types.String, aStr, aStr, aStr), evalTranslate),
	scalar("unicode_codepoints_from_string", 1, 1, sig(types.Dynamic, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		var arr []any
		for _, r := range argStr(a[0]) {
			arr = append(arr, int64(r))
		}
		if arr == nil {
			arr = []any{}
		}
		return types.NewDynamic(arr), nil
	}),
	scalar("unicode_codepoints_to_string", 1, -1, sig(types.String, aAny), evalCodepointsToString),
	scalar("parse_url", 1, 1, sig(types.Dynamic, aStr), evalParseURL),
	scalar("parse_urlquery", 1, 1, sig(types.Dynamic, aStr), evalParseURLQuery),
	scalar("parse_path", 1, 1, sig(types.Dynamic, aStr), evalParsePath),
}

func evalSubstring(_ *Context, a []types.Value) (types.Value, error) {
	s := argStr(a[0])
	start, ok := argLong(a[1])
	if !ok {
		return emptyString, nil
	}
	n := int64(utf8.RuneCountInString(s))
	// A negative start counts from the end: substring("123456", -2, 2) is
	// "56".
	start = fromEnd(start, n)
	end := n
	if len(a) > 2 {
		l, ok := argLong(a[2])
		if !ok {
			return emptyString, nil
		}
		if l < 0 {
			return emptyString, nil
		}
		end = start + l
	}
	if end > n {
		end = n
	}
	if start >= end {
		return emptyString, nil
	}
	return types.NewString(runeSlice(s, int(start), int(end))), nil
}

// runeSlice returns s[start:end] counted in runes, without allocating when
// s is ASCII.
func runeSlice(s string, start, end int) string {
	bs, be := -1, len(s)
	i := 0
	for off := range s {
		if i == start {
			bs = off
		}
		if i == end {
			be = off
			break
		}
		i++
	}
	if bs < 0 {
		return ""
	}
	return s[bs:be]
}

func trimRegex(ctx *Context, a []types.Value, start, end bool) (types.Value, error) {
	pat, s := argStr(a[0]), argStr(a[1])
	if pat == "" {
		return types.NewString(s), nil
	}
	if start {
		re, err := ctx.regexp(wrapStart, pat)
		if err != nil {
			return types.Value{}, err
		}
		if loc := re.FindStringIndex(s); loc != nil {
			s = s[loc[1]:]
		}
	}
	if end {
		re, err := ctx.regexp(wrapEnd, pat)
		if err != nil {
			return types.Value{}, err
		}
		if loc := re.FindStringIndex(s); loc != nil {
			s = s[:loc[0]]
		}
	}
	return types.NewString(s), nil
}

func evalSplit(_ *Context, a []types.Value) (types.Value, error) {
	s, d := argStr(a[0]), argStr(a[1])
	var parts []string
	if d == "" {
		parts = []string{s}
	} else {
		parts = strings.Split(s, d)
	}
	if len(a) > 2 {
		i, ok := argLong(a[2])
		if !ok || i < 0 {
			return nullDynamic, nil
		}
		if i >= int64(len(parts)) {
			return types.NewDynamic([]any{}), nil
		}
		return types.NewDynamic([]any{parts[i]}), nil
	}
	arr := make([]any, len(parts))
	for i, p := range parts {
		arr[i] = p
	}
	return types.NewDynamic(arr), nil
}

// evalReplaceStrings implements replace_strings(text, lookups, rewrites):
// lookups take priority in order; each one replaces its non-overlapping
// occurrences that do not overlap a span an earlier lookup already
// replaced.
func evalReplaceStrings(_ *Context, a []types.Value) (types.Value, error) {
	s := argStr(a[0])
	lookups, ok1 := array(a[1])
	rewrites, ok2 := array(a[2])
	if !ok1 || !ok2 {
		return types.NewString(s), nil
	}
	type span struct {
		start, end int
		rw         string
	}
	var spans []span
	overlaps := func(st, en int) bool {
		for _, sp := range spans {
			if st < sp.end && sp.start < en {
				return true
			}
		}
		return false
	}
	for i, l := range lookups {
		ls := types.DynamicToString(l)
		if ls == "" {
			continue
		}
		rs := ""
		if i < len(rewrites) {
			rs = types.DynamicToString(rewrites[i])
		}
		for off := 0; off <= len(s)-len(ls); {
			k := strings.Index(s[off:], ls)
			if k < 0 {
				break
			}
			st := off + k
			if overlaps(st, st+len(ls)) {
				off = st + 1
				continue
			}
			spans = append(spans, span{st, st + len(ls), rs})
			off = st + len(ls)
		}
	}
	if len(spans) == 0 {
		return types.NewString(s), nil
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var sb strings.Builder
	prev := 0
	for _, sp := range spans {
		sb.WriteString(s[prev:sp.start])
		sb.WriteString(sp.rw)
		prev = sp.end
	}
	sb.WriteString(s[prev:])
	return types.NewString(sb.String()), nil
}

// kustoRewrite turns Kusto's \1 group references in a rewrite string into
// Go's ${1} form and escapes literal dollars.
func kustoRewrite(rw string) string {
	if strings.IndexByte(rw, '\\') < 0 && strings.IndexByte(rw, '$') < 0 {
		return rw
	}
	var sb strings.Builder
	for i := 0; i < len(rw); i++ {
		c := rw[i]
		switch {
		case c == '\\' && i+1 < len(rw) && rw[i+1] >= '0' && rw[i+1] <= '9':
			sb.WriteString("${")
			sb.WriteByte(rw[i+1])
			sb.WriteByte('}')
			i++
		case c == '$':
			sb.WriteString("$$")
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

func replaceRegex(ctx *Context, s, pat, rw string) (types.Value, error) {
	re, err := ctx.Regexp(pat)
	if err != nil {
		return types.Value{}, err
	}
	return types.NewString(re.ReplaceAllString(s, kustoRewrite(rw))), nil
}

// searchArgs reads the optional start, length and occurrence arguments
// (a[2], a[3], a[4]) of indexof, indexof_regex and array_index_of; absent
// ones default to 0, -1 (to the end) and 1. ok is false when one is null or
// not a number, or when occurrence is not positive.
func searchArgs(a []types.Value) (start, length, occ int64, ok bool) {
	start, length, occ = 0, -1, 1
	if len(a) > 2 {
		if start, ok = argLong(a[2]); !ok {
			return 0, 0, 0, false
		}
	}
	if len(a) > 3 {
		if length, ok = argLong(a[3]); !ok {
			return 0, 0, 0, false
		}
	}
	if len(a) > 4 {
		if occ, ok = argLong(a[4]); !ok || occ <= 0 {
			return 0, 0, 0, false
		}
	}
	return start, length, occ, true
}

// searchEnd is the end of the search window that starts at start and spans
// length elements (all when length is negative) of n.
func searchEnd(n, start, length int64) int64 {
	if length >= 0 && start+length < n {
		return start + length
	}
	return n
}

// fromEnd turns a negative position into one counted from the end of n
// elements, clamped at 0; other positions are returned unchanged.
func fromEnd(pos, n int64) int64 {
	if pos < 0 {
		return max(pos+n, 0)
	}
	return pos
}

// evalIndexOf implements indexof(source, lookup [, start [, length [,
// occurrence]]]) counting characters (runes).
func evalIndexOf(_ *Context, a []types.Value) (types.Value, error) {
	src, lookup := []rune(argStr(a[0])), argStr(a[1])
	n := int64(len(src))
	start, length, occ, ok := searchArgs(a)
	if !ok {
		return nullLong, nil
	}
	start = fromEnd(start, n)
	if start > n {
		return types.NewLong(-1), nil
	}
	lr := []rune(lookup)
	// Each further occurrence is searched from one past the previous match
	// with the same length window, as repeated IndexOf calls do.
	for {
		end := searchEnd(n, start, length)
		found := int64(-1)
		for i := start; i+int64(len(lr)) <= end; i++ {
			if runesEqual(src[i:i+int64(len(lr))], lr) {
				found = i
				break
			}
		}
		if found < 0 {
			return types.NewLong(-1), nil
		}
		occ--
		if occ == 0 {
			return types.NewLong(found), nil
		}
		start = found + 1
	}
}

func evalCountOf(ctx *Context, a []types.Value) (types.Value, error) {
	s, search := argStr(a[0]), argStr(a[1])
	kind := "normal"
	if len(a) > 2 {
		kind = argStr(a[2])
	}
	switch kind {
	case "normal", "":
		if search == "" {
			return types.NewLong(0), nil
		}
		// Overlapping occurrences: countof("aaaa", "aa") is 3.
		var c int64
		for i := 0; i+len(search) <= len(s); {
			k := strings.Index(s[i:], search)
			if k < 0 {
				break
			}
			c++
			i += k + 1
		}
		return types.NewLong(c), nil
	case "regex":
		re, err := ctx.Regexp(search)
		if err != nil {
			return types.Value{}, err
		}
		return types.NewLong(int64(len(re.FindAllStringIndex(s, -1)))), nil
	}
	return types.Value{}, fmt.Errorf("kind must be \"normal\" or \"regex\", got %q", kind)
}

func evalExtract(ctx *Context, a []types.Value) (types.Value, error) {
	re, err := ctx.Regexp(argStr(a[0]))
	if err != nil {
		return types.Value{}, err
	}
	to := types.String
	if len(a) > 3 {
		if t, ok := types.ParseType(argStr(a[3])); ok {
			to = t
		}
	}
	g, ok := argLong(a[1])
	if !ok || g < 0 || int(g) > re.NumSubexp() {
		return types.NullOf(to), nil
	}
	m := re.FindStringSubmatchIndex(argStr(a[2]))
	if m == nil || m[2*g] < 0 {
		return types.NullOf(to), nil
	}
	s := argStr(a[2])[m[2*g]:m[2*g+1]]
	if to == types.String {
		return types.NewString(s), nil
	}
	return types.Convert(types.NewString(s), to), nil
}

// evalExtractAll implements extract_all(regex, [groups,] text): an array of
// the matches; with one capture group each element is that group's text,
// with several each element is an array of the selected groups.
func evalExtractAll(ctx *Context, a []types.Value) (types.Value, error) {
	re, err := ctx.Regexp(argStr(a[0]))
	if err != nil {
		return types.Value{}, err
	}
	text := argStr(a[len(a)-1])
	var groups []int
	if len(a) == 3 {
		arr, ok := array(a[1])
		if !ok {
			return nullDynamic, nil
		}
		for _, e := range arr {
			n, ok := argLong(types.FromDynamic(e))
			if !ok || n < 0 || int(n) > re.NumSubexp() {
				return types.Value{}, fmt.Errorf("capture group %v out of range", e)
			}
			groups = append(groups, int(n))
		}
	} else {
		for i := 1; i <= re.NumSubexp(); i++ {
			groups = append(groups, i)
		}
		if len(groups) == 0 {
			groups = []int{0}
		}
	}
	matches := re.FindAllStringSubmatchIndex(text, -1)
	if len(matches) == 0 {
		return nullDynamic, nil
	}
	out := make([]any, 0, len(matches))
	for _, m := range matches {
		if len(groups) == 1 {
			out = append(out, groupText(text, m, groups[0]))
			continue
		}
		row := make([]any, len(groups))
		for i, g := range groups {
			row[i] = groupText(text, m, g)
		}
		out = append(out, row)
	}
	return types.NewDynamic(out), nil
}

func groupText(s string, m []int, g int) string {
	if m[2*g] < 0 {
		return ""
	}
	return s[m[2*g]:m[2*g+1]]
}

// urlEncode encodes like .NET's HttpUtility.UrlEncode: letters, digits and
// -_.!*() stay, space becomes + (or %20 for components), other bytes %xx in
// lower case.
func urlEncode(s string, plus bool) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == '!', c == '*', c == '(', c == ')':
			sb.WriteByte(c)
		case c == ' ' && plus:
			sb.WriteByte('+')
		default:
			sb.WriteByte('%')
			sb.WriteByte("0123456789abcdef"[c>>4])
			sb.WriteByte("0123456789abcdef"[c&15])
		}
	}
	return sb.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// urlDecode decodes %xx escapes and + as space; malformed escapes stay as
// they are.
func urlDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s):
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b = append(b, h<<4|l)
				i += 2
			} else {
				b = append(b, c)
			}
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// decodeBase64 decodes standard, padded base64, ignoring white space as
// .NET's decoder does. Unpadded input is invalid: the base64_encode_fromarray
// documentation example decodes "U3RyaW5n0KHR0tGA0L7Rh9C60LA" (no padding)
// to an empty result.
func decodeBase64(s string) ([]byte, bool) {
	if strings.ContainsAny(s, " \t\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, s)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	return b, true
}

func evalBase64DecodeString(_ *Context, a []types.Value) (types.Value, error) {
	b, ok := decodeBase64(argStr(a[0]))
	if !ok || !utf8.Valid(b) {
		return emptyString, nil
	}
	return types.NewString(string(b)), nil
}

// maxStrrep bounds strrep's multiplier, as Kusto does.
const maxStrrep = 1024

func evalStrrep(_ *Context, a []types.Value) (types.Value, error) {
	s := argStr(a[0])
	n, ok := argLong(a[1])
	if !ok || n <= 0 {
		return emptyString, nil
	}
	if n > maxStrrep {
		n = maxStrrep
	}
	d := ""
	if len(a) > 2 {
		d = argStr(a[2])
	}
	var sb strings.Builder
	for i := int64(0); i < n; i++ {
		if i > 0 {
			sb.WriteString(d)
		}
		sb.WriteString(s)
	}
	return types.NewString(sb.String()), nil
}

// maxHexWidth bounds tohex's minimum-length argument.
const maxHexWidth = 1024

func evalToHex(_ *Context, a []types.Value) (types.Value, error) {
	v := a[0]
	n, ok := argLong(v)
	if !ok {
		return emptyString, nil
	}
	var s string
	if v.Type == types.Int {
		s = strconv.FormatUint(uint64(uint32(n)), 16)
	} else {
		s = strconv.FormatUint(uint64(n), 16)
	}
	if len(a) > 1 {
		if w, ok := argLong(a[1]); ok && w > int64(len(s)) && w <= maxHexWidth {
			s = strings.Repeat("0", int(w)-len(s)) + s
		}
	}
	return types.NewString(s), nil
}

func evalTranslate(_ *Context, a []types.Value) (types.Value, error) {
	from, to, s := []rune(argStr(a[0])), []rune(argStr(a[1])), argStr(a[2])
	var sb strings.Builder
	for _, r := range s {
		idx := -1
		for i, f := range from {
			if f == r {
				idx = i
				break
			}
		}
		switch {
		case idx < 0:
			sb.WriteRune(r)
		case len(to) == 0:
			// Characters in the search list are removed.
		case idx < len(to):
			sb.WriteRune(to[idx])
		default:
			sb.WriteRune(to[len(to)-1])
		}
	}
	return types.NewString(sb.String()), nil
}

func evalCodepointsToString(_ *Context, a []types.Value) (types.Value, error) {
	var sb strings.Builder
	add := func(v types.Value) bool {
		n, ok := argLong(v)
		if !ok || n < 0 || n > utf8.MaxRune {
			return false
		}
		sb.WriteRune(rune(n))
		return true
	}
	for _, v := range a {
		if v.Type == types.Dynamic {
			if arr, ok := v.D.([]any); ok {
				for _, e := range arr {
					if !add(types.FromDynamic(e)) {
						return emptyString, nil
					}
				}
				continue
			}
		}
		if !add(v) {
			return emptyString, nil
		}
	}
	return types.NewString(sb.String()), nil
}

// array returns the elements of a dynamic array value.
func array(v types.Value) ([]any, bool) {
	if v.Type != types.Dynamic || v.Null {
		return nil, false
	}
	arr, ok := v.D.([]any)
	return arr, ok
}

// bag returns the property bag of a dynamic value.
func bag(v types.Value) (*types.Bag, bool) {
	if v.Type != types.Dynamic || v.Null {
		return nil, false
	}
	b, ok := v.D.(*types.Bag)
	return b, ok && b != nil
}

func runesEqual(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// withTypeArg sets an entry's TypeArg.
func withTypeArg(pos int, f *Func) *Func {
	f.TypeArg = pos
	return f
}
