package geo

import (
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// PolygonIndex finds the polygons containing a point, for the
// geo_polygon_lookup plugin: the polygons are built once and screened by
// their bounding rectangles.
type PolygonIndex struct {
	polys  []*Polygons
	bounds []s2.Rect
}

// NewPolygonIndex builds an index over GeoJSON polygons or multipolygons.
// Invalid shapes are left out; valid[i] reports whether shapes[i] was
// indexed.
func NewPolygonIndex(shapes []any) (ix *PolygonIndex, valid []bool) {
	ix = &PolygonIndex{polys: make([]*Polygons, len(shapes)), bounds: make([]s2.Rect, len(shapes))}
	valid = make([]bool, len(shapes))
	for i, d := range shapes {
		ps, ok := ParseAndBuildPolygons(d)
		if !ok {
			continue
		}
		ps.warm()
		ix.polys[i], valid[i] = ps, true
		b := s2.EmptyRect()
		for _, p := range ps.polys {
			b = b.Union(p.RectBound())
		}
		ix.bounds[i] = b
	}
	return ix, valid
}

// Find calls f with the position of every indexed polygon containing p, in
// input order, until f returns false. Invalid coordinates match nothing.
func (ix *PolygonIndex) Find(p LngLat, f func(i int) bool) {
	if !p.Valid() {
		return
	}
	ll := s2.LatLngFromDegrees(p.Lat, p.Lng)
	for i, ps := range ix.polys {
		if ps == nil || !ix.bounds[i].ContainsLatLng(ll) || !ps.Contains(p) {
			continue
		}
		if !f(i) {
			return
		}
	}
}

// LineIndex finds the lines within a distance of a point, for the
// geo_line_lookup plugin.
type LineIndex struct {
	lines  []*Lines
	bounds []s2.Cap
}

// NewLineIndex builds an index over GeoJSON lines or multilines. Invalid
// shapes are left out; valid[i] reports whether shapes[i] was indexed.
func NewLineIndex(shapes []any) (ix *LineIndex, valid []bool) {
	ix = &LineIndex{lines: make([]*Lines, len(shapes)), bounds: make([]s2.Cap, len(shapes))}
	valid = make([]bool, len(shapes))
	for i, d := range shapes {
		ls, ok := ParseAndBuildLines(d)
		if !ok {
			continue
		}
		ix.lines[i], valid[i] = ls, true
		b := s2.EmptyCap()
		for _, l := range ls.lines {
			b = b.AddCap(l.CapBound())
		}
		ix.bounds[i] = b
	}
	return ix, valid
}

// Find calls f with the position of every indexed line within radius
// meters of p (inclusive), in input order, until f returns false. Invalid
// coordinates or a negative radius match nothing.
func (ix *LineIndex) Find(p LngLat, radius float64, f func(i int) bool) {
	if !p.Valid() || !(radius >= 0) {
		return
	}
	x := p.point()
	margin := s1.Angle(radius/EarthRadius) + 1e-9
	for i, ls := range ix.lines {
		if ls == nil {
			continue
		}
		// Screen by the bounding cap grown by the radius.
		if !ix.bounds[i].Expanded(margin).ContainsPoint(x) || ls.Distance(p) > radius {
			continue
		}
		if !f(i) {
			return
		}
	}
}
