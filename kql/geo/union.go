package geo

import "github.com/golang/geo/s2"

// united returns the polygons with overlapping members merged: the set
// itself when its members are pairwise disjoint, otherwise their union.
// ok is false when the union cannot be formed.
func (ps *Polygons) united() (*Polygons, bool) {
	n := len(ps.polys)
	overlap := false
	for i := 0; i < n && !overlap; i++ {
		for j := i + 1; j < n && !overlap; j++ {
			overlap = ps.polys[i].Intersects(ps.polys[j])
		}
	}
	if !overlap {
		return ps, true
	}
	ops := make([]*Polygons, n)
	for i, p := range ps.polys {
		ops[i] = &Polygons{polys: []*s2.Polygon{p}, coords: ps.coords}
	}
	u, ok := UnionPolygons(ops)
	if !ok {
		return nil, false
	}
	return ParseAndBuildPolygons(u)
}
