package funcs

import (
	"sort"

	"kqlhunt/kql/geo"
	"kqlhunt/kql/types"
)

// The geospatial functions (geo_*). The geometry lives in package
// kqlhunt/kql/geo; the entries here convert arguments and results. Invalid
// input gives null (or the empty string for the functions returning a cell
// token or geohash), as in Kusto.
//
// The catalogue table in registry.go does not list geoFuncs, so init adds
// them to the catalogue once, before first use; an entry already present
// under the same name is left alone.
func init() {
	added := false
	for _, f := range geoFuncs {
		if _, dup := catalog[f.Name]; dup {
			continue
		}
		if f.Result != nil {
			f.Result = named(f.Name, f.Result)
		}
		catalog[f.Name] = f
		sortedNames = append(sortedNames, f.Name)
		added = true
	}
	if added {
		sort.Strings(sortedNames)
	}
}

// geoShapes returns the query's cache of the polygons and lines built from
// GeoJSON bags, so that a constant shape passed on every row is parsed once
// per query. A nil Context gets a fresh cache.
func (c *Context) geoShapes() *geo.ShapeCache {
	if c == nil {
		return &geo.ShapeCache{}
	}
	return &c.shapes
}

var geoFuncs = []*Func{
	scalar("geo_point_to_geohash", 2, 3, sig(types.String, aNum, aNum, aInt), evalPointToGeohash),
	scalar("geo_geohash_to_central_point", 1, 1, sig(types.Dynamic, aStr), evalGeohashToCentralPoint),
	scalar("geo_geohash_to_polygon", 1, 1, sig(types.Dynamic, aStr), evalGeohashToPolygon),
	scalar("geo_geohash_neighbors", 1, 1, sig(types.Dynamic, aStr), evalGeohashNeighbors),
	scalar("geo_point_to_s2cell", 2, 3, sig(types.String, aNum, aNum, aInt), evalPointToS2Cell),
	scalar("geo_s2cell_to_central_point", 1, 1, sig(types.Dynamic, aStr), evalS2CellToCentralPoint),
	scalar("geo_s2cell_to_polygon", 1, 1, sig(types.Dynamic, aStr), evalS2CellToPolygon),
	scalar("geo_s2cell_neighbors", 1, 1, sig(types.Dynamic, aStr), evalS2CellNeighbors),
	scalar("geo_polygon_to_s2cells", 1, 2, sig(types.Dynamic, aDyn, aInt), evalPolygonToS2Cells),
	scalar("geo_distance_2points", 4, 5, sig(types.Real, aNum, aNum, aNum, aNum, aBool), evalDistance2Points),
	scalar("geo_point_in_circle", 5, 5, sig(types.Bool, aNum, aNum, aNum, aNum, aNum), evalPointInCircle),
	scalar("geo_azimuth", 4, 4, sig(types.Real, aNum, aNum, aNum, aNum), evalAzimuth),
	scalar("geo_angle", 6, 6, sig(types.Real, aNum, aNum, aNum, aNum, aNum, aNum), evalAngle),
	scalar("geo_point_in_polygon", 3, 3, sig(types.Bool, aNum, aNum, aDyn), evalPointInPolygon),
	scalar("geo_polygon_area", 1, 1, sig(types.Real, aDyn), evalPolygonArea),
	scalar("geo_polygon_perimeter", 1, 1, sig(types.Real, aDyn), evalPolygonPerimeter),
	scalar("geo_polygon_centroid", 1, 1, sig(types.Dynamic, aDyn), evalPolygonCentroid),
	scalar("geo_distance_point_to_polygon", 3, 3, sig(types.Real, aNum, aNum, aDyn), evalDistancePointToPolygon),
	scalar("geo_closest_point_on_polygon", 3, 3, sig(types.Dynamic, aNum, aNum, aDyn), evalClosestPointOnPolygon),
	scalar("geo_intersects_2polygons", 2, 2, sig(types.Bool, aDyn, aDyn), evalIntersects2Polygons),
	scalar("geo_line_length", 1, 1, sig(types.Real, aDyn), evalLineLength),
	scalar("geo_line_centroid", 1, 1, sig(types.Dynamic, aDyn), evalLineCentroid),
	scalar("geo_distance_point_to_line", 3, 3, sig(types.Real, aNum, aNum, aDyn), evalDistancePointToLine),
	scalar("geo_closest_point_on_line", 3, 3, sig(types.Dynamic, aNum, aNum, aDyn), evalClosestPointOnLine),
	scalar("geo_line_interpolate_point", 2, 2, sig(types.Dynamic, aDyn, aNum), evalLineInterpolatePoint),
	scalar("geo_line_locate_point", 3, 4, sig(types.Real, aDyn, aNum, aNum, aBool), evalLineLocatePoint),
	scalar("geo_intersects_2lines", 2, 2, sig(types.Bool, aDyn, aDyn), evalIntersects2Lines),
	scalar("geo_intersection_2lines", 2, 2, sig(types.Dynamic, aDyn, aDyn), evalIntersection2Lines),
	scalar("geo_from_wkt", 1, 1, sig(types.Dynamic, aStr), evalFromWKT),
	scalar("geo_line_densify", 1, 3, sig(types.Dynamic, aDyn, aNum, aBool), evalLineDensify),
	scalar("geo_polygon_densify", 1, 3, sig(types.Dynamic, aDyn, aNum, aBool), evalPolygonDensify),
	scalar("geo_line_simplify", 1, 2, sig(types.Dynamic, aDyn, aNum), evalLineSimplify),
	scalar("geo_polygon_simplify", 1, 2, sig(types.Dynamic, aDyn, aNum), evalPolygonSimplify),
	scalar("geo_point_buffer", 3, 4, sig(types.Dynamic, aNum, aNum, aNum, aNum), evalPointBuffer),
	scalar("geo_intersection_line_with_polygon", 2, 2, sig(types.Dynamic, aDyn, aDyn), evalIntersectionLineWithPolygon),
	scalar("geo_h3cell_level", 1, 1, sig(types.Int, aStr), evalH3CellLevel),
	scalar("geo_h3cell_parent", 1, 2, sig(types.String, aStr, aInt), evalH3CellParent),
	scalar("geo_h3cell_children", 1, 2, sig(types.Dynamic, aStr, aInt), evalH3CellChildren),
	scalar("geo_union_polygons_array", 1, 1, sig(types.Dynamic, aDyn), evalUnionPolygonsArray),
	scalar("geo_simplify_polygons_array", 1, 2, sig(types.Dynamic, aDyn, aNum), evalSimplifyPolygonsArray),
	scalar("geo_intersection_2polygons", 2, 2, sig(types.Dynamic, aDyn, aDyn), evalIntersection2Polygons),
	scalar("geo_union_lines_array", 1, 1, sig(types.Dynamic, aDyn), evalUnionLinesArray),
	scalar("geo_line_buffer", 2, 3, sig(types.Dynamic, aDyn, aNum, aNum), evalLineBuffer),
	scalar("geo_polygon_buffer", 2, 3, sig(types.Dynamic, aDyn, aNum, aNum), evalPolygonBuffer),
	scalar("geo_intersects_line_with_polygon", 2, 2, sig(types.Bool, aDyn, aDyn), evalIntersectsLineWithPolygon),
}

