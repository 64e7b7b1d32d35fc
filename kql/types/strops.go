package types

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The string operators below never allocate. Case-insensitive matching
// folds ASCII letters byte by byte and falls back to Unicode simple case
// folding, rune by rune, when the needle is not ASCII. An empty needle
// matches every string (as the empty string is a prefix, suffix and
// substring of every string).

// IsTermChar reports whether c belongs to a term: Kusto's terms are maximal
// runs of ASCII letters and digits.
func IsTermChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lowerTable maps each byte to its ASCII lower-case form.
var lowerTable = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		t[i] = c
	}
	return t
}()

func lowerASCII(c byte) byte { return lowerTable[c] }

// matchAt reports whether needle occurs in hay at byte offset i, returning
// the end offset of the match in hay.
func matchAt(hay string, i int, needle string, cs, asciiNeedle bool) (int, bool) {
	if cs {
		if strings.HasPrefix(hay[i:], needle) {
			return i + len(needle), true
		}
		return 0, false
	}
	if asciiNeedle {
		if len(hay)-i < len(needle) {
			return 0, false
		}
		for k := 0; k < len(needle); k++ {
			if lowerASCII(hay[i+k]) != lowerASCII(needle[k]) {
				return 0, false
			}
		}
		return i + len(needle), true
	}
	j := i
	for _, nr := range needle {
		if j >= len(hay) {
			return 0, false
		}
		hr, size := utf8.DecodeRuneInString(hay[j:])
		if !foldEqual(hr, nr) {
			return 0, false
		}
		j += size
	}
	return j, true
}

// foldEqual reports whether two runes are equal under simple case folding.
func foldEqual(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		return lowerASCII(byte(a)) == lowerASCII(byte(b))
	}
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

// find calls fn for each occurrence of needle in hay (start and end byte
// offsets) until fn returns true; it reports whether fn did.
func find(hay, needle string, cs bool, fn func(start, end int) bool) bool {
	if cs {
		off := 0
		for {
			k := strings.Index(hay[off:], needle)
			if k < 0 {
				return false
			}
			if fn(off+k, off+k+len(needle)) {
				return true
			}
			off += k + 1
			if off > len(hay) {
				return false
			}
		}
	}
	asciiNeedle := isASCII(needle)
	var first byte
	if asciiNeedle && len(needle) > 0 {
		first = lowerASCII(needle[0])
	}
	for i := 0; i <= len(hay); i++ {
		if asciiNeedle {
			if len(hay)-i < len(needle) {
				return false
			}
			if len(needle) > 0 && lowerASCII(hay[i]) != first {
				continue
			}
		} else if i < len(hay) && !utf8.RuneStart(hay[i]) {
			continue
		}
		if end, ok := matchAt(hay, i, needle, false, asciiNeedle); ok && fn(i, end) {
			return true
		}
	}
	return false
}

// termBoundaries reports whether a match hay[start:end] of needle sits on
// term boundaries: on the left when needle starts with a term character
// (left), on the right when it ends with one (right).
func termBoundaries(hay, needle string, start, end int, left, right bool) bool {
	if left && len(needle) > 0 && IsTermChar(needle[0]) && start > 0 && IsTermChar(hay[start-1]) {
		return false
	}
	if right && len(needle) > 0 && IsTermChar(needle[len(needle)-1]) && end < len(hay) && IsTermChar(hay[end]) {
		return false
	}
	return true
}

// Has implements has (cs false) and has_cs (cs true): needle occurs in hay
// as whole terms, i.e. with no term character immediately before or after
// it. "cloud-shell-storage-westeurope" has "cloud-shell-storage" is true;
// "mycloud-shell-storage" has "cloud-shell-storage" is false.
func Has(hay, needle string, cs bool) bool {
	if needle == "" {
		return true
	}
	return find(hay, needle, cs, func(s, e int) bool { return termBoundaries(hay, needle, s, e, true, true) })
}

// HasPrefix implements hasprefix / hasprefix_cs: needle occurs at the start
// of a term ("North America" hasprefix "ame").
func HasPrefix(hay, needle string, cs bool) bool {
	if needle == "" {
		return true
	}
	return find(hay, needle, cs, func(s, e int) bool { return termBoundaries(hay, needle, s, e, true, false) })
}

// HasSuffix implements hassuffix / hassuffix_cs: needle occurs at the end
// of a term ("North America" hassuffix "ica").
func HasSuffix(hay, needle string, cs bool) bool {
	if needle == "" {
		return true
	}
	return find(hay, needle, cs, func(s, e int) bool { return termBoundaries(hay, needle, s, e, false, true) })
}

// Contains implements contains / contains_cs.
func Contains(hay, needle string, cs bool) bool {
	if cs {
		return strings.Contains(hay, needle)
	}
	return IndexOf(hay, needle, false) >= 0
}

// IndexOf returns the byte offset of the first occurrence of needle in hay,
// or -1.
func IndexOf(hay, needle string, cs bool) int {
	if needle == "" {
		return 0
	}
	if cs {
		return strings.Index(hay, needle)
	}
	at := -1
	find(hay, needle, false, func(s, _ int) bool { at = s; return true })
	return at
}

// StartsWith implements startswith / startswith_cs.
func StartsWith(hay, needle string, cs bool) bool {
	if cs {
		return strings.HasPrefix(hay, needle)
	}
	_, ok := matchAt(hay, 0, needle, false, isASCII(needle))
	return ok
}

// EndsWith implements endswith / endswith_cs.
func EndsWith(hay, needle string, cs bool) bool {
	if cs {
		return strings.HasSuffix(hay, needle)
	}
	if isASCII(needle) {
		if len(hay) < len(needle) {
			return false
		}
		_, ok := matchAt(hay, len(hay)-len(needle), needle, false, true)
		return ok
	}
	// Walk back as many runes as the needle has.
	n := utf8.RuneCountInString(needle)
	i := len(hay)
	for k := 0; k < n; k++ {
		if i == 0 {
			return false
		}
		_, size := utf8.DecodeLastRuneInString(hay[:i])
		i -= size
	}
	end, ok := matchAt(hay, i, needle, false, false)
	return ok && end == len(hay)
}

// EqualFold implements =~ (case-insensitive equality).
func EqualFold(a, b string) bool {
	if len(a) == len(b) {
		for i := 0; i < len(a); i++ {
			ca, cb := a[i], b[i]
			if ca >= utf8.RuneSelf || cb >= utf8.RuneSelf {
				return strings.EqualFold(a, b)
			}
			if lowerASCII(ca) != lowerASCII(cb) {
				return false
			}
		}
		return true
	}
	return strings.EqualFold(a, b)
}
