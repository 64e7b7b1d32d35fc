package funcs

import (
	"testing"

	"kqlhunt/kql/types"
)

// rows1 turns values into one-argument rows.
func rows1(vals ...types.Value) [][]types.Value {
	out := make([][]types.Value, len(vals))
	for i, v := range vals {
		out[i] = []types.Value{v}
	}
	return out
}

func rangeRows(from, to int64, f func(x int64) []types.Value) [][]types.Value {
	var out [][]types.Value
	for x := from; x <= to; x++ {
		out = append(out, f(x))
	}
	return out
}

func TestAggregates(t *testing.T) {
	nullR := types.NullOf(types.Real)
	names := []string{"John", "Paul", "George", "Ringo"}
	births := []int64{9, 18, 25, 7}
	var beatles [][]types.Value
	for i, n := range names {
		beatles = append(beatles, []types.Value{S(n), L(births[i]), B(len(n) > 4)})
	}
	pick := func(rows [][]types.Value, idx ...int) [][]types.Value {
		out := make([][]types.Value, len(rows))
		for i, r := range rows {
			for _, k := range idx {
				out[i] = append(out[i], r[k])
			}
		}
		return out
	}
	cases := []struct {
		name  string
		types []types.Type
		rows  [][]types.Value
		want  string
	}{
		// summarize documentation: nulls are ignored by sum/avg, counted by count(y).
		{"sum", []types.Type{types.Real}, rows1(nullR, R(5), R(5), R(5)), "15"},
		{"avg", []types.Type{types.Real}, rows1(nullR, R(5), R(5), R(5)), "5"},
		{"count", []types.Type{types.Real}, rows1(nullR, R(5)), "2"},
		{"make_set", []types.Type{types.Real}, rows1(nullR, R(5)), "[5.0]"},
		{"sum", []types.Type{types.Long}, rows1(L(1), L(2)), "3"},
		{"sum", []types.Type{types.Long}, rows1(types.NullOf(types.Long)), "0"},
		// summarize documentation: defaults of aggregates over no values.
		{"sum", []types.Type{types.Long}, nil, "0"},
		{"sumif", []types.Type{types.Long, types.Bool}, nil, "0"},
		{"avg", []types.Type{types.Long}, nil, "NaN"},
		{"stdev", []types.Type{types.Long}, nil, "0"},
		{"variance", []types.Type{types.Long}, nil, "0"},
		{"max", []types.Type{types.Long}, nil, "null"},
		{"percentile", []types.Type{types.Long, types.Long}, nil, "null"},
		{"take_any", []types.Type{types.Long}, nil, "null"},
		{"count", []types.Type{types.Long}, nil, "0"},
		{"dcount", []types.Type{types.Long}, nil, "0"},
		{"make_set", []types.Type{types.Long}, nil, "[]"},
		{"sum", []types.Type{types.TimeSpan}, rows1(TS("1h"), TS("30m")), "01:30:00"},
		{"avg", []types.Type{types.Long}, rows1(L(1), L(2)), "1.5"},
		// countif / sumif / make_list_if / make_set_if documentation examples.
		{"countif", []types.Type{types.Bool}, pick(beatles, 2), "2"},
		{"sumif", []types.Type{types.Long, types.Bool}, pick(beatles, 1, 2), "32"},
		{"make_list_if", []types.Type{types.String, types.Bool}, pick(beatles, 0, 2), `["George","Ringo"]`},
		{"make_set_if", []types.Type{types.String, types.Bool}, pick(beatles, 0, 2), `["George","Ringo"]`},
		{"avgif", []types.Type{types.Long, types.Bool}, pick(beatles, 1, 2), "16"},
		{"minif", []types.Type{types.Long, types.Bool}, pick(beatles, 1, 2), "7"},
		{"maxif", []types.Type{types.Long, types.Bool}, pick(beatles, 1, 2), "25"},
		{"dcountif", []types.Type{types.String, types.Bool}, pick(beatles, 0, 2), "2"},
		{"min", []types.Type{types.String}, pick(beatles, 0), "George"},
		{"max", []types.Type{types.Long}, pick(beatles, 1), "25"},
		{"max", []types.Type{types.Long}, rows1(types.NullOf(types.Long)), "null"},
		// stdevif / varianceif / variancep documentation examples.
		{"stdevif", []types.Type{types.Long, types.Bool}, rangeRows(1, 100, func(x int64) []types.Value { return []types.Value{L(x), B(x%2 == 0)} }), "29.154759474226502"},
		{"varianceif", []types.Type{types.Long, types.Bool}, rangeRows(1, 100, func(x int64) []types.Value { return []types.Value{L(x), B(x%2 == 0)} }), "850"},
		{"variancep", []types.Type{types.Long}, rangeRows(1, 5, func(x int64) []types.Value { return []types.Value{L(x)} }), "2"},
		{"variance", []types.Type{types.Long}, rangeRows(1, 5, func(x int64) []types.Value { return []types.Value{L(x)} }), "2.5"},
		{"stdevp", []types.Type{types.Long}, rows1(L(2), L(4), L(4), L(4), L(5), L(5), L(7), L(9)), "2"},
		{"stdev", []types.Type{types.Long}, rows1(L(3)), "0"},
		// dcount and count_distinct are exact.
		{"dcount", []types.Type{types.String}, rows1(S("a"), S("b"), S("a"), S("")), "3"},
		{"dcount", []types.Type{types.Long}, rows1(L(1), types.NullOf(types.Long), L(1)), "1"},
		{"count_distinct", []types.Type{types.Long}, rows1(L(1), L(2), L(1)), "2"},
		// make_list documentation examples.
		{"make_list", []types.Type{types.String}, rows1(S("triangle"), S("square"), S("square")), `["triangle","square","square"]`},
		{"make_list", []types.Type{types.Dynamic}, rows1(J(`{"name":"triangle","sideCount":3}`), J(`[1,2]`)), `[{"name":"triangle","sideCount":3},1,2]`},
		// Arrays contribute their elements: wrapping with pack_array keeps
		// an array whole (geo_point_in_polygon documentation example).
		{"make_list", []types.Type{types.Dynamic}, rows1(J(`[[[0,0],[1,0]]]`), J(`[[[5,5],[6,5]]]`)), `[[[0,0],[1,0]],[[5,5],[6,5]]]`},
		{"make_list", []types.Type{types.Long, types.Long}, [][]types.Value{{L(1), L(2)}, {L(2), L(2)}, {L(3), L(2)}}, "[1,2]"},
		{"make_set", []types.Type{types.Long, types.Long}, [][]types.Value{{L(1), L(2)}, {L(2), L(2)}, {L(3), L(2)}}, "[1,2]"},
		{"make_list_with_nulls", []types.Type{types.Long}, rows1(L(1), types.NullOf(types.Long)), "[1,null]"},
		{"make_list", []types.Type{types.Long}, nil, "[]"},
		// make_bag / make_bag_if documentation examples.
		{"make_bag", []types.Type{types.Dynamic}, rows1(J(`{"prop01":"val_a"}`), J(`{"prop02":"val_b"}`), J(`{"prop01":"other"}`)), `{"prop01":"val_a","prop02":"val_b"}`},
		{"make_bag_if", []types.Type{types.Dynamic, types.Bool}, [][]types.Value{{J(`{"prop01":"val_a"}`), B(true)}, {J(`{"prop02":"val_b"}`), B(false)}, {J(`{"prop03":"val_c"}`), B(true)}}, `{"prop01":"val_a","prop03":"val_c"}`},
		{"take_any", []types.Type{types.String}, rows1(S(""), S("x"), S("y")), "x"},
		{"take_anyif", []types.Type{types.String, types.Bool}, [][]types.Value{{S("x"), B(false)}, {S("y"), B(true)}}, "y"},
		// percentile: nearest rank.
		{"percentile", []types.Type{types.Long, types.Long}, rangeRows(1, 10, func(x int64) []types.Value { return []types.Value{L(x), L(50)} }), "5"},
		{"percentile", []types.Type{types.Long, types.Long}, rangeRows(1, 10, func(x int64) []types.Value { return []types.Value{L(x), L(95)} }), "10"},
		{"percentiles_array", []types.Type{types.Long, types.Long, types.Long}, rangeRows(1, 4, func(x int64) []types.Value { return []types.Value{L(x), L(25), L(100)} }), "[1,4]"},
		// percentilesw documentation example.
		{"percentilesw_array", []types.Type{types.Long, types.Long, types.Dynamic}, [][]types.Value{
			{L(10), L(8), J(`[50, 75, 99.9]`)}, {L(20), L(6), J(`[50, 75, 99.9]`)}, {L(30), L(3), J(`[50, 75, 99.9]`)}, {L(40), L(1), J(`[50, 75, 99.9]`)}}, "[20,20,40]"},
		// binary_all_and documentation example.
		{"binary_all_and", []types.Type{types.Long}, rows1(L(0xFFFFFFFF), L(0xFFFFF00F), L(0xCFFFFFFD), L(0xFAFEFFFF)), "3405705229"},
	}
	for _, c := range cases {
		if got := show(aggregate(t, c.name, c.types, c.rows...)); got != c.want {
			t.Errorf("%s = %s, want %s", c.name, got, c.want)
		}
	}
}

