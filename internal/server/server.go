// Package server is the portal's HTTP side: the routes, the middleware, the
// handlers and the one place where errors become pages.
package server

import (
	"log/slog"
	"net/http"

	"modelward/internal/store"
)

// Server serves the portal.
type Server struct {
	store *store.Store
	log   *slog.Logger
	// demo says the database holds the demo data, so pages label their
	// figures as illustrative.
	demo bool
}

// Config is what the server needs from its surroundings.
type Config struct {
	Store  *store.Store
	Logger *slog.Logger
	Demo   bool
}

// New returns a server; its Handler serves every route.
func New(cfg Config) *Server {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Server{store: cfg.Store, log: log, demo: cfg.Demo}
}

// MaxBodyBytes bounds every request body the portal reads.
const MaxBodyBytes = 1 << 20

func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}
