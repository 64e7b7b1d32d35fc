package rule

import "fmt"

// Level is the seriousness of a lint finding.
type Level int

// Finding levels.
const (
	Info Level = iota
	Warning
	Error
)

// String returns "info", "warning" or "error".
func (l Level) String() string {
	switch l {
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "info"
}

// Finding is one lint or load finding about a rule field.
type Finding struct {
	File    string
	Line    int
	Col     int
	Field   string // field path, e.g. "queryPeriod" or "entityMappings[2].entityType"
	Level   Level
	Code    string // stable short identifier, e.g. "frequency-range"
	Message string
}

// String formats the finding as file:line:col: level: field: message.
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s: %s", f.File, f.Line, f.Col, f.Level, f.Field, f.Message)
}

// finding builds a Finding positioned at field in r.
func (r *Rule) finding(level Level, code, field, format string, args ...any) Finding {
	p := r.PosOf(field)
	return Finding{File: r.File, Line: p.Line, Col: p.Col, Field: field, Level: level, Code: code, Message: fmt.Sprintf(format, args...)}
}
