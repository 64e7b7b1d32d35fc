package syntax

import (
	"fmt"
	"strings"

	"kqlhunt/internal/suggest"
)

// OperatorKeywords lists every tabular operator keyword the parser knows.
var OperatorKeywords = []string{
	"where", "filter", "project", "project-away", "project-keep", "project-rename",
	"project-reorder", "extend", "summarize", "join", "lookup", "union", "sort", "order",
	"top", "top-nested", "take", "limit", "distinct", "count", "mv-expand", "mv-apply",
	"parse", "parse-where", "parse-kv", "make-series", "evaluate", "render", "as",
	"serialize", "range", "print", "datatable", "externaldata", "getschema", "invoke",
	"search", "find", "facet", "sample", "sample-distinct", "fork", "partition", "scan",
	"consume",
}

// unsupportedOps are Kusto operators this parser does not handle; they get
// a clearer message than an unknown word.
var unsupportedOps = map[string]bool{
	"reduce": true, "make-graph": true, "graph-match": true, "graph-merge": true,
	"graph-to-table": true, "graph-shortest-paths": true, "graph-mark-components": true,
	"project-by-names": true, "top-hitters": true, "macro-expand": true, "assert-schema": true,
}

// operatorAliases maps legacy operator spellings to canonical ones.
var operatorAliases = map[string]string{
	"mvexpand": "mv-expand", "mvapply": "mv-apply", "makeseries": "make-series",
}

var operatorSet = func() map[string]bool {
	m := make(map[string]bool, len(OperatorKeywords))
	for _, k := range OperatorKeywords {
		m[k] = true
	}
	return m
}()

// hyphenWord reads a word that may contain hyphens written without spaces
// (project-away, mv-expand, granny-asc) and returns it with its token span.
func (p *parser) hyphenWord() (string, Token, int) {
	t := p.tok()
	if t.Kind != TokIdent {
		return "", t, 0
	}
	word := t.Text
	n := 1
	end := t.End
	for {
		m, w := p.peek(n), p.peek(n+1)
		if m.Kind == TokMinus && m.Pos == end && w.Kind == TokIdent && w.Pos == m.End {
			word += "-" + w.Text
			end = w.End
			n += 2
			continue
		}
		break
	}
	return word, Token{Kind: TokIdent, Pos: t.Pos, End: end, Text: word}, n
}

