package geo

import (
	"math"
	"sort"
	"strings"
	"testing"

	"kqlhunt/kql/types"
)

// mustJSON parses a GeoJSON literal for a test.
func mustJSON(t *testing.T, s string) any {
	t.Helper()
	d, err := types.ParseDynamic(s)
	if err != nil {
		t.Fatalf("parsing %s: %v", s, err)
	}
	return d
}

// near reports whether got is within relative tolerance 1e-9 of want.
func near(got, want float64) bool {
	if want == 0 {
		return math.Abs(got) < 1e-9
	}
	return math.Abs(got-want) <= 1e-9*math.Abs(want)
}

// nearLL compares coordinates within 1e-9 degrees.
func nearLL(got, want LngLat) bool {
	return math.Abs(got.Lng-want.Lng) < 1e-9 && math.Abs(got.Lat-want.Lat) < 1e-9
}

const centralPark = `{"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}`

// Documented values (Kusto reference examples).

func TestDistance(t *testing.T) {
	tests := []struct {
		p, q LngLat
		want float64
		ok   bool
	}{
		{LngLat{-122.407628, 47.578557}, LngLat{-118.275287, 34.019056}, 1546754.35197381, true},
		{LngLat{300, 1}, LngLat{1, 1}, 0, false},
		{LngLat{1, 91}, LngLat{1, 1}, 0, false},
		{LngLat{math.NaN(), 1}, LngLat{1, 1}, 0, false},
		{LngLat{5, 5}, LngLat{5, 5}, 0, true},
	}
	for _, tt := range tests {
		got, ok := Distance(tt.p, tt.q)
		if ok != tt.ok || ok && !near(got, tt.want) {
			t.Errorf("Distance(%v, %v) = %v, %v; want %v, %v", tt.p, tt.q, got, ok, tt.want, tt.ok)
		}
	}
}

func TestEllipsoidDistance(t *testing.T) {
	// Reference values of the WGS-84 geodesic (GeographicLib).
	tests := []struct {
		p, q LngLat
		want float64
	}{
		{LngLat{0, 0}, LngLat{1, 0}, 111319.49079327357},
		{LngLat{0, 0}, LngLat{0, 1}, 110574.38855779878},
		{LngLat{0, 0}, LngLat{0, 90}, 10001965.729311794},
	}
	for _, tt := range tests {
		got, ok := EllipsoidDistance(tt.p, tt.q)
		if !ok || math.Abs(got-tt.want) > 1e-3 {
			t.Errorf("EllipsoidDistance(%v, %v) = %v; want %v", tt.p, tt.q, got, tt.want)
		}
	}
	if _, ok := EllipsoidDistance(LngLat{181, 0}, LngLat{0, 0}); ok {
		t.Error("invalid coordinate accepted")
	}
	// Nearly antipodal points still give a distance close to half the
	// meridian circumference.
	if d, ok := EllipsoidDistance(LngLat{0, 0}, LngLat{179.9, 0.1}); !ok || d < 19.9e6 || d > 20.1e6 {
		t.Errorf("antipodal distance = %v, %v", d, ok)
	}
}

func TestAzimuthAndAngle(t *testing.T) {
	az, ok := Azimuth(LngLat{5, 10}, LngLat{10, -40})
	if !ok || !near(az, 3.05459939796449) {
		t.Errorf("Azimuth = %v, %v", az, ok)
	}
	if _, ok := Azimuth(LngLat{5, 10}, LngLat{5, 10}); ok {
		t.Error("Azimuth of identical points should be invalid")
	}
	a, ok := Angle(LngLat{0, 10}, LngLat{0, 5}, LngLat{3, -10})
	if !ok || !near(a, 2.94493843406882) {
		t.Errorf("Angle = %v, %v", a, ok)
	}
	if _, ok := Angle(LngLat{0, 10}, LngLat{0, 10}, LngLat{3, -10}); ok {
		t.Error("Angle with p1 == p2 should be invalid")
	}
}

func TestPointInCircle(t *testing.T) {
	tests := []struct {
		p, c   LngLat
		r      float64
		in, ok bool
	}{
		{LngLat{-122.143564, 47.535677}, LngLat{-122.100896, 47.527351}, 3500, true, true},
		{LngLat{-122.137575, 47.630683}, LngLat{-122.100896, 47.527351}, 3500, false, true},
		{LngLat{1, 1}, LngLat{1, 1}, -1, false, false},
		{LngLat{1, 1}, LngLat{1, 1}, 0, false, false},
		{LngLat{1, 1}, LngLat{1, 1}, 1, true, true},
		{LngLat{1, 1}, LngLat{200, 1}, 10, false, false},
	}
	for _, tt := range tests {
		in, ok := PointInCircle(tt.p, tt.c, tt.r)
		if in != tt.in || ok != tt.ok {
			t.Errorf("PointInCircle(%v, %v, %v) = %v, %v", tt.p, tt.c, tt.r, in, ok)
		}
	}
}

