package funcs

import (
	"encoding/base64"
	"math"
	"strings"
	"testing"

	"kqlhunt/kql/types"
)

// approxCase is a scalar call whose real result is compared with a
// relative tolerance; want NaN expects NaN.
type approxCase struct {
	name string
	args []types.Value
	want float64
}

func runApproxCases(t *testing.T, cases []approxCase) {
	t.Helper()
	for _, c := range cases {
		v := call(t, c.name, c.args...)
		got, ok := argReal(v)
		switch {
		case math.IsNaN(c.want):
			if !ok || !math.IsNaN(got) {
				t.Errorf("%s(%v) = %s, want NaN", c.name, c.args, show(v))
			}
		case !ok || math.Abs(got-c.want) > 1e-9*math.Max(1, math.Abs(c.want)):
			t.Errorf("%s(%v) = %s, want %v", c.name, c.args, show(v), c.want)
		}
	}
}

func TestConvertUnits(t *testing.T) {
	runApproxCases(t, []approxCase{
		// Documentation examples.
		{"convert_energy", args(R(1.2), S("Joule"), S("BritishThermalUnit")), 0.00113738054437598},
		{"convert_force", args(R(1.2), S("Newton"), S("Decanewton")), 0.12},
		{"convert_length", args(R(1.2), S("Meter"), S("Foot")), 3.93700787401575},
		{"convert_speed", args(R(1.2), S("MeterPerSecond"), S("CentimeterPerHour")), 432000},
		{"convert_temperature", args(R(1.2), S("Kelvin"), S("DegreeCelsius")), -271.95},
		{"convert_volume", args(R(1.2), S("CubicMeter"), S("AcreFoot")), 0.0009728568},
		// Offsets apply in both directions.
		{"convert_temperature", args(R(212), S("DegreeFahrenheit"), S("DegreeCelsius")), 100},
		{"convert_temperature", args(R(100), S("DegreeCelsius"), S("DegreeFahrenheit")), 212},
		{"convert_length", args(L(1), S("mile"), S("Kilometer")), 1.609344},
		{"convert_speed", args(R(1), S("Knot"), S("KilometerPerHour")), 1.852},
		{"convert_energy", args(R(1), S("KilowattHour"), S("Megajoule")), 3.6},
		{"convert_volume", args(R(1), S("Liter"), S("Milliliter")), 1000},
	})
	runScalarCases(t, []scalarCase{
		{"convert_length", args(R(1), S("Meter"), S("Furlong")), "null"},
		{"convert_force", args(types.NullOf(types.Real), S("Newton"), S("Dyn")), "null"},
	})
	// Every unit converts to itself and back.
	for name, table := range map[string]unitTable{"energy": energyUnits, "force": forceUnits, "length": lengthUnits,
		"speed": speedUnits, "temperature": temperatureUnits, "volume": volumeUnits} {
		for u, def := range table {
			if def.scale == 0 {
				t.Errorf("%s unit %s has zero scale", name, u)
			}
		}
	}
	if len(speedUnits) != 32 || len(lengthUnits) != 36 || len(energyUnits) != 36 || len(forceUnits) != 15 ||
		len(temperatureUnits) != 10 || len(volumeUnits) != 52 {
		t.Errorf("unit counts: speed %d length %d energy %d force %d temperature %d volume %d",
			len(speedUnits), len(lengthUnits), len(energyUnits), len(forceUnits), len(temperatureUnits), len(volumeUnits))
	}
}

func TestCovariance(t *testing.T) {
	// covariancep documentation example.
	xs := []float64{1, 2, 3, 4, 5}
	ys := []float64{14, 10, 17, 20, 50}
	var pairs [][]types.Value
	for i := range xs {
		pairs = append(pairs, []types.Value{R(xs[i]), R(ys[i])})
	}
	// covarianceif / covariancepif documentation examples.
	ranged := rangeRows(1, 100, func(x int64) []types.Value {
		y := x * 3
		if x%2 == 0 {
			y = x * 2
		}
		return []types.Value{L(x), L(y), B(x%3 == 0)}
	})
	two := []types.Type{types.Real, types.Real}
	three := []types.Type{types.Long, types.Long, types.Bool}
	for _, c := range []struct {
		name  string
		types []types.Type
		rows  [][]types.Value
		want  float64
	}{
		{"covariancep", two, pairs, 16.4},
		{"covariance", two, pairs, 20.5},
		{"covarianceif", three, ranged, 2142},
		{"covariancepif", three, ranged, 2077.09090909091},
		{"covariance", two, [][]types.Value{{R(1), R(2)}}, 0},
		{"covariance", two, [][]types.Value{{R(1), types.NullOf(types.Real)}, {R(2), R(4)}, {R(3), R(6)}}, 1},
	} {
		v := aggregate(t, c.name, c.types, c.rows...)
		if got, _ := argReal(v); math.Abs(got-c.want) > 1e-9*math.Max(1, c.want) {
			t.Errorf("%s = %s, want %v", c.name, show(v), c.want)
		}
	}
}

