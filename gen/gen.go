// Package gen generates realistic synthetic AzureActivity rows as NDJSON for
// benchmarks and tests.
//
// The output mimics a Log Analytics export of the AzureActivity table: every
// row carries all table columns keyed by name, datetimes as ISO 8601 UTC text
// with seven fractional digits, the dynamic columns (Authorization_d,
// Claims_d, Properties_d) as JSON objects and their legacy string twins
// (Authorization, Claims, Properties) as the same JSON inside strings. Rows
// are about 3 KB wide.
//
// The value mix is meant to exercise detection rules: operation names in two
// casings, upper-cased resource ids, statuses Start/Accept/Success/Failure
// (and the legacy Succeeded), hundreds of callers (users, service principals
// named by object id, and some events with no caller), resource groups named
// cloud-shell-storage-<region> next to look-alikes such as
// mycloud-shell-storage and cloud-shell-storagex, failed listKeys calls, and
// planted Cloud Shell sessions (see PlantedSessions).
//
// Output is a pure function of Options: the same options give the same bytes.
package gen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"time"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

// Defaults applied by Options when a field is zero.
var (
	// DefaultStart is the first instant of generated data when Options.Start is zero.
	DefaultStart = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
)

const (
	// DefaultSpan is the time range covered when Options.Span is zero.
	DefaultSpan = 48 * time.Hour
	// DefaultCallers is the number of distinct callers when Options.Callers is zero.
	DefaultCallers = 300
	// DefaultSubscriptions is the number of subscriptions when Options.Subscriptions is zero.
	DefaultSubscriptions = 3
	// rowsPerSession sets the default number of planted Cloud Shell sessions.
	rowsPerSession = 20000
)

// Options controls the generator.
type Options struct {
	// Rows is the exact number of rows written.
	Rows int64
	// Start is the earliest TimeGenerated (DefaultStart when zero).
	Start time.Time
	// Span is the width of the time range: every TimeGenerated lies in
	// [Start, Start+Span) (DefaultSpan when zero).
	Span time.Duration
	// Callers is the number of distinct non-empty callers (DefaultCallers
	// when zero); about 60% are service principals.
	Callers int
	// Seed selects the pseudo-random sequence.
	Seed int64
	// CloudShellSessions is the number of planted Cloud Shell sessions: 0
	// means one per 20,000 rows (at least one), a negative value none.
	// Sessions that do not fit in Rows are dropped.
	CloudShellSessions int
	// Subscriptions is the number of Azure subscriptions (DefaultSubscriptions when zero).
	Subscriptions int
}

// normalized returns o with defaults applied.
func (o Options) normalized() Options {
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	o.Start = o.Start.UTC()
	if o.Span <= 0 {
		o.Span = DefaultSpan
	}
	if o.Callers <= 0 {
		o.Callers = DefaultCallers
	}
	if o.Subscriptions <= 0 {
		o.Subscriptions = DefaultSubscriptions
	}
	if o.CloudShellSessions == 0 {
		o.CloudShellSessions = int(o.Rows / rowsPerSession)
		if o.CloudShellSessions < 1 {
			o.CloudShellSessions = 1
		}
	}
	if o.CloudShellSessions < 0 {
		o.CloudShellSessions = 0
	}
	return o
}

// Session is one planted Cloud Shell session: a successful listKeys on the
// session's storage account in a cloud-shell-storage-<region> resource group
// followed, within the same clock hour, by other operations of the caller.
type Session struct {
	// Caller is the user principal name.
	Caller string
	// ResourceGroup is the Cloud Shell resource group as written (its case varies).
	ResourceGroup string
	// ListKeys is the TimeGenerated of the successful listKeys row.
	ListKeys time.Time
	// Operations are the canonical names of the operations run afterwards,
	// all within the hour of ListKeys.
	Operations []string
}

