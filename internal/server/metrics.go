package server

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are what /metrics reports, in Prometheus's format.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
	signIns  *prometheus.CounterVec
	exports  *prometheus.CounterVec
	mail     *prometheus.CounterVec
}

func (s *Server) newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "modelward_http_request_duration_seconds",
			Help:    "Time to answer a request, by route, method and status.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "modelward_signins_total",
			Help: "Sign-in attempts by outcome: success, failure, limited.",
		}, []string{"outcome"}),
		exports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "modelward_exports_total",
			Help: "Summary exports and dossiers served, by format.",
		}, []string{"format"}),
		mail: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "modelward_mail_total",
			Help: "Mail sent by this copy, by outcome: sent, failed (an attempt that will be retried or given up).",
		}, []string{"outcome"}),
	}
	pool := func(name, help string, value func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "modelward_db_pool_" + name, Help: help}, value)
	}
	queued := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "modelward_mail_queued", Help: "Mail waiting to go out, over every copy."},
		func() float64 {
			n, err := s.store.MailQueued(context.Background())
			if err != nil {
				return -1
			}
			return float64(n)
		})
	onReplica := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "modelward_reads_on_replica",
		Help: "1 while the heavy reads go to the read replica, 0 while they go to the primary (none configured, lagging or away)."},
		func() float64 {
			if s.store.ReadState().OnReplica {
				return 1
			}
			return 0
		})
	lag := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "modelward_replica_lag_seconds",
		Help: "How far the read replica was behind the primary when last measured (every second)."},
		func() float64 { return s.store.ReadState().Lag.Seconds() })
	m.registry.MustRegister(m.requests, m.signIns, m.exports, m.mail, queued, onReplica, lag,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		pool("acquired_conns", "Database connections in use.", func() float64 { return float64(s.store.PoolStat().AcquiredConns()) }),
		pool("idle_conns", "Database connections idle.", func() float64 { return float64(s.store.PoolStat().IdleConns()) }),
		pool("total_conns", "Database connections open.", func() float64 { return float64(s.store.PoolStat().TotalConns()) }),
		pool("acquire_wait_seconds_total", "Time spent waiting for a connection.", func() float64 {
			return s.store.PoolStat().AcquireDuration().Seconds()
		}),
	)
	return m
}

// MailCounts counts the mail worker's sends in /metrics.
func (s *Server) MailCounts() MailCounts { return MailCounts{s.metrics.mail} }

// MailCounts is the mail worker's counters.
type MailCounts struct{ c *prometheus.CounterVec }

// Sent counts a mail sent.
func (m MailCounts) Sent() { m.c.WithLabelValues("sent").Inc() }

// Failed counts a failed attempt.
func (m MailCounts) Failed() { m.c.WithLabelValues("failed").Inc() }

func (m *metrics) observe(route, method string, status int, seconds float64) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Observe(seconds)
}

// serveMetrics answers /metrics for an admin, or for a scraper on the
// same machine; anyone else gets 404.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	// An admin's session, or the scraper's METRICS_TOKEN. No exception for
	// loopback: a reverse proxy on the same host would make it public.
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	scraper := ok && s.metricsToken != "" && subtle.ConstantTimeCompare([]byte(bearer), []byte(s.metricsToken)) == 1
	if !scraper && requireAdmin(r) != nil {
		return errNotFound
	}
	promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}
