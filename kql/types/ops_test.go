package types

import (
	"math"
	"testing"
)

func TestHas(t *testing.T) {
	cases := []struct {
		hay, needle string
		cs, want    bool
	}{
		{"cloud-shell-storage-westeurope", "cloud-shell-storage", false, true},
		{"CLOUD-SHELL-STORAGE-EASTUS", "cloud-shell-storage", false, true},
		{"mycloud-shell-storage", "cloud-shell-storage", false, false},
		{"cloud-shell-storagex", "cloud-shell-storage", false, false},
		{"KustoExplorerQueryRun", "Explorer", false, false},
		{"North America", "america", false, true},
		{"North America", "amer", false, false},
		{"North America", "America", true, true},
		{"North America", "america", true, false},
		{"mycloud x cloud-shell-storage", "cloud-shell-storage", false, true},
		{"a-b", "-b", false, true},
		{"abc", "", false, true},
		{"", "a", false, false},
		{"Ünïcödé Straße", "straße", false, true},
		{"ÜNÏCÖDÉ", "ünïcödé", false, true},
		{"xÜNÏCÖDÉ", "ünïcödé", false, true}, // non-ASCII letters are not term characters
		{"Kusto:  ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;;WilliamGates3rd", "WilliamGates3rd", false, true},
		{"Kusto:  ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;;WilliamGates3rd", "c1db", false, true},
		{"Kusto:  ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;;WilliamGates3rd", "Gates", false, false},
	}
	for _, c := range cases {
		if got := Has(c.hay, c.needle, c.cs); got != c.want {
			t.Errorf("Has(%q, %q, cs=%v) = %v, want %v", c.hay, c.needle, c.cs, got, c.want)
		}
	}
}

func TestStringOperators(t *testing.T) {
	type fn func(string, string, bool) bool
	cases := []struct {
		name        string
		f           fn
		hay, needle string
		cs, want    bool
	}{
		{"hasprefix", HasPrefix, "North America", "ame", false, true},
		{"hasprefix", HasPrefix, "North America", "mer", false, false},
		{"hasprefix_cs", HasPrefix, "North America", "Ame", true, true},
		{"hasprefix_cs", HasPrefix, "North America", "CA", true, false},
		{"hassuffix", HasSuffix, "North America", "ica", false, true},
		{"hassuffix", HasSuffix, "North America", "americ", false, false},
		{"hassuffix_cs", HasSuffix, "North America", "ica", true, true},
		{"hassuffix_cs", HasSuffix, "North America", "icA", true, false},
		{"contains", Contains, "FabriKam", "BRik", false, true},
		{"contains", Contains, "Fabrikam", "xyz", false, false},
		{"contains_cs", Contains, "FabriKam", "Kam", true, true},
		{"contains_cs", Contains, "Fabrikam", "Kam", true, false},
		{"startswith", StartsWith, "Fabrikam", "fab", false, true},
		{"startswith", StartsWith, "Fabrikam", "kam", false, false},
		{"startswith_cs", StartsWith, "Fabrikam", "Fab", true, true},
		{"startswith_cs", StartsWith, "Fabrikam", "fab", true, false},
		{"endswith", EndsWith, "Fabrikam", "Kam", false, true},
		{"endswith", EndsWith, "Fabrikam", "brik", false, false},
		{"endswith", EndsWith, "Straße", "SSE", false, false},
		{"endswith", EndsWith, "STRASSÉ", "ssé", false, true},
		{"endswith_cs", EndsWith, "Fabrikam", "kam", true, true},
		{"contains", Contains, "abc", "", false, true},
	}
	for _, c := range cases {
		if got := c.f(c.hay, c.needle, c.cs); got != c.want {
			t.Errorf("%s(%q, %q) = %v, want %v", c.name, c.hay, c.needle, got, c.want)
		}
	}
	if !EqualFold("abc", "ABC") || EqualFold("aBc", "xyz") || !EqualFold("ÄÖ", "äö") {
		t.Error("EqualFold")
	}
	if IndexOf("abcABC", "CA", false) != 2 || IndexOf("abc", "x", false) != -1 {
		t.Error("IndexOf")
	}
}

func TestStringOperatorsDoNotAllocate(t *testing.T) {
	hay := "Microsoft.Storage/storageAccounts/cloud-shell-storage-westeurope/blobServices"
	n := testing.AllocsPerRun(100, func() {
		Has(hay, "CLOUD-SHELL-STORAGE", false)
		Has(hay, "blobservices", true)
		HasPrefix(hay, "cloud", false)
		Contains(hay, "WESTEUROPE", false)
		StartsWith(hay, "microsoft", false)
		EndsWith(hay, "SERVICES", false)
		EqualFold(hay, hay)
	})
	if n != 0 {
		t.Errorf("string operators allocate %v times per call set", n)
	}
}