// Argument helpers.

// argLngLat reads a coordinate from two arguments; ok is false for null,
// non-numeric or out-of-range values.
func argLngLat(lng, lat types.Value) (geo.LngLat, bool) {
	x, ok1 := argReal(lng)
	y, ok2 := argReal(lat)
	p := geo.LngLat{Lng: x, Lat: y}
	return p, ok1 && ok2 && p.Valid()
}

// argDyn returns the dynamic payload of v (a string argument is parsed as
// JSON); ok is false for null.
func argDyn(v types.Value) (any, bool) {
	switch {
	case v.IsNull():
		return nil, false
	case v.Type == types.Dynamic:
		return v.D, v.D != nil
	case v.Type == types.String:
		d, err := types.ParseDynamic(v.S)
		return d, err == nil && d != nil
	}
	return nil, false
}

// argOptLong returns the optional integer argument i, def when absent;
// ok is false when present but null or not a number.
func argOptLong(a []types.Value, i int, def int64) (int64, bool) {
	if len(a) <= i {
		return def, true
	}
	return argLong(a[i])
}

func pointDyn(p geo.LngLat, ok bool) (types.Value, error) {
	if !ok {
		return nullDynamic, nil
	}
	return types.NewDynamic(geo.PointValue(p)), nil
}

func realOrNull(x float64, ok bool) (types.Value, error) {
	if !ok {
		return nullReal, nil
	}
	return types.NewReal(x), nil
}

