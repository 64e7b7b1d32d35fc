package funcs

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"kqlhunt/kql/types"
)

// evalParseXML implements parse_xml(): XML becomes a property bag the way
// JSON converters render XML: each element is a key holding its text, or a
// bag of its attributes ("@name"), children and text ("#text"); repeated
// children become arrays; an empty element is null. Text that is not
// well-formed XML gives null.
func evalParseXML(_ *Context, a []types.Value) (types.Value, error) {
	d, ok := parseXML(argStr(a[0]))
	if !ok {
		return nullDynamic, nil
	}
	return types.NewDynamic(d), nil
}

// xmlNode is an element being built.
type xmlNode struct {
	name  string
	bag   *types.Bag
	text  strings.Builder
	multi map[string]bool // keys already turned into arrays
}

func (n *xmlNode) addChild(name string, v any) {
	if n.bag == nil {
		n.bag = &types.Bag{}
	}
	old, exists := n.bag.Get(name)
	if !exists {
		n.bag.Set(name, v)
		return
	}
	if n.multi == nil {
		n.multi = map[string]bool{}
	}
	if n.multi[name] {
		n.bag.Set(name, append(old.([]any), v))
		return
	}
	n.multi[name] = true
	n.bag.Set(name, []any{old, v})
}

// value returns the element's dynamic value.
func (n *xmlNode) value() any {
	text := strings.TrimSpace(n.text.String())
	if n.bag == nil {
		if text == "" {
			return nil
		}
		return text
	}
	if text != "" {
		n.bag.Set("#text", text)
	}
	return n.bag
}

// xmlName returns an element's local name (encoding/xml resolves prefixes
// to namespace URLs, which are dropped).
func xmlName(n xml.Name) string { return n.Local }

func parseXML(s string) (any, bool) {
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = true
	root := &xmlNode{}
	stack := []*xmlNode{root}
	const maxDepth = 1000
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) > maxDepth {
				return nil, false
			}
			n := &xmlNode{name: xmlName(t.Name)}
			for _, at := range t.Attr {
				if n.bag == nil {
					n.bag = &types.Bag{}
				}
				if at.Name.Space == "xmlns" {
					n.bag.Set("@xmlns:"+at.Name.Local, at.Value)
					continue
				}
				n.bag.Set("@"+at.Name.Local, at.Value)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) < 2 {
				return nil, false
			}
			stack = stack[:len(stack)-1]
			stack[len(stack)-1].addChild(top.name, top.value())
		case xml.CharData:
			top.text.Write(t)
		}
	}
	if len(stack) != 1 || root.bag == nil {
		return nil, false
	}
	return root.bag, true
}
