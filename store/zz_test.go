package store
import ("testing";"os";"time";"context";"kqlhunt/batch")
func TestZZCorpus(t *testing.T){
	for _, n := range []string{"06ba4bdb19de593e","b43bacb56a8bb28f"} {
		raw,_ := os.ReadFile(os.Getenv("HOME")+"/.cache/go-build/fuzz/kqlhunt/store/FuzzScanFile/"+n)
		t.Logf("%s: %d bytes: %.80q", n, len(raw), raw)
	}
	data := validFile(t)
	start := time.Now()
	for i := 0; i < 50; i++ {
		m := append([]byte(nil), data...)
		m[(i*7919)%len(m)] ^= byte(i*37+1)
		s := storeWithFile(t, m)
		t0 := time.Now()
		s.Scan(context.Background(), nil, time.Time{}, time.Time{}, func(*batch.Batch) error {return nil})
		if d := time.Since(t0); d > 100*time.Millisecond { t.Logf("mut %d pos %d: %v", i, (i*7919)%len(m), d) }
	}
	t.Logf("50 execs in %v", time.Since(start))
}