// parseOperator parses one tabular operator (the '|' already consumed).
func (p *parser) parseOperator() Operator {
	p.enter()
	defer p.leave()
	word, kt, n := p.hyphenWord()
	if n == 0 {
		p.failExpected("a tabular operator")
	}
	if a, ok := operatorAliases[word]; ok {
		word = a
	}
	if unsupportedOps[word] {
		p.fail(kt.Pos, fmt.Sprintf("operator '%s' is not supported", word))
	}
	if !operatorSet[word] {
		msg := fmt.Sprintf("unknown operator '%s'", word)
		if s, ok := suggest.Closest(word, OperatorKeywords); ok {
			msg += fmt.Sprintf("; did you mean '%s'?", s)
		}
		p.fail(kt.Pos, msg)
	}
	p.advance(n)
	at := kt.Pos
	switch word {
	case "where", "filter":
		op := &WhereOp{OpPos: at, Keyword: word, Pred: p.parseExpr()}
		if t := p.tok(); t.Kind == TokAssign {
			p.fail(t.Pos, "unexpected '=' in the predicate; use '==' to compare values")
		}
		return op
	case "project", "extend":
		return &ProjectOp{OpPos: at, Keyword: word, Items: p.parseExprList()}
	case "project-rename":
		op := &ProjectOp{OpPos: at, Keyword: word}
		for {
			if p.namedAhead() == 0 {
				p.failExpected("'NewName = OldName' in project-rename")
			}
			op.Items = append(op.Items, p.parseNamedOrExpr(false))
			if !p.got(TokComma) {
				break
			}
		}
		return op
	case "project-away", "project-keep":
		return &ProjectOp{OpPos: at, Keyword: word, Items: commaList(p, p.parseColumnPattern)}
	case "project-reorder":
		op := &ProjectOp{OpPos: at, Keyword: word}
		for {
			op.Items = append(op.Items, p.parseColumnPattern())
			order := ""
			if w, _, k := p.hyphenWord(); k > 0 {
				switch w {
				case "asc", "desc", "granny-asc", "granny-desc":
					order = w
					p.advance(k)
				}
			}
			op.Orders = append(op.Orders, order)
			if !p.got(TokComma) {
				break
			}
		}
		return op
	case "summarize":
		return p.parseSummarize(at)
	case "join":
		op := &JoinOp{OpPos: at}
		op.Params = p.parseOpParams(isJoinParam)
		op.Right, op.On = p.parseJoinRest("join")
		return op
	case "lookup":
		op := &LookupOp{OpPos: at}
		op.Params = p.parseOpParams(isJoinParam)
		op.Right, op.On = p.parseJoinRest("lookup")
		return op
	case "union":
		return p.parseUnion(at)
	case "sort", "order":
		op := &SortOp{OpPos: at, Keyword: word}
		op.Params = p.parseOpParams(isHint)
		p.expectWord("by")
		op.Keys = p.parseSortKeys()
		return op
	case "top":
		op := &TopOp{OpPos: at}
		op.Params = p.parseOpParams(isHint)
		op.Count = p.parseExpr()
		p.expectWord("by")
		op.Keys = p.parseSortKeys()
		return op
	case "top-nested":
		return p.parseTopNested(at)
	case "take", "limit":
		op := &TakeOp{OpPos: at, Keyword: word}
		op.Params = p.parseOpParams(isHint)
		op.Count = p.parseExpr()
		return op
	case "distinct":
		op := &DistinctOp{OpPos: at}
		op.Params = p.parseOpParams(isHint)
		op.Items = p.parseExprList()
		return op
	case "count":
		return &CountOp{OpPos: at, EndP: kt.End}
	case "mv-expand":
		op := &MvExpandOp{OpPos: at}
		op.Params = p.parseOpParams(isMvParam)
		op.Items = p.parseMvItems()
		if p.gotWord("limit") {
			op.Limit = p.parseExpr()
		}
		return op
	case "mv-apply":
		op := &MvApplyOp{OpPos: at}
		op.Params = p.parseOpParams(isMvParam)
		op.Items = p.parseMvItems()
		if p.gotWord("limit") {
			op.Limit = p.parseExpr()
		}
		p.expectWord("on")
		lp := p.expect(TokLparen, "'(' to start the mv-apply subquery").Pos
		op.Sub = p.parseImplicitPipe()
		op.EndP = p.expectClose(TokRparen, lp, "mv-apply subquery").End
		return op
	case "parse", "parse-where":
		return p.parseParse(at, word)
	case "parse-kv":
		op := &ParseKvOp{OpPos: at}
		op.X = p.parseExpr()
		p.expectWord("as")
		op.Columns = p.parseColumnDecls("column list")
		op.EndP = p.toks[p.i-1].End
		if p.atWithList() {
			p.next()
			op.With, op.EndP = p.parseWithProps()
		}
		return op
	case "make-series":
		return p.parseMakeSeries(at)
	case "evaluate":
		op := &EvaluateOp{OpPos: at}
		op.Params = p.parseOpParams(isHint)
		if !p.is(TokIdent) || p.peek(1).Kind != TokLparen {
			p.failExpected("a plugin call such as bag_unpack(...) after 'evaluate'")
		}
		op.Call = p.parseCall()
		if p.is(TokColon) && p.peek(1).Kind == TokLparen {
			p.next()
			op.Schema = p.parseTypeRef()
		}
		return op
	case "render":
		return p.parseRender(at, kt)
	case "as":
		op := &AsOp{OpPos: at}
		op.Params = p.parseOpParams(isHint)
		op.Alias = p.parseName("a name after 'as'")
		return op
	case "serialize":
		op := &SerializeOp{OpPos: at, EndP: kt.End}
		if p.atListStart() {
			op.Items = p.parseExprList()
			op.EndP = lastExprEnd(op.Items, op.EndP)
		}
		return op
	case "range":
		op := &RangeOp{OpPos: at}
		op.Column = p.parseName("a column name after 'range'")
		p.expectWord("from")
		op.From = p.parseExpr()
		p.expectWord("to")
		op.To = p.parseExpr()
		p.expectWord("step")
		op.Step = p.parseExpr()
		return op
	case "print":
		op := &PrintOp{OpPos: at, EndP: kt.End}
		if p.atListStart() {
			op.Items = p.parseExprList()
			op.EndP = lastExprEnd(op.Items, op.EndP)
		}
		return op
	case "datatable":
		return p.parseDataTableRest(at)
	case "externaldata":
		return p.parseExternalDataRest(at)
	case "getschema":
		return &GetSchemaOp{OpPos: at, EndP: kt.End}
	case "invoke":
		op := &InvokeOp{OpPos: at}
		if !p.is(TokIdent) || p.peek(1).Kind != TokLparen {
			p.failExpected("a function call after 'invoke'")
		}
		op.Call = p.parseCall()
		return op
	case "search":
		op := &SearchOp{OpPos: at}
		op.Params = p.parseOpParams(isSearchParam)
		op.Tables = p.parseInTables()
		op.Pred = p.parseExpr()
		return op
	case "find":
		return p.parseFind(at)
	case "facet":
		op := &FacetOp{OpPos: at}
		p.expectWord("by")
		op.By = commaList(p, p.parseColumnPattern)
		op.EndP = lastExprEnd(op.By, kt.End)
		if p.atWithList() {
			p.next()
			lp := p.next().Pos
			op.With = p.parseImplicitPipe()
			op.EndP = p.expectClose(TokRparen, lp, "facet subquery").End
		}
		return op
	case "sample":
		op := &SampleOp{OpPos: at}
		op.Params = p.parseOpParams(isHint)
		op.Count = p.parseExpr()
		return op
	case "sample-distinct":
		op := &SampleDistinctOp{OpPos: at}
		op.Params = p.parseOpParams(isHint)
		op.Count = p.parseExpr()
		p.expectWord("of")
		op.Of = p.parseExpr()
		return op
	case "fork":
		return p.parseFork(at)
	case "partition":
		return p.parsePartition(at)
	case "scan":
		return p.parseScan(at)
	case "consume":
		op := &ConsumeOp{OpPos: at}
		op.Params = p.parseOpParams(func(string) bool { return true })
		op.EndP = lastParamEnd(op.Params, kt.End)
		return op
	}
	p.fail(at, fmt.Sprintf("unknown operator '%s'", word))
	return nil
}

