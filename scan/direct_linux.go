//go:build linux

package scan

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// openUncached opens path with O_DIRECT, or returns nil when the file
// system refuses it (at open, or at the first aligned read, as some do).
func openUncached(path string) *os.File {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECT, 0)
	if err != nil {
		return nil
	}
	probe, free := alignedMem(0, directAlign)
	defer free()
	if _, err := f.ReadAt(probe, 0); err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil
	}
	return f
}

// allocPages maps n bytes of anonymous memory (nil when refused).
func allocPages(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil
	}
	return b
}

// freePages unmaps memory from allocPages.
func freePages(b []byte) { _ = syscall.Munmap(b) }
