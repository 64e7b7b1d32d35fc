package funcs

import "kqlhunt/kql/types"

// execOnly builds an entry the executor implements itself (Window or
// Special kinds): only the name, arity and result rule live here.
func execOnly(name string, kind Kind, min, max int, result func([]types.Type) (types.Type, error)) *Func {
	return &Func{Name: name, Kind: kind, MinArgs: min, MaxArgs: max, Result: result}
}

// cumsumType is row_cumsum's result rule: integers give long, reals real,
// timespans timespan, decimals decimal.
func cumsumType(args []types.Type) (types.Type, error) { return sumType(args) }

// argTypeAt returns a result rule giving argument i's type.
func argTypeAt(i int) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		if i < len(args) {
			return args[i], nil
		}
		return types.Null, nil
	}
}

// windowFuncs need the serialized row order; the executor evaluates them.
var windowFuncs = []*Func{
	execOnly("row_number", Window, 0, 2, sig(types.Long, aInt, aBool)),
	execOnly("row_rank_min", Window, 1, 2, sig(types.Long, aScalar, aBool)),
	execOnly("row_rank_dense", Window, 1, 2, sig(types.Long, aScalar, aBool)),
	execOnly("prev", Window, 1, 3, sigFn(argTypeAt(0), aAny, aInt, aAny)),
	execOnly("next", Window, 1, 3, sigFn(argTypeAt(0), aAny, aInt, aAny)),
	execOnly("row_cumsum", Window, 1, 2, sigFn(cumsumType, aNumOrTS, aBool)),
	execOnly("row_window_session", Window, 3, 4, sig(types.DateTime, aDT, aTS, aTS, aBool)),
}

// specialFuncs need tables or whole rows; the executor evaluates them. Their
// result types depend on the query (toscalar, table, ...) and are reported
// as unknown (Null) here unless fixed.
var specialFuncs = []*Func{
	execOnly("toscalar", Special, 1, 1, sig(types.Null)),
	execOnly("materialize", Special, 1, 1, sig(types.Null)),
	execOnly("column_ifexists", Special, 2, 2, sigFn(argTypeAt(1), aStr, aAny)),
	execOnly("pack_all", Special, 0, 1, sig(types.Dynamic, aBool)),
	execOnly("bag_pack_columns", Special, 1, -1, sig(types.Dynamic, aAny)),
	execOnly("table", Special, 1, 2, sig(types.Null, aStr, aAny)),
	execOnly("_GetWatchlist", Special, 1, 1, sig(types.Null, aStr)),
	execOnly("ingestion_time", Special, 0, 0, sig(types.DateTime)),
	execOnly("cursor_current", Special, 0, 0, sig(types.String)),
}
