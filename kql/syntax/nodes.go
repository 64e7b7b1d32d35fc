package syntax

// This file gives every node type its Pos and End methods and every
// operator its Name. End positions that the tree does not store are
// derived from the last child.

func endOf(n Node, fallback Pos) Pos {
	if n == nil || isNilNode(n) {
		return fallback
	}
	return n.End()
}

// isNilNode reports whether n is a typed nil pointer.
func isNilNode(n Node) bool {
	switch v := n.(type) {
	case *Ident:
		return v == nil
	case *Literal:
		return v == nil
	case *PipeExpr:
		return v == nil
	case *CallExpr:
		return v == nil
	case *TypeRef:
		return v == nil
	case *ColumnDecl:
		return v == nil
	case *SortKey:
		return v == nil
	case *OpParam:
		return v == nil
	}
	return false
}

func lastExprEnd(xs []Expr, fallback Pos) Pos {
	if len(xs) == 0 {
		return fallback
	}
	return endOf(xs[len(xs)-1], fallback)
}

func lastParamEnd(ps []*OpParam, fallback Pos) Pos {
	if len(ps) == 0 {
		return fallback
	}
	return ps[len(ps)-1].End()
}

func kwEnd(p Pos, kw string) Pos {
	if !p.IsValid() {
		return p
	}
	return p + Pos(len(kw))
}

func maxPos(ps ...Pos) Pos {
	m := NoPos
	for _, p := range ps {
		if p > m {
			m = p
		}
	}
	return m
}

// Statements

// Pos implements Node.
func (s *LetStmt) Pos() Pos { return s.Let }

// End implements Node.
func (s *LetStmt) End() Pos { return endOf(s.Value, endOf(s.Name, kwEnd(s.Let, "let"))) }

// Pos implements Node.
func (s *SetStmt) Pos() Pos { return s.Set }

// End implements Node.
func (s *SetStmt) End() Pos { return s.EndP }

// Pos implements Node.
func (s *DeclareStmt) Pos() Pos { return s.Declare }

// End implements Node.
func (s *DeclareStmt) End() Pos { return s.Rparen + 1 }

// Pos implements Node.
func (s *ExprStmt) Pos() Pos { return s.X.Pos() }

// End implements Node.
func (s *ExprStmt) End() Pos { return s.X.End() }

// Expressions

// Pos implements Node.
func (x *Ident) Pos() Pos { return x.NamePos }

// End implements Node.
func (x *Ident) End() Pos { return x.EndP }

// Pos implements Node.
func (x *Literal) Pos() Pos { return x.ValuePos }

// End implements Node.
func (x *Literal) End() Pos { return x.EndP }

// Pos implements Node.
func (x *DynamicLit) Pos() Pos { return x.Dynamic }

// End implements Node.
func (x *DynamicLit) End() Pos { return x.Rparen + 1 }

// Pos implements Node.
func (x *ArrayLit) Pos() Pos { return x.Lbrack }

// End implements Node.
func (x *ArrayLit) End() Pos { return x.Rbrack + 1 }

// Pos implements Node.
func (x *ObjectLit) Pos() Pos { return x.Lbrace }

// End implements Node.
func (x *ObjectLit) End() Pos { return x.Rbrace + 1 }

// Pos implements Node.
func (x *StarExpr) Pos() Pos { return x.Star }

// End implements Node.
func (x *StarExpr) End() Pos { return x.Star + 1 }

// Pos implements Node.
func (x *ParenExpr) Pos() Pos { return x.Lparen }

// End implements Node.
func (x *ParenExpr) End() Pos { return x.Rparen + 1 }

// Pos implements Node.
func (x *UnaryExpr) Pos() Pos { return x.OpPos }

// End implements Node.
func (x *UnaryExpr) End() Pos { return endOf(x.X, x.OpPos+1) }

// Pos implements Node.
func (x *BinaryExpr) Pos() Pos { return x.X.Pos() }

// End implements Node.
func (x *BinaryExpr) End() Pos { return endOf(x.Y, x.OpPos) }

// Pos implements Node.
func (x *InExpr) Pos() Pos { return x.X.Pos() }

// End implements Node.
func (x *InExpr) End() Pos { return x.Rparen + 1 }