func TestArith(t *testing.T) {
	dt := func(s string) Value { v, _ := ParseDateTime(s); return NewDateTime(v) }
	ts := func(s string) Value { v, _ := ParseTimeSpan(s); return NewTimeSpan(v) }
	cases := []struct {
		op   string
		a, b Value
		want string
		typ  Type
	}{
		{"%", NewLong(14), NewLong(12), "2", Long},
		{"%", NewLong(-14), NewLong(12), "10", Long},
		{"%", NewLong(14), NewLong(-12), "2", Long},
		{"%", NewLong(-14), NewLong(-12), "10", Long},
		{"/", NewReal(1), NewLong(2), "0.5", Real},
		{"/", NewLong(1), NewReal(2), "0.5", Real},
		{"/", NewLong(1), NewLong(2), "0", Long},
		{"/", NewInt(7), NewInt(-2), "-3", Long},
		{"/", NewLong(1), NewLong(0), "null", Long},
		{"/", NewReal(1), NewLong(0), "Infinity", Real},
		{"+", NewInt(5), NewInt(10), "15", Long},
		{"+", NullOf(Int), NewLong(10), "null", Long},
		{"*", NullOf(Int), NewLong(10), "null", Long},
		{"+", dt("1970-01-01"), ts("1546897531s"), "2019-01-07T21:45:31.0000000Z", DateTime},
		{"-", dt("2019-01-07 21:45:31"), dt("1970-01-01"), "17903.21:45:31", TimeSpan},
		{"/", ts("1d"), ts("1s"), "86400", Real},
		{"*", NewLong(24 * 60), ts("00:01:00"), "1.00:00:00", TimeSpan},
		{"*", ts("1h"), NewReal(1.5), "01:30:00", TimeSpan},
		{"/", ts("1h"), NewLong(4), "00:15:00", TimeSpan},
		{"-", dt("2020-01-01"), ts("1d"), "2019-12-31T00:00:00.0000000Z", DateTime},
		{"+", NewDynamic(int64(2)), NewLong(3), "5", Dynamic},
		{"+", NewDynamic("x"), NewLong(3), "null", Dynamic},
	}
	for _, c := range cases {
		got, err := Arith(c.op, c.a, c.b)
		if err != nil {
			t.Errorf("%v %s %v: %v", c.a, c.op, c.b, err)
			continue
		}
		s := ToString(got)
		if got.IsNull() {
			s = "null"
		}
		if s != c.want || got.Type != c.typ {
			t.Errorf("%v %s %v = %s (%s), want %s (%s)", c.a, c.op, c.b, s, got.Type, c.want, c.typ)
		}
		if rt, err := ArithType(c.op, c.a.Type, c.b.Type); err != nil || rt != c.typ {
			t.Errorf("ArithType(%s, %s, %s) = %s, %v", c.op, c.a.Type, c.b.Type, rt, err)
		}
	}
	for _, bad := range [][2]Type{{String, Long}, {DateTime, DateTime}, {Bool, Long}} {
		if _, err := ArithType("+", bad[0], bad[1]); err == nil {
			t.Errorf("ArithType(+, %s, %s) accepted", bad[0], bad[1])
		}
	}
	if v, _ := UnaryMinus(NewTimeSpan(5)); v.I != -5 {
		t.Error("unary minus")
	}
}

