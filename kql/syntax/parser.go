package syntax

import (
	"fmt"
	"sort"
	"strings"

	"kqlhunt/internal/suggest"
)

// ParseOptions controls parsing.
type ParseOptions struct {
	// Params holds values for {{Name}} placeholders, which hunting queries
	// carry (e.g. {{StartTimeISO}}). They are substituted textually before
	// lexing.
	Params map[string]string
}

// maxErrors is the number of errors after which parsing stops.
const maxErrors = 10

// maxDepth bounds expression nesting so that hostile input cannot exhaust
// the stack.
const maxDepth = 400

// bailout is panicked inside the parser to abandon the current construct;
// it is always recovered within the parser.
type bailout struct{}

// tooMany is panicked when the error cap is reached; Parse recovers it.
type tooMany struct{}

type parser struct {
	file  *File
	src   string
	toks  []Token
	i     int
	errs  ErrorList
	depth int
	noIn  bool // stop expressions before 'in' (make-series axis)
}

// SubstituteParams replaces {{Name}} placeholders in src with values from
// params and returns the new text and the names that have no value (those
// placeholders are left in place). Placeholders whose inner text is not a
// plain name are left alone.
func SubstituteParams(src string, params map[string]string) (string, []string) {
	text, _, missing, _ := substitute(src, params)
	return text, missing
}

// substitute does the work of SubstituteParams, also returning the spans
// it replaced and the offset of each unresolved placeholder.
func substitute(src string, params map[string]string) (string, []substSpan, []string, []int) {
	if !strings.Contains(src, "{{") {
		return src, nil, nil, nil
	}
	var b strings.Builder
	var spans []substSpan
	var missing []string
	var offs []int
	i := 0
	for {
		j := strings.Index(src[i:], "{{")
		if j < 0 {
			b.WriteString(src[i:])
			break
		}
		j += i
		k := strings.Index(src[j+2:], "}}")
		if k < 0 {
			b.WriteString(src[i:])
			break
		}
		k += j + 2
		name := strings.TrimSpace(src[j+2 : k])
		if !isPlainName(name) {
			b.WriteString(src[i : j+2])
			i = j + 2
			continue
		}
		b.WriteString(src[i:j])
		if v, ok := params[name]; ok {
			at := b.Len()
			b.WriteString(v)
			spans = append(spans, substSpan{newStart: at, newEnd: b.Len(), oldStart: j, oldEnd: k + 2})
		} else {
			missing = append(missing, name)
			offs = append(offs, j)
			at := b.Len()
			b.WriteString(src[j : k+2])
			spans = append(spans, substSpan{newStart: at, newEnd: b.Len(), oldStart: j, oldEnd: k + 2})
		}
		i = k + 2
	}
	return b.String(), spans, missing, offs
}

func isPlainName(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return false
		}
	}
	return true
}

// Parse parses a whole KQL query. When the query has errors, the returned
// error is an ErrorList (at most 10 errors) and the Query holds what could
// be parsed.
func Parse(filename, src string, opts *ParseOptions) (*Query, error) {
	var params map[string]string
	if opts != nil {
		params = opts.Params
	}
	text, spans, missing, offs := substitute(src, params)
	if len(missing) > 0 {
		f := NewFile(filename, src)
		var errs ErrorList
		for i, name := range missing {
			errs.Add(f.Position(Pos(offs[i])), fmt.Sprintf("unresolved placeholder {{%s}}; supply a value with --param %s=value", name, name))
		}
		return &Query{EOF: Pos(len(src))}, errs
	}
	p := newParser(filename, text)
	p.file = NewFile(filename, src)
	p.file.subst = spans
	q := p.parseQueryTop()
	p.errs.Dedupe()
	return q, p.errs.Err()
}

// ParseExpr parses a single expression (scalar or tabular, with pipes).
func ParseExpr(src string) (Expr, error) {
	p := newParser("", src)
	var x Expr
	func() {
		defer p.recoverAll()
		x = p.parsePipe()
		if p.tok().Kind != TokEOF {
			p.failExpected("end of expression")
		}
	}()
	return x, p.errs.Err()
}

