package queryout

import (
	"bytes"
	"encoding/json"
	"testing"

	"kqlhunt/batch"
	"kqlhunt/kql/types"
)

type fakeResult struct {
	cols []batch.Field
	rows [][]types.Value
}

func (f *fakeResult) Columns() []batch.Field     { return f.cols }
func (f *fakeResult) NumRows() int               { return len(f.rows) }
func (f *fakeResult) Value(r, c int) types.Value { return f.rows[r][c] }

func sample() *fakeResult {
	bag, err := types.ParseDynamic(`{"b":1,"a":["x",2.5]}`)
	if err != nil {
		panic(err)
	}
	return &fakeResult{
		cols: []batch.Field{
			{Name: "Caller", Type: types.String},
			{Name: "timekey", Type: types.DateTime},
			{Name: "n", Type: types.Long},
			{Name: "d", Type: types.TimeSpan},
			{Name: "set_X", Type: types.Dynamic},
			{Name: "r", Type: types.Real},
		},
		rows: [][]types.Value{
			{types.NewString("a@x.com"), types.NewDateTime(16195680000000000), types.NewLong(3), types.NewTimeSpan(936000000000), types.NewDynamic(bag), types.NewReal(1.5)},
			{types.NewString(""), types.NullOf(types.DateTime), types.NullOf(types.Long), types.NewTimeSpan(-10000000), types.NullOf(types.Dynamic), types.NewReal(2)},
		},
	}
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "json", sample()); err != nil {
		t.Fatal(err)
	}
	want := `{"columns":[{"name":"Caller","type":"string"},{"name":"timekey","type":"datetime"},{"name":"n","type":"long"},{"name":"d","type":"timespan"},{"name":"set_X","type":"dynamic"},{"name":"r","type":"real"}],"rows":[["a@x.com","2021-04-28T00:00:00.0000000Z",3,"1.02:00:00",{"b":1,"a":["x",2.5]},1.5],["",null,null,"-00:00:01",null,2]]}` + "\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	var v map[string]any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatalf("output is not one JSON object: %v", err)
	}
}

func TestWriteJSONL(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "jsonl", sample()); err != nil {
		t.Fatal(err)
	}
	want := `{"Caller":"a@x.com","timekey":"2021-04-28T00:00:00.0000000Z","n":3,"d":"1.02:00:00","set_X":{"b":1,"a":["x",2.5]},"r":1.5}
{"Caller":"","timekey":null,"n":null,"d":"-00:00:01","set_X":null,"r":2}
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestWriteCSVAndTable(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "csv", sample()); err != nil {
		t.Fatal(err)
	}
	want := "Caller,timekey,n,d,set_X,r\na@x.com,2021-04-28T00:00:00.0000000Z,3,1.02:00:00,\"{\"\"b\"\":1,\"\"a\"\":[\"\"x\"\",2.5]}\",1.5\n,,,-00:00:01,,2\n"
	if buf.String() != want {
		t.Errorf("csv got\n%q\nwant\n%q", buf.String(), want)
	}
	buf.Reset()
	if err := Write(&buf, "table", sample()); err != nil {
		t.Fatal(err)
	}
	wantTable := `Caller   timekey                       n  d           set_X                  r
-------  ----------------------------  -  ----------  ---------------------  ---
a@x.com  2021-04-28T00:00:00.0000000Z  3  1.02:00:00  {"b":1,"a":["x",2.5]}  1.5
                                          -00:00:01                          2
(2 rows)
`
	if buf.String() != wantTable {
		t.Errorf("table got\n%s\nwant\n%s", buf.String(), wantTable)
	}
	if err := Write(&buf, "xml", sample()); err == nil {
		t.Error("unknown format accepted")
	}
}
