package rule

import (
	"context"
	"time"

	"kqlhunt/batch"
)

// Engine runs KQL for the rule runtime.
type Engine interface {
	// Run executes query with every table reference scoped to TimeGenerated
	// in [from, to] and now()/ago() pinned to `to`.
	Run(ctx context.Context, query string, from, to time.Time) (ResultSet, error)
	// TablesRead returns the tables a query reads (for the
	// requiredDataConnectors lint); error for a query that does not
	// parse/check.
	TablesRead(query string) ([]string, error)
}

// ResultSet is a query result.
type ResultSet = batch.Rows
