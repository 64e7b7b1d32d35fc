package funcs

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"io"

	"kqlhunt/kql/types"
)

// gzip_compress_to_base64_string, gzip_decompress_from_base64_string,
// zlib_compress_to_base64_string and zlib_decompress_from_base64_string.
// The gzip writer emits the documented header (no flags, no modification
// time, unknown operating system) and, when deflate does not shrink the
// input, a single stored block, which reproduces the documentation's
// example byte for byte. The readers return "" for any failure, and the
// gzip reader rejects headers with flags, as documented.

// maxDecompressed bounds the output of the decompressors.
const maxDecompressed = 64 << 20

// gzipHeader is ID1 ID2 CM FLG MTIME(4) XFL OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// deflateBody returns data as a raw deflate stream: compressed at the
// best level, or stored when that is no smaller.
func deflateBody(data []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	_, _ = w.Write(data)
	_ = w.Close()
	stored := storedBlocks(data)
	if buf.Len() < len(stored) {
		return buf.Bytes()
	}
	return stored
}

// storedBlocks encodes data as uncompressed deflate blocks, the last one
// final.
func storedBlocks(data []byte) []byte {
	out := make([]byte, 0, len(data)+5*(len(data)/65535+1))
	for {
		n := min(len(data), 65535)
		final := byte(0)
		if n == len(data) {
			final = 1
		}
		out = append(out, final, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		out = append(out, data[:n]...)
		data = data[n:]
		if final == 1 {
			return out
		}
	}
}

func evalGzipCompress(_ *Context, a []types.Value) (types.Value, error) {
	if isNull(a[0]) {
		return emptyString, nil
	}
	data := []byte(argStr(a[0]))
	out := append([]byte(nil), gzipHeader...)
	out = append(out, deflateBody(data)...)
	out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(data))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(data)))
	return types.NewString(base64.StdEncoding.EncodeToString(out)), nil
}

// gunzip decodes a gzip member with no optional header fields.
func gunzip(raw []byte) ([]byte, bool) {
	if len(raw) < len(gzipHeader)+8 || raw[0] != 0x1f || raw[1] != 0x8b || raw[2] != 8 || raw[3] != 0 {
		return nil, false
	}
	body := raw[len(gzipHeader):]
	r := flate.NewReader(bytes.NewReader(body))
	data, err := io.ReadAll(io.LimitReader(r, maxDecompressed+1))
	if err != nil || len(data) > maxDecompressed {
		return nil, false
	}
	trailer := body[len(body)-8:]
	if binary.LittleEndian.Uint32(trailer) != crc32.ChecksumIEEE(data) ||
		binary.LittleEndian.Uint32(trailer[4:]) != uint32(len(data)) {
		return nil, false
	}
	return data, true
}

func evalGzipDecompress(_ *Context, a []types.Value) (types.Value, error) {
	raw, err := base64.StdEncoding.DecodeString(argStr(a[0]))
	if err != nil {
		return emptyString, nil
	}
	data, ok := gunzip(raw)
	if !ok {
		return emptyString, nil
	}
	return types.NewString(string(data)), nil
}

func evalZlibCompress(_ *Context, a []types.Value) (types.Value, error) {
	if isNull(a[0]) {
		return emptyString, nil
	}
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	_, _ = w.Write([]byte(argStr(a[0])))
	_ = w.Close()
	return types.NewString(base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}

func evalZlibDecompress(_ *Context, a []types.Value) (types.Value, error) {
	raw, err := base64.StdEncoding.DecodeString(argStr(a[0]))
	if err != nil {
		return emptyString, nil
	}
	r, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return emptyString, nil
	}
	data, err := io.ReadAll(io.LimitReader(r, maxDecompressed+1))
	if err != nil || len(data) > maxDecompressed {
		return emptyString, nil
	}
	return types.NewString(string(data)), nil
}

var compressFuncs = []*Func{
	scalar("gzip_compress_to_base64_string", 1, 1, sig(types.String, aStr), evalGzipCompress),
	scalar("gzip_decompress_from_base64_string", 1, 1, sig(types.String, aStr), evalGzipDecompress),
	scalar("zlib_compress_to_base64_string", 1, 1, sig(types.String, aStr), evalZlibCompress),
	scalar("zlib_decompress_from_base64_string", 1, 1, sig(types.String, aStr), evalZlibDecompress),
}
