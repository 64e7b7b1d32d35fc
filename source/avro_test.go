package source

import (
	"bytes"
	"compress/flate"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// captureSchema is the EventData schema Event Hubs Capture writes.
const captureSchema = `{"type":"record","name":"EventData","namespace":"Microsoft.ServiceBus.Messaging","fields":[
{"name":"SequenceNumber","type":"long"},{"name":"Offset","type":"string"},{"name":"EnqueuedTimeUtc","type":"string"},
{"name":"SystemProperties","type":{"type":"map","values":["long","double","string","bytes"]}},
{"name":"Properties","type":{"type":"map","values":["long","double","string","bytes","null"]}},
{"name":"Body","type":["null","bytes"]}]}`

func zigzag(buf []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		buf = append(buf, byte(u)|0x80)
		u >>= 7
	}
	return append(buf, byte(u))
}

func avroBytes(buf, b []byte) []byte { return append(zigzag(buf, int64(len(b))), b...) }

// captureFile encodes bodies as an Avro object container file, blockSize
// events per block.
func captureFile(t testing.TB, codec string, blockSize int, bodies ...[]byte) []byte {
	t.Helper()
	sync := []byte("0123456789abcdef")
	var out []byte
	out = append(out, avroMagic...)
	out = zigzag(out, 2)
	out = avroBytes(out, []byte("avro.codec"))
	out = avroBytes(out, []byte(codec))
	out = avroBytes(out, []byte("avro.schema"))
	out = avroBytes(out, []byte(captureSchema))
	out = zigzag(out, 0)
	out = append(out, sync...)
	for start := 0; start < len(bodies); start += blockSize {
		end := min(start+blockSize, len(bodies))
		var blk []byte
		for i, body := range bodies[start:end] {
			blk = zigzag(blk, int64(start+i))    // SequenceNumber
			blk = avroBytes(blk, []byte("4096")) // Offset
			blk = avroBytes(blk, []byte("11/2/2026 9:20:00 AM"))
			blk = zigzag(blk, 1) // SystemProperties: one entry
			blk = avroBytes(blk, []byte("x-opt-sequence-number"))
			blk = zigzag(blk, 0) // union branch long
			blk = zigzag(blk, int64(start+i))
			blk = zigzag(blk, 0)  // end of map
			blk = zigzag(blk, -1) // Properties: a block with its byte size
			entry := avroBytes(nil, []byte("k"))
			entry = zigzag(entry, 4) // union branch null
			blk = zigzag(blk, int64(len(entry)))
			blk = append(blk, entry...)
			blk = zigzag(blk, 0)
			if body == nil {
				blk = zigzag(blk, 0) // null Body
			} else {
				blk = zigzag(blk, 1)
				blk = avroBytes(blk, body)
			}
		}
		if codec == "deflate" {
			var z bytes.Buffer
			zw, _ := flate.NewWriter(&z, flate.BestSpeed)
			zw.Write(blk)
			zw.Close()
			blk = z.Bytes()
		}
		out = zigzag(out, int64(end-start))
		out = zigzag(out, int64(len(blk)))
		out = append(out, blk...)
		out = append(out, sync...)
	}
	return out
}

func TestAvroCapture(t *testing.T) {
	payload, err := os.ReadFile(filepath.Join("testdata", "shapes", "eventhub.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := loadAll(t, filepath.Join("testdata", "shapes", "eventhub.json"), Options{})
	// A second payload carrying a different event, and an empty body.
	other := bytes.Replace(payload, []byte("cccccccc-0000-0000-0000-000000000001"), []byte("cccccccc-0000-0000-0000-000000000002"), 1)
	for _, codec := range []string{"null", "deflate"} {
		file := captureFile(t, codec, 2, payload, nil, other)
		recs, rep, err := readString(t, "capture.avro", string(file), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || rep.Formats[FormatEventHub] != 1 || rep.TotalSkipped() != 0 {
			t.Fatalf("%s: recs=%d\n%s", codec, len(recs), rep.Summary())
		}
		if !reflect.DeepEqual(rowsOf(t, recs[:1]), rowsOf(t, want)) {
			t.Errorf("%s: captured event differs from the payload read directly", codec)
		}
		if recs[1].CorrelationId != "cccccccc-0000-0000-0000-000000000002" {
			t.Errorf("%s: second event = %s", codec, recs[1].CorrelationId)
		}
		// Truncated in the second block: the first block's event is kept.
		recs, rep, err = readString(t, "cut.avro", string(file[:len(file)-30]), Options{})
		if err != nil || len(recs) != 1 || rep.Skipped[ReasonFileError] != 1 {
			t.Errorf("%s truncated: err=%v recs=%d\n%s", codec, err, len(recs), rep.Summary())
		}
	}
	// A body that is not JSON is skipped with its event index.
	file := captureFile(t, "null", 5, payload, []byte("not json"))
	recs, rep, _ := readString(t, "bad.avro", string(file), Options{})
	if len(recs) != 1 || rep.Skipped[ReasonInvalidJSON] != 1 || rep.Examples[ReasonInvalidJSON][0].Record != 2 {
		t.Errorf("bad body: recs=%d\n%s", len(recs), rep.Summary())
	}
	// Unsupported codec.
	_, rep, _ = readString(t, "snappy.avro", string(captureFile(t, "snappy", 1, payload)), Options{})
	if rep.Skipped[ReasonFileError] != 1 {
		t.Errorf("snappy:\n%s", rep.Summary())
	}
	// A lying block size is refused without allocating it.
	huge := append(captureFile(t, "null", 1)[:0:0], captureFile(t, "null", 1)...)
	huge = zigzag(huge, 1)
	huge = zigzag(huge, 1<<40)
	_, rep, _ = readString(t, "huge.avro", string(huge), Options{})
	if rep.Skipped[ReasonTooLong] != 1 {
		t.Errorf("huge block:\n%s", rep.Summary())
	}

}

func FuzzAvro(f *testing.F) {
	payload, err := os.ReadFile(filepath.Join("testdata", "shapes", "eventhub.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(captureFile(f, "null", 2, payload, nil, []byte(`{"records":[{"time":"2026-08-12T15:11:47Z"}]}`)))
	f.Add(captureFile(f, "deflate", 1, payload))
	f.Add(append(append([]byte(nil), avroMagic...), 0x02, 0xff))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, FormatEventHub, data) })
}
