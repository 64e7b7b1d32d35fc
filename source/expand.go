package source

// Expand turns paths, directories (walked, skipping hidden entries and
// non-data files) and globs into the list of input files Read would open.
func Expand(paths []string) ([]string, error) { return expand(paths) }
