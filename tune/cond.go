package tune

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"time"

	"kqlhunt/kql/types"
)

// cleaf is a compiled CondMatch: the comparison of one field's text.
type cleaf struct {
	field    string
	op       Op
	fold     bool
	eq       string
	set      map[string]struct{}
	wild     []*Wildcard
	re       *regexp.Regexp
	prefixes []netip.Prefix
}

// cnode is a compiled condition node.
type cnode struct {
	kind CondKind
	kids []*cnode
	leaf *cleaf

	// Time tests: field is the datetime column ("" = default time).
	field string
	loc   *time.Location
	from  time.Time
	to    time.Time
	days  [7]bool
	hours []HourRange
}

// compileEnv is what compiling a condition may consult.
type compileEnv struct {
	watchlists *Watchlists
}

// compileCond compiles c, returning findings for values that cannot be
// used (bad regexes, impossible CIDRs, unknown watchlists) and warnings for
// suspicious ones (CIDRs with host bits set).
func compileCond(c *Cond, env compileEnv) (*cnode, Findings) {
	var fs Findings
	n := compileNode(c, env, &fs)
	return n, fs
}

func compileNode(c *Cond, env compileEnv, fs *Findings) *cnode {
	if c == nil {
		return nil
	}
	n := &cnode{kind: c.Kind, field: c.Field}
	switch c.Kind {
	case CondAll, CondAny, CondNot:
		for _, ch := range c.Children {
			if k := compileNode(ch, env, fs); k != nil {
				n.kids = append(n.kids, k)
			}
		}
	case CondMatch:
		n.leaf = compileLeaf(c, env, fs)
	case CondWindow, CondSchedule:
		loc := time.UTC
		if c.Zone != "" {
			l, err := loadZone(c.Zone)
			if err != nil {
				*fs = append(*fs, Finding{Pos: c.ZonePos, Severity: SevError, Code: "unknown-zone", Msg: fmt.Sprintf("unknown time zone %q", c.Zone)})
			} else {
				loc = l
			}
		}
		n.loc, n.from, n.to, n.days, n.hours = loc, c.From, c.To, c.Days, c.Hours
	}
	return n
}

func valuePos(c *Cond, i int) Pos {
	if i < len(c.ValuePos) {
		return c.ValuePos[i]
	}
	return c.Pos
}

func compileLeaf(c *Cond, env compileEnv, fs *Findings) *cleaf {
	l := &cleaf{field: c.Field, op: c.Op, fold: !c.CaseSensitive}
	norm := func(s string) string {
		if l.fold {
			return strings.ToLower(s)
		}
		return s
	}
	switch c.Op {
	case OpEquals:
		if len(c.Values) > 0 {
			l.eq = norm(c.Values[0])
		}
	case OpIn:
		l.set = make(map[string]struct{}, len(c.Values))
		for _, v := range c.Values {
			l.set[norm(v)] = struct{}{}
		}
	case OpWildcard:
		for _, v := range c.Values {
			l.wild = append(l.wild, CompileWildcard(v, c.CaseSensitive))
		}
	case OpRegex:
		src := c.Values
		if len(src) > 1 {
			parts := make([]string, len(src))
			for i, s := range src {
				parts[i] = "(?:" + s + ")"
			}
			src = []string{strings.Join(parts, "|")}
		}
		for i, v := range c.Values {
			if _, err := regexp.Compile(v); err != nil {
				*fs = append(*fs, Finding{Pos: valuePos(c, i), Severity: SevError, Code: "bad-regex", Msg: fmt.Sprintf("bad regex %q: %v", v, unwrapRegexErr(err))})
				return l
			}
		}
		if len(src) == 1 {
			expr := src[0]
			if l.fold {
				expr = "(?i)" + expr
			}
			l.re = regexp.MustCompile(expr) // each part compiled above
		}
	case OpCIDR:
		for i, v := range c.Values {
			pfx, warn, err := parseCIDR(v)
			if err != nil {
				*fs = append(*fs, Finding{Pos: valuePos(c, i), Severity: SevError, Code: "bad-cidr", Msg: err.Error()})
				continue
			}
			if warn != "" {
				*fs = append(*fs, Finding{Pos: valuePos(c, i), Severity: SevWarning, Code: "cidr-host-bits", Msg: warn})
			}
			l.prefixes = append(l.prefixes, pfx)
		}
	case OpWatchlist:
		alias := ""
		if len(c.Values) > 0 {
			alias = c.Values[0]
		}
		if err := ValidateAlias(alias); err != nil {
			*fs = append(*fs, Finding{Pos: valuePos(c, 0), Severity: SevError, Code: "unknown-watchlist", Msg: err.Error()})
			return l
		}
		if env.watchlists == nil {
			*fs = append(*fs, Finding{Pos: valuePos(c, 0), Severity: SevError, Code: "unknown-watchlist", Msg: fmt.Sprintf("watchlist %q used but no watchlist directory is configured", alias)})
			return l
		}
		wl, err := env.watchlists.Get(alias)
		if err != nil {
			msg := err.Error()
			if s, ok := closestAlias(env.watchlists, alias); ok {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			*fs = append(*fs, Finding{Pos: valuePos(c, 0), Severity: SevError, Code: "unknown-watchlist", Msg: msg})
			return l
		}
		l.set = wl.keySet(l.fold)
	}
	return l
}

func unwrapRegexErr(err error) string {
	var re *syntax.Error
	if errors.As(err, &re) {
		return fmt.Sprintf("%s: `%s`", re.Code, re.Expr)
	}
	return err.Error()
}

// parseCIDR parses an IPv4 or IPv6 prefix (a bare address is a single-host
// prefix). A prefix with host bits set is accepted, masked, and reported in
// warn.
func parseCIDR(s string) (pfx netip.Prefix, warn string, err error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, "", fmt.Errorf("bad CIDR %q: not an address or prefix", s)
		}
		a = a.Unmap().WithZone("")
		return netip.PrefixFrom(a, a.BitLen()), "", nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		addr, bits, _ := strings.Cut(s, "/")
		if a, aerr := netip.ParseAddr(addr); aerr == nil {
			if n, nerr := strconv.Atoi(bits); nerr == nil && (n < 0 || n > a.BitLen()) {
				return netip.Prefix{}, "", fmt.Errorf("impossible CIDR %q: an IPv%d prefix length is 0..%d", s, ipVersion(a), a.BitLen())
			}
		}
		return netip.Prefix{}, "", fmt.Errorf("bad CIDR %q: %v", s, err)
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	m := p.Masked()
	if m != p {
		warn = fmt.Sprintf("CIDR %q has host bits set; it means %s", s, m)
	}
	return m, warn, nil
}

