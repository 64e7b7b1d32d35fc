package tune

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to the exclusions loader: it must never
// panic, and whatever it accepts must survive Format and Parse unchanged
// and compile or fail cleanly.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("testdata/exclusions.yaml"); err == nil {
		f.Add(string(data))
	}
	f.Add(auditSrc)
	f.Add("")
	f.Add("version: 1\nexclusions: []\n")
	f.Add("exclusions:\n  - id: a\n    rules: all\n    stage: alert\n    action: suppress\n    when: {not: {field: x, regex: '('}}\n")
	f.Add("exclusions:\n  - &a {id: a}\n  - *a\n")
	f.Add("exclusions:\n  - id: a\n    when: [{schedule: {days: fri-mon, hours: ['22:00-02:00', 24]}}]\n")
	f.Add("exclusions:\n  - id: a\n    when: {window: {from: 2026-01-01, to: 2026-01-02, zone: ../../etc/passwd}}\n")
	f.Add("exclusions: !!map {a: b}\n")
	f.Add("{")
	f.Fuzz(func(t *testing.T, src string) {
		file, err := Parse("f.yaml", []byte(src))
		if err != nil {
			if _, ok := err.(Findings); !ok {
				t.Fatalf("error is not Findings: %T %v", err, err)
			}
			return
		}
		_ = Lint(file, LintEnv{Now: testNow})
		if set, err := Compile(file, Options{Now: testNow, AllowLong: true}); err == nil {
			_ = set.Audit()
		}
		out := Format(file, nil)
		again, err := Parse("f.yaml", out)
		if err != nil {
			t.Fatalf("formatted file does not parse: %v\n--- input\n%s\n--- formatted\n%s", err, src, out)
		}
		if d := diffFiles(file, again); d != "" {
			t.Fatalf("round trip differs (%s)\n--- input\n%s\n--- formatted\n%s", d, src, out)
		}
	})
}

// wildcardRef is an independent reference: the pattern translated to an
// anchored regular expression.
func wildcardRef(pat, s string, cs bool) bool {
	if !cs {
		pat, s = strings.ToLower(pat), strings.ToLower(s)
	}
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; c {
		case '*', '%':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '\\':
			if i+1 < len(pat) {
				i++
			}
			b.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		default:
			b.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		}
	}
	b.WriteString(`)$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return false
	}
	return re.MatchString(s)
}

// FuzzWildcard compares the wildcard matcher with the regexp reference.
func FuzzWildcard(f *testing.F) {
	f.Add("%training%", "new-training-user@contoso.com", false)
	f.Add("*@contoso.com", "a@CONTOSO.com", false)
	f.Add("a?c", "aéc", true)
	f.Add(`100\%`, "100%", false)
	f.Add("*a*a*b", "aaaaaaaaaaaaaaaaaaaa", false)
	f.Add("ÄB*", "äbc", false)
	f.Add("", "", true)
	f.Fuzz(func(t *testing.T, pat, s string, cs bool) {
		if !validUTF8(pat) || !validUTF8(s) {
			return // the reference's byte-wise escaping needs whole runes
		}
		got := CompileWildcard(pat, cs).Match(s)
		if want := wildcardRef(pat, s, cs); got != want {
			t.Fatalf("Match(%q, %q, cs=%v) = %v, reference %v", pat, s, cs, got, want)
		}
	})
}

func validUTF8(s string) bool { return strings.ToValidUTF8(s, "") == s }
