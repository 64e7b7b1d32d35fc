// Package syntax holds the KQL lexer, parser, abstract syntax tree and printer.
//
// The package knows nothing about schemas or types: it turns text into a tree
// whose every node records where it came from. The checker (package
// kqlhunt/kql/check) walks the tree and records what it learns in side tables.
//
// Tabular and scalar expressions share one Expr interface, as they do in the
// Kusto grammar: a name such as AzureActivity is an *Ident whether it names a
// table, a column or a let-bound value; the checker decides which.
package syntax

// Pos is a byte offset into the source text of a File. NoPos marks a node
// that was synthesised rather than parsed.
type Pos int

// NoPos is the zero-information position.
const NoPos Pos = -1

// IsValid reports whether p points into a source text.
func (p Pos) IsValid() bool { return p >= 0 }

// Node is implemented by every syntax tree node.
type Node interface {
	Pos() Pos // first byte of the node
	End() Pos // first byte after the node
}

// Expr is a scalar or tabular expression.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a query statement: let, set, declare, or a tabular expression.
type Stmt interface {
	Node
	stmtNode()
}

// Operator is a tabular operator that appears after a pipe. Operators that
// may also start a pipeline (union, range, print, datatable, externaldata,
// search, find, evaluate) implement Expr as well.
type Operator interface {
	Node
	opNode()
	// Name is the operator keyword as written in canonical form, e.g.
	// "where", "project-away", "mv-expand".
	Name() string
}

// ---------------------------------------------------------------------------
// Queries and statements

// Query is a whole KQL query: statements separated by semicolons.
type Query struct {
	Stmts []Stmt
	EOF   Pos
}

// Pos implements Node.
func (q *Query) Pos() Pos {
	if len(q.Stmts) > 0 {
		return q.Stmts[0].Pos()
	}
	return q.EOF
}

// End implements Node.
func (q *Query) End() Pos { return q.EOF }

// LetStmt binds a name to a scalar, a tabular expression or a function.
//
//	let Name = Value
type LetStmt struct {
	Let   Pos
	Name  *Ident
	Value Expr // a *FuncLit for user-defined functions and views
}

// SetStmt sets a request option: set Name [= Value].
type SetStmt struct {
	Set   Pos
	Name  *Ident // may contain dots, e.g. query_datetimescope_column
	Value Expr   // nil when absent
	EndP  Pos
}

// DeclareStmt declares query parameters:
//
//	declare query_parameters(Name:Type [= Default], ...)
type DeclareStmt struct {
	Declare Pos
	Params  []*Param
	Rparen  Pos
}

// ExprStmt is a tabular (or, rarely, scalar) expression statement; the
// last one in a query produces its result.
type ExprStmt struct {
	X Expr
}

// ---------------------------------------------------------------------------
// Expressions

// Ident is a name: a column, table, let-bound value or function. Bracketed
// names such as ['name with space'] and ["x"] set Bracketed; Name holds the
// unquoted text. Wildcard names such as Prop* (in project-away, union) keep
// the '*' in Name. The special names $left and $right are Idents too.
type Ident struct {
	NamePos   Pos
	Name      string
	Bracketed bool
	EndP      Pos
}

// LitKind is the kind of a literal.
type LitKind int

// Literal kinds. Kinds from LitBool on follow the Kusto scalar type of the
// same name.
const (
	LitInvalid LitKind = iota
	LitBool
	LitInt
	LitLong
	LitReal
	LitDecimal
	LitString
	LitDateTime
	LitTimeSpan
	LitGuid
	// LitNull is an untyped null inside a dynamic JSON value, as in
	// dynamic([1, null]).
	LitNull
)

// Literal is a scalar literal.
//
//   - LitString: Value holds the decoded text (escapes resolved, verbatim and
//     obfuscated forms unwrapped, adjacent literals concatenated); Raw holds
//     the source text.
//   - LitLong, LitInt, LitReal, LitDecimal, LitBool: Raw holds the number or
//     word as written inside the literal (e.g. "10", "1.5e3", "true"); an
//     explicitly typed literal such as long(5) or real(nan) sets Typed.
//   - LitTimeSpan: Raw holds the text, e.g. "1d", "100ms", "1.02:03:04"
//     (time(...) and timespan(...) set Typed).
//   - LitDateTime: Raw holds the text inside datetime(...).
//   - LitGuid: Raw holds the text inside guid(...).
//
// Null is set for typed nulls such as long(null) or datetime(null).
type Literal struct {
	ValuePos Pos
	EndP     Pos
	Kind     LitKind
	Raw      string
	Value    string
	Typed    bool // written with a type wrapper: long(5), real(nan), time(1d), bool(true)
	Null     bool
}

