package geo

import (
	"sort"

	"github.com/golang/geo/s2"
)

// Boolean operations on polygons by edge overlay: every ring edge is cut
// where it meets an edge of another operand, each piece is kept or dropped
// according to where its middle lies relative to the other operands, and
// the kept pieces are chained into rings whose interior is on their left.

// maxOverlayEdges bounds the work of one overlay (pairs of edges are
// compared).
const maxOverlayEdges = 5000

// boundaryEps is the distance, in radians, within which a point counts as
// lying on an edge.
const boundaryEps = 1e-13

type ovEdge struct {
	a, b    s2.Point
	operand int
	cuts    []s2.Point
}

type ovPiece struct {
	a, b s2.Point
	used bool
}

// operandEdges lists the oriented ring edges of each operand.
func operandEdges(ops []*Polygons) []*ovEdge {
	var es []*ovEdge
	for i, ps := range ops {
		for _, p := range ps.polys {
			for _, l := range p.Loops() {
				n := l.NumVertices()
				for k := 0; k < n; k++ {
					es = append(es, &ovEdge{a: l.OrientedVertex(k), b: l.OrientedVertex(k + 1), operand: i})
				}
			}
		}
	}
	return es
}

// boundaryDir reports whether m lies on an edge of operand j, and if so
// whether that edge runs the same way as a→b.
func boundaryDir(es []*ovEdge, j int, m, a, b s2.Point) (on, same bool) {
	for _, e := range es {
		if e.operand != j || s2.DistanceFromSegment(m, e.a, e.b).Radians() > boundaryEps {
			continue
		}
		return true, b.Sub(a.Vector).Dot(e.b.Sub(e.a.Vector)) > 0
	}
	return false, false
}

// keepFunc decides whether a piece of an edge of operand i, whose middle is
// m, belongs to the result. inside(j) reports whether m is strictly inside
// operand j; boundary(j) reports whether m is on its boundary and whether
// that boundary runs the same way.
type keepFunc func(i int, inside func(j int) bool, boundary func(j int) (on, same bool)) bool

// overlay computes the rings of a boolean operation; ok is false when the
// input is too large or the kept pieces do not close into rings.
func overlay(ops []*Polygons, keep keepFunc) ([][]s2.Point, bool) {
	es := operandEdges(ops)
	if len(es) > maxOverlayEdges {
		return nil, false
	}
	// Cut points: crossings (computed once per pair, so both edges get the
	// same point) and vertices of one operand lying on another's edges.
	for x := 0; x < len(es); x++ {
		for y := x + 1; y < len(es); y++ {
			e, f := es[x], es[y]
			if e.operand == f.operand {
				continue
			}
			if s2.CrossingSign(e.a, e.b, f.a, f.b) == s2.Cross {
				p := s2.Intersection(e.a, e.b, f.a, f.b)
				e.cuts = append(e.cuts, p)
				f.cuts = append(f.cuts, p)
			}
			for _, v := range []s2.Point{f.a, f.b} {
				if v != e.a && v != e.b && s2.DistanceFromSegment(v, e.a, e.b).Radians() <= boundaryEps {
					e.cuts = append(e.cuts, v)
				}
			}
			for _, v := range []s2.Point{e.a, e.b} {
				if v != f.a && v != f.b && s2.DistanceFromSegment(v, f.a, f.b).Radians() <= boundaryEps {
					f.cuts = append(f.cuts, v)
				}
			}
		}
	}
	var pieces []*ovPiece
	for _, e := range es {
		pts := append([]s2.Point{e.a}, e.cuts...)
		pts = append(pts, e.b)
		sort.SliceStable(pts[1:len(pts)-1], func(x, y int) bool {
			return e.a.Distance(pts[1+x]) < e.a.Distance(pts[1+y])
		})
		for k := 0; k+1 < len(pts); k++ {
			a, b := pts[k], pts[k+1]
			if a == b || a.Distance(b).Radians() <= boundaryEps {
				continue
			}
			m := s2.Interpolate(0.5, a, b)
			inside := func(j int) bool {
				if on, _ := boundaryDir(es, j, m, a, b); on {
					return false
				}
				return ops[j].containsPoint(m)
			}
			boundary := func(j int) (bool, bool) { return boundaryDir(es, j, m, a, b) }
			if keep(e.operand, inside, boundary) {
				pieces = append(pieces, &ovPiece{a: a, b: b})
			}
		}
	}
	return chainPieces(pieces)
}

// chainPieces joins directed pieces end to start into closed rings.
func chainPieces(pieces []*ovPiece) ([][]s2.Point, bool) {
	from := make(map[s2.Point][]*ovPiece)
	for _, p := range pieces {
		from[p.a] = append(from[p.a], p)
	}
	var rings [][]s2.Point
	for _, start := range pieces {
		if start.used {
			continue
		}
		start.used = true
		ring := []s2.Point{start.a}
		cur := start
		for cur.b != start.a {
			var next *ovPiece
			for _, c := range from[cur.b] {
				if !c.used {
					next = c
					break
				}
			}
			if next == nil || len(ring) > len(pieces) {
				return nil, false
			}
			next.used = true
			ring = append(ring, next.a)
			cur = next
		}
		if len(ring) >= 3 {
			rings = append(rings, ring)
		}
	}
	return rings, true
}

