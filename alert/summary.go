package alert

import (
	"fmt"
	"time"
)

// Summary is the per-rule outcome of a backtest.
type Summary struct {
	RuleID   string
	RuleName string
	RuleFile string
	From, To time.Time
	// Frequency and Period are the effective schedule.
	Frequency time.Duration
	Period    time.Duration
	// Runs counts executed runs; Skipped the scheduled times suppression
	// skipped; RunsFired the runs whose trigger was met.
	Runs      int
	Skipped   int
	RunsFired int
	// Alerts counts raised alerts; Suppressed alerts built but suppressed.
	Alerts     int
	Suppressed int
	// DistinctEntities counts distinct entities over the raised alerts.
	DistinctEntities int
	// Incidents estimates the incidents the raised alerts would create.
	Incidents int
	// BucketSize and Buckets give alert counts over time, by run time.
	BucketSize time.Duration
	Buckets    []Bucket
}

// Bucket counts the alerts of runs scheduled in [Start, Start+BucketSize).
type Bucket struct {
	Start      time.Time
	Alerts     int
	Suppressed int
}

// bucketSizes are the candidate chart bucket sizes, smallest first.
var bucketSizes = []time.Duration{
	5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour,
	12 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour,
}

// MaxBuckets is the most buckets ChooseBucketSize aims for.
const MaxBuckets = 48

// ChooseBucketSize picks the smallest standard bucket size that splits
// [from, to] into at most MaxBuckets buckets.
func ChooseBucketSize(from, to time.Time) time.Duration {
	span := to.Sub(from)
	for _, b := range bucketSizes {
		if int64(span/b) < MaxBuckets {
			return b
		}
	}
	return bucketSizes[len(bucketSizes)-1]
}

// NewBuckets returns empty buckets of size covering [from, to].
func NewBuckets(from, to time.Time, size time.Duration) []Bucket {
	if size <= 0 || !to.After(from) {
		return []Bucket{{Start: from}}
	}
	n := int((to.Sub(from) + size - 1) / size)
	if to.Sub(from)%size == 0 {
		n++ // a run exactly at `to` gets its own bucket
	}
	out := make([]Bucket, n)
	for i := range out {
		out[i].Start = from.Add(time.Duration(i) * size)
	}
	return out
}

// BucketIndex returns the bucket of time t, clamped to the range.
func BucketIndex(from time.Time, size time.Duration, n int, t time.Time) int {
	if size <= 0 || n == 0 {
		return 0
	}
	i := int(t.Sub(from) / size)
	if i < 0 {
		i = 0
	}
	if i >= n {
		i = n - 1
	}
	return i
}

// Combine adds up summaries of backtests over the same range and bucket
// size (e.g. every rule of a run) into one, for an all-rules chart.
// DistinctEntities is the sum of the per-rule counts (entities seen by
// several rules count once per rule). It returns an error when the ranges
// or bucket sizes differ.
func Combine(name string, sums []Summary) (Summary, error) {
	if len(sums) == 0 {
		return Summary{RuleName: name}, nil
	}
	first := sums[0]
	out := Summary{
		RuleName: name, From: first.From, To: first.To, BucketSize: first.BucketSize,
		Buckets: make([]Bucket, len(first.Buckets)),
	}
	copy(out.Buckets, first.Buckets)
	for i := range out.Buckets {
		out.Buckets[i].Alerts, out.Buckets[i].Suppressed = 0, 0
	}
	for _, s := range sums {
		if !s.From.Equal(first.From) || !s.To.Equal(first.To) || s.BucketSize != first.BucketSize || len(s.Buckets) != len(first.Buckets) {
			return Summary{}, fmt.Errorf("combining summaries: %s covers %s–%s in %v buckets, unlike %s", s.RuleName, FormatTime(s.From), FormatTime(s.To), s.BucketSize, first.RuleName)
		}
		out.Runs += s.Runs
		out.Skipped += s.Skipped
		out.RunsFired += s.RunsFired
		out.Alerts += s.Alerts
		out.Suppressed += s.Suppressed
		out.DistinctEntities += s.DistinctEntities
		out.Incidents += s.Incidents
		for i, b := range s.Buckets {
			out.Buckets[i].Alerts += b.Alerts
			out.Buckets[i].Suppressed += b.Suppressed
		}
	}
	return out, nil
}
