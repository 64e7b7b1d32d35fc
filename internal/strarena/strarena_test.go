package strarena

import (
	"strings"
	"testing"
	"unsafe"
)

func TestCloneCopies(t *testing.T) {
	var a Arena
	a.BlockSize = 64
	src := []byte("hello, world")
	s := unsafe.String(&src[0], len(src))
	c := a.Clone(s)
	copy(src, "HELLO")
	if c != "hello, world" {
		t.Fatalf("clone changed with its source: %q", c)
	}
	// Short strings share a block; a long one gets its own memory.
	x, y := a.Clone("ab"), a.Clone("cd")
	if unsafe.StringData(y) != (*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(x)), 2)) {
		t.Error("consecutive short clones are not packed")
	}
	long := strings.Repeat("z", 40)
	if got := a.Clone(long); got != long {
		t.Errorf("long clone %q", got)
	}
	if a.Clone("") != "" {
		t.Error("empty clone")
	}
	// Filling a block starts another without disturbing earlier copies.
	var all []string
	for i := 0; i < 100; i++ {
		all = append(all, a.Clone(strings.Repeat(string(rune('a'+i%26)), 7)))
	}
	for i, s := range all {
		if s != strings.Repeat(string(rune('a'+i%26)), 7) {
			t.Fatalf("clone %d = %q", i, s)
		}
	}
}