// inputCoords maps the operands' vertices to their input coordinates, so
// that output vertices taken from the input print exactly as given.
func inputCoords(ops []*Polygons) map[s2.Point]LngLat {
	m := make(map[s2.Point]LngLat)
	for _, ps := range ops {
		for _, rings := range ps.coords {
			for _, r := range rings {
				for _, c := range r {
					m[c.point()] = c
				}
			}
		}
	}
	return m
}

// orientedRingsValue turns oriented rings (interior on the left) into a
// GeoJSON Polygon or MultiPolygon, or an empty GeometryCollection when
// there are none. Vertices found in coords print as the input gave them.
func orientedRingsValue(rings [][]s2.Point, coords map[s2.Point]LngLat) (any, bool) {
	if len(rings) == 0 {
		return CollectionValue(nil), true
	}
	loops := make([]*s2.Loop, len(rings))
	for i, r := range rings {
		loops[i] = s2.LoopFromPoints(r)
	}
	p := s2.PolygonFromOrientedLoops(loops)
	var polys [][][]LngLat
	for k, l := range p.Loops() {
		if l.IsHole() {
			continue
		}
		rs := [][]LngLat{orientedRing(l, coords)}
		for h := k + 1; h <= p.LastDescendant(k); h++ {
			if parent, ok := p.Parent(h); ok && parent == k {
				rs = append(rs, orientedRing(p.Loop(h), coords))
			}
		}
		polys = append(polys, rs)
	}
	switch len(polys) {
	case 0:
		return nil, false
	case 1:
		return PolygonValue(polys[0]), true
	}
	return MultiPolygonValue(polys), true
}

func orientedRing(l *s2.Loop, coords map[s2.Point]LngLat) []LngLat {
	n := l.NumVertices()
	out := make([]LngLat, 0, n+1)
	for i := 0; i < n; i++ {
		v := l.OrientedVertex(i)
		if c, ok := coords[v]; ok {
			out = append(out, c)
		} else {
			out = append(out, fromPoint(v))
		}
	}
	return append(out, out[0])
}

// UnionPolygons returns the union of polygon sets as a GeoJSON Polygon or
// MultiPolygon. ok is false when the union cannot be formed.
func UnionPolygons(ops []*Polygons) (any, bool) {
	if len(ops) == 0 {
		return nil, false
	}
	rings, ok := overlay(ops, func(i int, inside func(int) bool, boundary func(int) (bool, bool)) bool {
		for j := range ops {
			if j == i {
				continue
			}
			if on, same := boundary(j); on {
				if !same || j < i {
					return false // interior edge, or the copy kept from operand j
				}
				continue
			}
			if inside(j) {
				return false
			}
		}
		return true
	})
	if !ok {
		return nil, false
	}
	return orientedRingsValue(rings, inputCoords(ops))
}

// IntersectPolygons returns the intersection of two polygon sets as a
// GeoJSON Polygon or MultiPolygon, or an empty GeometryCollection when they
// share nothing. Points where the boundaries only touch are returned as
// Points, with any area, in a GeometryCollection.
func IntersectPolygons(a, b *Polygons) (any, bool) {
	ops := []*Polygons{a, b}
	rings, ok := overlay(ops, func(i int, inside func(int) bool, boundary func(int) (bool, bool)) bool {
		j := 1 - i
		if on, same := boundary(j); on {
			return same && i == 0
		}
		return inside(j)
	})
	if !ok {
		return nil, false
	}
	coords := inputCoords(ops)
	area, ok := orientedRingsValue(rings, coords)
	if !ok {
		return nil, false
	}
	// Touching points: vertices of one operand on the other's boundary
	// that are not on the result's rings.
	es := operandEdges(ops)
	var touch []s2.Point
	for _, e := range es {
		v := e.a
		on, _ := boundaryDir(es, 1-e.operand, v, v, v)
		if !on || onRings(rings, v) {
			continue
		}
		dup := false
		for _, t := range touch {
			if t.Distance(v).Radians() <= boundaryEps {
				dup = true
			}
		}
		if !dup {
			touch = append(touch, v)
		}
	}
	if len(touch) == 0 {
		return area, true
	}
	var geoms []any
	for _, t := range touch {
		if c, ok := coords[t]; ok {
			geoms = append(geoms, PointValue(c))
		} else {
			geoms = append(geoms, PointValue(fromPoint(t)))
		}
	}
	if len(rings) > 0 {
		geoms = append(geoms, area)
	}
	if len(geoms) == 1 {
		return geoms[0], true
	}
	return CollectionValue(geoms), true
}

// onRings reports whether p lies on an edge of the rings.
func onRings(rings [][]s2.Point, p s2.Point) bool {
	for _, r := range rings {
		for i := range r {
			if s2.DistanceFromSegment(p, r[i], r[(i+1)%len(r)]).Radians() <= boundaryEps {
				return true
			}
		}
	}
	return false
}