// DynamicLit is dynamic(...) holding a JSON-like value whose leaves are
// literals: an *ArrayLit, *ObjectLit, *Literal, or nil for dynamic(null).
type DynamicLit struct {
	Dynamic Pos
	Value   Expr
	Rparen  Pos
}

// ArrayLit is a JSON array inside dynamic(...): [a, b, ...].
type ArrayLit struct {
	Lbrack Pos
	Elems  []Expr
	Rbrack Pos
	// Bare marks a list written without brackets, as the column list in
	// render ... with (ycolumns = a, b); Lbrack and Rbrack then span the
	// elements.
	Bare bool
}

// ObjectLit is a JSON object inside dynamic(...): {"k": v, ...}.
type ObjectLit struct {
	Lbrace Pos
	Keys   []string
	Values []Expr
	Rbrace Pos
}

// StarExpr is '*' used as an argument or column list (count(*),
// arg_max(x, *), union *, search *, distinct *).
type StarExpr struct {
	Star Pos
}

// ParenExpr is a parenthesised expression, scalar or tabular.
type ParenExpr struct {
	Lparen Pos
	X      Expr
	Rparen Pos
}

// UnaryExpr is -X or +X.
type UnaryExpr struct {
	OpPos Pos
	Op    string
	X     Expr
}

// BinaryExpr is X Op Y. Op is the operator in canonical lower-case form:
// arithmetic (+ - * / %), comparison (== != < <= > >= =~ !~), logical
// (and or), and string operators with their negated and case-sensitive
// variants (has, !has, has_cs, !has_cs, hasprefix, hassuffix, contains,
// startswith, endswith, ..., "matches regex"). <> is normalised to !=, and
// the legacy spellings containscs, notcontains, notcontainscs and
// !containscs to contains_cs, !contains, !contains_cs and !contains_cs.
type BinaryExpr struct {
	X     Expr
	OpPos Pos
	Op    string
	Y     Expr
}

// InExpr is X Op (List...), for Op in in, !in, in~, !in~, has_any, has_all.
// A list element may be a tabular expression (a subquery or a let-bound
// table name); a single dynamic array is also allowed.
type InExpr struct {
	X      Expr
	OpPos  Pos
	Op     string
	Lparen Pos
	List   []Expr
	Rparen Pos
}

// BetweenExpr is X [!]between (Lo .. Hi).
type BetweenExpr struct {
	X      Expr
	OpPos  Pos
	Not    bool
	Lo, Hi Expr
	Rparen Pos
}

// CallExpr is a function call: Fun(Args...). Named arguments appear as
// *NamedExpr. Aggregates, scalar functions, user functions, table(),
// materialize() and toscalar() are all CallExprs.
type CallExpr struct {
	Fun    *Ident
	Lparen Pos
	Args   []Expr
	Rparen Pos
}

// MemberExpr is X.Name: dynamic property access, $left.Col, $right.Col,
// or database('x').Table.
type MemberExpr struct {
	X    Expr
	Name *Ident
}

// IndexExpr is X[Index]: dynamic array index or property by string.
type IndexExpr struct {
	X      Expr
	Lbrack Pos
	Index  Expr
	Rbrack Pos
}

// NamedExpr is Name = Value, or (N1, N2) = Value. It appears in project,
// extend, summarize, make-series, named function arguments and operator
// lists that allow renaming.
type NamedExpr struct {
	Names  []*Ident
	Paren  bool // names were written as a parenthesised tuple
	Lparen Pos  // position of '(' when Paren is set
	Assign Pos
	Value  Expr
}

// FuncLit is the body of a user-defined function or view:
//
//	(Params) { Body }   or   view (Params) { Body }
type FuncLit struct {
	View   bool
	Lparen Pos
	Params []*Param
	Lbrace Pos
	Body   []Stmt // let statements followed by one result expression statement
	Rbrace Pos
}

// PipeExpr is Source | Op | Op .... A nil Source means the operators apply
// to an implicit input: the subqueries of mv-apply, partition, facet, fork.
type PipeExpr struct {
	Source Expr
	Ops    []Operator
}

// ---------------------------------------------------------------------------
// Types, parameters and operator options

