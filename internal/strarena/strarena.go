// Package strarena copies strings into large shared blocks, so that many
// short strings cost one allocation per block rather than one each, and
// the copies share no memory with their sources.
package strarena

import (
	"strings"
	"unsafe"
)

// Arena hands out copies of strings from blocks of BlockSize bytes. The
// zero value uses DefaultBlockSize. A block lives as long as any string
// copied into it.
type Arena struct {
	// BlockSize is the size of each block; strings longer than an eighth
	// of it get an allocation of their own.
	BlockSize int
	blk       []byte
}

// DefaultBlockSize is the block size of an Arena whose BlockSize is 0.
const DefaultBlockSize = 64 << 10

// Clone returns a copy of s that lives in the arena.
func (a *Arena) Clone(s string) string {
	if len(s) == 0 {
		return ""
	}
	size := a.BlockSize
	if size <= 0 {
		size = DefaultBlockSize
	}
	if len(s) > size/8 {
		return strings.Clone(s)
	}
	if len(a.blk)+len(s) > cap(a.blk) {
		a.blk = make([]byte, 0, size)
	}
	off := len(a.blk)
	a.blk = append(a.blk, s...)
	return unsafe.String(&a.blk[off], len(s))
}