func TestGeohash(t *testing.T) {
	enc := []struct {
		p    LngLat
		n    int
		want string
	}{
		{LngLat{139.806115, 35.554128}, 12, "xn76m27ty9g4"},
		{LngLat{-80.195829, 25.802215}, 8, "dhwfz15h"},
		{LngLat{-122.303404, 47.570482}, 5, "c23n8"},
		{LngLat{-122.278156, 47.566936}, 5, "c23n9"},
		{LngLat{200, 1}, 8, ""},
		{LngLat{1, 1}, 0, ""},
		{LngLat{1, 1}, 19, ""},
	}
	for _, tt := range enc {
		got, ok := GeohashEncode(tt.p, tt.n)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("GeohashEncode(%v, %d) = %q, %v; want %q", tt.p, tt.n, got, ok, tt.want)
		}
	}
	b, ok := GeohashDecode("sunny")
	if !ok || b.Center() != (LngLat{42.47314453125, 23.70849609375}) {
		t.Errorf("GeohashDecode(sunny) center = %v, %v", b.Center(), ok)
	}
	b, ok = GeohashDecode("dr5ru")
	wantRing := []LngLat{{-74.00390625, 40.7373046875}, {-73.9599609375, 40.7373046875}, {-73.9599609375, 40.78125}, {-74.00390625, 40.78125}, {-74.00390625, 40.7373046875}}
	if !ok || !equalRing(b.Ring(), wantRing) {
		t.Errorf("GeohashDecode(dr5ru) ring = %v", b.Ring())
	}
	for _, bad := range []string{"", "a", "sunnyi", "SUNNY", strings.Repeat("s", 19)} {
		if _, ok := GeohashDecode(bad); ok {
			t.Errorf("GeohashDecode(%q) accepted", bad)
		}
	}
	ns, ok := GeohashNeighbors("sunny")
	want := []string{"sunnt", "sunpj", "sunnx", "sunpn", "sunnv", "sunpp", "sunnz", "sunnw"}
	if !ok || !sameSet(ns, want) {
		t.Errorf("GeohashNeighbors(sunny) = %v", ns)
	}
	if _, ok := GeohashNeighbors("a"); ok {
		t.Error("GeohashNeighbors(a) accepted")
	}
	// Next to a pole there are fewer neighbors.
	if ns, ok := GeohashNeighbors("z"); !ok || len(ns) != 5 {
		t.Errorf("GeohashNeighbors(z) = %v", ns)
	}
}

func equalRing(a, b []LngLat) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !nearLL(a[i], b[i]) {
			return false
		}
	}
	return true
}

func sameSet(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return strings.Join(a, ",") == strings.Join(b, ",")
}

func TestS2Cells(t *testing.T) {
	enc := []struct {
		p     LngLat
		level int
		want  string
	}{
		{LngLat{-80.195829, 25.802215}, 8, "88d9b"},
		{LngLat{10.1234, 53}, 8, "47b1d"},
		{LngLat{10.6842, 53}, 8, "47ae3"},
		{LngLat{300, 1}, 8, ""},
		{LngLat{1, 1}, 35, ""},
		{LngLat{1, 1}, -1, ""},
	}
	for _, tt := range enc {
		got, ok := S2CellToken(tt.p, tt.level)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("S2CellToken(%v, %d) = %q, %v; want %q", tt.p, tt.level, got, ok, tt.want)
		}
	}
	c, ok := S2CellCenter("1234567")
	if !ok || !nearLL(c, LngLat{9.86830731850408, 27.468392925827604}) {
		t.Errorf("S2CellCenter = %v, %v", c, ok)
	}
	ring, ok := S2CellRing("89c259")
	want := []LngLat{{-74.030012249838478, 40.8012684339439}, {-74.030012249838478, 40.7222262918358}, {-73.935982114337421, 40.708880489804564}, {-73.935982114337421, 40.787917134506841}, {-74.030012249838478, 40.8012684339439}}
	if !ok || !equalRing(ring, want) {
		t.Errorf("S2CellRing(89c259) = %v", ring)
	}
	ns, ok := S2CellNeighbors("89c259")
	if !ok || !sameSet(ns, []string{"89c25d", "89c2f9", "89c251", "89c257", "89c25f", "89c25b", "89c2f7", "89c2f5"}) {
		t.Errorf("S2CellNeighbors = %v", ns)
	}
	for _, bad := range []string{"", "a", "X", "zz", "0", "12345678901234567"} {
		if _, ok := S2CellCenter(bad); ok {
			t.Errorf("S2CellCenter(%q) accepted", bad)
		}
		if _, ok := S2CellNeighbors(bad); ok {
			t.Errorf("S2CellNeighbors(%q) accepted", bad)
		}
	}
}

func TestPolygonS2Covering(t *testing.T) {
	ps, ok := ParseAndBuildPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]}`))
	if !ok {
		t.Fatal("polygon rejected")
	}
	cells, ok := PolygonS2Covering(ps, 5)
	if !ok || len(cells) != 286 {
		t.Errorf("level 5 covering: %d cells, %v; want 286", len(cells), ok)
	}
	if _, ok := PolygonS2Covering(ps, 30); ok {
		t.Error("level 30 covering should exceed the cell limit")
	}
	// A thin sliver: little area, long boundary.
	sliver, ok := ParseAndBuildPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,0.0000001],[0,0]]]}`))
	if !ok {
		t.Fatal("sliver rejected")
	}
	if _, ok := PolygonS2Covering(sliver, 30); ok {
		t.Error("level 30 covering of a 1000 km sliver should exceed the cell limit")
	}
	if cells, ok := PolygonS2Covering(sliver, 8); !ok || len(cells) == 0 {
		t.Errorf("level 8 covering of the sliver: %d, %v", len(cells), ok)
	}
}

