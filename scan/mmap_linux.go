//go:build linux

package scan

import (
	"os"
	"syscall"
)

// mapFile maps f (of the given size) read-only, or returns nil when it
// cannot (the caller then reads it).
func mapFile(f *os.File, size int64) []byte {
	if size <= 0 || size != int64(int(size)) {
		return nil
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return b
}

func unmapFile(b []byte) { _ = syscall.Munmap(b) }

// dropPages tells the kernel that the whole pages inside b are no longer
// needed, so they leave the resident set (they stay in the page cache,
// and are read again if touched).
func dropPages(b []byte, base []byte) {
	const page = 4096
	if len(b) < 2*page {
		return
	}
	off := cap(base) - cap(b) // offset of b in the mapping
	start := (off + page - 1) &^ (page - 1)
	end := (off + len(b)) &^ (page - 1)
	if end > start {
		_ = syscall.Madvise(base[start:end], syscall.MADV_DONTNEED)
	}
}
