package geo

import (
	"strconv"
	"strings"
)

// H3 cell indexes are handled here at the level of their 64-bit layout
// (mode, resolution, base cell and one 3-bit digit per resolution); the
// functions that need H3's icosahedral projection are not implemented.

// H3 resolutions and the largest resolution step geo_h3cell_children takes.
const (
	MaxH3Resolution    = 15
	MaxH3ChildrenSteps = 5
)

const (
	h3NumBaseCells = 122
	h3ResShift     = 52
	h3BaseShift    = 45
	h3ModeShift    = 59
	h3CellMode     = 1
	h3DigitBits    = 3
	h3Unused       = 7
)

// h3Pentagons holds the twelve pentagonal base cells.
var h3Pentagons = [...]int{4, 14, 24, 38, 49, 58, 63, 72, 83, 97, 107, 117}

func h3IsPentagonBase(bc int) bool {
	for _, p := range h3Pentagons {
		if p == bc {
			return true
		}
	}
	return false
}

// h3Cell is a validated H3 cell index.
type h3Cell uint64

func (c h3Cell) res() int      { return int(c>>h3ResShift) & 0xf }
func (c h3Cell) baseCell() int { return int(c>>h3BaseShift) & 0x7f }

// digit returns the digit of resolution r (1..15).
func (c h3Cell) digit(r int) int {
	return int(c>>(uint(MaxH3Resolution-r)*h3DigitBits)) & 7
}

func (c h3Cell) setDigit(r, d int) h3Cell {
	shift := uint(MaxH3Resolution-r) * h3DigitBits
	return c&^(7<<shift) | h3Cell(d)<<shift
}

func (c h3Cell) setRes(r int) h3Cell {
	return c&^(0xf<<h3ResShift) | h3Cell(r)<<h3ResShift
}

func (c h3Cell) String() string { return strconv.FormatUint(uint64(c), 16) }

// parseH3 parses and validates a cell token (hexadecimal index).
func parseH3(token string) (h3Cell, bool) {
	if token == "" || len(token) > 16 {
		return 0, false
	}
	v, err := strconv.ParseUint(strings.ToLower(token), 16, 64)
	if err != nil {
		return 0, false
	}
	c := h3Cell(v)
	if v>>63 != 0 || int(v>>h3ModeShift)&0xf != h3CellMode || (v>>56)&7 != 0 {
		return 0, false
	}
	if c.baseCell() >= h3NumBaseCells {
		return 0, false
	}
	res := c.res()
	pent := h3IsPentagonBase(c.baseCell())
	leading := true
	for r := 1; r <= MaxH3Resolution; r++ {
		d := c.digit(r)
		if r > res {
			if d != h3Unused {
				return 0, false
			}
			continue
		}
		if d == h3Unused {
			return 0, false
		}
		// A pentagon has no K-axis (digit 1) sub-sequence at its center.
		if pent && leading && d != 0 {
			if d == 1 {
				return 0, false
			}
			leading = false
		}
	}
	return c, true
}

// H3CellLevel returns the resolution of an H3 cell token.
func H3CellLevel(token string) (int, bool) {
	c, ok := parseH3(token)
	if !ok {
		return 0, false
	}
	return c.res(), true
}

// H3CellParent returns the token of the cell's ancestor at resolution res
// (0 <= res <= the cell's resolution).
func H3CellParent(token string, res int) (string, bool) {
	c, ok := parseH3(token)
	if !ok || res < 0 || res > c.res() {
		return "", false
	}
	for r := res + 1; r <= c.res(); r++ {
		c = c.setDigit(r, h3Unused)
	}
	return c.setRes(res).String(), true
}

// H3CellChildren returns the tokens of the cell's descendants at resolution
// res, which must be at least the cell's resolution and at most
// MaxH3ChildrenSteps below it.
func H3CellChildren(token string, res int) ([]string, bool) {
	c, ok := parseH3(token)
	if !ok || res < c.res() || res > MaxH3Resolution || res-c.res() > MaxH3ChildrenSteps {
		return nil, false
	}
	// centered reports whether every digit so far is 0 (the pentagon's
	// center line, where the K-axis child does not exist).
	centered := h3IsPentagonBase(c.baseCell())
	for r := 1; r <= c.res() && centered; r++ {
		centered = c.digit(r) == 0
	}
	var out []string
	var walk func(x h3Cell, r int, centered bool)
	walk = func(x h3Cell, r int, centered bool) {
		if r == res {
			out = append(out, x.setRes(res).String())
			return
		}
		for d := 0; d < 7; d++ {
			if centered && d == 1 {
				continue
			}
			walk(x.setDigit(r+1, d), r+1, centered && d == 0)
		}
	}
	walk(c, c.res(), centered)
	return out, true
}
