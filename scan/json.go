package scan

import (
	"encoding/binary"
	"math/bits"
)

// SWAR constants: one byte repeated over a 64-bit word.
const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
)

// zeroBytes has the high bit set in the lowest zero byte of x (and maybe in
// higher bytes): the lowest set bit is exact, which is all callers use.
func zeroBytes(x uint64) uint64 { return (x - lows) &^ x & highs }

// isWS reports JSON white space.
func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

// indexQuoteOrEsc returns the index of the first '"' or '\\' at or after
// j, or -1.
func indexQuoteOrEsc(b []byte, j int) int {
	for j+8 <= len(b) {
		w := binary.LittleEndian.Uint64(b[j:])
		m := zeroBytes(w^(lows*'"')) | zeroBytes(w^(lows*'\\'))
		if m != 0 {
			return j + bits.TrailingZeros64(m)>>3
		}
		j += 8
	}
	for ; j < len(b); j++ {
		if c := b[j]; c == '"' || c == '\\' {
			return j
		}
	}
	return -1
}

// indexStructural returns the index of the first '"', '{', '}', '[' or ']'
// at or after j, or -1.
func indexStructural(b []byte, j int) int {
	for j+8 <= len(b) {
		w := binary.LittleEndian.Uint64(b[j:])
		f := w | lows*0x20 // '[' → '{', ']' → '}'
		m := zeroBytes(w^(lows*'"')) | zeroBytes(f^(lows*'{')) | zeroBytes(f^(lows*'}'))
		if m != 0 {
			return j + bits.TrailingZeros64(m)>>3
		}
		j += 8
	}
	for ; j < len(b); j++ {
		switch b[j] {
		case '"', '{', '}', '[', ']':
			return j
		}
	}
	return -1
}

// skipString returns the index just past the string whose opening quote is
// at b[i], and whether it holds a backslash; end is -1 for an unterminated
// string. A quote preceded by an odd number of backslashes is escaped.
func skipString(b []byte, i int) (end int, esc bool) {
	j := i + 1
	for {
		k := indexQuoteOrEsc(b, j)
		if k < 0 {
			return -1, esc
		}
		if b[k] == '"' {
			return k + 1, esc
		}
		esc = true
		j = k + 2 // the escaped byte, whatever it is
		if j > len(b) {
			return -1, esc
		}
	}
}

// maxDepth is the deepest nesting skipContainer follows; deeper values are
// left to the generic decoder.
const maxDepth = 64

// skipContainer returns the index just past the object or array at b[i],
// or -1 when it is malformed (unbalanced or mismatched brackets,
// unterminated strings) or nested deeper than maxDepth. Like the generic
// scanner it checks only brackets and strings inside the container.
func skipContainer(b []byte, i int) int {
	var stack uint64 // bit d set: level d is an object
	depth := 0
	j := i
	for {
		k := indexStructural(b, j)
		if k < 0 {
			return -1
		}
		switch b[k] {
		case '"':
			e, _ := skipString(b, k)
			if e < 0 {
				return -1
			}
			j = e
			continue
		case '{':
			if depth >= maxDepth {
				return -1
			}
			stack |= 1 << depth
			depth++
		case '[':
			if depth >= maxDepth {
				return -1
			}
			stack &^= 1 << depth
			depth++
		default: // '}' or ']'
			if depth == 0 {
				return -1
			}
			depth--
			isObj := stack&(1<<depth) != 0
			if isObj != (b[k] == '}') {
				return -1
			}
			if depth == 0 {
				return k + 1
			}
		}
		j = k + 1
	}
}

// skipValue returns the index just past the JSON value at b[i] and whether
// a string value holds a backslash; end is -1 when the value is malformed
// (by the generic scanner's rules, or beyond what this scanner follows).
func skipValue(b []byte, i int) (end int, esc bool) {
	if i >= len(b) {
		return -1, false
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		return skipContainer(b, i), false
	case c == 't':
		return skipLit(b, i, "true"), false
	case c == 'f':
		return skipLit(b, i, "false"), false
	case c == 'n':
		return skipLit(b, i, "null"), false
	case c == '-' || c >= '0' && c <= '9':
		j := i + 1
		for j < len(b) {
			d := b[j]
			if d >= '0' && d <= '9' || d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-' {
				j++
				continue
			}
			break
		}
		return j, false
	}
	return -1, false
}

func skipLit(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// trimEOL drops one trailing "\n" and then one "\r".
func trimEOL(b []byte) []byte {
	if k := len(b); k > 0 && b[k-1] == '\n' {
		b = b[:k-1]
	}
	if k := len(b); k > 0 && b[k-1] == '\r' {
		b = b[:k-1]
	}
	return b
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isWS(c) {
			return false
		}
	}
	return true
}