// atListStart reports whether an optional expression list follows.
func (p *parser) atListStart() bool {
	switch p.tok().Kind {
	case TokEOF, TokPipe, TokSemi, TokRparen, TokRbrace:
		return false
	}
	return true
}

func isHint(name string) bool { return strings.HasPrefix(name, "hint.") }

func isJoinParam(name string) bool {
	return isHint(name) || name == "kind" || name == "withsource"
}

func isMvParam(name string) bool {
	return isHint(name) || name == "kind" || name == "bagexpansion" || name == "with_itemindex"
}

// isSearchParam accepts the options of union, search and find.
func isSearchParam(name string) bool {
	return isHint(name) || name == "kind" || name == "withsource" || name == "isfuzzy"
}

// optionAhead reports whether "name[.name...] =" starts at the cursor and
// returns the dotted name and its token count.
func (p *parser) optionAhead() (string, int) {
	t := p.tok()
	if t.Kind != TokIdent {
		return "", 0
	}
	name := t.Text
	n := 1
	end := t.End
	for p.peek(n).Kind == TokDot && p.peek(n).Pos == end && p.peek(n+1).Kind == TokIdent {
		name += "." + p.peek(n+1).Text
		end = p.peek(n + 1).End
		n += 2
	}
	if p.peek(n).Kind != TokAssign {
		return "", 0
	}
	return name, n
}

// parseOpParams parses operator options name=value while ok accepts the
// name.
func (p *parser) parseOpParams(ok func(string) bool) []*OpParam {
	var ps []*OpParam
	for {
		name, n := p.optionAhead()
		if n == 0 || !ok(name) {
			return ps
		}
		at := p.tok().Pos
		p.advance(n + 1)
		ps = append(ps, &OpParam{NamePos: at, Name: name, Value: p.parseOptionValue()})
	}
}