func TestPercentilesMulti(t *testing.T) {
	f, _ := Lookup("percentilesw")
	a := f.NewAgg([]types.Type{types.Long, types.Long, types.Long, types.Long, types.Real})
	for _, r := range [][2]int64{{10, 8}, {20, 6}, {30, 3}, {40, 1}} {
		a.Add([]types.Value{L(r[0]), L(r[1]), L(50), L(75), R(99.9)})
	}
	m, ok := a.(MultiAggregator)
	if !ok {
		t.Fatal("percentilesw is not a MultiAggregator")
	}
	var got []string
	for _, v := range m.Results() {
		got = append(got, show(v))
	}
	if len(got) != 3 || got[0] != "20" || got[1] != "20" || got[2] != "40" {
		t.Errorf("percentilesw(LatencyBucket, ReqCount, 50, 75, 99.9) = %v", got)
	}
}

func TestArgMaxArgMin(t *testing.T) {
	// arg_max / arg_min documentation example: arg_max(Version, *) by Fruit.
	type row struct {
		fruit, color string
		version      types.Value
	}
	nullI := types.NullOf(types.Int)
	data := []row{{"Apple", "Red", I(1)}, {"Apple", "Green", nullI}, {"Banana", "Yellow", nullI},
		{"Banana", "Green", nullI}, {"Pear", "Brown", I(1)}, {"Pear", "Green", I(2)}}
	for _, tc := range []struct {
		fn   string
		want map[string][2]string
	}{
		{"arg_max", map[string][2]string{"Apple": {"1", "Red"}, "Banana": {"null", "Yellow"}, "Pear": {"2", "Green"}}},
		{"arg_min", map[string][2]string{"Apple": {"1", "Red"}, "Banana": {"null", "Yellow"}, "Pear": {"1", "Brown"}}},
	} {
		f, _ := Lookup(tc.fn)
		groups := map[string]Aggregator{}
		for _, r := range data {
			a, ok := groups[r.fruit]
			if !ok {
				a = f.NewAgg([]types.Type{types.Int, types.String})
				groups[r.fruit] = a
			}
			a.Add([]types.Value{r.version, S(r.color)})
		}
		for fruit, want := range tc.want {
			ra, ok := groups[fruit].(RowAggregator)
			if !ok {
				t.Fatalf("%s is not a RowAggregator", tc.fn)
			}
			row := ra.Row()
			if got := [2]string{show(groups[fruit].Result()), show(row[1])}; got != want {
				t.Errorf("%s by %s = %v, want %v", tc.fn, fruit, got, want)
			}
		}
	}
}

func TestMakeSetMaxSize(t *testing.T) {
	rows := rangeRows(1, 10, func(x int64) []types.Value { return []types.Value{L(x % 4), L(3)} })
	if got := show(aggregate(t, "make_set", []types.Type{types.Long, types.Long}, rows...)); got != "[1,2,3]" {
		t.Errorf("make_set(x, 3) = %s", got)
	}
	rows = rangeRows(1, 10, func(x int64) []types.Value { return []types.Value{L(x), B(x > 2), L(2)} })
	if got := show(aggregate(t, "make_list_if", []types.Type{types.Long, types.Bool, types.Long}, rows...)); got != "[3,4]" {
		t.Errorf("make_list_if(x, x > 2, 2) = %s", got)
	}
}
