package scan

import "kqlhunt/activity"

// parseTimeRef is the generic datetime parser the fast one must agree with.
func parseTimeRef(s string) (int64, bool) { return activity.ParseTime(s) }
