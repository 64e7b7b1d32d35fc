package geo

import "github.com/golang/geo/s2"

// UnionLines returns the union of line sets as a GeoJSON LineString or
// MultiLineString: overlapping edges are merged (edges are cut at vertices
// of other edges lying on them, and duplicate pieces are dropped) and the
// pieces are chained into as few lines as their branching allows, starting
// from line ends in input order. ok is false for no input or too many edges.
func UnionLines(sets []*Lines) (any, bool) {
	type edge struct{ a, b LngLat }
	var edges []edge
	var verts []LngLat
	for _, ls := range sets {
		for _, c := range ls.coords {
			for i := 0; i+1 < len(c); i++ {
				if c[i] != c[i+1] {
					edges = append(edges, edge{c[i], c[i+1]})
				}
			}
			verts = append(verts, c...)
		}
	}
	if len(edges) == 0 || len(edges) > maxOverlayEdges {
		return nil, false
	}
	// Cut edges at other vertices lying inside them.
	var pieces []edge
	for _, e := range edges {
		a, b := e.a.point(), e.b.point()
		type cut struct {
			d float64
			p LngLat
		}
		var cuts []cut
		for _, v := range verts {
			pv := v.point()
			if v == e.a || v == e.b || s2.DistanceFromSegment(pv, a, b).Radians() > boundaryEps {
				continue
			}
			cuts = append(cuts, cut{a.Distance(pv).Radians(), v})
		}
		for i := 1; i < len(cuts); i++ { // insertion sort: few cuts
			for k := i; k > 0 && cuts[k].d < cuts[k-1].d; k-- {
				cuts[k], cuts[k-1] = cuts[k-1], cuts[k]
			}
		}
		prev := e.a
		for _, c := range cuts {
			if c.p != prev {
				pieces = append(pieces, edge{prev, c.p})
				prev = c.p
			}
		}
		pieces = append(pieces, edge{prev, e.b})
	}
	// Drop duplicates, in either direction.
	seen := make(map[edge]bool)
	adj := make(map[LngLat][]int)
	var uniq []edge
	for _, p := range pieces {
		if seen[p] || seen[edge{p.b, p.a}] {
			continue
		}
		seen[p] = true
		adj[p.a] = append(adj[p.a], len(uniq))
		adj[p.b] = append(adj[p.b], len(uniq))
		uniq = append(uniq, p)
	}
	used := make([]bool, len(uniq))
	var lines [][]LngLat
	walk := func(start LngLat) {
		for {
			line := []LngLat{start}
			cur := start
			for {
				next := -1
				for _, k := range adj[cur] {
					if !used[k] {
						next = k
						break
					}
				}
				if next < 0 {
					break
				}
				used[next] = true
				if uniq[next].a == cur {
					cur = uniq[next].b
				} else {
					cur = uniq[next].a
				}
				line = append(line, cur)
				if len(adj[cur]) != 2 {
					break
				}
			}
			if len(line) < 2 {
				return
			}
			lines = append(lines, line)
		}
	}
	// Ends and branch points first, in input order, then closed cycles.
	for _, v := range verts {
		if len(adj[v]) != 2 {
			walk(v)
		}
	}
	for _, v := range verts {
		walk(v)
	}
	if len(lines) == 1 {
		return LineValue(lines[0]), true
	}
	return MultiLineValue(lines), true
}