// NewFileFor returns the File that Parse uses for src: its Src is the
// original text, and its Position method maps offsets in the text after
// placeholder substitution (the offsets stored in the tree) back to the
// original text, so that messages point at what the user wrote. A position
// inside a substituted value maps to the start of its placeholder.
func NewFileFor(filename, src string, opts *ParseOptions) *File {
	var params map[string]string
	if opts != nil {
		params = opts.Params
	}
	_, spans, _, _ := substitute(src, params)
	f := NewFile(filename, src)
	f.subst = spans
	return f
}

func newParser(filename, src string) *parser {
	return &parser{file: NewFile(filename, src), src: src, toks: Tokenize(src)}
}

// recoverBail recovers a bailout; other panics (including tooMany)
// continue unwinding.
func (p *parser) recoverBail() {
	isBailout(recover())
}

// isBailout reports whether r, a recovered panic value, is a bailout. Any
// other panic continues unwinding.
func isBailout(r any) bool {
	if r == nil {
		return false
	}
	if _, ok := r.(bailout); !ok {
		panic(r)
	}
	return true
}

// recoverAll recovers a bailout or the error cap; used at the outermost
// level of parsing.
func (p *parser) recoverAll() {
	if r := recover(); r != nil {
		switch r.(type) {
		case bailout, tooMany:
		default:
			panic(r)
		}
	}
}

// ---------------------------------------------------------------------------
// Token helpers

func (p *parser) tok() Token { return p.toks[p.i] }

func (p *parser) peek(n int) Token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() Token {
	t := p.toks[p.i]
	if t.Kind != TokEOF {
		p.i++
	}
	return t
}

// advance moves past the next n tokens.
func (p *parser) advance(n int) {
	for range n {
		p.next()
	}
}

// commaList parses one or more elements separated by commas.
func commaList[T any](p *parser, elem func() T) []T {
	var xs []T
	for {
		xs = append(xs, elem())
		if !p.got(TokComma) {
			return xs
		}
	}
}

// commaListUntil parses elements separated by commas up to the token
// close, which it leaves in place. The list may be empty and may end with a
// comma.
func commaListUntil[T any](p *parser, close TokenKind, elem func() T) []T {
	var xs []T
	for !p.is(close) {
		xs = append(xs, elem())
		if !p.got(TokComma) {
			break
		}
	}
	return xs
}

func (p *parser) is(k TokenKind) bool { return p.toks[p.i].Kind == k }

func (p *parser) isWord(w string) bool {
	t := p.toks[p.i]
	return t.Kind == TokIdent && t.Text == w
}

func (p *parser) peekWord(n int, w string) bool {
	t := p.peek(n)
	return t.Kind == TokIdent && t.Text == w
}

func (p *parser) got(k TokenKind) bool {
	if p.is(k) {
		p.next()
		return true
	}
	return false
}

func (p *parser) gotWord(w string) bool {
	if p.isWord(w) {
		p.next()
		return true
	}
	return false
}

// seek moves to the first token at or after byte offset off, re-lexing from
// off when no token starts exactly there.
func (p *parser) seek(off int) {
	j := sort.Search(len(p.toks), func(k int) bool { return int(p.toks[k].Pos) >= off })
	if j < len(p.toks) && int(p.toks[j].Pos) == off {
		p.i = j
		return
	}
	lx := NewLexer(p.src)
	lx.Reset(off)
	p.toks = p.toks[:j:j]
	for {
		t := lx.Next()
		p.toks = append(p.toks, t)
		if t.Kind == TokEOF {
			break
		}
	}
	p.i = j
}

// ---------------------------------------------------------------------------
// Errors

func (p *parser) pos(off Pos) string {
	ps := p.file.Position(off)
	return fmt.Sprintf("%d:%d", ps.Line, ps.Column)
}

func (p *parser) errorAt(off Pos, msg string) {
	if len(p.errs) >= maxErrors {
		panic(tooMany{})
	}
	p.errs.Add(p.file.Position(off), msg)
	if len(p.errs) >= maxErrors {
		panic(tooMany{})
	}
}

func (p *parser) fail(off Pos, msg string) {
	p.errorAt(off, msg)
	panic(bailout{})
}

