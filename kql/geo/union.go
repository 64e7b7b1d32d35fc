package geo

import (
	"math"

	"github.com/golang/geo/r3"
	"github.com/golang/geo/s2"
)

// unionArea returns the area in steradians of the union of the polygons.
// Disjoint polygons add up. Overlaps are removed by inclusion–exclusion over
// pairs, which is exact when no three polygons share a point and each
// overlapping pair has a convex polygon without holes; other overlaps give
// ok == false.
func (ps *Polygons) unionArea() (float64, bool) {
	total := ps.sphereArea()
	n := len(ps.polys)
	if n == 1 {
		return total, true
	}
	overlaps := make([][]bool, n)
	for i := range overlaps {
		overlaps[i] = make([]bool, n)
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if !ps.polys[i].Intersects(ps.polys[j]) {
				continue
			}
			overlaps[i][j], overlaps[j][i] = true, true
			a, ok := intersectionArea(ps.polys[i], ps.polys[j])
			if !ok {
				return 0, false
			}
			total -= a
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			for k := j + 1; k < n && overlaps[i][j]; k++ {
				if overlaps[i][k] && overlaps[j][k] {
					return 0, false
				}
			}
		}
	}
	return total, true
}

// gnomonic is the central projection about a point of the sphere: it maps
// great circles to straight lines, so clipping in the plane is exact.
type gnomonic struct {
	c, e1, e2 r3.Vector
}

func newGnomonic(c s2.Point) gnomonic {
	e1 := c.Ortho()
	e2 := c.Cross(e1).Normalize()
	return gnomonic{c: c.Vector, e1: e1, e2: e2}
}

func (g gnomonic) project(p s2.Point) (x, y float64, ok bool) {
	d := p.Dot(g.c)
	if d <= 1e-9 {
		return 0, 0, false
	}
	return p.Dot(g.e1) / d, p.Dot(g.e2) / d, true
}

func (g gnomonic) unproject(x, y float64) s2.Point {
	return s2.Point{Vector: g.c.Add(g.e1.Mul(x)).Add(g.e2.Mul(y)).Normalize()}
}

type xy struct{ x, y float64 }

func cross2(o, a, b xy) float64 { return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x) }

// convex reports whether a counterclockwise ring is convex.
func convex(r []xy) bool {
	n := len(r)
	for i := 0; i < n; i++ {
		if cross2(r[i], r[(i+1)%n], r[(i+2)%n]) < 0 {
			return false
		}
	}
	return true
}

// intersectionArea returns the area of a ∩ b for single-loop polygons at
// least one of which is convex.
func intersectionArea(a, b *s2.Polygon) (float64, bool) {
	if a.NumLoops() != 1 || b.NumLoops() != 1 {
		return 0, false
	}
	sum := a.Centroid().Add(b.Centroid().Vector)
	if sum.Norm() == 0 {
		return 0, false
	}
	g := newGnomonic(s2.Point{Vector: sum.Normalize()})
	ra, ok1 := projectLoop(g, a.Loop(0))
	rb, ok2 := projectLoop(g, b.Loop(0))
	if !ok1 || !ok2 {
		return 0, false
	}
	subject, clip := ra, rb
	if !convex(clip) {
		subject, clip = rb, ra
		if !convex(clip) {
			return 0, false
		}
	}
	out := clipConvex(subject, clip)
	if len(out) < 3 {
		return 0, true
	}
	pts := make([]s2.Point, len(out))
	for i, p := range out {
		pts[i] = g.unproject(p.x, p.y)
	}
	area := 0.0
	for i := 1; i+1 < len(pts); i++ {
		area += s2.SignedArea(pts[0], pts[i], pts[i+1])
	}
	return math.Abs(area), true
}

func projectLoop(g gnomonic, l *s2.Loop) ([]xy, bool) {
	r := make([]xy, l.NumVertices())
	for i := range r {
		x, y, ok := g.project(l.Vertex(i))
		if !ok {
			return nil, false
		}
		r[i] = xy{x, y}
	}
	return r, true
}

// clipConvex clips a ring against a convex counterclockwise ring
// (Sutherland–Hodgman).
func clipConvex(subject, clip []xy) []xy {
	out := subject
	for i := range clip {
		a, b := clip[i], clip[(i+1)%len(clip)]
		in := out
		out = nil
		if len(in) == 0 {
			break
		}
		prev := in[len(in)-1]
		for _, cur := range in {
			cin, pin := cross2(a, b, cur) >= 0, cross2(a, b, prev) >= 0
			if cin {
				if !pin {
					out = append(out, segX(prev, cur, a, b))
				}
				out = append(out, cur)
			} else if pin {
				out = append(out, segX(prev, cur, a, b))
			}
			prev = cur
		}
	}
	return out
}

// segX returns where segment pq meets the line through ab.
func segX(p, q, a, b xy) xy {
	d1, d2 := cross2(a, b, p), cross2(a, b, q)
	t := d1 / (d1 - d2)
	return xy{p.x + t*(q.x-p.x), p.y + t*(q.y-p.y)}
}
