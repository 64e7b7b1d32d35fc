package geo

import (
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// Lines is a validated line or multiline on the sphere.
type Lines struct {
	lines  []s2.Polyline
	coords [][]LngLat
}

// BuildLines builds lines (see ParseLines) on the sphere.
func BuildLines(coords [][]LngLat) (*Lines, bool) {
	if len(coords) == 0 {
		return nil, false
	}
	ls := &Lines{lines: make([]s2.Polyline, len(coords)), coords: coords}
	for i, c := range coords {
		if len(c) < 2 {
			return nil, false
		}
		pl := make(s2.Polyline, len(c))
		for j, p := range c {
			if !p.Valid() {
				return nil, false
			}
			pl[j] = p.point()
		}
		ls.lines[i] = pl
	}
	return ls, true
}

// ParseAndBuildLines parses a GeoJSON LineString or MultiLineString and
// builds it.
func ParseAndBuildLines(d any) (*Lines, bool) {
	c, ok := ParseLines(d)
	if !ok {
		return nil, false
	}
	return BuildLines(c)
}

// Length returns the total length in meters.
func (ls *Lines) Length() float64 {
	var total s1.Angle
	for _, l := range ls.lines {
		total += l.Length()
	}
	return meters(total)
}

// Centroid returns the length-weighted centroid; ok is false when it is
// undefined (all lines of zero length).
func (ls *Lines) Centroid() (LngLat, bool) {
	var sum s2.Point
	for _, l := range ls.lines {
		sum = s2.Point{Vector: sum.Add(l.Centroid().Vector)}
	}
	if sum.Norm() == 0 {
		return LngLat{}, false
	}
	return fromPoint(s2.Point{Vector: sum.Normalize()}), true
}

// edges calls f for every edge.
func (ls *Lines) edges(f func(a, b s2.Point)) {
	for _, l := range ls.lines {
		for i := 0; i+1 < len(l); i++ {
			f(l[i], l[i+1])
		}
	}
}

// lngLat converts a point back to coordinates, reusing the exact input
// coordinates when the point is one of the lines' vertices.
func (ls *Lines) lngLat(p s2.Point) LngLat {
	for li, l := range ls.lines {
		for i, v := range l {
			if v == p {
				return ls.coords[li][i]
			}
		}
	}
	return fromPoint(p)
}

// Distance returns the distance in meters from p to the nearest edge.
func (ls *Lines) Distance(p LngLat) float64 {
	x := p.point()
	best := s1.InfAngle()
	ls.edges(func(a, b s2.Point) {
		if d := s2.DistanceFromSegment(x, a, b); d < best {
			best = d
		}
	})
	return meters(best)
}

// ClosestPoint returns the point of the lines closest to p.
func (ls *Lines) ClosestPoint(p LngLat) LngLat {
	x := p.point()
	best := s1.InfAngle()
	var bp s2.Point
	ls.edges(func(a, b s2.Point) {
		q := s2.Project(x, a, b)
		if d := x.Distance(q); d < best {
			best, bp = d, q
		}
	})
	return fromPoint(bp)
}

// Interpolate returns the point at the given fraction [0, 1] of a single
// line's length; ok is false for a multiline or a fraction out of range.
func (ls *Lines) Interpolate(fraction float64) (LngLat, bool) {
	if len(ls.lines) != 1 || !(fraction >= 0 && fraction <= 1) {
		return LngLat{}, false
	}
	p, _ := ls.lines[0].Interpolate(fraction)
	return fromPoint(p), true
}

// Locate returns the fraction [0, 1] of a single line's length at which
// the point of the line closest to p lies; ok is false for a multiline.
func (ls *Lines) Locate(p LngLat) (float64, bool) {
	if len(ls.lines) != 1 {
		return 0, false
	}
	l := ls.lines[0]
	if l.Length() == 0 {
		return 0, true
	}
	q, next := l.Project(p.point())
	return l.Uninterpolate(q, next), true
}

// LocateOnSpheroid is Locate with the lengths measured on the WGS-84
// ellipsoid: the closest point is found on the sphere, and the fraction is
// the ellipsoidal length from the line's start to it over the line's
// ellipsoidal length.
func (ls *Lines) LocateOnSpheroid(p LngLat) (float64, bool) {
	if len(ls.lines) != 1 {
		return 0, false
	}
	l, c := ls.lines[0], ls.coords[0]
	q, next := l.Project(p.point())
	total, before := 0.0, 0.0
	for i := 0; i+1 < len(c); i++ {
		d, _ := EllipsoidDistance(c[i], c[i+1])
		total += d
		if i+1 < next {
			before += d
		}
	}
	if total == 0 {
		return 0, true
	}
	d, _ := EllipsoidDistance(c[next-1], fromPoint(q))
	f := (before + d) / total
	if f > 1 {
		f = 1
	}
	return f, true
}

// onEdge reports whether x lies on the edge ab (within rounding).
func onEdge(x, a, b s2.Point) bool {
	return s2.DistanceFromSegment(x, a, b) <= 1e-14
}

// Intersects reports whether any edge of ls crosses or touches an edge of o.
func (ls *Lines) Intersects(o *Lines) bool {
	found := false
	ls.edges(func(a, b s2.Point) {
		if found {
			return
		}
		o.edges(func(c, d s2.Point) {
			if found {
				return
			}
			if s2.CrossingSign(a, b, c, d) != s2.DoNotCross ||
				onEdge(a, c, d) || onEdge(b, c, d) || onEdge(c, a, b) || onEdge(d, a, b) {
				found = true
			}
		})
	})
	return found
}

// Intersection returns the shared part of two line sets as a GeoJSON
// dynamic value: points where edges cross and segments where they overlap,
// shaped as Point, MultiPoint, LineString, MultiLineString or a
// GeometryCollection (empty when the lines do not meet).
func (ls *Lines) Intersection(o *Lines) any {
	var points []LngLat
	var segs [][]LngLat
	addPoint := func(p s2.Point) {
		q := ls.pointLngLat(o, p)
		for _, e := range points {
			if e == q {
				return
			}
		}
		points = append(points, q)
	}
	ls.edges(func(a, b s2.Point) {
		o.edges(func(c, d s2.Point) {
			// Collinear overlap: both ends of one edge on the other's circle.
			cOn, dOn := onEdge(c, a, b), onEdge(d, a, b)
			aOn, bOn := onEdge(a, c, d), onEdge(b, c, d)
			var ends []s2.Point
			for _, t := range []struct {
				on bool
				p  s2.Point
			}{{aOn, a}, {bOn, b}, {cOn, c}, {dOn, d}} {
				if t.on {
					dup := false
					for _, e := range ends {
						if e.Distance(t.p) <= 1e-14 {
							dup = true
						}
					}
					if !dup {
						ends = append(ends, t.p)
					}
				}
			}
			switch {
			case len(ends) >= 2:
				// Order the overlap along ab.
				p, q := ends[0], ends[1]
				if a.Distance(p) > a.Distance(q) {
					p, q = q, p
				}
				segs = append(segs, []LngLat{ls.pointLngLat(o, p), ls.pointLngLat(o, q)})
			case len(ends) == 1:
				addPoint(ends[0])
			case s2.CrossingSign(a, b, c, d) == s2.Cross:
				addPoint(s2.Intersection(a, b, c, d))
			}
		})
	})
	segs = mergeSegments(segs)
	// Points on an overlapping segment are part of it.
	var lone []LngLat
	for _, p := range points {
		covered := false
		for _, s := range segs {
			for i := 0; i+1 < len(s); i++ {
				if onEdge(p.point(), s[i].point(), s[i+1].point()) {
					covered = true
				}
			}
		}
		if !covered {
			lone = append(lone, p)
		}
	}
	var geoms []any
	switch {
	case len(lone) == 0 && len(segs) == 0:
		return CollectionValue(nil)
	case len(segs) == 0 && len(lone) == 1:
		return PointValue(lone[0])
	case len(segs) == 0:
		return shape("MultiPoint", coordsValue(lone))
	case len(lone) == 0 && len(segs) == 1:
		return LineValue(segs[0])
	case len(lone) == 0:
		return MultiLineValue(segs)
	}
	for _, p := range lone {
		geoms = append(geoms, PointValue(p))
	}
	if len(segs) == 1 {
		geoms = append(geoms, LineValue(segs[0]))
	} else {
		geoms = append(geoms, MultiLineValue(segs))
	}
	return CollectionValue(geoms)
}

// mergeSegments joins segments that continue one another into polylines.
func mergeSegments(segs [][]LngLat) [][]LngLat {
	var out [][]LngLat
	for _, s := range segs {
		dup := false
		for _, o := range out {
			for i := 0; i+1 < len(o); i++ {
				if (o[i] == s[0] && o[i+1] == s[1]) || (o[i] == s[1] && o[i+1] == s[0]) {
					dup = true
				}
			}
		}
		if dup {
			continue
		}
		if n := len(out); n > 0 && out[n-1][len(out[n-1])-1] == s[0] {
			out[n-1] = append(out[n-1], s[1])
			continue
		}
		out = append(out, append([]LngLat(nil), s...))
	}
	return out
}

// pointLngLat converts a point to coordinates, reusing the input
// coordinates of either line set's vertices.
func (ls *Lines) pointLngLat(o *Lines, p s2.Point) LngLat {
	if q := ls.lngLat(p); q.point() == p {
		return q
	}
	return o.lngLat(p)
}
