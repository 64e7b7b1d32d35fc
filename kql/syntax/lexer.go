package syntax

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TokenKind classifies a lexical token.
type TokenKind uint8

// Token kinds. Keywords are not separate kinds: KQL keywords are contextual
// (a column may be called kind, count or title), so every word is an
// Ident token and the parser decides by context.
const (
	TokEOF      TokenKind = iota
	TokIllegal            // a character or literal that could not be lexed
	TokIdent              // name, including $left, $right
	TokInt                // integer literal (decimal or 0x hex)
	TokReal               // real literal (1.5, 1e3)
	TokTimeSpan           // timespan literal (1d, 100ms, 1.5h)
	TokString             // string literal of any form
	TokEqEq               // ==
	TokNotEq              // !=
	TokLtGt               // <>
	TokEqTilde            // =~
	TokNotTilde           // !~
	TokLt                 // <
	TokLe                 // <=
	TokGt                 // >
	TokGe                 // >=
	TokAssign             // =
	TokArrow              // =>
	TokDotDot             // ..
	TokPipe               // |
	TokSemi               // ;
	TokComma              // ,
	TokLparen             // (
	TokRparen             // )
	TokLbrack             // [
	TokRbrack             // ]
	TokLbrace             // {
	TokRbrace             // }
	TokColon              // :
	TokDot                // .
	TokStar               // *
	TokSlash              // /
	TokPercent            // %
	TokPlus               // +
	TokMinus              // -
	TokBang               // !
	TokQuestion           // ?
	TokTilde              // ~
)

var tokenNames = [...]string{
	TokEOF: "end of query", TokIllegal: "illegal token", TokIdent: "name", TokInt: "number",
	TokReal: "number", TokTimeSpan: "timespan", TokString: "string literal",
	TokEqEq: "==", TokNotEq: "!=", TokLtGt: "<>", TokEqTilde: "=~", TokNotTilde: "!~",
	TokLt: "<", TokLe: "<=", TokGt: ">", TokGe: ">=", TokAssign: "=", TokArrow: "=>",
	TokDotDot: "..", TokPipe: "|", TokSemi: ";", TokComma: ",", TokLparen: "(",
	TokRparen: ")", TokLbrack: "[", TokRbrack: "]", TokLbrace: "{", TokRbrace: "}",
	TokColon: ":", TokDot: ".", TokStar: "*", TokSlash: "/", TokPercent: "%",
	TokPlus: "+", TokMinus: "-", TokBang: "!", TokQuestion: "?", TokTilde: "~",
}

// String returns a description of the kind: the punctuation itself, or a
// word such as "name" or "string literal".
func (k TokenKind) String() string {
	if int(k) < len(tokenNames) {
		return tokenNames[k]
	}
	return "token"
}

// Token is one lexical token. Text is the exact source text (a slice of
// the source, not a copy). For TokIllegal, Msg says what is wrong.
type Token struct {
	Kind TokenKind
	Pos  Pos
	End  Pos
	Text string
	Msg  string
}

// Lexer splits KQL source text into tokens. Comments and white space are
// skipped. The zero value is not usable; call NewLexer.
type Lexer struct {
	src string
	off int
}

// NewLexer returns a lexer over src.
func NewLexer(src string) *Lexer { return &Lexer{src: src} }

// Tokenize returns all tokens of src, ending with a TokEOF token.
func Tokenize(src string) []Token {
	lx := NewLexer(src)
	toks := make([]Token, 0, len(src)/4+1)
	for {
		t := lx.Next()
		toks = append(toks, t)
		if t.Kind == TokEOF {
			return toks
		}
	}
}

// Reset moves the lexer to byte offset off.
func (lx *Lexer) Reset(off int) {
	if off < 0 {
		off = 0
	}
	if off > len(lx.src) {
		off = len(lx.src)
	}
	lx.off = off
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || isDigit(c)
}