func TestPolygonMeasures(t *testing.T) {
	ps, ok := ParseAndBuildPolygons(mustJSON(t, centralPark))
	if !ok {
		t.Fatal("central park rejected")
	}
	if a, ok := ps.Area(); !ok || math.Abs(a-3475207.28346606)/3475207.28346606 > 1e-9 {
		t.Errorf("Area = %v, %v", a, ok)
	}
	if p, ok := ps.Perimeter(); !ok || math.Abs(p-9930.30149604938) > 1e-6 {
		t.Errorf("Perimeter = %v", p)
	}
	c, ok := ps.Centroid()
	if !ok || math.Abs(c.Lng+73.965735689907618) > 1e-9 || math.Abs(c.Lat-40.782550538057812) > 1e-9 {
		t.Errorf("Centroid = %v", c)
	}
	if d := ps.Distance(LngLat{-73.9839, 40.7705}); math.Abs(d-259.940756070596) > 1e-6 {
		t.Errorf("Distance = %v", d)
	}
	cp := ps.ClosestPoint(LngLat{-73.9839, 40.7705})
	if !nearLL(cp, LngLat{-73.981205580153926, 40.769359452843211}) {
		t.Errorf("ClosestPoint = %v", cp)
	}
	// Union of two overlapping polygons.
	mp, ok := ParseAndBuildPolygons(mustJSON(t, `{"type":"MultiPolygon","coordinates":[[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]],[[[-73.94262313842773,40.775991804565585],[-73.98107528686523,40.791849155467695],[-73.99600982666016,40.77092185281977],[-73.96150588989258,40.75609977566361],[-73.94262313842773,40.775991804565585]]]]}`))
	if !ok {
		t.Fatal("multipolygon rejected")
	}
	if a, ok := mp.Area(); !ok || math.Abs(a-10889971.5343487)/10889971.5343487 > 1e-7 {
		t.Errorf("union Area = %v, %v", a, ok)
	}
	// The union's boundary is shorter than the two rings together.
	if p, ok := mp.Perimeter(); !ok || p >= mp.ringsLength() || p <= 9930.30149604938 {
		t.Errorf("union Perimeter = %v, rings %v", p, mp.ringsLength())
	}
	// Disjoint polygons add up.
	two, _ := ParseAndBuildPolygons(mustJSON(t, `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}`))
	one, _ := ParseAndBuildPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`))
	a2, _ := two.Area()
	a1, _ := one.Area()
	if a2 <= 1.99*a1 || a2 >= 2.01*a1 {
		t.Errorf("disjoint areas %v vs %v", a2, a1)
	}
}

func TestPolygonInvalid(t *testing.T) {
	for _, s := range []string{
		`{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,10],[0,0]]]}`,       // two distinct vertices
		`{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10]]]}`,              // not closed
		`{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}`, // bow tie
		`{"type":"Polygon","coordinates":[]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[200,0],[10,10],[0,0]]]}`,
		`{"type":"Polygon"}`,
		`{"type":"LineString","coordinates":[[0,0],[1,1]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],["a",0],[10,10],[0,0]]]}`,
		`[1,2]`,
	} {
		if _, ok := ParseAndBuildPolygons(mustJSON(t, s)); ok {
			t.Errorf("accepted invalid polygon %s", s)
		}
	}
}

func TestPointInPolygonWithHole(t *testing.T) {
	ps, ok := ParseAndBuildPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[4,6],[6,6],[6,4],[4,4]]]}`))
	if !ok {
		t.Fatal("polygon with hole rejected")
	}
	for _, tt := range []struct {
		p  LngLat
		in bool
	}{{LngLat{1, 1}, true}, {LngLat{5, 5}, false}, {LngLat{11, 5}, false}} {
		if got := ps.Contains(tt.p); got != tt.in {
			t.Errorf("Contains(%v) = %v", tt.p, got)
		}
	}
}

