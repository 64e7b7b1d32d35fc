//go:build !linux

package scan

// directReader is only available on Linux.
type directReader struct{}

func openDirect(path string, start int) *directReader { return nil }

func (r *directReader) Read(p []byte) (int, error) { return 0, nil }

func (r *directReader) Close() error { return nil }
