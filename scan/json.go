package scan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// SWAR constants: one byte repeated over a 64-bit word.
const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
)

// isWS reports JSON white space.
func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

// skipString returns the index just past the string whose opening quote is
// at b[i], and whether it holds a backslash; end is -1 for an unterminated
// string.
func skipString(b []byte, i int) (end int, esc bool) {
	end = stringEnd(b, i)
	if end < 0 {
		return -1, bytes.IndexByte(b[i+1:], '\\') >= 0
	}
	return end, bytes.IndexByte(b[i+1:end-1], '\\') >= 0
}

// stringEnd returns the index just past the string whose opening quote is
// at b[i], or -1 when it is unterminated. A quote preceded by an odd number
// of backslashes is escaped. It jumps from quote to quote with
// bytes.IndexByte (vectorised), so plain text costs little.
func stringEnd(b []byte, i int) int {
	j := i + 1
	for {
		// Quotes are often close (keys, short values, escaped JSON): look
		// at the next sixteen bytes before calling IndexByte. The lowest
		// byte flagged by the zero-byte test is exact.
		k := -1
		for w := 0; w < 2 && j+8 <= len(b); w++ {
			y := binary.LittleEndian.Uint64(b[j:]) ^ (lows * '"')
			if m := (y - lows) &^ y & highs; m != 0 {
				k = j + bits.TrailingZeros64(m)>>3
				break
			}
			j += 8
		}
		if k < 0 {
			if k = bytes.IndexByte(b[j:], '"'); k < 0 {
				return -1
			}
			k += j
		}
		if b[k-1] != '\\' || !escaped(b, i, k) {
			return k + 1
		}
		j = k + 1
	}
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
// Bytes outside strings (punctuation, numbers, literals) are few and are
// read one at a time; strings are passed over with stringEnd.
func skipContainer(b []byte, i int) int {
	var stack uint64 // bit d set: level d is an object
	depth := 0
	for k := i; k < len(b); k++ {
		switch c := b[k]; c {
		case '"':
			e := stringEnd(b, k)
			if e < 0 {
				return -1
			}
			k = e - 1
		case '{', '[':
			if depth >= maxDepth {
				return -1
			}
			if c == '{' {
				stack |= 1 << depth
			} else {
				stack &^= 1 << depth
			}
			depth++
		case '}', ']':
			if depth == 0 {
				return -1
			}
			depth--
			if (stack&(1<<depth) != 0) != (c == '}') {
				return -1
			}
			if depth == 0 {
				return k + 1
			}
		}
	}
	return -1
}

// skipValue returns the index just past the JSON value at b[i] and whether
// a string value holds a backslash; end is -1 when the value is malformed
// (by the generic scanner's rules, or beyond what this scanner follows).
func skipValue(b []byte, i int) (end int, esc bool) {
	end = valueEnd(b, i)
	if end > 0 && b[i] == '"' {
		esc = bytes.IndexByte(b[i+1:end-1], '\\') >= 0
	}
	return end, esc
}

// valueEnd is skipValue without the backslash report.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '"':
		return stringEnd(b, i)
	case c == '{' || c == '[':
		return skipContainer(b, i)
	case c == 't':
		return skipLit(b, i, "true")
	case c == 'f':
		return skipLit(b, i, "false")
	case c == 'n':
		return skipLit(b, i, "null")
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
		return j
	}
	return -1
}

func skipLit(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isWS(c) {
			return false
		}
	}
	return true
}
