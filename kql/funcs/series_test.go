package funcs

import (
	"math"
	"testing"

	"kqlhunt/kql/types"
)

func TestSeriesFitLine(t *testing.T) {
	// series_fit_line documentation example.
	v := call(t, "series_fit_line", J(`[2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]`))
	b := v.D.(*types.Bag)
	want := map[string]float64{"rsquare": 0.982, "slope": 2.730, "variance": 98.628, "rvariance": 1.686, "interception": -1.666}
	for k, w := range want {
		got, _ := b.Get(k)
		if math.Abs(got.(float64)-w) > 0.001 {
			t.Errorf("series_fit_line %s = %v, want %v", k, got, w)
		}
	}
	fit, _ := b.Get("line_fit")
	if f := fit.([]any); len(f) != 12 || math.Abs(f[0].(float64)-1.064) > 0.001 || math.Abs(f[11].(float64)-31.102) > 0.001 {
		t.Errorf("line_fit = %v", fit)
	}
	f, _ := Lookup("series_fit_line")
	if len(f.Outputs) != 6 || f.Outputs[1].Name != "slope" {
		t.Errorf("series_fit_line outputs = %v", f.Outputs)
	}
	for i, k := range b.Keys {
		if k != f.Outputs[i].Name {
			t.Errorf("bag key %d = %s, output %s", i, k, f.Outputs[i].Name)
		}
	}
}

func TestSeriesStats(t *testing.T) {
	// series_stats documentation example.
	v := call(t, "series_stats", J(`[23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]`))
	got := types.FormatDynamic(v.D)
	want := `{"min":2.0,"min_idx":8,"max":87.0,"max_idx":3,"avg":32.8,"stdev":28.503633853548269,"variance":812.45714285714291}`
	b := v.D.(*types.Bag)
	checks := map[string]float64{"min": 2, "min_idx": 8, "max": 87, "max_idx": 3, "avg": 32.8, "stdev": 28.5036338535483, "variance": 812.457142857143}
	for k, w := range checks {
		g, _ := b.Get(k)
		gf, ok := argReal(types.FromDynamic(g))
		if !ok || math.Abs(gf-w) > 1e-9 {
			t.Errorf("series_stats %s = %v, want %v (%s; doc %s)", k, g, w, got, want)
		}
	}
}

func TestSeriesElementwise(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// series_fill_const documentation example.
		{"series_fill_const", args(J(`[111,null,36,41,23,null,16,61,33,null,null]`), R(0)), "[111,0.0,36,41,23,0.0,16,61,33,0.0,0.0]"},
		{"series_fill_const", args(J(`[111,null,36,41,23,null,16,61,33,null,null]`), L(-1)), "[111,-1,36,41,23,-1,16,61,33,-1,-1]"},
		{"series_fill_forward", args(J(`[null,1,null,3,null]`)), "[null,1,1,3,3]"},
		{"series_fill_backward", args(J(`[null,1,null,3,null]`)), "[1,1,3,3,null]"},
		{"series_add", args(J(`[1,2,3]`), J(`[10,20,30]`)), "[11.0,22.0,33.0]"},
		{"series_divide", args(J(`[1,4,16]`), J(`[4,4,4]`)), "[0.25,1.0,4.0]"},
		{"series_multiply", args(J(`[1,null,3]`), L(2)), "[2.0,null,6.0]"},
		{"series_greater", args(J(`[1,5]`), L(2)), "[false,true]"},
	})
}

// weeklySeries builds the documentation's weekly-seasonality series
// (without its random noise) with dips at 150, 200, 780 and spikes at 300,
// 400, 600 (t = 1..840, index t-1).
func weeklySeries() (types.Value, map[int]int64) {
	var arr []any
	want := map[int]int64{}
	for t := 1; t <= 24*7*5; t++ {
		y := 15.0
		if (t/24)%7 >= 5 {
			y = 10
		}
		h := float64((t % 24) / 10)
		y -= h * h
		switch t {
		case 150, 200, 780:
			y -= 8
			want[t-1] = -1
		case 300, 400, 600:
			y += 8
			want[t-1] = 1
		}
		arr = append(arr, y)
	}
	return types.NewDynamic(arr), want
}

