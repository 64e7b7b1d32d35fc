package store

import (
	"github.com/klauspost/compress/s2"
	"github.com/parquet-go/parquet-go/compress/snappy"
)

// fastSnappy writes standard Snappy blocks with the fast encoder rather
// than the library's default high-compression one; any Snappy reader
// decodes them.
type fastSnappy struct{ snappy.Codec }

// Encode compresses src into dst (reused when large enough).
func (c *fastSnappy) Encode(dst, src []byte) ([]byte, error) {
	return s2.EncodeSnappy(dst[:cap(dst)], src), nil
}
