package funcs

import (
	"testing"
	"time"

	"kqlhunt/kql/types"
)

// testNow is the fixed now() of the tests.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// call evaluates a scalar function from the catalogue, failing the test on
// lookup or evaluation errors and checking the result type against the
// entry's result rule.
func call(t *testing.T, name string, args ...types.Value) types.Value {
	t.Helper()
	f, ok := Lookup(name)
	if !ok {
		t.Fatalf("function %s not in catalogue", name)
	}
	if f.Kind != Scalar {
		t.Fatalf("%s is not a scalar function", name)
	}
	if len(args) < f.MinArgs || f.MaxArgs >= 0 && len(args) > f.MaxArgs {
		t.Fatalf("%s: %d arguments outside [%d, %d]", name, len(args), f.MinArgs, f.MaxArgs)
	}
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type
	}
	rt, err := f.Result(ts)
	if err != nil {
		t.Fatalf("%s result rule: %v", name, err)
	}
	if f.TypeArg > 0 && len(args) >= f.TypeArg {
		if rt, ok = ResultTypeFromName(args[f.TypeArg-1].S); !ok {
			t.Fatalf("%s: bad type name %q", name, args[f.TypeArg-1].S)
		}
	}
	v, err := f.Eval(&Context{Now: testNow}, args)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if rt != types.Null && v.Type != rt && !(v.Type == types.Null) {
		t.Errorf("%s%v: value type %s differs from result rule %s", name, args, v.Type, rt)
	}
	return v
}

// show renders a value for comparison: its tostring text, or "null".
func show(v types.Value) string {
	if v.IsNull() {
		return "null"
	}
	return types.ToString(v)
}

// Short constructors for test tables.
func S(s string) types.Value  { return types.NewString(s) }
func L(i int64) types.Value   { return types.NewLong(i) }
func I(i int64) types.Value   { return types.NewInt(i) }
func R(f float64) types.Value { return types.NewReal(f) }
func B(b bool) types.Value    { return types.NewBool(b) }
func DT(s string) types.Value {
	t, err := types.ParseDateTime(s)
	if err != nil {
		panic(err)
	}
	return types.NewDateTime(t)
}
func TS(s string) types.Value {
	t, err := types.ParseTimeSpan(s)
	if err != nil {
		panic(err)
	}
	return types.NewTimeSpan(t)
}
func J(s string) types.Value {
	d, err := types.ParseDynamic(s)
	if err != nil {
		panic(err)
	}
	return types.NewDynamic(d)
}

var nullL = types.NullOf(types.Long)

type scalarCase struct {
	name string
	args []types.Value
	want string
}

func args(a ...types.Value) []types.Value { return a }

func runScalarCases(t *testing.T, cases []scalarCase) {
	t.Helper()
	for _, c := range cases {
		got := show(call(t, c.name, c.args...))
		if got != c.want {
			t.Errorf("%s(%v) = %q, want %q", c.name, c.args, got, c.want)
		}
	}
}

func TestCatalogNoDuplicates(t *testing.T) {
	seen := map[string]bool{}
	for _, table := range allEntries() {
		for _, f := range table {
			if seen[f.Name] {
				t.Errorf("duplicate catalogue entry %q", f.Name)
			}
			seen[f.Name] = true
			switch f.Kind {
			case Scalar:
				if f.Eval == nil || f.NewAgg != nil {
					t.Errorf("scalar %s: needs Eval and no NewAgg", f.Name)
				}
			case Aggregate:
				if f.NewAgg == nil || f.Eval != nil {
					t.Errorf("aggregate %s: needs NewAgg and no Eval", f.Name)
				}
			case Window, Special:
				if f.NewAgg != nil || f.Eval != nil {
					t.Errorf("%s %s: executor-implemented, must have neither Eval nor NewAgg", f.Kind, f.Name)
				}
			}
			if f.Result == nil {
				t.Errorf("%s: no result rule", f.Name)
			}
			if f.MaxArgs >= 0 && f.MaxArgs < f.MinArgs {
				t.Errorf("%s: MaxArgs %d < MinArgs %d", f.Name, f.MaxArgs, f.MinArgs)
			}
		}
	}
	// Names lists every entry and alias exactly once, sorted, and each name
	// resolves. (Other files of the package may register further entries.)
	names := Names()
	inNames := map[string]bool{}
	for i, n := range names {
		if i > 0 && names[i-1] >= n {
			t.Errorf("Names() not sorted or has duplicates at %q", n)
		}
		inNames[n] = true
		if f, ok := Lookup(n); !ok || f.Name != n {
			t.Errorf("Lookup(%q) does not resolve to itself", n)
		}
	}
	for n := range seen {
		if !inNames[n] {
			t.Errorf("%s missing from Names()", n)
		}
	}
	for _, p := range aliases {
		if seen[p[0]] {
			t.Errorf("alias %s shadows a catalogue entry", p[0])
		}
		if !seen[p[1]] {
			t.Errorf("alias %s refers to missing %s", p[0], p[1])
		}
		if !inNames[p[0]] {
			t.Errorf("alias %s missing from Names()", p[0])
		}
	}
	for _, n := range []string{"count", "make_set", "isnotempty", "bin", "ago", "tostring"} {
		if _, ok := Lookup(n); !ok {
			t.Errorf("Lookup(%q) failed", n)
		}
	}
	if _, ok := Lookup("Count"); ok {
		t.Error("Lookup is case-insensitive; Kusto names are case-sensitive")
	}
}

