package tune

import (
	"bytes"
	"crypto/sha1"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml"

	"kqlhunt/batch"
	"kqlhunt/internal/suggest"
	"kqlhunt/kql/types"
)

// aliasPattern is what a watchlist alias may look like: a name, never a
// path.
var aliasPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

// ValidateAlias reports whether alias is a valid watchlist alias: letters,
// digits, `_` and `-`, starting with a letter or digit, at most 128
// characters. Path separators and `..` are refused explicitly.
func ValidateAlias(alias string) error {
	switch {
	case alias == "":
		return errors.New("empty watchlist alias")
	case strings.ContainsAny(alias, `/\`) || strings.Contains(alias, ".."):
		return fmt.Errorf("watchlist alias %q is a path; an alias is a plain name such as ipallowlist", alias)
	case !aliasPattern.MatchString(alias):
		return fmt.Errorf("bad watchlist alias %q: use letters, digits, _ and - (starting with a letter or digit, at most 128 characters)", alias)
	}
	return nil
}

// The fixed columns of a watchlist table, before the CSV columns.
const (
	ColItemID      = "_DTItemId"
	ColLastUpdated = "LastUpdatedTimeUTC"
	ColSearchKey   = "SearchKey"
	ColItem        = "WatchlistItem"
	// ColAlias is the single column of the _GetWatchlistAlias table.
	ColAlias = "WatchlistAlias"
)

// Watchlists serves watchlists stored as <dir>/<alias>.csv. Each file's
// first row is its header. The SearchKey column is, in order of
// precedence, the one named by WatchlistOptions.Keys, by a sidecar
// <alias>.yaml holding `searchKey: Column`, or the first CSV column.
// Files are read once, on first use. A Watchlists is safe for concurrent
// use.
type Watchlists struct {
	dir  string
	keys map[string]string

	mu     sync.Mutex
	loaded map[string]*Watchlist
}

// WatchlistOptions configures watchlist loading.
type WatchlistOptions struct {
	// Keys maps an alias to its SearchKey column (--watchlist-key
	// alias=Column).
	Keys map[string]string
}

// ParseKeyOption reads one --watchlist-key value "alias=Column" into keys.
func ParseKeyOption(keys map[string]string, opt string) error {
	alias, col, ok := strings.Cut(opt, "=")
	alias, col = strings.TrimSpace(alias), strings.TrimSpace(col)
	if !ok || col == "" {
		return fmt.Errorf("--watchlist-key %q: want alias=Column", opt)
	}
	if err := ValidateAlias(alias); err != nil {
		return fmt.Errorf("--watchlist-key %q: %w", opt, err)
	}
	keys[alias] = col
	return nil
}

// OpenWatchlists returns the watchlists stored in dir.
func OpenWatchlists(dir string, opts WatchlistOptions) (*Watchlists, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("opening watchlist directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("opening watchlist directory: %s is not a directory", dir)
	}
	keys := map[string]string{}
	for a, c := range opts.Keys {
		if err := ValidateAlias(a); err != nil {
			return nil, fmt.Errorf("watchlist key option: %w", err)
		}
		keys[a] = c
	}
	return &Watchlists{dir: dir, keys: keys, loaded: map[string]*Watchlist{}}, nil
}

// Names returns the aliases of the watchlists in the directory, sorted.
// Files whose base name is not a valid alias are ignored.
func (w *Watchlists) Names() ([]string, error) {
	ents, err := os.ReadDir(w.dir)
	if err != nil {
		return nil, fmt.Errorf("listing watchlists: %w", err)
	}
	var out []string
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".csv")
		if !ok || e.IsDir() || ValidateAlias(name) != nil {
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out, nil
}

func closestAlias(w *Watchlists, alias string) (string, bool) {
	names, err := w.Names()
	if err != nil {
		return "", false
	}
	return suggest.Closest(alias, names)
}

// Watchlist is one loaded watchlist.
type Watchlist struct {
	Alias string
	// Header holds the CSV column names.
	Header []string
	// Key is the SearchKey column name.
	Key string
	// Rows holds the CSV records (each len(Header) long).
	Rows    [][]string
	Updated time.Time

	keyCol  int
	schema  *batch.Schema
	batches []*batch.Batch
	lower   map[string]struct{}
	exact   map[string]struct{}
}

// Get loads (once) and returns the watchlist alias.
func (w *Watchlists) Get(alias string) (*Watchlist, error) {
	if err := ValidateAlias(alias); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if wl, ok := w.loaded[alias]; ok {
		return wl, nil
	}
	wl, err := w.load(alias)
	if err != nil {
		return nil, err
	}
	w.loaded[alias] = wl
	return wl, nil
}

// Table returns the _GetWatchlist('alias') table.
func (w *Watchlists) Table(alias string) (*batch.Schema, []*batch.Batch, error) {
	wl, err := w.Get(alias)
	if err != nil {
		return nil, nil, err
	}
	return wl.schema, wl.batches, nil
}

// Schema returns the schema of _GetWatchlist('alias').
func (w *Watchlists) Schema(alias string) (*batch.Schema, error) {
	s, _, err := w.Table(alias)
	return s, err
}

// Aliases returns the _GetWatchlistAlias table: one string column,
// WatchlistAlias, with one row per watchlist, sorted.
func (w *Watchlists) Aliases() (*batch.Schema, []*batch.Batch, error) {
	names, err := w.Names()
	if err != nil {
		return nil, nil, err
	}
	s := &batch.Schema{Fields: []batch.Field{{Name: ColAlias, Type: types.String}}}
	b := &batch.Batch{Schema: s, Len: len(names), Cols: []*batch.Column{{Type: types.String, Len: len(names), Strs: names}}}
	return s, []*batch.Batch{b}, nil
}

type sidecar struct {
	SearchKey string `yaml:"searchKey"`
}

func (w *Watchlists) load(alias string) (*Watchlist, error) {
	path := filepath.Join(w.dir, alias+".csv")
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("watchlist %q not found (no %s)", alias, path)
		}
		return nil, fmt.Errorf("watchlist %q: %w", alias, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("watchlist %q: %w", alias, err)
	}
	key := w.keys[alias]
	keySrc := "--watchlist-key"
	if key == "" {
		side := filepath.Join(w.dir, alias+".yaml")
		data, err := os.ReadFile(side)
		switch {
		case err == nil:
			var sc sidecar
			if err := yaml.UnmarshalWithOptions(data, &sc, yaml.DisallowUnknownField()); err != nil {
				return nil, fmt.Errorf("reading %s: %s", side, yaml.FormatError(err, false, false))
			}
			key, keySrc = sc.SearchKey, side
		case !errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("reading %s: %w", side, err)
		}
	}
	wl, err := readWatchlist(alias, path, f, key, keySrc)
	if err != nil {
		return nil, err
	}
	wl.Updated = st.ModTime().UTC()
	wl.build()
	return wl, nil
}

// readWatchlist parses the CSV text of a watchlist.
func readWatchlist(alias, path string, r io.Reader, key, keySrc string) (*Watchlist, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty watchlist (a header line is required)", path)
	}
	if err != nil {
		return nil, csvErr(path, err)
	}
	wl := &Watchlist{Alias: alias, Header: append([]string(nil), header...), keyCol: -1}
	seen := map[string]bool{}
	for i, h := range wl.Header {
		h = strings.TrimSpace(h)
		wl.Header[i] = h
		switch {
		case h == "":
			return nil, fmt.Errorf("%s:1: column %d has an empty name", path, i+1)
		case seen[h]:
			return nil, fmt.Errorf("%s:1: duplicate column %q", path, h)
		case h == ColItemID || h == ColLastUpdated || h == ColSearchKey || h == ColItem:
			return nil, fmt.Errorf("%s:1: column name %q is reserved for the watchlist table", path, h)
		}
		seen[h] = true
	}
	if key == "" {
		wl.keyCol = 0
	} else {
		for i, h := range wl.Header {
			if h == key {
				wl.keyCol = i
			}
		}
		if wl.keyCol < 0 {
			msg := fmt.Sprintf("watchlist %q: SearchKey column %q (from %s) is not a column of %s", alias, key, keySrc, path)
			if s, ok := suggest.Closest(key, wl.Header); ok {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, errors.New(msg)
		}
	}
	wl.Key = wl.Header[wl.keyCol]
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(path, err)
		}
		wl.Rows = append(wl.Rows, rec)
	}
	return wl, nil
}

func csvErr(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: malformed CSV: %v", path, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: malformed CSV: %w", path, err)
}

// build fills the table and the SearchKey sets.
func (wl *Watchlist) build() {
	n := len(wl.Rows)
	fields := []batch.Field{
		{Name: ColItemID, Type: types.String},
		{Name: ColLastUpdated, Type: types.DateTime},
		{Name: ColSearchKey, Type: types.String},
		{Name: ColItem, Type: types.Dynamic},
	}
	for _, h := range wl.Header {
		fields = append(fields, batch.Field{Name: h, Type: types.String})
	}
	wl.schema = &batch.Schema{Fields: fields}
	ids := make([]string, n)
	times := make([]int64, n)
	keys := make([]string, n)
	items := make([]any, n)
	cols := make([][]string, len(wl.Header))
	for j := range cols {
		cols[j] = make([]string, n)
	}
	ticks := types.TicksFromTime(wl.Updated)
	dup := map[string]int{}
	wl.lower = make(map[string]struct{}, n)
	wl.exact = make(map[string]struct{}, n)
	for i, rec := range wl.Rows {
		content := strings.Join(rec, "\x1f")
		dup[content]++
		ids[i] = itemID(wl.Alias, content, dup[content])
		times[i] = ticks
		keys[i] = rec[wl.keyCol]
		bag := &types.Bag{Keys: append([]string(nil), wl.Header...), Vals: make([]any, len(wl.Header))}
		for j, v := range rec {
			bag.Vals[j] = v
			cols[j][i] = v
		}
		items[i] = bag
		wl.exact[keys[i]] = struct{}{}
		wl.lower[strings.ToLower(keys[i])] = struct{}{}
	}
	bcols := []*batch.Column{
		{Type: types.String, Len: n, Strs: ids},
		{Type: types.DateTime, Len: n, Ints: times},
		{Type: types.String, Len: n, Strs: keys},
		{Type: types.Dynamic, Len: n, Dyns: items},
	}
	for j := range wl.Header {
		bcols = append(bcols, &batch.Column{Type: types.String, Len: n, Strs: cols[j]})
	}
	wl.batches = []*batch.Batch{{Schema: wl.schema, Cols: bcols, Len: n}}
}

// keySet returns the SearchKey values, lower-cased when fold is set. The
// map is shared: callers must not modify it.
func (wl *Watchlist) keySet(fold bool) map[string]struct{} {
	if fold {
		return wl.lower
	}
	return wl.exact
}

// Contains reports whether v is a SearchKey of the watchlist.
func (wl *Watchlist) Contains(v string, caseSensitive bool) bool {
	if caseSensitive {
		_, ok := wl.exact[v]
		return ok
	}
	_, ok := wl.lower[strings.ToLower(v)]
	return ok
}

// itemID derives a stable item id (a name-based, version 5 style UUID)
// from the alias, the row content and its occurrence number among
// identical rows: editing other rows or reordering leaves it unchanged.
func itemID(alias, content string, occurrence int) string {
	h := sha1.New()
	fmt.Fprintf(h, "kqlhunt-watchlist\x00%s\x00%d\x00%s", alias, occurrence, content)
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// TableSchema returns the schema of _GetWatchlist(alias) for a constant
// string argument; it has the shape of a checker's table-function hook.
func (w *Watchlists) TableSchema(args []types.Value) (*batch.Schema, error) {
	if len(args) != 1 || args[0].Type != types.String {
		return nil, errors.New("_GetWatchlist takes one constant string: the watchlist alias")
	}
	return w.Schema(args[0].S)
}
