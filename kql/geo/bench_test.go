package geo

import (
	"os"
	"testing"

	"kqlhunt/kql/types"
)

func BenchmarkBuildPolygons(b *testing.B) {
	text, err := os.ReadFile("testdata/manhattan.json")
	if err != nil {
		b.Fatal(err)
	}
	d, err := types.ParseDynamic(string(text))
	if err != nil {
		b.Fatal(err)
	}
	p := LngLat{-73.9741, 40.7914}
	b.ReportAllocs()
	for b.Loop() {
		ps, ok := ParseAndBuildPolygons(d)
		if !ok || !ps.Contains(p) {
			b.Fatal("not contained")
		}
	}
}
