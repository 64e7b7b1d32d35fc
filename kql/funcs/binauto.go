package funcs

import (
	"errors"

	"kqlhunt/kql/types"
)

// Request options bin_auto reads.
const (
	optBinAutoSize = "query_bin_auto_size"
	optBinAutoAt   = "query_bin_auto_at"
)

var errBinAutoSize = errors.New("the request option query_bin_auto_size is not set (set query_bin_auto_size = <size>;)")

// evalBinAuto is bin_auto(value): bin_at(value, query_bin_auto_size,
// query_bin_auto_at), with the fixed point 0 (of value's type) when
// query_bin_auto_at is not set. A missing bin size is an error.
func evalBinAuto(ctx *Context, a []types.Value) (types.Value, error) {
	var size, at types.Value
	var ok bool
	if ctx != nil {
		size, ok = ctx.Options[optBinAutoSize]
		at = ctx.Options[optBinAutoAt]
	}
	if !ok {
		return types.Value{}, errBinAutoSize
	}
	if at.Type == types.Null {
		at = types.Value{Type: types.Null, Null: true}
	}
	return binAt(a[0], size, at), nil
}

var binAutoFuncs = []*Func{
	scalar("bin_auto", 1, 1, sigFn(func(ts []types.Type) (types.Type, error) { return binType(ts[:1]) }, aBinnable), evalBinAuto),
}