func TestSeriesDecomposeAnomalies(t *testing.T) {
	series, want := weeklySeries()
	for _, season := range []int64{168, -1} {
		v := call(t, "series_decompose_anomalies", series, R(1.5), L(season))
		b := v.D.(*types.Bag)
		flags, _ := b.Get("ad_flag")
		for i, f := range flags.([]any) {
			if f.(int64) != want[i] {
				t.Errorf("seasonality %d: ad_flag[%d] = %v, want %d", season, i, f, want[i])
			}
		}
		// The baseline at the spike (t=300, a weekend hour 12) is the value
		// the series has there without the spike: 10 - 1*1.
		base, _ := b.Get("baseline")
		if got := base.([]any)[299].(float64); math.Abs(got-9) > 1e-9 {
			t.Errorf("seasonality %d: baseline at the spike = %v, want 9", season, got)
		}
	}
	// Without seasonality the weekly pattern itself is not flagged as
	// anomalous with a high threshold, but the spikes relative to the
	// average still score positive.
	v := call(t, "series_decompose_anomalies", series, R(1.5), L(0), S("avg"))
	scores, _ := v.D.(*types.Bag).Get("ad_score")
	if s := scores.([]any)[299].(float64); s <= 0 {
		t.Errorf("no-seasonality score at spike = %v", s)
	}
	if _, err := mustFunc(t, "series_decompose_anomalies").Eval(&Context{}, args(series, R(1.5), L(0), S("bogus"))); err == nil {
		t.Error("unknown trend accepted")
	}
}

func TestSeriesDecompose(t *testing.T) {
	// A pure line: linefit trend reproduces it, residual is zero.
	v := call(t, "series_decompose", J(`[1,3,5,7,9,11]`), L(0), S("linefit"))
	b := v.D.(*types.Bag)
	res, _ := b.Get("residual")
	for i, r := range res.([]any) {
		if math.Abs(r.(float64)) > 1e-9 {
			t.Errorf("residual[%d] = %v", i, r)
		}
	}
	trend, _ := b.Get("trend")
	if got := trend.([]any)[5].(float64); math.Abs(got-11) > 1e-9 {
		t.Errorf("trend[5] = %v", got)
	}
	// Explicit period 2: seasonal is the per-phase median.
	v = call(t, "series_decompose", J(`[1,5,1,5,1,5]`), L(2), S("none"))
	seas, _ := v.D.(*types.Bag).Get("seasonal")
	if got := types.FormatDynamic(seas); got != "[1.0,5.0,1.0,5.0,1.0,5.0]" {
		t.Errorf("seasonal = %s", got)
	}
}

func TestSeriesOutliers(t *testing.T) {
	v := call(t, "series_outliers", J(`[1,2,3,4,5,6,7,8,9,10,100]`), S("tukey"))
	scores := v.D.([]any)
	// 25th/75th percentiles (linear) of 1..10,100 are 3.5 and 8.5: the
	// last point scores (100-8.5)/5.
	if got := scores[10].(float64); math.Abs(got-18.3) > 1e-9 {
		t.Errorf("score of 100 = %v", got)
	}
	if scores[5].(float64) != 0 {
		t.Errorf("score of a middle point = %v", scores[5])
	}
	if _, err := mustFunc(t, "series_outliers").Eval(&Context{}, args(J(`[1,2]`), S("ctukey"), types.NullOf(types.Real), L(1), L(50))); err == nil {
		t.Error("min_percentile 1 accepted")
	}
}

func mustFunc(t *testing.T, name string) *Func {
	t.Helper()
	f, ok := Lookup(name)
	if !ok {
		t.Fatalf("%s missing", name)
	}
	return f
}
