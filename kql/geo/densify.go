package geo

import (
	"math"

	"github.com/golang/geo/s2"
)

// Densify and simplify tolerances Kusto accepts, in meters, the default
// tolerance, and the most points a densified shape may hold.
const (
	MinDensifyTolerance      = 0.1
	MaxDensifyTolerance      = 10000
	DefaultDensifyTolerance  = 10
	MaxDensifiedPoints       = 10485760
	DefaultSimplifyTolerance = 10
)

// rawPos is a parsed position that remembers which coordinates were whole
// numbers in the input, so that output derived from them prints alike.
type rawPos struct {
	LngLat
	intLng, intLat bool
}

func rawPosition(v any) (rawPos, bool) {
	p, ok := position(v)
	if !ok {
		return rawPos{}, false
	}
	a := v.([]any)
	_, il := a[0].(int64)
	_, it := a[1].(int64)
	return rawPos{LngLat: p, intLng: il, intLat: it}, true
}

func rawPositions(v any) ([]rawPos, bool) {
	a, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]rawPos, len(a))
	for i, e := range a {
		if out[i], ok = rawPosition(e); !ok {
			return nil, false
		}
	}
	return out, true
}

// coordNum returns x as a dynamic number: a long when it is whole and came
// from whole inputs, a real otherwise.
func coordNum(x float64, whole bool) any {
	if whole && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		return int64(x)
	}
	return x
}

func (r rawPos) value() []any {
	return []any{coordNum(r.Lng, r.intLng), coordNum(r.Lat, r.intLat)}
}

// densifier splits planar edges until each piece's geodesic stays within
// tol meters of it.
type densifier struct {
	tol      float64
	count    int
	preserve bool // edges over 180° of longitude cross the antimeridian
}

// edge appends the interior points of the edge a→b (excluding a and b).
func (d *densifier) edge(out []any, a, b rawPos) ([]any, bool) {
	return d.split(out, a, b, 0, 1, 0)
}

func lerp(a, b, t float64) float64 { return a + (b-a)*t }

func (d *densifier) at(a, b rawPos, t float64) LngLat {
	bl := b.Lng
	if d.preserve {
		switch {
		case bl-a.Lng > 180:
			bl -= 360
		case a.Lng-bl > 180:
			bl += 360
		}
	}
	lng := lerp(a.Lng, bl, t)
	if lng > 180 {
		lng -= 360
	} else if lng < -180 {
		lng += 360
	}
	return LngLat{Lng: lng, Lat: lerp(a.Lat, b.Lat, t)}
}

func (d *densifier) split(out []any, a, b rawPos, t0, t1 float64, depth int) ([]any, bool) {
	p, q := d.at(a, b, t0), d.at(a, b, t1)
	tm := (t0 + t1) / 2
	m := d.at(a, b, tm)
	if depth >= 40 || meters(s2.DistanceFromSegment(m.point(), p.point(), q.point())) <= d.tol {
		return out, true
	}
	out, ok := d.split(out, a, b, t0, tm, depth+1)
	if !ok {
		return nil, false
	}
	d.count++
	if d.count > MaxDensifiedPoints {
		return nil, false
	}
	out = append(out, []any{coordNum(m.Lng, a.intLng && b.intLng), coordNum(m.Lat, a.intLat && b.intLat)})
	return d.split(out, a, b, tm, t1, depth+1)
}

// chain densifies a sequence of positions.
func (d *densifier) chain(pts []rawPos) ([]any, bool) {
	out := []any{pts[0].value()}
	for i := 1; i < len(pts); i++ {
		var ok bool
		if out, ok = d.edge(out, pts[i-1], pts[i]); !ok {
			return nil, false
		}
		out = append(out, pts[i].value())
	}
	d.count += len(pts)
	return out, d.count <= MaxDensifiedPoints
}

func validTolerance(tol float64) bool {
	return tol >= MinDensifyTolerance && tol <= MaxDensifyTolerance
}

// DensifyLines converts the planar edges of a GeoJSON LineString or
// MultiLineString to geodesics by inserting points where the geodesic
// strays more than tol meters from the planar edge. Edges are halved until
// they fit. With preserveCrossing, an edge spanning more than 180° of
// longitude is taken to cross the antimeridian rather than to run the long
// way round. ok is false for an invalid line or tolerance.
func DensifyLines(d any, tol float64, preserveCrossing bool) (any, bool) {
	if !validTolerance(tol) {
		return nil, false
	}
	t, _ := bagString(d, "type")
	if _, ok := ParseLines(d); !ok {
		return nil, false
	}
	c, _ := bagValue(d, "coordinates")
	dn := &densifier{tol: tol, preserve: preserveCrossing}
	if t == "LineString" {
		pts, _ := rawPositions(c)
		out, ok := dn.chain(pts)
		if !ok {
			return nil, false
		}
		return shape("LineString", out), true
	}
	var lines []any
	for _, l := range c.([]any) {
		pts, _ := rawPositions(l)
		out, ok := dn.chain(pts)
		if !ok {
			return nil, false
		}
		lines = append(lines, out)
	}
	return shape("MultiLineString", lines), true
}