// columnNames lists the output columns in order, with their Kusto types.
var columns = []batch.Field{
	{Name: "OperationName", Type: types.String},
	{Name: "OperationNameValue", Type: types.String},
	{Name: "Level", Type: types.String},
	{Name: "ActivityStatus", Type: types.String},
	{Name: "ActivityStatusValue", Type: types.String},
	{Name: "ActivitySubstatus", Type: types.String},
	{Name: "ActivitySubstatusValue", Type: types.String},
	{Name: "ResourceGroup", Type: types.String},
	{Name: "SubscriptionId", Type: types.String},
	{Name: "CorrelationId", Type: types.String},
	{Name: "Caller", Type: types.String},
	{Name: "CallerIpAddress", Type: types.String},
	{Name: "Category", Type: types.String},
	{Name: "CategoryValue", Type: types.String},
	{Name: "HTTPRequest", Type: types.String},
	{Name: "Properties", Type: types.String},
	{Name: "EventSubmissionTimestamp", Type: types.DateTime},
	{Name: "Authorization", Type: types.String},
	{Name: "ResourceId", Type: types.String},
	{Name: "OperationId", Type: types.String},
	{Name: "ResourceProvider", Type: types.String},
	{Name: "ResourceProviderValue", Type: types.String},
	{Name: "Resource", Type: types.String},
	{Name: "EventDataId", Type: types.String},
	{Name: "TenantId", Type: types.String},
	{Name: "TimeGenerated", Type: types.DateTime},
	{Name: "SourceSystem", Type: types.String},
	{Name: "Authorization_d", Type: types.Dynamic},
	{Name: "Claims", Type: types.String},
	{Name: "Claims_d", Type: types.Dynamic},
	{Name: "Properties_d", Type: types.Dynamic},
	{Name: "Hierarchy", Type: types.String},
	{Name: "Type", Type: types.String},
	{Name: "_ResourceId", Type: types.String},
	{Name: "_SubscriptionId", Type: types.String},
}

// Schema returns the AzureActivity schema of the generated rows, in output
// order. The caller may modify the result.
func Schema() *batch.Schema {
	return &batch.Schema{Fields: append([]batch.Field(nil), columns...)}
}

// caller is one identity in the generated tenant.
type caller struct {
	name      string // the Caller column
	user      bool
	upn       string
	given     string
	surname   string
	display   string
	objectID  string
	appID     string
	ip        string
	nameIdent string
}

// subscription is one subscription with its resource groups.
type subscription struct {
	id     string
	upper  string
	mg     string
	groups []string
}

// world is the fixed population drawn from the seed.
type world struct {
	tenant      string // Azure AD tenant id
	workspace   string // Log Analytics workspace id (the TenantId column)
	subs        []subscription
	callers     []caller
	users       []int // indexes of user callers
	opByName    map[string]*operation
	opCum       []int // cumulative weights of operations
	opTotal     int
	lowerOps    []string
	upperOps    []string
	upperProv   []string
	cloudShells []string // cloud-shell-storage-<region> groups
}

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream*0x9e3779b97f4a7c15+1))
}

func guid(r *rand.Rand) string {
	return string(appendGUID(nil, r))
}

func appendGUID(b []byte, r *rand.Rand) []byte {
	const hexd = "0123456789abcdef"
	hi, lo := r.Uint64(), r.Uint64()
	for i := 0; i < 32; i++ {
		switch i {
		case 8, 12, 16, 20:
			b = append(b, '-')
		}
		var nib uint64
		if i < 16 {
			nib = hi >> (60 - 4*uint(i)) & 0xf
		} else {
			nib = lo >> (60 - 4*uint(i-16)) & 0xf
		}
		b = append(b, hexd[nib])
	}
	return b
}

func appendToken(b []byte, r *rand.Rand, n int) []byte {
	return appendRandom(b, r, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 6)
}

// appendRandom appends n characters drawn from alphabet, which has
// 1<<bits entries, taking bits random bits per character (as many
// characters per random 64-bit word as fit).
func appendRandom(b []byte, r *rand.Rand, n int, alphabet string, bits uint) []byte {
	per, mask := 64/int(bits), uint64(1)<<bits-1
	for n > 0 {
		x := r.Uint64()
		for k := 0; k < per && n > 0; k++ {
			b = append(b, alphabet[x&mask])
			x >>= bits
			n--
		}
	}
	return b
}

func appendIP(b []byte, r *rand.Rand) []byte {
	x := r.Uint32()
	first := []int{13, 20, 40, 52, 104, 137, 172, 185, 203, 37}[x%10]
	b = appendInt(b, int64(first))
	for i := 0; i < 3; i++ {
		x = x*1664525 + 1013904223
		b = append(b, '.')
		b = appendInt(b, int64(x>>24))
	}
	return b
}

