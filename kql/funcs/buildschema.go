package funcs

import (
	"kqlhunt/kql/types"
)

// buildschema(DynamicExpr): the minimal schema admitting every value, in
// the documented model: a primitive type name ("long", "double",
// "string", "bool", "datetime", "timespan", "guid", "decimal"), a
// container {"name": Type, ...} for property bags, {"`indexer`": Type}
// for arrays (an array that never held an element gives {}), and a union
// [Type, ...] when a position held several kinds, in first-seen order.
// Nulls admit nothing.

// schemaNode is the schema of one position: its alternatives in first-seen
// order.
type schemaNode struct {
	alts []schemaAlt
}

// schemaAlt is one alternative: a primitive (prim != ""), a bag
// container (props) or an array container (isArray, elem).
type schemaAlt struct {
	prim    string
	isBag   bool
	keys    []string
	props   map[string]*schemaNode
	isArray bool
	elem    *schemaNode
}

// primitiveName names a dynamic scalar's type as buildschema does.
func primitiveName(d any) string {
	switch d := d.(type) {
	case bool:
		return "bool"
	case int64:
		return "long"
	case float64:
		return "double"
	case string:
		return "string"
	case types.Value:
		switch d.Type {
		case types.Real:
			return "double"
		case types.Int:
			return "long"
		}
		return d.Type.String()
	}
	return ""
}

func (n *schemaNode) add(d any) {
	switch d := d.(type) {
	case nil:
		return
	case *types.Bag:
		alt := n.find(func(a *schemaAlt) bool { return a.isBag })
		if alt == nil {
			n.alts = append(n.alts, schemaAlt{isBag: true, props: map[string]*schemaNode{}})
			alt = &n.alts[len(n.alts)-1]
		}
		for i, k := range d.Keys {
			child, ok := alt.props[k]
			if !ok {
				child = &schemaNode{}
				alt.props[k] = child
				alt.keys = append(alt.keys, k)
			}
			child.add(d.Vals[i])
		}
	case []any:
		alt := n.find(func(a *schemaAlt) bool { return a.isArray })
		if alt == nil {
			n.alts = append(n.alts, schemaAlt{isArray: true, elem: &schemaNode{}})
			alt = &n.alts[len(n.alts)-1]
		}
		for _, e := range d {
			alt.elem.add(e)
		}
	default:
		name := primitiveName(d)
		if name == "" || n.find(func(a *schemaAlt) bool { return a.prim == name }) != nil {
			return
		}
		n.alts = append(n.alts, schemaAlt{prim: name})
	}
}

func (n *schemaNode) find(match func(*schemaAlt) bool) *schemaAlt {
	for i := range n.alts {
		if match(&n.alts[i]) {
			return &n.alts[i]
		}
	}
	return nil
}

// render returns the schema as a dynamic value (nil when nothing was
// seen).
func (n *schemaNode) render() any {
	out := make([]any, 0, len(n.alts))
	for i := range n.alts {
		a := &n.alts[i]
		switch {
		case a.prim != "":
			out = append(out, a.prim)
		case a.isBag:
			b := &types.Bag{}
			for _, k := range a.keys {
				b.Set(k, a.props[k].render())
			}
			out = append(out, b)
		case a.isArray:
			b := &types.Bag{}
			if len(a.elem.alts) > 0 {
				b.Set("`indexer`", a.elem.render())
			}
			out = append(out, b)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// buildSchemaAgg implements buildschema.
type buildSchemaAgg struct {
	root schemaNode
}

func (a *buildSchemaAgg) Add(args []types.Value) {
	v := args[0]
	if isNull(v) {
		return
	}
	if v.Type == types.Dynamic {
		a.root.add(v.D)
		return
	}
	a.root.add(types.ToDynamicElement(v))
}

func (a *buildSchemaAgg) Result() types.Value {
	if r := a.root.render(); r != nil {
		return types.NewDynamic(r)
	}
	return nullDynamic
}

var buildSchemaFuncs = []*Func{
	agg("buildschema", 1, 1, sig(types.Dynamic, aAny), func([]types.Type) Aggregator { return &buildSchemaAgg{} }),
}
