package funcs

import (
	"strings"

	"kqlhunt/kql/types"
)

// evalParseVersion is parse_version(s): one to four dot-separated parts of
// at most eight digits each (missing trailing parts are 0) become the
// decimal p1*10^24 + p2*10^16 + p3*10^8 + p4, so versions compare as
// numbers. Anything else gives null. Decimals are held as float64, so
// versions are exact only up to about 15 significant digits.
func evalParseVersion(_ *Context, a []types.Value) (types.Value, error) {
	null := types.NullOf(types.Decimal)
	if isNull(a[0]) {
		return null, nil
	}
	parts := strings.Split(strings.TrimSpace(argStr(a[0])), ".")
	if len(parts) > 4 {
		return null, nil
	}
	var v float64
	for i := 0; i < 4; i++ {
		v *= 1e8
		if i >= len(parts) {
			continue
		}
		p := parts[i]
		if p == "" || len(p) > 8 {
			return null, nil
		}
		var n int64
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return null, nil
			}
			n = n*10 + int64(p[j]-'0')
		}
		v += float64(n)
	}
	return types.NewDecimal(v), nil
}

var versionFuncs = []*Func{
	scalar("parse_version", 1, 1, sig(types.Decimal, aStr), evalParseVersion),
}
