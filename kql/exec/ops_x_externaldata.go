package exec

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

func init() {
	registerOperator(planExternalData, "externaldata")
}

// externalSource is one URI of an externaldata operator and the way to
// open it.
type externalSource struct {
	uri  string
	open func() (io.ReadCloser, error)
}

// localSource opens a local file.
func localSource(uri, path string) externalSource {
	return externalSource{uri: uri, open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// localPath maps an externaldata URI to a local file: a file:// URI or a
// plain path. Remote URIs give an error: the engine runs offline.
func localPath(uri string) (string, error) {
	u := strings.TrimSpace(uri)
	if i := strings.Index(u, ";"); i >= 0 && strings.Contains(strings.ToLower(u), "://") {
		u = u[:i] // credentials or options after ';'
	}
	low := strings.ToLower(u)
	switch {
	case strings.HasPrefix(low, "file://"):
		pu, err := url.Parse(u)
		if err != nil {
			return "", fmt.Errorf("invalid file URI %q: %w", uri, err)
		}
		p := pu.Path
		if pu.Host != "" && pu.Host != "localhost" {
			p = pu.Host + p
		}
		return p, nil
	case strings.Contains(low, "://"):
		return "", fmt.Errorf("externaldata cannot read %s: queries run offline; download the data and pass it as a local file (a path or a file:// URI)", uri)
	}
	return u, nil
}

// declSchema is the schema of declared columns (string when no type is
// written).
func (p *planner) declSchema(cols []*syntax.ColumnDecl) (*batch.Schema, error) {
	s := &batch.Schema{}
	for _, cd := range cols {
		t, err := p.typeRef(cd.Type, types.String)
		if err != nil {
			return nil, err
		}
		s.Fields = append(s.Fields, batch.Field{Name: cd.Name.Name, Type: t})
	}
	return s, nil
}

// planExternalData reads local CSV, TSV or JSON files into the declared
// columns.
func planExternalData(p *planner, o syntax.Operator, _ Node) (Node, error) {
	op := o.(*syntax.ExternalDataOp)
	s, err := p.declSchema(op.Columns)
	if err != nil {
		return nil, err
	}
	format := "csv"
	if v, ok := check.OpParam(op.With, "format"); ok {
		format = strings.ToLower(v)
	}
	skipFirst := false
	if v, ok := check.OpParam(op.With, "ignoreFirstRecord"); ok {
		skipFirst = strings.EqualFold(v, "true")
	}
	switch format {
	case "csv", "tsv", "tsve", "psv", "scsv", "sohsv", "txt", "raw", "json", "multijson":
	default:
		return nil, p.errorf(op, "externaldata: format %q is not supported (csv, tsv, psv, scsv, txt, json, multijson)", format)
	}
	var srcs []externalSource
	for _, u := range op.URIs {
		v, err := p.constArg(u)
		if err != nil {
			return nil, err
		}
		uri := types.ToString(v)
		if local := p.q.opts.ExternalData; local != nil {
			if path, ok := local(uri); ok {
				srcs = append(srcs, localSource(uri, path))
				continue
			}
		}
		path, err := localPath(uri)
		if err != nil {
			return nil, p.errorf(u, "%v", err)
		}
		srcs = append(srcs, localSource(uri, path))
	}
	return &funcNode{schema: s, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		for _, src := range srcs {
			if err := readExternal(ctx, src, s, format, skipFirst, emit); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// rowSink accumulates converted rows and emits full batches.
type rowSink struct {
	s    *batch.Schema
	bld  []*builder
	emit func(*batch.Batch) error
}

func newRowSink(s *batch.Schema, emit func(*batch.Batch) error) *rowSink {
	k := &rowSink{s: s, emit: emit}
	k.reset()
	return k
}

func (k *rowSink) reset() {
	k.bld = make([]*builder, len(k.s.Fields))
	for i, f := range k.s.Fields {
		k.bld[i] = newBuilder(f.Type, 64)
	}
}

func (k *rowSink) add(vals []types.Value) error {
	for i := range k.bld {
		k.bld[i].add(vals[i])
	}
	if len(k.bld) > 0 && k.bld[0].col.Len >= DefaultBatchSize {
		return k.flush()
	}
	return nil
}

func (k *rowSink) flush() error {
	if len(k.bld) == 0 || k.bld[0].col.Len == 0 {
		return nil
	}
	b := &batch.Batch{Schema: k.s, Cols: make([]*batch.Column, len(k.bld)), Len: k.bld[0].col.Len}
	for i, x := range k.bld {
		b.Cols[i] = x.build()
	}
	k.reset()
	return k.emit(b)
}

// textValue converts a field's text to a column type; text that does not
// convert gives null, as Kusto ingestion does.
func textValue(text string, t types.Type) types.Value {
	switch t {
	case types.String:
		return types.NewString(text)
	case types.Dynamic:
		if strings.TrimSpace(text) == "" {
			return types.NullOf(types.Dynamic)
		}
		d, err := types.ParseDynamic(text)
		if err != nil {
			return types.NewDynamic(text)
		}
		return types.NewDynamic(d)
	}
	if strings.TrimSpace(text) == "" {
		return types.NullOf(t)
	}
	return convertTo(types.NewString(strings.TrimSpace(text)), t)
}

func readExternal(ctx context.Context, src externalSource, s *batch.Schema, format string, skipFirst bool, emit func(*batch.Batch) error) error {
	f, err := src.open()
	if err != nil {
		return fmt.Errorf("externaldata: reading %s: %w", src.uri, err)
	}
	defer f.Close()
	sink := newRowSink(s, emit)
	vals := make([]types.Value, len(s.Fields))
	switch format {
	case "json", "multijson":
		dec := json.NewDecoder(bufio.NewReader(f))
		dec.UseNumber()
		rec := 0
		handle := func(raw json.RawMessage) error {
			rec++
			d, err := types.ParseDynamic(string(raw))
			if err != nil {
				return fmt.Errorf("externaldata: %s: record %d: %w", src.uri, rec, err)
			}
			bag, _ := d.(*types.Bag)
			for i, fl := range s.Fields {
				var x any
				if bag != nil {
					x, _ = bag.Get(fl.Name)
				}
				switch {
				case x == nil:
					vals[i] = types.NullOf(fl.Type)
				case fl.Type == types.Dynamic:
					vals[i] = types.NewDynamic(x)
				default:
					vals[i] = convertTo(types.FromDynamic(x), fl.Type)
				}
			}
			return sink.add(vals)
		}
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			var raw json.RawMessage
			err := dec.Decode(&raw)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("externaldata: %s: record %d: %w", src.uri, rec+1, err)
			}
			if t := strings.TrimSpace(string(raw)); strings.HasPrefix(t, "[") {
				var items []json.RawMessage
				if err := json.Unmarshal(raw, &items); err != nil {
					return fmt.Errorf("externaldata: %s: record %d: %w", src.uri, rec+1, err)
				}
				for _, it := range items {
					if err := handle(it); err != nil {
						return err
					}
				}
				continue
			}
			if err := handle(raw); err != nil {
				return err
			}
		}
	case "txt", "raw":
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 64<<20)
		first := true
		for sc.Scan() {
			if first && skipFirst {
				first = false
				continue
			}
			first = false
			for i, fl := range s.Fields {
				if i == 0 {
					vals[i] = textValue(sc.Text(), fl.Type)
				} else {
					vals[i] = types.NullOf(fl.Type)
				}
			}
			if err := sink.add(vals); err != nil {
				return err
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("externaldata: reading %s: %w", src.uri, err)
		}
	default:
		r := csv.NewReader(bufio.NewReader(f))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		r.ReuseRecord = true
		switch format {
		case "tsv", "tsve":
			r.Comma = '\t'
		case "psv":
			r.Comma = '|'
		case "scsv":
			r.Comma = ';'
		case "sohsv":
			r.Comma = '\x01'
		}
		line := 0
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			recd, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			line++
			if err != nil {
				return fmt.Errorf("externaldata: %s: record %d: %w", src.uri, line, err)
			}
			if line == 1 && skipFirst {
				continue
			}
			for i, fl := range s.Fields {
				if i < len(recd) {
					vals[i] = textValue(recd[i], fl.Type)
				} else {
					vals[i] = types.NullOf(fl.Type)
				}
			}
			if err := sink.add(vals); err != nil {
				return err
			}
		}
	}
	return sink.flush()
}
