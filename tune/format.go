package tune

import (
	"fmt"
	"strconv"
	"strings"
)

// Format writes f as exclusions YAML that Parse reads back to the same
// exclusions. Comments holds optional comment lines written above each
// exclusion (by index), e.g. the evidence behind a suggestion.
func Format(f *File, comments map[int][]string) []byte {
	var b strings.Builder
	b.WriteString("version: 1\nexclusions:")
	if len(f.Exclusions) == 0 {
		b.WriteString(" []\n")
		return []byte(b.String())
	}
	b.WriteString("\n")
	for i, x := range f.Exclusions {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, c := range comments[i] {
			for _, line := range strings.Split(c, "\n") {
				b.WriteString("  # " + line + "\n")
			}
		}
		first := true
		field := func(key, val string) {
			if first {
				b.WriteString("  - ")
				first = false
			} else {
				b.WriteString("    ")
			}
			b.WriteString(key + ": " + val + "\n")
		}
		if x.ID != "" {
			field("id", quote(x.ID))
		}
		if x.Name != "" {
			field("name", quote(x.Name))
		}
		if x.Draft {
			field("draft", "true")
		}
		switch {
		case x.AllRules:
			field("rules", "all")
		default:
			field("rules", quoteList(x.Rules))
		}
		field("stage", x.Stage.String())
		if x.Table != "" {
			field("table", quote(x.Table))
		}
		if x.When != nil {
			field("when", "")
			writeCond(&b, x.When, 6)
		}
		field("action", x.Action.String())
		if x.Severity != "" {
			field("severity", x.Severity)
		}
		if len(x.Tags) > 0 {
			field("tags", quoteList(x.Tags))
		}
		field("reason", quote(x.Reason))
		field("owner", quote(x.Owner))
		if x.ExpiresText != "" {
			field("expires", quote(x.ExpiresText))
		}
	}
	return []byte(b.String())
}

// writeCond writes c as a block mapping indented by ind spaces.
func writeCond(b *strings.Builder, c *Cond, ind int) {
	pad := strings.Repeat(" ", ind)
	switch c.Kind {
	case CondAll, CondAny:
		key := "all"
		if c.Kind == CondAny {
			key = "any"
		}
		b.WriteString(pad + key + ":\n")
		for _, k := range c.Children {
			// A list item: the first line of the child goes after "- ".
			var sub strings.Builder
			writeCond(&sub, k, ind+4)
			s := sub.String()
			b.WriteString(pad + "  - " + strings.TrimPrefix(s, strings.Repeat(" ", ind+4)))
		}
	case CondNot:
		b.WriteString(pad + "not:\n")
		if len(c.Children) > 0 {
			writeCond(b, c.Children[0], ind+2)
		}
	case CondMatch:
		b.WriteString(pad + "field: " + quote(c.Field) + "\n")
		if c.Op == OpEquals || c.Op == OpWatchlist || (c.Op != OpIn && len(c.Values) == 1) {
			v := ""
			if len(c.Values) > 0 {
				v = c.Values[0]
			}
			b.WriteString(pad + c.Op.String() + ": " + quote(v) + "\n")
		} else {
			b.WriteString(pad + c.Op.String() + ": " + quoteList(c.Values) + "\n")
		}
		if c.CaseSensitive {
			b.WriteString(pad + "case-sensitive: true\n")
		}
	case CondWindow:
		if c.Field != "" {
			b.WriteString(pad + "field: " + quote(c.Field) + "\n")
		}
		b.WriteString(pad + "window:\n")
		b.WriteString(pad + "  from: " + quote(c.FromText) + "\n")
		b.WriteString(pad + "  to: " + quote(c.ToText) + "\n")
		if c.Zone != "" {
			b.WriteString(pad + "  zone: " + quote(c.Zone) + "\n")
		}
	case CondSchedule:
		if c.Field != "" {
			b.WriteString(pad + "field: " + quote(c.Field) + "\n")
		}
		b.WriteString(pad + "schedule:\n")
		var days []string
		for d, on := range c.Days {
			if on {
				days = append(days, dayNames[d][:3])
			}
		}
		if len(days) < 7 || len(c.Hours) == 0 {
			b.WriteString(pad + "  days: [" + strings.Join(days, ", ") + "]\n")
		}
		if len(c.Hours) > 0 {
			var hs []string
			for _, h := range c.Hours {
				hs = append(hs, quote(fmt.Sprintf("%02d:%02d-%02d:%02d", h.From/60, h.From%60, h.To/60, h.To%60)))
			}
			b.WriteString(pad + "  hours: [" + strings.Join(hs, ", ") + "]\n")
		}
		if c.Zone != "" {
			b.WriteString(pad + "  zone: " + quote(c.Zone) + "\n")
		}
	}
}

// quote writes s as a double-quoted YAML scalar.
func quote(s string) string { return strconv.Quote(s) }

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = quote(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
