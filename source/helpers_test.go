package source

import "kqlhunt/kql/types"

func compactDyn(v any) string { return types.FormatDynamic(v) }
