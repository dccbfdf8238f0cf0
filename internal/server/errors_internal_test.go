package server

import (
	"context"
	"net/http"
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
