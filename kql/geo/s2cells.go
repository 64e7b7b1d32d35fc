package geo

import (
	"math"
	"strings"

	"github.com/golang/geo/s2"
)

// S2 cell levels Kusto accepts, the default level, and the most cells a
// polygon covering may hold.
const (
	MinS2Level       = 0
	MaxS2Level       = 30
	DefaultS2Level   = 11
	MaxCoveringCells = 65536
)

// S2CellToken returns the token of the level-level S2 cell holding p; ok is
// false for an invalid coordinate or level.
func S2CellToken(p LngLat, level int) (string, bool) {
	if !p.Valid() || level < MinS2Level || level > MaxS2Level {
		return "", false
	}
	id := s2.CellIDFromLatLng(s2.LatLngFromDegrees(p.Lat, p.Lng)).Parent(level)
	return id.ToToken(), true
}

// parseS2Token returns the cell a token names; ok is false unless the token
// is a valid cell's canonical token (lower-case hex without trailing
// zeros; "X" is the invalid cell and is rejected).
func parseS2Token(token string) (s2.CellID, bool) {
	if token == "" || len(token) > 16 {
		return 0, false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return 0, false
		}
	}
	id := s2.CellIDFromToken(strings.ToLower(token))
	if !id.IsValid() {
		return 0, false
	}
	return id, true
}

// S2CellCenter returns the center of the cell a token names.
func S2CellCenter(token string) (LngLat, bool) {
	id, ok := parseS2Token(token)
	if !ok {
		return LngLat{}, false
	}
	return fromPoint(id.Point()), true
}

// S2CellRing returns the closed ring of the cell's four vertices in
// counterclockwise order.
func S2CellRing(token string) ([]LngLat, bool) {
	id, ok := parseS2Token(token)
	if !ok {
		return nil, false
	}
	c := s2.CellFromCellID(id)
	ring := make([]LngLat, 5)
	for i := 0; i < 4; i++ {
		ring[i] = fromPoint(c.Vertex(i))
	}
	ring[4] = ring[0]
	return ring, true
}

// S2CellNeighbors returns the tokens of the cells of the same level that
// share an edge or a vertex with the cell.
func S2CellNeighbors(token string) ([]string, bool) {
	id, ok := parseS2Token(token)
	if !ok {
		return nil, false
	}
	var ns []s2.CellID
	if id.Level() == 0 {
		en := id.EdgeNeighbors()
		ns = append(ns, en[:]...)
	} else {
		ns = id.AllNeighbors(id.Level())
	}
	out := make([]string, 0, len(ns))
	seen := map[s2.CellID]bool{id: true}
	for _, n := range ns {
		if !seen[n] {
			seen[n] = true
			out = append(out, n.ToToken())
		}
	}
	return out, true
}

// PolygonS2Covering returns the tokens of the level-level cells covering a
// polygon set (see BuildPolygons). ok is false for an invalid level or
// when more than MaxCoveringCells cells would be needed.
func PolygonS2Covering(ps *Polygons, level int) ([]string, bool) {
	if ps == nil || level < MinS2Level || level > MaxS2Level {
		return nil, false
	}
	// Refuse early when the area or the boundary alone needs too many
	// cells (a long thin polygon has little area but a long boundary).
	cellArea := s2.AvgAreaMetric.Value(level)
	cellEdge := s2.AvgEdgeMetric.Value(level)
	if ps.sphereArea()/cellArea > 4*MaxCoveringCells || ps.ringsLength()/EarthRadius/cellEdge > 4*MaxCoveringCells {
		return nil, false
	}
	rc := &s2.RegionCoverer{MinLevel: level, MaxLevel: level, MaxCells: MaxCoveringCells}
	var all s2.CellUnion
	for _, p := range ps.polys {
		all = append(all, rc.Covering(p)...)
	}
	all.Normalize()
	// Normalize may merge full sets of siblings into a parent; expand back.
	var cells []s2.CellID
	for _, c := range all {
		if c.Level() >= level {
			cells = append(cells, c)
			continue
		}
		n := math.Pow(4, float64(level-c.Level()))
		if float64(len(cells))+n > MaxCoveringCells {
			return nil, false
		}
		for ch := c.ChildBeginAtLevel(level); ch != c.ChildEndAtLevel(level); ch = ch.Next() {
			cells = append(cells, ch)
		}
	}
	if len(cells) > MaxCoveringCells {
		return nil, false
	}
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = c.ToToken()
	}
	return out, true
}