func TestLineMeasures(t *testing.T) {
	ls, ok := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[-73.95807266235352,40.800426144169315],[-73.94966125488281,40.79691751000055],[-73.97317886352539,40.764486356930334]]}`))
	if !ok {
		t.Fatal("line rejected")
	}
	if l := ls.Length(); math.Abs(l-4922.48016992081) > 1e-6 {
		t.Errorf("Length = %v", l)
	}
	ml, ok := ParseAndBuildLines(mustJSON(t, `{"type":"MultiLineString","coordinates":[[[-73.95798683166502,40.800556090021466],[-73.98193359375,40.76819171855746]],[[-73.94940376281738,40.79691751000055],[-73.97317886352539,40.76435634049001]]]}`))
	if !ok || math.Abs(ml.Length()-8262.24339753741) > 1e-6 {
		t.Errorf("multiline Length = %v, %v", ml.Length(), ok)
	}
	two, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]}`))
	if c, ok := two.Centroid(); !ok || !nearLL(c, LngLat{-73.965567057230942, 40.782453249627416}) {
		t.Errorf("Centroid = %v", c)
	}
	if p, ok := two.Interpolate(0.25); !ok || !nearLL(p, LngLat{-73.961764043218281, 40.791436687257232}) {
		t.Errorf("Interpolate = %v", p)
	}
	if f, ok := two.Locate(LngLat{-73.965, 40.792}); !ok || math.Abs(f-0.25560135100307552) > 1e-9 {
		t.Errorf("Locate = %v", f)
	}
	if f, ok := two.LocateOnSpheroid(LngLat{-73.965, 40.792}); !ok || math.Abs(f-0.2556) > 1e-3 {
		t.Errorf("LocateOnSpheroid = %v", f)
	}
	if f, ok := two.LocateOnSpheroid(LngLat{-73.97317, 40.764486}); !ok || math.Abs(f-1) > 1e-12 {
		t.Errorf("LocateOnSpheroid(end) = %v", f)
	}
	if _, ok := two.Interpolate(1.5); ok {
		t.Error("Interpolate(1.5) accepted")
	}
	road, _ := ParseAndBuildLines(mustJSON(t, `{ "type":"LineString","coordinates":[[-115.115385,36.229195],[-115.136995,36.200366],[-115.140252,36.192470],[-115.143558,36.188523],[-115.144076,36.181954],[-115.154662,36.174483],[-115.166431,36.176388],[-115.183289,36.175007],[-115.192612,36.176736],[-115.202485,36.173439],[-115.225355,36.174365]]}`))
	if d := road.Distance(LngLat{-115.199625, 36.210419}); math.Abs(d-3797.88887253334) > 1e-6 {
		t.Errorf("Distance = %v", d)
	}
	if p := road.ClosestPoint(LngLat{-115.199625, 36.210419}); !nearLL(p, LngLat{-115.192612, 36.176736}) {
		t.Errorf("ClosestPoint = %v", p)
	}
	for _, s := range []string{
		`{"type":"LineString","coordinates":[[1, 1]]}`,
		`{"type":"LineString","coordinates":[[1, 1],[300, 1]]}`,
		`{"type":"LineString"}`,
		`{"type":"MultiLineString","coordinates":[]}`,
		`{"type":"Point","coordinates":[1,1]}`,
	} {
		if _, ok := ParseAndBuildLines(mustJSON(t, s)); ok {
			t.Errorf("accepted invalid line %s", s)
		}
	}
}

func TestLineIntersections(t *testing.T) {
	l1, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}`))
	l2, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}`))
	if !l1.Intersects(l2) {
		t.Error("crossing lines do not intersect")
	}
	got := types.FormatDynamic(l1.Intersection(l2))
	p, _ := ParsePoint(l1.Intersection(l2))
	if !nearLL(p, LngLat{-73.979837116670978, 40.783989289772165}) {
		t.Errorf("Intersection = %s", got)
	}
	if got := types.FormatDynamic(l1.Intersection(l1)); got != `{"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}` {
		t.Errorf("self Intersection = %s", got)
	}
	a, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[1, 1],[2, 2]]}`))
	b, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[3, 3],[4, 4]]}`))
	if a.Intersects(b) {
		t.Error("disjoint lines intersect")
	}
	if got := types.FormatDynamic(a.Intersection(b)); got != `{"type":"GeometryCollection","geometries":[]}` {
		t.Errorf("disjoint Intersection = %s", got)
	}
}