func describe(t Token) string {
	switch t.Kind {
	case TokEOF:
		return "end of query"
	case TokString:
		s := t.Text
		if len(s) > 30 {
			s = s[:27] + "..."
		}
		return "string literal " + s
	}
	s := t.Text
	if len(s) > 30 {
		s = s[:27] + "..."
	}
	return "'" + s + "'"
}

// failExpected reports "expected WHAT, found TOKEN" and bails out.
func (p *parser) failExpected(what string) {
	t := p.tok()
	if t.Kind == TokIllegal {
		p.fail(t.Pos, t.Msg)
	}
	p.fail(t.Pos, fmt.Sprintf("expected %s, found %s", what, describe(t)))
}

func (p *parser) expect(k TokenKind, what string) Token {
	if !p.is(k) {
		if what == "" {
			what = "'" + k.String() + "'"
		}
		p.failExpected(what)
	}
	return p.next()
}

func (p *parser) expectWord(w string) Token {
	if !p.isWord(w) {
		p.failExpected("'" + w + "'")
	}
	return p.next()
}

// expectClose expects the closing token k for an opening token at open.
func (p *parser) expectClose(k TokenKind, open Pos, what string) Token {
	if !p.is(k) {
		t := p.tok()
		msg := fmt.Sprintf("expected '%s' to close the %s opened at %s, found %s", k, what, p.pos(open), describe(t))
		switch {
		case t.Kind == TokIllegal:
			msg = t.Msg
		case t.Kind == TokAssign:
			msg += "; use '==' to compare values"
		case t.Kind == TokComma && what == "parenthesised expression":
			msg += "; a parenthesised list is only allowed after in, !in, in~, !in~, has_any and has_all"
		}
		p.fail(t.Pos, msg)
	}
	return p.next()
}

// sync skips to the next '|' or ';' at nesting depth 0 (not consuming it).
func (p *parser) sync() { p.syncFrom(p.i) }

// syncFrom skips to the next '|' at the nesting depth of token index start
// (counting the brackets opened since start), or to the next ';' outside
// braces, without consuming it.
func (p *parser) syncFrom(start int) {
	depth, braces := 0, 0
	count := func(k TokenKind) {
		switch k {
		case TokLparen, TokLbrack:
			depth++
		case TokLbrace:
			depth++
			braces++
		case TokRparen, TokRbrack:
			if depth > 0 {
				depth--
			}
		case TokRbrace:
			if depth > 0 {
				depth--
			}
			if braces > 0 {
				braces--
			}
		}
	}
	for _, t := range p.toks[start:p.i] {
		count(t.Kind)
	}
	for {
		k := p.tok().Kind
		switch {
		case k == TokEOF:
			return
		case k == TokPipe && depth == 0, k == TokSemi && braces == 0:
			return
		}
		count(k)
		p.next()
	}
}

// ---------------------------------------------------------------------------
// Statements

func (p *parser) parseQueryTop() *Query {
	q := &Query{}
	func() {
		defer p.recoverAll()
		for {
			for p.got(TokSemi) {
			}
			if p.is(TokEOF) {
				break
			}
			start := p.i
			s := p.parseStmtRecover()
			if s != nil {
				q.Stmts = append(q.Stmts, s)
			}
			if p.is(TokEOF) {
				break
			}
			if !p.is(TokSemi) {
				func() {
					defer p.recoverBail()
					switch s.(type) {
					case *LetStmt:
						p.failExpected("';' after the let statement")
					case *SetStmt, *DeclareStmt:
						p.failExpected("';' after the statement")
					}
					p.failExpected("'|', ';' or end of query")
				}()
				p.sync()
				if p.is(TokPipe) {
					// Operators after an error: parse them for more errors.
					for p.got(TokPipe) {
						p.parseOperatorRecover()
					}
				}
			}
			if p.i == start {
				p.next()
			}
		}
	}()
	q.EOF = Pos(len(p.src))
	return q
}

func (p *parser) parseStmtRecover() (s Stmt) {
	start := p.i
	defer func() {
		if isBailout(recover()) {
			s = nil
			p.syncFrom(start)
			for p.got(TokPipe) {
				p.parseOperatorRecover()
			}
		}
	}()
	return p.parseStmt(true)
}

