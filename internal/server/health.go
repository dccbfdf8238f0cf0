package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"modelward/internal/store"
)

// healthz answers 200 while the process is up.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 when the primary answers with the schema this build
// expects, 503 otherwise, saying which (for operators and load balancers);
// then it says which server takes the writes, and where the heavy reads
// go: the replica, or the primary and why.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	primary, err := s.store.Ready(ctx)
	if err != nil {
		s.log.WarnContext(r.Context(), "database not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		if errors.Is(err, store.ErrSchemaBehind) {
			_, _ = fmt.Fprintf(w, "%v\n", err)
			return
		}
		_, _ = w.Write([]byte("database unavailable\n"))
		return
	}
	_, _ = fmt.Fprintf(w, "ready\nwrites: primary %s\n%s\n", primary, s.store.ReadState())
}
