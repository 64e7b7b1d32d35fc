// Package shared locates the read-only reference material (rule corpus,
// documentation examples, sample data) that lives beside the repository as
// ../shared. Tests that need it skip with a clear message when it is absent,
// so that a fresh clone still passes.
package shared

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the absolute path of the shared folder, or "" when it cannot
// be found. It looks for ../shared beside the module root (the directory
// holding go.mod), starting from the working directory.
func Dir() string {
	if d := os.Getenv("KQLHUNT_SHARED"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(dir), "shared")
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				return cand
			}
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// Path returns the path of rel inside the shared folder, skipping the test
// when the shared folder or that entry is missing.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	d := Dir()
	if d == "" {
		tb.Skip("shared reference folder ../shared not found beside the repository; skipping (set KQLHUNT_SHARED to point at it)")
	}
	p := filepath.Join(d, rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared reference file %s not found; skipping", p)
	}
	return p
}
