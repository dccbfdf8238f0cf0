package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/testdb"
)

func queryInt(t *testing.T, url, sql string, args ...any) int {
	t.Helper()
	ctx := context.Background()
	var n int
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func userID(t *testing.T, url, username string) int64 {
	t.Helper()
	return int64(queryInt(t, url, `SELECT id::int FROM users WHERE username = $1`, username))
}

// Accounts unused for 45 days are disabled, their sessions ended, each
// audited once even when several copies sweep at the same moment; a
// sign-in, a creation or an admin's enabling counts as use.
func TestDisableUnusedAccounts(t *testing.T) {
	st, url := testdb.Open(t, true)
	ctx := context.Background()
	now := time.Date(2027, time.March, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	// phula signed in 44 days ago, hanoi 46 days ago; bocongan never, and
	// was created long ago; admin was enabled again 10 days ago.
	if err := execAs(t, url, `UPDATE users SET created_at = now() - interval '2 years'`); err != nil {
		t.Fatal(err)
	}
	for name, at := range map[string]time.Time{"phula": now.Add(-44 * day), "hanoi": now.Add(-46 * day)} {
		if err := st.StartSession(ctx, "token-"+name, userID(t, url, name), at, "10.0.0.1", "test"); err != nil {
			t.Fatal(err)
		}
	}
	if err := execAs(t, url, `UPDATE users SET enabled_at = '2027-02-19 09:00Z' WHERE username = 'admin'`); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	got := make([][]string, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			names, err := st.DisableUnused(ctx, now, assess.UnusedAccountLimit)
			if err != nil {
				t.Error(err)
			}
			got[i] = names
		}()
	}
	wg.Wait()
	var all []string
	for _, names := range got {
		all = append(all, names...)
	}
	slices.Sort(all)
	if !slices.Equal(all, []string{"bocongan", "hanoi"}) {
		t.Errorf("disabled %v, want bocongan and hanoi, once each", all)
	}
	if n := queryInt(t, url, `SELECT count(*) FROM users WHERE active`); n != 2 {
		t.Errorf("%d active users, want 2 (phula, admin)", n)
	}
	if n := queryInt(t, url, `SELECT count(*) FROM audit_log WHERE action = 'user_disable_unused' AND actor = 'system'`); n != 2 {
		t.Errorf("%d disables audited, want 2", n)
	}
	if n := queryInt(t, url, `SELECT count(*) FROM user_sessions us JOIN users u ON u.id = us.user_id WHERE u.username = 'hanoi'`); n != 0 {
		t.Error("a disabled account kept its session")
	}
	// Enabled again, the account has a fresh 45 days.
	if err := st.SetActive(ctx, assess.Actor{}, "hanoi", true); err != nil {
		t.Fatal(err)
	}
	names, err := st.DisableUnused(ctx, time.Now().Add(44*day), assess.UnusedAccountLimit)
	if err != nil || len(names) != 0 {
		t.Errorf("the next sweep disabled %v (%v), want none", names, err)
	}
}
