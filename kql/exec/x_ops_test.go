package exec

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"kqlhunt/batch"
	"kqlhunt/kql/check"
	"kqlhunt/kql/types"
)

const xArr = `let data = datatable(index:int, Arr:dynamic)[0, dynamic([7]), 1, dynamic([6, 11, 7])];
`

var xCases = []execCase{
	// mv-apply
	{name: "mv-apply-take", q: xArr + `data | mv-apply Arr2 = Arr to typeof(long) on (take 100)`,
		schema: "index:int, Arr:dynamic, Arr2:long", rows: []string{"0|[7]|7", "1|[6,11,7]|6", "1|[6,11,7]|11", "1|[6,11,7]|7"}},
	{name: "mv-apply-top", q: xArr + `data | mv-apply e = Arr to typeof(long) on (top 1 by e) | project index, e`,
		rows: []string{"0|7", "1|11"}},
	{name: "mv-apply-summarize", q: xArr + `data | mv-apply e = Arr to typeof(long) on (summarize s = sum(e), n = count())`,
		schema: "index:int, Arr:dynamic, s:long, n:long", rows: []string{"0|[7]|7|1", "1|[6,11,7]|24|3"}},
	{name: "mv-apply-itemindex", q: xArr + `data | mv-apply with_itemindex=i v = Arr on (where i >= 1) | project index, v, i`,
		rows: []string{"1|11|1", "1|7|2"}},
	{name: "mv-apply-empty-drops-row", q: xArr + `data | mv-apply v = Arr to typeof(long) on (where v > 10) | project index, v`,
		rows: []string{"1|11"}},
	{name: "mv-apply-limit", q: xArr + `data | mv-apply v = Arr limit 1 on (project v) | project index, v`,
		rows: []string{"0|7", "1|6"}},
	// parse-kv
	{name: "parse-kv-delims", q: `print str="ThreadId:458745723, Machine:Node001, Text: The service is up, Level: Info"
		| parse-kv str as (Text: string, ThreadId:long, Machine: string) with (pair_delimiter=',', kv_delimiter=':') | project-away str`,
		schema: "Text:string, ThreadId:long, Machine:string", rows: []string{"The service is up|458745723|Node001"}},
	{name: "parse-kv-quote-escape", q: `print str='a="x \\"y\\" z" b=2'
		| parse-kv str as (a:string, b:long, c:string) with (pair_delimiter=' ', kv_delimiter='=', quote='"', escape='\\') | project-away str`,
		rows: []string{`x "y" z|2|`}},
	{name: "parse-kv-greedy", q: `print str='name=John Doe phone=555 5555 city=New York'
		| parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='=', greedy=true) | project-away str`,
		rows: []string{"John Doe|555 5555|New York"}},
	{name: "parse-kv-best-effort", q: `print str="2021-01-01T10:00:34 [INFO] ThreadId:458745723, Machine:Node001, Text: Started"
		| parse-kv str as (Text: string, ThreadId:long, Machine: string) | project-away str`,
		rows: []string{"Started|458745723|Node001"}},
	{name: "parse-kv-regex", q: `print str='"k1: v1", "k2: v2"' | parse-kv str as (k2:string, k3:string) with (regex=@'"(\w+)\s*:\s*([^"]*)"') | project-away str`,
		rows: []string{"v2|"}},
	{name: "parse-kv-null-input", q: `datatable(s:string)[""] | parse-kv s as (a:long) with (pair_delimiter=',', kv_delimiter='=') | project a`,
		rows: []string{"null"}},
	// make-series
	{name: "make-series-avg", q: `datatable(t:datetime, v:real)[datetime(2017-01-01), 4, datetime(2017-01-03), 4, datetime(2017-01-03T03:00), 6, datetime(2017-01-05), 1]
		| make-series avg(v) on t from datetime(2017-01-01) to datetime(2017-01-05) step 1d`,
		schema: "avg_v:dynamic, t:dynamic",
		rows:   []string{`[4.0,0.0,5.0,0.0]|["2017-01-01T00:00:00.0000000Z","2017-01-02T00:00:00.0000000Z","2017-01-03T00:00:00.0000000Z","2017-01-04T00:00:00.0000000Z"]`}},
	{name: "make-series-by-default", q: `datatable(k:string, x:long, v:long)["a", 1, 10, "a", 3, 5, "b", 2, 7]
		| make-series s = sum(v) default = -1, c = count() on x step 1 by k`,
		schema: "k:string, s:dynamic, c:dynamic, x:dynamic",
		rows:   []string{"a|[10,-1,5]|[1,0,1]|[1,2,3]", "b|[7]|[1]|[2]"}},
	{name: "make-series-per-series-range", q: `datatable(k:string, x:long)["a", 3, "a", 5, "b", 10]
		| make-series c = count() on x step 2 by k`,
		rows: []string{"a|[1,1]|[2,4]", "b|[1]|[10]"}},
	{name: "make-series-in-range", q: `datatable(t:datetime)[datetime(2020-01-01 05:00), datetime(2020-01-03 01:00)]
		| make-series c = count() on t in range(datetime(2020-01-01 12:00), datetime(2020-01-03), 1d)`,
		rows: []string{`[1,0,1]|["2020-01-01T00:00:00.0000000Z","2020-01-02T00:00:00.0000000Z","2020-01-03T00:00:00.0000000Z"]`}},
	{name: "make-series-empty", q: `datatable(t:datetime, v:long)[] | make-series sum(v) on t from datetime(2020-01-01) to datetime(2020-01-03) step 1d`,
		rows: nil},
	{name: "make-series-nonempty", q: `datatable(t:datetime, v:long)[] | make-series kind=nonempty sum(v) default=2 on t from datetime(2020-01-01) to datetime(2020-01-03) step 1d | project sum_v`,
		rows: []string{"[2,2]"}},
	{name: "make-series-constant-agg", q: `datatable(x:long)[0, 2] | make-series c = -1 default = -2 on x from 0 to 3 step 1 | project c`,
		rows: []string{"[-1,-2,-1]"}},
	// top-nested
	{name: "top-nested", q: `datatable(a:string, b:string, v:long)["x","p",1, "x","q",5, "y","p",2, "y","p",3, "z","r",1]
		| top-nested 2 of a by s = sum(v), top-nested 1 of b by m = max(v)`,
		schema: "a:string, s:long, b:string, m:long", rows: []string{"x|6|q|5", "y|5|p|3"}},
	{name: "top-nested-others", q: `datatable(a:string, v:long)["x",5, "y",3, "z",1, "w",1]
		| top-nested 1 of a with others = "rest" by s = sum(v)`,
		rows: []string{"x|5", "rest|5"}},
	{name: "top-nested-asc-default-name", q: `datatable(a:string, v:long)["x",5, "y",3] | top-nested 1 of a by sum(v) asc`,
		schema: "a:string, aggregated_a:long", rows: []string{"y|3"}},
	// evaluate plugins
	{name: "ipv4_lookup", q: `let L = datatable(net:string, name:string)["10.0.0.0/8", "ten", "10.1.0.0/16", "ten-one", "bad", "x"];
		datatable(ip:string)["10.1.2.3", "10.2.0.1", "192.168.0.1", "garbage"] | evaluate ipv4_lookup(L, ip, net)`,
		schema: "ip:string, net:string, name:string", rows: []string{"10.1.2.3|10.1.0.0/16|ten-one", "10.2.0.1|10.0.0.0/8|ten"}},
	{name: "ipv4_lookup-unmatched", q: `let L = datatable(net:string, name:string)["10.0.0.0/8", "ten"];
		datatable(ip:string)["10.1.2.3", "1.1.1.1"] | evaluate ipv4_lookup(L, ip, net, return_unmatched = true)`,
		rows: []string{"10.1.2.3|10.0.0.0/8|ten", "1.1.1.1||"}},
	{name: "ipv4_lookup-extra-key", q: `let L = datatable(net:string, t:string, name:string)["10.0.0.0/8", "a", "A", "10.0.0.0/8", "b", "B"];
		datatable(ip:string, t:string)["10.1.2.3", "b"] | evaluate ipv4_lookup(L, ip, net, t) | project name`,
		rows: []string{"B"}},
	{name: "ipv6_lookup", q: `let L = datatable(net:string, name:string)["2001:db8::/32", "doc"];
		datatable(ip:string)["2001:db8::1", "2002::1"] | evaluate ipv6_lookup(L, ip, net)`,
		schema: "net:string, name:string, ip:string", rows: []string{"2001:db8::/32|doc|2001:db8::1"}},
	{name: "schema_merge", q: `let s1 = datatable(Uri:string, HttpStatus:int)[] | getschema;
		let s2 = datatable(Uri:string, Referrer:string, HttpStatus:int)[] | getschema;
		union s1, s2 | evaluate schema_merge()`,
		rows: []string{"Uri|0|System.String|string", "Referrer|1|System.String|string",
			"HttpStatus|-1|ERROR(unknown CSL type:ERROR(columns are out of order))|ERROR(columns are out of order)"}},
	{name: "schema_merge-no-order", q: `let s1 = datatable(Uri:string, HttpStatus:int)[] | getschema;
		let s2 = datatable(Uri:string, Referrer:string, HttpStatus:int)[] | getschema;
		union s1, s2 | evaluate schema_merge(PreserveOrder = false)`,
		rows: []string{"Uri|0|System.String|string", "Referrer|1|System.String|string", "HttpStatus|2|System.Int32|int"}},
	{name: "pivot-count", q: `datatable(State:string, Event:string)["AL","Wind", "AL","Wind", "AK","Wind", "AK","Snow"] | evaluate pivot(State)`,
		schema: "Event:string, AL:long, AK:long", rows: []string{"Wind|2|1", "Snow|0|1"}},
	{name: "pivot-sum-keys", q: `datatable(S:string, E:string, D:long, X:long)["a","w",1,0, "b","w",2,0, "a","h",3,0] | evaluate pivot(S, sum(D), E)`,
		schema: "E:string, a:long, b:long", rows: []string{"w|1|2", "h|3|0"}},
	{name: "pivot-declared-schema", q: `datatable(State:string, Event:string)["AL","Wind", "AK","Snow"] | evaluate pivot(State) : (Event:string, AL:long, TX:long)`,
		schema: "Event:string, AL:long, TX:long", rows: []string{"Wind|1|null", "Snow|0|null"}},
	{name: "geo_polygon_lookup", q: `let P = datatable(name:string, poly:dynamic)["sq", dynamic({"type":"Polygon","coordinates":[[[-1,-1],[1,-1],[1,1],[-1,1],[-1,-1]]]})];
		datatable(p:string, lon:real, lat:real)["in", 0.5, 0.5, "out", 5, 5] | evaluate geo_polygon_lookup(P, poly, lon, lat, return_unmatched = true)`,
		schema: "p:string, lon:real, lat:real, name:string", rows: []string{"in|0.5|0.5|sq", "out|5|5|"}},
	{name: "geo_line_lookup", q: `let L = datatable(name:string, line:dynamic)["l", dynamic({"type":"LineString","coordinates":[[0,0],[0,1]]})];
		datatable(p:string, lon:real, lat:real)["near", 0.0001, 0.5, "far", 1, 0.5] | evaluate geo_line_lookup(L, line, lon, lat, 100, return_lookup_key = true) | project p, name`,
		rows: []string{"near|l"}},
	{name: "rows_near", q: `range x from 1 to 10 step 1 | extend s = iff(x in (3, 9), "E", "") | evaluate rows_near(s == "E", 1) | project x`,
		rows: []string{"2", "3", "4", "8", "9", "10"}, ordered: true},
	{name: "rows_near-after", q: `range x from 1 to 10 step 1 | evaluate rows_near(x == 5, 0, 2) | project x`,
		rows: []string{"5", "6", "7"}, ordered: true},
	{name: "narrow", q: `print a=1, b="x" | evaluate narrow()`,
		schema: "Row:long, Column:string, Value:string", rows: []string{"0|a|1", "0|b|x"}},
	{name: "activity_counts_metrics", q: `datatable(UserId:string, Timestamp:datetime)['A', datetime(2017-08-01), 'D', datetime(2017-08-01), 'J', datetime(2017-08-01),
		'C', datetime(2017-08-02), 'J', datetime(2017-08-02), 'J', datetime(2017-08-03), 'J', datetime(2017-08-03), 'X', datetime(2017-09-01)]
		| evaluate activity_counts_metrics(UserId, Timestamp, datetime(2017-08-01), datetime(2017-08-04), 1d)`,
		schema: "Timestamp:datetime, count:long, dcount:long, new_dcount:long, aggregated_dcount:long",
		rows: []string{"2017-08-01T00:00:00.0000000Z|3|3|3|3", "2017-08-02T00:00:00.0000000Z|2|2|1|4",
			"2017-08-03T00:00:00.0000000Z|2|1|0|4", "2017-08-04T00:00:00.0000000Z|0|0|0|4"}},
	{name: "activity_counts_metrics-dims", q: `datatable(U:string, T:datetime, D:string)['A', datetime(2017-08-01), 'x', 'B', datetime(2017-08-01), 'y', 'A', datetime(2017-08-02), 'y']
		| evaluate activity_counts_metrics(U, T, datetime(2017-08-01), datetime(2017-08-02), 1d, D)`,
		schema: "T:datetime, D:string, count:long, dcount:long, new_dcount:long, aggregated_dcount:long",
		rows: []string{"2017-08-01T00:00:00.0000000Z|x|1|1|1|1", "2017-08-02T00:00:00.0000000Z|x|0|0|0|1",
			"2017-08-01T00:00:00.0000000Z|y|1|1|1|1", "2017-08-02T00:00:00.0000000Z|y|1|1|1|2"}},
	{name: "active_users_count", q: `datatable(User:string, Timestamp:datetime)["B", datetime(2018-06-29), "B", datetime(2018-06-30), "A", datetime(2018-07-02),
		"B", datetime(2018-07-04), "B", datetime(2018-07-08), "A", datetime(2018-07-10), "A", datetime(2018-07-14), "A", datetime(2018-07-17),
		"A", datetime(2018-07-20), "B", datetime(2018-07-24)]
		| evaluate active_users_count(User, Timestamp, datetime(2018-07-01), datetime(2018-07-31), 8d, 1d, 3, 7d)`,
		schema: "Timestamp:datetime, dcount:long", rows: []string{"2018-07-01T00:00:00.0000000Z|1", "2018-07-15T00:00:00.0000000Z|1"}},
	{name: "rolling_percentile", q: `range idx from 0 to 71 step 1 | project Timestamp = datetime(2018-01-01) + 1h * idx, val = idx + 1
		| evaluate rolling_percentile(val, 50, Timestamp, 1d, 2)`,
		schema: "Timestamp:datetime, rolling_2_percentile_val_50:long",
		rows:   []string{"2018-01-01T00:00:00.0000000Z|12", "2018-01-02T00:00:00.0000000Z|24", "2018-01-03T00:00:00.0000000Z|48"}},
	{name: "sliding_window_counts", q: `datatable(U:string, T:datetime)["a", datetime(2020-01-01), "b", datetime(2020-01-02), "a", datetime(2020-01-03)]
		| evaluate sliding_window_counts(U, T, datetime(2020-01-01), datetime(2020-01-03), 2d, 1d)`,
		schema: "T:datetime, Count:long, dcount:long",
		rows:   []string{"2020-01-01T00:00:00.0000000Z|1|1", "2020-01-02T00:00:00.0000000Z|2|2", "2020-01-03T00:00:00.0000000Z|2|2"}},
	{name: "basket", q: `datatable(State:string, EventType:string, Damage:string, Crops:long)["TX","Hail","NO",0, "TX","Hail","NO",0, "OK","Hail","NO",0,
		"OK","Wind","YES",0, "KS","Wind","YES",5, "TX","Hail","YES",0, "KS","Hail","NO",0, "OK","Wind","NO",0] | evaluate basket(0.3)`,
		schema: "SegmentId:int, Count:long, Percent:real, State:string, EventType:string, Damage:string, Crops:long",
		rows: []string{"0|7|87.5||||0", "1|5|62.5||Hail||0", "2|5|62.5|||NO|0", "3|4|50||Hail|NO|0", "4|3|37.5|TX|Hail||0",
			"5|3|37.5|OK|||0", "6|3|37.5||Wind||null", "7|3|37.5|||YES|null"}, ordered: true},
	{name: "basket-wildcards", q: `datatable(A:string, N:long)["x",1, "x",2, "y",2] | evaluate basket(0.3, '~', '~', '*', long(-1)) | project-away SegmentId`,
		rows: []string{"2|66.66666666666667|x|-1", "2|66.66666666666667|*|2", "1|33.333333333333336|x|1", "1|33.333333333333336|x|2", "1|33.333333333333336|y|2"}},
	{name: "activity_engagement", q: `datatable(id:long, d:datetime)[1, datetime(2020-01-01), 2, datetime(2020-01-01), 1, datetime(2020-01-02), 3, datetime(2020-01-03)]
		| evaluate activity_engagement(id, d, datetime(2020-01-01), datetime(2020-01-03), 1d, 2d)`,
		schema: "d:datetime, dcount_activities_inner:long, dcount_activities_outer:long, activity_ratio:real",
		rows:   []string{"2020-01-01T00:00:00.0000000Z|2|2|1", "2020-01-02T00:00:00.0000000Z|1|2|0.5", "2020-01-03T00:00:00.0000000Z|1|2|0.5"}},
	{name: "activity_metrics", q: `datatable(id:long, d:datetime)[1, datetime(2020-01-01), 2, datetime(2020-01-01), 1, datetime(2020-01-02), 3, datetime(2020-01-02), 3, datetime(2020-01-03)]
		| evaluate activity_metrics(id, d, 1d)`,
		schema: "d:datetime, dcount_values:long, dcount_newvalues:long, retention_rate:real, churn_rate:real",
		rows:   []string{"2020-01-01T00:00:00.0000000Z|2|2|NaN|NaN", "2020-01-02T00:00:00.0000000Z|2|1|0.5|0.5", "2020-01-03T00:00:00.0000000Z|1|0|0.5|0.5"}},
	{name: "sequence_detect", q: `datatable(T:datetime, E:string, S:string)[datetime(2007-05-08), "heat", "CA", datetime(2007-05-08 16:02), "fire", "CA",
		datetime(2007-05-10 11:30), "fire", "CA", datetime(2007-05-20), "fire", "CA", datetime(2007-05-09), "fire", "TX", datetime(2007-05-07), "heat", "TX"]
		| evaluate sequence_detect(T, 5d, 5d, heat = (E == "heat"), fire = (E == "fire"), S)`,
		schema: "S:string, heat_T:datetime, fire_T:datetime, Duration:timespan",
		rows: []string{"CA|2007-05-08T00:00:00.0000000Z|2007-05-08T16:02:00.0000000Z|16:02:00", "CA|2007-05-08T00:00:00.0000000Z|2007-05-10T11:30:00.0000000Z|2.11:30:00",
			"TX|2007-05-07T00:00:00.0000000Z|2007-05-09T00:00:00.0000000Z|2.00:00:00"}},
	{name: "sequence_detect-span", q: `datatable(T:datetime, E:string)[datetime(2020-01-01), "a", datetime(2020-01-02), "b", datetime(2020-01-04), "c"]
		| evaluate sequence_detect(T, 2d, 2d, a = (E == "a"), b = (E == "b"), c = (E == "c"))`,
		rows: nil},
	{name: "funnel_sequence_completion", q: `datatable(Id:long, T:datetime, E:string)[
		1, datetime(2007-01-01 00:00), "Hail", 1, datetime(2007-01-01 00:30), "Tornado", 1, datetime(2007-01-01 02:00), "Wind",
		2, datetime(2007-01-02 00:00), "Hail", 2, datetime(2007-01-02 03:00), "Tornado",
		3, datetime(2007-01-03 00:00), "Tornado"]
		| evaluate funnel_sequence_completion(Id, T, datetime(2007-01-01), datetime(2007-01-31), 365d, E, dynamic(["Hail", "Tornado", "Wind"]), dynamic([1h, 4h]))`,
		schema: "T:datetime, E:string, Period:timespan, dcount:long",
		rows: []string{"2007-01-01T00:00:00.0000000Z|Hail|01:00:00|2", "2007-01-01T00:00:00.0000000Z|Tornado|01:00:00|1", "2007-01-01T00:00:00.0000000Z|Wind|01:00:00|0",
			"2007-01-01T00:00:00.0000000Z|Hail|04:00:00|2", "2007-01-01T00:00:00.0000000Z|Tornado|04:00:00|2", "2007-01-01T00:00:00.0000000Z|Wind|04:00:00|1"}},
	{name: "new_activity_metrics", q: `let sets = datatable(d:datetime, u:dynamic)[datetime(2019-11-01), dynamic([0,2,3,4]), datetime(2019-11-02), dynamic([0,1,3,4,5]),
		datetime(2019-11-03), dynamic([0,2,4,5]), datetime(2019-11-04), dynamic([0,1,2,3]), datetime(2019-11-05), dynamic([0,1,2,3,4])];
		sets | mv-expand user = u to typeof(long) | project user, Timestamp = d
		| evaluate new_activity_metrics(user, Timestamp, datetime(2019-11-01), datetime(2019-11-07) - 1tick, 1d)
		| where from_Timestamp < datetime(2019-11-03)`,
		schema: "from_Timestamp:datetime, to_Timestamp:datetime, dcount_new_values:long, dcount_retained_values:long, dcount_churn_values:long, retention_rate:real, churn_rate:real",
		rows: []string{
			"2019-11-01T00:00:00.0000000Z|2019-11-01T00:00:00.0000000Z|4|4|0|1|0",
			"2019-11-01T00:00:00.0000000Z|2019-11-02T00:00:00.0000000Z|2|3|1|0.75|0.25",
			"2019-11-01T00:00:00.0000000Z|2019-11-03T00:00:00.0000000Z|1|3|1|0.75|0.25",
			"2019-11-01T00:00:00.0000000Z|2019-11-04T00:00:00.0000000Z|1|3|1|0.75|0.25",
			"2019-11-01T00:00:00.0000000Z|2019-11-05T00:00:00.0000000Z|1|4|0|1|0",
			"2019-11-01T00:00:00.0000000Z|2019-11-06T00:00:00.0000000Z|0|0|4|0|1",
			"2019-11-02T00:00:00.0000000Z|2019-11-02T00:00:00.0000000Z|2|2|0|1|0",
			"2019-11-02T00:00:00.0000000Z|2019-11-03T00:00:00.0000000Z|0|1|1|0.5|0.5",
			"2019-11-02T00:00:00.0000000Z|2019-11-04T00:00:00.0000000Z|0|1|1|0.5|0.5",
			"2019-11-02T00:00:00.0000000Z|2019-11-05T00:00:00.0000000Z|0|1|1|0.5|0.5",
			"2019-11-02T00:00:00.0000000Z|2019-11-06T00:00:00.0000000Z|0|0|2|0|1"}},
	{name: "new_activity_metrics-cohort-lookback", q: `let L = datatable(user:long)[3];
		datatable(user:long, Timestamp:datetime)[1, datetime(2019-11-01), 3, datetime(2019-11-01), 1, datetime(2019-11-02), 2, datetime(2019-11-02)]
		| evaluate new_activity_metrics(user, Timestamp, datetime(2019-11-01), datetime(2019-11-02), 1d, datetime(2019-11-01), L)
		| project to_Timestamp, dcount_new_values, dcount_retained_values, retention_rate`,
		rows: []string{"2019-11-01T00:00:00.0000000Z|1|1|1", "2019-11-02T00:00:00.0000000Z|1|1|1"}},
	{name: "find-project-smart", q: `let E1 = datatable(Session_Id:string, Level:string, EventText:string, Version:string)[
		"acbd","Information","Some Text1","v1.0.0", "acbd","Error","Some Text2","v1.0.0", "28b8","Error","Some Text3","v1.0.1"];
		let E2 = datatable(Session_Id:string, Level:string, EventText:string, EventName:string)[
		"f7d5","Information","Some Other Text1","Event1", "acbd","Error","Some Other Text3","Event3"];
		find in (E1, E2) where Session_Id == 'acbd' and Level == 'Error'`,
		schema: "source_:string, Session_Id:string, Level:string, EventText:string, pack_:dynamic",
		rows:   []string{`E1|acbd|Error|Some Text2|{"Version":"v1.0.0"}`, `E2|acbd|Error|Some Other Text3|{"EventName":"Event3"}`}},
	{name: "find-project", q: `let E1 = datatable(S:string, V:string)["a","v1", "b","v2"]; let E2 = datatable(S:string, N:string)["c","n1"];
		find withsource=T in (E1, E2) where V == 'v1' or N == 'n1' project S, V, N`,
		schema: "T:string, S:string, V:string, N:string", rows: []string{"E1|a|v1|", "E2|c||n1"}},
	{name: "find-skips-tables", q: `let E1 = datatable(S:string)["a"]; let E2 = datatable(X:string)["a"]; find in (E1, E2) where S == "a" | project source_`,
		rows: []string{"E1"}},
	// scan
	{name: "scan-cumsum", q: `range x from 1 to 5 step 1 | scan declare (c:long=0) with (step s1: true => c = x + s1.c;)`,
		schema: "x:long, c:long", rows: []string{"1|1", "2|3", "3|6", "4|10", "5|15"}, ordered: true},
	{name: "scan-sessions", q: `datatable(Ts:timespan, Event:string)[0m,"A", 1m,"A", 32m,"B", 36m,"C", 75m,"A"]
		| sort by Ts asc
		| scan with_match_id=session_id declare (sessionStart: timespan) with (
			step inSession: true => sessionStart = iff(isnull(inSession.sessionStart), Ts, inSession.sessionStart);
			step endSession output=none: Ts - inSession.sessionStart > 30m;)`,
		schema: "Ts:timespan, Event:string, sessionStart:timespan, session_id:long",
		rows:   []string{"00:00:00|A|00:00:00|0", "00:01:00|A|00:00:00|0", "00:32:00|B|00:32:00|1", "00:36:00|C|00:32:00|1", "01:15:00|A|01:15:00|2"}, ordered: true},
	{name: "scan-start-stop", q: `datatable(Ts:timespan, Event:string)[0m,"A", 1m,"Start", 2m,"B", 3m,"D", 4m,"Stop", 6m,"C", 8m,"Start", 11m,"E", 12m,"Stop"]
		| sort by Ts asc
		| scan with_match_id=m_id with (
			step s1: Event == "Start";
			step s2: Event != "Start" and Event != "Stop" and Ts - s1.Ts <= 5m;
			step s3: Event == "Stop" and Ts - s1.Ts <= 5m;)`,
		rows: []string{"00:01:00|Start|0", "00:02:00|B|0", "00:03:00|D|0", "00:04:00|Stop|0", "00:08:00|Start|1", "00:11:00|E|1", "00:12:00|Stop|1"}, ordered: true},
	{name: "scan-partition-by", q: `datatable(u:string, t:long)["a", 1, "b", 2, "a", 3, "b", 4, "a", 5]
		| scan order by t asc partition by u declare (n:long = 0) with (step s: true => n = s.n + 1;)`,
		rows: []string{"a|1|1", "a|3|2", "a|5|3", "b|2|1", "b|4|2"}},
	// sample, sample-distinct, partition, consume, search
	{name: "sample-count", q: `range x from 1 to 100 step 1 | sample 7 | count`, rows: []string{"7"}},
	{name: "sample-more-than-rows", q: `range x from 1 to 3 step 1 | sample 10`, rows: []string{"1", "2", "3"}},
	{name: "sample-distinct", q: `datatable(a:string)["x","x","y","z","y"] | sample-distinct 5 of a`, schema: "a:string", rows: []string{"x", "y", "z"}},
	{name: "sample-distinct-limit", q: `range x from 1 to 1000 step 1 | extend k = x % 10 | sample-distinct 3 of k | count`, rows: []string{"3"}},
	{name: "partition", q: `datatable(k:string, v:long)["a",1, "b",5, "a",3, "b",2] | partition by k (top 1 by v)`,
		rows: []string{"a|3", "b|5"}},
	{name: "partition-summarize", q: `datatable(k:string, v:long)["a",1, "b",5, "a",3] | partition by k (summarize s = sum(v))`,
		schema: "s:long", rows: []string{"4", "5"}},
	{name: "consume", q: `range x from 1 to 10 step 1 | consume`, rows: nil},
	{name: "search-term", q: `datatable(a:long, s:string)[1, "hello world", 2, "HELLO", 3, "helloworld"] | search "hello"`,
		rows: []string{"1|hello world", "2|HELLO"}},
	{name: "search-wildcard-and", q: `datatable(a:long, s:string)[1, "hello world", 2, "HELLO", 3, "helloworld"] | search "*lowor*" or a == 2`,
		rows: []string{"2|HELLO", "3|helloworld"}},
	{name: "search-case-sensitive", q: `datatable(a:long, s:string)[1, "hello", 2, "HELLO"] | search kind=case_sensitive "HELLO"`,
		rows: []string{"2|HELLO"}},
	{name: "search-star-op", q: `datatable(a:long, s:string)[1, "hello world", 22, "x"] | search * contains "2"`, rows: []string{"22|x"}},
	{name: "search-in-tables", q: `let A = datatable(x:string)["foo"]; let B = datatable(y:string)["bar", "foo bar"]; search in (A, B) "foo"`,
		schema: "$table:string, x:string, y:string", rows: []string{"A|foo|", "B||foo bar"}},
}

