package funcs

import (
	"testing"

	"kqlhunt/kql/types"
)

func TestStringFunctions(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// strlen / string_size documentation examples.
		{"strlen", args(S("⒦⒰⒮⒯⒪")), "5"},
		{"strlen", args(S("Hello, world!")), "13"},
		{"string_size", args(S("⒦⒰⒮⒯⒪")), "15"},
		{"substring", args(S("123456"), L(1)), "23456"},
		{"substring", args(S("123456"), L(2), L(2)), "34"},
		{"substring", args(S("ABCD"), L(0), L(2)), "AB"},
		{"substring", args(S("ABCD"), L(10), L(2)), ""},
		{"substring", args(S("123456"), L(-2), L(2)), "56"},
		{"substring", args(S("123456"), L(-10), L(2)), "12"},
		{"substring", args(S("äöüß"), L(1), L(2)), "öü"},
		{"tolower", args(S("Hello")), "hello"},
		{"toupper", args(S("Hello")), "HELLO"},
		// trim documentation examples.
		{"trim", args(S("--"), S("--https://bing.com--")), "https://bing.com"},
		{"trim", args(S(`\s+`), S("    Hello, world!    ")), "Hello, world!"},
		{"trim_start", args(S("https://"), S("https://bing.com")), "bing.com"},
		{"trim_start", args(S(`[^\w]+`), S("-  Te st1// $")), "Te st1// $"},
		{"trim_end", args(S(`\s+`), S("    Hello, world!    ")), "    Hello, world!"},
		{"strcat", args(S("hello"), S(" "), S("world"), L(1)), "hello world1"},
		{"strcat_delim", args(S("-"), S("a"), L(1), B(true)), "a-1-true"},
		{"strcat_array", args(J(`[1, 2, "x"]`), S(",")), "1,2,x"},
		{"split", args(S("aa_bb"), S("_")), `["aa","bb"]`},
		{"split", args(S("aaa_bbb_ccc"), S("_"), L(1)), `["bbb"]`},
		{"split", args(S(""), S("_")), `[""]`},
		{"split", args(S("a__b"), S("_")), `["a","","b"]`},
		{"split", args(S("aabbcc"), S("bb")), `["aa","cc"]`},
		// replace_string documentation example.
		{"replace_string", args(S("A magic trick can turn a cat into a dog"), S("cat"), S("hamster")),
			"A magic trick can turn a hamster into a dog"},
		{"replace_string", args(S("Number is 1.000000"), S("is"), S("was")), "Number was 1.000000"},
		// replace_strings documentation examples.
		{"replace_strings", args(S("A magic trick can turn a cat into a dog"), J(`["cat","dog"]`), J(`["dog","pigeon"]`)),
			"A magic trick can turn a dog into a pigeon"},
		{"replace_strings", args(S("A magic trick can turn a cat into a dog"), J(`["turn"," into a dog"]`), J(`["disappear",""]`)),
			"A magic trick can disappear a cat"},
		{"replace_strings", args(S("This is an example of using replace_strings()"), J(`["This","is"]`), J(`["This","was"]`)),
			"This was an example of using replace_strings()"},
		{"replace_strings", args(S("This is an example of using replace_strings()"), J(`["is","This"]`), J(`["was","This"]`)),
			"Thwas was an example of using replace_strings()"},
		{"replace_regex", args(S("abc-123"), S(`(\w+)-(\d+)`), S(`\2:\1 $`)), "123:abc $"},
		{"replace", args(S(`(\w+)-(\d+)`), S(`\2:\1`), S("abc-123")), "123:abc"},
		// reverse documentation example.
		{"reverse", args(L(12345)), "54321"},
		{"reverse", args(R(123.45)), "54.321"},
		{"reverse", args(DT("2017-10-15 12:00")), "Z0000000.00:00:21T51-01-7102"},
		{"reverse", args(TS("3h")), "00:00:30"},
		// indexof documentation example.
		{"indexof", args(S("abcdefg"), S("cde")), "2"},
		{"indexof", args(S("abcdefg"), S("cde"), L(1), L(4)), "2"},
		{"indexof", args(S("abcdefg"), S("cde"), L(1), L(2)), "-1"},
		{"indexof", args(S("abcdefg"), S("cde"), L(3), L(4)), "-1"},
		{"indexof", args(S("abcdefg"), S("cde"), L(-5)), "2"},
		{"indexof", args(L(1234567), L(5), L(1), L(4)), "4"},
		{"indexof", args(S("abcdefg"), S("cde"), L(2), L(-1)), "2"},
		{"indexof", args(S("abcdefgabcdefg"), S("cde"), L(1), L(10), L(2)), "9"},
		{"indexof", args(S("abcdefgabcdefg"), S("cde"), L(1), L(-1), L(3)), "-1"},
		{"countof", args(S("aaa"), S("a")), "3"},
		{"countof", args(S("aaaa"), S("aa")), "3"},
		{"countof", args(S("aaaa"), S("aa"), S("regex")), "2"},
		{"countof", args(S("ababa"), S("ab"), S("normal")), "2"},
		// extract documentation example (typeof(int)).
		{"extract", args(S(`-(\d{2})-`), L(1), S("15-12-2024"), S("int")), "12"},
		{"extract", args(S(`-(\d{2})-`), L(1), S("21-07-2023"), S("int")), "7"},
		{"extract", args(S(`x=([0-9.]+)`), L(1), S("hello x=3.14 y")), "3.14"},
		{"extract", args(S(`x=([0-9.]+)`), L(0), S("hello x=3.14 y")), "x=3.14"},
		{"extract", args(S(`z=(\d+)`), L(1), S("hello x=3.14 y")), ""},
		{"extract_all", args(S(`(\d+)`), S("a1 b22 c333")), `["1","22","333"]`},
		{"extract_all", args(S(`(\w)(\d+)`), S("a1 b22")), `[["a","1"],["b","22"]]`},
		{"extract_all", args(S(`(\w)(\d+)`), J(`[2]`), S("a1 b22")), `["1","22"]`},
		{"extract_all", args(S(`(\d+)`), S("none")), "null"},
		// regex_quote documentation example.
		{"regex_quote", args(S("(so$me.Te^xt)")), `\(so\$me\.Te\^xt\)`},
		// url_encode / url_decode documentation examples.
		{"url_encode", args(S("https://www.bing.com/hello world")), "https%3a%2f%2fwww.bing.com%2fhello+world"},
		{"url_decode", args(S("https%3a%2f%2fwww.bing.com%2f")), "https://www.bing.com/"},
		{"url_encode_component", args(S("a b")), "a%20b"},
		// base64 documentation examples.
		{"base64_encode_tostring", args(S("Kusto")), "S3VzdG8="},
		{"base64_decode_tostring", args(S("S3VzdG8=")), "Kusto"},
		{"base64_decode_tostring", args(S("U3RyaW5n0KHR0tGA0L7Rh9C60LA=")), ""},
		{"base64_decode_toarray", args(S("S3VzdG8=")), "[75,117,115,116,111]"},
		{"base64_encode_fromarray", args(J("[75,117,115,116,111]")), "S3VzdG8="},
		// Unpadded input does not decode (base64_encode_fromarray documentation example).
		{"base64_decode_toarray", args(S("U3RyaW5n0KHR0tGA0L7Rh9C60LA")), "null"},
		{"base64_decode_tostring", args(S(" S3Vz\r\ndG8= ")), "Kusto"},
		// strrep documentation example.
		{"strrep", args(S("ABC"), L(2)), "ABCABC"},
		{"strrep", args(L(123), L(3), S(".")), "123.123.123"},
		{"strrep", args(TS("3s"), L(2), S(" ")), "00:00:03 00:00:03"},
		// strcmp documentation example.
		{"strcmp", args(S("ABC"), S("ABC")), "0"},
		{"strcmp", args(S("abc"), S("ABC")), "1"},
		{"strcmp", args(S("ABC"), S("abc")), "-1"},
		{"strcmp", args(S("abcde"), S("abc")), "1"},
		{"tohex", args(L(256)), "100"},
		{"tohex", args(L(-546)), "fffffffffffffdde"},
		{"tohex", args(I(-546)), "fffffdde"},
		{"tohex", args(L(48), L(4)), "0030"},
		{"translate", args(S("abc"), S("x"), S("abc")), "xxx"},
		{"translate", args(S("abc"), S(""), S("ab")), ""},
		{"translate", args(S("krasp"), S("otsku"), S("spark")), "kusto"},
		// unicode_codepoints documentation examples.
		{"unicode_codepoints_from_string", args(S("⒦⒰⒮⒯⒪")), "[9382,9392,9390,9391,9386]"},
		{"unicode_codepoints_to_string", args(J("[75, 117, 115]"), L(116), L(111)), "Kusto"},
		{"isascii", args(S("abc")), "true"},
		{"isascii", args(S("äbc")), "false"},
		// parse_url documentation example (Path keeps its leading slash).
		{"parse_url", args(S("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")),
			`{"Scheme":"scheme","Host":"host","Port":"1234","Path":"/this/is/a/path","Username":"username","Password":"password","Query Parameters":{"k1":"v1","k2":"v2"},"Fragment":"fragment"}`},
		{"parse_urlquery", args(S("k1=v1&k2=v%202")), `{"Query Parameters":{"k1":"v1","k2":"v 2"}}`},
		// parse_path documentation example.
		{"parse_path", args(S(`C:\temp\file.txt`)),
			`{"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
		{"parse_path", args(S(`temp\file.txt`)),
			`{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
		{"parse_path", args(S("file://C:/temp/file.txt:some.exe")),
			`{"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}`},
		{"parse_path", args(S(`\\shared\users\temp\file.txt.gz`)),
			`{"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}`},
		{"parse_path", args(S("/usr/lib/temp/file.txt")),
			`{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
	})
}

func TestTypeArg(t *testing.T) {
	f, _ := Lookup("extract")
	if f.TypeArg != 4 {
		t.Errorf("extract TypeArg = %d", f.TypeArg)
	}
	if rt, ok := ResultTypeFromName("int"); !ok || rt != types.Int {
		t.Errorf("ResultTypeFromName(int) = %s, %v", rt, ok)
	}
	v := call(t, "extract_json", S("$.name"), S(`{"name": "John", "age": 30, "city": "New York"}`), S("string"))
	if v.S != "John" {
		t.Errorf("extract_json documentation example = %v", v)
	}
	if v := call(t, "extract_json", S("$.age"), S(`{"name": "John", "age": 30}`), S("long")); v.Type != types.Long || v.I != 30 {
		t.Errorf("extract_json typeof(long) = %v", v)
	}
}

func TestRegexErrors(t *testing.T) {
	f, _ := Lookup("extract")
	if _, err := f.Eval(&Context{}, args(S("("), L(1), S("x"))); err == nil {
		t.Error("extract with a bad regex: no error")
	}
	// The per-query cache returns the same compiled pattern.
	ctx := &Context{}
	a, _ := ctx.Regexp(`\d+`)
	b, _ := ctx.Regexp(`\d+`)
	if a != b {
		t.Error("regex cache miss for a repeated pattern")
	}
}

func TestSimpleScalarsDoNotAllocate(t *testing.T) {
	ctx := &Context{Now: testNow}
	for _, c := range []struct {
		name string
		args []types.Value
	}{
		{"isnotempty", args(S("x"))},
		{"strlen", args(S("hello"))},
		{"tolower", args(S("hello"))},
		{"bin", args(DT("2021-01-01 10:11:12"), TS("1h"))},
		{"ago", args(TS("1d"))},
		{"iff", args(B(true), S("a"), S("b"))},
		{"substring", args(S("hello"), L(1), L(2))},
		{"ipv4_is_private", args(S("10.1.2.3"))},
		{"has_ipv4", args(S("from 10.0.0.1 to"), S("10.0.0.1"))},
	} {
		f, _ := Lookup(c.name)
		n := testing.AllocsPerRun(50, func() { _, _ = f.Eval(ctx, c.args) })
		if n > 0 {
			t.Errorf("%s allocates %v times per call", c.name, n)
		}
	}
}

func TestExtraFunctions(t *testing.T) {
	runScalarCases(t, []scalarCase{
		{"repeat", args(S("a"), L(3)), `["a","a","a"]`},
		{"repeat", args(L(1), L(0)), `[]`},
		{"indexof_regex", args(S("abcabc"), S("a.c")), "0"},
		{"indexof_regex", args(S("abcabc"), S("a.c"), L(1)), "3"},
		{"indexof_regex", args(S("abcabc"), S("a.c"), L(0), L(-1), L(2)), "3"},
		{"indexof_regex", args(S("abcabc"), S("x")), "-1"},
		{"parse_csv", args(S(`aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1
line2"`)), `["aa","b,b,b","cc","Escaping quotes: \"Title\"","line1\nline2"]`},
		{"has_any_index", args(S("this is an example"), J(`["this","example"]`)), "0"},
		{"has_any_index", args(S("this is an example"), J(`["not","example"]`)), "1"},
		{"has_any_index", args(S("this is an example"), J(`["not","found"]`)), "-1"},
		// base64 guid documentation examples. The guid byte layout is .NET's
		// (first three groups little-endian), which the encode example
		// confirms; the decode page prints the third group unswapped
		// (754c), which would not round-trip, so the .NET layout is kept.
		{"base64_decode_toguid", args(S("JpbpECu8dUy7Pv5gbeJXAA==")), "10e99626-bc2b-4c75-bb3e-fe606de25700"},
		{"base64_decode_toguid", args(S("8jMxriJurkmwahbmqbIS6w==")), "ae3133f2-6e22-49ae-b06a-16e6a9b212eb"},
		{"base64_encode_fromguid", args(types.NewGuid("ae3133f2-6e22-49ae-b06a-16e6a9b212eb")), "8jMxriJurkmwahbmqbIS6w=="},
		{"parse_command_line", args(S(`echo "hello world!" print$?`), S("windows")), `["echo","hello world!","print$?"]`},
		{"parse_command_line", args(S(`a\\\"b "c d"\\`), S("windows")), `["a\\\"b","c d\\\\"]`},
		{"jaccard_index", args(J(`[1,2,3]`), J(`[1,2,3,4]`)), "0.75"},
		{"to_utf8", args(S("Ab")), "[65,98]"},
		{"array_iif", args(J(`[true,false]`), L(1), L(0)), "[1,0]"},
	})
}

func TestRegexCacheConcurrent(t *testing.T) {
	ctx := &Context{}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := 0; i < 300; i++ {
				pat := `\d+` + string(rune('a'+(i+g)%20))
				if _, err := ctx.Regexp(pat); err != nil {
					t.Error(err)
				}
			}
			done <- true
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
