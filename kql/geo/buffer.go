package geo

import (
	"math"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// maxBufferEdgeAngle is the longest edge, in radians, one buffer quad
// stands for; longer edges are cut first.
const maxBufferEdgeAngle = math.Pi / 180

// bufferParts returns the pieces whose union is the buffer of the chains:
// a regular polygon around every vertex and a quad along every edge, both
// reaching the circumradius of the vertex polygons so that every point
// within radius meters is covered.
func bufferParts(chains [][]s2.Point, radius, tol float64) ([]*Polygons, bool) {
	var parts []*Polygons
	var circR s1.Angle
	for _, ch := range chains {
		for i, v := range ch {
			ring, ok := PointBuffer(fromPoint(v), radius, tol)
			if !ok {
				return nil, false
			}
			p, ok := BuildPolygons([][][]LngLat{{ring}})
			if !ok {
				return nil, false
			}
			if circR == 0 {
				circR = v.Distance(ring[0].point())
			}
			parts = append(parts, p)
			if i == 0 {
				continue
			}
			a := ch[i-1]
			n := int(math.Ceil(a.Distance(v).Radians() / maxBufferEdgeAngle))
			for k := 0; k < n; k++ {
				p0 := s2.Interpolate(float64(k)/float64(n), a, v)
				p1 := s2.Interpolate(float64(k+1)/float64(n), a, v)
				q, ok := edgeQuad(p0, p1, circR)
				if !ok {
					continue // a zero-length edge needs no quad
				}
				parts = append(parts, q)
			}
		}
	}
	if len(parts) == 0 {
		return nil, false
	}
	return parts, true
}

// edgeQuad returns the quadrilateral around the edge ab reaching width on
// each side.
func edgeQuad(a, b s2.Point, width s1.Angle) (*Polygons, bool) {
	if a.Distance(b).Radians() < 1e-12 {
		return nil, false
	}
	n := s2.Point{Vector: a.PointCross(b).Normalize()}
	off := func(p s2.Point, sign float64) s2.Point {
		// Rotate p toward ±n by width along the great circle through them.
		s, c := math.Sincos(width.Radians())
		return s2.Point{Vector: p.Mul(c).Add(n.Mul(sign * s)).Normalize()}
	}
	ring := []LngLat{
		fromPoint(off(a, -1)), fromPoint(off(b, -1)), fromPoint(off(b, 1)), fromPoint(off(a, 1)),
	}
	ring = append(ring, ring[0])
	return BuildPolygons([][][]LngLat{{ring}})
}

// LineBuffer returns a polygon or multipolygon containing every point
// within radius meters of the lines, with the boundary deviating from the
// ideal by at most tol meters (see PointBuffer). ok is false for an invalid
// radius or tolerance or when the pieces cannot be united.
func LineBuffer(ls *Lines, radius, tol float64) (any, bool) {
	chains := make([][]s2.Point, len(ls.lines))
	for i, l := range ls.lines {
		chains[i] = l
	}
	parts, ok := bufferParts(chains, radius, tol)
	if !ok {
		return nil, false
	}
	return UnionPolygons(parts)
}

// PolygonBuffer returns a polygon or multipolygon containing every point
// within radius meters of the polygons (see LineBuffer).
func PolygonBuffer(ps *Polygons, radius, tol float64) (any, bool) {
	var chains [][]s2.Point
	for _, p := range ps.polys {
		for _, l := range p.Loops() {
			vs := append([]s2.Point(nil), l.Vertices()...)
			chains = append(chains, append(vs, vs[0]))
		}
	}
	parts, ok := bufferParts(chains, radius, tol)
	if !ok {
		return nil, false
	}
	return UnionPolygons(append([]*Polygons{ps}, parts...))
}
