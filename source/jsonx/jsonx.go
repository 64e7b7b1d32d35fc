// Package jsonx is a small allocation-light JSON scanner for the log
// decoders: it walks the members of an object or the elements of an array
// as raw byte spans, so that a decoder can pick the few fields it needs
// without building a map for every record.
//
// The scanner checks structure (balanced brackets, terminated strings,
// well-formed literals) but does not validate numbers strictly or decode
// nested values; callers decode the spans they keep.
package jsonx

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth bounds nesting so that hostile input cannot exhaust memory.
const MaxDepth = 1000

// ErrSyntax is wrapped by every error the scanner returns.
var ErrSyntax = errors.New("invalid JSON")

func errAt(i int, format string, args ...any) error {
	return fmt.Errorf("%w at offset %d: %s", ErrSyntax, i, fmt.Sprintf(format, args...))
}

// SkipSpace returns the index of the first non-space byte at or after i.
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// Trim returns data without surrounding JSON white space.
func Trim(data []byte) []byte {
	i := SkipSpace(data, 0)
	j := len(data)
	for j > i {
		switch data[j-1] {
		case ' ', '\t', '\n', '\r':
			j--
			continue
		}
		break
	}
	return data[i:j]
}

// Skip returns the index just past the JSON value that starts at data[i]
// (i must point at its first byte, not at white space).
func Skip(data []byte, i int) (int, error) {
	if i >= len(data) {
		return i, errAt(i, "unexpected end of input")
	}
	switch c := data[i]; {
	case c == '"':
		return skipString(data, i)
	case c == '{' || c == '[':
		return skipContainer(data, i)
	case c == 't':
		return skipLit(data, i, "true")
	case c == 'f':
		return skipLit(data, i, "false")
	case c == 'n':
		return skipLit(data, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		j := i + 1
		for j < len(data) {
			d := data[j]
			if d >= '0' && d <= '9' || d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-' {
				j++
				continue
			}
			break
		}
		return j, nil
	default:
		return i, errAt(i, "unexpected %q", c)
	}
}

func skipLit(data []byte, i int, lit string) (int, error) {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return i, errAt(i, "bad literal")
	}
	return i + len(lit), nil
}

func skipString(data []byte, i int) (int, error) {
	j := i + 1
	for {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return i, errAt(i, "unterminated string")
		}
		q := j + k
		// The quote ends the string unless an odd number of backslashes
		// precede it.
		n := 0
		for p := q - 1; p > i && data[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, nil
		}
		j = q + 1
	}
}

// skipContainer skips an object or array, tracking nesting with a small
// stack so that mismatched brackets are reported.
func skipContainer(data []byte, i int) (int, error) {
	var stackBuf [64]byte
	stack := stackBuf[:0]
	j := i
	for j < len(data) {
		c := data[j]
		switch c {
		case '"':
			k, err := skipString(data, j)
			if err != nil {
				return i, err
			}
			j = k
			continue
		case '{', '[':
			if len(stack) >= MaxDepth {
				return i, errAt(j, "nesting deeper than %d", MaxDepth)
			}
			stack = append(stack, c)
		case '}', ']':
			if len(stack) == 0 {
				return i, errAt(j, "unexpected %q", c)
			}
			open := stack[len(stack)-1]
			if open == '{' && c != '}' || open == '[' && c != ']' {
				return i, errAt(j, "mismatched %q", c)
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return j + 1, nil
			}
		}
		j++
	}
	return i, errAt(i, "unterminated %s", containerName(data[i]))
}

func containerName(c byte) string {
	if c == '{' {
		return "object"
	}
	return "array"
}

// Object calls fn for every member of the JSON object data (surrounding
// white space allowed) with the raw key (without quotes, still escaped)
// and the raw value span. It stops at the first error fn returns.
func Object(data []byte, fn func(key, val []byte) error) error {
	i := SkipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return errAt(i, "expected an object")
	}
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return trailing(data, i+1)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return errAt(i, "expected a property name")
		}
		k, err := skipString(data, i)
		if err != nil {
			return err
		}
		key := data[i+1 : k-1]
		i = SkipSpace(data, k)
		if i >= len(data) || data[i] != ':' {
			return errAt(i, "expected ':'")
		}
		i = SkipSpace(data, i+1)
		e, err := Skip(data, i)
		if err != nil {
			return err
		}
		if err := fn(key, data[i:e]); err != nil {
			return err
		}
		i = SkipSpace(data, e)
		if i >= len(data) {
			return errAt(i, "unterminated object")
		}
		switch data[i] {
		case ',':
			i = SkipSpace(data, i+1)
		case '}':
			return trailing(data, i+1)
		default:
			return errAt(i, "expected ',' or '}'")
		}
	}
}