func TestSeriesMore(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// series_dot_product documentation examples.
		{"series_dot_product", args(J(`[1,2,4]`), J(`[4,2,1]`)), "12"},
		{"series_dot_product", args(J(`[3,6,12]`), J(`[12,6,3]`)), "108"},
		{"series_dot_product", args(J(`[2,4,8]`), L(2)), "28"},
		{"series_dot_product", args(L(3), J(`[3,6,12]`)), "63"},
		{"series_dot_product", args(J(`[1,"a",3,4]`), J(`[1,1,1]`)), "4"},
		{"series_dot_product", args(J(`[]`), J(`[1]`)), "null"},
		// series_iir documentation examples: a cumulative sum.
		{"series_iir", args(J(`[1.0,2.0,3.0,4.0]`), J(`[1]`), J(`[1,-1]`)), "[1.0,3.0,6.0,10.0]"},
		{"series_iir", args(J(`[0,1,2,3,4]`), J(`[1]`), J(`[1,-1]`)), "[0.0,1.0,3.0,6.0,10.0]"},
		{"series_iir", args(J(`[1,2]`), J(`[1]`), J(`[0]`)), "null"},
		// series_seasonal documentation examples.
		{"series_seasonal", args(J(`[2,5,3,4,3,2,1,2,3,4,3,2,1,2,3,4,3,2,1,2,3,4,3,2,1]`)),
			"[1.0,2.0,3.0,4.0,3.0,2.0,1.0,2.0,3.0,4.0,3.0,2.0,1.0,2.0,3.0,4.0,3.0,2.0,1.0,2.0,3.0,4.0,3.0,2.0,1.0]"},
		{"series_seasonal", args(J(`[8,12,14,12,10,10,12,14,12,10,10,12,14,12,10,10,12,14,12,10]`)),
			"[10.0,12.0,14.0,12.0,10.0,10.0,12.0,14.0,12.0,10.0,10.0,12.0,14.0,12.0,10.0,10.0,12.0,14.0,12.0,10.0]"},
		{"series_seasonal", args(J(`[1,3,5,2,4,6,1,3,5,2,4,6]`)), "[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0]"},
		{"series_seasonal", args(J(`[1,3,5,1,3,5,2,4,6]`), L(3)), "[1.0,3.0,5.0,1.0,3.0,5.0,1.0,3.0,5.0]"},
		{"series_seasonal", args(J(`[1,3,5,2,4,6,1,3,5,2,4,6]`), L(3)), "[1.5,3.5,5.5,1.5,3.5,5.5,1.5,3.5,5.5,1.5,3.5,5.5]"},
		{"series_seasonal", args(J(`[1,2,3]`), L(0)), "[0.0,0.0,0.0]"},
		// Element-wise functions (documentation examples).
		{"series_ceiling", args(J(`[-1.5,1,2.5]`)), "[-1.0,1.0,3.0]"},
		{"series_floor", args(J(`[-1.5,1,2.5]`)), "[-2.0,1.0,2.0]"},
		{"series_exp", args(J(`[0,null]`)), "[1.0,null]"},
		{"series_sign", args(J(`[-3,0,2]`)), "[-1.0,0.0,1.0]"},
		{"series_abs", args(J(`[-3,2.5]`)), "[3.0,2.5]"},
		// series_fill_linear documentation example (which rounds to 3 decimals).
		{"series_fill_linear", args(J(`[null,111.0,null,36.0,41.0,null,null,16.0,61.0,33.0,null,null]`)),
			"[111.0,111.0,73.5,36.0,41.0,32.66666666666667,24.333333333333336,16.0,61.0,33.0,33.0,33.0]"},
		{"series_fill_linear", args(J(`[null,111.0,null,36.0]`), types.NullOf(types.Real), B(false)), "[null,111.0,73.5,36.0]"},
		{"series_fill_linear", args(J(`[null,null]`), types.NullOf(types.Real), B(true), R(3.14159)), "[3.14159,3.14159]"},
		{"series_fill_linear", args(J(`[null,null]`)), "[0.0,0.0]"},
		{"series_fill_linear", args(J(`[1,-1,3]`), L(-1)), "[1,2,3]"},
	})
	v := call(t, "series_log", J(`[1,2,3]`))
	arr := v.D.([]any)
	for i, w := range []float64{0, 0.69314718055994529, 1.0986122886681098} {
		if math.Abs(arr[i].(float64)-w) > 1e-15 {
			t.Errorf("series_log[%d] = %v, want %v", i, arr[i], w)
		}
	}
}