// identLen returns the length of the identifier at the start of s: ASCII
// letters, digits, '_' and '$', and non-ASCII letters and digits.
func identLen(s string) int {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !isIdentChar(c) {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		i += n
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skipSpace skips white space and // comments.
func (lx *Lexer) skipSpace() {
	for lx.off < len(lx.src) {
		c := lx.src[lx.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			lx.off++
		case c == '/' && lx.off+1 < len(lx.src) && lx.src[lx.off+1] == '/':
			for lx.off < len(lx.src) && lx.src[lx.off] != '\n' {
				lx.off++
			}
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(lx.src[lx.off:])
			if r == 0xFEFF || unicode.IsSpace(r) {
				lx.off += n
				continue
			}
			return
		default:
			return
		}
	}
}

// Next returns the next token.
func (lx *Lexer) Next() Token {
	lx.skipSpace()
	start := lx.off
	if start >= len(lx.src) {
		return Token{Kind: TokEOF, Pos: Pos(start), End: Pos(start)}
	}
	src := lx.src
	c := src[start]
	tok := func(k TokenKind, n int) Token {
		lx.off = start + n
		return Token{Kind: k, Pos: Pos(start), End: Pos(start + n), Text: src[start : start+n]}
	}
	next := byte(0)
	if start+1 < len(src) {
		next = src[start+1]
	}
	switch {
	case (c == 'h' || c == 'H') && (next == '\'' || next == '"' || next == '@' && start+2 < len(src) && (src[start+2] == '\'' || src[start+2] == '"')):
		return lx.lexString(start, start+1)
	case c == '@' && (next == '\'' || next == '"'):
		return lx.lexString(start, start)
	case isIdentStart(c):
		return tok(TokIdent, identLen(src[start:]))
	case isDigit(c):
		return lx.lexNumber(start)
	case c == '\'' || c == '"':
		return lx.lexString(start, start)
	case c == '`' && strings.HasPrefix(src[start:], "```"):
		return lx.lexString(start, start)
	}
	switch c {
	case '=':
		switch next {
		case '=':
			return tok(TokEqEq, 2)
		case '~':
			return tok(TokEqTilde, 2)
		case '>':
			return tok(TokArrow, 2)
		}
		return tok(TokAssign, 1)
	case '!':
		switch next {
		case '=':
			return tok(TokNotEq, 2)
		case '~':
			return tok(TokNotTilde, 2)
		}
		return tok(TokBang, 1)
	case '<':
		switch next {
		case '=':
			return tok(TokLe, 2)
		case '>':
			return tok(TokLtGt, 2)
		}
		return tok(TokLt, 1)
	case '>':
		if next == '=' {
			return tok(TokGe, 2)
		}
		return tok(TokGt, 1)
	case '.':
		if next == '.' {
			return tok(TokDotDot, 2)
		}
		return tok(TokDot, 1)
	case '|':
		return tok(TokPipe, 1)
	case ';':
		return tok(TokSemi, 1)
	case ',':
		return tok(TokComma, 1)
	case '(':
		return tok(TokLparen, 1)
	case ')':
		return tok(TokRparen, 1)
	case '[':
		return tok(TokLbrack, 1)
	case ']':
		return tok(TokRbrack, 1)
	case '{':
		return tok(TokLbrace, 1)
	case '}':
		return tok(TokRbrace, 1)
	case ':':
		return tok(TokColon, 1)
	case '*':
		return tok(TokStar, 1)
	case '/':
		return tok(TokSlash, 1)
	case '%':
		return tok(TokPercent, 1)
	case '+':
		return tok(TokPlus, 1)
	case '-':
		return tok(TokMinus, 1)
	case '?':
		return tok(TokQuestion, 1)
	case '~':
		return tok(TokTilde, 1)
	}
	r, n := utf8.DecodeRuneInString(src[start:])
	if r != utf8.RuneError && unicode.IsLetter(r) {
		return tok(TokIdent, identLen(src[start:]))
	}
	t := tok(TokIllegal, n)
	t.Msg = "unexpected character " + strconv.Quote(t.Text)
	return t
}

// timespanUnits lists the unit suffixes of timespan literals.
var timespanUnits = map[string]bool{
	"d": true, "day": true, "days": true,
	"h": true, "hr": true, "hrs": true, "hour": true, "hours": true,
	"m": true, "min": true, "minute": true, "minutes": true,
	"s": true, "sec": true, "second": true, "seconds": true,
	"ms": true, "milli": true, "millis": true, "millisec": true, "millisecond": true, "milliseconds": true,
	"micro": true, "micros": true, "microsec": true, "microsecond": true, "microseconds": true,
	"nano": true, "nanos": true, "nanosec": true, "nanosecond": true, "nanoseconds": true,
	"tick": true, "ticks": true,
}

// IsTimespanUnit reports whether s is a timespan literal unit such as "d",
// "ms" or "microsecond".
func IsTimespanUnit(s string) bool { return timespanUnits[s] }

func (lx *Lexer) lexNumber(start int) Token {
	src := lx.src
	i := start
	kind := TokInt
	if src[i] == '0' && i+1 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X') && i+2 < len(src) && isHex(src[i+2]) {
		i += 2
		for i < len(src) && isHex(src[i]) {
			i++
		}
		lx.off = i
		return Token{Kind: TokInt, Pos: Pos(start), End: Pos(i), Text: src[start:i]}
	}
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i+1 < len(src) && src[i] == '.' && isDigit(src[i+1]) {
		kind = TokReal
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			kind = TokReal
			i = j
		}
	}
	// A unit suffix makes a timespan literal: 1d, 1.5h, 100ms, 10microsecond.
	if i < len(src) && isIdentStart(src[i]) && src[i] != '$' {
		j := i
		for j < len(src) && ('a' <= src[j] && src[j] <= 'z' || 'A' <= src[j] && src[j] <= 'Z') {
			j++
		}
		if timespanUnits[strings.ToLower(src[i:j])] && (j >= len(src) || !isIdentChar(src[j])) {
			lx.off = j
			return Token{Kind: TokTimeSpan, Pos: Pos(start), End: Pos(j), Text: src[start:j]}
		}
		// Digits followed by letters form a name such as 5Minutebin.
		if kind == TokInt {
			n := identLen(src[start:])
			lx.off = start + n
			return Token{Kind: TokIdent, Pos: Pos(start), End: Pos(start + n), Text: src[start : start+n]}
		}
	}
	lx.off = i
	return Token{Kind: kind, Pos: Pos(start), End: Pos(i), Text: src[start:i]}
}

