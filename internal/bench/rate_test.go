package bench

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A server slower than the rate asked of it is charged for the requests
// queued behind it: latency counts from when each request was due.
func TestAtRateCountsQueueing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
	}))
	defer srv.Close()
	get := func(c *http.Client, _ int) error {
		_, _, err := fetch(c, http.MethodGet, srv.URL, nil)
		return err
	}
	// One worker, a request due every 10 ms, each taking 20 ms: the
	// twentieth is due at 190 ms and done at about 400 ms.
	slow := atRate([]*http.Client{srv.Client()}, 100, 200*time.Millisecond, get)
	if slow.p99 < 150*time.Millisecond {
		t.Errorf("p99 = %v with requests queued up behind a slow server, want ≥ 150 ms", slow.p99)
	}
	// Enough workers: each request takes its own 20 ms.
	clients := []*http.Client{srv.Client(), srv.Client(), srv.Client(), srv.Client()}
	ok := atRate(clients, 100, 200*time.Millisecond, get)
	// Order, not speed: a busy machine may slow both, never swap them.
	if ok.p50 < 20*time.Millisecond || ok.p99 >= slow.p99 {
		t.Errorf("p50 = %v, p99 = %v with spare workers, want each request's own 20 ms and less than the queued p99 %v", ok.p50, ok.p99, slow.p99)
	}
	if ok.errors != 0 || slow.errors != 0 {
		t.Errorf("errors: %d, %d", ok.errors, slow.errors)
	}
}