func (p *parser) parseOperatorRecover() (op Operator) {
	start := p.i
	defer func() {
		if isBailout(recover()) {
			op = nil
			p.syncFrom(start)
		}
	}()
	return p.parseOperator()
}

func (p *parser) parseStmt(top bool) Stmt {
	t := p.tok()
	if t.Kind == TokIdent {
		switch t.Text {
		case "let":
			if n := p.peek(1); n.Kind == TokIdent || n.Kind == TokLbrack {
				return p.parseLet()
			}
		case "set":
			if n := p.peek(1); n.Kind == TokIdent {
				return p.parseSet()
			}
		case "declare":
			if p.peekWord(1, "query_parameters") {
				return p.parseDeclare()
			}
		}
	}
	var x Expr
	if top {
		x = p.parsePipeTop()
	} else {
		x = p.parsePipe()
	}
	return &ExprStmt{X: x}
}

func (p *parser) parseLet() *LetStmt {
	s := &LetStmt{Let: p.next().Pos}
	s.Name = p.parseName("a name after 'let'")
	p.expect(TokAssign, "'=' after the name in a let statement")
	if fl := p.tryFuncLit(); fl != nil {
		s.Value = fl
	} else {
		s.Value = p.parsePipe()
	}
	return s
}

func (p *parser) parseSet() *SetStmt {
	s := &SetStmt{Set: p.next().Pos}
	s.Name = p.parseDottedName()
	s.EndP = s.Name.End()
	if p.got(TokAssign) {
		s.Value = p.parseExpr()
		s.EndP = s.Value.End()
	}
	return s
}

func (p *parser) parseDeclare() *DeclareStmt {
	s := &DeclareStmt{Declare: p.next().Pos}
	p.next() // query_parameters
	open := p.expect(TokLparen, "'(' after 'declare query_parameters'").Pos
	s.Params = p.parseParams(open, "parameter list")
	s.Rparen = p.toks[p.i-1].Pos
	return s
}

// parseDottedName parses a.b.c as one Ident (for set statements and
// operator options).
func (p *parser) parseDottedName() *Ident {
	t := p.expect(TokIdent, "a name")
	id := &Ident{NamePos: t.Pos, Name: t.Text, EndP: t.End}
	for p.is(TokDot) && p.tok().Pos == id.EndP && p.peek(1).Kind == TokIdent && p.peek(1).Pos == p.tok().End {
		p.next()
		n := p.next()
		id.Name += "." + n.Text
		id.EndP = n.End
	}
	return id
}

// parseName parses a plain or bracketed name.
func (p *parser) parseName(what string) *Ident {
	t := p.tok()
	if t.Kind == TokIdent {
		p.next()
		return &Ident{NamePos: t.Pos, Name: t.Text, EndP: t.End}
	}
	if t.Kind == TokLbrack && p.peek(1).Kind == TokString && p.peek(2).Kind == TokRbrack {
		return p.parseBracketName()
	}
	p.failExpected(what)
	return nil
}

func (p *parser) parseBracketName() *Ident {
	lb := p.next()
	s := p.next()
	rb := p.next()
	v, _ := StringValue(s.Text)
	return &Ident{NamePos: lb.Pos, Name: v, Bracketed: true, EndP: rb.End}
}

func (p *parser) isBracketName() bool {
	return p.is(TokLbrack) && p.peek(1).Kind == TokString && p.peek(2).Kind == TokRbrack
}

// tryFuncLit parses a function or view body if one starts here.
func (p *parser) tryFuncLit() *FuncLit {
	view := false
	at := 0
	if p.isWord("view") && p.peek(1).Kind == TokLparen {
		view = true
		at = 1
	}
	if p.peek(at).Kind != TokLparen {
		return nil
	}
	n1, n2 := p.peek(at+1), p.peek(at+2)
	isFunc := view ||
		n1.Kind == TokRparen && p.peek(at+2).Kind == TokLbrace ||
		(n1.Kind == TokIdent || n1.Kind == TokLbrack) && n2.Kind == TokColon
	if n1.Kind == TokLbrack && n2.Kind == TokString && p.peek(at+3).Kind == TokRbrack && p.peek(at+4).Kind == TokColon {
		isFunc = true
	}
	if !isFunc {
		return nil
	}
	if view {
		p.next()
	}
	fl := &FuncLit{View: view}
	fl.Lparen = p.next().Pos
	fl.Params = p.parseParams(fl.Lparen, "parameter list")
	fl.Lbrace = p.expect(TokLbrace, "'{' to start the function body").Pos
	fl.Body = p.parseBody(fl.Lbrace)
	fl.Rbrace = p.toks[p.i-1].Pos
	return fl
}

