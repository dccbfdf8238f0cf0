package gen

import (
	"errors"
	"testing"
)

// A COPY that ends early stops the goroutine making its rows; a producer's
// error reaches COPY through Err.
func TestProducedRows(t *testing.T) {
	stopped := make(chan error, 1)
	p := produceRows(func(emit func([]any) error) error {
		for i := 0; ; i++ {
			if err := emit([]any{i}); err != nil {
				stopped <- err
				return err
			}
		}
	})
	for range 3 {
		if !p.Next() {
			t.Fatal("rows ended early")
		}
	}
	if v, _ := p.Values(); v[0] != 2 {
		t.Errorf("third row = %v", v)
	}
	p.close() // would hang if the producer kept waiting to send
	if err := <-stopped; !errors.Is(err, errStopped) {
		t.Errorf("producer stopped with %v", err)
	}

	boom := errors.New("boom")
	p = produceRows(func(emit func([]any) error) error {
		if err := emit([]any{1}); err != nil {
			return err
		}
		return boom
	})
	n := 0
	for p.Next() {
		n++
	}
	p.close()
	if n != 1 || !errors.Is(p.Err(), boom) {
		t.Errorf("%d rows, err %v; want 1 row and the producer's error", n, p.Err())
	}
}
