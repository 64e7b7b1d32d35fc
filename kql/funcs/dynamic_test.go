package funcs

import (
	"testing"

	"kqlhunt/kql/types"
)

func TestDynamicFunctions(t *testing.T) {
	arr := J(`["this", "is", "an", "example", "an", "example"]`)
	runScalarCases(t, []scalarCase{
		{"array_length", args(J(`[1, 2, 3, "four"]`)), "4"},
		{"array_length", args(J(`{"a":1}`)), "null"},
		{"array_concat", args(J(`[1,2]`), J(`["a"]`)), `[1,2,"a"]`},
		// array_slice documentation examples.
		{"array_slice", args(J(`[1,2,3,4,5]`), L(2), L(-1)), "[3,4,5]"},
		{"array_slice", args(J(`[1,2,3,4,5]`), L(-3), L(-2)), "[3,4]"},
		{"array_slice", args(J(`[1,2,3,4,5]`), L(4), L(2)), "[]"},
		// array_index_of documentation example.
		{"array_index_of", args(arr, S("an")), "2"},
		{"array_index_of", args(arr, S("example"), L(1), L(3)), "3"},
		{"array_index_of", args(arr, S("example"), L(1), L(2)), "-1"},
		{"array_index_of", args(arr, S("is"), L(2), L(4)), "-1"},
		{"array_index_of", args(arr, S("example"), L(2), L(-1)), "3"},
		{"array_index_of", args(arr, S("an"), L(1), L(-1), L(2)), "4"},
		{"array_index_of", args(arr, S("an"), L(1), L(-1), L(3)), "-1"},
		{"array_index_of", args(arr, S("an"), L(-3)), "4"},
		{"array_index_of", args(arr, S("is"), L(-4)), "-1"},
		// array_sort documentation examples.
		{"array_sort_asc", args(J(`[1,3,4,5,2]`), J(`["a","b","c","d","e"]`)), `[[1,2,3,4,5],["a","e","b","c","d"]]`},
		{"array_sort_desc", args(J(`[1,3,4,5,2]`), J(`["a","b","c","d","e"]`)), `[[5,4,3,2,1],["d","c","b","e","a"]]`},
		{"array_sort_asc", args(J(`[null,"blue","yellow","green",null]`)), `["blue","green","yellow",null,null]`},
		{"array_sort_asc", args(J(`[null,"blue","yellow","green",null]`), B(false)), `[null,null,"blue","green","yellow"]`},
		{"array_sort_desc", args(J(`[null,"blue","yellow","green",null]`)), `["yellow","green","blue",null,null]`},
		{"array_sort_asc", args(J(`["Paul","John","Kao","Jane"]`)), `["Jane","John","Kao","Paul"]`},
		{"array_reverse", args(J(`[1,"a",null]`)), `[null,"a",1]`},
		{"array_sum", args(J(`[1,2.5,3]`)), "6.5"},
		// array_iff documentation examples.
		{"array_iff", args(J(`[true,false,true]`), J(`[1,2,3]`), J(`[4,5,6]`)), "[1,5,3]"},
		{"array_iff", args(J(`[true,true,true]`), J(`[1,2]`), J(`[3,4]`)), "[1,2,null]"},
		// rotate / shift / split documentation examples.
		{"array_rotate_left", args(J(`[1,2,3,4,5]`), L(2)), "[3,4,5,1,2]"},
		{"array_rotate_left", args(J(`[1,2,3,4,5]`), L(-2)), "[4,5,1,2,3]"},
		{"array_rotate_right", args(J(`[1,2,3,4,5]`), L(2)), "[4,5,1,2,3]"},
		{"array_shift_left", args(J(`[1,2,3,4,5]`), L(2)), "[3,4,5,null,null]"},
		{"array_shift_left", args(J(`[1,2,3,4,5]`), L(2), L(-1)), "[3,4,5,-1,-1]"},
		{"array_shift_right", args(J(`[1,2,3,4,5]`), L(2)), "[null,null,1,2,3]"},
		{"array_split", args(J(`[1,2,3,4,5]`), L(2)), "[[1,2],[3,4,5]]"},
		{"array_split", args(J(`[1,2,3,4,5]`), J(`[1,3]`)), "[[1],[2,3],[4,5]]"},
		// set functions documentation examples.
		{"set_union", args(J(`[1,2,1,4]`), J(`[1,2]`), J(`[8]`)), "[1,2,4,8]"},
		{"set_intersect", args(J(`[1,2,3]`), J(`[4,5]`)), "[]"},
		{"set_intersect", args(J(`[1,2,3]`), J(`[3,2,9]`)), "[2,3]"},
		{"set_difference", args(J(`[1,2,1,4]`), J(`[1,2]`), J(`[1,2,8]`)), "[4]"},
		{"set_difference", args(J(`[1,2,3]`), J(`[1,2,3]`)), "[]"},
		{"set_has_element", args(J(`["a","b"]`), S("b")), "true"},
		{"set_has_element", args(J(`[1,2]`), L(3)), "false"},
		// pack_array documentation examples.
		{"pack_array", args(L(1), L(2), L(4)), "[1,2,4]"},
		{"pack_array", args(L(1), S("2"), TS("2s")), `[1,"2","00:00:02"]`},
		{"pack_array", args(R(5), DT("2020-01-01")), `[5.0,"2020-01-01T00:00:00.0000000Z"]`},
		// bag_pack documentation example.
		{"bag_pack", args(S("Level"), S("Information"), S("ProcessID"), L(1234), S("Data"), J(`{"url":"www.bing.com"}`)),
			`{"Level":"Information","ProcessID":1234,"Data":{"url":"www.bing.com"}}`},
		{"pack", args(S("Dest"), I(100), S("Text"), S("Hi")), `{"Dest":100,"Text":"Hi"}`},
		// bag_keys documentation example.
		{"bag_keys", args(J(`{"a":"b","c":123}`)), `["a","c"]`},
		{"bag_keys", args(J(`{}`)), `[]`},
		{"bag_keys", args(J(`"a"`)), `null`},
		{"bag_keys", args(J(`[]`)), `null`},
		// bag_merge documentation example.
		{"bag_merge", args(J(`{"A1":12,"B1":2,"C1":3}`), J(`{"A2":81,"B2":82,"A1":1}`)), `{"A1":12,"B1":2,"C1":3,"A2":81,"B2":82}`},
		// bag_remove_keys documentation examples.
		{"bag_remove_keys", args(J(`{"key1":123,"key2":"abc"}`), J(`["key2","key4"]`)), `{"key1":123}`},
		{"bag_remove_keys", args(J(`{"key1":"value","key3":42.0}`), J(`["key2","key4"]`)), `{"key1":"value","key3":42.0}`},
		{"bag_remove_keys", args(J(`{"key1":123,"key2":{"prop1":"abc","prop2":"xyz"},"key3":[100,200]}`), J(`["$.key2.prop1","key3"]`)),
			`{"key1":123,"key2":{"prop2":"xyz"}}`},
		// bag_has_key documentation examples.
		{"bag_has_key", args(J(`{"key1":123,"key2":"abc"}`), S("key2")), "true"},
		{"bag_has_key", args(J(`{"key1":123,"key3":"abc"}`), S("key2")), "false"},
		{"bag_has_key", args(J(`{"key1":123,"key2":{"prop1":"abc"}}`), S("$.key2.prop1")), "true"},
		{"bag_set_key", args(J(`{"a":1}`), S("b"), L(2)), `{"a":1,"b":2}`},
		// bag_zip documentation examples.
		{"bag_zip", args(J(`["a","b","c"]`), J(`[1,"2"]`)), `{"a":1,"b":"2","c":null}`},
		{"bag_zip", args(J(`["a","b"]`), J(`[1,"2",2.5]`)), `{"a":1,"b":"2"}`},
		{"bag_zip", args(J(`["a",8,"b"]`), J(`[1,"2",2.5]`)), `{"a":1,"b":2.5}`},
		{"bag_zip", args(J(`["a",8,"b"]`), J(`1`)), `{"a":null,"b":null}`},
		{"bag_zip", args(J(`"a"`), J(`[1,"2",2.5]`)), `null`},
		// zip documentation examples.
		{"zip", args(J(`["A", 1, 1.5]`), J(`[{}, "B"]`)), `[["A",{}],[1,"B"],[1.5,null]]`},
		{"zip", args(J(`[1,2,3]`), J(`["one","two","three"]`)), `[[1,"one"],[2,"two"],[3,"three"]]`},
		// range documentation examples.
		{"range", args(L(1), L(8), L(3)), "[1,4,7]"},
		{"range", args(L(1), L(3)), "[1,2,3]"},
		{"range", args(R(1), R(2), R(0.5)), "[1.0,1.5,2.0]"},
		{"range", args(DT("2020-01-01"), DT("2020-01-01 02:00")), `["2020-01-01T00:00:00.0000000Z","2020-01-01T01:00:00.0000000Z","2020-01-01T02:00:00.0000000Z"]`},
		// dynamic_to_json documentation example (keys sorted).
		{"dynamic_to_json", args(J(`{"Y10":{},"X8":{"c3":1,"d8":5,"a4":6},"D1":114,"A1":12,"B1":2,"C1":3,"A14":[15,13,18]}`)),
			`{"A1":12,"A14":[15,13,18],"B1":2,"C1":3,"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}`},
		{"todynamic", args(S(`{"a":[1,2]}`)), `{"a":[1,2]}`},
		{"parse_json", args(S(`{"a":123, "b":"{\"c\":456}"}`)), `{"a":123,"b":"{\"c\":456}"}`},
		{"gettype", args(J(`[1]`)), "array"},
		{"gettype", args(J(`{"a":1}`)), "dictionary"},
		{"gettype", args(J(`1.5`)), "real"},
		{"gettype", args(L(1)), "long"},
		{"gettype", args(S("x")), "string"},
		{"gettype", args(types.NullOf(types.Dynamic)), "null"},
		// parse_xml.
		{"parse_xml", args(S(`<event><ProcessId>3</ProcessId><data name="a">x</data><data>y</data><empty/></event>`)),
			`{"event":{"ProcessId":"3","data":[{"@name":"a","#text":"x"},"y"],"empty":null}}`},
		{"parse_xml", args(S(`not xml`)), "null"},
	})
	// range() stops at 1,048,576 elements, as documented.
	if v := call(t, "range", L(1), L(1000000000)); len(v.D.([]any)) != 1048576 {
		t.Errorf("range(1, 1000000000) has %d elements", len(v.D.([]any)))
	}
}