// lexString lexes one string literal starting at start; q is the offset of
// the '@' or quote after any h/H prefix.
func (lx *Lexer) lexString(start, q int) Token {
	src := lx.src
	bad := func(end int, msg string) Token {
		lx.off = end
		return Token{Kind: TokIllegal, Pos: Pos(start), End: Pos(end), Text: src[start:end], Msg: msg}
	}
	if strings.HasPrefix(src[q:], "```") {
		end := strings.Index(src[q+3:], "```")
		if end < 0 {
			return bad(len(src), "multi-line string literal not terminated (missing ```)")
		}
		e := q + 3 + end + 3
		lx.off = e
		return Token{Kind: TokString, Pos: Pos(start), End: Pos(e), Text: src[start:e]}
	}
	verbatim := false
	if src[q] == '@' {
		verbatim = true
		q++
	}
	quote := src[q]
	i := q + 1
	for i < len(src) {
		c := src[i]
		switch {
		case c == quote:
			if verbatim && i+1 < len(src) && src[i+1] == quote {
				i += 2
				continue
			}
			lx.off = i + 1
			return Token{Kind: TokString, Pos: Pos(start), End: Pos(i + 1), Text: src[start : i+1]}
		case c == '\\' && !verbatim:
			i += 2
			continue
		case c == '\n':
			return bad(i, "string literal not terminated before end of line")
		}
		i++
	}
	if i > len(src) {
		i = len(src)
	}
	return bad(i, "string literal not terminated")
}

// StringValue decodes the text of one string token (any form) into its
// value. It reports an error message for bad escapes.
func StringValue(text string) (string, string) {
	if len(text) > 0 && (text[0] == 'h' || text[0] == 'H') {
		text = text[1:]
	}
	if strings.HasPrefix(text, "```") && len(text) >= 6 {
		return text[3 : len(text)-3], ""
	}
	if len(text) < 2 {
		return "", "malformed string literal"
	}
	if text[0] == '@' {
		q := text[1]
		body := text[2 : len(text)-1]
		dq := string([]byte{q, q})
		if strings.Contains(body, dq) {
			body = strings.ReplaceAll(body, dq, string(q))
		}
		return body, ""
	}
	body := text[1 : len(text)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body, ""
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 >= len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := body[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case 'u', 'x', 'U':
			n := 4
			if e == 'x' {
				n = 2
			} else if e == 'U' {
				n = 8
			}
			if i+1+n <= len(body) {
				if v, err := strconv.ParseUint(body[i+1:i+1+n], 16, 32); err == nil && utf8.ValidRune(rune(v)) {
					b.WriteRune(rune(v))
					i += n
					continue
				}
			}
			b.WriteByte('\\')
			b.WriteByte(e)
		default:
			// \\, \', \" and any other escaped character stand for themselves.
			b.WriteByte(e)
		}
	}
	return b.String(), ""
}
