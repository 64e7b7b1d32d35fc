package workspace

import (
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ExternalResolver maps externaldata URIs to local copies: a URI named in
// pairs maps to its file, and any other URI maps to the file of the same
// base name (the last path segment of the URI) in the first of dirs that
// holds one. It returns nil when there is nothing to map.
func ExternalResolver(dirs []string, pairs map[string]string) func(uri string) (string, bool) {
	if len(dirs) == 0 && len(pairs) == 0 {
		return nil
	}
	return func(uri string) (string, bool) {
		u := strings.TrimSpace(uri)
		if p, ok := pairs[u]; ok {
			return p, true
		}
		if i := strings.IndexByte(u, ';'); i >= 0 {
			u = u[:i]
		}
		name := u
		if pu, err := url.Parse(u); err == nil && pu.Path != "" {
			name = pu.Path
		}
		base := path.Base(name)
		if base == "." || base == "/" || base == "" {
			return "", false
		}
		for _, d := range dirs {
			p := filepath.Join(d, base)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, true
			}
		}
		return "", false
	}
}
