package funcs

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"kqlhunt/kql/types"
)

// Series decomposition and outlier scoring (series_decompose,
// series_decompose_anomalies, series_outliers), following the documented
// algorithm: seasonal component = median of the points in the same phase,
// trend = average / least-squares line / none of the deseasonalised
// learning points, baseline = seasonal + trend, residual = x - baseline,
// score = Tukey fence distance of the residual in units of the
// inter-percentile range (10th-90th for ctukey, 25th-75th for tukey).
//
// Known approximation: automatic seasonality (-1) picks the shortest lag
// whose autocorrelation reaches the seasonality threshold and comes within
// 5% of the best lag, which stands in for series_periods_detect's scoring; results may differ from
// Kusto's for series where the two disagree. Pass an explicit period (or 0)
// for exact behaviour.

// percentileLinear returns the p-th percentile of sorted xs with linear
// interpolation between closest ranks.
func percentileLinear(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	if lo < 0 {
		lo = 0
	}
	if hi >= len(sorted) {
		hi = len(sorted) - 1
	}
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}

// minIQR stands in for a zero inter-percentile range so that any point
// outside a constant band scores as a strong outlier.
const minIQR = 1e-9

// outlierScores scores xs (ok marks real values) with Tukey fences over the
// first learn points.
func outlierScores(xs []float64, ok []bool, learn int, lowP, highP float64) []float64 {
	var vals []float64
	for i := 0; i < learn && i < len(xs); i++ {
		if ok[i] {
			vals = append(vals, xs[i])
		}
	}
	scores := make([]float64, len(xs))
	if len(vals) == 0 {
		return scores
	}
	sort.Float64s(vals)
	q1, q3 := percentileLinear(vals, lowP), percentileLinear(vals, highP)
	iqr := q3 - q1
	if iqr < minIQR {
		iqr = minIQR
	}
	for i, x := range xs {
		switch {
		case !ok[i]:
		case x > q3:
			scores[i] = (x - q3) / iqr
		case x < q1:
			scores[i] = (x - q1) / iqr
		}
	}
	return scores
}

// detectPeriod returns a seasonal period for xs, or 0: among lags in
// [2, n/2] whose autocorrelation reaches threshold, the shortest one that
// comes within 5% of the best (multiples of the true period score about as
// well as the period itself).
func detectPeriod(xs []float64, threshold float64) int {
	n := len(xs)
	if n < 8 {
		return 0
	}
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= float64(n)
	var den float64
	for _, x := range xs {
		den += (x - mean) * (x - mean)
	}
	if den == 0 {
		return 0
	}
	rs := make([]float64, n/2+1)
	bestR := math.Inf(-1)
	for p := 2; p <= n/2; p++ {
		var num float64
		for t := 0; t+p < n; t++ {
			num += (xs[t] - mean) * (xs[t+p] - mean)
		}
		// Normalise by the number of overlapping pairs.
		rs[p] = num / den * float64(n) / float64(n-p)
		bestR = math.Max(bestR, rs[p])
	}
	if bestR < threshold {
		return 0
	}
	for p := 2; p <= n/2; p++ {
		if rs[p] >= threshold && rs[p] >= 0.95*bestR {
			return p
		}
	}
	return 0
}

