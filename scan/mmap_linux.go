//go:build linux

package scan

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
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
	// The file is read front to back: let the kernel read ahead widely.
	_ = syscall.Madvise(b, syscall.MADV_SEQUENTIAL)
	return b
}

// prefetch asks the kernel to start reading data[from:to] (clipped to the
// mapping) in the background, so that the workers that decode it later do
// not wait on page faults one page cluster at a time.
func prefetch(data []byte, from, to int) {
	const page = 4096
	from &^= page - 1
	to = min(to, len(data))
	if to > from {
		_ = syscall.Madvise(data[from:to], syscall.MADV_WILLNEED)
	}
}

func unmapFile(b []byte) { _ = syscall.Munmap(b) }

// dropPages tells the kernel that the whole pages inside b, a piece of
// mapping m, are no longer needed, so they leave the resident set. They
// stay in the page cache (and are read again if touched) unless m.evict
// is set, when they are dropped from it too.
func dropPages(b []byte, m *mapping) {
	const page = 4096
	if len(b) < 2*page {
		return
	}
	base := m.data
	off := cap(base) - cap(b) // offset of b in the mapping
	start := (off + page - 1) &^ (page - 1)
	end := (off + len(b)) &^ (page - 1)
	if end > start {
		_ = syscall.Madvise(base[start:end], syscall.MADV_DONTNEED)
		if m.evict {
			_ = unix.Fadvise(int(m.file.Fd()), int64(start), int64(end-start), unix.FADV_DONTNEED)
		}
	}
}

// physicalMemory returns the machine's memory in bytes (a large value
// when it cannot tell).
func physicalMemory() int64 {
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err != nil || si.Totalram == 0 {
		return 1 << 62
	}
	return int64(si.Totalram) * int64(si.Unit)
}