func ipVersion(a netip.Addr) int {
	if a.Is4() {
		return 4
	}
	return 6
}

// parseIP reads an address as found in logs: plain, bracketed, with a
// port, or with an IPv6 zone. IPv4-mapped IPv6 addresses become IPv4.
func parseIP(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return a.Unmap().WithZone(""), true
		}
	}
	return netip.Addr{}, false
}

// matchString applies the comparison to one value's text.
func (l *cleaf) matchString(s string) bool {
	switch l.op {
	case OpEquals:
		if l.fold {
			return strings.EqualFold(s, l.eq)
		}
		return s == l.eq
	case OpIn, OpWatchlist:
		if l.set == nil {
			return false
		}
		if l.fold {
			s = strings.ToLower(s)
		}
		_, ok := l.set[s]
		return ok
	case OpWildcard:
		for _, w := range l.wild {
			if w.Match(s) {
				return true
			}
		}
		return false
	case OpRegex:
		return l.re != nil && l.re.MatchString(s)
	case OpCIDR:
		a, ok := parseIP(strings.TrimSpace(s))
		if !ok {
			return false
		}
		for _, p := range l.prefixes {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return false
}

// matchValue applies the comparison to a scalar. A dynamic array (several
// entities of one type, or one column over a multi-row alert) matches only
// when it is non-empty and every element matches, so that one benign value
// never hides another. Nulls never match.
func (l *cleaf) matchValue(v types.Value) bool {
	if v.Type == types.Dynamic && !v.Null {
		if arr, ok := v.D.([]any); ok {
			for _, e := range arr {
				if s, ok := dynText(e); !ok || !l.matchString(s) {
					return false
				}
			}
			return len(arr) > 0
		}
	}
	s, ok := valueText(v)
	return ok && l.matchString(s)
}

// valueText renders a value as the text a condition compares; false for
// null.
func valueText(v types.Value) (string, bool) {
	if v.IsNull() {
		return "", false
	}
	switch v.Type {
	case types.String, types.Guid:
		return v.S, true
	case types.Bool:
		return strconv.FormatBool(v.Bool()), true
	case types.Int, types.Long:
		return strconv.FormatInt(v.I, 10), true
	case types.Real, types.Decimal:
		return strconv.FormatFloat(v.F, 'g', -1, 64), true
	case types.DateTime:
		return types.FormatDateTime(v.I), true
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I), true
	case types.Dynamic:
		return dynText(v.D)
	}
	return "", false
}

// dynText renders a dynamic value: strings as themselves, others as JSON.
func dynText(d any) (string, bool) {
	switch x := d.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case types.Value:
		return valueText(x)
	}
	return types.FormatDynamic(d), true
}

// matchTime applies a window or schedule to an instant.
func (n *cnode) matchTime(t time.Time) bool {
	switch n.kind {
	case CondWindow:
		return !t.Before(n.from) && t.Before(n.to)
	case CondSchedule:
		lt := t.In(n.loc)
		day := lt.Weekday()
		if len(n.hours) == 0 {
			return n.days[day]
		}
		mins := lt.Hour()*60 + lt.Minute()
		for _, h := range n.hours {
			if h.From < h.To {
				if mins >= h.From && mins < h.To && n.days[day] {
					return true
				}
				continue
			}
			// Wraps past midnight: the late part belongs to today, the
			// early part to the day before.
			if mins >= h.From && n.days[day] {
				return true
			}
			if mins < h.To && n.days[(day+6)%7] {
				return true
			}
		}
	}
	return false
}