// Pos implements Node.
func (x *BetweenExpr) Pos() Pos { return x.X.Pos() }

// End implements Node.
func (x *BetweenExpr) End() Pos { return x.Rparen + 1 }

// Pos implements Node.
func (x *CallExpr) Pos() Pos { return x.Fun.Pos() }

// End implements Node.
func (x *CallExpr) End() Pos { return x.Rparen + 1 }

// Pos implements Node.
func (x *MemberExpr) Pos() Pos { return x.X.Pos() }

// End implements Node.
func (x *MemberExpr) End() Pos { return x.Name.End() }

// Pos implements Node.
func (x *IndexExpr) Pos() Pos { return x.X.Pos() }

// End implements Node.
func (x *IndexExpr) End() Pos { return x.Rbrack + 1 }

// Pos implements Node.
func (x *NamedExpr) Pos() Pos {
	if x.Paren && x.Lparen.IsValid() {
		return x.Lparen
	}
	if len(x.Names) > 0 {
		return x.Names[0].Pos()
	}
	return x.Assign
}

// End implements Node.
func (x *NamedExpr) End() Pos { return endOf(x.Value, x.Assign+1) }

// Pos implements Node.
func (x *FuncLit) Pos() Pos { return x.Lparen }

// End implements Node.
func (x *FuncLit) End() Pos { return x.Rbrace + 1 }

// Pos implements Node.
func (x *PipeExpr) Pos() Pos {
	if x.Source != nil {
		return x.Source.Pos()
	}
	if len(x.Ops) > 0 {
		return x.Ops[0].Pos()
	}
	return NoPos
}

// End implements Node.
func (x *PipeExpr) End() Pos {
	if len(x.Ops) > 0 {
		return x.Ops[len(x.Ops)-1].End()
	}
	if x.Source != nil {
		return x.Source.End()
	}
	return NoPos
}

// Types, parameters and options

// Pos implements Node.
func (t *TypeRef) Pos() Pos { return t.NamePos }

// End implements Node.
func (t *TypeRef) End() Pos { return t.EndP }

// Pos implements Node.
func (c *ColumnDecl) Pos() Pos { return c.Name.Pos() }

// End implements Node.
func (c *ColumnDecl) End() Pos {
	if c.Type != nil {
		return c.Type.End()
	}
	return c.Name.End()
}

// Pos implements Node.
func (p *Param) Pos() Pos { return p.Name.Pos() }

// End implements Node.
func (p *Param) End() Pos {
	if p.Default != nil {
		return p.Default.End()
	}
	if p.Type != nil {
		return p.Type.End()
	}
	return p.Name.End()
}

// Pos implements Node.
func (p *OpParam) Pos() Pos { return p.NamePos }

// End implements Node.
func (p *OpParam) End() Pos { return endOf(p.Value, kwEnd(p.NamePos, p.Name)) }

// Pos implements Node.
func (k *SortKey) Pos() Pos { return k.X.Pos() }

// End implements Node.
func (k *SortKey) End() Pos {
	if k.EndP > 0 {
		return k.EndP
	}
	return k.X.End()
}

// Pos implements Node.
func (c *TopNestedClause) Pos() Pos {
	if c.N != nil {
		return c.N.Pos()
	}
	return endOf(c.Of, NoPos)
}

// End implements Node.
func (c *TopNestedClause) End() Pos { return endOf(c.By, endOf(c.Of, NoPos)) }

// Pos implements Node.
func (m *MvExpandItem) Pos() Pos { return m.X.Pos() }

// End implements Node.
func (m *MvExpandItem) End() Pos {
	if m.To != nil {
		return m.To.End()
	}
	return m.X.End()
}

// Pos implements Node.
func (m *MakeSeriesAgg) Pos() Pos { return m.X.Pos() }

// End implements Node.
func (m *MakeSeriesAgg) End() Pos { return endOf(m.Default, m.X.End()) }

// Pos implements Node.
func (b *ForkBranch) Pos() Pos {
	if b.Name != nil {
		return b.Name.Pos()
	}
	return b.Sub.Pos()
}

// End implements Node.
func (b *ForkBranch) End() Pos { return b.Sub.End() }

// Pos implements Node.
func (s *ScanStep) Pos() Pos { return s.Name.Pos() }