// Array calls fn for every element of the JSON array data.
func Array(data []byte, fn func(val []byte) error) error {
	i := SkipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return errAt(i, "expected an array")
	}
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return trailing(data, i+1)
	}
	for {
		e, err := Skip(data, i)
		if err != nil {
			return err
		}
		if err := fn(data[i:e]); err != nil {
			return err
		}
		i = SkipSpace(data, e)
		if i >= len(data) {
			return errAt(i, "unterminated array")
		}
		switch data[i] {
		case ',':
			i = SkipSpace(data, i+1)
		case ']':
			return trailing(data, i+1)
		default:
			return errAt(i, "expected ',' or ']'")
		}
	}
}

func trailing(data []byte, i int) error {
	i = SkipSpace(data, i)
	if i < len(data) {
		return errAt(i, "unexpected %q after JSON value", data[i])
	}
	return nil
}

// KeyIs reports whether the raw key equals name, ignoring ASCII case.
// Keys containing escapes are unescaped first.
func KeyIs(key []byte, name string) bool {
	if len(key) != len(name) {
		for _, c := range key {
			if c == '\\' {
				s, err := unquoteBody(key)
				return err == nil && equalFold(s, name)
			}
		}
		return false
	}
	for i := 0; i < len(key); i++ {
		a, b := key[i], name[i]
		if a == b {
			continue
		}
		if a|0x20 != b|0x20 || a|0x20 < 'a' || a|0x20 > 'z' {
			return false
		}
	}
	return true
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x|0x20 != y|0x20 || x|0x20 < 'a' || x|0x20 > 'z' {
			return false
		}
	}
	return true
}

// Lookup returns the raw value of the first member of object data whose key
// equals name (ignoring ASCII case).
func Lookup(data []byte, name string) ([]byte, bool) {
	var out []byte
	found := false
	errStop := errors.New("stop")
	err := Object(data, func(k, v []byte) error {
		if KeyIs(k, name) {
			out, found = v, true
			return errStop
		}
		return nil
	})
	_ = err
	return out, found
}

// IsString, IsObject, IsArray and IsNull classify a raw value span.
func IsString(v []byte) bool { return len(v) > 0 && v[0] == '"' }

// IsObject reports whether the raw value is an object.
func IsObject(v []byte) bool { return len(v) > 0 && v[0] == '{' }

// IsArray reports whether the raw value is an array.
func IsArray(v []byte) bool { return len(v) > 0 && v[0] == '[' }

// IsNull reports whether the raw value is null (or empty).
func IsNull(v []byte) bool { return len(v) == 0 || v[0] == 'n' }

// String decodes a raw JSON string token (with its quotes).
func String(v []byte) (string, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", errAt(0, "expected a string")
	}
	return unquoteBody(v[1 : len(v)-1])
}

// Text returns the text of a raw scalar: the decoded string for a string,
// "" for null, and the literal text for numbers and booleans. Objects and
// arrays return their raw JSON text.
func Text(v []byte) string {
	switch {
	case len(v) == 0 || v[0] == 'n':
		return ""
	case v[0] == '"':
		s, err := String(v)
		if err != nil {
			return string(v)
		}
		return s
	default:
		return string(v)
	}
}

func unquoteBody(b []byte) (string, error) {
	esc := -1
	for i, c := range b {
		if c == '\\' {
			esc = i
			break
		}
	}
	if esc < 0 {
		return string(b), nil
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:esc]...)
	for i := esc; i < len(b); {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return "", errAt(i, "bad escape")
		}
		e := b[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(b, i)
			if !ok {
				return "", errAt(i, "bad \\u escape")
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
					if r2, ok := hex4(b, i+2); ok {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							out = utf8.AppendRune(out, d)
							i += 6
							continue
						}
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", errAt(i, "bad escape \\%c", e)
		}
	}
	return string(out), nil
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[i:i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}
