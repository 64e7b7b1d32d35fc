package funcs

import "testing"

func TestDbgPeriod(t *testing.T) {
	s, _ := weeklySeries()
	xs, _ := seriesInput(s)
	t.Log(detectPeriod(xs, 0.6))
}
