package funcs

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"kqlhunt/kql/types"
)

// parseIPv4 parses dotted-quad text with an optional /prefix. It does not
// allocate.
func parseIPv4(s string) (ip uint32, prefix int, ok bool) {
	s = strings.TrimSpace(s)
	prefix = 32
	if i := strings.IndexByte(s, '/'); i >= 0 {
		p, err := strconv.Atoi(s[i+1:])
		if err != nil || p < 0 || p > 32 {
			return 0, 0, false
		}
		prefix, s = p, s[:i]
	}
	parts, val, digits := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || val > 255 || parts == 4 {
				return 0, 0, false
			}
			ip = ip<<8 | uint32(val)
			parts++
			val, digits = 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' || digits == 3 {
			return 0, 0, false
		}
		val = val*10 + int(c-'0')
		digits++
	}
	if parts != 4 {
		return 0, 0, false
	}
	return ip, prefix, true
}

func mask4(prefix int) uint32 {
	if prefix <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - prefix)
}

func formatIPv4(ip uint32) string {
	var b []byte
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, uint64(ip>>(8*i)&0xff), 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	return string(b)
}

// ipv4Arg reads an IPv4 argument given as text or as a long.
func ipv4Arg(v types.Value) (uint32, int, bool) {
	if v.Type.IsInteger() {
		if v.Null || v.I < 0 || v.I > 0xffffffff {
			return 0, 0, false
		}
		return uint32(v.I), 32, true
	}
	if isNull(v) {
		return 0, 0, false
	}
	return parseIPv4(argStr(v))
}

// prefixArg reads an optional prefix argument within [0, max].
func prefixArg(a []types.Value, i, max int) (int, bool) {
	if i >= len(a) {
		return max, true
	}
	p, ok := argLong(a[i])
	if !ok || p < 0 || p > int64(max) {
		return 0, false
	}
	return int(p), true
}

func ipv4InRange(ipv, rangev types.Value) (bool, bool) {
	ip, ipPrefix, ok1 := ipv4Arg(ipv)
	r, rp, ok2 := ipv4Arg(rangev)
	if !ok1 || !ok2 {
		return false, false
	}
	ip &= mask4(ipPrefix)
	return ip&mask4(rp) == r&mask4(rp), true
}

// anyRange applies in to an address and each range argument (or each
// element of a dynamic array argument).
func anyRange(a []types.Value, in func(ip, r types.Value) (bool, bool)) (types.Value, error) {
	found := false
	for _, r := range a[1:] {
		if arr, ok := array(r); ok {
			for _, e := range arr {
				m, ok := in(a[0], types.FromDynamic(e))
				if !ok {
					return nullBool, nil
				}
				found = found || m
			}
			continue
		}
		m, ok := in(a[0], r)
		if !ok {
			return nullBool, nil
		}
		found = found || m
	}
	return types.NewBool(found), nil
}

// private IPv4 ranges (RFC 1918).
var privateRanges = [...]struct {
	ip     uint32
	prefix int
}{{10 << 24, 8}, {172<<24 | 16<<16, 12}, {192<<24 | 168<<16, 16}}

// ipv4Tokens calls fn with each maximal run of digits and dots in s.
func ipv4Tokens(s string, fn func(tok string) bool) bool {
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if fn(strings.TrimRight(s[start:i], ".")) {
				return true
			}
			start = -1
		}
	}
	return false
}

func hasIPv4(src, ip string) bool {
	want, p, ok := parseIPv4(ip)
	if !ok || p != 32 {
		return false
	}
	return ipv4Tokens(src, func(tok string) bool {
		got, _, ok := parseIPv4(tok)
		return ok && got == want
	})
}

func hasIPv4Prefix(src, prefix string) bool {
	if !strings.HasSuffix(prefix, ".") {
		return hasIPv4(src, prefix)
	}
	return ipv4Tokens(src, func(tok string) bool {
		_, _, ok := parseIPv4(tok)
		return ok && strings.HasPrefix(tok, prefix)
	})
}

// hasAny applies f to the source and each candidate argument (or element of
// a dynamic array argument).
func hasAny(a []types.Value, f func(src, ip string) bool) (types.Value, error) {
	src := argStr(a[0])
	for _, c := range a[1:] {
		if arr, ok := array(c); ok {
			for _, e := range arr {
				if f(src, types.DynamicToString(e)) {
					return trueValue, nil
				}
			}
			continue
		}
		if f(src, argStr(c)) {
			return trueValue, nil
		}
	}
	return falseValue, nil
}