func TestIntersectLinesWithPolygon(t *testing.T) {
	ls, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}`))
	ps, _ := ParseAndBuildPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],[-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],[-73.9712905883789,40.78580561168767]]]}`))
	got := IntersectLines(ls, ps)
	l, ok := ParseLine(got)
	if !ok || len(l) != 2 || !nearLL(l[0], LngLat{-73.975611956578192, 40.78060906714618}) || l[1] != (LngLat{-73.974552, 40.779761}) {
		t.Errorf("IntersectLines = %s", types.FormatDynamic(got))
	}
	ls2, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[-110.522, 39.198],[-91.428, 40.880]]}`))
	ps2, _ := ParseAndBuildPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[-90.263,36.738],[-102.041,45.274],[-109.335,36.527],[-90.263,36.738]],[[-100.393,41.705],[-103.139,38.925],[-97.558,39.113],[-100.393,41.705]]]}`))
	ml, ok := ParseLines(IntersectLines(ls2, ps2))
	want := [][]LngLat{{{-106.89353655881905, 39.769226209776306}, {-101.74448553679453, 40.373506008712525}}, {{-99.136499431328858, 40.589336512699994}, {-95.284527737311791, 40.799060242246348}}}
	if !ok || len(ml) != 2 || !equalRing(ml[0], want[0]) || !equalRing(ml[1], want[1]) {
		t.Errorf("IntersectLines with hole = %v", ml)
	}
	far, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[1, 1],[2, 2]]}`))
	if got := types.FormatDynamic(IntersectLines(far, ps)); got != `{"type":"GeometryCollection","geometries":[]}` {
		t.Errorf("disjoint IntersectLines = %s", got)
	}
	if LinesIntersectPolygons(far, ps) || !LinesIntersectPolygons(ls, ps) {
		t.Error("LinesIntersectPolygons wrong")
	}
}

func TestDensify(t *testing.T) {
	tests := []struct {
		in, want string
		tol      float64
	}{
		{`{"type":"LineString","coordinates":[[50, 50], [51, 51]]}`, `{"type":"LineString","coordinates":[[50,50],[50.125,50.125],[50.25,50.25],[50.375,50.375],[50.5,50.5],[50.625,50.625],[50.75,50.75],[50.875,50.875],[51,51]]}`, 10},
		{`{"type":"LineString","coordinates":[[-73.949247, 40.796860],[-73.973017, 40.764323]]}`, `{"type":"LineString","coordinates":[[-73.949247,40.79686],[-73.973017,40.764323]]}`, 10},
		{`{"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]}`, `{"type":"Polygon","coordinates":[[[10,10],[10.25,10],[10.5,10],[10.75,10],[11,10],[11,11],[10.75,11],[10.5,11],[10.25,11],[10,11],[10,10]]]}`, 10},
	}
	for _, tt := range tests {
		d := mustJSON(t, tt.in)
		var got any
		var ok bool
		if strings.Contains(tt.in, "Polygon") {
			got, ok = DensifyPolygons(d, tt.tol, false)
		} else {
			got, ok = DensifyLines(d, tt.tol, false)
		}
		if !ok || types.FormatDynamic(got) != tt.want {
			t.Errorf("densify %s = %s, %v", tt.in, types.FormatDynamic(got), ok)
		}
	}
	// Across the antimeridian: the short way with preserve_crossing, the
	// long planar way without.
	cross := mustJSON(t, `{"type":"LineString","coordinates":[[170,0],[-170,0]]}`)
	short, ok1 := DensifyLines(cross, 10, true)
	long, ok2 := DensifyLines(cross, 10, false)
	sl, _ := ParseLines(short)
	ll, _ := ParseLines(long)
	if !ok1 || !ok2 || len(sl[0]) != 2 || len(ll[0]) < 3 {
		t.Errorf("antimeridian densify: %s / %s", types.FormatDynamic(short), types.FormatDynamic(long))
	}
	for _, p := range ll[0] {
		if p.Lng > 170 || p.Lng < -170 {
			continue
		}
		if p.Lng < 169 && p.Lng > -169 && p.Lat != 0 {
			t.Errorf("long-way point off the equator: %v", p)
		}
	}
	if _, ok := DensifyLines(mustJSON(t, `{"type":"LineString","coordinates":[[1,1],[2,2]]}`), 0, false); ok {
		t.Error("tolerance 0 accepted")
	}
	if _, ok := DensifyPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[10,900],[11,10],[11,11],[10,11],[10,10]]]}`), 10, false); ok {
		t.Error("invalid polygon accepted")
	}
}

func TestSimplify(t *testing.T) {
	line := mustJSON(t, `{"type":"LineString","coordinates":[[-73.97033169865608,40.789063020152824],[-73.97039607167244,40.78897975920816],[-73.9704617857933,40.78888837512432],[-73.97052884101868,40.7887949601531],[-73.9706052839756,40.788698498903564],[-73.97065222263336,40.78862640672032],[-73.97072866559029,40.78852791445617],[-73.97079303860664,40.788434498977836]]}`)
	got, ok := SimplifyLines(line, 10)
	if want := `{"type":"LineString","coordinates":[[-73.97033169865608,40.789063020152824],[-73.97079303860664,40.788434498977836]]}`; !ok || types.FormatDynamic(got) != want {
		t.Errorf("SimplifyLines = %s", types.FormatDynamic(got))
	}
	if _, ok := SimplifyLines(mustJSON(t, `{"type":"LineString","coordinates":[[1, 1],[2,2]]}`), -1); ok {
		t.Error("negative tolerance accepted")
	}
	if _, ok := SimplifyLines(mustJSON(t, `{"type":"LineString","coordinates":[[1.1, 1.1],[1.2,1.2]]}`), 100000); ok {
		t.Error("line collapsing to a point accepted")
	}
	if _, ok := SimplifyPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[5,48],[5,48]]]}`), 10); ok {
		t.Error("invalid polygon accepted")
	}
	poly := mustJSON(t, `{"type":"Polygon","coordinates":[[[5,48],[0,50],[0,47],[4,47],[5,48]]]}`)
	if _, ok := SimplifyPolygons(poly, -0.1); ok {
		t.Error("negative tolerance accepted")
	}
	if got, ok := SimplifyPolygons(poly, 10); !ok || types.FormatDynamic(got) != `{"type":"Polygon","coordinates":[[[5.0,48.0],[0.0,50.0],[0.0,47.0],[4.0,47.0],[5.0,48.0]]]}` {
		t.Errorf("SimplifyPolygons = %s", types.FormatDynamic(got))
	}
}

