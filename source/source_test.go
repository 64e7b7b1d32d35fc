package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"kqlhunt/activity"
)

// line builds a minimal diagnostic record.
func line(corr, op, status, tm string) string {
	return `{"time":"` + tm + `","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG1/PROVIDERS/MICROSOFT.STORAGE/STORAGEACCOUNTS/SA1","operationName":"` + op +
		`","category":"Administrative","resultType":"` + status + `","correlationId":"` + corr + `","identity":{"claims":{"upn":"u@example.com"}},"level":"Information","properties":{"eventCategory":"Administrative"}}`
}

func readString(t *testing.T, name, data string, opts Options) ([]*activity.Record, *Report, error) {
	t.Helper()
	var recs []*activity.Record
	rep, err := ReadReader(context.Background(), name, strings.NewReader(data), opts, func(r *activity.Record) error {
		recs = append(recs, r)
		return nil
	})
	return recs, rep, err
}

func TestDetect(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"records":[]}`, FormatEventHub},
		{"  \n{ \"records\" : [", FormatEventHub},
		{`{"tables":[{"name":"PrimaryResult"`, FormatLogAnalytics},
		{`{"value":[],"nextLink":null}`, FormatREST},
		{`[{"eventTimestamp":"x","operationName":{"value":"a"}}]`, FormatREST},
		{`[]`, FormatREST},
		{`[{"TimeGenerated":"2021-01-01T00:00:00Z","Caller":"x"}]`, FormatRows},
		{`{"TimeGenerated":"2021-01-01T00:00:00Z","OperationNameValue":"x"}` + "\n", FormatRows},
		{line("c", "op", "Success", "2021-01-01T00:00:00Z") + "\n", FormatStorage},
		{`{"time":"2021-01-01T00:00:00Z","properties":{"TimeGenerated":"nested, not a column"}}`, FormatStorage},
		{"TimeGenerated [UTC],OperationNameValue,Caller\n", FormatCSV},
		{"\"OperationName\",\"Level\"\r\n", FormatCSV},
		{"", ""},
		{"   \n\t", ""},
		{"hello world", ""},
		{"a,b,c\n1,2,3\n", ""},
		{"\x00\x01\x02binary\xff", ""},
		{"PK\x03\x04\x14\x00", ""},
	}
	for _, c := range cases {
		if got, why := Detect([]byte(c.in)); got != c.want {
			t.Errorf("Detect(%q) = %q (%s), want %q", c.in, got, why, c.want)
		}
	}
}

func TestEmptyAndBlankFiles(t *testing.T) {
	for _, in := range []string{"", "\n\n  \n", "\xEF\xBB\xBF"} {
		recs, rep, err := readString(t, "empty", in, Options{})
		if err != nil || len(recs) != 0 || rep.TotalSkipped() != 0 || rep.Read != 0 {
			t.Errorf("%q: err=%v recs=%d\n%s", in, err, len(recs), rep.Summary())
		}
	}
	// An empty file with a forced format is fine too.
	for _, f := range Formats {
		recs, rep, err := readString(t, "empty", "", Options{Format: f})
		if err != nil || len(recs) != 0 || rep.TotalSkipped() != 0 {
			t.Errorf("format %s: err=%v recs=%d\n%s", f, err, len(recs), rep.Summary())
		}
	}
}

func TestBinaryFile(t *testing.T) {
	data := "\x00\x01\x02\x03\xff\xfe garbage \x00"
	recs, rep, err := readString(t, "bin", data, Options{})
	if err != nil || len(recs) != 0 || rep.Skipped[ReasonUnknownFormat] != 1 {
		t.Fatalf("err=%v recs=%d\n%s", err, len(recs), rep.Summary())
	}
	if d := rep.Examples[ReasonUnknownFormat][0]; d.File != "bin" || !strings.Contains(d.Detail, "binary") {
		t.Errorf("diagnostic = %+v", d)
	}
	// Forced as storage: every line is invalid JSON, nothing crashes.
	_, rep, err = readString(t, "bin", data, Options{Format: FormatStorage})
	if err != nil || rep.Skipped[ReasonInvalidJSON] != 1 {
		t.Errorf("forced storage: err=%v\n%s", err, rep.Summary())
	}
	// Strict mode turns the skip into an error.
	_, _, err = readString(t, "bin", data, Options{Strict: true})
	if !errors.Is(err, ErrStrict) {
		t.Errorf("strict: err = %v", err)
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGzip(t *testing.T) {
	var sb strings.Builder
	for i := 0; i < 2000; i++ {
		sb.WriteString(line("corr-"+itoa(i), "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "Success", "2026-08-12T15:11:47Z"))
		sb.WriteString("\n")
	}
	z := gz(t, sb.String())
	recs, rep, err := readString(t, "x.json.gz", string(z), Options{})
	if err != nil || len(recs) != 2000 || rep.Formats[FormatStorage] != 1 {
		t.Fatalf("err=%v recs=%d\n%s", err, len(recs), rep.Summary())
	}
	// Truncated: records before the cut are kept and the file error is
	// reported.
	cut := z[:len(z)/2]
	recs, rep, err = readString(t, "cut.json.gz", string(cut), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || len(recs) >= 2000 || rep.Skipped[ReasonFileError] != 1 {
		t.Fatalf("truncated: recs=%d\n%s", len(recs), rep.Summary())
	}
	if d := rep.Examples[ReasonFileError][0]; !strings.Contains(d.Detail, "unexpected EOF") || d.File != "cut.json.gz" {
		t.Errorf("diagnostic = %+v", d)
	}
	for i, r := range recs {
		if r.CorrelationId != "corr-"+itoa(i) {
			t.Fatalf("record %d = %s", i, r.CorrelationId)
		}
	}
	// A small truncated file: the lines before the cut still load.
	small := gz(t, line("s1", "op/a", "Success", "2026-08-12T15:11:47Z")+"\n"+line("s2", "op/a", "Success", "2026-08-12T15:11:47Z")+"\n"+strings.Repeat(" ", 5000))
	recs, rep, err = readString(t, "small.gz", string(small[:len(small)-12]), Options{})
	if err != nil || len(recs) != 2 || rep.Skipped[ReasonFileError] != 1 {
		t.Errorf("small truncated: err=%v recs=%d\n%s", err, len(recs), rep.Summary())
	}
	// Truncated inside the header.
	_, rep, err = readString(t, "hdr.gz", string(z[:5]), Options{})
	if err != nil || rep.Skipped[ReasonFileError] != 1 {
		t.Errorf("header cut: err=%v\n%s", err, rep.Summary())
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// repeatReader yields n copies of byte c without holding them in memory.
type repeatReader struct {
	c byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := int64(len(p))
	if k > r.n {
		k = r.n
	}
	for i := range p[:k] {
		p[i] = r.c
	}
	r.n -= k
	return int(k), nil
}

func TestLongLineStreams(t *testing.T) {
	const size = 64 << 20
	good := line("before", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "Success", "2026-08-12T15:11:47Z") + "\n"
	good2 := line("after", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "Success", "2026-08-12T15:11:47Z") + "\n"
	for _, format := range []string{FormatStorage, FormatRows, FormatAuto} {
		var n int
		in := io.MultiReader(strings.NewReader(good), &repeatReader{c: 'a', n: size}, strings.NewReader("\n"+good2))
		rep, err := ReadReader(context.Background(), "long", in, Options{Format: format, MaxRecordBytes: 1 << 20}, func(*activity.Record) error {
			n++
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if format == FormatRows {
			// Rows decoding of diagnostic records: no TimeGenerated.
			if rep.Skipped[ReasonTooLong] != 1 || rep.Skipped[ReasonBadTime] != 2 {
				t.Errorf("%s:\n%s", format, rep.Summary())
			}
			continue
		}
		if n != 2 || rep.Skipped[ReasonTooLong] != 1 {
			t.Errorf("%s: n=%d\n%s", format, n, rep.Summary())
		}
		if d := rep.Examples[ReasonTooLong][0]; d.Line != 2 {
			t.Errorf("%s: too-long diagnostic = %+v", format, d)
		}
	}
	// A long line with no newline at all, in every shape.
	for _, format := range Formats {
		rep, err := ReadReader(context.Background(), "nolf", &repeatReader{c: 'a', n: size}, Options{Format: format, MaxRecordBytes: 1 << 20}, func(*activity.Record) error { return nil })
		if err != nil || rep.Loaded != 0 || rep.TotalSkipped() == 0 {
			t.Errorf("%s: err=%v\n%s", format, err, rep.Summary())
		}
	}
	// A huge JSON document record is stopped at the limit, not buffered.
	big := io.MultiReader(strings.NewReader(`{"records":[{"time":"`), &repeatReader{c: 'a', n: size}, strings.NewReader(`"}]}`))
	rep, err := ReadReader(context.Background(), "bigdoc", big, Options{MaxRecordBytes: 1 << 20}, func(*activity.Record) error { return nil })
	if err != nil || rep.Skipped[ReasonTooLong] != 1 {
		t.Errorf("big document: err=%v\n%s", err, rep.Summary())
	}
	// CSV cell.
	bigCSV := io.MultiReader(strings.NewReader("TimeGenerated,Caller\n2021-01-01T00:00:00Z,\""), &repeatReader{c: 'a', n: size}, strings.NewReader("\"\n"))
	rep, err = ReadReader(context.Background(), "big.csv", bigCSV, Options{MaxRecordBytes: 1 << 20}, func(*activity.Record) error { return nil })
	if err != nil || rep.Skipped[ReasonTooLong] != 1 {
		t.Errorf("big csv: err=%v\n%s", err, rep.Summary())
	}
}

func TestSkipReasons(t *testing.T) {
	ok := line("c1", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "Success", "2026-08-12T15:11:47Z")
	cases := []struct {
		name, format, data, reason string
		line, record               int
	}{
		{"invalid-json", FormatStorage, ok + "\n{\"time\": \n", ReasonInvalidJSON, 2, 0},
		{"not-object", FormatStorage, ok + "\n[1,2]\n", ReasonNotObject, 2, 0},
		{"no-time", FormatStorage, ok + "\n" + `{"operationName":"x"}` + "\n", ReasonBadTime, 2, 0},
		{"bad-time", FormatStorage, ok + "\n" + `{"time":"tomorrow"}` + "\n", ReasonBadTime, 2, 0},
		{"bad-value", FormatRows, `{"TimeGenerated":"2021-01-01T00:00:00Z"}` + "\n" + `{"TimeGenerated":"2021-01-01T00:00:00Z","EventSubmissionTimestamp":"soon"}`, ReasonBadValue, 2, 0},
		{"rows-bad-time", FormatRows, `{"TimeGenerated":"2021-01-01T00:00:00Z"}` + "\n" + `{"Caller":"x"}`, ReasonBadTime, 2, 0},
		{"csv-bad-row", FormatCSV, "TimeGenerated,Caller\n2021-01-01T00:00:00Z,a\n2021-01-01T00:00:00Z,a,extra\n", ReasonBadRow, 3, 0},
		{"csv-bad-quote", FormatCSV, "TimeGenerated,Caller\n2021-01-01T00:00:00Z,a\n2021-01-01T00:00:00Z,a\"b\n", ReasonBadRow, 3, 0},
		{"la-bad-row", FormatLogAnalytics, `{"tables":[{"name":"t","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"Caller","type":"string"}],"rows":[["2021-01-01T00:00:00Z","a"],["2021-01-01T00:00:00Z"]]}]}`, ReasonBadRow, 0, 2},
		{"eh-not-object", FormatEventHub, `{"records":[` + ok + `,"oops"]}`, ReasonNotObject, 0, 2},
		{"eh-no-records", FormatEventHub, `{"records":[` + ok + `]}{"other":1}`, ReasonNoRecords, 0, 2},
		{"eh-broken", FormatEventHub, `{"records":[` + ok + `,{"time":`, ReasonFileError, 0, 0},
		{"too-long", FormatStorage, ok + "\n" + strings.Repeat(" ", 3000) + "{}\n", ReasonTooLong, 2, 0},
		{"unknown", FormatAuto, "just some words\n", ReasonUnknownFormat, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs, rep, err := readString(t, c.name+".in", c.data, Options{Format: c.format, MaxRecordBytes: 2048})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Skipped[c.reason] != 1 || rep.TotalSkipped() != 1 {
				t.Fatalf("skips = %v, want one %s\n%s", rep.Skipped, c.reason, rep.Summary())
			}
			if c.reason != ReasonUnknownFormat && len(recs) != 1 {
				t.Errorf("loaded %d records, want the 1 good one", len(recs))
			}
			d := rep.Examples[c.reason][0]
			if d.File != c.name+".in" || d.Line != c.line || d.Record != c.record || d.Detail == "" {
				t.Errorf("diagnostic = %+v, want line %d record %d", d, c.line, c.record)
			}
			if !strings.Contains(rep.Summary(), c.reason) {
				t.Errorf("summary lacks %s:\n%s", c.reason, rep.Summary())
			}
			_, _, err = readString(t, c.name, c.data, Options{Format: c.format, MaxRecordBytes: 2048, Strict: true})
			if !errors.Is(err, ErrStrict) {
				t.Errorf("strict: err = %v", err)
			}
		})
	}
}

func TestNonActivityAndDedupe(t *testing.T) {
	a := line("c1", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "Success", "2026-08-12T15:11:47Z")
	b := line("c2", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "Success", "2026-08-12T15:11:48Z")
	signin := `{"time":"2026-08-12T15:11:47Z","category":"NonInteractiveUserSignInLogs","operationName":"Sign-in activity","identity":"Example User","properties":{"id":"x"}}`
	health := `{"time":"2026-08-12T15:11:47Z","category":"ResourceHealth","operationName":"Microsoft.Resourcehealth/healthevent/Updated/action","resultType":"Updated","properties":{"eventCategory":"ResourceHealth"}}`
	// The subscription and management-group settings export the same
	// records; the Event Hubs copy repeats a.
	data := a + "\n" + b + "\n" + signin + "\n" + a + "\n" + health + "\n" + b + "\n"
	recs, rep, err := readString(t, "mixed", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || rep.Duplicates != 2 || rep.NonActivity["NonInteractiveUserSignInLogs"] != 1 || rep.Read != 6 || rep.Loaded != 3 {
		t.Fatalf("recs=%d\n%s", len(recs), rep.Summary())
	}
	if recs[2].CategoryValue != "ResourceHealth" || recs[2].ActivityStatusValue != "Updated" {
		t.Errorf("health event = %+v", recs[2])
	}
	if !strings.Contains(rep.Summary(), "removed 2 duplicate") || !strings.Contains(rep.Summary(), "NonInteractiveUserSignInLogs=1") {
		t.Errorf("summary:\n%s", rep.Summary())
	}
	recs, rep, _ = readString(t, "mixed", data, Options{NoDedupe: true})
	if len(recs) != 5 || rep.Duplicates != 0 {
		t.Errorf("NoDedupe: recs=%d\n%s", len(recs), rep.Summary())
	}
	// REST events dedupe by eventDataId even when the other fields differ.
	rest := `[{"eventDataId":"E1","eventTimestamp":"2026-08-12T15:11:47Z","status":{"value":"Started"}},{"eventDataId":"e1","eventTimestamp":"2026-08-12T15:11:49Z","status":{"value":"Succeeded"}},{"eventDataId":"E2","eventTimestamp":"2026-08-12T15:11:47Z"}]`
	recs, rep, _ = readString(t, "rest", rest, Options{})
	if len(recs) != 2 || rep.Duplicates != 1 {
		t.Errorf("rest dedupe: recs=%d\n%s", len(recs), rep.Summary())
	}
	// Rows of another table in a CSV are set aside.
	csvData := "$table,TimeGenerated [UTC],Caller\nAzureActivity,2021-01-01T00:00:00Z,a\nSigninLogs,2021-01-01T00:00:00Z,b\n"
	recs, rep, _ = readString(t, "t.csv", csvData, Options{})
	if len(recs) != 1 || rep.NonActivity["SigninLogs"] != 1 {
		t.Errorf("csv tables: recs=%d\n%s", len(recs), rep.Summary())
	}
}

func TestPropertiesShapesAndOddValues(t *testing.T) {
	base := `"time":"1/9/2007 10:41:00 AM +01:00","operationName":"Microsoft.Web/sites/write","resultType":"Success","durationMs":%s,"Level":"4"`
	cases := []struct {
		dur, props, wantProps, wantDyn string
	}{
		{`"61"`, `{"eventCategory":"Administrative","a":1}`, `{"eventCategory":"Administrative","a":1}`, `{"eventCategory":"Administrative","a":1}`},
		{`61`, `"{\"eventCategory\":\"Policy\",\"b\":[1,2]}"`, `{"eventCategory":"Policy","b":[1,2]}`, `{"eventCategory":"Policy","b":[1,2]}`},
		{`0`, `"just text"`, `just text`, `"just text"`},
		{`null`, `[1,{"x":"y"}]`, `[1,{"x":"y"}]`, `[1,{"x":"y"}]`},
		{`1.5`, `null`, ``, `null`},
	}
	for _, c := range cases {
		data := "{" + strings.Replace(base, "%s", c.dur, 1) + `,"properties":` + c.props + "}\n"
		recs, rep, err := readString(t, "p", data, Options{Format: FormatStorage})
		if err != nil || len(recs) != 1 {
			t.Fatalf("%s: err=%v\n%s", c.props, err, rep.Summary())
		}
		r := recs[0]
		if r.Properties != c.wantProps {
			t.Errorf("%s: Properties = %q, want %q", c.props, r.Properties, c.wantProps)
		}
		if got := formatDyn(r.PropertiesD); got != c.wantDyn {
			t.Errorf("%s: Properties_d = %s, want %s", c.props, got, c.wantDyn)
		}
		if want := time.Date(2007, 1, 9, 9, 41, 0, 0, time.UTC).UnixNano() / 100; r.Level != "Informational" || r.TimeGenerated != want {
			t.Errorf("%s: level %q time %d", c.props, r.Level, r.TimeGenerated)
		}
	}
	recs, _, _ := readString(t, "p", "{"+strings.Replace(base, "%s", "0", 1)+`,"properties":"{\"eventCategory\":\"Policy\"}"}`, Options{})
	if len(recs) != 1 || recs[0].CategoryValue != "Policy" {
		t.Errorf("eventCategory inside a JSON string: %+v", recs)
	}
}

func TestWalkGlobAndCancel(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "insights-activity-logs", "resourceId=", "SUBSCRIPTIONS", "S1", "y=2026", "m=08", "d=12")
	for h := 0; h < 3; h++ {
		p := filepath.Join(tree, fmt.Sprintf("h=%02d", h), "m=00")
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		data := line("c"+itoa(h), "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "Success", fmt.Sprintf("2026-08-12T%02d:00:00Z", h)) + "\n"
		if err := os.WriteFile(filepath.Join(p, "PT1H.json"), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(tree, ".hidden.json"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, rep := loadAll(t, filepath.Join(dir, "insights-activity-logs"), Options{})
	if len(recs) != 3 || rep.Files != 3 {
		t.Errorf("walk: recs=%d\n%s", len(recs), rep.Summary())
	}
	recs, rep = loadAll(t, filepath.Join(tree, "h=0*", "m=00", "PT1H.json"), Options{})
	if len(recs) != 3 || rep.Files != 3 {
		t.Errorf("glob: recs=%d\n%s", len(recs), rep.Summary())
	}
	if _, err := Read(context.Background(), []string{filepath.Join(dir, "nope*.json")}, Options{}, func(*activity.Record) error { return nil }); err == nil {
		t.Error("a glob matching nothing should fail")
	}
	if _, err := Read(context.Background(), []string{t.TempDir()}, Options{}, func(*activity.Record) error { return nil }); err == nil || !strings.Contains(err.Error(), "no data files") {
		t.Errorf("empty directory: %v", err)
	}
	if _, err := Read(context.Background(), []string{filepath.Join(dir, "missing.json")}, Options{}, func(*activity.Record) error { return nil }); err == nil {
		t.Error("a missing file should fail")
	}
	if _, err := Read(context.Background(), []string{dir}, Options{Format: "xml"}, func(*activity.Record) error { return nil }); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("bad format: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, []string{dir}, Options{}, func(*activity.Record) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	// Cancellation in the middle of a long file.
	var sb strings.Builder
	for i := 0; i < 5000; i++ {
		sb.WriteString(line("k"+itoa(i), "op/x", "Success", "2026-08-12T15:11:47Z") + "\n")
	}
	ctx, cancel = context.WithCancel(context.Background())
	n := 0
	_, err := ReadReader(ctx, "long", strings.NewReader(sb.String()), Options{}, func(*activity.Record) error {
		n++
		if n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= 5000 {
		t.Errorf("mid-file cancel: err=%v n=%d", err, n)
	}
	// A callback error stops the read and is returned.
	boom := errors.New("boom")
	_, err = ReadReader(context.Background(), "long", strings.NewReader(sb.String()), Options{}, func(*activity.Record) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("callback error: %v", err)
	}
}

func formatDyn(v any) string { return compactDyn(v) }

// TestTimeFormatsAndOddRecords feeds storage lines with the time forms and
// odd records seen in public diagnostic-log test data.
func TestTimeFormatsAndOddRecords(t *testing.T) {
	base := time.Date(2007, 1, 9, 9, 41, 0, 0, time.UTC)
	cases := []struct {
		tm   string
		frac time.Duration
	}{
		{"01/09/2007 09:41:00", 0},
		{"1/9/2007 09:41:00", 0},
		{"01/09/2007 09:41:00 AM", 0},
		{"1/9/2007 9:41:00 AM", 0},
		{"1/9/2007 10:41:00 AM +01:00", 0},
		{"2007-01-09T09:41:00", 0},
		{"2007-01-09T09:41:00.22Z", 220 * time.Millisecond},
		{"2007-01-09T09:41:00.6816663Z", 681666300},
		{"2007-01-09T09:41:00.535404056Z", 535404000},
		{"2007-01-09T09:41:00.992099+00:00", 992099000},
		{"2007-01-09T11:41:00+02:00", 0},
	}
	var sb strings.Builder
	for i, c := range cases {
		fmt.Fprintf(&sb, `{"time": %q, "category": "Administrative", "correlationId": "c%d"}`+"\n", c.tm, i)
	}
	// A ResourceHealth event with a numeric Level, and a sign-in record.
	sb.WriteString(`{"category":"ResourceHealth","Level":4,"operationName":"Microsoft.Resourcehealth/healthevent/Updated/action","properties":{"eventCategory":"ResourceHealth","eventProperties":{"cause":"PlatformInitiated"}},"resourceId":"/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.domainRegistration","resultType":"Updated","time":"2021-05-25T22:04:07.22Z"}` + "\n")
	sb.WriteString(`{"Level":4,"category":"NonInteractiveUserSignInLogs","identity":"Some User","operationName":"Sign-in activity","properties":{"status":{"errorCode":0}},"resultType":"0","time":"2022-03-22T10:48:48.8558814Z"}` + "\n")
	recs, rep, err := readString(t, "odd", sb.String(), Options{})
	if err != nil || len(recs) != len(cases)+1 || rep.NonActivity["NonInteractiveUserSignInLogs"] != 1 {
		t.Fatalf("err=%v recs=%d\n%s", err, len(recs), rep.Summary())
	}
	for i, c := range cases {
		if want := base.Add(c.frac).UnixNano() / 100; recs[i].TimeGenerated != want {
			t.Errorf("%q: ticks %d, want %d", c.tm, recs[i].TimeGenerated, want)
		}
	}
	h := recs[len(cases)]
	if h.Level != "Informational" || h.CategoryValue != "ResourceHealth" || h.SubscriptionId != "00000000-0000-0000-0000-000000000000" || h.ResourceGroup != "" || h.Resource != "Microsoft.domainRegistration" || h.ResourceProviderValue != "Microsoft.Resourcehealth" {
		t.Errorf("health record = %+v", h)
	}
}

// TestParallelLinesMatchSequential decodes the same mixed input with one
// and with several workers: records, order and report must be identical,
// and an early stop must not leave goroutines behind.
func TestParallelLinesMatchSequential(t *testing.T) {
	var sb strings.Builder
	for i := 0; i < 7000; i++ {
		switch {
		case i%997 == 0:
			sb.WriteString("{not json\n")
		case i%1500 == 0:
			sb.WriteString(strings.Repeat("x", 5000) + "\n")
		case i%700 == 0:
			sb.WriteString("\n   \n")
		default:
			sb.WriteString(line(fmt.Sprintf("c%d", i%6500), "op/x", "Success", "2026-08-12T15:11:47Z") + "\n")
		}
	}
	data := sb.String()
	var ref []string
	var refRep *Report
	for _, workers := range []int{1, 2, 5} {
		var got []string
		rep, err := ReadReader(context.Background(), "mixed", strings.NewReader(data), Options{Workers: workers, MaxRecordBytes: 4096}, func(r *activity.Record) error {
			got = append(got, r.CorrelationId)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if workers == 1 {
			ref, refRep = got, rep
			if rep.Skipped[ReasonInvalidJSON] == 0 || rep.Skipped[ReasonTooLong] == 0 || rep.Duplicates == 0 {
				t.Fatalf("input lacks the intended problems:\n%s", rep.Summary())
			}
			continue
		}
		if strings.Join(got, ",") != strings.Join(ref, ",") || rep.Summary() != refRep.Summary() {
			t.Errorf("workers=%d differ from sequential:\n%s\nvs\n%s", workers, rep.Summary(), refRep.Summary())
		}
	}
	before := runtime.NumGoroutine()
	n := 0
	_, err := ReadReader(context.Background(), "mixed", strings.NewReader(data), Options{Workers: 4, Strict: true}, func(*activity.Record) error {
		n++
		return nil
	})
	if !errors.Is(err, ErrStrict) || n != 0 {
		t.Errorf("strict: err=%v n=%d", err, n)
	}
	for i := 0; i < 100 && runtime.NumGoroutine() > before; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before {
		t.Errorf("%d goroutines after an early stop, %d before", g, before)
	}
}

func TestSummaryText(t *testing.T) {
	a := line("c1", "op/x", "Success", "2026-08-12T15:11:47Z")
	data := a + "\n" + a + "\n{bad\n" + `{"time":"2026-08-12T15:11:47Z","category":"SignInLogs","identity":"x"}` + "\n" + `{"time":"later"}` + "\n"
	_, rep, err := readString(t, "in.json", data, Options{MaxExamples: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := `read 5 record(s) from 1 file(s) (storage: 1)
loaded 1 AzureActivity row(s)
removed 1 duplicate event(s)
set aside 1 event(s) of other categories: SignInLogs=1
skipped 2 record(s):
  bad-time: 1
    in.json:5: bad-time: unparseable time "later"
  invalid-json: 1
    in.json:3: invalid-json: invalid JSON at offset 1: expected a property name
`
	if got := rep.Summary(); got != want {
		t.Errorf("Summary:\n%s\nwant:\n%s", got, want)
	}
}
