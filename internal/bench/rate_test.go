package bench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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
	get := func(int) error {
		_, _, err := fetch(srv.Client(), http.MethodGet, srv.URL, nil)
		return err
	}
	// One worker, a request due every 10 ms, each taking 20 ms: the
	// twentieth is due at 190 ms and done at about 400 ms.
	slow := atRate(1, 100, 200*time.Millisecond, get)
	if slow.p99() < 150*time.Millisecond {
		t.Errorf("p99 = %v with requests queued up behind a slow server, want ≥ 150 ms", slow.p99())
	}
	// Enough workers: each request takes its own 20 ms.
	ok := atRate(4, 100, 200*time.Millisecond, get)
	// Order, not speed: a busy machine may slow both, never swap them.
	if ok.p50() < 20*time.Millisecond || ok.p99() >= slow.p99() {
		t.Errorf("p50 = %v, p99 = %v with spare workers, want each request's own 20 ms and less than the queued p99 %v", ok.p50(), ok.p99(), slow.p99())
	}
	if ok.errors != 0 || slow.errors != 0 {
		t.Errorf("errors: %d, %d", ok.errors, slow.errors)
	}
}

// A baseline and what it is compared to alternate in rounds: never one
// measured wholly before the other.
func TestInTurnAlternates(t *testing.T) {
	var mu sync.Mutex
	var runs []string
	mark := func(name string) func(int) error {
		return func(int) error {
			mu.Lock()
			if len(runs) == 0 || runs[len(runs)-1] != name {
				runs = append(runs, name)
			}
			mu.Unlock()
			time.Sleep(time.Millisecond)
			return nil
		}
	}
	a, b := &target{do: mark("a")}, &target{do: mark("b")}
	inTurn(2, 3, 10*time.Millisecond, a, b)
	if got := strings.Join(runs, ""); got != "ababab" {
		t.Errorf("rounds ran as %q, want ababab", got)
	}
	if len(a.lat) == 0 || len(b.lat) == 0 || a.took < 30*time.Millisecond {
		t.Errorf("a: %d requests in %v, b: %d", len(a.lat), a.took, len(b.lat))
	}
}

// Request i goes to ward i mod n, and the spread counts each ward once.
func TestSpreadCountsDistinctWards(t *testing.T) {
	sp := newSpread(5)
	for i := range 12 {
		if k := sp.hit(i); k != i%5 {
			t.Fatalf("request %d went to %d", i, k)
		}
	}
	if n := sp.count(); n != 5 {
		t.Errorf("%d wards counted after 12 requests over 5, want 5", n)
	}
	sp = newSpread(5)
	sp.hit(3)
	sp.hit(8)
	if n := sp.count(); n != 1 {
		t.Errorf("%d wards counted after two requests to one ward, want 1", n)
	}
}

func TestMissedIgnoresInformationalTargets(t *testing.T) {
	got := Missed([]Result{{Name: "a", OK: true}, {Name: "b"}, {Name: "c", Informational: true}})
	if strings.Join(got, ",") != "b" {
		t.Errorf("missed %v, want [b]", got)
	}
}
