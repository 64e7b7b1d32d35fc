// Package funcs is the KQL function catalogue: one entry per scalar or
// aggregate function, giving its name, arity, result-type rule and
// implementation. The checker reads the signatures; the executor calls the
// implementations. Adding a function means adding one entry and its
// implementation.
package funcs

import (
	"kqlhunt/kql/geo"
	"sync"
	"time"

	"kqlhunt/kql/types"
)

// Kind says how a function is evaluated.
type Kind uint8

// Function kinds.
const (
	Scalar Kind = iota
	Aggregate
	// Window functions (row_number, prev, next, row_cumsum,
	// row_window_session) need the serialized row order; the executor
	// implements them, so Eval and NewAgg are nil.
	Window
	// Special functions need tables or whole rows (toscalar, materialize,
	// column_ifexists, pack_all, bag_pack_columns, table, _GetWatchlist);
	// the executor implements them, so Eval and NewAgg are nil.
	Special
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case Scalar:
		return "scalar"
	case Aggregate:
		return "aggregate"
	case Window:
		return "window"
	case Special:
		return "special"
	}
	return "unknown"
}

// Context carries per-query state that functions may read.
type Context struct {
	// Now is the single instant now() and ago() refer to for a whole query.
	Now time.Time

	// Options holds the query's request options (set name = value;
	// statements) by name, for the functions that read one (bin_auto reads
	// query_bin_auto_size and query_bin_auto_at). Nil means none are set.
	// It is not modified during evaluation.
	Options map[string]types.Value

	// regexes caches compiled regular expressions by pattern text for the
	// functions that take a pattern (extract, replace_regex, matches regex,
	// ...). It is safe for concurrent use; the zero value is ready.
	regexes regexCache

	// shapes caches the geometry built from GeoJSON arguments (geo.go).
	shapes geo.ShapeCache
}

// regexCache is a small bounded cache of compiled patterns.
type regexCache struct {
	mu sync.Mutex
	m  map[regexKey]regexEntry
}

// Func is one catalogue entry.
type Func struct {
	Name    string
	Kind    Kind
	MinArgs int
	MaxArgs int // -1 for variadic
	// Result checks the argument types and returns the result type, or an
	// error describing the first argument that does not fit. Argument types
	// of types.Null mean "unknown" and must be accepted.
	Result func(args []types.Type) (types.Type, error)
	// Eval computes a scalar function for one row. Nil for aggregates.
	// Invalid values give a typed null; errors (a bad regular expression,
	// an unknown part name) do not name the function, so callers should
	// wrap them with it. Eval does not retain args.
	Eval func(ctx *Context, args []types.Value) (types.Value, error)
	// NewAgg returns fresh per-group state for an aggregate. Nil for scalars.
	NewAgg func(args []types.Type) Aggregator
	// TypeArg, when positive, is the 1-based position of an optional
	// argument naming the result type: extract(re, 1, s, typeof(int)) and
	// extract_json(path, s, typeof(long)). The checker passes typeof(T) as
	// the constant string "T" (to Eval too); when that argument is present
	// the result type is ResultTypeFromName of its text instead of Result's.
	TypeArg int
	// Outputs, when set, lists the columns of a function that returns
	// several (series_fit_line, series_stats): Eval returns a dynamic bag
	// holding one property per output, in this order, and the executor
	// expands it — into the names of `extend (a, b, ...) = f(x)` by
	// position, or otherwise into columns named f_<argument>_<output name>.
	Outputs []Output
}

// Output is one column of a multi-column function.
type Output struct {
	Name string
	Type types.Type
}

// ResultTypeFromName returns the type a TypeArg argument names ("int",
// "long", "datetime", ... and their aliases).
func ResultTypeFromName(name string) (types.Type, bool) { return types.ParseType(name) }

// Aggregator accumulates one group's values for an aggregate function.
type Aggregator interface {
	// Add feeds one row's argument values.
	Add(args []types.Value)
	// Result returns the aggregate's value for the rows added so far.
	Result() types.Value
}

// RowAggregator is implemented by aggregators that pick one row (arg_min,
// arg_max): Row returns all argument values passed to Add for the chosen
// row (the by-value first), which the executor uses to fill the returned
// columns. Row returns nil when no row was chosen; the slice is valid until
// the next Add.
type RowAggregator interface {
	Aggregator
	Row() []types.Value
}

// MultiAggregator is implemented by aggregates that produce several columns
// from one call (percentiles(x, 50, 95) gives percentile_x_50 and
// percentile_x_95): Results returns one value per column, in argument
// order; Result returns the first.
type MultiAggregator interface {
	Aggregator
	Results() []types.Value
}

// Lookup returns the catalogue entry for a function name. Names are
// case-sensitive, as in Kusto.
func Lookup(name string) (*Func, bool) {
	f, ok := catalog[name]
	return f, ok
}

// Names returns every function name in the catalogue, sorted.
func Names() []string {
	return append([]string(nil), sortedNames...)
}
