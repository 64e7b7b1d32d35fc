package funcs

import (
	"testing"

	"kqlhunt/kql/types"
)

const geoCentralPark = `{"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}`

// geoCentralParkCompact is the Central Park polygon as the overlay prints
// it (vertices round-tripped through the sphere).
const geoCentralParkCompact = `{"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}`

func TestGeoFunctions(t *testing.T) {
	nullI := types.NullOf(types.Int)
	runScalarCases(t, []scalarCase{
		// Grids.
		{"geo_point_to_geohash", args(R(-80.195829), R(25.802215), L(8)), "dhwfz15h"},
		{"geo_point_to_geohash", args(R(-122.303404), R(47.570482)), "c23n8"},
		{"geo_point_to_geohash", args(R(200), R(1), L(8)), ""},
		{"geo_point_to_geohash", args(R(1), R(1), nullI), ""},
		{"geo_geohash_to_central_point", args(S("sunny")), `{"type":"Point","coordinates":[42.47314453125,23.70849609375]}`},
		{"geo_geohash_to_central_point", args(S("a")), "null"},
		{"geo_geohash_to_polygon", args(S("dr5ru")), `{"type":"Polygon","coordinates":[[[-74.00390625,40.7373046875],[-73.9599609375,40.7373046875],[-73.9599609375,40.78125],[-74.00390625,40.78125],[-74.00390625,40.7373046875]]]}`},
		{"geo_geohash_neighbors", args(S("a")), "null"},
		{"geo_point_to_s2cell", args(R(-80.195829), R(25.802215), L(8)), "88d9b"},
		{"geo_point_to_s2cell", args(R(300), R(1), L(8)), ""},
		{"geo_point_to_s2cell", args(R(1), R(1), nullI), ""},
		{"geo_s2cell_to_polygon", args(S("a")), "null"},
		{"geo_s2cell_neighbors", args(S("a")), "null"},
		{"geo_polygon_to_s2cells", args(J(`{"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]}`), L(30)), "null"},
		{"geo_h3cell_level", args(S("862a1072fffffff")), "6"},
		{"geo_h3cell_level", args(S("abc")), "null"},
		{"geo_h3cell_parent", args(S("862a1072fffffff")), "852a1073fffffff"},
		{"geo_h3cell_parent", args(S("862a1072fffffff"), L(100)), ""},
		{"geo_h3cell_parent", args(S("123")), ""},
		{"geo_h3cell_children", args(S("862a1072fffffff")), `["872a10728ffffff","872a10729ffffff","872a1072affffff","872a1072bffffff","872a1072cffffff","872a1072dffffff","872a1072effffff"]`},
		{"geo_h3cell_children", args(S("abc")), "null"},
		// Points.
		{"geo_distance_2points", args(R(-122.407628), R(47.578557), R(-118.275287), R(34.019056)), "1546754.3519738093"},
		{"geo_distance_2points", args(R(300), L(1), L(1), L(1)), "null"},
		{"geo_distance_2points", args(L(0), L(0), L(1), L(0), B(true)), "111319.4907932264"},
		{"geo_point_in_circle", args(R(-122.143564), R(47.535677), R(-122.100896), R(47.527351), L(3500)), "true"},
		{"geo_point_in_circle", args(R(-122.137575), R(47.630683), R(-122.100896), R(47.527351), L(3500)), "false"},
		{"geo_azimuth", args(L(5), L(10), L(10), L(-40)), "3.054599397964492"},
		{"geo_azimuth", args(L(5), L(10), L(5), L(10)), "null"},
		{"geo_angle", args(L(0), L(10), L(0), L(5), L(3), L(-10)), "2.9449384340688165"},
		// Polygons.
		{"geo_point_in_polygon", args(L(1), L(1), J(`{"type": "Polygon","coordinates": [[[0,0],[10,10],[10,10],[0,0]]]}`)), "null"},
		{"geo_point_in_polygon", args(R(-73.965), R(40.78), J(geoCentralPark)), "true"},
		{"geo_point_in_polygon", args(R(-73.9), R(40.78), J(geoCentralPark)), "false"},
		{"geo_polygon_area", args(J(geoCentralPark)), "3475207.2834667694"},
		{"geo_polygon_area", args(J(`{"type": "Polygon","coordinates": [[[0,0],[10,10],[10,10],[0,0]]]}`)), "null"},
		{"geo_polygon_perimeter", args(J(geoCentralPark)), "9930.301496049493"},
		{"geo_polygon_centroid", args(J(`{"type":"Polygon"}`)), "null"},
		{"geo_distance_point_to_polygon", args(R(-73.9839), R(40.7705), J(geoCentralPark)), "259.9407560704546"},
		{"geo_intersects_2polygons", args(J(geoCentralPark), J(geoCentralPark)), "true"},
		// Lines.
		{"geo_line_length", args(J(`{"type":"LineString","coordinates":[[1, 1]]}`)), "null"},
		{"geo_line_interpolate_point", args(J(`{"type":"LineString","coordinates":[[1, 1]]}`), R(0.5)), "null"},
		{"geo_line_locate_point", args(J(`{"type":"LineString","coordinates":[[1, 1]]}`), L(1), L(1)), "null"},
		{"geo_distance_point_to_line", args(L(300), L(3), J(`{ "type":"LineString","coordinates":[[1,1],[2,2]]}`)), "null"},
		{"geo_closest_point_on_line", args(L(300), L(3), J(`{ "type":"LineString","coordinates":[[1,1],[2,2]]}`)), "null"},
		{"geo_intersects_2lines", args(J(`{"type":"LineString","coordinates":[[1, 1],[2, 2]]}`), J(`{"type":"LineString","coordinates":[[3, 3]]}`)), "null"},
		{"geo_intersection_2lines", args(J(`{"type":"LineString","coordinates":[[1, 1],[2, 2]]}`), J(`{"type":"LineString","coordinates":[[3, 3],[4, 4]]}`)), `{"type":"GeometryCollection","geometries":[]}`},
		{"geo_intersects_line_with_polygon", args(J(`{"type":"LineString","coordinates":[[-73.97,40.78],[-73.96,40.79]]}`), J(geoCentralPark)), "true"},
		// Shapes.
		{"geo_from_wkt", args(S("LINESTRING (1 2, 3 4)")), `{"type":"LineString","coordinates":[[1.0,2.0],[3.0,4.0]]}`},
		{"geo_from_wkt", args(S("LINESTRING (1 2)")), "null"},
		{"geo_line_densify", args(J(`{"type":"LineString","coordinates":[[50, 50], [51, 51]]}`)), `{"type":"LineString","coordinates":[[50,50],[50.125,50.125],[50.25,50.25],[50.375,50.375],[50.5,50.5],[50.625,50.625],[50.75,50.75],[50.875,50.875],[51,51]]}`},
		{"geo_line_densify", args(J(`{"type":"LineString","coordinates":[[1,1],[2,2]]}`), L(0)), "null"},
		{"geo_polygon_densify", args(J(`{"type":"Polygon","coordinates":[[[10,900],[11,10],[11,11],[10,11],[10,10]]]}`)), "null"},
		{"geo_line_simplify", args(J(`{"type":"LineString","coordinates":[[1, 1],[2,2]]}`), L(-1)), "null"},
		{"geo_polygon_simplify", args(J(`{"type":"Polygon","coordinates":[[[5,48],[5,48]]]}`)), "null"},
		{"geo_point_buffer", args(L(200), L(1), R(0.1)), "null"},
		{"geo_point_buffer", args(L(10), L(10), L(-1)), "null"},
		{"geo_line_buffer", args(J(`{"type":"LineString"}`), L(5)), "null"},
		{"geo_line_buffer", args(J(`{"type":"LineString","coordinates":[[0,0],[1,1]]}`), L(0)), "null"},
		{"geo_polygon_buffer", args(J(`{"type":"Polygon","coordinates":[[[10,10],[0,10],[0,0],[10,10]]]}`), L(0)), "null"},
		{"geo_union_polygons_array", args(J(`[` + geoCentralPark + `,{"type":"Polygon","coordinates":[[[-73.94622,40.79249]]]}]`)), "null"},
		{"geo_union_polygons_array", args(J(`[` + geoCentralPark + `]`)), geoCentralParkCompact},
		{"geo_union_lines_array", args(J(`[{"type":"LineString","coordinates":[[0,0],[0,10]]},{"type":"LineString","coordinates":[[1, 1]]}]`)), "null"},
		{"geo_union_lines_array", args(J(`[{"type":"LineString","coordinates":[[0,0],[0,10]]},{"type":"LineString","coordinates":[[0,5],[0,10],[1,10]]}]`)), `{"type":"LineString","coordinates":[[0.0,0.0],[0.0,5.0],[0.0,10.0],[1.0,10.0]]}`},
		{"geo_intersection_2polygons", args(J(geoCentralPark), J(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`)), `{"type":"GeometryCollection","geometries":[]}`},
		{"geo_simplify_polygons_array", args(J(`[`+geoCentralPark+`]`), L(10000)), "null"},
		{"geo_simplify_polygons_array", args(J(`[`+geoCentralPark+`]`), L(-1)), "null"},
	})
}

func TestGeoPointBufferShape(t *testing.T) {
	v := call(t, "geo_point_buffer", R(-115.1745008278), R(36.1497251277), L(20000))
	area := call(t, "geo_polygon_area", v)
	// A circle of 20 km radius on the sphere: 2πR²(1 - cos(r/R)) ≈ 1.2566e9 m².
	if area.IsNull() || area.F < 1.2566e9 || area.F > 1.2580e9 {
		t.Errorf("buffer area = %v", show(area))
	}
}

func TestGeoCatalogued(t *testing.T) {
	for _, f := range geoFuncs {
		got, ok := Lookup(f.Name)
		if !ok || got != f {
			t.Errorf("%s not in the catalogue", f.Name)
		}
	}
}
