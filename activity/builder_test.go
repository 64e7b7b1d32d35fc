package activity

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"kqlhunt/internal/shared"
	"kqlhunt/kql/types"
)

func TestSchemaMatchesTableDefinition(t *testing.T) {
	path := shared.Path(t, "data/azureactivity/schema/AzureActivity.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var def struct {
		Properties []struct{ Name, Type string }
	}
	if err := json.Unmarshal(data, &def); err != nil {
		t.Fatal(err)
	}
	s := Schema()
	if len(def.Properties) != 34 || len(s.Fields) != 35 {
		t.Fatalf("definition has %d columns, schema %d", len(def.Properties), len(s.Fields))
	}
	for i, p := range def.Properties {
		f := s.Fields[i]
		if f.Name != p.Name || f.Type.String() != p.Type {
			t.Errorf("column %d = %s %s, want %s %s", i, f.Name, f.Type, p.Name, p.Type)
		}
	}
	if last := s.Fields[34]; last.Name != "_SubscriptionId" || last.Type != types.String {
		t.Errorf("last column = %+v", last)
	}
}

func TestBuilderProjectionAndDict(t *testing.T) {
	b, err := NewBuilder([]string{"Caller", "TimeGenerated", "EventSubmissionTimestamp", "CorrelationId", "Properties_d"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(b.Schema().Fields); got != 5 {
		t.Fatalf("projected schema has %d fields", got)
	}
	recs := []Record{
		{Caller: "a", TimeGenerated: 10, CorrelationId: "c1", EventSubmissionTimestamp: 11, HasEventSubmission: true, PropertiesD: "p"},
		{Caller: "b", TimeGenerated: 20, CorrelationId: "c2"},
		{Caller: "a", TimeGenerated: 30, CorrelationId: "c3", EventSubmissionTimestamp: 31, HasEventSubmission: true},
		{Caller: "z", TimeGenerated: 40, CorrelationId: "c4", EventSubmissionTimestamp: 41, HasEventSubmission: true},
	}
	first := b.Append(&recs[0])
	if first != nil || b.Append(&recs[1]) != nil {
		t.Fatal("batch returned before it was full")
	}
	bt := b.Append(&recs[2])
	if bt == nil || bt.Len != 3 {
		t.Fatalf("third append should return a batch of 3, got %+v", bt)
	}
	caller := bt.Cols[0]
	if caller.Codes == nil || len(caller.Dict) != 2 || caller.Str(0) != "a" || caller.Str(1) != "b" || caller.Str(2) != "a" {
		t.Errorf("Caller column not dictionary-encoded as expected: %+v", caller)
	}
	if tg := bt.Cols[1]; tg.Ints[2] != 30 || tg.Nulls != nil {
		t.Errorf("TimeGenerated = %+v", tg)
	}
	est := bt.Cols[2]
	if est.Nulls == nil || est.Nulls[0] || !est.Nulls[1] || est.Nulls[2] || est.Ints[2] != 31 || len(est.Nulls) != 3 {
		t.Errorf("EventSubmissionTimestamp nulls = %+v", est)
	}
	if corr := bt.Cols[3]; corr.Strs == nil || corr.Strs[1] != "c2" || corr.Len != 3 {
		t.Errorf("CorrelationId = %+v", corr)
	}
	if d := bt.Cols[4]; d.Dyns[0] != "p" || d.Dyns[1] != nil || d.IsNull(0) || !d.IsNull(1) || len(d.Nulls) != 3 {
		t.Errorf("Properties_d = %+v", d)
	}
	b.Append(&recs[3])
	rest := b.Flush()
	if rest == nil || rest.Len != 1 || rest.Cols[0].Str(0) != "z" || len(rest.Cols[0].Dict) != 1 {
		t.Errorf("flush = %+v", rest)
	}
	if b.Flush() != nil {
		t.Error("second flush should be nil")
	}
	if _, err := NewBuilder([]string{"Calller"}, 1); err == nil || !strings.Contains(err.Error(), `"Caller"`) {
		t.Errorf("unknown column error = %v", err)
	}
}

func TestDeduper(t *testing.T) {
	d := NewDeduper(2)
	a := &Record{EventDataId: "E1", CorrelationId: "c"}
	aUpper := &Record{EventDataId: "e1", CorrelationId: "other"}
	b := &Record{CorrelationId: "c", TimeGenerated: 5, OperationNameValue: "op", ActivityStatusValue: "Success"}
	bCase := &Record{CorrelationId: "C", TimeGenerated: 5, OperationNameValue: "OP", ActivityStatusValue: "Success"}
	bOther := &Record{CorrelationId: "c", TimeGenerated: 5, OperationNameValue: "op", ActivityStatusValue: "Start"}
	steps := []struct {
		r    *Record
		seen bool
	}{{a, false}, {aUpper, true}, {b, false}, {bCase, true}, {bOther, false}, {a, true}}
	for i, s := range steps {
		if got := d.Seen(s.r); got != s.seen {
			t.Errorf("step %d: Seen = %v, want %v", i, got, s.seen)
		}
	}
	// Bounded memory: after many distinct keys the oldest are forgotten.
	for i := 0; i < 10; i++ {
		d.Seen(&Record{EventDataId: string(rune('A' + i))})
	}
	if len(d.cur)+len(d.old) > 4 {
		t.Errorf("dedupe memory grew to %d entries for limit 2", len(d.cur)+len(d.old))
	}
	if d.Seen(a) {
		t.Error("a key older than two generations should be forgotten")
	}
}
