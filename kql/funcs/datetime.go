package funcs

import (
	"kqlhunt/kql/types"
)

// nowTicks returns the query's now() instant in ticks.
func nowTicks(ctx *Context) int64 {
	if ctx == nil || ctx.Now.IsZero() {
		return 0
	}
	return types.TicksFromTime(ctx.Now)
}

var datetimeFuncs = []*Func{
	{
		Name: "now", Kind: Scalar, MinArgs: 0, MaxArgs: 1, Result: sig(types.DateTime, aTS),
		Eval: func(ctx *Context, a []types.Value) (types.Value, error) {
			t := nowTicks(ctx)
			if len(a) == 1 {
				if a[0].Null {
					return nullDateTime, nil
				}
				t += a[0].I
			}
			return types.NewDateTime(t), nil
		},
	},
	{
		Name: "ago", Kind: Scalar, MinArgs: 1, MaxArgs: 1, Result: sig(types.DateTime, aTS),
		Eval: func(ctx *Context, a []types.Value) (types.Value, error) {
			ts := types.ToTimeSpan(a[0])
			if ts.Null {
				return nullDateTime, nil
			}
			return types.NewDateTime(nowTicks(ctx) - ts.I), nil
		},
	},
}