// DensifyPolygons converts the planar edges of a GeoJSON Polygon or
// MultiPolygon to geodesics (see DensifyLines). ok is false for an invalid
// polygon or tolerance.
func DensifyPolygons(d any, tol float64, preserveCrossing bool) (any, bool) {
	if !validTolerance(tol) {
		return nil, false
	}
	if _, ok := ParseAndBuildPolygons(d); !ok {
		return nil, false
	}
	t, _ := bagString(d, "type")
	c, _ := bagValue(d, "coordinates")
	dn := &densifier{tol: tol, preserve: preserveCrossing}
	polygon := func(v any) (any, bool) {
		var rings []any
		for _, r := range v.([]any) {
			pts, _ := rawPositions(r)
			out, ok := dn.chain(pts)
			if !ok {
				return nil, false
			}
			rings = append(rings, out)
		}
		return rings, true
	}
	if t == "Polygon" {
		rings, ok := polygon(c)
		if !ok {
			return nil, false
		}
		return shape("Polygon", rings), true
	}
	var polys []any
	for _, p := range c.([]any) {
		rings, ok := polygon(p)
		if !ok {
			return nil, false
		}
		polys = append(polys, rings)
	}
	return shape("MultiPolygon", polys), true
}

// simplifyChain reduces a chain of positions: vertices closer than tol
// meters to the last kept one merge into it, then Douglas–Peucker drops
// vertices within tol meters of the geodesic between kept neighbours. The
// chain's last position is always kept (replacing a kept vertex it would
// merge into, unless that is the first).
func simplifyChain(pts []LngLat, tol float64) []LngLat {
	kept := []LngLat{pts[0]}
	for i := 1; i < len(pts); i++ {
		p := pts[i]
		last := kept[len(kept)-1]
		d, _ := Distance(last, p)
		if d >= tol && d > 0 {
			kept = append(kept, p)
			continue
		}
		if i == len(pts)-1 && len(kept) > 1 {
			kept[len(kept)-1] = p
		}
	}
	if len(kept) < 3 {
		return kept
	}
	keep := make([]bool, len(kept))
	keep[0], keep[len(kept)-1] = true, true
	var dp func(i, j int)
	dp = func(i, j int) {
		if j-i < 2 {
			return
		}
		a, b := kept[i].point(), kept[j].point()
		best, bi := -1.0, -1
		for k := i + 1; k < j; k++ {
			if d := meters(s2.DistanceFromSegment(kept[k].point(), a, b)); d > best {
				best, bi = d, k
			}
		}
		if best > tol {
			keep[bi] = true
			dp(i, bi)
			dp(bi, j)
		}
	}
	dp(0, len(kept)-1)
	out := kept[:0:0]
	for i, p := range kept {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

// SimplifyLines simplifies a GeoJSON LineString or MultiLineString so that
// no removed vertex lies farther than tol meters from the result. ok is
// false for invalid input, a negative tolerance, or a line that collapses
// to a point.
func SimplifyLines(d any, tol float64) (any, bool) {
	if !(tol >= 0) || math.IsInf(tol, 1) {
		return nil, false
	}
	lines, ok := ParseLines(d)
	if !ok {
		return nil, false
	}
	t, _ := bagString(d, "type")
	out := make([][]LngLat, len(lines))
	for i, l := range lines {
		s := simplifyChain(l, tol)
		if len(s) < 2 {
			return nil, false
		}
		out[i] = s
	}
	if t == "LineString" {
		return LineValue(out[0]), true
	}
	return MultiLineValue(out), true
}

// SimplifyPolygons simplifies each ring of a GeoJSON Polygon or
// MultiPolygon (see SimplifyLines). ok is false for invalid input, a
// negative tolerance, or a ring that collapses below three vertices.
func SimplifyPolygons(d any, tol float64) (any, bool) {
	if !(tol >= 0) || math.IsInf(tol, 1) {
		return nil, false
	}
	polys, ok := ParsePolygons(d)
	if !ok {
		return nil, false
	}
	if _, ok := BuildPolygons(polys); !ok {
		return nil, false
	}
	t, _ := bagString(d, "type")
	out := make([][][]LngLat, len(polys))
	for i, rings := range polys {
		out[i] = make([][]LngLat, len(rings))
		for j, r := range rings {
			s := simplifyChain(r, tol)
			if len(s) < 4 || s[0] != s[len(s)-1] {
				return nil, false
			}
			out[i][j] = s
		}
	}
	if _, ok := BuildPolygons(out); !ok {
		return nil, false
	}
	if t == "Polygon" {
		return PolygonValue(out[0]), true
	}
	return MultiPolygonValue(out), true
}
