package syntax

// Inspect traverses the tree rooted at node in depth-first order, calling
// f for each node before its children. When f returns false the node's
// children are skipped. Nil children are not visited.
func Inspect(node Node, f func(Node) bool) {
	if node == nil || isNilNode(node) {
		return
	}
	if !f(node) {
		return
	}
	forEachChild(node, func(c Node) { Inspect(c, f) })
}

// Children returns the direct children of n, in source order.
func Children(n Node) []Node {
	var out []Node
	forEachChild(n, func(c Node) { out = append(out, c) })
	return out
}

func forEachChild(n Node, visit func(Node)) {
	node := func(c Node) {
		if c != nil && !isNilNode(c) {
			visit(c)
		}
	}
	exprs := func(xs []Expr) {
		for _, x := range xs {
			node(x)
		}
	}
	params := func(ps []*OpParam) {
		for _, p := range ps {
			node(p)
		}
	}
	fparams := func(ps []*Param) {
		for _, p := range ps {
			node(p)
		}
	}
	stmts := func(ss []Stmt) {
		for _, s := range ss {
			node(s)
		}
	}
	cols := func(cs []*ColumnDecl) {
		for _, c := range cs {
			node(c)
		}
	}
	keys := func(ks []*SortKey) {
		for _, k := range ks {
			node(k)
		}
	}
	items := func(is []*MvExpandItem) {
		for _, it := range is {
			node(it)
		}
	}
	ident := func(id *Ident) {
		if id != nil {
			visit(id)
		}
	}
	switch n := n.(type) {
	case *Query:
		stmts(n.Stmts)
	case *LetStmt:
		ident(n.Name)
		node(n.Value)
	case *SetStmt:
		ident(n.Name)
		node(n.Value)
	case *DeclareStmt:
		fparams(n.Params)
	case *ExprStmt:
		node(n.X)
	case *Ident, *Literal, *StarExpr:
	case *DynamicLit:
		node(n.Value)
	case *ArrayLit:
		exprs(n.Elems)
	case *ObjectLit:
		exprs(n.Values)
	case *ParenExpr:
		node(n.X)
	case *UnaryExpr:
		node(n.X)
	case *BinaryExpr:
		node(n.X)
		node(n.Y)
	case *InExpr:
		node(n.X)
		exprs(n.List)
	case *BetweenExpr:
		node(n.X)
		node(n.Lo)
		node(n.Hi)
	case *CallExpr:
		ident(n.Fun)
		exprs(n.Args)
	case *MemberExpr:
		node(n.X)
		ident(n.Name)
	case *IndexExpr:
		node(n.X)
		node(n.Index)
	case *NamedExpr:
		for _, id := range n.Names {
			ident(id)
		}
		node(n.Value)
	case *FuncLit:
		fparams(n.Params)
		stmts(n.Body)
	case *PipeExpr:
		node(n.Source)
		for _, op := range n.Ops {
			node(op)
		}
	case *TypeRef:
		cols(n.Columns)
	case *ColumnDecl:
		ident(n.Name)
		if n.Type != nil {
			visit(n.Type)
		}
	case *Param:
		ident(n.Name)
		if n.Type != nil {
			visit(n.Type)
		}
		node(n.Default)
	case *OpParam:
		node(n.Value)
	case *SortKey:
		node(n.X)
	case *TopNestedClause:
		node(n.N)
		node(n.Of)
		node(n.WithOthers)
		node(n.By)
	case *MvExpandItem:
		node(n.X)
		if n.To != nil {
			visit(n.To)
		}
	case *MakeSeriesAgg:
		node(n.X)
		node(n.Default)
	case *ForkBranch:
		ident(n.Name)
		if n.Sub != nil {
			visit(n.Sub)
		}
	case *ScanStep:
		ident(n.Name)
		node(n.Cond)
		exprs(n.Assigns)
	case *WhereOp:
		params(n.Params)
		node(n.Pred)
	case *ProjectOp:
		exprs(n.Items)
	case *SummarizeOp:
		params(n.Params)
		exprs(n.Aggs)
		exprs(n.By)
	case *JoinOp:
		params(n.Params)
		node(n.Right)
		exprs(n.On)
	case *LookupOp:
		params(n.Params)
		node(n.Right)
		exprs(n.On)
	case *UnionOp:
		params(n.Params)
		exprs(n.Tables)
	case *SortOp:
		params(n.Params)
		keys(n.Keys)
	case *TopOp:
		params(n.Params)
		node(n.Count)
		keys(n.Keys)
	case *TopNestedOp:
		for _, c := range n.Clauses {
			if c != nil {
				visit(c)
			}
		}
	case *TakeOp:
		params(n.Params)
		node(n.Count)
	case *DistinctOp:
		params(n.Params)
		exprs(n.Items)
	case *CountOp, *GetSchemaOp:
	case *MvExpandOp:
		params(n.Params)
		items(n.Items)
		node(n.Limit)
	case *MvApplyOp:
		params(n.Params)
		items(n.Items)
		node(n.Limit)
		if n.Sub != nil {
			visit(n.Sub)
		}
	case *ParseOp:
		params(n.Params)
		node(n.X)
		for _, e := range n.Pattern {
			node(e)
		}
	case *ParseKvOp:
		node(n.X)
		cols(n.Columns)
		params(n.With)
	case *MakeSeriesOp:
		params(n.Params)
		for _, a := range n.Aggs {
			if a != nil {
				visit(a)
			}
		}
		node(n.On)
		node(n.From)
		node(n.To)
		node(n.Step)
		exprs(n.By)
	case *EvaluateOp:
		params(n.Params)
		if n.Call != nil {
			visit(n.Call)
		}
		if n.Schema != nil {
			visit(n.Schema)
		}
	case *RenderOp:
		ident(n.Chart)
		params(n.With)
	case *AsOp:
		params(n.Params)
		ident(n.Alias)
	case *SerializeOp:
		exprs(n.Items)
	case *RangeOp:
		ident(n.Column)
		node(n.From)
		node(n.To)
		node(n.Step)
	case *PrintOp:
		exprs(n.Items)
	case *DataTableOp:
		params(n.Params)
		cols(n.Columns)
		exprs(n.Values)
	case *ExternalDataOp:
		params(n.Params)
		cols(n.Columns)
		exprs(n.URIs)
		params(n.With)
	case *InvokeOp:
		if n.Call != nil {
			visit(n.Call)
		}
	case *SearchOp:
		params(n.Params)
		exprs(n.Tables)
		node(n.Pred)
	case *FindOp:
		params(n.Params)
		exprs(n.Tables)
		node(n.Pred)
		exprs(n.Project)
	case *FacetOp:
		exprs(n.By)
		if n.With != nil {
			visit(n.With)
		}
	case *SampleOp:
		params(n.Params)
		node(n.Count)
	case *SampleDistinctOp:
		params(n.Params)
		node(n.Count)
		node(n.Of)
	case *ForkOp:
		for _, b := range n.Branches {
			if b != nil {
				visit(b)
			}
		}
	case *PartitionOp:
		params(n.Params)
		node(n.By)
		node(n.Sub)
	case *ScanOp:
		params(n.Params)
		keys(n.OrderBy)
		exprs(n.PartitionBy)
		fparams(n.Declare)
		for _, s := range n.Steps {
			if s != nil {
				visit(s)
			}
		}
	case *ConsumeOp:
		params(n.Params)
	}
}
