package funcs

import (
	"errors"
	"math"
	"strings"
	"unicode/utf8"

	"kqlhunt/kql/types"
)

// Punycode (RFC 3492) encoding of single labels and of domain names.
// Labels are encoded as given: no case folding or other name preparation.

const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
	pcPrefix      = "xn--"
)

var errPunycode = errors.New("invalid punycode")

func pcAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}

func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func pcThreshold(k, bias int) int {
	switch {
	case k <= bias:
		return pcTMin
	case k >= bias+pcTMax:
		return pcTMax
	}
	return k - bias
}

// punycodeEncode encodes a label.
func punycodeEncode(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errPunycode
	}
	runes := []rune(s)
	var out strings.Builder
	for _, r := range runes {
		if r < 0x80 {
			out.WriteByte(byte(r))
		}
	}
	b := out.Len()
	h := b
	if b > 0 {
		out.WriteByte('-')
	}
	n, delta, bias := pcInitialN, 0, pcInitialBias
	for h < len(runes) {
		m := math.MaxInt32
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m - n) > (math.MaxInt32-delta)/(h+1) {
			return "", errPunycode
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			c := int(r)
			if c < n {
				delta++
			}
			if c == n {
				q := delta
				for k := pcBase; ; k += pcBase {
					t := pcThreshold(k, bias)
					if q < t {
						break
					}
					out.WriteByte(pcDigit(t + (q-t)%(pcBase-t)))
					q = (q - t) / (pcBase - t)
				}
				out.WriteByte(pcDigit(q))
				bias = pcAdapt(delta, h+1, h == b)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return out.String(), nil
}

// punycodeDecode decodes a label.
func punycodeDecode(s string) (string, error) {
	var out []rune
	rest := s
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		for _, c := range []byte(s[:i]) {
			if c >= 0x80 {
				return "", errPunycode
			}
			out = append(out, rune(c))
		}
		rest = s[i+1:]
	}
	n, i, bias := pcInitialN, 0, pcInitialBias
	for p := 0; p < len(rest); {
		oldi, w := i, 1
		for k := pcBase; ; k += pcBase {
			if p >= len(rest) {
				return "", errPunycode
			}
			c := rest[p]
			p++
			var d int
			switch {
			case c >= '0' && c <= '9':
				d = int(c-'0') + 26
			case c >= 'a' && c <= 'z':
				d = int(c - 'a')
			case c >= 'A' && c <= 'Z':
				d = int(c - 'A')
			default:
				return "", errPunycode
			}
			if d > (math.MaxInt32-i)/w {
				return "", errPunycode
			}
			i += d * w
			t := pcThreshold(k, bias)
			if d < t {
				break
			}
			if w > math.MaxInt32/(pcBase-t) {
				return "", errPunycode
			}
			w *= pcBase - t
		}
		l := len(out) + 1
		bias = pcAdapt(i-oldi, l, oldi == 0)
		if i/l > math.MaxInt32-n {
			return "", errPunycode
		}
		n += i / l
		i %= l
		if n > utf8.MaxRune || n >= 0xD800 && n <= 0xDFFF {
			return "", errPunycode
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return string(out), nil
}

// isASCII reports whether s has only ASCII characters.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// domainSeparators are the label separators IDNA recognises: full stop,
// ideographic full stop, fullwidth full stop and halfwidth ideographic
// full stop.
func isDomainSeparator(r rune) bool {
	return r == '.' || r == '\u3002' || r == '\uFF0E' || r == '\uFF61'
}

// punycodeText applies f to a string argument; a failure gives "".
func punycodeText(f func(string) (string, error)) func(*Context, []types.Value) (types.Value, error) {
	return func(_ *Context, a []types.Value) (types.Value, error) {
		if isNull(a[0]) {
			return emptyString, nil
		}
		s, err := f(argStr(a[0]))
		if err != nil {
			return emptyString, nil
		}
		return types.NewString(s), nil
	}
}

// domainToPunycode encodes each non-ASCII label of a domain name as
// xn--<punycode>; labels are joined with '.'.
func domainToPunycode(s string) (string, error) {
	var labels []string
	start := 0
	for i, r := range s {
		if isDomainSeparator(r) {
			labels = append(labels, s[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	labels = append(labels, s[start:])
	for i, l := range labels {
		if isASCII(l) {
			continue
		}
		enc, err := punycodeEncode(l)
		if err != nil {
			return "", err
		}
		labels[i] = pcPrefix + enc
	}
	return strings.Join(labels, "."), nil
}

// domainFromPunycode decodes each xn-- label of a domain name.
func domainFromPunycode(s string) (string, error) {
	labels := strings.Split(s, ".")
	for i, l := range labels {
		if len(l) < len(pcPrefix) || !strings.EqualFold(l[:len(pcPrefix)], pcPrefix) {
			continue
		}
		dec, err := punycodeDecode(l[len(pcPrefix):])
		if err != nil {
			return "", err
		}
		labels[i] = dec
	}
	return strings.Join(labels, "."), nil
}

var punycodeFuncs = []*Func{
	scalar("punycode_from_string", 1, 1, sig(types.String, aStr), punycodeText(punycodeEncode)),
	scalar("punycode_to_string", 1, 1, sig(types.String, aStr), punycodeText(punycodeDecode)),
	scalar("punycode_domain_to_string", 1, 1, sig(types.String, aStr), punycodeText(domainToPunycode)),
	scalar("punycode_domain_from_string", 1, 1, sig(types.String, aStr), punycodeText(domainFromPunycode)),
}