func TestPunycode(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// Documentation examples.
		{"punycode_from_string", args(S("académie-française")), "acadmie-franaise-npb1a"},
		{"punycode_from_string", args(S("艺术")), "cqv902d"},
		{"punycode_to_string", args(S("acadmie-franaise-npb1a")), "académie-française"},
		{"punycode_domain_from_string", args(S("xn--Ge-mia.Bulg.edu")), "Gáe.Bulg.edu"},
		{"punycode_domain_from_string", args(S("xn--Ry-lja8c.xn--Jng-uta63a.xn--Bng-9ka.com")), "Rúyì.Jīngū.Bàng.com"},
		{"punycode_domain_to_string", args(S("Lê Lợi。Thuận Thiên。com")), "xn--L Li-gpa4517b.xn--Thun Thin-s4a7194f.com"},
		{"punycode_domain_to_string", args(S("Riðill｡Skáldskaparmál｡org")), "xn--Riill-jta.xn--Skldskaparml-dbbj.org"},
		{"punycode_domain_to_string", args(S("Kaledvoulc'h.Artorījos.edu")), "Kaledvoulc'h.xn--Artorjos-ejb.edu"},
		// RFC 3492 sample (Arabic, Egyptian).
		{"punycode_to_string", args(S("egbpdaj6bu4bxfgehfvwxn")), "\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F"},
		{"punycode_from_string", args(S("abc")), "abc-"},
		{"punycode_domain_to_string", args(S("bücher.example.")), "xn--bcher-kva.example."},
		{"punycode_domain_from_string", args(S("xn--bcher-kva.example.")), "bücher.example."},
		{"punycode_to_string", args(S("a-é")), ""},
		{"punycode_to_string", args(S("99999999999")), ""},
	})
}

func FuzzPunycode(f *testing.F) {
	for _, s := range []string{"académie-française", "艺术", "abc", "", "ü-ß-€", "a\x80b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc, err := punycodeEncode(s)
		if err != nil {
			return
		}
		dec, err := punycodeDecode(enc)
		if err != nil || dec != s {
			t.Errorf("round trip of %q: %q -> %q, %v", s, enc, dec, err)
		}
		_, _ = punycodeDecode(s)
	})
}

func TestBeta(t *testing.T) {
	nan := math.NaN()
	runApproxCases(t, []approxCase{
		// beta_cdf documentation example.
		{"beta_cdf", args(R(0.9), R(10), R(20)), 0.999999999999959},
		{"beta_cdf", args(R(1.5), R(10), R(20)), nan},
		{"beta_cdf", args(R(-10), R(10), R(20)), nan},
		{"beta_cdf", args(R(0.1), R(-1), R(20)), nan},
		// Closed forms: Beta(1,1) is uniform; Beta(2,1) has cdf x^2 and pdf 2x.
		{"beta_cdf", args(R(0.3), R(1), R(1)), 0.3},
		{"beta_cdf", args(R(0.5), R(2), R(1)), 0.25},
		{"beta_pdf", args(R(0.5), R(2), R(1)), 1},
		{"beta_pdf", args(R(0.5), R(2), R(2)), 1.5},
		{"beta_pdf", args(R(2), R(2), R(2)), nan},
		{"beta_inv", args(R(0.25), R(2), R(1)), 0.5},
		{"beta_inv", args(R(0.7), R(1), R(1)), 0.7},
		{"beta_inv", args(R(1.5), R(1), R(1)), nan},
	})
	// beta_inv inverts beta_cdf.
	for _, p := range []float64{0.01, 0.1, 0.5, 0.9, 0.99} {
		x, _ := argReal(call(t, "beta_inv", R(p), R(10), R(20)))
		if got, _ := argReal(call(t, "beta_cdf", R(x), R(10), R(20))); math.Abs(got-p) > 1e-9 {
			t.Errorf("beta_cdf(beta_inv(%v)) = %v", p, got)
		}
	}
}

