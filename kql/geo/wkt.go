package geo

import (
	"fmt"
	"strconv"
	"strings"
)

// maxWKTDepth bounds GEOMETRYCOLLECTION nesting.
const maxWKTDepth = 32

// ParseWKT parses Well-Known Text (POINT, LINESTRING, POLYGON, MULTIPOINT,
// MULTILINESTRING, MULTIPOLYGON, GEOMETRYCOLLECTION; keywords in any case,
// optional Z/M/ZM coordinates ignored beyond the first two) and returns the
// equivalent GeoJSON as a dynamic value. Coordinates must be valid
// longitudes and latitudes, lines need two positions and polygon rings four
// with the first repeated at the end. EMPTY geometries are rejected.
func ParseWKT(text string) (any, error) {
	p := &wktParser{s: text}
	g, err := p.geometry(0)
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.i != len(p.s) {
		return nil, p.errorf("unexpected text after the geometry")
	}
	return g, nil
}

type wktParser struct {
	s string
	i int
}

func (p *wktParser) errorf(format string, args ...any) error {
	return fmt.Errorf("WKT at offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *wktParser) skipWS() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *wktParser) word() string {
	p.skipWS()
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		p.i++
	}
	return strings.ToUpper(p.s[start:p.i])
}

func (p *wktParser) expect(c byte) error {
	p.skipWS()
	if p.i >= len(p.s) || p.s[p.i] != c {
		return p.errorf("expected %q", c)
	}
	p.i++
	return nil
}

// more consumes a comma and reports true, or reports false before ')'.
func (p *wktParser) more() (bool, error) {
	p.skipWS()
	if p.i < len(p.s) {
		switch p.s[p.i] {
		case ',':
			p.i++
			return true, nil
		case ')':
			p.i++
			return false, nil
		}
	}
	return false, p.errorf("expected ',' or ')'")
}

func (p *wktParser) number() (float64, error) {
	p.skipWS()
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' {
			p.i++
			continue
		}
		break
	}
	if start == p.i {
		return 0, p.errorf("expected a number")
	}
	f, err := strconv.ParseFloat(p.s[start:p.i], 64)
	if err != nil {
		return 0, p.errorf("bad number %q", p.s[start:p.i])
	}
	return f, nil
}

// position reads "x y [z [m]]".
func (p *wktParser) position() (LngLat, error) {
	x, err := p.number()
	if err != nil {
		return LngLat{}, err
	}
	y, err := p.number()
	if err != nil {
		return LngLat{}, err
	}
	for k := 0; k < 2; k++ {
		p.skipWS()
		if p.i < len(p.s) && (p.s[p.i] == ',' || p.s[p.i] == ')') {
			break
		}
		if _, err := p.number(); err != nil {
			return LngLat{}, err
		}
	}
	q := LngLat{Lng: x, Lat: y}
	if !q.Valid() {
		return LngLat{}, p.errorf("coordinate (%v %v) out of range", x, y)
	}
	return q, nil
}

// positions reads "(x y, x y, ...)"; a MULTIPOINT member may be bracketed.
func (p *wktParser) positions(bracketed bool) ([]LngLat, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	var out []LngLat
	for {
		p.skipWS()
		open := bracketed && p.i < len(p.s) && p.s[p.i] == '('
		if open {
			p.i++
		}
		q, err := p.position()
		if err != nil {
			return nil, err
		}
		if open {
			if err := p.expect(')'); err != nil {
				return nil, err
			}
		}
		out = append(out, q)
		more, err := p.more()
		if err != nil {
			return nil, err
		}
		if !more {
			return out, nil
		}
	}
}

func (p *wktParser) line() ([]LngLat, error) {
	l, err := p.positions(false)
	if err == nil && len(l) < 2 {
		err = p.errorf("a line needs at least two positions")
	}
	return l, err
}

func (p *wktParser) polygon() ([][]LngLat, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	var rings [][]LngLat
	for {
		r, err := p.positions(false)
		if err != nil {
			return nil, err
		}
		if len(r) < 4 || r[0] != r[len(r)-1] {
			return nil, p.errorf("a ring needs four positions, the first repeated last")
		}
		rings = append(rings, r)
		more, err := p.more()
		if err != nil {
			return nil, err
		}
		if !more {
			return rings, nil
		}
	}
}

// list reads "(item, item, ...)".
func (p *wktParser) list(item func() error) error {
	if err := p.expect('('); err != nil {
		return err
	}
	for {
		if err := item(); err != nil {
			return err
		}
		more, err := p.more()
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}

func (p *wktParser) geometry(depth int) (any, error) {
	if depth > maxWKTDepth {
		return nil, p.errorf("geometry collections nested too deeply")
	}
	kind := p.word()
	save := p.i
	switch w := p.word(); w {
	case "Z", "M", "ZM":
	case "EMPTY":
		return nil, p.errorf("EMPTY geometries are not supported")
	default:
		p.i = save
	}
	switch kind {
	case "POINT":
		if err := p.expect('('); err != nil {
			return nil, err
		}
		q, err := p.position()
		if err != nil {
			return nil, err
		}
		if err := p.expect(')'); err != nil {
			return nil, err
		}
		return PointValue(q), nil
	case "LINESTRING":
		l, err := p.line()
		if err != nil {
			return nil, err
		}
		return LineValue(l), nil
	case "POLYGON":
		r, err := p.polygon()
		if err != nil {
			return nil, err
		}
		return PolygonValue(r), nil
	case "MULTIPOINT":
		pts, err := p.positions(true)
		if err != nil {
			return nil, err
		}
		return shape("MultiPoint", coordsValue(pts)), nil
	case "MULTILINESTRING":
		var lines [][]LngLat
		err := p.list(func() error {
			l, err := p.line()
			lines = append(lines, l)
			return err
		})
		if err != nil {
			return nil, err
		}
		return MultiLineValue(lines), nil
	case "MULTIPOLYGON":
		var polys [][][]LngLat
		err := p.list(func() error {
			r, err := p.polygon()
			polys = append(polys, r)
			return err
		})
		if err != nil {
			return nil, err
		}
		return MultiPolygonValue(polys), nil
	case "GEOMETRYCOLLECTION":
		var geoms []any
		err := p.list(func() error {
			g, err := p.geometry(depth + 1)
			geoms = append(geoms, g)
			return err
		})
		if err != nil {
			return nil, err
		}
		return CollectionValue(geoms), nil
	case "":
		return nil, p.errorf("expected a geometry type")
	}
	return nil, p.errorf("unknown geometry type %q", kind)
}
