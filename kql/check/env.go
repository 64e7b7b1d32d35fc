package check

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

//go:embed schemas/*.json
var builtinSchemas embed.FS

// TableFunc returns the schema of a host-supplied table-valued function
// (such as _GetWatchlist) for the given constant arguments.
type TableFunc func(args []types.Value) (*batch.Schema, error)

// Env is what the checker knows about the world outside the query: the
// tables that may be read and the host's table-valued functions.
type Env struct {
	// Tables maps a table name (case-sensitive) to its schema.
	Tables map[string]*batch.Schema
	// TableFuncs maps a function name to a hook returning the schema of
	// the table it produces.
	TableFuncs map[string]TableFunc
}

// NewEnv returns an empty environment.
func NewEnv() *Env {
	return &Env{Tables: map[string]*batch.Schema{}, TableFuncs: map[string]TableFunc{}}
}

// DefaultEnv returns an environment holding the built-in table schemas
// (AzureActivity).
func DefaultEnv() *Env {
	e := NewEnv()
	entries, err := builtinSchemas.ReadDir("schemas")
	if err != nil {
		return e
	}
	for _, ent := range entries {
		data, err := builtinSchemas.ReadFile("schemas/" + ent.Name())
		if err != nil {
			continue
		}
		name, s, err := ParseSchema(data)
		if err != nil {
			continue
		}
		e.Tables[name] = s
	}
	return e
}

// AddTable adds (or replaces) a table schema.
func (e *Env) AddTable(name string, s *batch.Schema) {
	if e.Tables == nil {
		e.Tables = map[string]*batch.Schema{}
	}
	e.Tables[name] = s
}

// TableNames returns the known table names, sorted.
func (e *Env) TableNames() []string {
	names := make([]string, 0, len(e.Tables))
	for n := range e.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

type schemaFile struct {
	Name       string
	Properties []struct {
		Name string
		Type string
	}
}

// ParseSchema decodes a table schema in the JSON form
// {"Name": T, "Properties": [{"Name": C, "Type": "string"}, ...]}.
// Type names are matched case-insensitively (String, DateTime, Dynamic, ...).
func ParseSchema(data []byte) (string, *batch.Schema, error) {
	var f schemaFile
	if err := json.Unmarshal(data, &f); err != nil {
		return "", nil, fmt.Errorf("decoding schema JSON: %w", err)
	}
	if f.Name == "" {
		return "", nil, fmt.Errorf("schema has no Name")
	}
	s := &batch.Schema{}
	seen := map[string]bool{}
	for i, p := range f.Properties {
		if p.Name == "" {
			return "", nil, fmt.Errorf("table %s: property %d has no Name", f.Name, i)
		}
		t, ok := types.ParseType(p.Type)
		if !ok {
			return "", nil, fmt.Errorf("table %s: column %s has unknown type %q", f.Name, p.Name, p.Type)
		}
		if seen[p.Name] {
			return "", nil, fmt.Errorf("table %s: duplicate column %s", f.Name, p.Name)
		}
		seen[p.Name] = true
		s.Fields = append(s.Fields, batch.Field{Name: p.Name, Type: t})
	}
	return f.Name, s, nil
}

// LoadSchemaFile reads one table schema JSON file (see ParseSchema) and
// returns the table name and schema.
func LoadSchemaFile(path string) (string, *batch.Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("reading schema: %w", err)
	}
	name, s, err := ParseSchema(data)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	return name, s, nil
}

// LoadSchemaDir reads every *.json file in dir as a table schema and
// returns them by table name.
func LoadSchemaDir(dir string) (map[string]*batch.Schema, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading schema directory: %w", err)
	}
	out := map[string]*batch.Schema{}
	for _, ent := range entries {
		if ent.IsDir() || !strings.EqualFold(filepath.Ext(ent.Name()), ".json") {
			continue
		}
		name, s, err := LoadSchemaFile(filepath.Join(dir, ent.Name()))
		if err != nil {
			return nil, err
		}
		out[name] = s
	}
	return out, nil
}