// End implements Node.
func (s *ScanStep) End() Pos { return lastExprEnd(s.Assigns, endOf(s.Cond, s.Name.End())) }

// Operators

// Pos implements Node.
func (o *WhereOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *WhereOp) End() Pos { return endOf(o.Pred, kwEnd(o.OpPos, o.Keyword)) }

// Pos implements Node.
func (o *ProjectOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *ProjectOp) End() Pos { return lastExprEnd(o.Items, kwEnd(o.OpPos, o.Keyword)) }

// Pos implements Node.
func (o *SummarizeOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *SummarizeOp) End() Pos {
	return lastExprEnd(o.By, lastExprEnd(o.Aggs, lastParamEnd(o.Params, kwEnd(o.OpPos, "summarize"))))
}

// Pos implements Node.
func (o *JoinOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *JoinOp) End() Pos { return lastExprEnd(o.On, endOf(o.Right, kwEnd(o.OpPos, "join"))) }

// Pos implements Node.
func (o *LookupOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *LookupOp) End() Pos { return lastExprEnd(o.On, endOf(o.Right, kwEnd(o.OpPos, "lookup"))) }

// Pos implements Node.
func (o *UnionOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *UnionOp) End() Pos {
	return lastExprEnd(o.Tables, lastParamEnd(o.Params, kwEnd(o.OpPos, "union")))
}

// Pos implements Node.
func (o *SortOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *SortOp) End() Pos {
	if len(o.Keys) > 0 {
		return o.Keys[len(o.Keys)-1].End()
	}
	return kwEnd(o.OpPos, o.Keyword)
}

// Pos implements Node.
func (o *TopOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *TopOp) End() Pos {
	if len(o.Keys) > 0 {
		return o.Keys[len(o.Keys)-1].End()
	}
	return endOf(o.Count, kwEnd(o.OpPos, "top"))
}

// Pos implements Node.
func (o *TopNestedOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *TopNestedOp) End() Pos {
	if len(o.Clauses) > 0 {
		return o.Clauses[len(o.Clauses)-1].End()
	}
	return kwEnd(o.OpPos, "top-nested")
}

// Pos implements Node.
func (o *TakeOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *TakeOp) End() Pos { return endOf(o.Count, kwEnd(o.OpPos, o.Keyword)) }

// Pos implements Node.
func (o *DistinctOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *DistinctOp) End() Pos { return lastExprEnd(o.Items, kwEnd(o.OpPos, "distinct")) }

// Pos implements Node.
func (o *CountOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *CountOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *MvExpandOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *MvExpandOp) End() Pos {
	e := kwEnd(o.OpPos, "mv-expand")
	if len(o.Items) > 0 {
		e = o.Items[len(o.Items)-1].End()
	}
	return endOf(o.Limit, e)
}

// Pos implements Node.
func (o *MvApplyOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *MvApplyOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *ParseOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *ParseOp) End() Pos {
	if len(o.Pattern) > 0 {
		return o.Pattern[len(o.Pattern)-1].End()
	}
	return endOf(o.X, kwEnd(o.OpPos, o.Keyword))
}

// Pos implements Node.
func (o *ParseKvOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *ParseKvOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *MakeSeriesOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *MakeSeriesOp) End() Pos {
	return lastExprEnd(o.By, maxPos(endOf(o.Step, NoPos), endOf(o.To, NoPos), endOf(o.From, NoPos), endOf(o.On, kwEnd(o.OpPos, "make-series"))))
}

// Pos implements Node.
func (o *EvaluateOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *EvaluateOp) End() Pos {
	if o.Schema != nil {
		return o.Schema.End()
	}
	if o.Call != nil {
		return o.Call.End()
	}
	return kwEnd(o.OpPos, "evaluate")
}

// Pos implements Node.
func (o *RenderOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *RenderOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *AsOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *AsOp) End() Pos { return endOf(o.Alias, kwEnd(o.OpPos, "as")) }

// Pos implements Node.
func (o *SerializeOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *SerializeOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *RangeOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *RangeOp) End() Pos { return endOf(o.Step, kwEnd(o.OpPos, "range")) }

// Pos implements Node.
func (o *PrintOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *PrintOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *DataTableOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *DataTableOp) End() Pos { return o.Rbrack + 1 }

