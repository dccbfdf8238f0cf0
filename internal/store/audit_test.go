package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

func execAs(t *testing.T, url, sql string) error {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// The audit log cannot be changed or emptied, and its hash chain finds a
// row changed, removed or put in between behind the triggers' back.
func TestAuditLogIsAppendOnlyAndChained(t *testing.T) {
	st, url := testdb.Open(t, true)
	ctx := context.Background()
	who := officer(t, st)
	register(t, st, 2022, "09552")
	// Rows written at the same moment all find their place in the chain.
	var wg sync.WaitGroup
	for n := 1; n <= 8; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.SaveResult(ctx, who, store.ResultChange{Year: 2022, Ward: "09552", Number: n, Status: assess.Met}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	rows, b, err := st.VerifyAudit(ctx)
	if err != nil || b != nil || rows < 8 {
		t.Fatalf("a fresh log: %d rows, break %+v, %v", rows, b, err)
	}

	for _, sql := range []string{
		`UPDATE audit_log SET actor = 'someone else'`,
		`DELETE FROM audit_log WHERE action = 'result_update'`,
		`TRUNCATE audit_log`,
	} {
		if err := execAs(t, url, sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", sql, err)
		}
	}

	// Someone who drops the guard and edits a row is found out.
	tamper := func(sql string) {
		t.Helper()
		if err := execAs(t, url, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; `+sql+`; ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`); err != nil {
			t.Fatal(err)
		}
	}
	var victim int64
	if err := st.Transact(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT id FROM audit_log WHERE action = 'result_update' ORDER BY seq OFFSET 3 LIMIT 1`).Scan(&victim)
	}); err != nil {
		t.Fatal(err)
	}
	tamper(`UPDATE audit_log SET after = '{"status": "not_met"}' WHERE id = ` + strconv.FormatInt(victim, 10))
	if _, b, err := st.VerifyAudit(ctx); err != nil || b == nil || b.ID != victim || !b.Content {
		t.Errorf("a changed row: break %+v, %v; want row %d, content", b, err, victim)
	}
	// A removed row breaks the link of the one after it.
	st2, url2 := testdb.Open(t, true)
	register(t, st2, 2022, "09552")
	for n := 1; n <= 3; n++ {
		if _, err := st2.SaveResult(ctx, officer(t, st2), store.ResultChange{Year: 2022, Ward: "09552", Number: n, Status: assess.Met}); err != nil {
			t.Fatal(err)
		}
	}
	if err := execAs(t, url2, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
		DELETE FROM audit_log WHERE seq = (SELECT max(seq) - 1 FROM audit_log);
		ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`); err != nil {
		t.Fatal(err)
	}
	if _, b, err := st2.VerifyAudit(ctx); err != nil || b == nil || b.Content {
		t.Errorf("a removed row: break %+v, %v; want a broken link", b, err)
	}
}

// The portal's runtime role may read and add to the audit log, never
// change or remove it, even with the trigger gone; nor may it say which
// migrations ran. The tables' owner keeps those rights, for migrations
// and the archive.
func TestRuntimeRoleOnlyAddsToTheAuditLog(t *testing.T) {
	st, url := testdb.Open(t, true)
	ctx := context.Background()
	may, err := st.MayRewriteAudit(ctx)
	if err != nil || may {
		t.Fatalf("the runtime role may rewrite the audit log: %t, %v", may, err)
	}
	if err := execAs(t, url, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE audit_log SET actor = 'someone else'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
		`DELETE FROM goose_db_version`,
	} {
		err := st.Transact(ctx, func(tx pgx.Tx) error { _, err := tx.Exec(ctx, sql); return err })
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s as the runtime role: %v, want permission denied", sql, err)
		}
	}
	// What the portal does still works: a change, audited.
	who := officer(t, st)
	register(t, st, 2022, "09552")
	if _, err := st.SaveResult(ctx, who, store.ResultChange{Year: 2022, Ward: "09552", Number: 1, Status: assess.Met}); err != nil {
		t.Fatalf("a change as the runtime role: %v", err)
	}
	var owner bool
	err = st.Transact(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT current_user = (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log')`).Scan(&owner)
	})
	if err != nil || owner {
		t.Errorf("the store runs as the tables' owner (%v)", err)
	}
}

// The runtime role cannot date an audit entry: the chain stamps the
// database's time on it, whatever the insert says, so a forged entry can
// no longer pass for an old one in a criterion's history.
func TestAuditEntriesCannotBeBackdated(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	who := officer(t, st)
	register(t, st, 2022, "09552")
	if _, err := st.SaveResult(ctx, who, store.ResultChange{Year: 2022, Ward: "09552", Number: 1, Status: assess.Met}); err != nil {
		t.Fatal(err)
	}
	var fresh bool
	err := st.Transact(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_key, after)
			VALUES ('2026-02-01 09:00+07', $1, 'phula', 'result_update', 'result', '09552/2022/1', '{"status": "not_met"}')`, who.ID)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT at > now() - interval '1 minute' FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&fresh)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !fresh {
		t.Error("the runtime role dated an audit entry 01/02/2026")
	}
	changes, err := st.History(ctx, "09552", 2022, 1, 10)
	if err != nil || len(changes) != 2 || changes[0].At.Before(changes[1].At) {
		t.Errorf("the history: %+v (%v), want the forged entry last written, shown first, at its real time", changes, err)
	}
}

// What an approval saw cannot be rewritten: the runtime role may neither
// change nor remove a snapshot, nor may the owner while the guard stands;
// one changed behind the guard's back no longer matches the SHA-256 its
// audit entry keeps, and `audit verify` says which.
func TestApprovalSnapshotsCannotBeRewritten(t *testing.T) {
	st, url := testdb.Open(t, true)
	ctx := context.Background()
	who := officer(t, st)
	register(t, st, 2022, "09552")
	if _, err := st.SaveResult(ctx, who, store.ResultChange{Year: 2022, Ward: "09552", Number: 1, Status: assess.Met}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []assess.Action{assess.Submit, assess.Approve} {
		if _, err := st.ChangeState(ctx, who, store.StateChange{Ward: "09552", Year: 2022, Action: a}); err != nil {
			t.Fatal(err)
		}
	}
	if n, b, err := st.VerifySnapshots(ctx); err != nil || b != nil || n != 1 {
		t.Fatalf("a fresh snapshot: %d checked, break %+v, %v", n, b, err)
	}
	for _, sql := range []string{
		`UPDATE review_snapshots SET results = '{"1": {"status": "met", "value": "", "note": ""}}'`,
		`DELETE FROM review_snapshots`,
	} {
		err := st.Transact(ctx, func(tx pgx.Tx) error { _, err := tx.Exec(ctx, sql); return err })
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s as the runtime role: %v, want permission denied", sql, err)
		}
	}
	if err := execAs(t, url, `UPDATE review_snapshots SET results = '{}'`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("the owner rewrote a snapshot: %v", err)
	}
	if err := execAs(t, url, `ALTER TABLE review_snapshots DISABLE TRIGGER review_snapshots_append_only;
		UPDATE review_snapshots SET results = jsonb_set(results, '{1,note}', '"sửa sau khi duyệt"');
		ALTER TABLE review_snapshots ENABLE TRIGGER review_snapshots_append_only`); err != nil {
		t.Fatal(err)
	}
	if _, b, err := st.VerifySnapshots(ctx); err != nil || b == nil || !b.Changed {
		t.Errorf("a rewritten snapshot: break %+v, %v; want it found changed", b, err)
	}
}
