package funcs

import (
	"kqlhunt/kql/types"
)

var aggFuncs = []*Func{
	{
		Name: "count", Kind: Aggregate, MinArgs: 0, MaxArgs: 1, Result: sig(types.Long, aAny),
		NewAgg: func([]types.Type) Aggregator { return &countAgg{} },
	},
	{
		Name: "make_set", Kind: Aggregate, MinArgs: 1, MaxArgs: 2, Result: sig(types.Dynamic, aAny, aInt),
		NewAgg: func([]types.Type) Aggregator { return newSetAgg(false, false) },
	},
}

// countAgg counts rows; with an argument, rows where it is not null.
type countAgg struct{ n int64 }

func (a *countAgg) Add(args []types.Value) {
	if len(args) > 0 && isNull(args[0]) {
		return
	}
	a.n++
}

func (a *countAgg) Result() types.Value { return types.NewLong(a.n) }

// defaultMaxSize is the element limit of make_set/make_list/make_bag when no
// size is given.
const defaultMaxSize = 1048576

// setAgg implements make_set and make_set_if (ifArg: the last argument is
// the predicate). Dynamic arrays contribute their elements.
type setAgg struct {
	ifArg bool
	list  bool // make_list: keep duplicates
	max   int
	seen  map[types.Key]struct{}
	out   []any
}

func newSetAgg(list, ifArg bool) *setAgg {
	return &setAgg{list: list, ifArg: ifArg, max: -1}
}

func (a *setAgg) Add(args []types.Value) {
	if a.ifArg {
		if !args[len(args)-1].Bool() {
			return
		}
		args = args[:len(args)-1]
	}
	if a.max < 0 {
		a.max = defaultMaxSize
		if len(args) > 1 {
			if n, ok := argLong(args[1]); ok && n > 0 {
				a.max = int(n)
			}
		}
	}
	v := args[0]
	if isNull(v) {
		return
	}
	if !a.list && v.Type == types.Dynamic {
		if arr, ok := v.D.([]any); ok {
			for _, e := range arr {
				a.addElem(e)
			}
			return
		}
	}
	a.addElem(types.ToDynamicElement(v))
}

func (a *setAgg) addElem(e any) {
	if len(a.out) >= a.max {
		return
	}
	if !a.list {
		if a.seen == nil {
			a.seen = make(map[types.Key]struct{})
		}
		k := types.DynamicKey(e)
		if _, dup := a.seen[k]; dup {
			return
		}
		a.seen[k] = struct{}{}
	}
	a.out = append(a.out, e)
}

func (a *setAgg) Result() types.Value {
	out := a.out
	if out == nil {
		out = []any{}
	}
	return types.NewDynamic(out)
}
