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

// eachNode calls node for each element of ns.
func eachNode[N Node](ns []N, node func(Node)) {
	for _, n := range ns {
		node(n)
	}
}

func forEachChild(n Node, visit func(Node)) {
	node := func(c Node) {
		if c != nil && !isNilNode(c) {
			visit(c)
		}
	}
	ident := func(id *Ident) {
		if id != nil {
			visit(id)
		}
	}
	switch n := n.(type) {
	case *Query:
		eachNode(n.Stmts, node)
	case *LetStmt:
		ident(n.Name)
		node(n.Value)
	case *SetStmt:
		ident(n.Name)
		node(n.Value)
	case *DeclareStmt:
		eachNode(n.Params, node)
	case *ExprStmt:
		node(n.X)
	case *Ident, *Literal, *StarExpr:
	case *DynamicLit:
		node(n.Value)
	case *ArrayLit:
		eachNode(n.Elems, node)
	case *ObjectLit:
		eachNode(n.Values, node)
	case *ParenExpr:
		node(n.X)
	case *UnaryExpr:
		node(n.X)
	case *BinaryExpr:
		node(n.X)
		node(n.Y)
	case *InExpr:
		node(n.X)
		eachNode(n.List, node)
	case *BetweenExpr:
		node(n.X)
		node(n.Lo)
		node(n.Hi)
	case *CallExpr:
		ident(n.Fun)
		eachNode(n.Args, node)
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
		eachNode(n.Params, node)
		eachNode(n.Body, node)
	case *PipeExpr:
		node(n.Source)
		eachNode(n.Ops, node)
	case *TypeRef:
		eachNode(n.Columns, node)
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
		eachNode(n.Assigns, node)
	case *WhereOp:
		eachNode(n.Params, node)
		node(n.Pred)
	case *ProjectOp:
		eachNode(n.Items, node)
	case *SummarizeOp:
		eachNode(n.Params, node)
		eachNode(n.Aggs, node)
		eachNode(n.By, node)
	case *JoinOp:
		eachNode(n.Params, node)
		node(n.Right)
		eachNode(n.On, node)
	case *LookupOp:
		eachNode(n.Params, node)
		node(n.Right)
		eachNode(n.On, node)
	case *UnionOp:
		eachNode(n.Params, node)
		eachNode(n.Tables, node)
	case *SortOp:
		eachNode(n.Params, node)
		eachNode(n.Keys, node)
	case *TopOp:
		eachNode(n.Params, node)
		node(n.Count)
		eachNode(n.Keys, node)
	case *TopNestedOp:
		for _, c := range n.Clauses {
			if c != nil {
				visit(c)
			}
		}
	case *TakeOp:
		eachNode(n.Params, node)
		node(n.Count)
	case *DistinctOp:
		eachNode(n.Params, node)
		eachNode(n.Items, node)
	case *CountOp, *GetSchemaOp:
	case *MvExpandOp:
		eachNode(n.Params, node)
		eachNode(n.Items, node)
		node(n.Limit)
	case *MvApplyOp:
		eachNode(n.Params, node)
		eachNode(n.Items, node)
		node(n.Limit)
		if n.Sub != nil {
			visit(n.Sub)
		}
	case *ParseOp:
		eachNode(n.Params, node)
		node(n.X)
		eachNode(n.Pattern, node)
	case *ParseKvOp:
		node(n.X)
		eachNode(n.Columns, node)
		eachNode(n.With, node)
	case *MakeSeriesOp:
		eachNode(n.Params, node)
		for _, a := range n.Aggs {
			if a != nil {
				visit(a)
			}
		}
		node(n.On)
		node(n.From)
		node(n.To)
		node(n.Step)
		eachNode(n.By, node)
	case *EvaluateOp:
		eachNode(n.Params, node)
		if n.Call != nil {
			visit(n.Call)
		}
		if n.Schema != nil {
			visit(n.Schema)
		}
	case *RenderOp:
		ident(n.Chart)
		eachNode(n.With, node)
	case *AsOp:
		eachNode(n.Params, node)
		ident(n.Alias)
	case *SerializeOp:
		eachNode(n.Items, node)
	case *RangeOp:
		ident(n.Column)
		node(n.From)
		node(n.To)
		node(n.Step)
	case *PrintOp:
		eachNode(n.Items, node)
	case *DataTableOp:
		eachNode(n.Params, node)
		eachNode(n.Columns, node)
		eachNode(n.Values, node)
	case *ExternalDataOp:
		eachNode(n.Params, node)
		eachNode(n.Columns, node)
		eachNode(n.URIs, node)
		eachNode(n.With, node)
	case *InvokeOp:
		if n.Call != nil {
			visit(n.Call)
		}
	case *SearchOp:
		eachNode(n.Params, node)
		eachNode(n.Tables, node)
		node(n.Pred)
	case *FindOp:
		eachNode(n.Params, node)
		eachNode(n.Tables, node)
		node(n.Pred)
		eachNode(n.Project, node)
	case *FacetOp:
		eachNode(n.By, node)
		if n.With != nil {
			visit(n.With)
		}
	case *SampleOp:
		eachNode(n.Params, node)
		node(n.Count)
	case *SampleDistinctOp:
		eachNode(n.Params, node)
		node(n.Count)
		node(n.Of)
	case *ForkOp:
		for _, b := range n.Branches {
			if b != nil {
				visit(b)
			}
		}
	case *PartitionOp:
		eachNode(n.Params, node)
		node(n.By)
		node(n.Sub)
	case *ScanOp:
		eachNode(n.Params, node)
		eachNode(n.OrderBy, node)
		eachNode(n.PartitionBy, node)
		eachNode(n.Declare, node)
		for _, s := range n.Steps {
			if s != nil {
				visit(s)
			}
		}
	case *ConsumeOp:
		eachNode(n.Params, node)
	}
}