// TypeRef is a scalar type name (string, long, dynamic, ...) or a tabular
// schema such as (*) or (x:string, y:long).
type TypeRef struct {
	NamePos Pos
	Name    string        // scalar type name as written; "" for tabular
	Tabular bool          // a table schema
	Star    bool          // (*) or (*, ...) : any columns
	Columns []*ColumnDecl // declared columns of a tabular type
	EndP    Pos
}

// ColumnDecl is Name:Type.
type ColumnDecl struct {
	Name *Ident
	Type *TypeRef // nil when no type was written (e.g. in parse patterns)
}

// Param is a function or query parameter: Name:Type [= Default].
type Param struct {
	Name    *Ident
	Type    *TypeRef
	Default Expr
}

// OpParam is an operator option such as kind=inner, withsource=T,
// hint.strategy=shuffle, isfuzzy=true, bagexpansion=array,
// with_itemindex=i, or a render/parse-kv with(...) property.
type OpParam struct {
	NamePos Pos
	Name    string // as written, e.g. "kind", "hint.strategy"
	Value   Expr   // an *Ident for keyword values, or a literal
}

// SortKey is Expr [asc|desc] [nulls first|last].
type SortKey struct {
	X     Expr
	Order string // "", "asc" or "desc"
	Nulls string // "", "first" or "last"
	EndP  Pos    // first byte after the key, including any asc/desc/nulls words
}

// ---------------------------------------------------------------------------
// Tabular operators

// WhereOp is where/filter Predicate.
type WhereOp struct {
	OpPos   Pos
	Keyword string // "where" or "filter"
	Params  []*OpParam
	Pred    Expr
}

// ProjectOp covers project, project-away, project-keep, project-rename,
// project-reorder and extend. Items are column names (possibly wildcards),
// expressions, or *NamedExpr assignments. For project-reorder each item may
// carry an ordering in Orders ("", "asc", "desc", "granny-asc", "granny-desc").
type ProjectOp struct {
	OpPos   Pos
	Keyword string
	Items   []Expr
	Orders  []string
}

// SummarizeOp is summarize [params] [Aggs] [by Keys].
type SummarizeOp struct {
	OpPos  Pos
	Params []*OpParam
	Aggs   []Expr
	By     []Expr
}

// JoinOp is join [kind=K] [hints] Right on Conditions. Conditions are
// column names or $left.X == $right.Y comparisons joined by commas or 'and';
// the parser splits a top-level 'and' chain, so each element of On is one
// column name or one comparison.
type JoinOp struct {
	OpPos  Pos
	Params []*OpParam
	Right  Expr
	On     []Expr
}

// LookupOp is lookup [kind=K] Right on Conditions (split like JoinOp.On).
type LookupOp struct {
	OpPos  Pos
	Params []*OpParam
	Right  Expr
	On     []Expr
}

// UnionOp is union [params] Tables. Tables may be names, wildcards,
// parenthesised tabular expressions or '*'.
type UnionOp struct {
	OpPos  Pos
	Params []*OpParam
	Tables []Expr
}

// SortOp is sort/order by Keys.
type SortOp struct {
	OpPos   Pos
	Keyword string // "sort" or "order"
	Params  []*OpParam
	Keys    []*SortKey
}

// TopOp is top Count by Key.
type TopOp struct {
	OpPos  Pos
	Params []*OpParam
	Count  Expr
	Keys   []*SortKey
}

// TopNestedClause is one level of top-nested.
type TopNestedClause struct {
	N          Expr // nil when omitted
	Of         Expr // column or NamedExpr
	WithOthers Expr // nil unless "with others = X"
	By         Expr // aggregate, possibly *NamedExpr
	Order      string
}

// TopNestedOp is top-nested clause, clause, ....
type TopNestedOp struct {
	OpPos   Pos
	Clauses []*TopNestedClause
}

// TakeOp is take/limit Count.
type TakeOp struct {
	OpPos   Pos
	Keyword string // "take" or "limit"
	Params  []*OpParam
	Count   Expr
}

// DistinctOp is distinct Columns (or *).
type DistinctOp struct {
	OpPos  Pos
	Params []*OpParam
	Items  []Expr
}

// CountOp is count.
type CountOp struct {
	OpPos Pos
	EndP  Pos
}

// MvExpandItem is one expanded expression of mv-expand/mv-apply:
// [Name =] X [to typeof(T)].
type MvExpandItem struct {
	X  Expr
	To *TypeRef
}

