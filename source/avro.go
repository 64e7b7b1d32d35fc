package source

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Event Hubs Capture writes Avro object container files (codec "null" for
// the Avro encoding, "deflate" for AvroDeflate) whose records follow the
// EventData schema: SequenceNumber, Offset, EnqueuedTimeUtc,
// SystemProperties, Properties and Body (bytes). Each Body holds what the
// diagnostic setting sent: a {"records":[…]} document.

// avroMagic starts every Avro object container file.
var avroMagic = []byte{'O', 'b', 'j', 1}

// avroNode is a parsed Avro schema.
type avroNode struct {
	kind     string // null boolean int long float double bytes string record enum array map union fixed
	fields   []avroField
	items    *avroNode // array items, map values
	branches []*avroNode
	size     int // fixed
}

type avroField struct {
	name string
	typ  *avroNode
}

// avroSchema parses schema JSON into a node tree, resolving named types.
func avroSchema(text []byte) (*avroNode, error) {
	var v any
	if err := json.Unmarshal(text, &v); err != nil {
		return nil, fmt.Errorf("avro schema: %w", err)
	}
	names := map[string]*avroNode{}
	return avroParse(v, names, 0)
}

func avroParse(v any, names map[string]*avroNode, depth int) (*avroNode, error) {
	if depth > 64 {
		return nil, errors.New("avro schema nested too deeply")
	}
	switch x := v.(type) {
	case string:
		switch x {
		case "null", "boolean", "int", "long", "float", "double", "bytes", "string":
			return &avroNode{kind: x}, nil
		}
		if n, ok := names[x]; ok {
			return n, nil
		}
		if i := strings.LastIndexByte(x, '.'); i >= 0 {
			if n, ok := names[x[i+1:]]; ok {
				return n, nil
			}
		}
		return nil, fmt.Errorf("avro schema: unknown type %q", x)
	case []any:
		n := &avroNode{kind: "union"}
		for _, b := range x {
			c, err := avroParse(b, names, depth+1)
			if err != nil {
				return nil, err
			}
			n.branches = append(n.branches, c)
		}
		return n, nil
	case map[string]any:
		t, _ := x["type"].(string)
		name, _ := x["name"].(string)
		switch t {
		case "record", "error":
			n := &avroNode{kind: "record"}
			if name != "" {
				names[name] = n
				if ns, _ := x["namespace"].(string); ns != "" {
					names[ns+"."+name] = n
				}
			}
			fields, _ := x["fields"].([]any)
			for _, f := range fields {
				fm, ok := f.(map[string]any)
				if !ok {
					return nil, errors.New("avro schema: bad field")
				}
				fn, _ := fm["name"].(string)
				ft, err := avroParse(fm["type"], names, depth+1)
				if err != nil {
					return nil, err
				}
				n.fields = append(n.fields, avroField{name: fn, typ: ft})
			}
			return n, nil
		case "enum":
			n := &avroNode{kind: "enum"}
			if name != "" {
				names[name] = n
			}
			return n, nil
		case "fixed":
			size, _ := x["size"].(float64)
			if size < 0 || size > 1<<20 {
				return nil, errors.New("avro schema: bad fixed size")
			}
			n := &avroNode{kind: "fixed", size: int(size)}
			if name != "" {
				names[name] = n
			}
			return n, nil
		case "array", "map":
			key := "items"
			if t == "map" {
				key = "values"
			}
			c, err := avroParse(x[key], names, depth+1)
			if err != nil {
				return nil, err
			}
			return &avroNode{kind: t, items: c}, nil
		default:
			// {"type": "long", "logicalType": ...} and the like.
			return avroParse(x["type"], names, depth+1)
		}
	}
	return nil, fmt.Errorf("avro schema: unexpected %T", v)
}

// avroBuf decodes Avro binary data from a byte slice.
type avroBuf struct {
	b   []byte
	err error
}

var errAvroShort = errors.New("avro data ends early")

func (a *avroBuf) long() int64 {
	var u uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if len(a.b) == 0 {
			a.err = errAvroShort
			return 0
		}
		c := a.b[0]
		a.b = a.b[1:]
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return int64(u>>1) ^ -int64(u&1)
		}
	}
	a.err = errors.New("avro varint too long")
	return 0
}

