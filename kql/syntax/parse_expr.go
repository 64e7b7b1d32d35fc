package syntax

import (
	"fmt"
	"strings"
)

// pipeStarters are operators that may begin a pipeline.
var pipeStarters = map[string]bool{
	"union": true, "range": true, "print": true, "datatable": true, "externaldata": true,
	"search": true, "find": true, "evaluate": true,
}

// startsPipeOp reports whether the current word begins a pipeline-starting
// operator rather than, say, a call to range() or a column named print.
func (p *parser) startsPipeOp() bool {
	t := p.tok()
	if t.Kind != TokIdent || !pipeStarters[t.Text] {
		return false
	}
	n := p.peek(1)
	switch t.Text {
	case "range":
		return n.Kind == TokIdent || n.Kind == TokLbrack
	case "datatable", "externaldata":
		return n.Kind == TokLparen || n.Kind == TokIdent
	case "print":
		return n.Kind != TokPipe && n.Kind != TokRparen && n.Kind != TokComma && !isBinaryOpTok(n)
	case "union", "search", "find", "evaluate":
		return n.Kind != TokPipe && n.Kind != TokRparen && n.Kind != TokComma && n.Kind != TokEOF &&
			n.Kind != TokSemi && !isBinaryOpTok(n) && n.Kind != TokDot && n.Kind != TokLbrack
	}
	return false
}

func isBinaryOpTok(t Token) bool {
	switch t.Kind {
	case TokEqEq, TokNotEq, TokLtGt, TokEqTilde, TokNotTilde, TokLt, TokLe, TokGt, TokGe, TokAssign,
		TokPlus, TokSlash, TokPercent:
		return true
	}
	return false
}

// parsePipeSource parses the first element of a pipeline.
func (p *parser) parsePipeSource() Expr {
	if p.startsPipeOp() {
		op := p.parseOperator()
		if x, ok := op.(Expr); ok {
			return x
		}
	}
	return p.parseExpr()
}

// parsePipe parses Source | Op | Op ... inside delimiters (no recovery).
func (p *parser) parsePipe() Expr {
	src := p.parsePipeSource()
	if !p.is(TokPipe) {
		return src
	}
	pe := &PipeExpr{Source: src}
	for p.got(TokPipe) {
		pe.Ops = append(pe.Ops, p.parseOperator())
	}
	return pe
}

// parsePipeTop parses a statement-level pipeline, recovering from errors in
// each operator.
func (p *parser) parsePipeTop() Expr {
	src := p.parsePipeSource()
	if !p.is(TokPipe) {
		return src
	}
	pe := &PipeExpr{Source: src}
	for p.got(TokPipe) {
		if op := p.parseOperatorRecover(); op != nil {
			pe.Ops = append(pe.Ops, op)
		}
	}
	return pe
}

// parseImplicitPipe parses Op | Op ... whose input is implicit (subqueries
// of mv-apply, facet, fork, partition).
func (p *parser) parseImplicitPipe() *PipeExpr {
	pe := &PipeExpr{}
	p.got(TokPipe)
	pe.Ops = append(pe.Ops, p.parseOperator())
	for p.got(TokPipe) {
		pe.Ops = append(pe.Ops, p.parseOperator())
	}
	return pe
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.tok().Pos, "expression nested too deeply")
	}
}

func (p *parser) leave() { p.depth-- }

// parseExpr parses a scalar (or tabular, without pipes) expression.
func (p *parser) parseExpr() Expr {
	p.enter()
	defer p.leave()
	x := p.parseAnd()
	for p.isWord("or") {
		t := p.next()
		y := p.parseAnd()
		x = &BinaryExpr{X: x, OpPos: t.Pos, Op: "or", Y: y}
	}
	return x
}

func (p *parser) parseAnd() Expr {
	x := p.parseCmp()
	for p.isWord("and") {
		t := p.next()
		y := p.parseCmp()
		x = &BinaryExpr{X: x, OpPos: t.Pos, Op: "and", Y: y}
	}
	return x
}

// stringOps are the word operators at comparison level (without '!').
var stringOps = map[string]bool{
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true, "hassuffix": true,
	"hassuffix_cs": true, "contains": true, "contains_cs": true, "startswith": true,
	"startswith_cs": true, "endswith": true, "endswith_cs": true,
}

