// Package suggest finds the closest known name to a misspelled one, for
// "did you mean" hints in diagnostics.
package suggest

import "strings"

// Closest returns the candidate nearest to name by case-insensitive edit
// distance, and whether it is close enough to suggest: at most one edit for
// short names, and at most a third of the name's length for longer ones.
func Closest(name string, candidates []string) (string, bool) {
	best, bestD := "", -1
	ln := strings.ToLower(name)
	for _, c := range candidates {
		d := distance(ln, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD == 0 && best == name {
		return "", false
	}
	limit := len([]rune(name)) / 3
	if limit < 1 {
		limit = 1
	}
	return best, bestD <= limit
}

// distance is the Damerau-Levenshtein (optimal string alignment) distance.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
