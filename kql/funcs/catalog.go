// Package funcs is the KQL function catalogue: one entry per scalar or
// aggregate function, giving its name, arity, result-type rule and
// implementation. The checker reads the signatures; the executor calls the
// implementations. Adding a function means adding one entry and its
// implementation.
package funcs

import (
	"time"

	"kqlhunt/kql/types"
)

// Kind says how a function is evaluated.
type Kind uint8

// Function kinds.
const (
	Scalar Kind = iota
	Aggregate
)

// Context carries per-query state that functions may read.
type Context struct {
	// Now is the single instant now() and ago() refer to for a whole query.
	Now time.Time
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
	Eval func(ctx *Context, args []types.Value) (types.Value, error)
	// NewAgg returns fresh per-group state for an aggregate. Nil for scalars.
	NewAgg func(args []types.Type) Aggregator
}

// Aggregator accumulates one group's values for an aggregate function.
type Aggregator interface {
	// Add feeds one row's argument values.
	Add(args []types.Value)
	// Result returns the aggregate's value for the rows added so far.
	Result() types.Value
}