// legacyOps maps older spellings of string operators to canonical ones.
var legacyOps = map[string]string{
	"containscs": "contains_cs", "notcontains": "!contains", "notcontainscs": "!contains_cs",
	"!containscs": "!contains_cs",
}

// negatable lists the words that may follow '!' as an operator.
var negatable = map[string]bool{
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true, "hassuffix": true,
	"hassuffix_cs": true, "contains": true, "contains_cs": true, "startswith": true,
	"startswith_cs": true, "endswith": true, "endswith_cs": true, "in": true, "between": true,
	"containscs": true,
}

// cmpOp recognises a comparison-level operator at the current token and
// returns its canonical text and the number of tokens it spans.
func (p *parser) cmpOp() (string, int) {
	t := p.tok()
	switch t.Kind {
	case TokEqEq:
		return "==", 1
	case TokNotEq, TokLtGt:
		return "!=", 1
	case TokEqTilde:
		return "=~", 1
	case TokNotTilde:
		return "!~", 1
	case TokLt:
		return "<", 1
	case TokLe:
		return "<=", 1
	case TokGt:
		return ">", 1
	case TokGe:
		return ">=", 1
	case TokBang:
		n := p.peek(1)
		if n.Kind == TokIdent && n.Pos == t.End && negatable[n.Text] {
			if n.Text == "in" {
				if tl := p.peek(2); tl.Kind == TokTilde && tl.Pos == n.End {
					return "!in~", 3
				}
			}
			if c, ok := legacyOps["!"+n.Text]; ok {
				return c, 2
			}
			return "!" + n.Text, 2
		}
	case TokIdent:
		switch t.Text {
		case "in":
			if p.noIn {
				return "", 0
			}
			if n := p.peek(1); n.Kind == TokTilde && n.Pos == t.End {
				return "in~", 2
			}
			return "in", 1
		case "has_any", "has_all", "between":
			return t.Text, 1
		case "matches":
			if p.peekWord(1, "regex") {
				return "matches regex", 2
			}
		default:
			if stringOps[t.Text] {
				return t.Text, 1
			}
			if c, ok := legacyOps[t.Text]; ok {
				return c, 1
			}
		}
	}
	return "", 0
}

func (p *parser) parseCmp() Expr {
	x := p.parseAdd()
	for {
		op, n := p.cmpOp()
		if n == 0 {
			return x
		}
		opPos := p.tok().Pos
		p.advance(n)
		switch op {
		case "in", "!in", "in~", "!in~", "has_any", "has_all":
			x = p.parseInList(x, opPos, op)
		case "between", "!between":
			x = p.parseBetween(x, opPos, op != "between")
		default:
			y := p.parseAdd()
			x = &BinaryExpr{X: x, OpPos: opPos, Op: op, Y: y}
		}
	}
}

func (p *parser) parseInList(x Expr, opPos Pos, op string) Expr {
	in := &InExpr{X: x, OpPos: opPos, Op: op}
	if !p.is(TokLparen) {
		p.failExpected(fmt.Sprintf("'(' and a list after '%s'", op))
	}
	in.Lparen = p.next().Pos
	if !p.is(TokRparen) {
		in.List = commaList(p, p.parsePipe)
	}
	in.Rparen = p.expectClose(TokRparen, in.Lparen, "list").Pos
	return in
}

func (p *parser) parseBetween(x Expr, opPos Pos, not bool) Expr {
	b := &BetweenExpr{X: x, OpPos: opPos, Not: not}
	open := p.expect(TokLparen, "'(' after 'between'").Pos
	b.Lo = p.parseExpr()
	p.expect(TokDotDot, "'..' between the bounds of 'between'")
	b.Hi = p.parseExpr()
	b.Rparen = p.expectClose(TokRparen, open, "range of 'between'").Pos
	return b
}

func (p *parser) parseAdd() Expr {
	x := p.parseMul()
	for p.is(TokPlus) || p.is(TokMinus) {
		t := p.next()
		y := p.parseMul()
		x = &BinaryExpr{X: x, OpPos: t.Pos, Op: t.Text, Y: y}
	}
	return x
}

func (p *parser) parseMul() Expr {
	x := p.parseUnary()
	for p.is(TokStar) || p.is(TokSlash) || p.is(TokPercent) {
		t := p.next()
		y := p.parseUnary()
		x = &BinaryExpr{X: x, OpPos: t.Pos, Op: t.Text, Y: y}
	}
	return x
}