func appendInt(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func newWorld(o Options) *world {
	r := newRand(o.Seed, 2)
	w := &world{
		tenant:    guid(r),
		workspace: guid(r),
		opByName:  map[string]*operation{},
	}
	for i := 0; i < o.Subscriptions; i++ {
		s := subscription{id: guid(r)}
		s.upper = strings.ToUpper(s.id)
		s.mg = []string{"CONTOSO-MG", "ContosoBuildMG", "platform-mg"}[r.IntN(3)]
		seen := map[string]bool{}
		for len(s.groups) < 24 {
			g := groupWords[r.IntN(len(groupWords))] + "-" + groupWords[r.IntN(len(groupWords))]
			if r.IntN(4) == 0 {
				g = strings.ToUpper(g)
			}
			if !seen[g] {
				seen[g] = true
				s.groups = append(s.groups, g)
			}
		}
		w.subs = append(w.subs, s)
	}
	for _, reg := range regions {
		w.cloudShells = append(w.cloudShells, "cloud-shell-storage-"+reg)
	}
	seenCaller := map[string]bool{}
	for len(w.callers) < o.Callers {
		c := caller{objectID: guid(r), ip: string(appendIP(nil, r)), nameIdent: string(appendToken(nil, r, 43))}
		if r.IntN(5) < 3 {
			// A service principal: the caller is its object id.
			c.name = c.objectID
			c.appID = guid(r)
		} else {
			c.user = true
			c.given = firstNames[r.IntN(len(firstNames))]
			c.surname = lastNames[r.IntN(len(lastNames))]
			local := c.given + "." + c.surname
			if r.IntN(3) == 0 {
				local = c.given + c.surname[:1]
			}
			if n := r.IntN(5); n > 0 && len(seenCaller) > 50 {
				local += string(rune('0' + n))
			}
			c.upn = local + "@" + domains[r.IntN(len(domains))]
			if r.IntN(6) == 0 {
				c.upn = title(c.given) + title(c.surname)[:1] + "@" + domains[r.IntN(len(domains))]
			}
			c.name = c.upn
			c.display = title(c.given) + " " + title(c.surname)
			c.appID = appIDs[r.IntN(len(appIDs))]
		}
		if seenCaller[c.name] {
			continue
		}
		seenCaller[c.name] = true
		if c.user {
			w.users = append(w.users, len(w.callers))
		}
		w.callers = append(w.callers, c)
	}
	if len(w.users) == 0 {
		// Cloud Shell sessions need at least one user.
		w.callers[0].user = true
		w.callers[0].upn = "cloud.admin@contoso.com"
		w.callers[0].name = w.callers[0].upn
		w.callers[0].given, w.callers[0].surname, w.callers[0].display = "cloud", "admin", "Cloud Admin"
		w.users = append(w.users, 0)
	}
	for i := range operations {
		op := &operations[i]
		w.opByName[op.value] = op
		w.opTotal += op.weight
		w.opCum = append(w.opCum, w.opTotal)
		w.lowerOps = append(w.lowerOps, op.value)
		w.upperOps = append(w.upperOps, strings.ToUpper(op.value))
		w.upperProv = append(w.upperProv, strings.ToUpper(op.provider))
	}
	return w
}

// event is one row before formatting.
type event struct {
	ticks    int64
	caller   int // index into world.callers, -1 for none
	op       int // index into operations
	upper    bool
	status   string
	sub      int
	group    string
	resource string
	corr     string // correlation id shared by Start/Success pairs; "" draws a fresh one
}

// plan draws the planted sessions and their rows.
func plan(o Options, w *world) ([]Session, []event) {
	if o.CloudShellSessions == 0 || o.Rows == 0 {
		return nil, nil
	}
	r := newRand(o.Seed, 1)
	opIndex := func(name string) int {
		for i := range operations {
			if operations[i].value == name {
				return i
			}
		}
		panic("gen: unknown operation " + name) // the catalogue is fixed; unreachable
	}
	lk := opIndex(listKeysOp)
	saWrite := opIndex("Microsoft.Storage/storageAccounts/write")
	start := types.TicksFromTime(o.Start)
	span := int64(o.Span / 100)
	hour := int64(time.Hour / 100)
	var sessions []Session
	var events []event
	type slot struct {
		caller int
		hour   int64
	}
	used := map[slot]bool{}
	for k := 0; k < o.CloudShellSessions; k++ {
		region := regions[r.IntN(len(regions))]
		rg := "cloud-shell-storage-" + region
		if r.IntN(3) == 0 {
			rg = strings.ToUpper(rg)
		}
		sub := r.IntN(len(w.subs))
		account := "cs" + strings.ReplaceAll(guid(r), "-", "")[:18]
		// Place the session inside one clock hour that lies in the span.
		hourStart := types.FloorDiv(start+r.Int64N(span), hour) * hour
		if hourStart < start {
			hourStart += hour
		}
		end := start + span
		if hourStart+hour > end {
			hourStart = end - hour
			if hourStart < start {
				hourStart = start
			}
		}
		limit := hour
		if hourStart+limit > end {
			limit = end - hourStart
		}
		if limit < 100 {
			continue
		}
		// One session per caller and hour, so that sessions stay distinct.
		c := w.users[r.IntN(len(w.users))]
		for try := 0; used[slot{c, hourStart}] && try < 20; try++ {
			c = w.users[r.IntN(len(w.users))]
		}
		if used[slot{c, hourStart}] {
			continue
		}
		t := hourStart + r.Int64N(limit/2+1)
		var evs []event
		upper := r.IntN(3) == 0
		if r.IntN(3) == 0 && t > hourStart+10 {
			// First use: the storage account is created just before.
			evs = append(evs, event{ticks: t - 10, caller: c, op: saWrite, upper: upper, status: "Success", sub: sub, group: rg, resource: account})
		}
		corr := guid(r)
		evs = append(evs,
			event{ticks: t, caller: c, op: lk, upper: upper, status: "Start", sub: sub, group: rg, resource: account, corr: corr},
			event{ticks: t + 1, caller: c, op: lk, upper: upper, status: "Success", sub: sub, group: rg, resource: account, corr: corr})
		s := Session{Caller: w.callers[c].name, ResourceGroup: rg, ListKeys: types.TimeFromTicks(t + 1)}
		if upper {
			s.ResourceGroup = strings.ToUpper(rg)
		}
		n := 2 + r.IntN(5)
		room := hourStart + limit - (t + 2)
		for j := 0; j < n && room > 0; j++ {
			name := sessionOps[r.IntN(len(sessionOps))]
			op := opIndex(name)
			group := rg
			if operations[op].provider != "Microsoft.Storage" {
				group = w.subs[sub].groups[r.IntN(len(w.subs[sub].groups))]
			}
			res := resourceName(r, &operations[op])
			at := t + 2 + r.Int64N(room)
			status := "Success"
			if r.IntN(8) == 0 {
				status = "Accept"
			}
			opCorr := guid(r)
			evs = append(evs,
				event{ticks: at, caller: c, op: op, upper: r.IntN(3) == 0, status: "Start", sub: sub, group: group, resource: res, corr: opCorr},
				event{ticks: at, caller: c, op: op, upper: r.IntN(3) == 0, status: status, sub: sub, group: group, resource: res, corr: opCorr})
			s.Operations = append(s.Operations, name)
		}
		if int64(len(events)+len(evs)) > o.Rows {
			break
		}
		used[slot{c, hourStart}] = true
		events = append(events, evs...)
		sessions = append(sessions, s)
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].ticks < events[j].ticks })
	return sessions, events
}

