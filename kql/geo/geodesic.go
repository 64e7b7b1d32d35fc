package geo

import "math"

// WGS-84 ellipsoid.
const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
	wgs84B = wgs84A * (1 - wgs84F)
)

// EllipsoidDistance returns the geodesic distance in meters between two
// coordinates on the WGS-84 ellipsoid (Vincenty's inverse formula). For
// nearly antipodal points, where the iteration does not converge, it falls
// back to the spherical distance scaled to the ellipsoid's mean radius.
// ok is false when a coordinate is invalid.
func EllipsoidDistance(p, q LngLat) (float64, bool) {
	if !p.Valid() || !q.Valid() {
		return 0, false
	}
	if p == q {
		return 0, true
	}
	L := rad(q.Lng - p.Lng)
	U1 := math.Atan((1 - wgs84F) * math.Tan(rad(p.Lat)))
	U2 := math.Atan((1 - wgs84F) * math.Tan(rad(q.Lat)))
	sinU1, cosU1 := math.Sincos(U1)
	sinU2, cosU2 := math.Sincos(U2)
	lambda := L
	var sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM float64
	converged := false
	for i := 0; i < 200; i++ {
		sinL, cosL := math.Sincos(lambda)
		t1 := cosU2 * sinL
		t2 := cosU1*sinU2 - sinU1*cosU2*cosL
		sinSigma = math.Sqrt(t1*t1 + t2*t2)
		if sinSigma == 0 {
			return 0, true // coincident points
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosL
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha = 1 - sinAlpha*sinAlpha
		if cos2Alpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		} else {
			cos2SigmaM = 0 // equatorial line
		}
		C := wgs84F / 16 * cos2Alpha * (4 + wgs84F*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*wgs84F*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-12 {
			converged = true
			break
		}
	}
	if !converged {
		d, _ := Distance(p, q)
		return d * (2*wgs84A + wgs84B) / 3 / EarthRadius, true
	}
	u2 := cos2Alpha * (wgs84A*wgs84A - wgs84B*wgs84B) / (wgs84B * wgs84B)
	A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	deltaSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
		B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
	return wgs84B * A * (sigma - deltaSigma), true
}