// Pos implements Node.
func (o *ExternalDataOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *ExternalDataOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *GetSchemaOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *GetSchemaOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *InvokeOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *InvokeOp) End() Pos {
	if o.Call != nil {
		return o.Call.End()
	}
	return kwEnd(o.OpPos, "invoke")
}

// Pos implements Node.
func (o *SearchOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *SearchOp) End() Pos { return endOf(o.Pred, kwEnd(o.OpPos, "search")) }

// Pos implements Node.
func (o *FindOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *FindOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *FacetOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *FacetOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *SampleOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *SampleOp) End() Pos { return endOf(o.Count, kwEnd(o.OpPos, "sample")) }

// Pos implements Node.
func (o *SampleDistinctOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *SampleDistinctOp) End() Pos { return endOf(o.Of, kwEnd(o.OpPos, "sample-distinct")) }

// Pos implements Node.
func (o *ForkOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *ForkOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *PartitionOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *PartitionOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *ScanOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *ScanOp) End() Pos { return o.EndP }

// Pos implements Node.
func (o *ConsumeOp) Pos() Pos { return o.OpPos }

// End implements Node.
func (o *ConsumeOp) End() Pos { return o.EndP }

// Operator names

// Name implements Operator.
func (o *WhereOp) Name() string { return o.Keyword }

// Name implements Operator.
func (o *ProjectOp) Name() string { return o.Keyword }

// Name implements Operator.
func (*SummarizeOp) Name() string { return "summarize" }

// Name implements Operator.
func (*JoinOp) Name() string { return "join" }

// Name implements Operator.
func (*LookupOp) Name() string { return "lookup" }

// Name implements Operator.
func (*UnionOp) Name() string { return "union" }

// Name implements Operator.
func (o *SortOp) Name() string { return o.Keyword }

// Name implements Operator.
func (*TopOp) Name() string { return "top" }

// Name implements Operator.
func (*TopNestedOp) Name() string { return "top-nested" }

// Name implements Operator.
func (o *TakeOp) Name() string { return o.Keyword }

// Name implements Operator.
func (*DistinctOp) Name() string { return "distinct" }

// Name implements Operator.
func (*CountOp) Name() string { return "count" }

// Name implements Operator.
func (*MvExpandOp) Name() string { return "mv-expand" }

// Name implements Operator.
func (*MvApplyOp) Name() string { return "mv-apply" }

// Name implements Operator.
func (o *ParseOp) Name() string { return o.Keyword }

// Name implements Operator.
func (*ParseKvOp) Name() string { return "parse-kv" }

// Name implements Operator.
func (*MakeSeriesOp) Name() string { return "make-series" }

// Name implements Operator.
func (*EvaluateOp) Name() string { return "evaluate" }

// Name implements Operator.
func (*RenderOp) Name() string { return "render" }

// Name implements Operator.
func (*AsOp) Name() string { return "as" }

// Name implements Operator.
func (*SerializeOp) Name() string { return "serialize" }

// Name implements Operator.
func (*RangeOp) Name() string { return "range" }

// Name implements Operator.
func (*PrintOp) Name() string { return "print" }

// Name implements Operator.
func (*DataTableOp) Name() string { return "datatable" }

// Name implements Operator.
func (*ExternalDataOp) Name() string { return "externaldata" }

// Name implements Operator.
func (*GetSchemaOp) Name() string { return "getschema" }

// Name implements Operator.
func (*InvokeOp) Name() string { return "invoke" }

// Name implements Operator.
func (*SearchOp) Name() string { return "search" }

// Name implements Operator.
func (*FindOp) Name() string { return "find" }

// Name implements Operator.
func (*FacetOp) Name() string { return "facet" }

// Name implements Operator.
func (*SampleOp) Name() string { return "sample" }

// Name implements Operator.
func (*SampleDistinctOp) Name() string { return "sample-distinct" }

// Name implements Operator.
func (*ForkOp) Name() string { return "fork" }

// Name implements Operator.
func (*PartitionOp) Name() string { return "partition" }

// Name implements Operator.
func (*ScanOp) Name() string { return "scan" }

// Name implements Operator.
func (*ConsumeOp) Name() string { return "consume" }
