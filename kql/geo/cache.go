package geo

import (
	"sync"

	"kqlhunt/kql/types"
)

// ShapeCache remembers the shapes built from GeoJSON property bags, so
// that a constant polygon or line passed to a function on every row is
// parsed and validated once. Entries are keyed by the bag's identity and
// hold the bag, so its address cannot be reused while cached; dynamic
// values are not modified after they are built. The cache is bounded and
// safe for concurrent use; the zero value is ready.
type ShapeCache struct {
	mu       sync.Mutex
	polys    map[*types.Bag]polyEntry
	lines    map[*types.Bag]lineEntry
	vertices int // vertices held by polys and lines together
}

type polyEntry struct {
	ps *Polygons
	ok bool
}

type lineEntry struct {
	ls *Lines
	ok bool
}

// maxCachedShapes bounds each of the cache's maps and maxCachedVertices
// the vertices they hold together; when either is reached the cache is
// cleared.
const (
	maxCachedShapes   = 256
	maxCachedVertices = 1 << 21
)

// reserve makes room for an entry of n vertices, clearing the cache when
// it is full. The caller holds c.mu.
func (c *ShapeCache) reserve(n int) {
	if c.polys == nil || c.lines == nil || len(c.polys) >= maxCachedShapes ||
		len(c.lines) >= maxCachedShapes || c.vertices+n > maxCachedVertices {
		c.polys = make(map[*types.Bag]polyEntry)
		c.lines = make(map[*types.Bag]lineEntry)
		c.vertices = 0
	}
	c.vertices += n
}

// Polygons returns ParseAndBuildPolygons(d), reusing an earlier result for
// the same bag.
func (c *ShapeCache) Polygons(d any) (*Polygons, bool) {
	b, isBag := d.(*types.Bag)
	if c == nil || !isBag || b == nil {
		return ParseAndBuildPolygons(d)
	}
	c.mu.Lock()
	e, hit := c.polys[b]
	c.mu.Unlock()
	if hit {
		return e.ps, e.ok
	}
	ps, ok := ParseAndBuildPolygons(d)
	if ok {
		ps.warm()
	}
	n := 0
	if ok {
		n = ps.numVertices()
	}
	c.mu.Lock()
	c.reserve(n)
	c.polys[b] = polyEntry{ps, ok}
	c.mu.Unlock()
	return ps, ok
}

// Lines returns ParseAndBuildLines(d), reusing an earlier result for the
// same bag.
func (c *ShapeCache) Lines(d any) (*Lines, bool) {
	b, isBag := d.(*types.Bag)
	if c == nil || !isBag || b == nil {
		return ParseAndBuildLines(d)
	}
	c.mu.Lock()
	e, hit := c.lines[b]
	c.mu.Unlock()
	if hit {
		return e.ls, e.ok
	}
	ls, ok := ParseAndBuildLines(d)
	n := 0
	if ok {
		for _, l := range ls.coords {
			n += len(l)
		}
	}
	c.mu.Lock()
	c.reserve(n)
	c.lines[b] = lineEntry{ls, ok}
	c.mu.Unlock()
	return ls, ok
}

// warm builds the polygons' lazily built point-location indexes now, so
// that later concurrent lookups only read them.
func (ps *Polygons) warm() {
	for _, p := range ps.polys {
		p.ContainsPoint(p.Loop(0).Vertex(0))
	}
}

// numVertices returns the number of ring vertices.
func (ps *Polygons) numVertices() int {
	n := 0
	for _, p := range ps.polys {
		n += p.NumEdges()
	}
	return n
}
