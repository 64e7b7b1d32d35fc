package syntax

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is one syntax error at a source position.
type Error struct {
	Pos Position
	Msg string
}

// Error implements the error interface as "file:line:col: message".
func (e *Error) Error() string {
	if e.Pos.IsValid() || e.Pos.Filename != "" {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Msg
}

// ErrorList is a list of syntax errors. The parser returns one as its error
// value when the query has problems.
type ErrorList []*Error

// Add appends an error at pos with the given message.
func (l *ErrorList) Add(pos Position, msg string) {
	*l = append(*l, &Error{Pos: pos, Msg: msg})
}

// Len implements sort.Interface.
func (l ErrorList) Len() int { return len(l) }

// Swap implements sort.Interface.
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }

// Less implements sort.Interface, ordering by file, line, column and message.
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i].Pos, l[j].Pos
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Column != b.Column {
		return a.Column < b.Column
	}
	return l[i].Msg < l[j].Msg
}

// Sort orders the list by position.
func (l ErrorList) Sort() { sort.Stable(l) }

// RemoveMultiples sorts the list and keeps only the first error on each line.
func (l *ErrorList) RemoveMultiples() {
	l.Sort()
	var last Position
	out := (*l)[:0]
	for _, e := range *l {
		if e.Pos.Filename != last.Filename || e.Pos.Line != last.Line || len(out) == 0 {
			out = append(out, e)
			last = e.Pos
		}
	}
	*l = out
}

// Dedupe sorts the list and removes errors identical in position and
// message.
func (l *ErrorList) Dedupe() {
	l.Sort()
	out := (*l)[:0]
	for i, e := range *l {
		if i > 0 {
			p := (*l)[i-1]
			if p.Pos == e.Pos && p.Msg == e.Msg {
				continue
			}
		}
		out = append(out, e)
	}
	*l = out
}

// Error implements the error interface: the first error, plus a count of
// the others.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// Err returns l as an error, or nil when the list is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// FormatErrors renders err for a person: for each syntax error the line
// "file:line:col: message", then the offending source line, then a caret
// under the column. Tabs in the source line are reproduced in the caret
// line so that the caret lines up. Errors that are not syntax errors are
// printed with their Error text.
func FormatErrors(f *File, err error) string {
	if err == nil {
		return ""
	}
	var list ErrorList
	var one *Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = ErrorList{one}
	default:
		return err.Error() + "\n"
	}
	var b strings.Builder
	for _, e := range list {
		b.WriteString(e.Error())
		b.WriteByte('\n')
		if f == nil || !e.Pos.IsValid() {
			continue
		}
		line := f.Line(e.Pos.Line)
		b.WriteString(line)
		b.WriteByte('\n')
		col := 1
		for _, r := range line {
			if col >= e.Pos.Column {
				break
			}
			if r == '\t' {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
			col++
		}
		b.WriteString("^\n")
	}
	return b.String()
}