// parseOptionValue parses the value of an operator option: a word, a
// literal or a signed number.
func (p *parser) parseOptionValue() Expr {
	t := p.tok()
	if t.Kind == TokIdent {
		w, wt, n := p.hyphenWord()
		p.advance(n)
		if w == "true" || w == "false" {
			return &Literal{ValuePos: wt.Pos, EndP: wt.End, Kind: LitBool, Raw: w}
		}
		return &Ident{NamePos: wt.Pos, Name: w, EndP: wt.End}
	}
	return p.parseUnary()
}

// atWithList reports whether "with (" follows.
func (p *parser) atWithList() bool { return p.isWord("with") && p.peek(1).Kind == TokLparen }

// parseWithProps parses "(name = value, ...)" after 'with'.
func (p *parser) parseWithProps() ([]*OpParam, Pos) {
	lp := p.expect(TokLparen, "'(' after 'with'").Pos
	ps := commaListUntil(p, TokRparen, func() *OpParam {
		name, n := p.optionAhead()
		if n == 0 {
			p.failExpected("'name = value' in the with(...) list")
		}
		at := p.tok().Pos
		p.advance(n + 1)
		return &OpParam{NamePos: at, Name: name, Value: p.parsePropValue()}
	})
	return ps, p.expectClose(TokRparen, lp, "with(...) list").End
}

// parsePropValue parses a with(...) property value. A list of column names
// (ycolumns = a, b) becomes a bare *ArrayLit of identifiers.
func (p *parser) parsePropValue() Expr {
	x := p.parseExpr()
	if id, ok := x.(*Ident); ok && p.is(TokComma) && p.peek(1).Kind == TokIdent && p.peek(2).Kind != TokAssign && p.peek(2).Kind != TokDot {
		a := &ArrayLit{Lbrack: id.Pos(), Elems: []Expr{id}, Bare: true}
		for p.is(TokComma) && p.peek(1).Kind == TokIdent && p.peek(2).Kind != TokAssign && p.peek(2).Kind != TokDot {
			p.next()
			t := p.next()
			a.Elems = append(a.Elems, &Ident{NamePos: t.Pos, Name: t.Text, EndP: t.End})
		}
		a.Rbrack = a.Elems[len(a.Elems)-1].End() - 1
		return a
	}
	return x
}

// parseColumnPattern parses a column name that may contain '*' wildcards
// (Prop*, *Id, *) or a bracketed name.
func (p *parser) parseColumnPattern() Expr {
	if p.isBracketName() {
		return p.parseBracketName()
	}
	t := p.tok()
	if t.Kind != TokIdent && t.Kind != TokStar {
		p.failExpected("a column name")
	}
	name := t.Text
	end := t.End
	p.next()
	for {
		n := p.tok()
		if n.Pos != end || (n.Kind != TokIdent && n.Kind != TokStar && n.Kind != TokInt) {
			break
		}
		if t.Kind == TokIdent && n.Kind == TokIdent {
			break
		}
		name += n.Text
		end = n.End
		t = n
		p.next()
	}
	if name == "*" {
		return &StarExpr{Star: end - 1}
	}
	id := &Ident{NamePos: end - Pos(len(name)), Name: name, EndP: end}
	// Allow a member path such as $left.Col or Table.Col.
	if !strings.Contains(name, "*") && p.is(TokDot) {
		var x Expr = id
		for p.got(TokDot) {
			n := p.expect(TokIdent, "a name after '.'")
			x = &MemberExpr{X: x, Name: &Ident{NamePos: n.Pos, Name: n.Text, EndP: n.End}}
		}
		return x
	}
	return id
}

func (p *parser) parseSummarize(at Pos) *SummarizeOp {
	op := &SummarizeOp{OpPos: at}
	op.Params = p.parseOpParams(isHint)
	if !p.isWord("by") && p.atListStart() {
		op.Aggs = p.parseExprList()
	}
	if p.gotWord("by") {
		op.By = p.parseExprList()
	}
	return op
}

