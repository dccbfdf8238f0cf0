package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"modelward/internal/testdb"
)

// A statement on a connection the driver has closed — its server went away
// between two statements of a transaction, as in a failover — is the
// database being unavailable (503, come back in a moment), not a fault of
// the portal (500).
func TestClosedConnectionIsUnavailable(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testdb.New(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.Close(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, `SELECT 1`)
	if err == nil {
		t.Fatal("a closed connection ran a statement")
	}
	if status, key := classify(err); status != http.StatusServiceUnavailable || key != "err.unavailable" {
		t.Errorf("%v: %d %s, want 503 err.unavailable", err, status, key)
	}
}

// A request its client gave up on is no server error: logged as 499 at
// info, never as a 500.
func TestClientGoneIsNotAFailure(t *testing.T) {
	var logged bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/evidence/1/thumb", nil)
	status, _ := s.classifyAndLog(r, fmt.Errorf("thumbnail: %w", context.Canceled))
	if status != statusClientClosed || strings.Contains(logged.String(), "level=ERROR") {
		t.Errorf("a cancelled request: %d, logged %q", status, logged.String())
	}
	// The same error while the client still waits is a failure.
	r = httptest.NewRequest(http.MethodGet, "/evidence/1/thumb", nil)
	if status, _ := s.classifyAndLog(r, fmt.Errorf("thumbnail: %w", context.Canceled)); status != http.StatusInternalServerError {
		t.Errorf("a cancellation of the portal's own = %d, want 500", status)
	}
}