func boolOrNull(b, ok bool) (types.Value, error) {
	if !ok {
		return nullBool, nil
	}
	return types.NewBool(b), nil
}

func stringsDyn(ss []string, ok bool) (types.Value, error) {
	if !ok {
		return nullDynamic, nil
	}
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return types.NewDynamic(out), nil
}

// Grids.

func evalPointToGeohash(ctx *Context, a []types.Value) (types.Value, error) {
	p, ok := argLngLat(a[0], a[1])
	n, ok2 := argOptLong(a, 2, geo.DefaultGeohashLength)
	if !ok || !ok2 || n < geo.MinGeohashLength || n > geo.MaxGeohashLength {
		return emptyString, nil
	}
	h, _ := geo.GeohashEncode(p, int(n))
	return types.NewString(h), nil
}

func evalGeohashToCentralPoint(ctx *Context, a []types.Value) (types.Value, error) {
	b, ok := geo.GeohashDecode(argStr(a[0]))
	return pointDyn(b.Center(), ok)
}

func evalGeohashToPolygon(ctx *Context, a []types.Value) (types.Value, error) {
	b, ok := geo.GeohashDecode(argStr(a[0]))
	if !ok {
		return nullDynamic, nil
	}
	return types.NewDynamic(geo.PolygonValue([][]geo.LngLat{b.Ring()})), nil
}

func evalGeohashNeighbors(ctx *Context, a []types.Value) (types.Value, error) {
	return stringsDyn(geo.GeohashNeighbors(argStr(a[0])))
}

func evalPointToS2Cell(ctx *Context, a []types.Value) (types.Value, error) {
	p, ok := argLngLat(a[0], a[1])
	n, ok2 := argOptLong(a, 2, geo.DefaultS2Level)
	if !ok || !ok2 || n < geo.MinS2Level || n > geo.MaxS2Level {
		return emptyString, nil
	}
	t, _ := geo.S2CellToken(p, int(n))
	return types.NewString(t), nil
}

func evalS2CellToCentralPoint(ctx *Context, a []types.Value) (types.Value, error) {
	return pointDyn(geo.S2CellCenter(argStr(a[0])))
}

func evalS2CellToPolygon(ctx *Context, a []types.Value) (types.Value, error) {
	r, ok := geo.S2CellRing(argStr(a[0]))
	if !ok {
		return nullDynamic, nil
	}
	return types.NewDynamic(geo.PolygonValue([][]geo.LngLat{r})), nil
}

func evalS2CellNeighbors(ctx *Context, a []types.Value) (types.Value, error) {
	return stringsDyn(geo.S2CellNeighbors(argStr(a[0])))
}

func evalPolygonToS2Cells(ctx *Context, a []types.Value) (types.Value, error) {
	ps, ok := argPolygons(ctx, a[0])
	n, ok2 := argOptLong(a, 1, geo.DefaultS2Level)
	if !ok || !ok2 || n < geo.MinS2Level || n > geo.MaxS2Level {
		return nullDynamic, nil
	}
	return stringsDyn(geo.PolygonS2Covering(ps, int(n)))
}

