package tune

import (
	"fmt"
	"sort"
	"strings"
)

// Severity grades a finding.
type Severity uint8

// The finding severities.
const (
	SevError Severity = iota + 1
	SevWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SevWarning {
		return "warning"
	}
	return "error"
}

// Finding is one problem in an exclusions file, at the offending YAML node.
type Finding struct {
	Pos      Pos
	Severity Severity
	// Code names the kind of problem (e.g. "unknown-column", "bad-cidr").
	Code string
	Msg  string
}

// String formats the finding as "file:line:col: severity: msg [code]".
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s [%s]", f.Pos, f.Severity, f.Msg, f.Code)
}

// Findings is a list of findings; as an error it reports every entry.
type Findings []Finding

// Error joins the findings, one a line.
func (fs Findings) Error() string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.String()
	}
	return strings.Join(parts, "\n")
}

// Errors returns the findings of error severity.
func (fs Findings) Errors() Findings {
	var out Findings
	for _, f := range fs {
		if f.Severity == SevError {
			out = append(out, f)
		}
	}
	return out
}

// HasErrors reports whether some finding is an error.
func (fs Findings) HasErrors() bool { return len(fs.Errors()) > 0 }

// Sort orders the findings by file, line, column, then code.
func (fs Findings) Sort() {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Pos, fs[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return fs[i].Code < fs[j].Code
	})
}
