package source

import (
	"fmt"
	"sort"
	"strings"
)

// Skip reasons recorded in Report.Skipped.
const (
	ReasonInvalidJSON   = "invalid-json"   // a line or record is not valid JSON
	ReasonNotObject     = "not-an-object"  // a record is JSON but not an object
	ReasonTooLong       = "too-long"       // a line or record exceeds Options.MaxRecordBytes
	ReasonBadTime       = "bad-time"       // the event time is missing or unparseable
	ReasonBadValue      = "bad-value"      // a column value cannot be converted (e.g. a bad datetime)
	ReasonBadRow        = "bad-row"        // a CSV or table row does not match its header
	ReasonNoRecords     = "no-records"     // a JSON document holds no records/value/tables array
	ReasonFileError     = "file-error"     // reading stopped early (truncated gzip, I/O error, broken document)
	ReasonUnknownFormat = "unknown-format" // a file's content matches no known shape (binary, other text)
)

// fileLevel marks the reasons that concern a whole file (or its rest)
// rather than one record.
var fileLevel = map[string]bool{ReasonFileError: true, ReasonUnknownFormat: true}

// Diagnostic locates one skipped record.
type Diagnostic struct {
	File   string // file path ("-" for standard input)
	Line   int    // 1-based line (line-oriented shapes and CSV), or 0
	Record int    // 1-based record index within the file (document shapes), or 0
	Reason string // one of the Reason constants
	Detail string // human-readable cause
}

// String formats d as "file:line: reason: detail".
func (d Diagnostic) String() string {
	loc := d.File
	switch {
	case d.Line > 0:
		loc = fmt.Sprintf("%s:%d", d.File, d.Line)
	case d.Record > 0:
		loc = fmt.Sprintf("%s: record %d", d.File, d.Record)
	}
	if d.Detail == "" {
		return fmt.Sprintf("%s: %s", loc, d.Reason)
	}
	return fmt.Sprintf("%s: %s: %s", loc, d.Reason, d.Detail)
}

// Report counts what a Read did.
type Report struct {
	Files       int            // files opened
	Formats     map[string]int // files per detected shape
	Read        int            // records decoded from input (loaded + skipped + set aside + duplicates)
	Loaded      int            // records passed to the callback
	Skipped     map[string]int // skipped records per reason (file-error and unknown-format count files)
	Examples    map[string][]Diagnostic
	NonActivity map[string]int // events of other categories set aside, per category
	Duplicates  int            // duplicate events removed

	maxExamples int
}

func newReport(maxExamples int) *Report {
	if maxExamples <= 0 {
		maxExamples = 5
	}
	return &Report{
		Formats:     map[string]int{},
		Skipped:     map[string]int{},
		Examples:    map[string][]Diagnostic{},
		NonActivity: map[string]int{},
		maxExamples: maxExamples,
	}
}

func (r *Report) skip(d Diagnostic) {
	r.Skipped[d.Reason]++
	if len(r.Examples[d.Reason]) < r.maxExamples {
		r.Examples[d.Reason] = append(r.Examples[d.Reason], d)
	}
}

// TotalSkipped returns the number of skipped records over all reasons.
func (r *Report) TotalSkipped() int {
	n := 0
	for _, c := range r.Skipped {
		n += c
	}
	return n
}

// TotalNonActivity returns the number of events set aside.
func (r *Report) TotalNonActivity() int {
	n := 0
	for _, c := range r.NonActivity {
		n += c
	}
	return n
}

// Summary returns a multi-line human-readable summary for standard error.
func (r *Report) Summary() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "read %d record(s) from %d file(s)", r.Read, r.Files)
	if len(r.Formats) > 0 {
		sb.WriteString(" (")
		for i, k := range sortedKeys(r.Formats) {
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "%s: %d", k, r.Formats[k])
		}
		sb.WriteString(")")
	}
	fmt.Fprintf(&sb, "\nloaded %d AzureActivity row(s)\n", r.Loaded)
	if r.Duplicates > 0 {
		fmt.Fprintf(&sb, "removed %d duplicate event(s)\n", r.Duplicates)
	}
	if n := r.TotalNonActivity(); n > 0 {
		fmt.Fprintf(&sb, "set aside %d event(s) of other categories:", n)
		for _, k := range sortedKeys(r.NonActivity) {
			fmt.Fprintf(&sb, " %s=%d", k, r.NonActivity[k])
		}
		sb.WriteString("\n")
	}
	var recReasons, fileReasons []string
	nRec, nFile := 0, 0
	for _, k := range sortedKeys(r.Skipped) {
		if fileLevel[k] {
			fileReasons = append(fileReasons, k)
			nFile += r.Skipped[k]
		} else {
			recReasons = append(recReasons, k)
			nRec += r.Skipped[k]
		}
	}
	section := func(title string, n int, reasons []string) {
		if n == 0 {
			return
		}
		fmt.Fprintf(&sb, title, n)
		for _, k := range reasons {
			fmt.Fprintf(&sb, "  %s: %d\n", k, r.Skipped[k])
			for _, d := range r.Examples[k] {
				fmt.Fprintf(&sb, "    %s\n", d)
			}
		}
	}
	section("skipped %d record(s):\n", nRec, recReasons)
	section("%d file problem(s):\n", nFile, fileReasons)
	return sb.String()
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