func TestGzip(t *testing.T) {
	long := ""
	for range 50 {
		long += "abcdefgh"
	}
	runScalarCases(t, []scalarCase{
		// Documentation examples.
		{"gzip_compress_to_base64_string", args(S("1234567890qwertyuiop")), "H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA=="},
		{"gzip_decompress_from_base64_string", args(S("H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==")), "1234567890qwertyuiop"},
		{"gzip_decompress_from_base64_string", args(S("x0x0x0")), ""},
		// A header with flags is rejected.
		{"gzip_decompress_from_base64_string", args(S("H4sICAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==")), ""},
		{"gzip_compress_to_base64_string", args(S("")), "H4sIAAAAAAAA/wEAAP//AAAAAAAAAAA="},
	})
	for _, fn := range []string{"gzip", "zlib"} {
		enc := call(t, fn+"_compress_to_base64_string", S(long))
		if got := show(call(t, fn+"_decompress_from_base64_string", enc)); got != long {
			t.Errorf("%s round trip = %q", fn, got)
		}
	}
}

func FuzzGunzip(f *testing.F) {
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte("x0x0x0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = gunzip(b)
		enc := types.NewString(base64.StdEncoding.EncodeToString(b))
		if _, err := evalZlibDecompress(nil, []types.Value{enc}); err != nil {
			t.Errorf("zlib_decompress_from_base64_string: %v", err)
		}
	})
}

func TestTDigest(t *testing.T) {
	// tdigest documentation example: weighted values.
	td := aggregate(t, "tdigest", []types.Type{types.Real, types.Long}, []types.Value{R(1), L(1)}, []types.Value{R(2), L(2)})
	if got := show(call(t, "percentile_tdigest", td, L(50))); got != "2" {
		t.Errorf("percentile_tdigest(TD, 50) = %s", got)
	}
	// rank_tdigest documentation example.
	tx := aggregate(t, "tdigest", []types.Type{types.Long}, rangeRows(1, 1000, func(x int64) []types.Value { return []types.Value{L(x)} })...)
	if got := show(call(t, "rank_tdigest", tx, L(685))); got != "685" {
		t.Errorf("rank_tdigest(t_x, 685) = %s", got)
	}
	// merge_tdigest documentation example.
	d1 := aggregate(t, "tdigest", []types.Type{types.Long}, rangeRows(1, 10, func(x int64) []types.Value { return []types.Value{L(x)} })...)
	d2 := aggregate(t, "tdigest", []types.Type{types.Long}, rangeRows(11, 20, func(x int64) []types.Value { return []types.Value{L(x)} })...)
	merged := call(t, "merge_tdigest", d1, d2)
	if got := call(t, "percentile_tdigest", merged, L(100), S("long")); got.Type != types.Long || show(got) != "20" {
		t.Errorf("percentile_tdigest(merged, 100, typeof(long)) = %s (%s)", show(got), got.Type)
	}
	if got := show(call(t, "percentiles_array_tdigest", merged, L(5), L(50), L(95))); got != "[1,10,19]" {
		t.Errorf("percentiles_array_tdigest = %s", got)
	}
	if got := show(call(t, "percentiles_array_tdigest", merged, J(`[50]`))); got != "[10]" {
		t.Errorf("percentiles_array_tdigest(dynamic) = %s", got)
	}
	agg := aggregate(t, "tdigest_merge", []types.Type{types.Dynamic}, []types.Value{d1}, []types.Value{d2}, []types.Value{d1})
	if got := show(call(t, "rank_tdigest", agg, L(10))); got != "20" {
		t.Errorf("rank_tdigest(tdigest_merge(d1, d2, d1), 10) = %s", got)
	}
	if got := show(call(t, "percentile_tdigest", J(`"not a digest"`), L(50))); got != "null" {
		t.Errorf("percentile_tdigest of a non-digest = %s", got)
	}
}

