package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/seed"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

func storedSecret(t *testing.T, url, username string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s string
	if err := conn.QueryRow(ctx, `SELECT coalesce(totp_secret, '') FROM users WHERE username = $1`, username).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// With FACTOR_KEY a second factor's secret reaches the database sealed,
// bound to its user; it opens with the key (or an older one still
// listed), not without, not on another user's row; reseal moves every
// secret, sealed or not, to the newest key.
func TestFactorSecretsSealed(t *testing.T) {
	st, url := testdb.Open(t, true)
	ctx := context.Background()
	for _, bad := range []string{"abc", base64.StdEncoding.EncodeToString(make([]byte, 16)), "!!!"} {
		if _, err := store.ParseFactorKeys(bad); err == nil || !strings.Contains(err.Error(), "openssl rand -base64 32") {
			t.Errorf("FACTOR_KEY %q: %v", bad, err)
		}
	}
	key := func(b byte) string {
		return base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(rune('a'+b)), 32)))
	}
	oldKey, err := store.ParseFactorKeys(key(1))
	if err != nil {
		t.Fatal(err)
	}
	both, err := store.ParseFactorKeys(key(2) + ", " + key(1))
	if err != nil || len(both) != 2 {
		t.Fatalf("two keys: %d, %v", len(both), err)
	}
	newKey := both[:1]

	// The demo's secrets were kept as they are: they still open.
	admin := userID(t, url, "admin")
	if secret, _, err := st.FactorSecret(ctx, admin); err != nil || secret != seed.DemoFactorSecret {
		t.Fatalf("a secret kept as it is: %q, %v", secret, err)
	}

	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	phula := userID(t, url, "phula")
	st.FactorKeys = oldKey
	if err := st.EnrolFactor(ctx, phula, "phula", secret, 1, nil, time.Now(), "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	stored := storedSecret(t, url, "phula")
	if !strings.HasPrefix(stored, "aes256gcm:") || strings.Contains(stored, secret) {
		t.Fatalf("stored as %q", stored)
	}
	if got, _, err := st.FactorSecret(ctx, phula); err != nil || got != secret {
		t.Fatalf("opened: %q, %v", got, err)
	}

	// Copied to another user's row, it does not open; nor without the key.
	testdb.ExecURL(t, url, `UPDATE users SET totp_secret = $1, totp_enrolled_at = now() WHERE username = 'hanoi'`, stored)
	if _, _, err := st.FactorSecret(ctx, userID(t, url, "hanoi")); !errors.Is(err, store.ErrFactorKey) {
		t.Errorf("another user's sealed secret: %v, want ErrFactorKey", err)
	}
	testdb.ExecURL(t, url, `UPDATE users SET totp_secret = NULL, totp_enrolled_at = NULL WHERE username = 'hanoi'`)
	st.FactorKeys = nil
	if _, _, err := st.FactorSecret(ctx, phula); !errors.Is(err, store.ErrFactorKey) {
		t.Errorf("without the key: %v, want ErrFactorKey", err)
	}

	// A new key first, the old one after: everything opens, and reseal
	// moves all three secrets to the new key, once.
	st.FactorKeys = both
	if got, _, err := st.FactorSecret(ctx, phula); err != nil || got != secret {
		t.Fatalf("with the old key second: %q, %v", got, err)
	}
	if n, err := st.ResealFactorSecrets(ctx); err != nil || n != 3 {
		t.Fatalf("reseal: %d, %v; want admin's, bocongan's and phula's", n, err)
	}
	if n, err := st.ResealFactorSecrets(ctx); err != nil || n != 0 {
		t.Errorf("reseal again: %d, %v; want none", n, err)
	}
	st.FactorKeys = newKey
	for name, want := range map[string]string{"admin": seed.DemoFactorSecret, "bocongan": seed.DemoFactorSecret, "phula": secret} {
		if !strings.HasPrefix(storedSecret(t, url, name), "aes256gcm:") {
			t.Errorf("%s's secret is not sealed after reseal", name)
		}
		if got, _, err := st.FactorSecret(ctx, userID(t, url, name)); err != nil || got != want {
			t.Errorf("%s with the new key alone: %q, %v", name, got, err)
		}
	}
	if n := queryInt(t, url, `SELECT count(*) FROM audit_log WHERE action = 'factor_secrets_resealed'`); n != 2 {
		t.Errorf("%d reseals audited, want 2", n)
	}
	st.FactorKeys = nil
	if _, err := st.ResealFactorSecrets(ctx); err == nil {
		t.Error("reseal without a key ran")
	}
}
