package funcs

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"math"

	"kqlhunt/kql/types"
)

// hashBytes returns the bytes hash() and hash_xxhash64() digest: UTF-8 text
// for strings, little-endian 8-byte values for long, real (IEEE bits),
// timespan ticks and datetime .NET ticks (since 0001-01-01), 4 bytes for
// int, one byte for bool, and the text form for guids and dynamic values.
func hashBytes(v types.Value) []byte {
	var b [8]byte
	switch v.Type {
	case types.Long, types.TimeSpan:
		binary.LittleEndian.PutUint64(b[:], uint64(v.I))
		return b[:]
	case types.DateTime:
		binary.LittleEndian.PutUint64(b[:], uint64(v.I+types.TicksAt0001))
		return b[:]
	case types.Int:
		binary.LittleEndian.PutUint32(b[:4], uint32(v.I))
		return b[:4]
	case types.Real:
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v.F))
		return b[:]
	case types.Bool:
		return []byte{byte(v.I)}
	}
	return []byte(argStr(v))
}

// digestFunc builds a hash_<algorithm> entry returning lower-case hex of
// the digest of the value's text (tostring) in UTF-8.
func digestFunc(name string, sum func([]byte) []byte) *Func {
	return scalar(name, 1, 1, sig(types.String, aAny), func(_ *Context, a []types.Value) (types.Value, error) {
		if isNull(a[0]) {
			return emptyString, nil
		}
		return types.NewString(hex.EncodeToString(sum([]byte(argStr(a[0]))))), nil
	})
}

func evalHash(_ *Context, a []types.Value) (types.Value, error) {
	if isNull(a[0]) {
		return nullLong, nil
	}
	h := xxhash64(hashBytes(a[0]), 0)
	if len(a) > 1 {
		m, ok := argLong(a[1])
		if !ok {
			return nullLong, nil
		}
		if m <= 0 {
			return types.Value{}, fmt.Errorf("modulo must be positive, got %d", m)
		}
		return types.NewLong(int64(h % uint64(m))), nil
	}
	return types.NewLong(int64(h)), nil
}

var hashFuncs = []*Func{
	scalar("hash", 1, 2, sig(types.Long, aScalar, aInt), evalHash),
	scalar("hash_xxhash64", 1, 2, sig(types.Long, aScalar, aInt), evalHash),
	digestFunc("hash_md5", func(b []byte) []byte { s := md5.Sum(b); return s[:] }),
	digestFunc("hash_sha1", func(b []byte) []byte { s := sha1.Sum(b); return s[:] }),
	digestFunc("hash_sha256", func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }),
	scalar("hash_crc32", 1, 2, sig(types.Long, aScalar, aInt), func(_ *Context, a []types.Value) (types.Value, error) {
		if isNull(a[0]) {
			return nullLong, nil
		}
		h := int64(crc32.ChecksumIEEE([]byte(argStr(a[0]))))
		if len(a) > 1 {
			m, ok := argLong(a[1])
			if !ok || m <= 0 {
				return nullLong, nil
			}
			h %= m
		}
		return types.NewLong(h), nil
	}),
	scalar("new_guid", 0, 0, sig(types.Guid), func(_ *Context, _ []types.Value) (types.Value, error) {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return types.Value{}, fmt.Errorf("reading random bytes: %w", err)
		}
		b[6] = b[6]&0x0f | 0x40 // version 4
		b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
		g, _ := types.ParseGuid(hex.EncodeToString(b[:]))
		return types.NewGuid(g), nil
	}),
}
