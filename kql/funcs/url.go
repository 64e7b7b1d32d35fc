package funcs

import (
	"net/url"
	"strings"

	"kqlhunt/kql/types"
)

// evalParseURL implements parse_url(): a bag with Scheme, Host, Port, Path,
// Username, Password, Query Parameters (a bag) and Fragment. Text that is
// not an absolute URL gives the same keys with empty values.
func evalParseURL(_ *Context, a []types.Value) (types.Value, error) {
	s := argStr(a[0])
	b := &types.Bag{}
	scheme, host, port, path, user, pass, frag := "", "", "", "", "", "", ""
	q := &types.Bag{}
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && strings.Contains(s, "://") {
		scheme, host, port, path, frag = u.Scheme, u.Hostname(), u.Port(), u.EscapedPath(), u.EscapedFragment()
		if p, err := url.PathUnescape(path); err == nil {
			path = p
		}
		if f, err := url.PathUnescape(frag); err == nil {
			frag = f
		}
		if u.User != nil {
			user = u.User.Username()
			pass, _ = u.User.Password()
		}
		q = queryBag(u.RawQuery)
	}
	b.Set("Scheme", scheme)
	b.Set("Host", host)
	b.Set("Port", port)
	b.Set("Path", path)
	b.Set("Username", user)
	b.Set("Password", pass)
	b.Set("Query Parameters", q)
	b.Set("Fragment", frag)
	return types.NewDynamic(b), nil
}

// queryBag parses k1=v1&k2=v2 into a bag, decoding escapes; a repeated key
// keeps its last value.
func queryBag(raw string) *types.Bag {
	q := &types.Bag{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		q.Set(urlDecode(k), urlDecode(v))
	}
	return q
}

// evalParseURLQuery implements parse_urlquery(): {"Query Parameters": {...}}.
func evalParseURLQuery(_ *Context, a []types.Value) (types.Value, error) {
	s := argStr(a[0])
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	b := &types.Bag{}
	b.Set("Query Parameters", queryBag(s))
	return types.NewDynamic(b), nil
}

// evalParsePath implements parse_path(): Scheme, RootPath, DirectoryPath,
// DirectoryName, Filename, Extension and AlternateDataStreamName.
func evalParsePath(_ *Context, a []types.Value) (types.Value, error) {
	s := argStr(a[0])
	scheme := ""
	if i := strings.Index(s, "://"); i > 1 && isSchemeName(s[:i]) {
		scheme, s = s[:i], s[i+3:]
	}
	root := ""
	if len(s) >= 2 && s[1] == ':' && isLetter(s[0]) {
		root = s[:2]
	}
	dir, file := "", s
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		dir, file = s[:i], s[i+1:]
	}
	ads := ""
	if i := strings.IndexByte(file, ':'); i >= 0 && !(root != "" && dir == "" && i == 1) {
		file, ads = file[:i], file[i+1:]
	}
	ext := ""
	if i := strings.LastIndexByte(file, '.'); i >= 0 {
		ext = file[i+1:]
	}
	dirName := dir
	if i := strings.LastIndexAny(dir, `/\`); i >= 0 {
		dirName = dir[i+1:]
	}
	if dirName == root {
		dirName = ""
	}
	b := &types.Bag{}
	b.Set("Scheme", scheme)
	b.Set("RootPath", root)
	b.Set("DirectoryPath", dir)
	b.Set("DirectoryName", dirName)
	b.Set("Filename", file)
	b.Set("Extension", ext)
	b.Set("AlternateDataStreamName", ads)
	return types.NewDynamic(b), nil
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isSchemeName(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