// parseJoinRest parses the right side and the on clause of join/lookup.
func (p *parser) parseJoinRest(kw string) (Expr, []Expr) {
	right := p.parseUnary()
	if !p.isWord("on") {
		p.failExpected(fmt.Sprintf("'on' and the %s conditions", kw))
	}
	p.next()
	var on []Expr
	for {
		on = appendConds(on, p.parseExpr())
		if !p.got(TokComma) {
			break
		}
	}
	return right, on
}

// appendConds splits a top-level 'and' chain into separate conditions.
func appendConds(on []Expr, x Expr) []Expr {
	if b, ok := x.(*BinaryExpr); ok && b.Op == "and" {
		on = appendConds(on, b.X)
		return appendConds(on, b.Y)
	}
	return append(on, x)
}

func (p *parser) parseUnion(at Pos) *UnionOp {
	op := &UnionOp{OpPos: at}
	op.Params = p.parseOpParams(isSearchParam)
	op.Tables = commaList(p, p.parseTableRef)
	return op
}

// parseTableRef parses one table of union/search/find: a wildcard name,
// '*', a name, a call, or a parenthesised tabular expression.
func (p *parser) parseTableRef() Expr {
	t := p.tok()
	n := p.peek(1)
	if t.Kind == TokStar || t.Kind == TokIdent && n.Kind == TokStar && n.Pos == t.End {
		return p.parseColumnPattern()
	}
	return p.parseUnary()
}

// parseInTables parses an optional "in (T1, T2, ...)" table list.
func (p *parser) parseInTables() []Expr {
	if !p.isWord("in") || p.peek(1).Kind != TokLparen {
		return nil
	}
	p.next()
	lp := p.next().Pos
	ts := commaList(p, p.parseTableRef)
	p.expectClose(TokRparen, lp, "table list")
	return ts
}

func (p *parser) parseSortKeys() []*SortKey { return commaList(p, p.parseSortKey) }

func (p *parser) parseSortKey() *SortKey {
	k := &SortKey{X: p.parseExpr()}
	k.EndP = k.X.End()
	if p.isWord("asc") || p.isWord("desc") {
		t := p.next()
		k.Order = t.Text
		k.EndP = t.End
	}
	if p.isWord("nulls") && (p.peekWord(1, "first") || p.peekWord(1, "last")) {
		p.next()
		t := p.next()
		k.Nulls = t.Text
		k.EndP = t.End
	}
	return k
}

func (p *parser) parseTopNested(at Pos) *TopNestedOp {
	op := &TopNestedOp{OpPos: at}
	for {
		c := &TopNestedClause{}
		if !p.isWord("of") {
			c.N = p.parseExpr()
		}
		p.expectWord("of")
		c.Of = p.parseNamedOrExpr(false)
		if p.isWord("with") && p.peekWord(1, "others") {
			p.next()
			p.next()
			p.expect(TokAssign, "'=' after 'with others'")
			c.WithOthers = p.parseExpr()
		}
		p.expectWord("by")
		c.By = p.parseNamedOrExpr(false)
		if p.isWord("asc") || p.isWord("desc") {
			c.Order = p.next().Text
		}
		op.Clauses = append(op.Clauses, c)
		if !p.got(TokComma) {
			return op
		}
		// Later clauses may repeat the keyword: ..., top-nested 2 of b by ...
		if w, _, n := p.hyphenWord(); w == "top-nested" {
			p.advance(n)
		}
	}
}

func (p *parser) parseMvItems() []*MvExpandItem { return commaList(p, p.parseMvItem) }

func (p *parser) parseMvItem() *MvExpandItem {
	it := &MvExpandItem{X: p.parseNamedOrExpr(false)}
	if p.isWord("to") && p.peekWord(1, "typeof") {
		p.next()
		p.next()
		lp := p.expect(TokLparen, "'(' after typeof").Pos
		it.To = p.parseTypeRef()
		p.expectClose(TokRparen, lp, "typeof(...)")
	}
	return it
}

