// Package rules holds the rule set bundled with kqlhunt, used when a command
// is given no --rules.
package rules

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

//go:embed bundled/*.yaml
var bundled embed.FS

// File is one bundled rule file.
type File struct {
	// Name is the file name, e.g. "Azure-CloudShell-Usage.yaml".
	Name string
	// Data is the file's content.
	Data []byte
}

// Bundled returns the bundled rule files in name order.
func Bundled() ([]File, error) {
	entries, err := fs.ReadDir(bundled, "bundled")
	if err != nil {
		return nil, fmt.Errorf("reading bundled rules: %w", err)
	}
	var out []File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		data, err := bundled.ReadFile(path.Join("bundled", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("reading bundled rule %s: %w", e.Name(), err)
		}
		out = append(out, File{Name: e.Name(), Data: data})
	}
	return out, nil
}