// parseBody parses statements up to and including the closing '}'.
func (p *parser) parseBody(open Pos) []Stmt {
	var body []Stmt
	for {
		for p.got(TokSemi) {
		}
		if p.is(TokRbrace) {
			p.next()
			return body
		}
		if p.is(TokEOF) {
			p.expectClose(TokRbrace, open, "function body")
		}
		body = append(body, p.parseStmt(false))
		if !p.is(TokSemi) {
			p.expectClose(TokRbrace, open, "function body")
			return body
		}
	}
}

// parseParams parses "name:type [= default], ..." up to and including ')'.
func (p *parser) parseParams(open Pos, what string) []*Param {
	var ps []*Param
	if p.got(TokRparen) {
		return ps
	}
	for {
		prm := &Param{Name: p.parseName("a parameter name")}
		p.expect(TokColon, "':' and a type after the parameter name")
		prm.Type = p.parseTypeRef()
		if p.got(TokAssign) {
			prm.Default = p.parseExpr()
		}
		ps = append(ps, prm)
		if p.got(TokComma) {
			continue
		}
		p.expectClose(TokRparen, open, what)
		return ps
	}
}

var scalarTypes = map[string]bool{
	"string": true, "long": true, "int": true, "real": true, "double": true, "bool": true,
	"boolean": true, "datetime": true, "date": true, "timespan": true, "time": true,
	"guid": true, "uniqueid": true, "dynamic": true, "decimal": true, "int64": true,
	"int32": true, "float": true,
}

// parseTypeRef parses a scalar type name or a tabular schema.
func (p *parser) parseTypeRef() *TypeRef {
	t := p.tok()
	if t.Kind == TokLparen {
		p.next()
		tr := &TypeRef{NamePos: t.Pos, Tabular: true}
		if !p.is(TokRparen) {
			for {
				if p.is(TokStar) {
					p.next()
					tr.Star = true
				} else {
					tr.Columns = append(tr.Columns, p.parseColumnDecl(true))
				}
				if !p.got(TokComma) {
					break
				}
			}
		}
		tr.EndP = p.expectClose(TokRparen, t.Pos, "table schema").End
		return tr
	}
	if t.Kind != TokIdent {
		p.failExpected("a type name")
	}
	if !scalarTypes[t.Text] {
		msg := fmt.Sprintf("unknown type '%s'", t.Text)
		if s, ok := suggest.Closest(t.Text, typeNameList); ok {
			msg += fmt.Sprintf("; did you mean '%s'?", s)
		}
		p.fail(t.Pos, msg)
	}
	p.next()
	return &TypeRef{NamePos: t.Pos, Name: t.Text, EndP: t.End}
}

var typeNameList = []string{"string", "long", "int", "real", "double", "bool", "datetime", "timespan", "guid", "dynamic", "decimal"}

// parseColumnDecl parses Name:Type (the type is required when needType).
func (p *parser) parseColumnDecl(needType bool) *ColumnDecl {
	c := &ColumnDecl{Name: p.parseName("a column name")}
	if needType {
		p.expect(TokColon, "':' and a type after the column name")
		c.Type = p.parseTypeRef()
	} else if p.got(TokColon) {
		c.Type = p.parseTypeRef()
	}
	return c
}

// parseColumnDecls parses "(a:string, b:long)" including both parentheses.
func (p *parser) parseColumnDecls(what string) []*ColumnDecl {
	open := p.expect(TokLparen, "'(' to start the "+what).Pos
	var cols []*ColumnDecl
	if p.got(TokRparen) {
		return cols
	}
	for {
		cols = append(cols, p.parseColumnDecl(true))
		if p.got(TokComma) {
			if p.is(TokRparen) {
				break
			}
			continue
		}
		break
	}
	p.expectClose(TokRparen, open, what)
	return cols
}