// Points.

func evalDistance2Points(ctx *Context, a []types.Value) (types.Value, error) {
	p, ok1 := argLngLat(a[0], a[1])
	q, ok2 := argLngLat(a[2], a[3])
	if !ok1 || !ok2 {
		return nullReal, nil
	}
	if len(a) > 4 {
		if a[4].IsNull() {
			return nullReal, nil
		}
		if a[4].Bool() {
			return realOrNull(geo.EllipsoidDistance(p, q))
		}
	}
	return realOrNull(geo.Distance(p, q))
}

func evalPointInCircle(ctx *Context, a []types.Value) (types.Value, error) {
	p, ok1 := argLngLat(a[0], a[1])
	c, ok2 := argLngLat(a[2], a[3])
	r, ok3 := argReal(a[4])
	if !ok1 || !ok2 || !ok3 {
		return nullBool, nil
	}
	return boolOrNull(geo.PointInCircle(p, c, r))
}

func evalAzimuth(ctx *Context, a []types.Value) (types.Value, error) {
	p, ok1 := argLngLat(a[0], a[1])
	q, ok2 := argLngLat(a[2], a[3])
	if !ok1 || !ok2 {
		return nullReal, nil
	}
	return realOrNull(geo.Azimuth(p, q))
}

func evalAngle(ctx *Context, a []types.Value) (types.Value, error) {
	p1, ok1 := argLngLat(a[0], a[1])
	p2, ok2 := argLngLat(a[2], a[3])
	p3, ok3 := argLngLat(a[4], a[5])
	if !ok1 || !ok2 || !ok3 {
		return nullReal, nil
	}
	return realOrNull(geo.Angle(p1, p2, p3))
}

// Polygons.

func argPolygons(ctx *Context, v types.Value) (*geo.Polygons, bool) {
	d, ok := argDyn(v)
	if !ok {
		return nil, false
	}
	return ctx.geoShapes().Polygons(d)
}

func evalPointInPolygon(ctx *Context, a []types.Value) (types.Value, error) {
	ps, ok := argPolygons(ctx, a[2])
	p, ok2 := argLngLat(a[0], a[1])
	if !ok || !ok2 {
		return nullBool, nil
	}
	return types.NewBool(ps.Contains(p)), nil
}

func evalPolygonArea(ctx *Context, a []types.Value) (types.Value, error) {
	ps, ok := argPolygons(ctx, a[0])
	if !ok {
		return nullReal, nil
	}
	return realOrNull(ps.Area())
}

func evalPolygonPerimeter(ctx *Context, a []types.Value) (types.Value, error) {
	ps, ok := argPolygons(ctx, a[0])
	if !ok {
		return nullReal, nil
	}
	return realOrNull(ps.Perimeter())
}

func evalPolygonCentroid(ctx *Context, a []types.Value) (types.Value, error) {
	ps, ok := argPolygons(ctx, a[0])
	if !ok {
		return nullDynamic, nil
	}
	return pointDyn(ps.Centroid())
}

func evalDistancePointToPolygon(ctx *Context, a []types.Value) (types.Value, error) {
	ps, ok := argPolygons(ctx, a[2])
	p, ok2 := argLngLat(a[0], a[1])
	if !ok || !ok2 {
		return nullReal, nil
	}
	return types.NewReal(ps.Distance(p)), nil
}

func evalClosestPointOnPolygon(ctx *Context, a []types.Value) (types.Value, error) {
	ps, ok := argPolygons(ctx, a[2])
	p, ok2 := argLngLat(a[0], a[1])
	if !ok || !ok2 {
		return nullDynamic, nil
	}
	return pointDyn(ps.ClosestPoint(p), true)
}

