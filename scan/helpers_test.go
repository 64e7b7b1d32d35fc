package scan

import (
	"kqlhunt/activity"
	"kqlhunt/kql/types"
)

// parseTimeRef is the generic datetime parser the fast one must agree with.
func parseTimeRef(s string) (int64, bool) { return activity.ParseTime(s) }

func formatDyn(v any) string { return types.FormatDynamic(v) }
