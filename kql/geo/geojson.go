package geo

import "kqlhunt/kql/types"

// GeoJSON shapes arrive as dynamic values (see kql/types/dynamic.go): a
// property bag with "type" and "coordinates" (or "geometries"), whose
// coordinates are nested arrays of numbers. The parsers here accept exactly
// the shape a function needs and report anything else as invalid.

// bagString returns the string stored under key in a property bag.
func bagString(d any, key string) (string, bool) {
	b, ok := d.(*types.Bag)
	if !ok || b == nil {
		return "", false
	}
	v, ok := b.Get(key)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// bagValue returns the value stored under key in a property bag.
func bagValue(d any, key string) (any, bool) {
	b, ok := d.(*types.Bag)
	if !ok || b == nil {
		return nil, false
	}
	return b.Get(key)
}

// number returns a dynamic number as a float64.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case types.Value:
		if x.IsNull() {
			return 0, false
		}
		switch x.Type {
		case types.Int, types.Long:
			return float64(x.I), true
		case types.Real, types.Decimal:
			return x.F, true
		}
	}
	return 0, false
}

// position parses [lng, lat] (an optional third altitude is ignored) and
// checks the coordinate's range.
func position(v any) (LngLat, bool) {
	a, ok := v.([]any)
	if !ok || len(a) < 2 || len(a) > 3 {
		return LngLat{}, false
	}
	lng, ok1 := number(a[0])
	lat, ok2 := number(a[1])
	if !ok1 || !ok2 || !ValidLngLat(lng, lat) {
		return LngLat{}, false
	}
	return LngLat{Lng: lng, Lat: lat}, true
}

// positions parses an array of positions.
func positions(v any) ([]LngLat, bool) {
	a, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]LngLat, len(a))
	for i, e := range a {
		if out[i], ok = position(e); !ok {
			return nil, false
		}
	}
	return out, true
}

// lineCoords parses a LineString's coordinates: at least two positions.
func lineCoords(v any) ([]LngLat, bool) {
	pts, ok := positions(v)
	if !ok || len(pts) < 2 {
		return nil, false
	}
	return pts, true
}

// polygonCoords parses a Polygon's coordinates: one or more rings, each
// closed (first position equal to the last) with at least four positions.
func polygonCoords(v any) ([][]LngLat, bool) {
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		return nil, false
	}
	rings := make([][]LngLat, len(a))
	for i, e := range a {
		r, ok := positions(e)
		if !ok || len(r) < 4 || r[0] != r[len(r)-1] {
			return nil, false
		}
		rings[i] = r
	}
	return rings, true
}

// ParsePoint parses a GeoJSON Point.
func ParsePoint(d any) (LngLat, bool) {
	if t, ok := bagString(d, "type"); !ok || t != "Point" {
		return LngLat{}, false
	}
	c, ok := bagValue(d, "coordinates")
	if !ok {
		return LngLat{}, false
	}
	return position(c)
}

// ParseLines parses a GeoJSON LineString or MultiLineString into its lines,
// each of at least two valid positions.
func ParseLines(d any) ([][]LngLat, bool) {
	t, ok := bagString(d, "type")
	if !ok {
		return nil, false
	}
	c, ok := bagValue(d, "coordinates")
	if !ok {
		return nil, false
	}
	switch t {
	case "LineString":
		l, ok := lineCoords(c)
		if !ok {
			return nil, false
		}
		return [][]LngLat{l}, true
	case "MultiLineString":
		a, ok := c.([]any)
		if !ok || len(a) == 0 {
			return nil, false
		}
		out := make([][]LngLat, len(a))
		for i, e := range a {
			if out[i], ok = lineCoords(e); !ok {
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}

// ParseLine parses a GeoJSON LineString (only).
func ParseLine(d any) ([]LngLat, bool) {
	if t, ok := bagString(d, "type"); !ok || t != "LineString" {
		return nil, false
	}
	ls, ok := ParseLines(d)
	if !ok {
		return nil, false
	}
	return ls[0], true
}

// ParsePolygons parses a GeoJSON Polygon or MultiPolygon into polygons, each
// a list of rings (shell first, then holes) whose first position repeats at
// the end. The rings' geometry is checked when the polygon is built.
func ParsePolygons(d any) ([][][]LngLat, bool) {
	t, ok := bagString(d, "type")
	if !ok {
		return nil, false
	}
	c, ok := bagValue(d, "coordinates")
	if !ok {
		return nil, false
	}
	switch t {
	case "Polygon":
		p, ok := polygonCoords(c)
		if !ok {
			return nil, false
		}
		return [][][]LngLat{p}, true
	case "MultiPolygon":
		a, ok := c.([]any)
		if !ok || len(a) == 0 {
			return nil, false
		}
		out := make([][][]LngLat, len(a))
		for i, e := range a {
			if out[i], ok = polygonCoords(e); !ok {
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}

// Builders of GeoJSON dynamic values.

func coordValue(p LngLat) []any { return []any{p.Lng, p.Lat} }

func coordsValue(pts []LngLat) []any {
	out := make([]any, len(pts))
	for i, p := range pts {
		out[i] = coordValue(p)
	}
	return out
}

func ringsValue(rings [][]LngLat) []any {
	out := make([]any, len(rings))
	for i, r := range rings {
		out[i] = coordsValue(r)
	}
	return out
}

func shape(kind string, coords any) *types.Bag {
	return &types.Bag{Keys: []string{"type", "coordinates"}, Vals: []any{kind, coords}}
}

// PointValue returns a GeoJSON Point.
func PointValue(p LngLat) *types.Bag { return shape("Point", coordValue(p)) }

// LineValue returns a GeoJSON LineString.
func LineValue(pts []LngLat) *types.Bag { return shape("LineString", coordsValue(pts)) }

// MultiLineValue returns a GeoJSON MultiLineString.
func MultiLineValue(lines [][]LngLat) *types.Bag {
	return shape("MultiLineString", ringsValue(lines))
}

// PolygonValue returns a GeoJSON Polygon from its rings (shell first).
func PolygonValue(rings [][]LngLat) *types.Bag { return shape("Polygon", ringsValue(rings)) }

// MultiPolygonValue returns a GeoJSON MultiPolygon.
func MultiPolygonValue(polys [][][]LngLat) *types.Bag {
	out := make([]any, len(polys))
	for i, p := range polys {
		out[i] = ringsValue(p)
	}
	return shape("MultiPolygon", out)
}

// CollectionValue returns a GeoJSON GeometryCollection of the geometries.
func CollectionValue(geoms []any) *types.Bag {
	if geoms == nil {
		geoms = []any{}
	}
	return &types.Bag{Keys: []string{"type", "geometries"}, Vals: []any{"GeometryCollection", geoms}}
}
