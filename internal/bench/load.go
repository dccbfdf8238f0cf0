package bench

// How load is made: closed loops (each worker sends its next request when
// the last returns) for throughput, an open loop at a steady rate for
// latency, and rounds taken in turn so that a baseline and what it is
// compared to share whatever else the machine is doing.

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// target is one kind of request under load. do sends request number i;
// numbers keep rising from round to round, so that a target that spreads
// its requests over many wards (request i to ward i mod n) keeps going
// round them rather than starting again at the first.
type target struct {
	do     func(i int) error
	sent   atomic.Int64
	lat    []time.Duration
	errors int
	took   time.Duration
}

func (t *target) rps() float64           { return float64(len(t.lat)) / max(t.took.Seconds(), 1e-9) }
func (t *target) p50() time.Duration     { return percentile(t.lat, 50) }
func (t *target) p99() time.Duration     { return percentile(t.lat, 99) }
func (t *target) next() (int, time.Time) { return int(t.sent.Add(1) - 1), time.Now() }

// run drives t closed loop with workers for d and adds what it measured.
func (t *target) run(workers int, d time.Duration) {
	start := time.Now()
	deadline := start.Add(d)
	lat, errs := drive(workers, func() (int, time.Time, bool) {
		i, now := t.next()
		return i, now, now.Before(deadline)
	}, t.do)
	t.took += time.Since(start)
	t.lat = append(t.lat, lat...)
	t.errors += errs
}

// inTurn runs the targets flat out in rounds of length round, one after
// the other, rounds times each: a baseline and what it is compared to
// alternate in short rounds, so that a machine busier in one second than
// the next weighs on both alike.
func inTurn(workers, rounds int, round time.Duration, targets ...*target) {
	for range max(rounds, 1) {
		for _, t := range targets {
			t.run(workers, round)
		}
	}
}

// eachOnce runs do for 0 … n-1, once each, with workers, and fails with
// the first error: signing in every officer, and the warm-up before any
// measurement (PostgreSQL's cache, the pool's connections and the
// statements' plans are then those of a portal in use, and a target that
// fails at all fails there).
func eachOnce(workers, n int, do func(i int) error) error {
	var sent atomic.Int64
	var mu sync.Mutex
	var first error
	_, errs := drive(workers, func() (int, time.Time, bool) {
		i := int(sent.Add(1) - 1)
		return i, time.Now(), i < n
	}, func(i int) error {
		err := do(i)
		if err != nil {
			mu.Lock()
			if first == nil {
				first = err
			}
			mu.Unlock()
		}
		return err
	})
	if errs > 0 {
		return fmt.Errorf("%d of %d failed, the first: %w", errs, n, first)
	}
	return nil
}

// atRate sends requests at a steady rate for d, open loop: request i is
// due at start + i/rate whatever happened to the ones before, and its
// latency counts from when it was due, so a slow server is charged for the
// requests waiting behind it. At most workers requests are in flight.
func atRate(workers int, rate float64, d time.Duration, do func(i int) error) *target {
	start := time.Now()
	n := int(rate * d.Seconds())
	due := make(chan int, n)
	for i := range n {
		due <- i
	}
	close(due)
	lat, errs := drive(workers, func() (int, time.Time, bool) {
		i, ok := <-due
		at := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		time.Sleep(time.Until(at))
		return i, at, ok
	}, do)
	return &target{do: do, lat: lat, errors: errs, took: time.Since(start)}
}

// drive runs workers, each taking requests from next — a number and when
// it is due — until next says there are no more, and returns every
// latency, counted from when its request was due, and the failures.
func drive(workers int, next func() (int, time.Time, bool), do func(i int) error) ([]time.Duration, int) {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for {
				i, at, ok := next()
				if !ok {
					break
				}
				if err := do(i); err != nil {
					bad++
				}
				mine = append(mine, time.Since(at))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return lat, errs
}

// spread counts the distinct wards (or users) a target's requests went
// to: what bench.json states for each load target.
type spread struct{ seen []atomic.Bool }

func newSpread(n int) *spread { return &spread{seen: make([]atomic.Bool, n)} }

// hit marks request i's ward (i mod n) as touched and returns its index.
func (s *spread) hit(i int) int {
	k := i % len(s.seen)
	s.seen[k].Store(true)
	return k
}

// reset forgets what was touched: the warm-up is not counted.
func (s *spread) reset() { s.seen = make([]atomic.Bool, len(s.seen)) }

func (s *spread) count() int {
	n := 0
	for i := range s.seen {
		if s.seen[i].Load() {
			n++
		}
	}
	return n
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

// paired times a and b n times each, alternately, and returns both medians:
// whatever else the machine is doing then weighs on both alike.
func paired(n int, a, b func() error) (time.Duration, time.Duration, error) {
	var da, db []time.Duration
	for range n {
		for _, x := range []struct {
			f func() error
			d *[]time.Duration
		}{{a, &da}, {b, &db}} {
			start := time.Now()
			if err := x.f(); err != nil {
				return 0, 0, err
			}
			*x.d = append(*x.d, time.Since(start))
		}
	}
	return percentile(da, 50), percentile(db, 50), nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
