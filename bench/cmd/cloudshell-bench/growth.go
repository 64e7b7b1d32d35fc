package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"text/tabwriter"
)

// growthFactor is how many times more rows the large size of --growth has.
const growthFactor = 10

// runGrowth measures how time and memory grow with the input: every engine
// on NDJSON of c.rows and of growthFactor times as many rows. The sizes
// and engines are interleaved within every round, so both sizes see the
// disk in the same state (a virtual disk's speed drifts over minutes).
func runGrowth(ctx context.Context, c *config) error {
	type side struct {
		c       config
		engines []engine
		samples [][]sample
	}
	var sides []*side
	for _, factor := range []int64{1, growthFactor} {
		s := &side{c: *c}
		s.c.rows *= factor
		s.c.sessions *= int(factor)
		s.c.setPaths()
		if err := prepareData(ctx, &s.c); err != nil {
			return err
		}
		s.engines = enginesFor(&s.c, "ndjson")
		if err := agree(ctx, &s.c, "ndjson", s.engines, nil); err != nil {
			return err
		}
		s.samples = make([][]sample, len(s.engines))
		sides = append(sides, s)
	}
	if c.small {
		fmt.Println("growth: correctness-only run passed")
		return nil
	}
	for r := 0; r < c.runs; r++ {
		for _, s := range sides {
			for i, e := range s.engines {
				m, err := c.timed(ctx, e, fmt.Sprintf("run %d %-8s %9d rows ", r+1, e.name, s.c.rows))
				if err != nil {
					return err
				}
				s.samples[i] = append(s.samples[i], m)
			}
		}
	}
	fmt.Printf("\ngrowth from %d to %d rows, seed %d, medians of %d interleaved rounds, %s\n", sides[0].c.rows, sides[1].c.rows, c.seed, c.runs, c.cacheNote())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rows\tengine\twall s\tuser+sys s\tpeak RSS MiB\t")
	for _, s := range sides {
		for i, e := range s.engines {
			m := median(s.samples[i])
			fmt.Fprintf(tw, "%d\t%s\t%.2f\t%.2f\t%d\t\n", s.c.rows, e.name, m.wall.Seconds(), m.cpu.Seconds(), m.maxRSS>>20)
		}
	}
	fmt.Fprintln(tw, "\t\t\t\t\t")
	fmt.Fprintf(tw, "growth (%dx rows)\tengine\twall\tuser+sys\tpeak RSS\tround by round (wall)\t\n", growthFactor)
	small, large := sides[0], sides[1]
	for i, e := range small.engines {
		a, b := median(small.samples[i]), median(large.samples[i])
		fmt.Fprintf(tw, "\t%s\t%.2fx\t%.2fx\t%.2fx\t%.2fx\t\n", e.name, ratio(b.wall, a.wall), ratio(b.cpu, a.cpu),
			float64(b.maxRSS)/float64(max(a.maxRSS, 1)), medianRatio(small.samples[i], large.samples[i]))
	}
	return tw.Flush()
}

// medianRatio returns the median over rounds of large/small wall time.
func medianRatio(small, large []sample) float64 {
	var r []float64
	for i := range min(len(small), len(large)) {
		r = append(r, ratio(large[i].wall, small[i].wall))
	}
	if len(r) == 0 {
		return 0
	}
	sort.Float64s(r)
	if n := len(r); n%2 == 0 {
		return (r[n/2-1] + r[n/2]) / 2
	}
	return r[len(r)/2]
}
