package syntax

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

// File is a named source text with a table of line starts, used to turn
// byte offsets (Pos) into line and column numbers.
type File struct {
	Name  string
	Src   string
	lines []int       // byte offset of the start of each line
	subst []substSpan // placeholder substitutions, in order (see NewFileFor)
}

// substSpan records that the placeholder at Src[oldStart:oldEnd] became
// the parsed text's [newStart:newEnd].
type substSpan struct {
	newStart, newEnd, oldStart, oldEnd int
}

// srcOffset maps an offset in the parsed text to an offset in Src.
func (f *File) srcOffset(off int) int {
	if len(f.subst) == 0 {
		return off
	}
	i := sort.Search(len(f.subst), func(i int) bool { return f.subst[i].newStart > off }) - 1
	if i < 0 {
		return off
	}
	s := f.subst[i]
	if off < s.newEnd {
		return s.oldStart
	}
	return off - s.newEnd + s.oldEnd
}

// NewFile returns a File for src, computing its line table.
func NewFile(name, src string) *File {
	f := &File{Name: name, Src: src, lines: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	return f
}

// Position describes a source location. Line and Column are 1-based; the
// column counts characters (not bytes) from the start of the line. Offset
// is the byte offset in the original source text.
type Position struct {
	Filename string
	Offset   int
	Line     int
	Column   int
}

// IsValid reports whether the position has a line number.
func (p Position) IsValid() bool { return p.Line > 0 }

// String formats the position as file:line:col (or line:col without a file
// name, or "-" when invalid).
func (p Position) String() string {
	if !p.IsValid() {
		if p.Filename != "" {
			return p.Filename
		}
		return "-"
	}
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// Position converts a byte offset of the parsed text into a Position in
// Src (see NewFileFor for placeholder substitution). Offsets past the end
// of the text are clamped to the end; invalid offsets give a Position
// holding only the file name.
func (f *File) Position(p Pos) Position {
	if f == nil {
		return Position{}
	}
	if !p.IsValid() {
		return Position{Filename: f.Name}
	}
	off := f.srcOffset(int(p))
	if off > len(f.Src) {
		off = len(f.Src)
	}
	line := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	if line < 0 {
		line = 0
	}
	start := f.lines[line]
	col := utf8.RuneCountInString(f.Src[start:off]) + 1
	return Position{Filename: f.Name, Offset: off, Line: line + 1, Column: col}
}

// Line returns the text of the 1-based line n without its line terminator,
// or "" when n is out of range.
func (f *File) Line(n int) string {
	if f == nil || n < 1 || n > len(f.lines) {
		return ""
	}
	start := f.lines[n-1]
	end := len(f.Src)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	s := f.Src[start:end]
	if len(s) > 0 && s[len(s)-1] == '\r' {
		s = s[:len(s)-1]
	}
	return s
}

// LineCount returns the number of lines in the file.
func (f *File) LineCount() int { return len(f.lines) }
