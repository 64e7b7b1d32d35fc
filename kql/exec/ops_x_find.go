package exec

import (
	"context"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planFind, "find")
}

// findLeg is one table find reads, with its compiled predicate.
type findLeg struct {
	name string
	node Node          // the table, extended with null columns for missing references
	ls   *batch.Schema // the table's own columns (a prefix of node's)
	pred *cexpr
}

// searchLegs resolves the tables of search/find: the listed expressions
// (a bare name with '*' matches table names), or every known table.
func (p *planner) searchLegs(tables []syntax.Expr) ([]string, []Node, error) {
	known := func() []string {
		env := p.q.opts.Env
		if env == nil {
			env = check.DefaultEnv()
		}
		seen := map[string]bool{}
		for name := range p.q.opts.Tables {
			seen[name] = true
		}
		for _, name := range env.TableNames() {
			seen[name] = true
		}
		var names []string
		for name := range seen {
			names = append(names, name)
		}
		sortStrings(names)
		return names
	}
	var names []string
	var nodes []Node
	addTable := func(name string) {
		if t, ok := p.q.opts.table(name); ok {
			names = append(names, name)
			nodes = append(nodes, p.scan(t, nil))
		}
	}
	if len(tables) == 0 {
		for _, name := range known() {
			addTable(name)
		}
		return names, nodes, nil
	}
	for _, te := range tables {
		if id, ok := te.(*syntax.Ident); ok && strings.Contains(id.Name, "*") {
			for _, name := range known() {
				if check.WildcardMatch(id.Name, name) {
					addTable(name)
				}
			}
			continue
		}
		n, err := p.plan(te)
		if err != nil {
			return nil, nil, err
		}
		names = append(names, legName(te))
		nodes = append(nodes, n)
	}
	return names, nodes, nil
}

