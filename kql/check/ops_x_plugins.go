package check

import (
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/funcs"
	"kqlhunt/kql/syntax"
)

// evaluateX checks the evaluate plugins whose rules live beside their
// executors; it returns nil, false for the others.
func (c *checker) evaluateX(op *syntax.EvaluateOp, in *batch.Schema, sc *scope) (*batch.Schema, bool) {
	name := strings.ToLower(op.Call.Fun.Name)
	fuzzy := in != nil && in.Open
	switch name {
	case "pivot":
		rs := &rowScope{schema: in, fuzzy: fuzzy}
		for i, a := range op.Call.Args {
			if i == 1 {
				if call := aggCall(a); call != nil {
					if f := LookupFunc(call.Fun.Name); f != nil && f.Kind == funcs.Aggregate {
						c.expr(a, sc, &rowScope{schema: in, agg: true, fuzzy: fuzzy})
						continue
					}
				}
			}
			c.expr(a, sc, rs)
		}
		return &batch.Schema{Open: true}, true
	case "active_users_count", "activity_counts_metrics", "rolling_percentile", "sliding_window_counts",
		"activity_engagement", "activity_metrics", "basket", "sequence_detect":
		rs := &rowScope{schema: in, fuzzy: fuzzy}
		for _, a := range op.Call.Args {
			c.expr(a, sc, rs)
		}
		return &batch.Schema{Open: true}, true
	}
	return nil, false
}