// MvExpandOp is mv-expand [params] Items [limit N]. The legacy spelling
// mvexpand parses to the same node (likewise mvapply and makeseries).
type MvExpandOp struct {
	OpPos  Pos
	Params []*OpParam
	Items  []*MvExpandItem
	Limit  Expr
}

// MvApplyOp is mv-apply [params] Items [limit N] [id=...] on (Sub).
type MvApplyOp struct {
	OpPos  Pos
	Params []*OpParam
	Items  []*MvExpandItem
	Limit  Expr
	Sub    *PipeExpr
	EndP   Pos
}

// ParseOp is parse / parse-where [kind=...] X with Pattern. Pattern
// elements are string literals, *StarExpr, and *ColumnDecl.
type ParseOp struct {
	OpPos   Pos
	Keyword string // "parse" or "parse-where"
	Params  []*OpParam
	X       Expr
	Pattern []Node
}

// ParseKvOp is parse-kv X as (Columns) [with (Params)].
type ParseKvOp struct {
	OpPos   Pos
	X       Expr
	Columns []*ColumnDecl
	With    []*OpParam
	EndP    Pos
}

// MakeSeriesAgg is [Name =] Agg [default = Default].
type MakeSeriesAgg struct {
	X       Expr
	Default Expr
}

// MakeSeriesOp is make-series Aggs on Axis [from A] [to B] step S [by Keys],
// or the older form with in range(A, B, S).
type MakeSeriesOp struct {
	OpPos   Pos
	Params  []*OpParam
	Aggs    []*MakeSeriesAgg
	On      Expr
	From    Expr
	To      Expr
	Step    Expr
	InRange bool // written as "in range(from, to, step)"
	By      []Expr
}

// EvaluateOp is evaluate [hints] Plugin(args) [: Schema].
type EvaluateOp struct {
	OpPos  Pos
	Params []*OpParam
	Call   *CallExpr
	Schema *TypeRef // output schema such as : (*, Name:string); nil when absent
}

// RenderOp is render Chart [with (Props)].
type RenderOp struct {
	OpPos Pos
	Chart *Ident
	With  []*OpParam
	EndP  Pos
}

// AsOp is as [hint.materialized=true] Name.
type AsOp struct {
	OpPos  Pos
	Params []*OpParam
	Alias  *Ident
}

// SerializeOp is serialize [Name = Expr, ...].
type SerializeOp struct {
	OpPos Pos
	Items []Expr
	EndP  Pos
}

// RangeOp is range Column from Start to Stop step Step.
type RangeOp struct {
	OpPos  Pos
	Column *Ident
	From   Expr
	To     Expr
	Step   Expr
}

// PrintOp is print Exprs.
type PrintOp struct {
	OpPos Pos
	Items []Expr
	EndP  Pos
}

// DataTableOp is datatable(Columns) [Values].
type DataTableOp struct {
	OpPos   Pos
	Params  []*OpParam
	Columns []*ColumnDecl
	Values  []Expr
	Rbrack  Pos
}

// ExternalDataOp is externaldata(Columns) [URIs] [with (Props)].
type ExternalDataOp struct {
	OpPos   Pos
	Params  []*OpParam
	Columns []*ColumnDecl
	URIs    []Expr
	With    []*OpParam
	EndP    Pos
}

// GetSchemaOp is getschema.
type GetSchemaOp struct {
	OpPos Pos
	EndP  Pos
}

// InvokeOp is invoke Function(args).
type InvokeOp struct {
	OpPos Pos
	Call  *CallExpr
}

// SearchOp is search [kind=...] [in (Tables)] Predicate.
type SearchOp struct {
	OpPos  Pos
	Params []*OpParam
	Tables []Expr
	Pred   Expr
}

// FindOp is find [params] [in (Tables)] where Pred [project-smart | project Cols].
type FindOp struct {
	OpPos        Pos
	Params       []*OpParam
	Tables       []Expr
	Pred         Expr
	Project      []Expr
	ProjectSmart bool
	EndP         Pos
}

// FacetOp is facet by Columns [with (Sub)].
type FacetOp struct {
	OpPos Pos
	By    []Expr
	With  *PipeExpr
	EndP  Pos
}

// SampleOp is sample N.
type SampleOp struct {
	OpPos  Pos
	Params []*OpParam
	Count  Expr
}

// SampleDistinctOp is sample-distinct N of Column.
type SampleDistinctOp struct {
	OpPos  Pos
	Params []*OpParam
	Count  Expr
	Of     Expr
}

