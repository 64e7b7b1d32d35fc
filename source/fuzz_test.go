package source

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kqlhunt/activity"
)

// fuzzRead runs one decoder over data and checks invariants that hold for
// any input: no panic, no error without strict mode, consistent counts,
// and well-formed records.
func fuzzRead(t *testing.T, format string, data []byte) {
	tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("SLOW INPUT %q", data)) })
	defer tm.Stop()
	n := 0
	rep, err := ReadReader(context.Background(), "fuzz", strings.NewReader(string(data)), Options{Format: format, MaxRecordBytes: 1 << 16}, func(r *activity.Record) error {
		n++
		if r.Type != activity.TableName || r.SourceSystem == "" || !r.HasTimeGenerated {
			t.Errorf("record not normalised: %+v", r)
		}
		b, err := activity.NewBuilder(nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		if bt := b.Append(r); bt == nil || bt.Len != 1 || len(bt.Cols) != activity.NumColumns() {
			t.Errorf("builder did not produce a 1-row batch")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("non-strict read failed: %v", err)
	}
	if rep.Loaded != n {
		t.Errorf("Loaded = %d, emitted %d", rep.Loaded, n)
	}
	if rep.Read < rep.Loaded+rep.Duplicates+rep.TotalNonActivity() {
		t.Errorf("Read %d < loaded %d + duplicates %d + set aside %d", rep.Read, rep.Loaded, rep.Duplicates, rep.TotalNonActivity())
	}
	_ = rep.Summary()
}

func addSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join("testdata", "shapes", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzStorage(f *testing.F) {
	addSeeds(f, "storage.json")
	f.Add([]byte(line("c", "op/x", "Success", "2026-08-12T15:11:47Z") + "\n" + `{"time":"1/9/2007 9:41:00 AM","properties":"{\"eventCategory\":\"Policy\"}"}`))
	f.Add([]byte(`{"time":"2020-06-12T13:07:46.766Z","category":"NonInteractiveUserSignInLogs","identity":"x"}`))
	f.Add([]byte("{\"time\":\"2020\u0000\"}\n\n[1]\n{\"a\\u00e9\":1}"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, FormatStorage, data) })
}

func FuzzEventHub(f *testing.F) {
	addSeeds(f, "eventhub.json")
	f.Add([]byte(`{"records":[]}{"records":[{"time":"2026-08-12T15:11:47Z"}]}` + "\n" + `{"records":[1,"x",null]}`))
	f.Add([]byte(`{"records":{"a":1}}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, FormatEventHub, data) })
}

func FuzzREST(f *testing.F) {
	addSeeds(f, "rest.json")
	f.Add([]byte(`{"value":[{"eventTimestamp":"2021-03-01T22:07:42.456241+00:00","status":{"value":"Failed"}}],"nextLink":"x"}`))
	f.Add([]byte(`[{"eventTimestamp":"2021-03-01T22:07:42Z","operationName":"plain","category":"Policy"}]`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, FormatREST, data) })
}

func FuzzLogAnalytics(f *testing.F) {
	addSeeds(f, "loganalytics.json")
	f.Add([]byte(`{"tables":[{"name":"t","columns":[{"name":"TimeGenerated"},{"name":"Properties_d"}],"rows":[["2021-01-01T00:00:00Z","{\"a\":1}"],["2021-01-01T00:00:00Z",{"a":[1]}],[1,2]]}]}`))
	f.Add([]byte(`{"tables":[{"rows":[[1]],"columns":[]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, FormatLogAnalytics, data) })
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("\xEF\xBB\xBFTimeGenerated [UTC],Caller,Properties\n\"4/28/2021, 2:31:30.021 PM\",a,\"{\n \"\"x\"\": 1\n}\"\n"))
	f.Add([]byte("OperationName,ActivityStatus,Category,TimeGenerated\nUpdate,Succeeded,Policy,2021-01-01T00:00:00Z\n,,,\n\"a\"b,c\n"))
	f.Add([]byte("$table,TimeGenerated\nSigninLogs,2021-01-01T00:00:00Z\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, FormatCSV, data) })
}

func FuzzRows(f *testing.F) {
	addSeeds(f, "rows.ndjson")
	f.Add([]byte(`[{"TimeGenerated":"2021-01-01T00:00:00Z","Claims_d":"{\"upn\":\"u\"}"},{"Type":"SigninLogs","TimeGenerated":"2021-01-01T00:00:00Z"}]`))
	f.Add([]byte(`{"TimeGenerated":"bad"}` + "\n" + `{"TimeGenerated":"2021-01-01T00:00:00Z","Properties_d":{"a":` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, FormatRows, data) })
}

func FuzzDetect(f *testing.F) {
	addSeeds(f, "storage.json", "eventhub.json", "rest.json", "loganalytics.json", "rows.ndjson")
	f.Add([]byte("TimeGenerated [UTC],Caller\n"))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Add([]byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("SLOW DETECT %q", data)) })
		format, why := Detect(data)
		tm.Stop()
		if (format == "") == (why == "") {
			t.Fatalf("Detect = %q, %q: exactly one must be set", format, why)
		}
		fuzzRead(t, FormatAuto, data)
	})
}

// FuzzJStream checks the streaming value scanner against encoding/json:
// for a valid JSON array it must find the same elements.
func FuzzJStream(f *testing.F) {
	for _, s := range []string{`[1,"a\"]",{"b":[1,{"c":"}"}]},null,true,-1.5e3,[]]`, `[]`, `[ "\\" , {} ]`, `["\u00e9"]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want []json.RawMessage
		if json.Unmarshal(data, &want) != nil {
			return
		}
		rd := &reader{rep: newReport(0)}
		s := newJStream(bytes.NewReader(data), 1<<20)
		w := &jsonWalker{rd: rd, s: s}
		if c, err := s.next(); err != nil || c != '[' {
			t.Fatalf("first byte %q, %v", c, err)
		}
		var got [][]byte
		if err := w.elements(func(raw []byte) error {
			got = append(got, append([]byte(nil), raw...))
			return nil
		}); err != nil {
			t.Fatalf("scanner rejects valid %q: %v", data, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d elements, encoding/json %d", len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i], bytes.TrimSpace(want[i])) {
				t.Errorf("element %d = %q, encoding/json %q", i, got[i], want[i])
			}
		}
	})
}
