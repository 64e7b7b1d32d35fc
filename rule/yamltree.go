package rule

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// ynode is a position-carrying YAML value: a scalar, a mapping (ordered
// keys) or a sequence.
type ynode struct {
	kind   ykind
	s      string // scalar text
	pos    Pos
	keys   []string
	keyPos []Pos
	vals   []*ynode
	items  []*ynode
}

type ykind int

const (
	yNull ykind = iota
	yScalar
	yMap
	ySeq
)

func (k ykind) String() string {
	switch k {
	case yScalar:
		return "a scalar"
	case yMap:
		return "a mapping"
	case ySeq:
		return "a list"
	}
	return "null"
}

// get returns the value of key in a mapping node, or nil.
func (n *ynode) get(key string) *ynode {
	if n == nil || n.kind != yMap {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// YAMLError is a YAML syntax error with its position.
type YAMLError struct {
	File string
	Line int
	Col  int
	Msg  string
}

// Error formats the error as file:line:col: message.
func (e *YAMLError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// normalize strips a UTF-8 byte order mark and turns CRLF (and lone CR)
// line endings into LF, so positions and block scalars come out the same.
func normalize(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
}

// parseTree parses one YAML document into a ynode tree.
func parseTree(file string, data []byte) (n *ynode, err error) {
	defer func() {
		// The YAML parser is third-party code; never let it take the
		// program down on hostile input.
		if p := recover(); p != nil {
			n, err = nil, &YAMLError{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("YAML parser failed: %v", p)}
		}
	}()
	f, perr := parser.ParseBytes(normalize(data), 0)
	if perr != nil {
		return nil, yamlError(file, perr)
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return nil, &YAMLError{File: file, Line: 1, Col: 1, Msg: "empty YAML document"}
	}
	if len(docs) > 1 {
		p := tokPos(docs[1].Body.GetToken())
		return nil, &YAMLError{File: file, Line: p.Line, Col: p.Col, Msg: "more than one YAML document; a rule file holds one"}
	}
	return convert(file, docs[0].Body, 0)
}

func yamlError(file string, err error) error {
	type tokened interface {
		GetToken() *token.Token
		GetMessage() string
	}
	var te tokened
	if errors.As(err, &te) {
		p := tokPos(te.GetToken())
		return &YAMLError{File: file, Line: p.Line, Col: p.Col, Msg: te.GetMessage()}
	}
	return &YAMLError{File: file, Line: 1, Col: 1, Msg: err.Error()}
}

func tokPos(t *token.Token) Pos {
	if t == nil || t.Position == nil {
		return Pos{Line: 1, Col: 1}
	}
	return Pos{Line: t.Position.Line, Col: t.Position.Column}
}

const maxDepth = 100

func convert(file string, node ast.Node, depth int) (*ynode, error) {
	if node == nil {
		return &ynode{kind: yNull, pos: Pos{1, 1}}, nil
	}
	pos := tokPos(node.GetToken())
	if depth > maxDepth {
		return nil, &YAMLError{File: file, Line: pos.Line, Col: pos.Col, Msg: "YAML nested too deeply"}
	}
	switch n := node.(type) {
	case *ast.DocumentNode:
		return convert(file, n.Body, depth+1)
	case *ast.NullNode:
		return &ynode{kind: yNull, pos: pos}, nil
	case *ast.StringNode:
		return &ynode{kind: yScalar, s: n.Value, pos: pos}, nil
	case *ast.LiteralNode:
		s := ""
		if n.Value != nil {
			s = n.Value.Value
		}
		return &ynode{kind: yScalar, s: s, pos: pos}, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		t := node.GetToken()
		s := ""
		if t != nil {
			s = t.Value
		}
		return &ynode{kind: yScalar, s: s, pos: pos}, nil
	case *ast.TagNode:
		return convert(file, n.Value, depth+1)
	case *ast.AnchorNode:
		return convert(file, n.Value, depth+1)
	case *ast.AliasNode:
		return nil, &YAMLError{File: file, Line: pos.Line, Col: pos.Col, Msg: "YAML aliases are not supported in rule files"}
	case *ast.MappingNode:
		out := &ynode{kind: yMap, pos: pos}
		for _, mv := range n.Values {
			if err := addPair(file, out, mv, depth); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *ast.MappingValueNode:
		out := &ynode{kind: yMap, pos: pos}
		if err := addPair(file, out, n, depth); err != nil {
			return nil, err
		}
		return out, nil
	case *ast.SequenceNode:
		out := &ynode{kind: ySeq, pos: pos}
		for _, v := range n.Values {
			c, err := convert(file, v, depth+1)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, c)
		}
		return out, nil
	}
	return nil, &YAMLError{File: file, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf("unsupported YAML node %s", node.Type())}
}

func addPair(file string, m *ynode, mv *ast.MappingValueNode, depth int) error {
	if mv == nil || mv.Key == nil {
		return nil
	}
	kp := tokPos(mv.Key.GetToken())
	var key string
	switch k := mv.Key.(type) {
	case *ast.StringNode:
		key = k.Value
	case *ast.MergeKeyNode:
		return &YAMLError{File: file, Line: kp.Line, Col: kp.Col, Msg: "YAML merge keys are not supported in rule files"}
	default:
		if t := mv.Key.GetToken(); t != nil {
			key = t.Value
		}
	}
	for _, k := range m.keys {
		if k == key {
			return &YAMLError{File: file, Line: kp.Line, Col: kp.Col, Msg: fmt.Sprintf("duplicate key %q", key)}
		}
	}
	v, err := convert(file, mv.Value, depth+1)
	if err != nil {
		return err
	}
	if v.kind == yNull {
		v.pos = kp
	}
	m.keys = append(m.keys, key)
	m.keyPos = append(m.keyPos, kp)
	m.vals = append(m.vals, v)
	return nil
}

// toAny converts a node to plain Go values (map[string]any, []any, string,
// nil) for free-form fields such as metadata.
func (n *ynode) toAny() any {
	if n == nil {
		return nil
	}
	switch n.kind {
	case yScalar:
		return n.s
	case yMap:
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			m[k] = n.vals[i].toAny()
		}
		return m
	case ySeq:
		l := make([]any, len(n.items))
		for i, it := range n.items {
			l[i] = it.toAny()
		}
		return l
	}
	return nil
}