func (p *parser) parseParse(at Pos, kw string) *ParseOp {
	op := &ParseOp{OpPos: at, Keyword: kw}
	op.Params = p.parseOpParams(func(n string) bool { return n == "kind" || n == "flags" })
	op.X = p.parseExpr()
	p.expectWord("with")
	for {
		t := p.tok()
		switch t.Kind {
		case TokString:
			op.Pattern = append(op.Pattern, p.parseString())
			continue
		case TokStar:
			p.next()
			op.Pattern = append(op.Pattern, &StarExpr{Star: t.Pos})
			continue
		case TokIdent, TokLbrack:
			if t.Kind == TokLbrack && !p.isBracketName() {
				break
			}
			op.Pattern = append(op.Pattern, p.parseColumnDecl(false))
			continue
		}
		break
	}
	if len(op.Pattern) == 0 {
		p.failExpected("a parse pattern (string literals, '*' and column names) after 'with'")
	}
	return op
}

func (p *parser) parseMakeSeries(at Pos) *MakeSeriesOp {
	op := &MakeSeriesOp{OpPos: at}
	op.Params = p.parseOpParams(func(n string) bool { return isHint(n) || n == "kind" })
	op.Aggs = commaList(p, p.parseMakeSeriesAgg)
	p.expectWord("on")
	p.noIn = true
	func() {
		defer func() { p.noIn = false }()
		op.On = p.parseExpr()
	}()
	if p.isWord("in") && p.peekWord(1, "range") {
		p.next()
		p.next()
		op.InRange = true
		lp := p.expect(TokLparen, "'(' after 'in range'").Pos
		op.From = p.parseExpr()
		p.expect(TokComma, "',' between the arguments of range(start, stop, step)")
		op.To = p.parseExpr()
		p.expect(TokComma, "',' between the arguments of range(start, stop, step)")
		op.Step = p.parseExpr()
		p.expectClose(TokRparen, lp, "range(...)")
	} else {
		if p.gotWord("from") {
			op.From = p.parseExpr()
		}
		if p.gotWord("to") {
			op.To = p.parseExpr()
		}
		p.expectWord("step")
		op.Step = p.parseExpr()
	}
	if p.gotWord("by") {
		op.By = p.parseExprList()
	}
	return op
}

func (p *parser) parseRender(at Pos, kt Token) *RenderOp {
	op := &RenderOp{OpPos: at, EndP: kt.End}
	op.Chart = p.parseName("a chart type after 'render'")
	op.EndP = op.Chart.End()
	if p.atWithList() {
		p.next()
		op.With, op.EndP = p.parseWithProps()
		return op
	}
	// Older form: render chart name=value name=value ...
	for {
		name, n := p.optionAhead()
		if n == 0 {
			return op
		}
		t := p.tok()
		p.advance(n + 1)
		prm := &OpParam{NamePos: t.Pos, Name: name, Value: p.parseOptionValue()}
		op.With = append(op.With, prm)
		op.EndP = prm.End()
	}
}

func (p *parser) parseDataTableRest(at Pos) *DataTableOp {
	op := &DataTableOp{OpPos: at}
	op.Params = p.parseOpParams(isHint)
	op.Columns = p.parseColumnDecls("datatable column list")
	lb := p.expect(TokLbrack, "'[' to start the datatable values").Pos
	op.Values = commaListUntil(p, TokRbrack, p.parseExpr)
	op.Rbrack = p.expectClose(TokRbrack, lb, "datatable values").Pos
	return op
}

func (p *parser) parseExternalDataRest(at Pos) *ExternalDataOp {
	op := &ExternalDataOp{OpPos: at}
	op.Params = p.parseOpParams(isHint)
	op.Columns = p.parseColumnDecls("externaldata column list")
	lb := p.expect(TokLbrack, "'[' and the storage URIs").Pos
	op.URIs = commaListUntil(p, TokRbrack, p.parseExpr)
	op.EndP = p.expectClose(TokRbrack, lb, "URI list").End
	if p.atWithList() {
		p.next()
		op.With, op.EndP = p.parseWithProps()
	}
	return op
}