func TestPointBuffer(t *testing.T) {
	c := LngLat{-115.1745008278, 36.1497251277}
	ring, ok := PointBuffer(c, 20000, 10)
	if !ok {
		t.Fatal("PointBuffer rejected valid input")
	}
	ps, ok := BuildPolygons([][][]LngLat{{ring}})
	if !ok {
		t.Fatal("buffer ring is not a valid polygon")
	}
	// Every vertex lies between the radius and radius + tolerance.
	for _, v := range ring {
		d, _ := Distance(c, v)
		if d < 20000-1e-6 || d > 20010+1e-6 {
			t.Fatalf("vertex %v at %v m", v, d)
		}
	}
	if !ps.Contains(c) {
		t.Error("buffer does not contain its center")
	}
	for _, bad := range []struct {
		c      LngLat
		r, tol float64
	}{{LngLat{200, 1}, 0.1, 10}, {LngLat{10, 10}, -1, 10}, {LngLat{10, 10}, 100, 1e-9}} {
		if _, ok := PointBuffer(bad.c, bad.r, bad.tol); ok {
			t.Errorf("PointBuffer(%v, %v, %v) accepted", bad.c, bad.r, bad.tol)
		}
	}
}

func TestH3Index(t *testing.T) {
	if l, ok := H3CellLevel("862a1072fffffff"); !ok || l != 6 {
		t.Errorf("H3CellLevel = %v, %v", l, ok)
	}
	for _, bad := range []string{"abc", "123", "", "862a1072ffffff7", "0862a1072fffffff0", "xyz"} {
		if _, ok := H3CellLevel(bad); ok {
			t.Errorf("H3CellLevel(%q) accepted", bad)
		}
	}
	if p, ok := H3CellParent("862a1072fffffff", 5); !ok || p != "852a1073fffffff" {
		t.Errorf("H3CellParent = %v, %v", p, ok)
	}
	for _, res := range []int{15, 100, -1, 7} {
		if p, ok := H3CellParent("862a1072fffffff", res); ok {
			t.Errorf("H3CellParent(res %d) = %q accepted", res, p)
		}
	}
	ch, ok := H3CellChildren("862a1072fffffff", 7)
	want := []string{"872a10728ffffff", "872a10729ffffff", "872a1072affffff", "872a1072bffffff", "872a1072cffffff", "872a1072dffffff", "872a1072effffff"}
	if !ok || strings.Join(ch, ",") != strings.Join(want, ",") {
		t.Errorf("H3CellChildren = %v", ch)
	}
	if ch, ok := H3CellChildren("862a1072fffffff", 9); !ok || len(ch) != 343 {
		t.Errorf("H3CellChildren(+3) = %d cells", len(ch))
	}
	if _, ok := H3CellChildren("862a1072fffffff", 12); ok {
		t.Error("H3CellChildren more than 5 levels down accepted")
	}
	// Base cell 4 is a pentagon: 6 children, and its K-axis child is invalid.
	pent := "8009fffffffffff"
	if ch, ok := H3CellChildren(pent, 1); !ok || len(ch) != 6 {
		t.Errorf("pentagon children = %v", ch)
	} else {
		for _, c := range ch {
			if _, ok := H3CellLevel(c); !ok {
				t.Errorf("pentagon child %s invalid", c)
			}
		}
	}
	if _, ok := H3CellLevel("81087ffffffffff"); ok {
		t.Error("pentagon K-axis child accepted")
	}
}

func TestUnionPolygons(t *testing.T) {
	polys := []string{
		`{"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807,40.80068],[-73.98201,40.76825],[-73.97317,40.76455],[-73.9495,40.7969]]]}`,
		`{"type":"Polygon","coordinates":[[[-73.94622,40.79249],[-73.96888,40.79282],[-73.9577,40.7789],[-73.94622,40.79249]]]}`,
		`{"type":"Polygon","coordinates":[[[-73.97335,40.77274],[-73.9936,40.76630],[-73.97171,40.75655],[-73.97335,40.77274]]]}`,
	}
	var ops []*Polygons
	for _, s := range polys {
		p, ok := ParseAndBuildPolygons(mustJSON(t, s))
		if !ok {
			t.Fatalf("rejected %s", s)
		}
		ops = append(ops, p)
	}
	u, ok := UnionPolygons(ops)
	if !ok {
		t.Fatal("union failed")
	}
	rings, ok := ParsePolygons(u)
	if !ok || len(rings) != 1 || len(rings[0]) != 1 {
		t.Fatalf("union = %s", types.FormatDynamic(u))
	}
	// The documented union has these 13 vertices (in another rotation).
	want := []LngLat{{-73.972599326729608, 40.765330371902991}, {-73.960302383706178, 40.782140794645024}, {-73.9577, 40.7789}, {-73.94622, 40.79249}, {-73.9526593223173, 40.792584227716468}, {-73.9495, 40.7969}, {-73.95807, 40.80068}, {-73.9639277517478, 40.792748258673875}, {-73.96888, 40.792819999999992}, {-73.9662719791645, 40.7895734224338}, {-73.9803360309571, 40.770518810606404}, {-73.9936, 40.7663}, {-73.97171, 40.756550000000004}}
	got := rings[0][0][:len(rings[0][0])-1]
	if len(got) != len(want) {
		t.Fatalf("union ring has %d vertices, want %d: %v", len(got), len(want), got)
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if math.Abs(g.Lng-w.Lng) < 1e-9 && math.Abs(g.Lat-w.Lat) < 1e-9 {
				found = true
			}
		}
		if !found {
			t.Errorf("union misses vertex %v", w)
		}
	}
	// Adjacent cells merge along their shared edges.
	var cells []*Polygons
	for _, tok := range []string{"89c259", "89c25d", "89c2f9", "89c251", "89c257", "89c25f", "89c25b", "89c2f7", "89c2f5"} {
		r, _ := S2CellRing(tok)
		p, ok := BuildPolygons([][][]LngLat{{r}})
		if !ok {
			t.Fatalf("cell %s ring invalid", tok)
		}
		cells = append(cells, p)
	}
	u, ok = UnionPolygons(cells)
	if rings, ok2 := ParsePolygons(u); !ok || !ok2 || len(rings) != 1 || len(rings[0][0]) != 13 {
		t.Errorf("cell union = %s", types.FormatDynamic(u))
	}
}