func (p *parser) parseUnary() Expr {
	if p.is(TokMinus) || p.is(TokPlus) {
		p.enter()
		defer p.leave()
		t := p.next()
		x := p.parseUnary()
		return &UnaryExpr{OpPos: t.Pos, Op: t.Text, X: x}
	}
	return p.parsePostfix()
}

func (p *parser) parsePostfix() Expr {
	x := p.parsePrimary()
	for {
		switch {
		case p.is(TokDot):
			p.next()
			var name *Ident
			switch {
			case p.is(TokIdent):
				t := p.next()
				name = &Ident{NamePos: t.Pos, Name: t.Text, EndP: t.End}
			case p.isBracketName():
				name = p.parseBracketName()
			case p.is(TokLbrack):
				// x.[0] is accepted as x[0].
				lb := p.next()
				idx := p.parseExpr()
				rb := p.expectClose(TokRbrack, lb.Pos, "index")
				x = &IndexExpr{X: x, Lbrack: lb.Pos, Index: idx, Rbrack: rb.Pos}
				continue
			case p.is(TokInt):
				t := p.next()
				name = &Ident{NamePos: t.Pos, Name: t.Text, EndP: t.End}
			default:
				p.failExpected("a property name after '.'")
			}
			x = &MemberExpr{X: x, Name: name}
		case p.is(TokLbrack):
			lb := p.next()
			idx := p.parseExpr()
			rb := p.expectClose(TokRbrack, lb.Pos, "index")
			x = &IndexExpr{X: x, Lbrack: lb.Pos, Index: idx, Rbrack: rb.Pos}
		default:
			return x
		}
	}
}

// reservedWords cannot be used as plain names in expressions (a bracketed
// name such as ['by'] can).
var reservedWords = map[string]bool{"by": true, "and": true, "or": true, "on": true, "with": true}

// typedLits maps type-wrapper words to the literal kind they produce.
var typedLits = map[string]LitKind{
	"long": LitLong, "int": LitInt, "real": LitReal, "double": LitReal, "bool": LitBool,
	"boolean": LitBool, "decimal": LitDecimal, "datetime": LitDateTime, "date": LitDateTime,
	"timespan": LitTimeSpan, "time": LitTimeSpan, "guid": LitGuid, "uniqueid": LitGuid,
	"int64": LitLong, "int32": LitInt, "float": LitReal,
}

func (p *parser) parsePrimary() Expr {
	p.enter()
	defer p.leave()
	t := p.tok()
	switch t.Kind {
	case TokInt:
		p.next()
		return &Literal{ValuePos: t.Pos, EndP: t.End, Kind: LitLong, Raw: t.Text}
	case TokReal:
		p.next()
		return &Literal{ValuePos: t.Pos, EndP: t.End, Kind: LitReal, Raw: t.Text}
	case TokTimeSpan:
		p.next()
		return &Literal{ValuePos: t.Pos, EndP: t.End, Kind: LitTimeSpan, Raw: t.Text}
	case TokString:
		return p.parseString()
	case TokStar:
		p.next()
		return &StarExpr{Star: t.Pos}
	case TokLparen:
		p.next()
		x := p.parsePipe()
		rp := p.expectClose(TokRparen, t.Pos, "parenthesised expression")
		return &ParenExpr{Lparen: t.Pos, X: x, Rparen: rp.Pos}
	case TokLbrack:
		if p.isBracketName() {
			return p.parseBracketName()
		}
	case TokIdent:
		if reservedWords[t.Text] {
			break
		}
		switch t.Text {
		case "true", "false":
			p.next()
			return &Literal{ValuePos: t.Pos, EndP: t.End, Kind: LitBool, Raw: t.Text}
		case "dynamic":
			if p.peek(1).Kind == TokLparen {
				return p.parseDynamic()
			}
		case "datatable", "externaldata":
			if p.peek(1).Kind == TokLparen || p.peek(1).Kind == TokIdent {
				return p.parseOperator().(Expr) // both operators implement Expr
			}
		}
		if p.peek(1).Kind == TokLparen {
			if k, ok := typedLits[t.Text]; ok {
				return p.parseTypedLit(k)
			}
			return p.parseCall()
		}
		p.next()
		return &Ident{NamePos: t.Pos, Name: t.Text, EndP: t.End}
	}
	p.failExpected("an expression")
	return nil
}