func (a *avroBuf) bytes() []byte {
	n := a.long()
	if a.err != nil {
		return nil
	}
	if n < 0 || n > int64(len(a.b)) {
		a.err = errAvroShort
		return nil
	}
	out := a.b[:n]
	a.b = a.b[n:]
	return out
}

func (a *avroBuf) skip(n int) {
	if n > len(a.b) {
		a.err = errAvroShort
		return
	}
	a.b = a.b[n:]
}

// value decodes one value of type n. Records become map[string]any,
// bytes []byte, strings string, longs int64; other values are decoded and
// dropped.
func (a *avroBuf) value(n *avroNode, depth int) any {
	if a.err != nil {
		return nil
	}
	if depth > 64 {
		a.err = errors.New("avro value nested too deeply")
		return nil
	}
	switch n.kind {
	case "null":
		return nil
	case "boolean":
		a.skip(1)
	case "int", "long", "enum":
		return a.long()
	case "float":
		a.skip(4)
	case "double":
		a.skip(8)
	case "bytes":
		return a.bytes()
	case "string":
		return string(a.bytes())
	case "fixed":
		a.skip(n.size)
	case "record":
		m := make(map[string]any, len(n.fields))
		for _, f := range n.fields {
			m[f.name] = a.value(f.typ, depth+1)
		}
		return m
	case "union":
		i := a.long()
		if a.err == nil && (i < 0 || i >= int64(len(n.branches))) {
			a.err = fmt.Errorf("avro union branch %d out of range", i)
		}
		if a.err != nil {
			return nil
		}
		return a.value(n.branches[i], depth+1)
	case "array", "map":
		for a.err == nil {
			count := a.long()
			if count == 0 || a.err != nil {
				break
			}
			if count < 0 {
				count = -count
				a.long() // block size in bytes
			}
			if count > int64(len(a.b))+1 {
				a.err = errAvroShort
				break
			}
			for i := int64(0); i < count && a.err == nil; i++ {
				if n.kind == "map" {
					a.bytes() // key
				}
				a.value(n.items, depth+1)
			}
		}
	}
	return nil
}