// planFind filters the rows of several tables with one predicate and
// shapes them into one table: source_ (or the withsource name), then the
// projected columns (null where a table lacks one) and, for pack_all() or
// project-smart, a pack_ bag of the remaining columns. project-smart (the
// default) outputs the columns common to all tables and those the
// predicate names. Tables lacking every column the predicate names are
// skipped.
func planFind(p *planner, o syntax.Operator, _ Node) (Node, error) {
	op := o.(*syntax.FindOp)
	src := "source_"
	if v, ok := check.OpParam(op.Params, "withsource"); ok && v != "" {
		src = v
	}
	names, nodes, err := p.searchLegs(op.Tables)
	if err != nil {
		return nil, err
	}
	refs := map[string]bool{}
	var refOrder []string
	inspect(op.Pred, func(n any) {
		if id, ok := n.(*syntax.Ident); ok && !refs[id.Name] {
			refs[id.Name] = true
			refOrder = append(refOrder, id.Name)
		}
	})
	// A column the predicate names that a table lacks reads as null
	// there (typed as in the tables that have it).
	refType := func(name string) types.Type {
		for _, n := range nodes {
			if i := n.Schema().Index(name); i >= 0 {
				return n.Schema().Fields[i].Type
			}
		}
		return types.Null
	}
	var legs []findLeg
	for i, n := range nodes {
		s := n.Schema()
		uses := len(refs) == 0
		ext := &batch.Schema{Fields: append([]batch.Field(nil), s.Fields...)}
		for _, r := range refOrder {
			if s.Index(r) >= 0 {
				uses = true
			} else if t := refType(r); t != types.Null {
				ext.Fields = append(ext.Fields, batch.Field{Name: r, Type: t})
			}
		}
		if !uses {
			continue
		}
		node := n
		if len(ext.Fields) > len(s.Fields) {
			extra := ext.Fields[len(s.Fields):]
			node = streamNode(n, ext, func(b *batch.Batch) (*batch.Batch, error) {
				ob := &batch.Batch{Schema: ext, Cols: append([]*batch.Column(nil), b.Cols...), Len: b.Len}
				for _, f := range extra {
					ob.Cols = append(ob.Cols, constColumn(types.NullOf(f.Type), f.Type, b.Len))
				}
				return ob, nil
			})
		}
		pred, err := p.searchPred(op.Pred, ext, false)
		if err != nil {
			continue // the predicate does not apply to this table
		}
		legs = append(legs, findLeg{name: names[i], node: node, ls: s, pred: pred})
	}
	out := &batch.Schema{Fields: []batch.Field{{Name: src, Type: types.String}}}
	addCol := func(name string, t types.Type) {
		if i := out.Index(name); i >= 0 {
			if out.Fields[i].Type != t {
				out.Fields[i].Type = types.Dynamic
			}
			return
		}
		out.Fields = append(out.Fields, batch.Field{Name: name, Type: t})
	}
	typeOf := func(name string) (types.Type, bool) {
		t, found := types.Null, false
		for _, l := range legs {
			s := l.ls
			if i := s.Index(name); i >= 0 {
				if found && t != s.Fields[i].Type {
					return types.Dynamic, true
				}
				t, found = s.Fields[i].Type, true
			}
		}
		return t, found
	}
	pack := false
	if len(op.Project) > 0 && !op.ProjectSmart {
		for _, e := range op.Project {
			if call, ok := e.(*syntax.CallExpr); ok && (call.Fun.Name == "pack_all" || call.Fun.Name == "bag_pack_all") {
				pack = true
				continue
			}
			name := check.ExprName(e)
			if name == "" {
				return nil, p.errorf(e, "find: project takes column names and pack_all()")
			}
			t, ok := typeOf(name)
			if !ok {
				t = types.String
			}
			addCol(name, t)
		}
	} else {
		if len(legs) > 0 {
			for _, f := range legs[0].ls.Fields {
				common := true
				for _, l := range legs[1:] {
					if l.ls.Index(f.Name) < 0 {
						common = false
						break
					}
				}
				if common {
					t, _ := typeOf(f.Name)
					addCol(f.Name, t)
				}
			}
		}
		for _, r := range refOrder {
			if t, ok := typeOf(r); ok {
				addCol(r, t)
			}
		}
		for _, l := range legs {
			for _, f := range l.ls.Fields {
				if out.Index(f.Name) < 0 {
					pack = true
				}
			}
		}
	}
	packPos := -1
	if pack {
		packPos = len(out.Fields)
		out.Fields = append(out.Fields, batch.Field{Name: "pack_", Type: types.Dynamic})
	}
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		for _, l := range legs {
			ls := l.ls
			name := l.name
			err := whereNode(l.node, l.pred).Run(ctx, func(b *batch.Batch) error {
				ob := &batch.Batch{Schema: out, Cols: make([]*batch.Column, len(out.Fields)), Len: b.Len}
				ob.Cols[0] = constColumn(types.NewString(name), types.String, b.Len)
				used := map[int]bool{}
				for j := 1; j < len(out.Fields); j++ {
					if j == packPos {
						continue
					}
					f := out.Fields[j]
					k := ls.Index(f.Name)
					switch {
					case k < 0:
						ob.Cols[j] = constColumn(types.NullOf(f.Type), f.Type, b.Len)
					case ls.Fields[k].Type != f.Type:
						ob.Cols[j] = castColumn(b.Cols[k], f.Type)
						used[k] = true
					default:
						ob.Cols[j] = b.Cols[k]
						used[k] = true
					}
				}
				if packPos >= 0 {
					col := &batch.Column{Type: types.Dynamic, Len: b.Len, Dyns: make([]any, b.Len)}
					for r := 0; r < b.Len; r++ {
						bag := &types.Bag{}
						for k, f := range ls.Fields {
							if used[k] {
								continue
							}
							v := valueAt(b.Cols[k], r)
							var d any
							if !v.IsNull() {
								d = types.ToDynamicElement(v)
							}
							bag.Keys = append(bag.Keys, f.Name)
							bag.Vals = append(bag.Vals, d)
						}
						col.Dyns[r] = bag
					}
					ob.Cols[packPos] = col
				}
				return emit(ob)
			})
			if err != nil {
				return err
			}
		}
		return nil
	}}, nil
}