func TestCompareAndNulls(t *testing.T) {
	n := NullOf(Int)
	five := NewInt(5)
	show := func(v Value) string {
		if v.IsNull() {
			return "null"
		}
		return ToString(v)
	}
	// The null-values page: val > 3, val == int(null), val != int(null).
	cases := []struct {
		op   string
		a, b Value
		want string
	}{
		{">", five, NewLong(3), "true"},
		{">", n, NewLong(3), "null"},
		{"==", five, n, "false"},
		{"!=", five, n, "true"},
		{"==", n, n, "null"},
		{"!=", n, n, "null"},
		{"!=", n, NewLong(5), "true"},
		{"==", NewInt(1), NewReal(1), "true"},
		{"<", NewLong(1), NewReal(1.5), "true"},
		{"==", NewString("a"), NewString("A"), "false"},
		{"==", NewDynamic("abc"), NewString("abc"), "true"},
		{"==", NewDynamic(int64(1)), NewLong(1), "true"},
		{"==", NewReal(math.NaN()), NewReal(math.NaN()), "false"},
		{"<", NewString("a"), NewString("b"), "true"},
		{"==", NewString(""), NewString(""), "true"},
	}
	for _, c := range cases {
		if got := show(CompareOp(c.op, c.a, c.b)); got != c.want {
			t.Errorf("%v %s %v = %s, want %s", c.a, c.op, c.b, got, c.want)
		}
	}
	if got := show(And(NullOf(Bool), NewBool(true))); got != "null" {
		t.Errorf("null and true = %s", got)
	}
	if got := show(And(NullOf(Bool), NewBool(false))); got != "false" {
		t.Errorf("null and false = %s", got)
	}
	if got := show(Or(NullOf(Bool), NewBool(true))); got != "true" {
		t.Errorf("null or true = %s", got)
	}
	if got := show(Not(NullOf(Bool))); got != "null" {
		t.Errorf("not(null) = %s", got)
	}
	if SortCompare(n, five) >= 0 || SortCompare(five, n) <= 0 || SortCompare(n, n) != 0 {
		t.Error("nulls must sort first")
	}
	if KeyOf(NewInt(1)) != KeyOf(NewLong(1)) || KeyOf(NewReal(0)) != KeyOf(NewReal(math.Copysign(0, -1))) {
		t.Error("equal values must have equal keys")
	}
	if KeyOf(NewDynamic("a")) != KeyOf(NewString("a")) {
		t.Error("dynamic string key")
	}
}

func TestConversions(t *testing.T) {
	show := func(v Value) string {
		if v.IsNull() {
			return "null"
		}
		return ToString(v)
	}
	cases := []struct {
		got  Value
		want string
	}{
		{ToLong(NewString("123")), "123"},
		{ToLong(NewString("0x1F")), "31"},
		{ToLong(NewString("abc")), "null"},
		{ToLong(NewReal(-2.7)), "-2"},
		{ToLong(NewBool(true)), "1"},
		{ToInt(NewLong(1 << 40)), "null"},
		{ToInt(NewReal(2.3)), "2"},
		{ToReal(NewString("1e3")), "1000"},
		{ToReal(NewString("nan")), "NaN"},
		{ToReal(NewString("x")), "null"},
		{ToBool(NewString("TRUE")), "true"},
		{ToBool(NewString("false")), "false"},
		{ToBool(NewLong(123)), "true"},
		{ToBool(NewString("yes")), "null"},
		{ToDateTime(NewString("2021-04-28 14:31:30.021")), "2021-04-28T14:31:30.0210000Z"},
		{ToDateTime(NewString("bad")), "null"},
		{ToTimeSpan(NewString("1.02:03:04.5")), "1.02:03:04.5000000"},
		{ToGuid(NewString("{01234567-89AB-CDEF-0123-456789ABCDEF}")), "01234567-89ab-cdef-0123-456789abcdef"},
		{ToDynamic(NewString(`{"a":1}`)), `{"a":1}`},
		{ToDynamic(NewString(`not json`)), `not json`},
		{ToDecimal(NewString("123.45678")), "123.45678"},
		{ToStringValue(NewBool(true)), "true"},
		{ToStringValue(NewTimeSpan(TicksPerSecond)), "00:00:01"},
		{ToLong(NewDynamic(int64(7))), "7"},
		{ToLong(NewDateTime(0)), "621355968000000000"},
	}
	for i, c := range cases {
		if got := show(c.got); got != c.want {
			t.Errorf("case %d: got %q, want %q", i, got, c.want)
		}
	}
	if v := ToDynamic(NewString("not json")); v.Type != Dynamic {
		t.Error("todynamic of non-JSON must be dynamic")
	}
	if j := ToJSON(NewDateTime(0)); j != "1970-01-01T00:00:00.0000000Z" {
		t.Errorf("ToJSON(datetime) = %v", j)
	}
	if j := ToJSON(NullOf(Long)); j != nil {
		t.Errorf("ToJSON(null) = %v", j)
	}
}

func TestKeyOfMatchesDynamicKey(t *testing.T) {
	vals := []Value{NewInt(1), NewLong(-5), NewReal(2.5), NewReal(math.NaN()), NewBool(true), NewString("x"),
		NewString(""), NewDateTime(12345), NewTimeSpan(-3), NewGuid("01234567-89ab-cdef-0123-456789abcdef"),
		NewDecimal(1.5), NewDynamic([]any{int64(1)}), NullOf(Long), NullOf(Dynamic)}
	for _, v := range vals {
		if KeyOf(v) != DynamicKey(ToDynamicElement(v)) {
			t.Errorf("KeyOf(%v) = %v, DynamicKey of its element = %v", v, KeyOf(v), DynamicKey(ToDynamicElement(v)))
		}
	}
}