func TestHLL(t *testing.T) {
	rows := rangeRows(1, 10, func(x int64) []types.Value { return []types.Value{L(x % 4), B(x > 5)} })
	h := aggregate(t, "hll", []types.Type{types.Long}, rows...)
	if got := show(call(t, "dcount_hll", h)); got != "4" {
		t.Errorf("dcount_hll(hll(x %% 4)) = %s", got)
	}
	hi := aggregate(t, "hll_if", []types.Type{types.Long, types.Bool}, rows...)
	m := aggregate(t, "hll_merge", []types.Type{types.Dynamic}, []types.Value{hi}, []types.Value{J(`[7,8,0]`)})
	if got := show(call(t, "dcount_hll", m)); got != "6" {
		t.Errorf("dcount_hll(hll_merge) = %s (%s)", got, show(m))
	}
}

func TestParseVersion(t *testing.T) {
	// parse_version documentation example.
	runApproxCases(t, []approxCase{
		{"parse_version", args(S("0.0.0.5")), 5},
		{"parse_version", args(S("0.0.7.0")), 700000000},
		{"parse_version", args(S("0.0.3")), 300000000},
		{"parse_version", args(S("0.2")), 2e16},
		{"parse_version", args(S("0.1.2.0")), 1e16 + 2e8},
		{"parse_version", args(S("1.2.3.4")), 1e24 + 2e16 + 3e8 + 4},
		{"parse_version", args(S("1")), 1e24},
	})
	runScalarCases(t, []scalarCase{
		{"parse_version", args(S("1.2.3.4.5")), "null"},
		{"parse_version", args(S("1.x")), "null"},
		{"parse_version", args(S("123456789")), "null"},
		{"parse_version", args(S("")), "null"},
	})
}

func TestSeriesFilters(t *testing.T) {
	spike := J(`[0,0,0,0,0,0,0,0,0,10,20,40,100,40,20,10,0,0,0,0,0,0,0,0]`)
	runScalarCases(t, []scalarCase{
		// series_fir documentation examples: a 5-point moving average
		// peaks 2 points late unless centered; [1,-1] differences.
		{"series_fir", args(spike, J(`[1,1,1,1,1]`)),
			"[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,2.0,6.0,14.0,34.0,42.0,44.0,42.0,34.0,14.0,6.0,2.0,0.0,0.0,0.0,0.0]"},
		{"series_fir", args(spike, J(`[1,1,1,1,1]`), B(true), B(true)),
			"[0.0,0.0,0.0,0.0,0.0,0.0,0.0,2.0,6.0,14.0,34.0,42.0,44.0,42.0,34.0,14.0,6.0,2.0,0.0,0.0,0.0,0.0,0.0,0.0]"},
		{"series_fir", args(J(`[0,0,0,0,2,2,2,2,3,3,3,3]`), J(`[1,-1]`), B(false), B(false)),
			"[0.0,0.0,0.0,0.0,2.0,0.0,0.0,0.0,1.0,0.0,0.0,0.0]"},
		{"series_fir", args(J(`[1,2]`), J(`[1,-1]`), B(true)), "null"},
		{"series_sum", args(J(`[1,2,null,"x",4]`)), "7"},
		{"series_magnitude", args(J(`[3,4]`)), "5"},
	})
	runApproxCases(t, []approxCase{
		{"series_pearson_correlation", args(J(`[1,2,4,7]`), J(`[10,20,40,70]`)), 1},
		{"series_pearson_correlation", args(J(`[1,2,3]`), J(`[3,2,1]`)), -1},
		{"series_cosine_similarity", args(J(`[1,0]`), J(`[1,1]`)), math.Sqrt2 / 2},
		{"series_cosine_similarity", args(J(`[1,0]`), J(`[1,1]`), R(1), R(2)), 0.5},
	})
	tx := aggregate(t, "tdigest", []types.Type{types.Long}, rangeRows(1, 1000, func(x int64) []types.Value { return []types.Value{L(x)} })...)
	if got := show(call(t, "percentrank_tdigest", tx, L(685))); got != "68.5" {
		t.Errorf("percentrank_tdigest(t_x, 685) = %s", got)
	}
}