func TestIntersectPolygons(t *testing.T) {
	p1, _ := ParseAndBuildPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[2,45],[0,45],[1,44],[2,45]]]}`))
	p2, _ := ParseAndBuildPolygons(mustJSON(t, `{"type":"MultiPolygon","coordinates":[[[[3,44],[2,45],[2,43],[3,44]]],[[[1.192,45.265],[1.005,44.943],[1.356,44.937],[1.192,45.265]]]]}`))
	got, ok := IntersectPolygons(p1, p2)
	if !ok {
		t.Fatal("intersection failed")
	}
	text := types.FormatDynamic(got)
	if !strings.HasPrefix(text, `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[2.0,45.0]},{"type":"Polygon"`) {
		t.Errorf("intersection = %s", text)
	}
	p3, _ := ParseAndBuildPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[3,44],[3,45],[2,43],[3,44]]]}`))
	if got, ok := IntersectPolygons(p1, p3); !ok || types.FormatDynamic(got) != `{"type":"GeometryCollection","geometries":[]}` {
		t.Errorf("disjoint intersection = %s", types.FormatDynamic(got))
	}
}

func TestUnionLines(t *testing.T) {
	var sets []*Lines
	for _, s := range []string{
		`{"type":"LineString","coordinates":[[-73.95683884620665,40.80502891480884],[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311]]}`,
		`{"type":"LineString","coordinates":[[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311],[-73.95537436008453,40.804413741624515]]}`,
		`{"type":"LineString","coordinates":[[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311]]}`,
	} {
		ls, _ := ParseAndBuildLines(mustJSON(t, s))
		sets = append(sets, ls)
	}
	got, ok := UnionLines(sets)
	want := `{"type":"LineString","coordinates":[[-73.95683884620665,40.80502891480884],[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311],[-73.95537436008453,40.804413741624515]]}`
	if !ok || types.FormatDynamic(got) != want {
		t.Errorf("UnionLines = %s", types.FormatDynamic(got))
	}
	// A line overlapping the middle of another is cut and merged.
	a, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[0,0],[0,10]]}`))
	b, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[0,5],[0,10],[1,10]]}`))
	got, ok = UnionLines([]*Lines{a, b})
	if !ok || types.FormatDynamic(got) != `{"type":"LineString","coordinates":[[0.0,0.0],[0.0,5.0],[0.0,10.0],[1.0,10.0]]}` {
		t.Errorf("overlapping UnionLines = %s", types.FormatDynamic(got))
	}
}

func TestBuffers(t *testing.T) {
	ls, _ := ParseAndBuildLines(mustJSON(t, `{"type":"LineString","coordinates":[[-73.97291864770574,40.76428551254824],[-73.99708638113894,40.73145135821781]]}`))
	b, ok := LineBuffer(ls, 100, 10)
	if !ok {
		t.Fatal("LineBuffer failed")
	}
	ps, ok := ParseAndBuildPolygons(b)
	if !ok {
		t.Fatalf("LineBuffer gave an invalid polygon: %s", types.FormatDynamic(b))
	}
	// Inside: the Empire State Building is ~80 m from the avenue; outside:
	// Grand Central Terminal is ~300 m away.
	if !ps.Contains(LngLat{-73.98567337898565, 40.74842629977377}) || ps.Contains(LngLat{-73.97713140725149, 40.752730320824895}) {
		t.Error("LineBuffer containment wrong")
	}
	length := ls.Length()
	if a, _ := ps.Area(); a < 2*100*length || a > 2*110*length+math.Pi*110*110 {
		t.Errorf("LineBuffer area %v for length %v", a, length)
	}
	if _, ok := LineBuffer(ls, 0, 10); ok {
		t.Error("zero radius accepted")
	}
	poly, _ := ParseAndBuildPolygons(mustJSON(t, `{"type":"Polygon","coordinates":[[[139.813757,35.719666],[139.72558,35.71813],[139.727471,35.653231],[139.818721,35.657264],[139.813757,35.719666]]]}`))
	pb, ok := PolygonBuffer(poly, 1000, 10)
	if !ok {
		t.Fatal("PolygonBuffer failed")
	}
	bp, ok := ParseAndBuildPolygons(pb)
	if !ok {
		t.Fatalf("PolygonBuffer gave an invalid polygon")
	}
	a0, _ := poly.Area()
	a1, _ := bp.Area()
	per := poly.ringsLength()
	if a1 < a0+1000*per || a1 > a0+1010*per+math.Pi*1010*1010 {
		t.Errorf("PolygonBuffer area %v from %v", a1, a0)
	}
	if !bp.Contains(LngLat{139.77, 35.69}) || !bp.Contains(LngLat{139.825, 35.69}) || bp.Contains(LngLat{139.85, 35.69}) {
		t.Error("PolygonBuffer containment wrong")
	}
}

