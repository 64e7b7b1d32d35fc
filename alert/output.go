package alert

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

// IsTerminal reports whether w is a character device (a terminal), the
// condition for colored output. NO_COLOR in the environment turns color off.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
)

func severityColor(sev string) string {
	switch sev {
	case "High":
		return "\x1b[1;31m"
	case "Medium":
		return "\x1b[33m"
	case "Low":
		return "\x1b[36m"
	}
	return ansiDim
}

// maxEntitiesCell bounds the entities column of the table.
const maxEntitiesCell = 60

// EntitySummary is a short text listing an alert's entity labels, cut to
// about max characters with a "+N more" tail.
func EntitySummary(a *Alert, max int) string {
	var parts []string
	for i := range a.EntityList {
		if l := a.EntityList[i].Label(); l != "" {
			parts = append(parts, l)
		}
	}
	out := ""
	for i, p := range parts {
		next := out
		if i > 0 {
			next += ", "
		}
		next += p
		if utf8.RuneCountInString(next) > max && i > 0 {
			return out + fmt.Sprintf(" +%d more", len(parts)-i)
		}
		out = next
	}
	return out
}

// WriteTable writes alerts as an aligned table (severity, time, rule,
// entities, and tags when any alert has some), colored when w is a
// terminal. Trailing blanks are trimmed.
func WriteTable(w io.Writer, alerts []*Alert) error {
	return writeTable(w, alerts, IsTerminal(w))
}

func writeTable(w io.Writer, alerts []*Alert, color bool) error {
	bw := bufio.NewWriter(w)
	header := []string{"SEVERITY", "TIME", "RULE", "ENTITIES"}
	tags, supp := false, false
	for _, a := range alerts {
		tags = tags || len(a.Tags) > 0
		supp = supp || a.SuppressedBy != ""
	}
	if tags {
		header = append(header, "TAGS")
	}
	if supp {
		header = append(header, "SUPPRESSED")
	}
	rows := make([][]string, 0, len(alerts))
	for _, a := range alerts {
		t := a.TimeGenerated.UTC().Format("2006-01-02 15:04:05Z")
		row := []string{a.AlertSeverity, t, a.AlertName, EntitySummary(a, maxEntitiesCell)}
		if tags {
			row = append(row, strings.Join(a.Tags, ","))
		}
		if supp {
			row = append(row, a.SuppressedBy)
		}
		rows = append(rows, row)
	}
	width := make([]int, len(header))
	for i, h := range header {
		width[i] = len(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if n := utf8.RuneCountInString(c); n > width[i] {
				width[i] = n
			}
		}
	}
	line := func(cells []string, style func(i int, padded string) string) {
		for i, c := range cells {
			pad := c
			if i < len(cells)-1 {
				pad = c + strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)) + "  "
			}
			if i == len(cells)-1 || strings.TrimSpace(strings.Join(cells[i+1:], "")) != "" {
				bw.WriteString(style(i, pad))
			} else {
				bw.WriteString(style(i, c))
				break
			}
		}
		bw.WriteByte('\n')
	}
	line(header, func(_ int, s string) string {
		if color {
			return ansiBold + s + ansiReset
		}
		return s
	})
	for _, r := range rows {
		sev := r[0]
		line(r, func(i int, s string) string {
			if color && i == 0 {
				// Color the word, not the padding.
				return severityColor(sev) + sev + ansiReset + s[len(sev):]
			}
			return s
		})
	}
	fmt.Fprintf(bw, "%d alert(s)\n", len(alerts))
	return bw.Flush()
}

// Report is the JSON output document: run metadata, the raised alerts and,
// separately, the suppressed ones.
type Report struct {
	Metadata   ReportMetadata
	Alerts     []*Alert
	Suppressed []*Alert
}

// ReportMetadata describes the run that produced a Report.
type ReportMetadata struct {
	Tool      string     `json:"tool"`
	Version   string     `json:"version,omitempty"`
	Workspace string     `json:"workspace,omitempty"`
	From      *time.Time `json:"from,omitempty"`
	To        *time.Time `json:"to,omitempty"`
	Rules     []RuleRun  `json:"rules,omitempty"`
}

// RuleRun is the per-rule part of the report metadata.
type RuleRun struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	File       string   `json:"file,omitempty"`
	Runs       int      `json:"runs"`
	Alerts     int      `json:"alerts"`
	Suppressed int      `json:"suppressed"`
	Defaults   []string `json:"defaults,omitempty"`
}

// WriteJSON writes the report as one indented JSON document:
// {"metadata": ..., "alerts": [...], "suppressed": [...]}, each alert an
// Envelope (the SecurityAlert object plus kqlhunt's data beside it).
func WriteJSON(w io.Writer, rep *Report) error {
	type doc struct {
		Metadata   ReportMetadata `json:"metadata"`
		Alerts     []Envelope     `json:"alerts"`
		Suppressed []Envelope     `json:"suppressed"`
	}
	d := doc{Metadata: rep.Metadata, Alerts: []Envelope{}, Suppressed: []Envelope{}}
	if d.Metadata.Tool == "" {
		d.Metadata.Tool = "kqlhunt"
	}
	for _, a := range rep.Alerts {
		d.Alerts = append(d.Alerts, a.Envelope())
	}
	for _, a := range rep.Suppressed {
		d.Suppressed = append(d.Suppressed, a.Envelope())
	}
	if err := writeIndentedJSON(w, d); err != nil {
		return fmt.Errorf("writing JSON report: %w", err)
	}
	return nil
}

// writeIndentedJSON writes v as JSON indented by two spaces, leaving <, >
// and & unescaped.
func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteJSONL writes one SecurityAlert JSON object per line.
func WriteJSONL(w io.Writer, alerts []*Alert) error {
	bw := bufio.NewWriter(w)
	for _, a := range alerts {
		b, err := a.SecurityAlert.MarshalJSON()
		if err != nil {
			return fmt.Errorf("writing alert %s: %w", a.SystemAlertId, err)
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// WriteCSV writes the alerts as CSV with the SecurityAlert columns as the
// header.
func WriteCSV(w io.Writer, alerts []*Alert) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	for _, a := range alerts {
		if err := cw.Write(a.Values()); err != nil {
			return fmt.Errorf("writing CSV: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}