// xRunCase is runCase with dynamic values printed as ordered JSON.
func xRunCase(t *testing.T, c execCase) {
	t.Helper()
	runCaseWith(t, c, func(res *Result) []string {
		var got []string
		for r := 0; r < res.NumRows(); r++ {
			var cells []string
			for i := range res.Schema.Fields {
				v := res.Value(r, i)
				switch {
				case v.Type == types.Dynamic && v.D != nil:
					cells = append(cells, types.DynamicToString(v.D))
				default:
					cells = append(cells, cellString(v))
				}
			}
			got = append(got, strings.Join(cells, "|"))
		}
		return got
	})
}

func TestXOperators(t *testing.T) {
	for _, c := range xCases {
		t.Run(c.name, func(t *testing.T) { xRunCase(t, c) })
	}
}

func TestXExternalData(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(csvPath, []byte("n,s,d,t\n1,\"x,y\",\"[1,2]\",2024-01-01\n2,z,,bad\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tsvPath := filepath.Join(dir, "a.tsv")
	if err := os.WriteFile(tsvPath, []byte("1\tp q\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	jsonPath := filepath.Join(dir, "a.json")
	if err := os.WriteFile(jsonPath, []byte(`{"n": 1, "s": "a"}`+"\n"+`[{"n": 2, "d": {"k": 1}}, {"s": "c"}]`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []execCase{
		{name: "csv", q: `externaldata(n:long, s:string, d:dynamic, t:datetime)[@"` + csvPath + `"] with (format="csv", ignoreFirstRecord=true)`,
			schema: "n:long, s:string, d:dynamic, t:datetime",
			rows:   []string{"1|x,y|[1,2]|2024-01-01T00:00:00.0000000Z", "2|z|null|null"}},
		{name: "file-uri-tsv", q: `externaldata(n:long, s:string)["file://` + tsvPath + `"] with (format="tsv")`, rows: []string{"1|p q"}},
		{name: "multijson", q: `externaldata(n:long, s:string, d:dynamic)["` + jsonPath + `"] with (format="multijson")`,
			rows: []string{"1|a|null", `2||{"k":1}`, "null|c|null"}},
		{name: "two-uris", q: `externaldata(n:long)["` + tsvPath + `", "` + tsvPath + `"] with (format="tsv") | count`, rows: []string{"2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { xRunCase(t, c) })
	}
	for _, q := range []string{
		`externaldata(n:long)["https://example.com/a.csv"]`,
		`externaldata(n:long)["` + filepath.Join(dir, "missing.csv") + `"]`,
		`externaldata(n:long)["` + csvPath + `"] with (format="avro")`,
	} {
		_, err := Run(context.Background(), q, Options{Now: testNow})
		if err == nil {
			t.Errorf("%s: no error", q)
		}
	}
	_, err := Run(context.Background(), `externaldata(n:long)["https://example.com/a.csv"]`, Options{Now: testNow})
	if err == nil || !strings.Contains(err.Error(), "download") {
		t.Errorf("remote URI error = %v, want advice to download the data", err)
	}
}

func TestXErrors(t *testing.T) {
	for _, q := range []string{
		`print s="a" | parse-kv s as (a:string) with (pair_delimiter=',')`,
		`print s="a" | parse-kv s as (a:string) with (regex="(a)")`,
		`print s="a" | parse-kv s as (a:string) with (quote="abc")`,
		`range x from 1 to 3 step 1 | make-series count() on x step 0`,
		`print x="a" | make-series count() on x step 1`,
		`print ip="1.2.3.4" | evaluate ipv4_lookup(ip)`,
		`print a=1 | evaluate schema_merge()`,
		`range x from 1 to 3 step 1 | sample -1`,
		`range x from 1 to 3 step 1 | scan with (step s: true => nosuch = 1;)`,
		`print a=1 | fork (take 1) (count)`,
		`print a=1 | evaluate sequence_detect(a, 1h, 1h, a > 0)`,
		`print a=1 | evaluate funnel_sequence_completion(a, a, 1, 2, 1, a, dynamic([]), dynamic([1h]))`,
	} {
		if _, err := Run(context.Background(), q, Options{Now: testNow}); err == nil {
			t.Errorf("%s: no error", q)
		}
	}
}

func TestXMemoryLimit(t *testing.T) {
	for _, q := range []string{
		`range x from 1 to 200000 step 1 | make-series count() on x step 1`,
		`range x from 1 to 200000 step 1 | top-nested 1 of x by count()`,
		`range x from 1 to 200000 step 1 | partition by x (take 1)`,
		`range x from 1 to 200000 step 1 | sample-distinct 200000 of x`,
	} {
		_, err := Run(context.Background(), q, Options{MemoryLimit: 1 << 20})
		if !errors.Is(err, ErrMemoryLimit) {
			t.Errorf("%s: err = %v, want a memory limit error", q, err)
		}
	}
}

// TestXOddInputs runs unusual but parseable queries: each must finish
// with rows or an error, never a panic.
func TestXOddInputs(t *testing.T) {
	for _, q := range []string{
		`range x from 1 to 5 step 1 | make-series count() on x from 10 to 0 step 1`,
		`range x from 1 to 5 step 1 | make-series count() on x from 0 to 100000000000 step 1`,
		`datatable(x:real)[1.5, real(null), 2.5] | make-series sum(x) on x step 0.5`,
		`range x from 1 to 5 step 1 | top-nested -1 of x by count()`,
		`range x from 1 to 5 step 1 | top-nested 0 of x by count()`,
		`range x from 1 to 5 step 1 | scan with (step s: true;)`,
		`range x from 1 to 5 step 1 | scan declare (c:long) with (step s output=last: x > 2 => c = x; step t: x == 5 => c = s.c;)`,
		`range x from 1 to 5 step 1 | partition by x { print 1 }`,
		`let L = datatable(net:long)[1]; range x from 1 to 5 step 1 | evaluate ipv4_lookup(L, x, net)`,
		`range x from 1 to 5 step 1 | evaluate pivot(x, max(x))`,
		`range x from 1 to 5 step 1 | evaluate rolling_percentile(x, 200, x, 1, 1)`,
		`range x from 1 to 5 step 1 | evaluate activity_counts_metrics(x, x, 1, 0, 1)`,
		`range x from 1 to 5 step 1 | evaluate basket(2)`,
		`print d=dynamic(null) | mv-apply e = d on (summarize count())`,
		`print s=dynamic({"a": 1}) | parse-kv s as (a:long) with (pair_delimiter=',', kv_delimiter=':')`,
		`print a=1 | sample-distinct 0 of a`,
		`print a=1 | search "*"`,
		`print a=1 | evaluate narrow() | evaluate narrow()`,
		`print ColumnName=1, ColumnOrdinal="x", DataType=dynamic([1]), ColumnType=2 | evaluate schema_merge()`,
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", q, r)
				}
			}()
			_, _ = Run(context.Background(), q, Options{Now: testNow, MemoryLimit: 64 << 20})
		}()
	}
}

func TestXSearchAllTables(t *testing.T) {
	mk := func(col, val string) Table {
		s := &batch.Schema{Fields: []batch.Field{{Name: col, Type: types.String}}}
		tb := NewTableBuilder(s)
		if err := tb.Add(types.NewString(val)); err != nil {
			t.Fatal(err)
		}
		return tb.Table()
	}
	res, err := Run(context.Background(), `search "needle" | project $table`, Options{Now: testNow, Env: check.NewEnv(),
		Tables: map[string]Table{"A": mk("x", "a needle here"), "B": mk("y", "nothing"), "C": mk("x", "needle")}})
	if err != nil {
		t.Fatal(err)
	}
	got := resultStrings(res)
	sort.Strings(got)
	if strings.Join(got, ",") != "A,C" {
		t.Errorf("tables = %v, want A,C", got)
	}
}
