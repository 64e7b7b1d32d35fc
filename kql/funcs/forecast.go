package funcs

import (
	"kqlhunt/kql/types"
)

// evalDecomposeForecast is series_decompose_forecast(series, points [,
// seasonality [, trend [, seasonality_threshold]]]): the decomposition's
// baseline (seasonal + trend) learnt from all but the last points
// elements and extended over them. The trend defaults to "linefit" (so the
// forecast follows the trend), seasonality to -1 (detect) and the
// threshold to 0.6, as documented; see decompose for the approximation in
// automatic period detection.
func evalDecomposeForecast(_ *Context, a []types.Value) (types.Value, error) {
	xs, ok := seriesInput(a[0])
	if !ok {
		return nullDynamic, nil
	}
	points, ok := argLong(a[1])
	if !ok || points < 0 {
		return nullDynamic, nil
	}
	d, err := decompose(xs, int(optLong(a, 2, -1)), optStr(a, 3, "linefit"), int(min(points, int64(len(xs)))), optReal(a, 4, 0.6))
	if err != nil {
		return types.Value{}, err
	}
	return arrayResult(floatsToArray(d.baseline)), nil
}

var forecastFuncs = []*Func{
	scalar("series_decompose_forecast", 2, 5, sig(types.Dynamic, aDyn, aInt, aInt, aStr, aNum), evalDecomposeForecast),
}
