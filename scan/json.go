package scan

import (
	"encoding/binary"
	"math/bits"
)

// SWAR constants: one byte repeated over a 64-bit word.
const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
	low7  = 0x7F7F7F7F7F7F7F7F
)

// isWS reports JSON white space.
func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

// eqBytes has the high bit set in exactly the bytes of x equal to c
// (c repeated in each byte).
func eqBytes(x, c uint64) uint64 {
	y := x ^ c
	return ^((y&low7 + low7) | y | low7)
}

// skipString returns the index just past the string whose opening quote is
// at b[i], and whether it holds a backslash; end is -1 for an unterminated
// string. A quote preceded by an odd number of backslashes is escaped.
//
// Eight bytes at a time: a quote preceded by exactly one backslash is
// escaped and passed over without stopping, so JSON text held in a string
// (\"…\") costs no more than plain text.
func skipString(b []byte, i int) (end int, esc bool) {
	j := i + 1
	var prev uint64 // backslash mask of the previous word
	for ; j+8 <= len(b); j += 8 {
		w := binary.LittleEndian.Uint64(b[j:])
		q := eqBytes(w, lows*'"')
		bs := eqBytes(w, lows*'\\')
		if q != 0 {
			sh1 := bs<<8 | prev>>56 // byte preceded by a backslash
			sh2 := bs<<16 | prev>>48
			for m := q &^ (sh1 &^ sh2); m != 0; m &= m - 1 {
				z := bits.TrailingZeros64(m)
				k := j + z>>3
				if b[k-1] != '\\' || !escaped(b, i, k) {
					return k + 1, esc || bs&(1<<z-1) != 0
				}
			}
		}
		esc = esc || bs != 0
		prev = bs
	}
	for ; j < len(b); j++ {
		switch b[j] {
		case '\\':
			esc = true
		case '"':
			if b[j-1] != '\\' || !escaped(b, i, j) {
				return j + 1, esc
			}
		}
	}
	return -1, esc
}

// escaped reports whether the quote at b[k] is preceded by an odd number
// of backslashes (after the opening quote at b[i]).
func escaped(b []byte, i, k int) bool {
	n := 0
	for p := k - 1; p > i && b[p] == '\\'; p-- {
		n++
	}
	return n%2 == 1
}

// maxDepth is the deepest nesting skipContainer follows; deeper values are
// left to the generic decoder.
const maxDepth = 64

// skipContainer returns the index just past the object or array at b[i],
// or -1 when it is malformed (unbalanced or mismatched brackets,
// unterminated strings) or nested deeper than maxDepth. Like the generic
// scanner it checks only brackets and strings inside the container.
//
// Words without backslashes are handled eight bytes at a time: the parity
// of the quotes before each bracket says whether it is inside a string, so
// the scan stops only at brackets.
func skipContainer(b []byte, i int) int {
	var stack uint64 // bit d set: level d is an object
	depth := 0
	inStr := false   // inside a string
	escNext := false // the next byte is escaped (inside a string)
	// bracket handles a bracket outside strings; it returns the end of the
	// container (>0), -1 when malformed, 0 to go on.
	bracket := func(k int) int {
		switch b[k] {
		case '{', '[':
			if depth >= maxDepth {
				return -1
			}
			if b[k] == '{' {
				stack |= 1 << depth
			} else {
				stack &^= 1 << depth
			}
			depth++
		default:
			if depth == 0 {
				return -1
			}
			depth--
			if (stack&(1<<depth) != 0) != (b[k] == '}') {
				return -1
			}
			if depth == 0 {
				return k + 1
			}
		}
		return 0
	}
	j := i
	for ; j+8 <= len(b); j += 8 {
		w := binary.LittleEndian.Uint64(b[j:])
		if !escNext && eqBytes(w, lows*'\\') == 0 {
			f := w | lows*0x20 // '[' → '{', ']' → '}'
			br := (eqBytes(f, lows*'{') | eqBytes(f, lows*'}')) >> 7
			q := eqBytes(w, lows*'"') >> 7
			if br == 0 {
				if bits.OnesCount64(q)&1 == 1 {
					inStr = !inStr
				}
				continue
			}
			// Quote parity up to each byte (bit 8k: byte k).
			p := q ^ q<<8
			p ^= p << 16
			p ^= p << 32
			if inStr {
				p ^= lows
			}
			for out := br &^ p; out != 0; out &= out - 1 {
				if r := bracket(j + bits.TrailingZeros64(out)>>3); r != 0 {
					return r
				}
			}
			inStr = p>>56&1 == 1
			continue
		}
		for k := j; k < j+8; k++ {
			if r := step(b, k, &inStr, &escNext, bracket); r != 0 {
				return r
			}
		}
	}
	for k := j; k < len(b); k++ {
		if r := step(b, k, &inStr, &escNext, bracket); r != 0 {
			return r
		}
	}
	return -1
}

// step advances skipContainer's state over byte b[k].
func step(b []byte, k int, inStr, escNext *bool, bracket func(int) int) int {
	c := b[k]
	if *inStr {
		switch {
		case *escNext:
			*escNext = false
		case c == '\\':
			*escNext = true
		case c == '"':
			*inStr = false
		}
		return 0
	}
	switch c {
	case '"':
		*inStr = true
	case '{', '[', '}', ']':
		return bracket(k)
	}
	return 0
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