func TestBinAuto(t *testing.T) {
	f, _ := Lookup("bin_auto")
	// bin_auto documentation example: 1h bins fixed at 00:05.
	ctx := &Context{Options: map[string]types.Value{
		"query_bin_auto_size": TS("1h"),
		"query_bin_auto_at":   DT("2017-01-01 00:05"),
	}}
	for in, want := range map[string]string{
		"2017-01-01 00:05": "2017-01-01T00:05:00.0000000Z",
		"2017-01-01 01:04": "2017-01-01T00:05:00.0000000Z",
		"2017-01-01 01:05": "2017-01-01T01:05:00.0000000Z",
		"2017-01-01 02:00": "2017-01-01T01:05:00.0000000Z",
	} {
		v, err := f.Eval(ctx, []types.Value{DT(in)})
		if err != nil || show(v) != want {
			t.Errorf("bin_auto(%s) = %s, %v; want %s", in, show(v), err, want)
		}
	}
	v, err := f.Eval(&Context{Options: map[string]types.Value{"query_bin_auto_size": L(10)}}, []types.Value{L(37)})
	if err != nil || show(v) != "30" {
		t.Errorf("bin_auto(37) with size 10 = %s, %v", show(v), err)
	}
	if _, err := f.Eval(&Context{}, []types.Value{L(1)}); err == nil {
		t.Error("bin_auto without query_bin_auto_size: no error")
	}
}

func TestSeriesFitPoly(t *testing.T) {
	// Degree 1 matches series_fit_line (documentation example 2).
	y := J(`[2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]`)
	line := call(t, "series_fit_line", y).D.(*types.Bag)
	poly := call(t, "series_fit_poly", y).D.(*types.Bag)
	for _, k := range []string{"rsquare", "variance", "rvariance"} {
		a, _ := line.Get(k)
		b, _ := poly.Get(k)
		if math.Abs(a.(float64)-b.(float64)) > 1e-9 {
			t.Errorf("%s: line %v, poly %v", k, a, b)
		}
	}
	c, _ := poly.Get("coefficients")
	slope, _ := line.Get("slope")
	icept, _ := line.Get("interception")
	if cs := c.([]any); math.Abs(cs[0].(float64)-slope.(float64)) > 1e-9 || math.Abs(cs[1].(float64)-icept.(float64)) > 1e-9 {
		t.Errorf("coefficients %v, line slope %v interception %v", cs, slope, icept)
	}
	// An exact quadratic over uneven x is recovered.
	b := call(t, "series_fit_poly", J(`[4, 1, 7, 29]`), J(`[-1, 0.5, 2, 4]`), L(2)).D.(*types.Bag)
	c, _ = b.Get("coefficients")
	for i, w := range []float64{2, -1, 1} {
		if got := c.([]any)[i].(float64); math.Abs(got-w) > 1e-9 {
			t.Errorf("quadratic coefficient %d = %v, want %v", i, got, w)
		}
	}
	if r, _ := b.Get("rsquare"); math.Abs(r.(float64)-1) > 1e-12 {
		t.Errorf("quadratic rsquare = %v", r)
	}
	f, _ := Lookup("series_fit_poly")
	if len(f.Outputs) != 5 || f.Outputs[4].Name != "poly_fit" {
		t.Errorf("series_fit_poly outputs = %v", f.Outputs)
	}
	// Too few points for the degree: null outputs.
	b = call(t, "series_fit_poly", J(`[1, 2]`), J(`[1, 2]`), L(3)).D.(*types.Bag)
	if r, _ := b.Get("rsquare"); r != nil {
		t.Errorf("underdetermined fit rsquare = %v", r)
	}
}

func TestSeriesFit2Lines(t *testing.T) {
	// Two exact lines meeting a trend change at index 5.
	v := call(t, "series_fit_2lines", J(`[1, 2, 3, 4, 5, 20, 18, 16, 14, 12]`))
	b := v.D.(*types.Bag)
	want := map[string]float64{"rsquare": 1, "split_idx": 5, "rvariance": 0,
		"left_slope": 1, "left_interception": 0, "right_slope": -2, "right_interception": 22,
		"left_rsquare": 1, "right_rsquare": 1}
	for k, w := range want {
		g, _ := b.Get(k)
		gf, ok := argReal(types.FromDynamic(g))
		if !ok || math.Abs(gf-w) > 1e-9 {
			t.Errorf("series_fit_2lines %s = %v, want %v", k, g, w)
		}
	}
	fit, _ := b.Get("line_fit")
	if got := types.FormatDynamic(fit); got != "[1.0,2.0,3.0,4.0,5.0,20.0,18.0,16.0,14.0,12.0]" {
		t.Errorf("line_fit = %s", got)
	}
	f, _ := Lookup("series_fit_2lines")
	for i, k := range b.Keys {
		if k != f.Outputs[i].Name {
			t.Errorf("bag key %d = %s, output %s", i, k, f.Outputs[i].Name)
		}
	}
	if r, _ := call(t, "series_fit_2lines", J(`[1, 2, 3]`)).D.(*types.Bag).Get("rsquare"); r != nil {
		t.Errorf("short series rsquare = %v", r)
	}
}

