package geo

import (
	"testing"

	"kqlhunt/kql/types"
)

// FuzzWKT checks that WKT parsing never panics and that whatever it
// accepts is GeoJSON the shape parsers read back.
func FuzzWKT(f *testing.F) {
	for _, s := range []string{
		"POINT (1 2)",
		"LINESTRING (1 2, 3 4)",
		"POLYGON ((0 0, 2 0, 2 2, 0 0))",
		"MULTIPOINT ((1 1), (2 2))",
		"MULTIPOINT (1 1, 2 2)",
		"MULTILINESTRING ((1 1, 2 2, 3 3), (4 4, 5 5))",
		"MULTIPOLYGON (((0 0, 2 0, 2 2, 0 0)),((10 10, 12 10, 12 12, 10 10)))",
		"GEOMETRYCOLLECTION (POINT (1 1),LINESTRING (2 2, 3 3, 4 4),POLYGON ((10 10, 12 10, 12 12, 10 10)))",
		"POINT Z (1 2 3)",
		"point(1e2 -4.5)",
		"POINT EMPTY",
		"LINESTRING (1 2)",
		"POLYGON ((0 0, 2 0, 2 2))",
		"POINT (200 1)",
		"GEOMETRYCOLLECTION (GEOMETRYCOLLECTION (POINT (1 1)))",
		"",
		"((((",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseWKT(s)
		if err != nil {
			return
		}
		text := types.FormatDynamic(g)
		back, err := types.ParseDynamic(text)
		if err != nil {
			t.Fatalf("WKT %q gave unparsable JSON %s: %v", s, text, err)
		}
		kind, _ := bagString(back, "type")
		switch kind {
		case "Point":
			if _, ok := ParsePoint(back); !ok {
				t.Fatalf("WKT %q: Point %s not readable", s, text)
			}
		case "LineString", "MultiLineString":
			if _, ok := ParseLines(back); !ok {
				t.Fatalf("WKT %q: line %s not readable", s, text)
			}
		case "Polygon", "MultiPolygon":
			if _, ok := ParsePolygons(back); !ok {
				t.Fatalf("WKT %q: polygon %s not readable", s, text)
			}
		case "MultiPoint", "GeometryCollection":
		default:
			t.Fatalf("WKT %q gave unexpected type %q", s, kind)
		}
	})
}

// FuzzGeoJSON feeds arbitrary JSON to every shape parser and builder: none
// may panic, and accepted shapes must give finite measures.
func FuzzGeoJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"Point","coordinates":[1,2]}`,
		`{"type":"LineString","coordinates":[[1,1],[2,2]]}`,
		`{"type":"MultiLineString","coordinates":[[[1,1],[2,2]],[[3,3],[4,4]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[4,6],[6,6],[6,4],[4,4]]]}`,
		`{"type":"MultiPolygon","coordinates":[[[[0,0],[2,0],[2,2],[0,0]]],[[[1,0],[3,0],[3,2],[1,0]]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,10],[0,0]]]}`,
		`{"type":"Polygon","coordinates":[]}`,
		`{"type":"LineString","coordinates":[[1,1]]}`,
		`{"type":"LineString","coordinates":[[1,"a"],[2,2]]}`,
		`[1,2,3]`,
		`null`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := types.ParseDynamic(s)
		if err != nil {
			return
		}
		ParsePoint(d)
		p := LngLat{1, 1}
		if ls, ok := ParseAndBuildLines(d); ok {
			ls.Length()
			ls.Centroid()
			ls.Distance(p)
			ls.ClosestPoint(p)
			ls.Interpolate(0.5)
			ls.Locate(p)
			ls.Intersects(ls)
			ls.Intersection(ls)
			SimplifyLines(d, 10)
			DensifyLines(d, 1000, true)
		}
		if ps, ok := ParseAndBuildPolygons(d); ok {
			if a, ok := ps.Area(); ok && !(a >= 0) {
				t.Fatalf("area %v for %s", a, s)
			}
			ps.Perimeter()
			ps.Centroid()
			ps.Contains(p)
			ps.Distance(p)
			ps.ClosestPoint(p)
			ps.Intersects(ps)
			SimplifyPolygons(d, 10)
			DensifyPolygons(d, 1000, false)
			PolygonS2Covering(ps, 2)
			UnionPolygons([]*Polygons{ps, ps})
			IntersectPolygons(ps, ps)
			if ls, ok := ParseAndBuildLines(mustLine()); ok {
				IntersectLines(ls, ps)
				LinesIntersectPolygons(ls, ps)
			}
		}
	})
}

// mustLine is a fixed line crossing the fuzzed polygons' usual area.
func mustLine() any {
	d, _ := types.ParseDynamic(`{"type":"LineString","coordinates":[[-1,-1],[5,5],[12,3]]}`)
	return d
}
