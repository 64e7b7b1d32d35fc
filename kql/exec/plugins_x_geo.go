package exec

import (
	"context"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/kql/types"
)

// planGeoPolygonLookup joins each point (longitude, latitude) with the
// polygons of a lookup table that contain it.
func planGeoPolygonLookup(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	return planGeoLookup(p, op, in, "geo_point_in_polygon", 4)
}

// planGeoLineLookup joins each point with the lines of a lookup table
// within a distance (in meters) of it.
func planGeoLineLookup(p *planner, op *syntax.EvaluateOp, in Node) (Node, error) {
	return planGeoLookup(p, op, in, "geo_distance_point_to_line", 5)
}

// planGeoLookup implements geo_polygon_lookup and geo_line_lookup with the
// catalogue's geometry functions: (Table, KeyColumn, longitude, latitude
// [, radius] [, return_unmatched] [, return_lookup_key]).
func planGeoLookup(p *planner, op *syntax.EvaluateOp, in Node, fname string, nPos int) (Node, error) {
	if err := needInput(p, op, in); err != nil {
		return nil, err
	}
	name := op.Call.Fun.Name
	pos, named := pluginArgs(op.Call)
	if len(pos) < nPos {
		return nil, p.errorf(op.Call, "%s() needs %d arguments", name, nPos)
	}
	flags := map[string]bool{}
	for i, key := range []string{"return_unmatched", "return_lookup_key"} {
		e, ok := named[key]
		if !ok && len(pos) > nPos+i {
			e, ok = pos[nPos+i], true
		}
		if ok {
			v, err := p.constArg(e)
			if err != nil {
				return nil, err
			}
			flags[key] = asBool(v).Bool()
		}
	}
	f := check.LookupFunc(fname)
	if f == nil || f.Eval == nil {
		return nil, p.errorf(op.Call, "%s() needs %s(), which is not available", name, fname)
	}
	lookup, err := p.plan(pos[0])
	if err != nil {
		return nil, err
	}
	inS, lS := in.Schema(), lookup.Schema()
	key, err := columnArg(p, pos[1], lS, name)
	if err != nil {
		return nil, err
	}
	c := p.compiler(inS)
	lon, err := c.compile(pos[2])
	if err != nil {
		return nil, err
	}
	lat, err := c.compile(pos[3])
	if err != nil {
		return nil, err
	}
	var radius types.Value
	if nPos == 5 {
		if radius, err = p.constArg(pos[4]); err != nil {
			return nil, err
		}
		if r := types.ToReal(radius); r.IsNull() || r.F < 0 {
			return nil, p.errorf(pos[4], "%s(): the radius must be a non-negative number of meters", name)
		}
		radius = types.ToReal(radius)
	}
	out := cloneSchemaExec(inS)
	var lcols []int
	for j, fl := range lS.Fields {
		if j == key && !flags["return_lookup_key"] {
			continue
		}
		fl.Name = check.UniqueName(fl.Name, func(s string) bool { return out.Index(s) >= 0 })
		out.Fields = append(out.Fields, fl)
		lcols = append(lcols, j)
	}
	fctx := p.q.fctx
	return &funcNode{schema: out, run: func(ctx context.Context, emit func(*batch.Batch) error) error {
		lb, used, err := drain(ctx, lookup, p.q.mem, name)
		if err != nil {
			return err
		}
		defer p.q.mem.release(used)
		shapes := make([]types.Value, lb.Len)
		for r := range shapes {
			shapes[r] = valueAt(lb.Cols[key], r)
		}
		return in.Run(ctx, func(b *batch.Batch) error {
			lonc, err := lon.run(b)
			if err != nil {
				return err
			}
			latc, err := lat.run(b)
			if err != nil {
				return err
			}
			var sel, lsel []int32
			args := make([]types.Value, 3)
			for r := 0; r < b.Len; r++ {
				if err := ctx.Err(); err != nil {
					return err
				}
				x, y := valueAt(lonc, r), valueAt(latc, r)
				matched := false
				for lr, shape := range shapes {
					if shape.IsNull() {
						continue
					}
					args[0], args[1], args[2] = x, y, shape
					v, err := f.Eval(fctx, args)
					if err != nil {
						return err
					}
					var hit bool
					if nPos == 4 {
						hit = asBool(v).Bool()
					} else {
						d := types.ToReal(v)
						hit = !d.IsNull() && d.F <= radius.F
					}
					if hit {
						matched = true
						sel = append(sel, int32(r))
						lsel = append(lsel, int32(lr))
					}
				}
				if !matched && flags["return_unmatched"] {
					sel = append(sel, int32(r))
					lsel = append(lsel, -1)
				}
			}
			if len(sel) == 0 {
				return nil
			}
			ob := &batch.Batch{Schema: out, Cols: make([]*batch.Column, 0, len(out.Fields)), Len: len(sel)}
			for i := range inS.Fields {
				ob.Cols = append(ob.Cols, batch.Take(b.Cols[i], sel))
			}
			for _, j := range lcols {
				ob.Cols = append(ob.Cols, gatherNullable(lb.Cols[j], lsel))
			}
			return emit(ob)
		})
	}}, nil
}