func evalIntersects2Polygons(ctx *Context, a []types.Value) (types.Value, error) {
	p1, ok1 := argPolygons(ctx, a[0])
	p2, ok2 := argPolygons(ctx, a[1])
	if !ok1 || !ok2 {
		return nullBool, nil
	}
	return types.NewBool(p1.Intersects(p2)), nil
}

// Lines.

func argLines(ctx *Context, v types.Value) (*geo.Lines, bool) {
	d, ok := argDyn(v)
	if !ok {
		return nil, false
	}
	return ctx.geoShapes().Lines(d)
}

func evalLineLength(ctx *Context, a []types.Value) (types.Value, error) {
	ls, ok := argLines(ctx, a[0])
	if !ok {
		return nullReal, nil
	}
	return types.NewReal(ls.Length()), nil
}

func evalLineCentroid(ctx *Context, a []types.Value) (types.Value, error) {
	ls, ok := argLines(ctx, a[0])
	if !ok {
		return nullDynamic, nil
	}
	return pointDyn(ls.Centroid())
}

func evalDistancePointToLine(ctx *Context, a []types.Value) (types.Value, error) {
	ls, ok := argLines(ctx, a[2])
	p, ok2 := argLngLat(a[0], a[1])
	if !ok || !ok2 {
		return nullReal, nil
	}
	return types.NewReal(ls.Distance(p)), nil
}

func evalClosestPointOnLine(ctx *Context, a []types.Value) (types.Value, error) {
	ls, ok := argLines(ctx, a[2])
	p, ok2 := argLngLat(a[0], a[1])
	if !ok || !ok2 {
		return nullDynamic, nil
	}
	return pointDyn(ls.ClosestPoint(p), true)
}

func evalLineInterpolatePoint(ctx *Context, a []types.Value) (types.Value, error) {
	ls, ok := argLines(ctx, a[0])
	f, ok2 := argReal(a[1])
	if !ok || !ok2 {
		return nullDynamic, nil
	}
	return pointDyn(ls.Interpolate(f))
}

func evalLineLocatePoint(ctx *Context, a []types.Value) (types.Value, error) {
	ls, ok := argLines(ctx, a[0])
	p, ok2 := argLngLat(a[1], a[2])
	if !ok || !ok2 || len(a) > 3 && a[3].IsNull() {
		return nullReal, nil
	}
	if len(a) > 3 && a[3].Bool() {
		return realOrNull(ls.LocateOnSpheroid(p))
	}
	return realOrNull(ls.Locate(p))
}

func evalIntersects2Lines(ctx *Context, a []types.Value) (types.Value, error) {
	l1, ok1 := argLines(ctx, a[0])
	l2, ok2 := argLines(ctx, a[1])
	if !ok1 || !ok2 {
		return nullBool, nil
	}
	return types.NewBool(l1.Intersects(l2)), nil
}

func evalIntersection2Lines(ctx *Context, a []types.Value) (types.Value, error) {
	l1, ok1 := argLines(ctx, a[0])
	l2, ok2 := argLines(ctx, a[1])
	if !ok1 || !ok2 {
		return nullDynamic, nil
	}
	return types.NewDynamic(l1.Intersection(l2)), nil
}

// Conversions.

func evalFromWKT(ctx *Context, a []types.Value) (types.Value, error) {
	d, err := geo.ParseWKT(argStr(a[0]))
	if err != nil {
		return nullDynamic, nil
	}
	return types.NewDynamic(d), nil
}

// Shape transformations.

// argOptReal returns the optional real argument i, def when absent; ok is
// false when present but null or not a number.
func argOptReal(a []types.Value, i int, def float64) (float64, bool) {
	if len(a) <= i {
		return def, true
	}
	return argReal(a[i])
}

// argOptBool returns the optional bool argument i, false when absent; ok
// is false when present but null.
func argOptBool(a []types.Value, i int) (bool, bool) {
	if len(a) <= i {
		return false, true
	}
	if a[i].IsNull() {
		return false, false
	}
	return a[i].Bool(), true
}