// parseString parses one or more adjacent string literals.
func (p *parser) parseString() *Literal {
	first := p.next()
	v, _ := StringValue(first.Text)
	lit := &Literal{ValuePos: first.Pos, EndP: first.End, Kind: LitString, Value: v}
	if p.is(TokString) {
		var b strings.Builder
		b.WriteString(v)
		for p.is(TokString) {
			t := p.next()
			s, _ := StringValue(t.Text)
			b.WriteString(s)
			lit.EndP = t.End
		}
		lit.Value = b.String()
	}
	lit.Raw = p.src[lit.ValuePos:lit.EndP]
	return lit
}

// rawParen reads the raw text between '(' (the current token) and the next
// ')', trimmed, and moves past the ')'.
func (p *parser) rawParen(what string) (string, Pos, Pos) {
	lp := p.next()
	j := strings.IndexAny(p.src[lp.End:], ")|;\n")
	if j < 0 || p.src[int(lp.End)+j] != ')' {
		at := len(p.src)
		found := "end of query"
		if j >= 0 {
			at = int(lp.End) + j
			found = "end of line"
			if c := p.src[at]; c != '\n' {
				found = "'" + string(c) + "'"
			}
		}
		p.fail(Pos(at), fmt.Sprintf("expected ')' to close the %s opened at %s, found %s", what, p.pos(lp.Pos), found))
	}
	rp := int(lp.End) + j
	raw := strings.TrimSpace(p.src[lp.End:rp])
	p.seek(rp + 1)
	return raw, lp.Pos, Pos(rp)
}

func (p *parser) parseTypedLit(k LitKind) Expr {
	w := p.next()
	raw, _, rp := p.rawParen(w.Text + "(...) literal")
	lit := &Literal{ValuePos: w.Pos, EndP: rp + 1, Kind: k, Raw: raw, Typed: true}
	if raw == "null" {
		lit.Null = true
		return lit
	}
	if !validTypedRaw(k, raw) {
		p.fail(w.Pos, fmt.Sprintf("invalid %s literal %s(%s)", w.Text, w.Text, raw))
	}
	return lit
}

func validTypedRaw(k LitKind, raw string) bool {
	if raw == "" {
		return false
	}
	body := strings.TrimLeft(raw, "+-")
	switch k {
	case LitLong, LitInt:
		if len(raw)-len(body) > 1 || body == "" {
			return false
		}
		toks := Tokenize(body)
		return len(toks) == 2 && toks[0].Kind == TokInt
	case LitReal, LitDecimal:
		if len(raw)-len(body) > 1 || body == "" {
			return false
		}
		switch strings.ToLower(body) {
		case "nan", "inf", "infinity":
			return k == LitReal
		}
		toks := Tokenize(body)
		return len(toks) == 2 && (toks[0].Kind == TokInt || toks[0].Kind == TokReal)
	case LitBool:
		switch strings.ToLower(raw) {
		case "true", "false", "1", "0":
			return true
		}
		return false
	}
	return !strings.ContainsAny(raw, "()")
}

// parseCall parses name(args).
func (p *parser) parseCall() *CallExpr {
	t := p.next()
	c := &CallExpr{Fun: &Ident{NamePos: t.Pos, Name: t.Text, EndP: t.End}}
	c.Lparen = p.next().Pos
	if t := p.tok(); t.Kind == TokIdent && reservedWords[t.Text] {
		p.expectClose(TokRparen, c.Lparen, "argument list")
	}
	if !p.is(TokRparen) {
		c.Args = commaList(p, func() Expr { return p.parseNamedOrExpr(true) })
	}
	c.Rparen = p.expectClose(TokRparen, c.Lparen, "argument list").Pos
	return c
}