// parseIPv6 parses IPv6 (or IPv4, mapped into ::ffff:0:0/96) text with an
// optional /prefix. IPv4-compatible ::a.b.c.d addresses are read as mapped
// addresses, as Kusto does; an IPv4 prefix counts from bit 96.
func parseIPv6(s string) (addr [16]byte, prefix int, ok bool) {
	s = strings.TrimSpace(s)
	if ip4, p4, ok4 := parseIPv4(s); ok4 {
		return mapped(ip4), 96 + p4, true
	}
	prefix = 128
	text := s
	if i := strings.IndexByte(s, '/'); i >= 0 {
		p, err := strconv.Atoi(s[i+1:])
		if err != nil || p < 0 || p > 128 {
			return addr, 0, false
		}
		prefix, text = p, s[:i]
	}
	if strings.HasPrefix(text, "::") && strings.Count(text, ".") == 3 && strings.Count(text, ":") == 2 {
		ip4, _, ok4 := parseIPv4(text[2:])
		if !ok4 {
			return addr, 0, false
		}
		if prefix <= 32 && strings.IndexByte(s, '/') >= 0 {
			prefix += 96 // an IPv4 prefix on an IPv4 address
		}
		return mapped(ip4), prefix, true
	}
	a, err := netip.ParseAddr(text)
	if err != nil || a.Zone() != "" {
		return addr, 0, false
	}
	if a.Is4() {
		return mapped(ipv4FromNetip(a)), prefix, true
	}
	return a.As16(), prefix, true
}

func ipv4FromNetip(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func mapped(ip uint32) (addr [16]byte) {
	addr[10], addr[11] = 0xff, 0xff
	addr[12], addr[13], addr[14], addr[15] = byte(ip>>24), byte(ip>>16), byte(ip>>8), byte(ip)
	return addr
}

func mask6(addr [16]byte, prefix int) [16]byte {
	for i := 0; i < 16; i++ {
		bits := prefix - 8*i
		switch {
		case bits >= 8:
		case bits <= 0:
			addr[i] = 0
		default:
			addr[i] &= byte(0xff << (8 - bits))
		}
	}
	return addr
}

func formatIPv6Full(addr [16]byte) string {
	var b []byte
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexDigit(addr[i]>>4), hexDigit(addr[i]&15), hexDigit(addr[i+1]>>4), hexDigit(addr[i+1]&15))
	}
	return string(b)
}

func hexDigit(n byte) byte { return "0123456789abcdef"[n] }