// ForkBranch is one fork branch: [Name =] (Sub).
type ForkBranch struct {
	Name *Ident
	Sub  *PipeExpr
}

// ForkOp is fork (Sub) (Sub) ....
type ForkOp struct {
	OpPos    Pos
	Branches []*ForkBranch
	EndP     Pos
}

// PartitionOp is partition [params] by Column (Sub) or { Sub }.
type PartitionOp struct {
	OpPos  Pos
	Params []*OpParam
	By     Expr
	Sub    Expr // *PipeExpr with nil Source for (...), any Expr for {...}
	Braced bool
	EndP   Pos
}

// ScanStep is step Name [optional] [output=all|last|none]: Condition
// [=> Assignments].
type ScanStep struct {
	Name     *Ident
	Optional bool
	Output   string // "", "all", "last" or "none"
	Cond     Expr
	Assigns  []Expr
}

// ScanOp is scan [with_match_id=...] [declare (...)] with (steps).
type ScanOp struct {
	OpPos       Pos
	Params      []*OpParam
	OrderBy     []*SortKey
	PartitionBy []Expr
	Declare     []*Param
	Steps       []*ScanStep
	EndP        Pos
}

// ConsumeOp is consume [params].
type ConsumeOp struct {
	OpPos  Pos
	Params []*OpParam
	EndP   Pos
}

// ---------------------------------------------------------------------------
// Node plumbing

func (*Ident) exprNode()          {}
func (*Literal) exprNode()        {}
func (*DynamicLit) exprNode()     {}
func (*ArrayLit) exprNode()       {}
func (*ObjectLit) exprNode()      {}
func (*StarExpr) exprNode()       {}
func (*ParenExpr) exprNode()      {}
func (*UnaryExpr) exprNode()      {}
func (*BinaryExpr) exprNode()     {}
func (*InExpr) exprNode()         {}
func (*BetweenExpr) exprNode()    {}
func (*CallExpr) exprNode()       {}
func (*MemberExpr) exprNode()     {}
func (*IndexExpr) exprNode()      {}
func (*NamedExpr) exprNode()      {}
func (*FuncLit) exprNode()        {}
func (*PipeExpr) exprNode()       {}
func (*UnionOp) exprNode()        {}
func (*RangeOp) exprNode()        {}
func (*PrintOp) exprNode()        {}
func (*DataTableOp) exprNode()    {}
func (*ExternalDataOp) exprNode() {}
func (*SearchOp) exprNode()       {}
func (*FindOp) exprNode()         {}
func (*EvaluateOp) exprNode()     {}
func (*LetStmt) stmtNode()        {}
func (*SetStmt) stmtNode()        {}
func (*DeclareStmt) stmtNode()    {}
func (*ExprStmt) stmtNode()       {}
func (*WhereOp) opNode()          {}
func (*ProjectOp) opNode()        {}
func (*SummarizeOp) opNode()      {}
func (*JoinOp) opNode()           {}
func (*LookupOp) opNode()         {}
func (*UnionOp) opNode()          {}
func (*SortOp) opNode()           {}
func (*TopOp) opNode()            {}
func (*TopNestedOp) opNode()      {}
func (*TakeOp) opNode()           {}
func (*DistinctOp) opNode()       {}
func (*CountOp) opNode()          {}
func (*MvExpandOp) opNode()       {}
func (*MvApplyOp) opNode()        {}
func (*ParseOp) opNode()          {}
func (*ParseKvOp) opNode()        {}
func (*MakeSeriesOp) opNode()     {}
func (*EvaluateOp) opNode()       {}
func (*RenderOp) opNode()         {}
func (*AsOp) opNode()             {}
func (*SerializeOp) opNode()      {}
func (*RangeOp) opNode()          {}
func (*PrintOp) opNode()          {}
func (*DataTableOp) opNode()      {}
func (*ExternalDataOp) opNode()   {}
func (*GetSchemaOp) opNode()      {}
func (*InvokeOp) opNode()         {}
func (*SearchOp) opNode()         {}
func (*FindOp) opNode()           {}
func (*FacetOp) opNode()          {}
func (*SampleOp) opNode()         {}
func (*SampleDistinctOp) opNode() {}
func (*ForkOp) opNode()           {}
func (*PartitionOp) opNode()      {}
func (*ScanOp) opNode()           {}
func (*ConsumeOp) opNode()        {}
