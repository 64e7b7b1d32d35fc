package funcs

import "kqlhunt/kql/types"

// convFunc builds a one-argument conversion entry.
func convFunc(name string, to types.Type, class argClass, conv func(types.Value) types.Value) *Func {
	return &Func{
		Name: name, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
		Result: sig(to, class),
		Eval: func(_ *Context, a []types.Value) (types.Value, error) {
			return conv(a[0]), nil
		},
	}
}

var convFuncs = []*Func{
	convFunc("tostring", types.String, aAny, types.ToStringValue),
	convFunc("tolong", types.Long, aAny, types.ToLong),
	convFunc("toint", types.Int, aAny, types.ToInt),
	convFunc("toreal", types.Real, aAny, types.ToReal),
	convFunc("todouble", types.Real, aAny, types.ToReal),
	convFunc("todecimal", types.Decimal, aAny, types.ToDecimal),
	convFunc("tobool", types.Bool, aAny, types.ToBool),
	convFunc("toboolean", types.Bool, aAny, types.ToBool),
	convFunc("todatetime", types.DateTime, aAny, types.ToDateTime),
	convFunc("totimespan", types.TimeSpan, aAny, types.ToTimeSpan),
	convFunc("totime", types.TimeSpan, aAny, types.ToTimeSpan),
	convFunc("toguid", types.Guid, aAny, types.ToGuid),
	convFunc("todynamic", types.Dynamic, aAny, types.ToDynamic),
	convFunc("toobject", types.Dynamic, aAny, types.ToDynamic),
	convFunc("parse_json", types.Dynamic, aAny, types.ToDynamic),
	convFunc("parsejson", types.Dynamic, aAny, types.ToDynamic),
}
