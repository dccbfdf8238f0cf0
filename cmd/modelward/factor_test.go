package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"modelward/internal/testdb"
)

// `modelward factor reseal` seals the demo's secrets with FACTOR_KEY's
// first key, once; without a key, or with one that is not 32 bytes, it
// refuses and changes nothing.
func TestFactorReseal(t *testing.T) {
	dbURL := testdb.NewDemo(t)
	ctx := context.Background()
	sealed := func() int {
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM users WHERE totp_secret LIKE 'aes256gcm:%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	for name, vars := range map[string]map[string]string{
		"no key":    {"DATABASE_URL": dbURL},
		"short key": {"DATABASE_URL": dbURL, "FACTOR_KEY": base64.StdEncoding.EncodeToString([]byte("short"))},
	} {
		if err := run(ctx, []string{"factor", "reseal"}, env(vars), nil, io.Discard, io.Discard); err == nil {
			t.Errorf("%s: reseal ran", name)
		}
	}
	if err := run(ctx, []string{"factor"}, env(map[string]string{"DATABASE_URL": dbURL}), nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "reseal") {
		t.Errorf("factor without a verb: %v", err)
	}
	if n := sealed(); n != 0 {
		t.Fatalf("%d secrets sealed before any reseal", n)
	}
	var out bytes.Buffer
	getenv := env(map[string]string{"DATABASE_URL": dbURL, "FACTOR_KEY": key})
	if err := run(ctx, []string{"factor", "reseal"}, getenv, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2 secrets sealed") || sealed() != 2 {
		t.Errorf("reseal said %q; %d sealed, want the demo's 2", out.String(), sealed())
	}
	out.Reset()
	if err := run(ctx, []string{"factor", "reseal"}, getenv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "0 secrets sealed") {
		t.Errorf("reseal again said %q, %v", out.String(), err)
	}
}