// namedAhead reports whether the tokens at the cursor are "name =" or
// "(n1, n2, ...) =", returning the number of tokens before '='.
func (p *parser) namedAhead() int {
	t := p.tok()
	switch {
	case t.Kind == TokIdent && p.peek(1).Kind == TokAssign:
		return 1
	case p.isBracketName() && p.peek(3).Kind == TokAssign:
		return 3
	case t.Kind == TokLparen:
		k := 1
		for {
			switch {
			case p.peek(k).Kind == TokIdent:
				k++
			case p.peek(k).Kind == TokLbrack && p.peek(k+1).Kind == TokString && p.peek(k+2).Kind == TokRbrack:
				k += 3
			default:
				return 0
			}
			if p.peek(k).Kind == TokComma {
				k++
				continue
			}
			if p.peek(k).Kind == TokRparen && p.peek(k+1).Kind == TokAssign {
				return k + 1
			}
			return 0
		}
	}
	return 0
}

// parseNamedOrExpr parses "Name = Value", "(A, B) = Value" or an
// expression; pipes are allowed in the value when pipe is set.
func (p *parser) parseNamedOrExpr(pipe bool) Expr {
	val := func() Expr {
		if pipe {
			return p.parsePipe()
		}
		return p.parseExpr()
	}
	if p.namedAhead() == 0 {
		return val()
	}
	ne := &NamedExpr{Lparen: NoPos}
	if p.is(TokLparen) {
		ne.Paren = true
		ne.Lparen = p.next().Pos
		ne.Names = commaList(p, func() *Ident { return p.parseName("a name") })
		p.expect(TokRparen, "")
	} else {
		ne.Names = []*Ident{p.parseName("a name")}
	}
	ne.Assign = p.expect(TokAssign, "").Pos
	ne.Value = val()
	return ne
}

// parseExprList parses comma-separated items with parseNamedOrExpr.
func (p *parser) parseExprList() []Expr {
	return commaList(p, func() Expr { return p.parseNamedOrExpr(false) })
}

// parseDynamic parses dynamic(JSON).
func (p *parser) parseDynamic() Expr {
	d := &DynamicLit{Dynamic: p.next().Pos}
	lp := p.next().Pos
	if p.isWord("null") && p.peek(1).Kind == TokRparen {
		p.next()
	} else {
		d.Value = p.parseJSON()
	}
	d.Rparen = p.expectClose(TokRparen, lp, "dynamic literal").Pos
	return d
}

func (p *parser) parseJSON() Expr {
	p.enter()
	defer p.leave()
	t := p.tok()
	switch t.Kind {
	case TokLbrack:
		p.next()
		a := &ArrayLit{Lbrack: t.Pos}
		a.Elems = commaListUntil(p, TokRbrack, p.parseJSON)
		a.Rbrack = p.expectClose(TokRbrack, t.Pos, "array").Pos
		return a
	case TokLbrace:
		p.next()
		o := &ObjectLit{Lbrace: t.Pos}
		for !p.is(TokRbrace) {
			k := p.tok()
			switch k.Kind {
			case TokString:
				v, _ := StringValue(k.Text)
				o.Keys = append(o.Keys, v)
			case TokIdent:
				o.Keys = append(o.Keys, k.Text)
			default:
				p.failExpected("a property name in the dynamic object")
			}
			p.next()
			p.expect(TokColon, "':' after the property name")
			o.Values = append(o.Values, p.parseJSON())
			if !p.got(TokComma) {
				break
			}
		}
		o.Rbrace = p.expectClose(TokRbrace, t.Pos, "object").Pos
		return o
	case TokMinus, TokPlus:
		n := p.peek(1)
		if n.Kind == TokInt || n.Kind == TokReal || n.Kind == TokTimeSpan {
			p.next()
			p.next()
			k := LitLong
			if n.Kind == TokReal {
				k = LitReal
			} else if n.Kind == TokTimeSpan {
				k = LitTimeSpan
			}
			return &Literal{ValuePos: t.Pos, EndP: n.End, Kind: k, Raw: t.Text + n.Text}
		}
	case TokInt, TokReal, TokTimeSpan, TokString:
		return p.parsePrimary()
	case TokIdent:
		switch t.Text {
		case "null":
			p.next()
			return &Literal{ValuePos: t.Pos, EndP: t.End, Kind: LitNull, Raw: "null", Null: true}
		case "true", "false":
			return p.parsePrimary()
		case "dynamic":
			if p.peek(1).Kind == TokLparen {
				return p.parseDynamic()
			}
		}
		if _, ok := typedLits[t.Text]; ok && p.peek(1).Kind == TokLparen {
			return p.parsePrimary()
		}
	}
	p.failExpected("a JSON value inside dynamic(...)")
	return nil
}
