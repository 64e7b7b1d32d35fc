package alert

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// WriteSummaryTable writes one aligned row per rule: runs, runs that
// fired, skipped (suppressed) runs, alerts, suppressed alerts, distinct
// entities and estimated incidents.
func WriteSummaryTable(w io.Writer, sums []Summary) error {
	bw := bufio.NewWriter(w)
	header := []string{"RULE", "FREQ", "PERIOD", "RUNS", "FIRED", "SKIPPED", "ALERTS", "SUPPRESSED", "ENTITIES", "INCIDENTS"}
	rows := [][]string{header}
	for _, s := range sums {
		name := s.RuleName
		if name == "" {
			name = s.RuleID
		}
		rows = append(rows, []string{
			name, shortDuration(s.Frequency), shortDuration(s.Period),
			fmt.Sprint(s.Runs), fmt.Sprint(s.RunsFired), fmt.Sprint(s.Skipped),
			fmt.Sprint(s.Alerts), fmt.Sprint(s.Suppressed), fmt.Sprint(s.DistinctEntities),
			fmt.Sprint(s.Incidents),
		})
	}
	width := make([]int, len(header))
	for _, r := range rows {
		for i, c := range r {
			if n := utf8.RuneCountInString(c); n > width[i] {
				width[i] = n
			}
		}
	}
	for _, r := range rows {
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			switch {
			case i == 0:
				bw.WriteString(c + pad)
			default:
				bw.WriteString("  " + pad + c) // numbers right-aligned
			}
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// shortDuration prints 1d, 5h, 30m, 1d12h style durations.
func shortDuration(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	var sb strings.Builder
	if days := d / (24 * time.Hour); days > 0 {
		fmt.Fprintf(&sb, "%dd", days)
		d -= days * 24 * time.Hour
	}
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&sb, "%dh", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		fmt.Fprintf(&sb, "%dm", m)
		d -= m * time.Minute
	}
	if d > 0 {
		fmt.Fprintf(&sb, "%ds", d/time.Second)
	}
	return sb.String()
}

// ChartWidth is the widest bar of a terminal chart, in cells.
const ChartWidth = 40

var eighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// bar draws n/max of width cells with unicode eighth blocks.
func bar(n, max, width int) string {
	if max <= 0 || n <= 0 {
		return ""
	}
	units := n * width * 8 / max
	if units == 0 {
		units = 1 // a non-zero count is always visible
	}
	return strings.Repeat("█", units/8) + eighths[units%8]
}

// bucketLabel formats a bucket start to the precision the size needs.
func bucketLabel(t time.Time, size time.Duration) string {
	if size >= 24*time.Hour && size%(24*time.Hour) == 0 {
		return t.UTC().Format("2006-01-02")
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// WriteChart writes a terminal chart of a rule's alerts over time: one row
// per bucket with a unicode block bar, the alert count and, when any, the
// suppressed count.
func WriteChart(w io.Writer, s Summary) error {
	bw := bufio.NewWriter(w)
	name := s.RuleName
	if name == "" {
		name = s.RuleID
	}
	fmt.Fprintf(bw, "%s: alerts per %s\n", name, shortDuration(s.BucketSize))
	max := 0
	for _, b := range s.Buckets {
		if b.Alerts > max {
			max = b.Alerts
		}
	}
	for _, b := range s.Buckets {
		br := bar(b.Alerts, max, ChartWidth)
		pad := strings.Repeat(" ", ChartWidth+1-utf8.RuneCountInString(br))
		fmt.Fprintf(bw, "%s │%s%s%d", bucketLabel(b.Start, s.BucketSize), br, pad, b.Alerts)
		if b.Suppressed > 0 {
			fmt.Fprintf(bw, " (+%d suppressed)", b.Suppressed)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// HTMLReport is the content of WriteHTML's page.
type HTMLReport struct {
	Title      string
	Summaries  []Summary
	Alerts     []*Alert
	Suppressed []*Alert
}

// scaled maps n of max onto the chart height; non-zero counts stay visible.
func scaled(n, max int) int {
	if max <= 0 || n <= 0 {
		return 0
	}
	if h := n * svgBarArea / max; h > 0 {
		return h
	}
	return 1
}

func htmlAlerts(list []*Alert) []htmlAlert {
	var out []htmlAlert
	for _, a := range list {
		out = append(out, htmlAlert{
			Severity: a.AlertSeverity, Time: a.TimeGenerated.UTC().Format("2006-01-02 15:04:05Z"),
			Name: a.AlertName, Entities: EntitySummary(a, 120), ID: a.SystemAlertId, Rule: a.RuleID,
			Tags: strings.Join(a.Tags, ", "), Why: a.SuppressedBy,
		})
	}
	return out
}

type htmlBar struct {
	X, Y, W, H   int
	SY, SH       int // suppressed segment stacked above the bar
	Label, Title string
	Count        int
}

type htmlChart struct {
	Summary Summary
	Name    string
	Width   int
	Height  int
	Bars    []htmlBar
	Max     int
	First   string
	Last    string
}

type htmlAlert struct {
	Severity, Time, Name, Entities, ID, Rule string
	Tags, Why                                string
}

const svgHeight, svgBarArea = 160, 130

// WriteHTML writes a self-contained HTML page: a summary table, an inline
// SVG bar chart of alerts over time per rule and the alert list. It uses no
// external assets.
func WriteHTML(w io.Writer, rep HTMLReport) error {
	var charts []htmlChart
	for _, s := range rep.Summaries {
		c := htmlChart{Summary: s, Name: s.RuleName, Height: svgHeight}
		if c.Name == "" {
			c.Name = s.RuleID
		}
		for _, b := range s.Buckets {
			if b.Alerts+b.Suppressed > c.Max {
				c.Max = b.Alerts + b.Suppressed
			}
		}
		bw := 12
		if len(s.Buckets) > 60 {
			bw = 6
		}
		c.Width = len(s.Buckets)*bw + 40
		for i, b := range s.Buckets {
			h, sh := scaled(b.Alerts, c.Max), scaled(b.Suppressed, c.Max)
			c.Bars = append(c.Bars, htmlBar{
				X: 30 + i*bw, Y: 10 + svgBarArea - h, W: bw - 2, H: h, Count: b.Alerts,
				SY: 10 + svgBarArea - h - sh, SH: sh,
				Title: fmt.Sprintf("%s: %d alert(s), %d suppressed", bucketLabel(b.Start, s.BucketSize), b.Alerts, b.Suppressed),
			})
		}
		if n := len(s.Buckets); n > 0 {
			c.First = bucketLabel(s.Buckets[0].Start, s.BucketSize)
			c.Last = bucketLabel(s.Buckets[n-1].Start, s.BucketSize)
		}
		charts = append(charts, c)
	}
	title := rep.Title
	if title == "" {
		title = "kqlhunt backtest"
	}
	data := struct {
		Title      string
		Summaries  []Summary
		Charts     []htmlChart
		Alerts     []htmlAlert
		Suppressed []htmlAlert
	}{title, rep.Summaries, charts, htmlAlerts(rep.Alerts), htmlAlerts(rep.Suppressed)}
	if err := htmlPage.Execute(w, data); err != nil {
		return fmt.Errorf("writing HTML report: %w", err)
	}
	return nil
}

var htmlPage = template.Must(template.New("page").Funcs(template.FuncMap{"dur": shortDuration, "lower": strings.ToLower}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
td.n{text-align:right}
.sev-high{color:#b00;font-weight:bold}.sev-medium{color:#a60}.sev-low{color:#06a}.sev-informational{color:#666}
svg rect.bar{fill:#3a7bd5}svg rect.sup{fill:#c9c9c9}
svg text{font-size:10px;fill:#555}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<h2>Rules</h2>
<table>
<tr><th>Rule</th><th>Frequency</th><th>Period</th><th>Runs</th><th>Fired</th><th>Skipped</th><th>Alerts</th><th>Suppressed</th><th>Entities</th><th>Incidents</th></tr>
{{range .Summaries}}<tr><td>{{.RuleName}}</td><td>{{dur .Frequency}}</td><td>{{dur .Period}}</td><td class="n">{{.Runs}}</td><td class="n">{{.RunsFired}}</td><td class="n">{{.Skipped}}</td><td class="n">{{.Alerts}}</td><td class="n">{{.Suppressed}}</td><td class="n">{{.DistinctEntities}}</td><td class="n">{{.Incidents}}</td></tr>
{{end}}</table>
{{range .Charts}}<h2>{{.Name}}: alerts per {{dur .Summary.BucketSize}}</h2>
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" role="img" aria-label="alerts over time">
<line x1="28" y1="140" x2="{{.Width}}" y2="140" stroke="#999"/>
<text x="0" y="14">{{.Max}}</text><text x="0" y="140">0</text>
{{range .Bars}}<rect class="bar" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}"><title>{{.Title}}</title></rect>
{{if .SH}}<rect class="sup" x="{{.X}}" y="{{.SY}}" width="{{.W}}" height="{{.SH}}"><title>{{.Title}}</title></rect>
{{end}}{{end}}<text x="30" y="155">{{.First}}</text><text x="{{.Width}}" y="155" text-anchor="end">{{.Last}}</text>
</svg>
{{end}}<h2>Alerts ({{len .Alerts}})</h2>
<table>
<tr><th>Severity</th><th>Time</th><th>Alert</th><th>Entities</th><th>Tags</th><th>SystemAlertId</th></tr>
{{range .Alerts}}<tr><td class="sev-{{lower .Severity}}">{{.Severity}}</td><td>{{.Time}}</td><td>{{.Name}}</td><td>{{.Entities}}</td><td>{{.Tags}}</td><td><code>{{.ID}}</code></td></tr>
{{end}}</table>
{{if .Suppressed}}<h2>Suppressed ({{len .Suppressed}})</h2>
<table>
<tr><th>Severity</th><th>Time</th><th>Alert</th><th>Entities</th><th>Why</th><th>SystemAlertId</th></tr>
{{range .Suppressed}}<tr><td class="sev-{{lower .Severity}}">{{.Severity}}</td><td>{{.Time}}</td><td>{{.Name}}</td><td>{{.Entities}}</td><td>{{.Why}}</td><td><code>{{.ID}}</code></td></tr>
{{end}}</table>
{{end}}</body>
</html>
`))