// dynOrNull wraps a dynamic result, null when ok is false.
func dynOrNull(d any, ok bool) (types.Value, error) {
	if !ok || d == nil {
		return nullDynamic, nil
	}
	return types.NewDynamic(d), nil
}

func evalLineDensify(ctx *Context, a []types.Value) (types.Value, error) {
	d, ok := argDyn(a[0])
	tol, ok2 := argOptReal(a, 1, geo.DefaultDensifyTolerance)
	preserve, ok3 := argOptBool(a, 2)
	if !ok || !ok2 || !ok3 {
		return nullDynamic, nil
	}
	return dynOrNull(geo.DensifyLines(d, tol, preserve))
}

func evalPolygonDensify(ctx *Context, a []types.Value) (types.Value, error) {
	d, ok := argDyn(a[0])
	tol, ok2 := argOptReal(a, 1, geo.DefaultDensifyTolerance)
	preserve, ok3 := argOptBool(a, 2)
	if !ok || !ok2 || !ok3 {
		return nullDynamic, nil
	}
	return dynOrNull(geo.DensifyPolygons(d, tol, preserve))
}

func evalLineSimplify(ctx *Context, a []types.Value) (types.Value, error) {
	d, ok := argDyn(a[0])
	tol, ok2 := argOptReal(a, 1, geo.DefaultSimplifyTolerance)
	if !ok || !ok2 {
		return nullDynamic, nil
	}
	return dynOrNull(geo.SimplifyLines(d, tol))
}

func evalPolygonSimplify(ctx *Context, a []types.Value) (types.Value, error) {
	d, ok := argDyn(a[0])
	tol, ok2 := argOptReal(a, 1, geo.DefaultSimplifyTolerance)
	if !ok || !ok2 {
		return nullDynamic, nil
	}
	return dynOrNull(geo.SimplifyPolygons(d, tol))
}

func evalPointBuffer(ctx *Context, a []types.Value) (types.Value, error) {
	p, ok := argLngLat(a[0], a[1])
	r, ok2 := argReal(a[2])
	tol, ok3 := argOptReal(a, 3, geo.DefaultDensifyTolerance)
	if !ok || !ok2 || !ok3 {
		return nullDynamic, nil
	}
	ring, ok := geo.PointBuffer(p, r, tol)
	if !ok {
		return nullDynamic, nil
	}
	return types.NewDynamic(geo.PolygonValue([][]geo.LngLat{ring})), nil
}

func evalIntersectionLineWithPolygon(ctx *Context, a []types.Value) (types.Value, error) {
	ls, ok1 := argLines(ctx, a[0])
	ps, ok2 := argPolygons(ctx, a[1])
	if !ok1 || !ok2 {
		return nullDynamic, nil
	}
	return types.NewDynamic(geo.IntersectLines(ls, ps)), nil
}

func evalIntersectsLineWithPolygon(ctx *Context, a []types.Value) (types.Value, error) {
	ls, ok1 := argLines(ctx, a[0])
	ps, ok2 := argPolygons(ctx, a[1])
	if !ok1 || !ok2 {
		return nullBool, nil
	}
	return types.NewBool(geo.LinesIntersectPolygons(ls, ps)), nil
}

// H3 cell indexes.

func evalH3CellLevel(ctx *Context, a []types.Value) (types.Value, error) {
	l, ok := geo.H3CellLevel(argStr(a[0]))
	if !ok {
		return nullInt, nil
	}
	return types.NewInt(int64(l)), nil
}

func evalH3CellParent(ctx *Context, a []types.Value) (types.Value, error) {
	token := argStr(a[0])
	l, ok := geo.H3CellLevel(token)
	if !ok {
		return emptyString, nil
	}
	r, ok := argOptLong(a, 1, int64(l-1))
	if !ok || r < 0 || r > int64(l) {
		return emptyString, nil
	}
	p, _ := geo.H3CellParent(token, int(r))
	return types.NewString(p), nil
}