func TestLogicFunctions(t *testing.T) {
	runScalarCases(t, []scalarCase{
		{"case", args(B(false), L(1), B(true), L(2), L(3)), "2"},
		{"case", args(B(false), L(1), B(false), L(2), L(3)), "3"},
		{"case", args(B(true), I(1), R(2.5)), "1"},
		{"coalesce", args(types.NullOf(types.Long), L(42), L(43)), "42"},
		{"coalesce", args(S(""), S("x")), "x"},
		{"coalesce", args(types.NullOf(types.Long), types.NullOf(types.Long)), "null"},
		{"isnull", args(S("")), "false"},
		{"isnull", args(types.NullOf(types.Long)), "true"},
		{"isnull", args(J("null")), "true"},
		{"isnotnull", args(L(1)), "true"},
		{"isempty", args(S("")), "true"},
		{"isempty", args(types.NullOf(types.Long)), "true"},
		{"isempty", args(L(0)), "false"},
		{"not", args(B(true)), "false"},
		{"not", args(types.NullOf(types.Bool)), "null"},
		{"tobool", args(S("true")), "true"},
		{"tobool", args(L(0)), "false"},
		{"todouble", args(S("1.5")), "1.5"},
		{"todecimal", args(S("123.45678")), "123.45678"},
		{"totimespan", args(S("0.00:01:00")), "00:01:00"},
		{"tolong", args(S("12")), "12"},
		{"toint", args(S("2147483648")), "null"},
	})
}