func median(vals []float64) float64 {
	if len(vals) == 0 {
		return 0
	}
	s := append([]float64(nil), vals...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// decomposition is series_decompose's result.
type decomposition struct {
	baseline, seasonal, trend, residual []float64
}

// decompose splits xs; missing values count as 0, as make-series fills
// them.
func decompose(xs []float64, period int, trendKind string, testPoints int, seasonThreshold float64) (*decomposition, error) {
	n := len(xs)
	learn := n - max(testPoints, 0)
	if learn < 0 {
		learn = 0
	}
	d := &decomposition{make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)}
	if period < 0 {
		period = detectPeriod(xs[:learn], seasonThreshold)
	}
	if period >= learn {
		period = 0 // a period no shorter than the data has no repeated phase
	}
	if period > 0 {
		phases := make([][]float64, period)
		for i := 0; i < learn; i++ {
			phases[i%period] = append(phases[i%period], xs[i])
		}
		meds := make([]float64, period)
		for k := range meds {
			meds[k] = median(phases[k])
		}
		for i := range d.seasonal {
			d.seasonal[i] = meds[i%period]
		}
	}
	deseason := make([]float64, n)
	for i, x := range xs {
		deseason[i] = x - d.seasonal[i]
	}
	switch strings.ToLower(trendKind) {
	case "avg", "":
		var s float64
		for i := 0; i < learn; i++ {
			s += deseason[i]
		}
		if learn > 0 {
			s /= float64(learn)
		}
		for i := range d.trend {
			d.trend[i] = s
		}
	case "linefit":
		if learn > 0 {
			b := fitLine(deseason[:learn])
			slope, _ := b.Get("slope")
			icept, _ := b.Get("interception")
			for i := range d.trend {
				d.trend[i] = slope.(float64)*float64(i+1) + icept.(float64)
			}
		}
	case "none":
	default:
		return nil, fmt.Errorf("trend must be \"avg\", \"linefit\" or \"none\", got %q", trendKind)
	}
	for i, x := range xs {
		d.baseline[i] = d.seasonal[i] + d.trend[i]
		d.residual[i] = x - d.baseline[i]
	}
	return d, nil
}

func floatsToArray(fs []float64) []any {
	out := make([]any, len(fs))
	for i, f := range fs {
		out[i] = f
	}
	return out
}

// seriesArgs reads the series (missing values as 0) and optional
// arguments by position.
func seriesInput(v types.Value) ([]float64, bool) {
	xs, ok, isArr := seriesValues(v)
	if !isArr {
		return nil, false
	}
	for i := range xs {
		if !ok[i] {
			xs[i] = 0
		}
	}
	return xs, true
}

func optReal(a []types.Value, i int, def float64) float64 {
	if i < len(a) {
		if f, ok := argReal(a[i]); ok {
			return f
		}
	}
	return def
}

func optLong(a []types.Value, i int, def int64) int64 {
	if i < len(a) {
		if n, ok := argLong(a[i]); ok {
			return n
		}
	}
	return def
}

func optStr(a []types.Value, i int, def string) string {
	if i < len(a) && !isNull(a[i]) && argStr(a[i]) != "" {
		return argStr(a[i])
	}
	return def
}

func tukeyRange(method string) (float64, float64, error) {
	switch strings.ToLower(method) {
	case "ctukey", "":
		return 10, 90, nil
	case "tukey":
		return 25, 75, nil
	}
	return 0, 0, fmt.Errorf("anomaly detection method must be \"ctukey\" or \"tukey\", got %q", method)
}

func evalDecompose(_ *Context, a []types.Value) (types.Value, error) {
	xs, ok := seriesInput(a[0])
	if !ok {
		return nullDynamic, nil
	}
	d, err := decompose(xs, int(optLong(a, 1, -1)), optStr(a, 2, "avg"), int(optLong(a, 3, 0)), optReal(a, 4, 0.6))
	if err != nil {
		return types.Value{}, err
	}
	b := &types.Bag{}
	b.Set("baseline", floatsToArray(d.baseline))
	b.Set("seasonal", floatsToArray(d.seasonal))
	b.Set("trend", floatsToArray(d.trend))
	b.Set("residual", floatsToArray(d.residual))
	return types.NewDynamic(b), nil
}

func evalDecomposeAnomalies(_ *Context, a []types.Value) (types.Value, error) {
	xs, ok := seriesInput(a[0])
	if !ok {
		return nullDynamic, nil
	}
	threshold := optReal(a, 1, 1.5)
	testPoints := int(optLong(a, 4, 0))
	lowP, highP, err := tukeyRange(optStr(a, 5, "ctukey"))
	if err != nil {
		return types.Value{}, err
	}
	d, err := decompose(xs, int(optLong(a, 2, -1)), optStr(a, 3, "avg"), testPoints, optReal(a, 6, 0.6))
	if err != nil {
		return types.Value{}, err
	}
	all := make([]bool, len(xs))
	for i := range all {
		all[i] = true
	}
	learn := min(max(len(xs)-max(testPoints, 0), 0), len(xs))
	scores := outlierScores(d.residual, all, learn, lowP, highP)
	flags := make([]any, len(xs))
	for i, s := range scores {
		switch {
		case s > threshold:
			flags[i] = int64(1)
		case s < -threshold:
			flags[i] = int64(-1)
		default:
			flags[i] = int64(0)
		}
	}
	b := &types.Bag{}
	b.Set("ad_flag", flags)
	b.Set("ad_score", floatsToArray(scores))
	b.Set("baseline", floatsToArray(d.baseline))
	return types.NewDynamic(b), nil
}

func evalOutliers(_ *Context, a []types.Value) (types.Value, error) {
	xs, ok, isArr := seriesValues(a[0])
	if !isArr {
		return nullDynamic, nil
	}
	if len(a) > 2 && !isNull(a[2]) {
		if ign, good := argReal(a[2]); good {
			for i, x := range xs {
				if ok[i] && x == ign {
					ok[i] = false
				}
			}
		}
	}
	lowP, highP, err := tukeyRange(optStr(a, 1, "ctukey"))
	if err != nil {
		return types.Value{}, err
	}
	if strings.EqualFold(optStr(a, 1, "ctukey"), "ctukey") {
		lowP, highP = optReal(a, 3, lowP), optReal(a, 4, highP)
		if lowP < 2 || highP > 98 || lowP >= highP {
			return types.Value{}, fmt.Errorf("percentiles must satisfy 2 <= min < max <= 98, got %v and %v", lowP, highP)
		}
	}
	return arrayResult(floatsToArray(outlierScores(xs, ok, len(xs), lowP, highP))), nil
}

var anomalyFuncs = []*Func{
	withOutputs([]Output{{"baseline", types.Dynamic}, {"seasonal", types.Dynamic}, {"trend", types.Dynamic}, {"residual", types.Dynamic}},
		scalar("series_decompose", 1, 5, sig(types.Dynamic, aDyn, aInt, aStr, aInt, aNum), evalDecompose)),
	withOutputs([]Output{{"ad_flag", types.Dynamic}, {"ad_score", types.Dynamic}, {"baseline", types.Dynamic}},
		scalar("series_decompose_anomalies", 1, 7, sig(types.Dynamic, aDyn, aNum, aInt, aStr, aInt, aStr, aNum), evalDecomposeAnomalies)),
	scalar("series_outliers", 1, 5, sig(types.Dynamic, aDyn, aStr, aNum, aNum, aNum), evalOutliers),
}