func (p *parser) parseFind(at Pos) *FindOp {
	op := &FindOp{OpPos: at}
	op.Params = p.parseOpParams(isSearchParam)
	op.Tables = p.parseInTables()
	p.expectWord("where")
	op.Pred = p.parseExpr()
	op.EndP = op.Pred.End()
	if w, wt, n := p.hyphenWord(); n > 0 {
		switch w {
		case "project-smart":
			p.advance(n)
			op.ProjectSmart = true
			op.EndP = wt.End
		case "project":
			p.next()
			for {
				op.Project = append(op.Project, p.parseColumnPattern())
				if !p.got(TokComma) {
					break
				}
			}
			op.EndP = lastExprEnd(op.Project, wt.End)
		}
	}
	return op
}

func (p *parser) parseMakeSeriesAgg() *MakeSeriesAgg {
	a := &MakeSeriesAgg{X: p.parseNamedOrExpr(false)}
	if p.isWord("default") && p.peek(1).Kind == TokAssign {
		p.next()
		p.next()
		a.Default = p.parseExpr()
	}
	return a
}

func (p *parser) parseFork(at Pos) *ForkOp {
	op := &ForkOp{OpPos: at}
	for {
		b := &ForkBranch{}
		if p.is(TokIdent) && p.peek(1).Kind == TokAssign {
			b.Name = p.parseName("a branch name")
			p.next()
		}
		if !p.is(TokLparen) {
			if len(op.Branches) > 0 && b.Name == nil {
				break
			}
			p.failExpected("'(' to start a fork branch")
		}
		lp := p.next().Pos
		b.Sub = p.parseImplicitPipe()
		op.EndP = p.expectClose(TokRparen, lp, "fork branch").End
		op.Branches = append(op.Branches, b)
	}
	return op
}

func (p *parser) parsePartition(at Pos) *PartitionOp {
	op := &PartitionOp{OpPos: at}
	op.Params = p.parseOpParams(func(n string) bool { return isHint(n) || n == "kind" })
	p.expectWord("by")
	op.By = p.parseColumnPattern()
	switch {
	case p.is(TokLparen):
		lp := p.next().Pos
		op.Sub = p.parseImplicitPipe()
		op.EndP = p.expectClose(TokRparen, lp, "partition subquery").End
	case p.is(TokLbrace):
		lb := p.next().Pos
		op.Braced = true
		op.Sub = p.parsePipe()
		op.EndP = p.expectClose(TokRbrace, lb, "partition subquery").End
	default:
		p.failExpected("'(' or '{' to start the partition subquery")
	}
	return op
}

func (p *parser) parseScan(at Pos) *ScanOp {
	op := &ScanOp{OpPos: at}
	op.Params = p.parseOpParams(func(n string) bool { return isHint(n) || n == "with_match_id" })
	if p.isWord("order") && p.peekWord(1, "by") {
		p.next()
		p.next()
		op.OrderBy = p.parseSortKeys()
	}
	if p.isWord("partition") && p.peekWord(1, "by") {
		p.next()
		p.next()
		op.PartitionBy = commaList(p, p.parseExpr)
	}
	if p.gotWord("declare") {
		lp := p.expect(TokLparen, "'(' after 'declare'").Pos
		op.Declare = p.parseParams(lp, "declare list")
	}
	p.expectWord("with")
	lp := p.expect(TokLparen, "'(' to start the scan steps").Pos
	for p.isWord("step") {
		p.next()
		s := &ScanStep{Name: p.parseName("a step name")}
		if p.gotWord("optional") {
			s.Optional = true
		}
		if p.isWord("output") && p.peek(1).Kind == TokAssign {
			p.next()
			p.next()
			t := p.expect(TokIdent, "all, last or none after 'output='")
			switch t.Text {
			case "all", "last", "none":
				s.Output = t.Text
			default:
				p.fail(t.Pos, fmt.Sprintf("expected all, last or none after 'output=', found '%s'", t.Text))
			}
		}
		p.expect(TokColon, "':' after the step name")
		s.Cond = p.parseExpr()
		if p.got(TokArrow) {
			s.Assigns = p.parseExprList()
		}
		op.Steps = append(op.Steps, s)
		if !p.got(TokSemi) {
			break
		}
	}
	op.EndP = p.expectClose(TokRparen, lp, "scan steps").End
	return op
}
