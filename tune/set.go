package tune

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"kqlhunt/batch"
)

// DefaultTimeColumn is the column an input-stage time test reads when it
// names no field.
const DefaultTimeColumn = "TimeGenerated"

// Options configures Compile.
type Options struct {
	// Now is the clock for expiry; zero means time.Now(). Expiry is judged
	// against Now, never against event times: an expired exclusion does
	// not apply, even to old data in a backtest.
	Now time.Time
	// AllowLong accepts exclusions without expiry or expiring more than
	// MaxLifetime after Now.
	AllowLong bool
	// Watchlists serves `watchlist:` tests; nil when none are configured.
	Watchlists *Watchlists
	// Examples is how many example values the audit keeps per exclusion
	// (default 5).
	Examples int
}

// Set is a compiled exclusions file, ready to evaluate. It records every
// effect in its audit trail. A Set is safe for concurrent use.
type Set struct {
	now   time.Time
	ex    []*compiled
	audit *recorder
}

type compiled struct {
	idx     int
	x       *Exclusion
	root    *cnode
	expired bool
	fields  []string

	mu    sync.Mutex
	plans map[*batch.Schema]*plan
	byKey map[string]*plan
}

// Compile checks f (the checks of Lint that need no schemas) and compiles
// it. Any error finding fails the compile, so an exclusion that cannot be
// trusted never applies. Expired exclusions are kept but never match; each
// evaluation reports them.
func Compile(f *File, opts Options) (*Set, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Examples <= 0 {
		opts.Examples = 5
	}
	fs := Lint(f, LintEnv{Now: opts.Now, AllowLong: opts.AllowLong, Watchlists: opts.Watchlists})
	if errs := fs.Errors(); len(errs) > 0 {
		return nil, errs
	}
	s := &Set{now: opts.Now, audit: newRecorder(opts.Examples)}
	env := compileEnv{watchlists: opts.Watchlists}
	for i, x := range f.Exclusions {
		root, cfs := compileCond(x.When, env)
		if cfs.HasErrors() {
			return nil, cfs.Errors()
		}
		c := &compiled{idx: i, x: x, root: root, fields: x.When.Fields(), plans: map[*batch.Schema]*plan{}, byKey: map[string]*plan{}}
		c.expired = !x.Expires.IsZero() && !opts.Now.Before(x.Expires)
		s.ex = append(s.ex, c)
	}
	s.audit.init(s.ex)
	return s, nil
}

// Exclusions returns the exclusions of the set in file order.
func (s *Set) Exclusions() []*Exclusion {
	out := make([]*Exclusion, len(s.ex))
	for i, c := range s.ex {
		out[i] = c.x
	}
	return out
}

// Expired returns the exclusions that have expired (and so never apply).
func (s *Set) Expired() []*Exclusion {
	var out []*Exclusion
	for _, c := range s.ex {
		if c.expired {
			out = append(out, c.x)
		}
	}
	return out
}

// inScope reports whether the exclusion applies to the rule.
func (x *Exclusion) inScope(ruleID, ruleName string) bool {
	if x.AllRules {
		return true
	}
	for _, r := range x.Rules {
		if (ruleID != "" && strings.EqualFold(r, ruleID)) || (ruleName != "" && strings.EqualFold(r, ruleName)) {
			return true
		}
	}
	return false
}

func expiredWarning(x *Exclusion) string {
	return fmt.Sprintf("exclusion %q expired on %s and no longer applies; renew or remove it", x.Label(), x.ExpiresText)
}
