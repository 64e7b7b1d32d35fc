// Package geo implements the geometry behind Kusto's geospatial functions:
// geohash and S2 cell grids, spherical measures (distance, azimuth, length,
// area, centroid), point and line relations, GeoJSON shapes held as dynamic
// values, and WKT parsing.
//
// Coordinates are WGS-84 longitude and latitude in degrees. Like Kusto, the
// measures use a sphere of radius EarthRadius whose edges are geodesics
// (great-circle arcs), except where a function says it uses the ellipsoid.
// Every function reports invalid input with ok == false (or a nil result)
// and never panics; callers turn that into Kusto's null or empty result.
package geo

import (
	"math"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// EarthRadius is the radius, in meters, of the sphere Kusto measures on.
const EarthRadius = 6371010.0

// LngLat is one geographic coordinate in degrees.
type LngLat struct {
	Lng, Lat float64
}

// Valid reports whether the coordinate is finite and within
// [-180, 180] x [-90, 90].
func (p LngLat) Valid() bool {
	return ValidLngLat(p.Lng, p.Lat)
}

// ValidLngLat reports whether lng is in [-180, 180] and lat in [-90, 90]
// (NaN fails both).
func ValidLngLat(lng, lat float64) bool {
	return lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90
}

// point converts a coordinate to a unit vector on the sphere.
func (p LngLat) point() s2.Point {
	return s2.PointFromLatLng(s2.LatLngFromDegrees(p.Lat, p.Lng))
}

// fromPoint converts a unit vector back to a coordinate.
func fromPoint(p s2.Point) LngLat {
	ll := s2.LatLngFromPoint(p)
	return LngLat{Lng: ll.Lng.Degrees(), Lat: ll.Lat.Degrees()}
}

// meters converts an angle on the sphere to meters.
func meters(a s1.Angle) float64 { return a.Radians() * EarthRadius }

// Distance returns the great-circle distance in meters between two valid
// coordinates on the sphere; ok is false when a coordinate is invalid.
func Distance(a, b LngLat) (float64, bool) {
	if !a.Valid() || !b.Valid() {
		return 0, false
	}
	return meters(a.point().Distance(b.point())), true
}

// Azimuth returns the initial bearing, in radians clockwise from north in
// [0, 2π), of the great circle from a to b. ok is false for invalid or
// identical coordinates.
func Azimuth(a, b LngLat) (float64, bool) {
	if !a.Valid() || !b.Valid() || a == b {
		return 0, false
	}
	pa, pb := a.point(), b.point()
	if pa.Distance(pb) == 0 {
		return 0, false
	}
	phi1, phi2 := rad(a.Lat), rad(b.Lat)
	dl := rad(b.Lng - a.Lng)
	y := math.Sin(dl) * math.Cos(phi2)
	x := math.Cos(phi1)*math.Sin(phi2) - math.Sin(phi1)*math.Cos(phi2)*math.Cos(dl)
	az := math.Atan2(y, x)
	if az < 0 {
		az += 2 * math.Pi
	}
	return az, true
}

// PointInCircle reports whether p lies within radius meters (inclusive) of
// the center c on the sphere (a spherical cap). ok is false for invalid
// coordinates or a radius that is not positive and finite.
func PointInCircle(p, c LngLat, radius float64) (in, ok bool) {
	if !(radius > 0) || math.IsInf(radius, 1) {
		return false, false
	}
	d, ok := Distance(p, c)
	if !ok {
		return false, false
	}
	return d <= radius, true
}

func rad(deg float64) float64 { return deg * math.Pi / 180 }

// Angle returns the clockwise angle in radians, in [0, 2π), at p2 from the
// line [p1, p2] to the line [p2, p3]. ok is false for invalid coordinates
// or when p2 equals or is antipodal to p1 or p3.
func Angle(p1, p2, p3 LngLat) (float64, bool) {
	if !p1.Valid() || !p2.Valid() || !p3.Valid() {
		return 0, false
	}
	a, b, c := p1.point(), p2.point(), p3.point()
	if a == b || b == c || a.Distance(b) == 0 || b.Distance(c) == 0 ||
		a.Distance(b).Radians() >= math.Pi || b.Distance(c).Radians() >= math.Pi {
		return 0, false
	}
	back, ok1 := Azimuth(p2, p1)
	fwd, ok2 := Azimuth(p2, p3)
	if !ok1 || !ok2 {
		return 0, false
	}
	r := math.Mod(fwd-back, 2*math.Pi)
	if r < 0 {
		r += 2 * math.Pi
	}
	return r, true
}
