package syntax

import (
	"strings"
)

// Print renders n as canonical KQL text. Parsing the result gives the same
// tree (ignoring positions). Operators of a pipeline are separated by
// "\n| "; statements by ";\n".
func Print(n Node) string {
	var pr printer
	pr.node(n)
	return pr.b.String()
}

type printer struct {
	b strings.Builder
}

func (pr *printer) s(s string) { pr.b.WriteString(s) }

// Quote returns s as a single-quoted KQL string literal with backslash
// escapes.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\'':
			b.WriteString(`\'`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// list prints ns separated by sep.
func list[N Node](pr *printer, ns []N, sep string) {
	for i, n := range ns {
		if i > 0 {
			pr.s(sep)
		}
		pr.node(n)
	}
}

func (pr *printer) params(ps []*OpParam) {
	for _, p := range ps {
		pr.s(" ")
		pr.node(p)
	}
}

func (pr *printer) cols(cs []*ColumnDecl) {
	pr.s("(")
	list(pr, cs, ", ")
	pr.s(")")
}

func (pr *printer) with(ps []*OpParam) {
	if len(ps) == 0 {
		return
	}
	pr.s(" with (")
	list(pr, ps, ", ")
	pr.s(")")
}

func (pr *printer) pipeOps(ops []Operator, leading bool) {
	for i, op := range ops {
		if i > 0 || leading {
			pr.s("\n| ")
		}
		pr.node(op)
	}
}

// litKeyword is the type keyword a literal of each kind is written with:
// long(1), datetime(2024-01-01).
var litKeyword = map[LitKind]string{
	LitLong: "long", LitInt: "int", LitReal: "real", LitDecimal: "decimal", LitBool: "bool",
	LitDateTime: "datetime", LitTimeSpan: "timespan", LitGuid: "guid",
}

func (pr *printer) lit(x *Literal) {
	switch x.Kind {
	case LitString:
		if x.Raw != "" {
			pr.s(x.Raw)
		} else {
			pr.s(Quote(x.Value))
		}
	case LitNull:
		pr.s("null")
	case LitLong, LitReal, LitBool, LitTimeSpan:
		// These have a bare form; a typed or null one keeps its keyword.
		if x.Typed || x.Null {
			pr.typedLit(x)
		} else {
			pr.s(x.Raw)
		}
	case LitInt, LitDecimal, LitDateTime, LitGuid:
		pr.typedLit(x)
	default:
		pr.s(x.Raw)
	}
}

// typedLit prints x as its type keyword around its raw text: int(1).
func (pr *printer) typedLit(x *Literal) {
	pr.s(litKeyword[x.Kind])
	pr.s("(")
	pr.s(x.Raw)
	pr.s(")")
}

func (pr *printer) ident(id *Ident) {
	if id == nil {
		return
	}
	if id.Bracketed {
		pr.s("[")
		pr.s(Quote(id.Name))
		pr.s("]")
		return
	}
	pr.s(id.Name)
}

func (pr *printer) node(n Node) {
	if n == nil || isNilNode(n) {
		return
	}
	switch n := n.(type) {
	case *Query:
		list(pr, n.Stmts, ";\n")
	case *LetStmt:
		pr.s("let ")
		pr.ident(n.Name)
		pr.s(" = ")
		pr.node(n.Value)
	case *SetStmt:
		pr.s("set ")
		pr.ident(n.Name)
		if n.Value != nil {
			pr.s(" = ")
			pr.node(n.Value)
		}
	case *DeclareStmt:
		pr.s("declare query_parameters(")
		list(pr, n.Params, ", ")
		pr.s(")")
	case *ExprStmt:
		pr.node(n.X)
	case *Ident:
		pr.ident(n)
	case *Literal:
		pr.lit(n)
	case *DynamicLit:
		pr.s("dynamic(")
		if n.Value == nil {
			pr.s("null")
		} else {
			pr.node(n.Value)
		}
		pr.s(")")
	case *ArrayLit:
		if n.Bare {
			// A bare list of names, as in render with (ycolumns = a, b).
			list(pr, n.Elems, ", ")
			return
		}
		pr.s("[")
		list(pr, n.Elems, ", ")
		pr.s("]")
	case *ObjectLit:
		pr.s("{")
		for i, k := range n.Keys {
			if i > 0 {
				pr.s(", ")
			}
			pr.s(Quote(k))
			pr.s(": ")
			if i < len(n.Values) {
				pr.node(n.Values[i])
			}
		}
		pr.s("}")
	case *StarExpr:
		pr.s("*")
	case *ParenExpr:
		pr.s("(")
		pr.node(n.X)
		pr.s(")")
	case *UnaryExpr:
		pr.s(n.Op)
		if _, ok := n.X.(*UnaryExpr); ok {
			pr.s(" ")
		}
		pr.node(n.X)
	case *BinaryExpr:
		pr.node(n.X)
		pr.s(" ")
		pr.s(n.Op)
		pr.s(" ")
		pr.node(n.Y)
	case *InExpr:
		pr.node(n.X)
		pr.s(" ")
		pr.s(n.Op)
		pr.s(" (")
		list(pr, n.List, ", ")
		pr.s(")")
	case *BetweenExpr:
		pr.node(n.X)
		if n.Not {
			pr.s(" !between (")
		} else {
			pr.s(" between (")
		}
		pr.node(n.Lo)
		pr.s(" .. ")
		pr.node(n.Hi)
		pr.s(")")
	case *CallExpr:
		pr.ident(n.Fun)
		pr.s("(")
		list(pr, n.Args, ", ")
		pr.s(")")
	case *MemberExpr:
		pr.node(n.X)
		pr.s(".")
		pr.ident(n.Name)
	case *IndexExpr:
		pr.node(n.X)
		pr.s("[")
		pr.node(n.Index)
		pr.s("]")
	case *NamedExpr:
		if n.Paren {
			pr.s("(")
			list(pr, n.Names, ", ")
			pr.s(")")
		} else if len(n.Names) > 0 {
			pr.ident(n.Names[0])
		}
		pr.s(" = ")
		pr.node(n.Value)
	case *FuncLit:
		if n.View {
			pr.s("view ")
		}
		pr.s("(")
		list(pr, n.Params, ", ")
		pr.s(") {\n")
		list(pr, n.Body, ";\n")
		pr.s("\n}")
	case *PipeExpr:
		if n.Source != nil {
			pr.node(n.Source)
			pr.pipeOps(n.Ops, true)
		} else {
			pr.pipeOps(n.Ops, false)
		}
	case *TypeRef:
		if !n.Tabular {
			pr.s(n.Name)
			return
		}
		pr.s("(")
		i := 0
		if n.Star {
			pr.s("*")
			i++
		}
		for _, c := range n.Columns {
			if i > 0 {
				pr.s(", ")
			}
			pr.node(c)
			i++
		}
		pr.s(")")
	case *ColumnDecl:
		pr.ident(n.Name)
		if n.Type != nil {
			pr.s(":")
			pr.node(n.Type)
		}
	case *Param:
		pr.ident(n.Name)
		pr.s(":")
		pr.node(n.Type)
		if n.Default != nil {
			pr.s(" = ")
			pr.node(n.Default)
		}
	case *OpParam:
		pr.s(n.Name)
		pr.s("=")
		pr.node(n.Value)
	case *SortKey:
		pr.node(n.X)
		if n.Order != "" {
			pr.s(" ")
			pr.s(n.Order)
		}
		if n.Nulls != "" {
			pr.s(" nulls ")
			pr.s(n.Nulls)
		}
	case *TopNestedClause:
		if n.N != nil {
			pr.node(n.N)
			pr.s(" ")
		}
		pr.s("of ")
		pr.node(n.Of)
		if n.WithOthers != nil {
			pr.s(" with others = ")
			pr.node(n.WithOthers)
		}
		pr.s(" by ")
		pr.node(n.By)
		if n.Order != "" {
			pr.s(" ")
			pr.s(n.Order)
		}
	case *MvExpandItem:
		pr.node(n.X)
		if n.To != nil {
			pr.s(" to typeof(")
			pr.node(n.To)
			pr.s(")")
		}
	case *MakeSeriesAgg:
		pr.node(n.X)
		if n.Default != nil {
			pr.s(" default = ")
			pr.node(n.Default)
		}
	case *ForkBranch:
		if n.Name != nil {
			pr.ident(n.Name)
			pr.s(" = ")
		}
		pr.s("(")
		pr.node(n.Sub)
		pr.s(")")
	case *ScanStep:
		pr.s("step ")
		pr.ident(n.Name)
		if n.Optional {
			pr.s(" optional")
		}
		if n.Output != "" {
			pr.s(" output=")
			pr.s(n.Output)
		}
		pr.s(": ")
		pr.node(n.Cond)
		if len(n.Assigns) > 0 {
			pr.s(" => ")
			list(pr, n.Assigns, ", ")
		}
		pr.s(";")
	default:
		pr.op(n)
	}
}

func (pr *printer) op(n Node) {
	switch n := n.(type) {
	case *WhereOp:
		pr.s(n.Keyword)
		pr.params(n.Params)
		pr.s(" ")
		pr.node(n.Pred)
	case *ProjectOp:
		pr.s(n.Keyword)
		pr.s(" ")
		for i, it := range n.Items {
			if i > 0 {
				pr.s(", ")
			}
			pr.node(it)
			if i < len(n.Orders) && n.Orders[i] != "" {
				pr.s(" ")
				pr.s(n.Orders[i])
			}
		}
	case *SummarizeOp:
		pr.s("summarize")
		pr.params(n.Params)
		if len(n.Aggs) > 0 {
			pr.s(" ")
			list(pr, n.Aggs, ", ")
		}
		if len(n.By) > 0 {
			pr.s(" by ")
			list(pr, n.By, ", ")
		}
	case *JoinOp:
		pr.s("join")
		pr.params(n.Params)
		pr.s(" ")
		pr.node(n.Right)
		pr.s(" on ")
		list(pr, n.On, ", ")
	case *LookupOp:
		pr.s("lookup")
		pr.params(n.Params)
		pr.s(" ")
		pr.node(n.Right)
		pr.s(" on ")
		list(pr, n.On, ", ")
	case *UnionOp:
		pr.s("union")
		pr.params(n.Params)
		pr.s(" ")
		list(pr, n.Tables, ", ")
	case *SortOp:
		pr.s(n.Keyword)
		pr.params(n.Params)
		pr.s(" by ")
		list(pr, n.Keys, ", ")
	case *TopOp:
		pr.s("top")
		pr.params(n.Params)
		pr.s(" ")
		pr.node(n.Count)
		pr.s(" by ")
		list(pr, n.Keys, ", ")
	case *TopNestedOp:
		for i, c := range n.Clauses {
			if i > 0 {
				pr.s(", ")
			}
			pr.s("top-nested ")
			pr.node(c)
		}
	case *TakeOp:
		pr.s(n.Keyword)
		pr.params(n.Params)
		pr.s(" ")
		pr.node(n.Count)
	case *DistinctOp:
		pr.s("distinct")
		pr.params(n.Params)
		pr.s(" ")
		list(pr, n.Items, ", ")
	case *CountOp:
		pr.s("count")
	case *MvExpandOp:
		pr.s("mv-expand")
		pr.params(n.Params)
		pr.s(" ")
		list(pr, n.Items, ", ")
		if n.Limit != nil {
			pr.s(" limit ")
			pr.node(n.Limit)
		}
	case *MvApplyOp:
		pr.s("mv-apply")
		pr.params(n.Params)
		pr.s(" ")
		list(pr, n.Items, ", ")
		if n.Limit != nil {
			pr.s(" limit ")
			pr.node(n.Limit)
		}
		pr.s(" on (")
		pr.node(n.Sub)
		pr.s(")")
	case *ParseOp:
		pr.s(n.Keyword)
		pr.params(n.Params)
		pr.s(" ")
		pr.node(n.X)
		pr.s(" with")
		for _, e := range n.Pattern {
			pr.s(" ")
			pr.node(e)
		}
	case *ParseKvOp:
		pr.s("parse-kv ")
		pr.node(n.X)
		pr.s(" as ")
		pr.cols(n.Columns)
		pr.with(n.With)
	case *MakeSeriesOp:
		pr.s("make-series")
		pr.params(n.Params)
		pr.s(" ")
		list(pr, n.Aggs, ", ")
		pr.s(" on ")
		pr.node(n.On)
		if n.InRange {
			pr.s(" in range(")
			pr.node(n.From)
			pr.s(", ")
			pr.node(n.To)
			pr.s(", ")
			pr.node(n.Step)
			pr.s(")")
		} else {
			if n.From != nil {
				pr.s(" from ")
				pr.node(n.From)
			}
			if n.To != nil {
				pr.s(" to ")
				pr.node(n.To)
			}
			pr.s(" step ")
			pr.node(n.Step)
		}
		if len(n.By) > 0 {
			pr.s(" by ")
			list(pr, n.By, ", ")
		}
	case *EvaluateOp:
		pr.s("evaluate")
		pr.params(n.Params)
		pr.s(" ")
		pr.node(n.Call)
		if n.Schema != nil {
			pr.s(" : ")
			pr.node(n.Schema)
		}
	case *RenderOp:
		pr.s("render ")
		pr.ident(n.Chart)
		pr.with(n.With)
	case *AsOp:
		pr.s("as")
		pr.params(n.Params)
		pr.s(" ")
		pr.ident(n.Alias)
	case *SerializeOp:
		pr.s("serialize")
		if len(n.Items) > 0 {
			pr.s(" ")
			list(pr, n.Items, ", ")
		}
	case *RangeOp:
		pr.s("range ")
		pr.ident(n.Column)
		pr.s(" from ")
		pr.node(n.From)
		pr.s(" to ")
		pr.node(n.To)
		pr.s(" step ")
		pr.node(n.Step)
	case *PrintOp:
		pr.s("print")
		if len(n.Items) > 0 {
			pr.s(" ")
			list(pr, n.Items, ", ")
		}
	case *DataTableOp:
		pr.s("datatable")
		pr.params(n.Params)
		pr.cols(n.Columns)
		pr.s(" [")
		list(pr, n.Values, ", ")
		pr.s("]")
	case *ExternalDataOp:
		pr.s("externaldata")
		pr.params(n.Params)
		pr.cols(n.Columns)
		pr.s(" [")
		list(pr, n.URIs, ", ")
		pr.s("]")
		pr.with(n.With)
	case *GetSchemaOp:
		pr.s("getschema")
	case *InvokeOp:
		pr.s("invoke ")
		pr.node(n.Call)
	case *SearchOp:
		pr.s("search")
		pr.params(n.Params)
		if len(n.Tables) > 0 {
			pr.s(" in (")
			list(pr, n.Tables, ", ")
			pr.s(")")
		}
		pr.s(" ")
		pr.node(n.Pred)
	case *FindOp:
		pr.s("find")
		pr.params(n.Params)
		if len(n.Tables) > 0 {
			pr.s(" in (")
			list(pr, n.Tables, ", ")
			pr.s(")")
		}
		pr.s(" where ")
		pr.node(n.Pred)
		if n.ProjectSmart {
			pr.s(" project-smart")
		} else if len(n.Project) > 0 {
			pr.s(" project ")
			list(pr, n.Project, ", ")
		}
	case *FacetOp:
		pr.s("facet by ")
		list(pr, n.By, ", ")
		if n.With != nil {
			pr.s(" with (")
			pr.node(n.With)
			pr.s(")")
		}
	case *SampleOp:
		pr.s("sample")
		pr.params(n.Params)
		pr.s(" ")
		pr.node(n.Count)
	case *SampleDistinctOp:
		pr.s("sample-distinct")
		pr.params(n.Params)
		pr.s(" ")
		pr.node(n.Count)
		pr.s(" of ")
		pr.node(n.Of)
	case *ForkOp:
		pr.s("fork")
		for _, b := range n.Branches {
			pr.s(" ")
			pr.node(b)
		}
	case *PartitionOp:
		pr.s("partition")
		pr.params(n.Params)
		pr.s(" by ")
		pr.node(n.By)
		if n.Braced {
			pr.s(" {\n")
			pr.node(n.Sub)
			pr.s("\n}")
		} else {
			pr.s(" (")
			pr.node(n.Sub)
			pr.s(")")
		}
	case *ScanOp:
		pr.s("scan")
		pr.params(n.Params)
		if len(n.OrderBy) > 0 {
			pr.s(" order by ")
			list(pr, n.OrderBy, ", ")
		}
		if len(n.PartitionBy) > 0 {
			pr.s(" partition by ")
			list(pr, n.PartitionBy, ", ")
		}
		if len(n.Declare) > 0 {
			pr.s(" declare (")
			list(pr, n.Declare, ", ")
			pr.s(")")
		}
		pr.s(" with (\n")
		for _, st := range n.Steps {
			pr.s("    ")
			pr.node(st)
			pr.s("\n")
		}
		pr.s(")")
	case *ConsumeOp:
		pr.s("consume")
		pr.params(n.Params)
	}
}
