package suggest

import "testing"

func TestClosest(t *testing.T) {
	ops := []string{"summarize", "project", "project-away", "where", "extend", "join"}
	cases := []struct {
		name string
		want string
		ok   bool
	}{
		{"summarise", "summarize", true},
		{"projct", "project", true},
		{"project-awya", "project-away", true},
		{"wehre", "where", true},
		{"xyzzy", "", false},
		{"where", "", false},
		{"Where", "where", true},
	}
	for _, c := range cases {
		got, ok := Closest(c.name, ops)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Closest(%q) = %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
