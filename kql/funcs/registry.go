package funcs

import (
	"fmt"
	"regexp"
	"sort"

	"kqlhunt/kql/types"
)

// tables lists the per-area catalogue tables.
var tables = [][]*Func{
	stringFuncs, convFuncs, logicFuncs, datetimeFuncs, mathFuncs,
	dynamicFuncs, ipFuncs, hashFuncs, aggFuncs, windowFuncs, specialFuncs, miscFuncs, extraFuncs, seriesFuncs, anomalyFuncs,
	convertFuncs, aggMoreFuncs, seriesMoreFuncs, punycodeFuncs, betaFuncs, compressFuncs, digestFuncs, hllFuncs,
	versionFuncs, binAutoFuncs, fitPolyFuncs, fit2LinesFuncs, forecastFuncs, treepathFuncs, buildSchemaFuncs,
}

// catalog maps each function name to its entry. It is built once at package
// initialisation from the per-area tables and never modified afterwards.
var catalog, sortedNames = buildCatalog(tables...)

// allEntries returns every catalogue entry, duplicates included, for tests.
func allEntries() [][]*Func { return tables }

func buildCatalog(tables ...[]*Func) (map[string]*Func, []string) {
	m := make(map[string]*Func)
	var names []string
	for _, t := range tables {
		for _, f := range t {
			if _, dup := m[f.Name]; dup {
				continue // reported by TestCatalogNoDuplicates
			}
			if f.Result != nil {
				f.Result = named(f.Name, f.Result)
			}
			m[f.Name] = f
			names = append(names, f.Name)
		}
	}
	for _, p := range aliases {
		f, ok := m[p[1]]
		if !ok {
			continue // reported by TestAliases
		}
		if _, dup := m[p[0]]; dup {
			continue
		}
		m[p[0]] = alias(p[0], f)
		names = append(names, p[0])
	}
	sort.Strings(names)
	return m, names
}

// aliases lists deprecated or alternative names: {alias, canonical name}.
var aliases = [][2]string{
	{"parseurl", "parse_url"}, {"parseurlquery", "parse_urlquery"}, {"parsepath", "parse_path"},
	{"extractall", "extract_all"}, {"extractjson", "extract_json"},
	{"base64_decodestring", "base64_decode_tostring"}, {"base64_encodestring", "base64_encode_tostring"},
	{"makeset", "make_set"}, {"makelist", "make_list"},
	{"makeset_if", "make_set_if"}, {"makelist_if", "make_list_if"}, {"make_dictionary", "make_bag"},
	{"arraylength", "array_length"}, {"array_strcat", "strcat_array"},
	{"any", "take_any"}, {"anyif", "take_anyif"}, {"argmax", "arg_max"}, {"argmin", "arg_min"},
	{"columnifexists", "column_ifexists"}, {"pack", "bag_pack"}, {"pack_dictionary", "bag_pack"},
	{"datepart", "datetime_part"}, {"datetimeadd", "datetime_add"}, {"datetimediff", "datetime_diff"},
	{"getmonth", "monthofyear"}, {"array_iif", "array_iff"},
	{"make_string", "unicode_codepoints_to_string"}, {"merge_tdigests", "tdigest_merge"}, {"row_rank", "row_rank_min"},
}

// named wraps a result rule so that its errors name the function.
func named(name string, r func([]types.Type) (types.Type, error)) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		t, err := r(args)
		if err != nil {
			return t, fmt.Errorf("%s(): %w", name, err)
		}
		return t, nil
	}
}

// regexEntry is a cached compilation result.
type regexEntry struct {
	re  *regexp.Regexp
	err error
}

// maxCachedRegexes bounds the per-query regex cache.
const maxCachedRegexes = 256

// regexKey identifies a cached pattern: the pattern text and how it is
// wrapped (plain, or anchored for trim_start / trim_end).
type regexKey struct {
	wrap uint8
	pat  string
}

// Pattern wrappings.
const (
	wrapNone  uint8 = iota
	wrapStart       // ^(?:pat)+
	wrapEnd         // (?:pat)+$
)

// Regexp returns the compiled form of a Kusto (RE2) pattern, caching it for
// the rest of the query. A nil Context compiles without caching.
func (c *Context) Regexp(pattern string) (*regexp.Regexp, error) {
	return c.regexp(wrapNone, pattern)
}

func (c *Context) regexp(wrap uint8, pattern string) (*regexp.Regexp, error) {
	full := func() string {
		switch wrap {
		case wrapStart:
			return `^(?:` + pattern + `)+`
		case wrapEnd:
			return `(?:` + pattern + `)+$`
		}
		return pattern
	}
	if c == nil {
		return compileRegex(full())
	}
	k := regexKey{wrap, pattern}
	rc := &c.regexes
	rc.mu.Lock()
	e, ok := rc.m[k]
	rc.mu.Unlock()
	if ok {
		return e.re, e.err
	}
	re, err := compileRegex(full())
	rc.mu.Lock()
	if rc.m == nil || len(rc.m) >= maxCachedRegexes {
		rc.m = make(map[regexKey]regexEntry)
	}
	rc.m[k] = regexEntry{re, err}
	rc.mu.Unlock()
	return re, err
}

func compileRegex(pattern string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %w", pattern, err)
	}
	return re, nil
}