// readAvroCapture reads an Event Hubs Capture Avro file and decodes the
// Body of every event as an Event Hubs payload.
func (rd *reader) readAvroCapture(br *bufio.Reader) error {
	limit := int64(rd.maxRec) * 4
	head := make([]byte, 4)
	if _, err := io.ReadFull(br, head); err != nil || !bytes.Equal(head, avroMagic) {
		return errors.New("not an Avro object container file")
	}
	meta, err := readAvroMeta(br, limit)
	if err != nil {
		return err
	}
	codec := string(meta["avro.codec"])
	if codec != "" && codec != "null" && codec != "deflate" {
		return fmt.Errorf("avro codec %q is not supported (use Avro or AvroDeflate capture encoding)", codec)
	}
	schema, err := avroSchema(meta["avro.schema"])
	if err != nil {
		return err
	}
	sync := make([]byte, 16)
	if _, err := io.ReadFull(br, sync); err != nil {
		return fmt.Errorf("avro header: %w", err)
	}
	event := 0
	for block := 1; ; block++ {
		count, err := readVarint(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("avro block %d: %w", block, err)
		}
		size, err := readVarint(br)
		if err != nil {
			return fmt.Errorf("avro block %d: %w", block, err)
		}
		if size < 0 || size > limit || count < 0 {
			if err := rd.skipRec(Diagnostic{Record: event + 1, Reason: ReasonTooLong,
				Detail: fmt.Sprintf("avro block %d of %d bytes exceeds the limit; rest of file not read", block, size)}); err != nil {
				return err
			}
			return errAborted
		}
		data := make([]byte, size)
		if _, err := io.ReadFull(br, data); err != nil {
			return fmt.Errorf("avro block %d: %w", block, err)
		}
		got := make([]byte, 16)
		if _, err := io.ReadFull(br, got); err != nil {
			return fmt.Errorf("avro block %d: %w", block, err)
		}
		if !bytes.Equal(got, sync) {
			return fmt.Errorf("avro block %d: bad sync marker", block)
		}
		if codec == "deflate" {
			zr := flate.NewReader(bytes.NewReader(data))
			data, err = io.ReadAll(io.LimitReader(zr, limit+1))
			if err != nil {
				return fmt.Errorf("avro block %d: deflate: %w", block, err)
			}
			if int64(len(data)) > limit {
				if err := rd.skipRec(Diagnostic{Record: event + 1, Reason: ReasonTooLong,
					Detail: fmt.Sprintf("avro block %d inflates past the limit; rest of file not read", block)}); err != nil {
					return err
				}
				return errAborted
			}
		}
		ab := &avroBuf{b: data}
		for i := int64(0); i < count; i++ {
			v := ab.value(schema, 0)
			if ab.err != nil {
				return fmt.Errorf("avro block %d, event %d: %w", block, i+1, ab.err)
			}
			event++
			body, _ := avroBody(v)
			if len(bytes.TrimSpace(body)) == 0 {
				continue
			}
			if err := rd.readJSONStream(bytes.NewReader(body), FormatEventHub); err != nil {
				var stop errStop
				if errors.As(err, &stop) || errors.Is(err, errAborted) {
					if errors.Is(err, errAborted) {
						continue
					}
					return err
				}
				if err := rd.skipRec(Diagnostic{Record: event, Reason: ReasonInvalidJSON,
					Detail: "captured event body: " + err.Error()}); err != nil {
					return err
				}
			}
		}
	}
}

// avroBody returns the Body field of a decoded EventData record.
func avroBody(v any) ([]byte, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	for k, x := range m {
		if strings.EqualFold(k, "Body") {
			switch b := x.(type) {
			case []byte:
				return b, true
			case string:
				return []byte(b), true
			}
		}
	}
	return nil, false
}

func readAvroMeta(br *bufio.Reader, limit int64) (map[string][]byte, error) {
	meta := map[string][]byte{}
	total := int64(0)
	for {
		count, err := readVarint(br)
		if err != nil {
			return nil, fmt.Errorf("avro header: %w", err)
		}
		if count == 0 {
			return meta, nil
		}
		if count < 0 {
			count = -count
			if _, err := readVarint(br); err != nil {
				return nil, fmt.Errorf("avro header: %w", err)
			}
		}
		for i := int64(0); i < count; i++ {
			k, err := readAvroBytes(br, limit-total)
			if err != nil {
				return nil, err
			}
			v, err := readAvroBytes(br, limit-total)
			if err != nil {
				return nil, err
			}
			total += int64(len(k) + len(v))
			meta[string(k)] = v
		}
	}
}

func readAvroBytes(br *bufio.Reader, limit int64) ([]byte, error) {
	n, err := readVarint(br)
	if err != nil {
		return nil, fmt.Errorf("avro header: %w", err)
	}
	if n < 0 || n > limit {
		return nil, fmt.Errorf("avro header: bad length %d", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(br, b); err != nil {
		return nil, fmt.Errorf("avro header: %w", err)
	}
	return b, nil
}

// readVarint reads a zig-zag encoded Avro long; io.EOF only when no byte
// was read.
func readVarint(br *bufio.Reader) (int64, error) {
	var u uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c, err := br.ReadByte()
		if err != nil {
			if shift > 0 && errors.Is(err, io.EOF) {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, err
		}
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return int64(u>>1) ^ -int64(u&1), nil
		}
	}
	return 0, errors.New("varint too long")
}