func TestShapeCache(t *testing.T) {
	var c ShapeCache
	d := mustJSON(t, centralPark)
	p1, ok1 := c.Polygons(d)
	p2, ok2 := c.Polygons(d)
	if !ok1 || !ok2 || p1 != p2 {
		t.Fatal("the same bag should give the cached polygons")
	}
	// Another bag with the same text is built anew and agrees.
	p3, ok3 := c.Polygons(mustJSON(t, centralPark))
	if !ok3 || p3 == p1 || p3.ringsLength() != p1.ringsLength() {
		t.Error("a different bag should be built separately")
	}
	bad := mustJSON(t, `{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,10],[0,0]]]}`)
	if _, ok := c.Polygons(bad); ok {
		t.Error("invalid polygon accepted")
	}
	if _, ok := c.Polygons(bad); ok {
		t.Error("cached invalid polygon accepted")
	}
	line := mustJSON(t, `{"type":"LineString","coordinates":[[1,1],[2,2]]}`)
	l1, _ := c.Lines(line)
	l2, _ := c.Lines(line)
	if l1 == nil || l1 != l2 {
		t.Error("the same bag should give the cached lines")
	}
	// Concurrent use over more bags than the bound.
	done := make(chan bool)
	for g := 0; g < 2; g++ {
		go func() {
			for i := 0; i < 2*maxCachedShapes; i++ {
				d, _ := types.ParseDynamic(centralPark)
				if ps, ok := c.Polygons(d); !ok || !ps.Contains(LngLat{-73.965, 40.78}) {
					t.Error("concurrent lookup failed")
				}
			}
			done <- true
		}()
	}
	<-done
	<-done
}

func TestPolygonIndex(t *testing.T) {
	ix, valid := NewPolygonIndex([]any{
		mustJSON(t, `{"type":"Polygon", "coordinates":[[[-73.97375470114766,40.74300078124614],[-73.98653921014294,40.75486501361894],[-73.99910622331991,40.74112695466084],[-73.97375470114766,40.74300078124614]]]}`),
		mustJSON(t, `{"type":"Polygon","coordinates":[[[2.57564669886321,48.769567764921334],[2.420098611499384,49.05163394896812],[2.1016783119165723,48.80113794475062],[2.57564669886321,48.769567764921334]]]}`),
		mustJSON(t, `{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,10],[0,0]]]}`),
	})
	if !valid[0] || !valid[1] || valid[2] {
		t.Fatalf("valid = %v", valid)
	}
	tests := []struct {
		p    LngLat
		want []int
	}{
		{LngLat{-73.98567337898565, 40.74842629977377}, []int{0}},  // Empire State Building
		{LngLat{-73.98778501496217, 40.743565232771545}, []int{0}}, // Museum of Mathematics
		{LngLat{2.294489426068907, 48.858263476169185}, []int{1}},  // Eiffel Tower
		{LngLat{-0.13245599272019604, 51.49879464208368}, nil},     // London
		{LngLat{-74.04462223203123, 40.689195627512674}, nil},      // Statue of Liberty
		{LngLat{200, 1}, nil},
	}
	for _, tt := range tests {
		var got []int
		ix.Find(tt.p, func(i int) bool { got = append(got, i); return true })
		if len(got) != len(tt.want) || len(got) > 0 && got[0] != tt.want[0] {
			t.Errorf("Find(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

func TestLineIndex(t *testing.T) {
	ix, valid := NewLineIndex([]any{
		mustJSON(t, `{"type":"LineString","coordinates":[[-73.97291864770574,40.76428551254824],[-73.99708638113894,40.73145135821781]]}`),
		mustJSON(t, `{"type":"LineString","coordinates":[[-0.18756982045002246,51.50245944666557],[-0.18908519740253382,51.50544952706903]]}`),
	})
	if !valid[0] || !valid[1] {
		t.Fatalf("valid = %v", valid)
	}
	tests := []struct {
		p      LngLat
		radius float64
		want   []int
	}{
		{LngLat{-73.98567337898565, 40.74842629977377}, 100, []int{0}},  // Empire State Building
		{LngLat{-73.97713140725149, 40.752730320824895}, 100, nil},      // Grand Central Terminal
		{LngLat{-73.97713140725149, 40.752730320824895}, 350, []int{0}}, // within 350 m
		{LngLat{-74.04462223203123, 40.689195627512674}, 350, nil},      // Statue of Liberty
		{LngLat{-0.1885272501232862, 51.504906159672316}, 100, []int{1}},
	}
	for _, tt := range tests {
		var got []int
		ix.Find(tt.p, tt.radius, func(i int) bool { got = append(got, i); return true })
		if len(got) != len(tt.want) || len(got) > 0 && got[0] != tt.want[0] {
			t.Errorf("Find(%v, %v) = %v, want %v", tt.p, tt.radius, got, tt.want)
		}
	}
}
