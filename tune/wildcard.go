package tune

import (
	"strings"
	"unicode/utf8"
)

// Wildcard is a compiled wildcard pattern: `*` and `%` match any run of
// characters (possibly empty), `?` matches one character, and `\` makes
// the next character literal. The whole value must match.
type Wildcard struct {
	pat  []wcTok
	fold bool
}

type wcKind uint8

const (
	wcLit wcKind = iota
	wcStar
	wcOne
)

type wcTok struct {
	kind wcKind
	lit  string
}

// CompileWildcard compiles pattern; unless caseSensitive, matching ignores
// case. Every pattern is valid (a trailing `\` is a literal backslash).
func CompileWildcard(pattern string, caseSensitive bool) *Wildcard {
	w := &Wildcard{fold: !caseSensitive}
	if w.fold {
		pattern = strings.ToLower(pattern)
	}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			w.pat = append(w.pat, wcTok{kind: wcLit, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(pattern); i++ {
		switch ch := pattern[i]; ch {
		case '*', '%':
			flush()
			if n := len(w.pat); n == 0 || w.pat[n-1].kind != wcStar {
				w.pat = append(w.pat, wcTok{kind: wcStar})
			}
		case '?':
			flush()
			w.pat = append(w.pat, wcTok{kind: wcOne})
		case '\\':
			if i+1 < len(pattern) {
				i++
			}
			lit.WriteByte(pattern[i])
		default:
			lit.WriteByte(ch)
		}
	}
	flush()
	return w
}

// Match reports whether s matches the whole pattern.
func (w *Wildcard) Match(s string) bool {
	if w.fold {
		s = strings.ToLower(s)
	}
	// Iterative matching with one backtrack point (the latest star): linear
	// in practice, O(len(s)*len(pat)) at worst.
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(w.pat) {
			t := w.pat[ti]
			switch t.kind {
			case wcStar:
				starT, starS = ti, si
				ti++
				continue
			case wcOne:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			case wcLit:
				if strings.HasPrefix(s[si:], t.lit) {
					si += len(t.lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last star absorb one more character.
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		ti, si = starT+1, starS
	}
}
