package store
import ("testing";"context";"time";"kqlhunt/batch")
func TestZZHang(t *testing.T){
	data := validFile(t)
	t.Logf("len %d", len(data))
	for pos := len(data)-1; pos >= 0; pos -= 1 {
		for _, x := range []byte{0xff, 0x01, 0x80} {
		m := append([]byte(nil), data...)
		m[pos] ^= x
		s := storeWithFile(t, m)
		done := make(chan struct{})
		start := time.Now()
		go func(){ s.Scan(context.Background(), nil, time.Time{}, time.Time{}, func(*batch.Batch) error {return nil}); close(done)}()
		select { case <-done: case <-time.After(3*time.Second): t.Fatalf("hang at pos %d x %x", pos, x) }
		if d := time.Since(start); d > 200*time.Millisecond { t.Logf("slow pos %d x %x: %v", pos, x, d) }
		}
	}
}
