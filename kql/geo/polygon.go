package geo

import (
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// Polygons is a validated polygon or multipolygon on the sphere.
type Polygons struct {
	polys  []*s2.Polygon
	coords [][][]LngLat // the input rings, when built from coordinates
}

// buildLoop turns a closed ring into a loop: the closing position and
// repeated consecutive positions are dropped, at least three distinct
// vertices must remain, the ring must not cross itself, and the loop is
// taken as the smaller of the two regions it bounds.
func buildLoop(ring []LngLat) (*s2.Loop, bool) {
	if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
		return nil, false
	}
	pts := make([]s2.Point, 0, len(ring)-1)
	for _, p := range ring[:len(ring)-1] {
		v := p.point()
		if len(pts) > 0 && pts[len(pts)-1] == v {
			continue
		}
		pts = append(pts, v)
	}
	for len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 3 {
		return nil, false
	}
	l := s2.LoopFromPoints(pts)
	if err := l.Validate(); err != nil || selfCrossing(l) {
		return nil, false
	}
	l.Normalize()
	return l, true
}

// selfCrossing reports whether two edges of a loop cross at a point
// interior to both.
func selfCrossing(l *s2.Loop) bool {
	idx := s2.NewShapeIndex()
	idx.Add(l)
	q := s2.NewCrossingEdgeQuery(idx)
	n := l.NumVertices()
	for i := 0; i < n; i++ {
		if len(q.Crossings(l.Vertex(i), l.Vertex(i+1), l, s2.CrossingTypeInterior)) > 0 {
			return true
		}
	}
	return false
}

// BuildPolygons validates polygons given as rings (see ParsePolygons) and
// builds them on the sphere. Each shell and hole is the smaller region its
// ring bounds; holes must lie inside their shell.
func BuildPolygons(coords [][][]LngLat) (*Polygons, bool) {
	if len(coords) == 0 {
		return nil, false
	}
	ps := &Polygons{polys: make([]*s2.Polygon, 0, len(coords)), coords: coords}
	for _, rings := range coords {
		if len(rings) == 0 {
			return nil, false
		}
		loops := make([]*s2.Loop, len(rings))
		for i, r := range rings {
			l, ok := buildLoop(r)
			if !ok {
				return nil, false
			}
			loops[i] = l
		}
		// Holes must lie within the shell and not overlap each other.
		for _, h := range loops[1:] {
			if !loops[0].Contains(h) {
				return nil, false
			}
		}
		p := s2.PolygonFromLoops(loops)
		if err := p.Validate(); err != nil {
			return nil, false
		}
		ps.polys = append(ps.polys, p)
	}
	return ps, true
}

// ParseAndBuildPolygons parses a GeoJSON Polygon or MultiPolygon and builds it.
func ParseAndBuildPolygons(d any) (*Polygons, bool) {
	c, ok := ParsePolygons(d)
	if !ok {
		return nil, false
	}
	return BuildPolygons(c)
}

// Contains reports whether p lies inside any of the polygons (in a shell
// and outside its holes).
func (ps *Polygons) Contains(p LngLat) bool {
	v := p.point()
	for _, poly := range ps.polys {
		if poly.ContainsPoint(v) {
			return true
		}
	}
	return false
}

// sphereArea returns the area in steradians, the polygons summed.
func (ps *Polygons) sphereArea() float64 {
	a := 0.0
	for _, p := range ps.polys {
		a += p.Area()
	}
	return a
}

// Area returns the area in square meters of the union of the polygons.
// ok is false when overlapping polygons cannot be united.
func (ps *Polygons) Area() (float64, bool) {
	u, ok := ps.united()
	if !ok {
		return 0, false
	}
	return u.sphereArea() * EarthRadius * EarthRadius, true
}

// Perimeter returns the length in meters of the boundary of the union of
// the polygons; ok is false when overlapping polygons cannot be united.
func (ps *Polygons) Perimeter() (float64, bool) {
	u, ok := ps.united()
	if !ok {
		return 0, false
	}
	return u.ringsLength(), true
}

// ringsLength returns the total length in meters of all rings.
func (ps *Polygons) ringsLength() float64 {
	var total s1.Angle
	for _, p := range ps.polys {
		for _, l := range p.Loops() {
			n := l.NumVertices()
			for i := 0; i < n; i++ {
				total += l.Vertex(i).Distance(l.Vertex((i + 1) % n))
			}
		}
	}
	return meters(total)
}

// Centroid returns the area centroid of the union of the polygons; ok is
// false when it is undefined or the union cannot be formed.
func (ps *Polygons) Centroid() (LngLat, bool) {
	u, ok := ps.united()
	if !ok {
		return LngLat{}, false
	}
	var sum s2.Point
	for _, p := range u.polys {
		sum = s2.Point{Vector: sum.Add(p.Centroid().Vector)}
	}
	if sum.Norm() == 0 {
		return LngLat{}, false
	}
	return fromPoint(s2.Point{Vector: sum.Normalize()}), true
}

// edges calls f for every ring edge; f returns false to stop.
func (ps *Polygons) edges(f func(a, b s2.Point) bool) {
	for _, p := range ps.polys {
		for _, l := range p.Loops() {
			n := l.NumVertices()
			for i := 0; i < n; i++ {
				if !f(l.Vertex(i), l.Vertex((i+1)%n)) {
					return
				}
			}
		}
	}
}

// Distance returns the distance in meters from p to the polygons: zero
// inside, the distance to the nearest edge outside.
func (ps *Polygons) Distance(p LngLat) float64 {
	if ps.Contains(p) {
		return 0
	}
	x := p.point()
	best := s1.InfAngle()
	ps.edges(func(a, b s2.Point) bool {
		if d := s2.DistanceFromSegment(x, a, b); d < best {
			best = d
		}
		return true
	})
	return meters(best)
}

// ClosestPoint returns the point of the polygons closest to p: p itself
// when inside.
func (ps *Polygons) ClosestPoint(p LngLat) LngLat {
	if ps.Contains(p) {
		return p
	}
	x := p.point()
	best := s1.InfAngle()
	var bp s2.Point
	ps.edges(func(a, b s2.Point) bool {
		q := s2.Project(x, a, b)
		if d := x.Distance(q); d < best {
			best, bp = d, q
		}
		return true
	})
	return fromPoint(bp)
}

// Intersects reports whether any polygon of a intersects any of b.
func (ps *Polygons) Intersects(o *Polygons) bool {
	for _, a := range ps.polys {
		for _, b := range o.polys {
			if a.Intersects(b) {
				return true
			}
		}
	}
	return false
}
