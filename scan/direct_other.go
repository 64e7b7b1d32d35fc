//go:build !linux

package scan

import "os"

// openUncached reports that direct I/O is not available here.
func openUncached(path string) *os.File { return nil }

func allocPages(n int) []byte { return nil }

func freePages(b []byte) {}
