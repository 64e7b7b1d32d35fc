package geo

import (
	"math"
	"sort"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// IntersectLines returns the parts of the lines inside the polygons as a
// GeoJSON LineString or MultiLineString, or an empty GeometryCollection
// when no part of a line lies inside. Each line edge is cut where it
// crosses a polygon edge; the pieces whose middle lies inside are kept and
// joined.
func IntersectLines(ls *Lines, ps *Polygons) any {
	var out [][]LngLat
	for li, l := range ls.lines {
		var cur []LngLat
		flush := func() {
			if len(cur) >= 2 {
				out = append(out, cur)
			}
			cur = nil
		}
		for i := 0; i+1 < len(l); i++ {
			a, b := l[i], l[i+1]
			type cut struct {
				d float64
				p s2.Point
			}
			cuts := []cut{{0, a}, {a.Distance(b).Radians(), b}}
			ps.edges(func(c, d s2.Point) bool {
				if s2.CrossingSign(a, b, c, d) == s2.Cross {
					x := s2.Intersection(a, b, c, d)
					cuts = append(cuts, cut{a.Distance(x).Radians(), x})
				}
				for _, v := range []s2.Point{c, d} {
					if onEdge(v, a, b) {
						cuts = append(cuts, cut{a.Distance(v).Radians(), v})
					}
				}
				return true
			})
			sort.Slice(cuts, func(x, y int) bool { return cuts[x].d < cuts[y].d })
			for k := 0; k+1 < len(cuts); k++ {
				p, q := cuts[k], cuts[k+1]
				if q.d-p.d < 1e-15 {
					continue
				}
				mid := s2.Interpolate(0.5, p.p, q.p)
				if !ps.containsPoint(mid) {
					flush()
					continue
				}
				pp, qq := ls.vertex(p.p, li, i), ls.vertex(q.p, li, i)
				if len(cur) == 0 {
					cur = append(cur, pp)
				}
				cur = append(cur, qq)
			}
		}
		flush()
	}
	switch len(out) {
	case 0:
		return CollectionValue(nil)
	case 1:
		return LineValue(out[0])
	}
	return MultiLineValue(out)
}

// vertex converts a cut point of edge i of line li back to coordinates,
// reusing the exact input coordinates for the edge's own end points.
func (ls *Lines) vertex(p s2.Point, li, i int) LngLat {
	l := ls.lines[li]
	switch p {
	case l[i]:
		return ls.coords[li][i]
	case l[i+1]:
		return ls.coords[li][i+1]
	}
	return fromPoint(p)
}

// containsPoint reports whether a unit vector lies inside any polygon.
func (ps *Polygons) containsPoint(v s2.Point) bool {
	for _, poly := range ps.polys {
		if poly.ContainsPoint(v) {
			return true
		}
	}
	return false
}

// MaxBufferVertices bounds the vertices of a point buffer.
const MaxBufferVertices = 1 << 16

// PointBuffer returns a polygon ring containing every point within radius
// meters of c, deviating from the circle by at most tol meters: a regular
// polygon whose edges touch the circle. A tolerance above the radius is
// lowered below it. ok is false for an invalid coordinate, a radius that is
// not positive or reaches a quarter of the Earth's circumference, or a
// tolerance below a millionth of the radius.
func PointBuffer(c LngLat, radius, tol float64) ([]LngLat, bool) {
	if !c.Valid() || !(radius > 0) || radius >= EarthRadius*math.Pi/2 || !(tol > 0) || tol < radius*1e-6 {
		return nil, false
	}
	if tol >= radius {
		tol = radius * 0.999
	}
	r := radius / EarthRadius
	// The vertices lie at angle R from the center with cos(R) * cos(π/n)...
	// on the sphere, tan(r) = tan(R) * cos(π/n); choose n so that R - r <= tol.
	rmax := (radius + tol) / EarthRadius
	if rmax >= math.Pi/2 {
		return nil, false
	}
	half := math.Acos(math.Tan(r) / math.Tan(rmax))
	n := int(math.Ceil(math.Pi / half))
	if n < 3 {
		n = 3
	}
	if n > MaxBufferVertices {
		return nil, false
	}
	R := math.Atan(math.Tan(r) / math.Cos(math.Pi/float64(n)))
	loop := s2.RegularLoop(c.point(), s1.Angle(R), n)
	ring := make([]LngLat, 0, n+1)
	for _, v := range loop.Vertices() {
		ring = append(ring, fromPoint(v))
	}
	ring = append(ring, ring[0])
	return ring, true
}

// LinesIntersectPolygons reports whether any line touches or enters any
// polygon.
func LinesIntersectPolygons(ls *Lines, ps *Polygons) bool {
	for _, l := range ls.lines {
		for _, v := range l {
			if ps.containsPoint(v) {
				return true
			}
		}
	}
	hit := false
	ls.edges(func(a, b s2.Point) {
		if hit {
			return
		}
		ps.edges(func(c, d s2.Point) bool {
			if s2.CrossingSign(a, b, c, d) != s2.DoNotCross || onEdge(c, a, b) || onEdge(a, c, d) || onEdge(b, c, d) {
				hit = true
			}
			return !hit
		})
	})
	return hit
}
