package geo

import "strings"

// geohashAlphabet is the geohash base-32 alphabet (no a, i, l, o).
const geohashAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

// MinGeohashLength and MaxGeohashLength bound the geohash lengths Kusto
// accepts; DefaultGeohashLength is used when none is given.
const (
	MinGeohashLength     = 1
	MaxGeohashLength     = 18
	DefaultGeohashLength = 5
)

// Box is a longitude/latitude rectangle.
type Box struct {
	MinLng, MinLat, MaxLng, MaxLat float64
}

// Center returns the box's central coordinate.
func (b Box) Center() LngLat {
	return LngLat{Lng: (b.MinLng + b.MaxLng) / 2, Lat: (b.MinLat + b.MaxLat) / 2}
}

// Ring returns the box as a closed counterclockwise ring starting at the
// south-west corner.
func (b Box) Ring() []LngLat {
	return []LngLat{
		{b.MinLng, b.MinLat}, {b.MaxLng, b.MinLat}, {b.MaxLng, b.MaxLat},
		{b.MinLng, b.MaxLat}, {b.MinLng, b.MinLat},
	}
}

// GeohashEncode returns the geohash of p with the given length; ok is false
// for an invalid coordinate or a length outside [1, 18].
func GeohashEncode(p LngLat, length int) (string, bool) {
	if !p.Valid() || length < MinGeohashLength || length > MaxGeohashLength {
		return "", false
	}
	lngLo, lngHi := -180.0, 180.0
	latLo, latHi := -90.0, 90.0
	var sb strings.Builder
	sb.Grow(length)
	even := true // bits alternate, longitude first
	for sb.Len() < length {
		c := 0
		for bit := 0; bit < 5; bit++ {
			c <<= 1
			if even {
				mid := (lngLo + lngHi) / 2
				if p.Lng >= mid {
					c |= 1
					lngLo = mid
				} else {
					lngHi = mid
				}
			} else {
				mid := (latLo + latHi) / 2
				if p.Lat >= mid {
					c |= 1
					latLo = mid
				} else {
					latHi = mid
				}
			}
			even = !even
		}
		sb.WriteByte(geohashAlphabet[c])
	}
	return sb.String(), true
}

// GeohashDecode returns the rectangle a geohash stands for; ok is false for
// an empty or too long hash or a character outside the alphabet.
func GeohashDecode(hash string) (Box, bool) {
	if len(hash) < MinGeohashLength || len(hash) > MaxGeohashLength {
		return Box{}, false
	}
	b := Box{MinLng: -180, MinLat: -90, MaxLng: 180, MaxLat: 90}
	even := true
	for i := 0; i < len(hash); i++ {
		c := strings.IndexByte(geohashAlphabet, hash[i])
		if c < 0 {
			return Box{}, false
		}
		for bit := 4; bit >= 0; bit-- {
			on := c>>bit&1 == 1
			if even {
				mid := (b.MinLng + b.MaxLng) / 2
				if on {
					b.MinLng = mid
				} else {
					b.MaxLng = mid
				}
			} else {
				mid := (b.MinLat + b.MaxLat) / 2
				if on {
					b.MinLat = mid
				} else {
					b.MaxLat = mid
				}
			}
			even = !even
		}
	}
	return b, true
}

// GeohashNeighbors returns the geohashes of the same length around hash:
// eight in general, fewer next to a pole. Longitude wraps around the
// antimeridian. ok is false for an invalid hash.
func GeohashNeighbors(hash string) ([]string, bool) {
	b, ok := GeohashDecode(hash)
	if !ok {
		return nil, false
	}
	c := b.Center()
	w, h := b.MaxLng-b.MinLng, b.MaxLat-b.MinLat
	// Clockwise from north.
	steps := [8][2]float64{{0, 1}, {1, 1}, {1, 0}, {1, -1}, {0, -1}, {-1, -1}, {-1, 0}, {-1, 1}}
	out := make([]string, 0, 8)
	seen := map[string]bool{hash: true}
	for _, s := range steps {
		lat := c.Lat + s[1]*h
		if lat > 90 || lat < -90 {
			continue
		}
		lng := c.Lng + s[0]*w
		if lng > 180 {
			lng -= 360
		} else if lng < -180 {
			lng += 360
		}
		n, ok := GeohashEncode(LngLat{Lng: lng, Lat: lat}, len(hash))
		if ok && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, true
}