func TestFirstFunctions(t *testing.T) {
	runScalarCases(t, []scalarCase{
		{"isnotempty", args(S("")), "false"},
		{"isnotempty", args(S("a")), "true"},
		{"isnotempty", args(nullL), "false"},
		{"isempty", args(J(`""`)), "true"},
		{"bin", args(TS("16d"), TS("7d")), "14.00:00:00"},
		{"bin", args(DT("1970-05-11 13:45:07"), TS("1d")), "1970-05-11T00:00:00.0000000Z"},
		{"bin", args(R(4.5), L(1)), "4"},
		{"bin", args(L(-7), L(5)), "-10"},
		{"bin", args(nullL, L(5)), "null"},
		{"ago", args(TS("1h")), "2026-11-26T11:00:00.0000000Z"},
		{"now", args(), "2026-11-26T12:00:00.0000000Z"},
		{"tostring", args(R(1)), "1"},
		{"tostring", args(J(`{"a":[1,"b"]}`)), `{"a":[1,"b"]}`},
		{"tostring", args(J(`"x"`)), `x`},
		{"tostring", args(nullL), ``},
		{"toint", args(R(2.3)), "2"},
		{"todatetime", args(S("12-02-2022")), "2022-12-02T00:00:00.0000000Z"},
		{"toguid", args(S("0123456789abcdef0123456789abcdef")), "01234567-89ab-cdef-0123-456789abcdef"},
		{"toguid", args(S("0123456789ab-cdef-0123-456789abcdef")), "01234567-89ab-cdef-0123-456789abcdef"},
		{"toguid", args(S("a string that isn't a guid")), "null"},
		{"iff", args(B(true), L(1), R(2.5)), "1"},
		{"iff", args(types.NullOf(types.Bool), L(1), L(2)), "2"},
	})
}

// aggregate runs an aggregate over rows of arguments.
func aggregate(t *testing.T, name string, argTypes []types.Type, rows ...[]types.Value) types.Value {
	t.Helper()
	f, ok := Lookup(name)
	if !ok || f.Kind != Aggregate {
		t.Fatalf("aggregate %s not in catalogue", name)
	}
	rt, err := f.Result(argTypes)
	if err != nil {
		t.Fatalf("%s result rule: %v", name, err)
	}
	a := f.NewAgg(argTypes)
	for _, r := range rows {
		a.Add(r)
	}
	v := a.Result()
	if rt != types.Null && v.Type != rt {
		t.Errorf("%s: value type %s differs from result rule %s", name, v.Type, rt)
	}
	return v
}

func TestMakeSetDoc(t *testing.T) {
	// make_set documentation example: arrays contribute their elements.
	vals := []int64{1, 5, 7, 5}
	arrs := []string{`["A1","A2","A3"]`, `["A2","C1"]`, `["C2","A3"]`, `["C2","A1"]`}
	var rowsV, rowsA [][]types.Value
	for i := range vals {
		rowsV = append(rowsV, []types.Value{I(vals[i])})
		rowsA = append(rowsA, []types.Value{J(arrs[i])})
	}
	if got := show(aggregate(t, "make_set", []types.Type{types.Int}, rowsV...)); got != "[1,5,7]" {
		t.Errorf("make_set(Val) = %s", got)
	}
	if got := show(aggregate(t, "make_set", []types.Type{types.Dynamic}, rowsA...)); got != `["A1","A2","A3","C1","C2"]` {
		t.Errorf("make_set(Arr1) = %s", got)
	}
	if got := show(aggregate(t, "count", nil, nil, nil, nil)); got != "3" {
		t.Errorf("count() = %s", got)
	}
}