func resourceName(r *rand.Rand, op *operation) string {
	switch op.prefix {
	case "":
		return guid(r)
	case "default":
		return "default"
	case "st":
		return "st" + groupWords[r.IntN(len(groupWords))] + string(rune('0'+r.IntN(10))) + string(rune('0'+r.IntN(10)))
	}
	return op.prefix + groupWords[r.IntN(len(groupWords))] + "-" + string(rune('0'+r.IntN(10)))
}

// PlantedSessions returns the Cloud Shell sessions WriteNDJSON plants for
// the given options, in time order.
func PlantedSessions(opts Options) []Session {
	o := opts.normalized()
	s, _ := plan(o, newWorld(o))
	sort.SliceStable(s, func(i, j int) bool { return s[i].ListKeys.Before(s[j].ListKeys) })
	return s
}

// WriteFile writes opts.Rows AzureActivity rows to a new file at path, as
// WriteNDJSON does.
func WriteFile(ctx context.Context, path string, opts Options) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteNDJSON(ctx, f, opts); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// WriteNDJSON writes opts.Rows AzureActivity rows to w, one JSON object per
// line. It stops early with ctx's error when ctx is cancelled.
func WriteNDJSON(ctx context.Context, w io.Writer, opts Options) error {
	if opts.Rows < 0 {
		return fmt.Errorf("gen: negative row count %d", opts.Rows)
	}
	o := opts.normalized()
	wd := newWorld(o)
	_, planted := plan(o, wd)
	bw := bufio.NewWriterSize(w, 1<<20)
	b := &builder{w: wd, r: newRand(o.Seed, 3)}
	background := o.Rows - int64(len(planted))
	start := types.TicksFromTime(o.Start)
	span := int64(o.Span / 100)
	end := start + span
	step := int64(1)
	if background > 0 {
		step = span / background
		if step < 1 {
			step = 1
		}
	}
	p := 0
	flush := func(row []byte) error {
		_, err := bw.Write(row)
		return err
	}
	var ev event
	for i := int64(0); i < background; i++ {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		t := start + i*step + b.r.Int64N(step)
		if b.r.IntN(100) == 0 {
			t -= b.r.Int64N(3000000000) // arrives up to 5 minutes late
		}
		if t < start {
			t = start
		}
		if t >= end {
			t = end - 1
		}
		for p < len(planted) && planted[p].ticks <= t {
			if err := flush(b.row(&planted[p])); err != nil {
				return fmt.Errorf("gen: writing: %w", err)
			}
			p++
		}
		b.background(&ev, t)
		if err := flush(b.row(&ev)); err != nil {
			return fmt.Errorf("gen: writing: %w", err)
		}
	}
	for ; p < len(planted); p++ {
		if err := flush(b.row(&planted[p])); err != nil {
			return fmt.Errorf("gen: writing: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("gen: writing: %w", err)
	}
	return nil
}