func TestDecomposeForecast(t *testing.T) {
	// The last points are held out: a weekly pattern (period 7) and a
	// straight line (no seasonality) are extended exactly over them, even
	// when the held-out values are zeros.
	pattern := []float64{5, 1, 1, 1, 1, 1, 3}
	for _, c := range []struct {
		period int64
		f      func(i int) float64
	}{
		{7, func(i int) float64 { return pattern[i%7] }},
		{0, func(i int) float64 { return 2*float64(i) + 1 }},
	} {
		var full, held []string
		for i := 0; i < 28; i++ {
			full = append(full, types.FormatDynamic(c.f(i)))
			if i < 21 {
				held = append(held, full[i])
			} else {
				held = append(held, "0")
			}
		}
		for _, series := range []string{strings.Join(full, ","), strings.Join(held, ",")} {
			got := call(t, "series_decompose_forecast", J("["+series+"]"), L(7), L(c.period)).D.([]any)
			for i := 0; i < 28; i++ {
				if math.Abs(got[i].(float64)-c.f(i)) > 1e-9 {
					t.Errorf("period %d: forecast[%d] = %v, want %v", c.period, i, got[i], c.f(i))
				}
			}
		}
	}
	runScalarCases(t, []scalarCase{
		{"series_decompose_forecast", args(J(`[1,2,3]`), L(-1)), "null"},
	})
}

func TestTreepathWelch(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// treepath documentation examples.
		{"treepath", args(J(`{"a":"b", "c":123}`)), `["['a']","['c']"]`},
		{"treepath", args(J(`{"prop1":[1,2,3,4], "prop2":"value2"}`)), `["['prop1']","['prop1'][0]","['prop2']"]`},
		{"treepath", args(J(`{"listProperty":[100,200,300,"abcde",{"x":"y"}]}`)), `["['listProperty']","['listProperty'][0]","['listProperty'][0]['x']"]`},
		{"treepath", args(J(`5`)), `[]`},
	})
	// welch_test documentation example (the Wikipedia samples): p = 0.021.
	s1 := []float64{27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4}
	s2 := []float64{27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4}
	stats := func(xs []float64) (m, v float64) {
		for _, x := range xs {
			m += x
		}
		m /= float64(len(xs))
		for _, x := range xs {
			v += (x - m) * (x - m)
		}
		return m, v / float64(len(xs)-1)
	}
	m1, v1 := stats(s1)
	m2, v2 := stats(s2)
	p, _ := argReal(call(t, "welch_test", R(m1), R(v1), L(15), R(m2), R(v2), L(15)))
	if math.Abs(p-0.021) > 0.0005 {
		t.Errorf("welch_test p = %v, want 0.021", p)
	}
	runApproxCases(t, []approxCase{
		{"welch_test", args(R(1), R(2), L(10), R(1), R(3), L(20)), 1},
		{"welch_test", args(R(1), R(0), L(10), R(1), R(0), L(20)), math.NaN()},
	})
}

func TestBuildSchema(t *testing.T) {
	// buildschema documentation example.
	got := show(aggregate(t, "buildschema", []types.Type{types.Dynamic},
		[]types.Value{J(`{"x":1, "y":3.5}`)},
		[]types.Value{J(`{"x":"somevalue", "z":[1, 2, 3]}`)},
		[]types.Value{J(`{"y":{"w":"zzz"}, "t":["aa", "bb"], "z":["foo"]}`)}))
	want := "{\"x\":[\"long\",\"string\"],\"y\":[\"double\",{\"w\":\"string\"}],\"z\":{\"`indexer`\":[\"long\",\"string\"]},\"t\":{\"`indexer`\":\"string\"}}"
	if got != want {
		t.Errorf("buildschema = %s\nwant %s", got, want)
	}
	if got := show(aggregate(t, "buildschema", []types.Type{types.Dynamic}, []types.Value{J(`null`)})); got != "null" {
		t.Errorf("buildschema(null) = %s", got)
	}
	if got := show(aggregate(t, "buildschema", []types.Type{types.Dynamic}, []types.Value{J(`[]`)}, []types.Value{J(`true`)})); got != `[{},"bool"]` {
		t.Errorf("buildschema([], true) = %s", got)
	}
}