func evalH3CellChildren(ctx *Context, a []types.Value) (types.Value, error) {
	token := argStr(a[0])
	l, ok := geo.H3CellLevel(token)
	if !ok {
		return nullDynamic, nil
	}
	r, ok := argOptLong(a, 1, int64(l+1))
	if !ok || r < int64(l) || r > geo.MaxH3Resolution {
		return nullDynamic, nil
	}
	return stringsDyn(geo.H3CellChildren(token, int(r)))
}

// Overlays.

// argPolygonsArray reads a dynamic array of polygons or multipolygons; ok
// is false when the array or any element is invalid.
func argPolygonsArray(v types.Value) ([]*geo.Polygons, bool) {
	d, ok := argDyn(v)
	arr, isArr := d.([]any)
	if !ok || !isArr || len(arr) == 0 {
		return nil, false
	}
	out := make([]*geo.Polygons, len(arr))
	for i, e := range arr {
		if out[i], ok = geo.ParseAndBuildPolygons(e); !ok {
			return nil, false
		}
	}
	return out, true
}

func evalUnionPolygonsArray(ctx *Context, a []types.Value) (types.Value, error) {
	ps, ok := argPolygonsArray(a[0])
	if !ok {
		return nullDynamic, nil
	}
	return dynOrNull(geo.UnionPolygons(ps))
}

// maxSimplifyArrayTolerance is the largest tolerance, in meters,
// geo_simplify_polygons_array accepts.
const maxSimplifyArrayTolerance = 7800000

func evalSimplifyPolygonsArray(ctx *Context, a []types.Value) (types.Value, error) {
	ps, ok := argPolygonsArray(a[0])
	tol, ok2 := argOptReal(a, 1, geo.DefaultSimplifyTolerance)
	if !ok || !ok2 || !(tol >= 0 && tol <= maxSimplifyArrayTolerance) {
		return nullDynamic, nil
	}
	u, ok := geo.UnionPolygons(ps)
	if !ok {
		return nullDynamic, nil
	}
	return dynOrNull(geo.SimplifyPolygons(u, tol))
}

func evalIntersection2Polygons(ctx *Context, a []types.Value) (types.Value, error) {
	p1, ok1 := argPolygons(ctx, a[0])
	p2, ok2 := argPolygons(ctx, a[1])
	if !ok1 || !ok2 {
		return nullDynamic, nil
	}
	return dynOrNull(geo.IntersectPolygons(p1, p2))
}

func evalUnionLinesArray(ctx *Context, a []types.Value) (types.Value, error) {
	d, ok := argDyn(a[0])
	arr, isArr := d.([]any)
	if !ok || !isArr || len(arr) == 0 {
		return nullDynamic, nil
	}
	sets := make([]*geo.Lines, len(arr))
	for i, e := range arr {
		if sets[i], ok = geo.ParseAndBuildLines(e); !ok {
			return nullDynamic, nil
		}
	}
	return dynOrNull(geo.UnionLines(sets))
}

func evalLineBuffer(ctx *Context, a []types.Value) (types.Value, error) {
	ls, ok := argLines(ctx, a[0])
	r, ok2 := argReal(a[1])
	tol, ok3 := argOptReal(a, 2, geo.DefaultDensifyTolerance)
	if !ok || !ok2 || !ok3 {
		return nullDynamic, nil
	}
	return dynOrNull(geo.LineBuffer(ls, r, tol))
}

func evalPolygonBuffer(ctx *Context, a []types.Value) (types.Value, error) {
	ps, ok := argPolygons(ctx, a[0])
	r, ok2 := argReal(a[1])
	tol, ok3 := argOptReal(a, 2, geo.DefaultDensifyTolerance)
	if !ok || !ok2 || !ok3 {
		return nullDynamic, nil
	}
	return dynOrNull(geo.PolygonBuffer(ps, r, tol))
}