func compare6(a []types.Value) (int, bool) {
	x, px, ok1 := parseIPv6(argStr(a[0]))
	y, py, ok2 := parseIPv6(argStr(a[1]))
	p, ok3 := prefixArg(a, 2, 128)
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	p = min(p, px, py)
	x, y = mask6(x, p), mask6(y, p)
	for i := range x {
		if x[i] != y[i] {
			if x[i] < y[i] {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, true
}

func compare4(a []types.Value) (int, bool) {
	x, px, ok1 := ipv4Arg(a[0])
	y, py, ok2 := ipv4Arg(a[1])
	p, ok3 := prefixArg(a, 2, 32)
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	m := mask4(min(p, px, py))
	x, y = x&m, y&m
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

func ipv6InRange(ipv, rangev types.Value) (bool, bool) {
	ip, ipPrefix, ok1 := parseIPv6(argStr(ipv))
	r, rp, ok2 := parseIPv6(argStr(rangev))
	if !ok1 || !ok2 {
		return false, false
	}
	ip = mask6(ip, ipPrefix)
	return mask6(ip, rp) == mask6(r, rp), true
}

// rangeToCIDRs splits [start, end] into the fewest CIDR blocks.
func rangeToCIDRs(start, end uint32) []any {
	var out []any
	s, e := uint64(start), uint64(end)
	for s <= e {
		size := 32
		for size > 0 {
			blk := uint64(1) << (32 - (size - 1))
			if s%blk != 0 || s+blk-1 > e {
				break
			}
			size--
		}
		out = append(out, fmt.Sprintf("%s/%d", formatIPv4(uint32(s)), size))
		s += uint64(1) << (32 - size)
	}
	return out
}

var ipFuncs = []*Func{
	scalar("parse_ipv4", 1, 1, sig(types.Long, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		ip, p, ok := parseIPv4(argStr(a[0]))
		if !ok {
			return nullLong, nil
		}
		return types.NewLong(int64(ip & mask4(p))), nil
	}),
	scalar("parse_ipv4_mask", 2, 2, sig(types.Long, aStr, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		ip, p, ok := parseIPv4(argStr(a[0]))
		q, ok2 := prefixArg(a, 1, 32)
		if !ok || !ok2 {
			return nullLong, nil
		}
		return types.NewLong(int64(ip & mask4(min(p, q)))), nil
	}),
	scalar("format_ipv4", 1, 2, sig(types.String, aAny, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		ip, p, ok := ipv4Arg(a[0])
		q, ok2 := prefixArg(a, 1, 32)
		if !ok || !ok2 {
			return emptyString, nil
		}
		return types.NewString(formatIPv4(ip & mask4(min(p, q)))), nil
	}),
	scalar("format_ipv4_mask", 1, 2, sig(types.String, aAny, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		ip, p, ok := ipv4Arg(a[0])
		q, ok2 := prefixArg(a, 1, 32)
		if !ok || !ok2 {
			return emptyString, nil
		}
		m := min(p, q)
		return types.NewString(formatIPv4(ip&mask4(m)) + "/" + strconv.Itoa(m)), nil
	}),
	scalar("ipv4_netmask_suffix", 1, 1, sig(types.Int, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		_, p, ok := parseIPv4(argStr(a[0]))
		if !ok {
			return nullInt, nil
		}
		return types.NewInt(int64(p)), nil
	}),
	scalar("ipv4_is_in_range", 2, 2, sig(types.Bool, aStr, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		m, ok := ipv4InRange(a[0], a[1])
		if !ok {
			return nullBool, nil
		}
		return types.NewBool(m), nil
	}),
	scalar("ipv4_is_in_any_range", 2, -1, sig(types.Bool, aStr, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		return anyRange(a, ipv4InRange)
	}),
	scalar("ipv4_is_private", 1, 1, sig(types.Bool, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		ip, p, ok := parseIPv4(argStr(a[0]))
		if !ok {
			return nullBool, nil
		}
		ip &= mask4(p)
		for _, r := range privateRanges {
			if ip&mask4(r.prefix) == r.ip {
				return trueValue, nil
			}
		}
		return falseValue, nil
	}),
	scalar("ipv4_compare", 2, 3, sig(types.Int, aAny, aAny, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		c, ok := compare4(a)
		if !ok {
			return nullInt, nil
		}
		return types.NewInt(int64(c)), nil
	}),
	scalar("ipv4_is_match", 2, 3, sig(types.Bool, aAny, aAny, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		c, ok := compare4(a)
		if !ok {
			return nullBool, nil
		}
		return types.NewBool(c == 0), nil
	}),
	scalar("ipv4_range_to_cidr_list", 2, 2, sig(types.Dynamic, aStr, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		s, _, ok1 := parseIPv4(argStr(a[0]))
		e, _, ok2 := parseIPv4(argStr(a[1]))
		if !ok1 || !ok2 || s > e {
			return nullDynamic, nil
		}
		return arrayResult(rangeToCIDRs(s, e)), nil
	}),
	scalar("has_ipv4", 2, 2, sig(types.Bool, aStr, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewBool(hasIPv4(argStr(a[0]), argStr(a[1]))), nil
	}),
	scalar("has_ipv4_prefix", 2, 2, sig(types.Bool, aStr, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		return types.NewBool(hasIPv4Prefix(argStr(a[0]), argStr(a[1]))), nil
	}),
	scalar("has_any_ipv4", 2, -1, sig(types.Bool, aStr, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		return hasAny(a, hasIPv4)
	}),
	scalar("has_any_ipv4_prefix", 2, -1, sig(types.Bool, aStr, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		return hasAny(a, hasIPv4Prefix)
	}),
	scalar("parse_ipv6", 1, 1, sig(types.String, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		addr, p, ok := parseIPv6(argStr(a[0]))
		if !ok {
			return emptyString, nil
		}
		return types.NewString(formatIPv6Full(mask6(addr, p))), nil
	}),
	scalar("parse_ipv6_mask", 2, 2, sig(types.String, aStr, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		addr, p, ok := parseIPv6(argStr(a[0]))
		q, ok2 := prefixArg(a, 1, 128)
		if !ok || !ok2 {
			return emptyString, nil
		}
		return types.NewString(formatIPv6Full(mask6(addr, min(p, q)))), nil
	}),
	scalar("ipv6_compare", 2, 3, sig(types.Int, aStr, aStr, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		c, ok := compare6(a)
		if !ok {
			return nullInt, nil
		}
		return types.NewInt(int64(c)), nil
	}),
	scalar("ipv6_is_match", 2, 3, sig(types.Bool, aStr, aStr, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		c, ok := compare6(a)
		if !ok {
			return nullBool, nil
		}
		return types.NewBool(c == 0), nil
	}),
	scalar("ipv6_is_in_range", 2, 2, sig(types.Bool, aStr, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		m, ok := ipv6InRange(a[0], a[1])
		if !ok {
			return nullBool, nil
		}
		return types.NewBool(m), nil
	}),
	scalar("ipv6_is_in_any_range", 2, -1, sig(types.Bool, aStr, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		return anyRange(a, ipv6InRange)
	}),
}
