package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/seed"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestMigrateAndSeedAreRepeatable(t *testing.T) {
	dbURL := testdb.New(t)
	ctx := context.Background()
	getenv := env(map[string]string{"DATABASE_URL": dbURL})
	var out bytes.Buffer
	// The template database is migrated already: nothing left to apply.
	if err := run(ctx, []string{"migrate"}, getenv, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "database is up to date") {
		t.Errorf("migrate said %q", out.String())
	}
	for range 2 {
		out.Reset()
		if err := run(ctx, []string{"seed", "--demo"}, getenv, nil, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "demo data loaded") {
			t.Errorf("seed said %q", out.String())
		}
	}
}

func TestCommandLineMistakes(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "no command"},
		{[]string{"frobnicate"}, nil, `unknown command "frobnicate"`},
		{[]string{"migrate"}, nil, "DATABASE_URL is not set"},
		{[]string{"serve"}, nil, "DATABASE_URL is not set"},
		{[]string{"seed"}, map[string]string{"DATABASE_URL": "postgres://x/y"}, "--demo"},
	} {
		err := run(ctx, tt.args, env(tt.env), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want an error saying %q", tt.args, err, tt.want)
		}
	}
}

// dev with DATABASE_URL set migrates, seeds, prints the address and the demo
// sign-ins, serves, and stops cleanly when its context ends.
func TestDevServesUntilStopped(t *testing.T) {
	dbURL := testdb.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"dev"}, env(map[string]string{"DATABASE_URL": dbURL, "ADDR": "127.0.0.1:0"}), nil, out, io.Discard)
	}()
	addr := regexp.MustCompile(`http://localhost:([0-9]+)`)
	var port string
	for deadline := time.Now().Add(20 * time.Second); port == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			port = m[1]
		}
	}
	if port == "" {
		cancel()
		t.Fatalf("no address printed: %s (%v)", out.String(), <-done)
	}
	for _, want := range []string{"phula", "hanoi", "bocongan", "admin", "modelward-demo", "MODELWARDDEMOTOTPSECRET234"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner does not mention %q", want)
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm("http://127.0.0.1:"+port+"/login?next=/2023/wards/09552",
		url.Values{"username": {"phula"}, "password": {seed.DemoPassword}, "next": {"/2023/wards/09552"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "đạt 19/22 tiêu chí (3 tiêu chí chờ đánh giá cuối năm)") {
		t.Errorf("ward page: %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("dev stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("dev did not stop")
	}
}

func TestUserCommands(t *testing.T) {
	dbURL := testdb.NewDemo(t)
	ctx := context.Background()
	getenv := env(map[string]string{"DATABASE_URL": dbURL})
	user := func(stdin string, args ...string) error {
		return run(ctx, append([]string{"user"}, args...), getenv, strings.NewReader(stdin), io.Discard, io.Discard)
	}
	if err := user("mật khẩu mới đủ dài\n", "add", "--username", "modao", "--role", "ward_officer", "--unit", "09886", "--name", "Công an phường Mộ Lao"); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByUsername(ctx, "modao")
	if err != nil || u.Role != "ward_officer" || u.UnitCode != "09886" || !u.Active || u.FullName != "Công an phường Mộ Lao" {
		t.Fatalf("added user: %+v, %v", u, err)
	}
	if !u.MustChangePassword {
		t.Error("a password typed by an operator need not be replaced at the next sign-in")
	}

	// Refused: a role that does not fit the unit, a taken username, an
	// unknown unit, a short password, a bad username. Nothing is written.
	for _, tt := range []struct {
		stdin string
		args  []string
	}{
		{"mật khẩu đủ dài lắm\n", []string{"add", "--username", "x1", "--role", "reviewer", "--unit", "09886"}},
		{"mật khẩu đủ dài lắm\n", []string{"add", "--username", "modao", "--role", "ward_officer", "--unit", "09886"}},
		{"mật khẩu đủ dài lắm\n", []string{"add", "--username", "x2", "--role", "ward_officer", "--unit", "99999"}},
		{"ngắn\n", []string{"add", "--username", "x3", "--role", "ward_officer", "--unit", "09886"}},
		{"abc123456789012\n", []string{"add", "--username", "x5", "--role", "ward_officer", "--unit", "09886"}},
		{"mật khẩu đủ dài lắm\n", []string{"add", "--username", "Phú La", "--role", "ward_officer", "--unit", "09886"}},
		{"mật khẩu đủ dài lắm\n", []string{"add", "--username", "x4", "--role", "boss", "--unit", "VN"}},
		{"mật khẩu đủ dài lắm\n", []string{"passwd", "nobody"}},
		{"", []string{"disable", "nobody"}},
		{"", []string{"frob"}},
	} {
		if err := user(tt.stdin, tt.args...); err == nil {
			t.Errorf("user %v: accepted", tt.args)
		}
	}
	users, _ := st.Users(ctx, store.UserFilter{})
	if len(users) != 5 {
		t.Errorf("%d users after refused commands, want 5", len(users))
	}

	if err := user("một mật khẩu khác nữa\n", "passwd", "modao"); err != nil {
		t.Fatal(err)
	}
	u2, _ := st.UserByUsername(ctx, "modao")
	if u2.PasswordHash == u.PasswordHash {
		t.Error("passwd did not change the password")
	}
	if err := user("", "disable", "modao"); err != nil {
		t.Fatal(err)
	}
	if u3, _ := st.UserByUsername(ctx, "modao"); u3.Active {
		t.Error("disable left the user active")
	}
	// An account the 45-day sweep disabled comes back from the command line.
	if err := user("", "enable", "modao"); err != nil {
		t.Fatal(err)
	}
	if u4, _ := st.UserByUsername(ctx, "modao"); !u4.Active {
		t.Error("enable left the user disabled")
	}
}

// The official lists load into an empty database with `units import`: a
// dry run writes nothing, the import writes every unit and link once, the
// same files again change nothing, and a file with problems is refused
// whole, each problem with its line.
func TestUnitsImport(t *testing.T) {
	dbURL := testdb.New(t)
	ctx := context.Background()
	getenv := env(map[string]string{"DATABASE_URL": dbURL})
	importUnits := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"units", "import"}, args...), getenv, strings.NewReader(""), &out, io.Discard)
		return out.String(), err
	}
	count := func() (n int) {
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM units) + (SELECT count(*) FROM unit_links)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	files := []string{"--units", "../../internal/seed/data/vn/units.csv", "--successors", "../../internal/seed/data/vn/successors.csv"}
	out, err := importUnits(append(files, "--dry-run")...)
	if err != nil || !strings.Contains(out, "units: 15315 to add, 0 to change, 0 unchanged, 0 problems") ||
		!strings.Contains(out, "successors: 11315 to add") || !strings.Contains(out, "dry run: nothing written") || count() != 0 {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if out, err := importUnits(files...); err != nil || !strings.Contains(out, "applied: 15315 units added, 0 changed, 11315 successor links added") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// The units, the ministry above the provinces, and the links.
	if n := count(); n != 15315+1+11315 {
		t.Errorf("%d units and links, want %d", n, 15315+1+11315)
	}
	if out, err := importUnits(files...); err != nil || !strings.Contains(out, "nothing to change") {
		t.Errorf("the same files again: %v\n%s", err, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("code,kind,type,name,parent_code,valid_from,valid_to\n99001,ward,phuong,Phường Mới,01,2027-01-01,\n09552,ward,phuong,Phường Trùng,01,2026-01-01,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := count()
	out, err = importUnits("--units", bad)
	if err == nil || !strings.Contains(out, bad+":3: Mã 09552 được gán cho hai đơn vị trong cùng một ngày") || count() != before {
		t.Errorf("a bad file: %v\n%s", err, out)
	}
	if _, err := importUnits(); err == nil {
		t.Error("an import of nothing was accepted")
	}
}

// `modelward audit verify` says the chain is intact, and where a row was
// changed behind the guard's back.
func TestAuditVerify(t *testing.T) {
	dbURL := testdb.NewDemo(t)
	ctx := context.Background()
	getenv := env(map[string]string{"DATABASE_URL": dbURL})
	var out bytes.Buffer
	if err := run(ctx, []string{"audit", "verify"}, getenv, nil, &out, io.Discard); err != nil {
		t.Fatalf("verify a sound log: %v (%s)", err, out.String())
	}
	if !strings.Contains(out.String(), "chain intact") {
		t.Errorf("verify said %q", out.String())
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
		UPDATE audit_log SET actor = 'someone else' WHERE seq = 2;
		ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify"}, getenv, nil, &out, io.Discard); err == nil {
		t.Error("verify of a tampered log succeeded")
	}
	if !strings.Contains(out.String(), "(place 2 in the chain): its content was changed") {
		t.Errorf("verify said %q", out.String())
	}
}

// `modelward audit verify` also finds a review snapshot rewritten behind
// its guard: what an approval saw no longer matches its audit entry.
func TestAuditVerifyFindsARewrittenSnapshot(t *testing.T) {
	dbURL := testdb.NewDemo(t)
	ctx := context.Background()
	st, err := store.Open(ctx, testdb.RuntimeURL(t, dbURL))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hanoi, err := st.UserByUsername(ctx, "hanoi")
	if err != nil {
		t.Fatal(err)
	}
	// Ô Chợ Dừa 2026 is submitted: the reviewer approves it.
	if _, err := st.ChangeState(ctx, hanoi.Actor(), store.StateChange{Ward: "00190", Year: 2026, Action: assess.Approve}); err != nil {
		t.Fatal(err)
	}
	getenv := env(map[string]string{"DATABASE_URL": dbURL})
	var out bytes.Buffer
	if err := run(ctx, []string{"audit", "verify"}, getenv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "review snapshots: 1 checked") {
		t.Fatalf("verify a sound log: %v (%s)", err, out.String())
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `ALTER TABLE review_snapshots DISABLE TRIGGER review_snapshots_append_only;
		UPDATE review_snapshots SET results = jsonb_set(results, '{4,note}', '"sửa sau khi duyệt"');
		ALTER TABLE review_snapshots ENABLE TRIGGER review_snapshots_append_only`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify"}, getenv, nil, &out, io.Discard); err == nil || !strings.Contains(out.String(), "its content differs from the SHA-256 its audit entry keeps") {
		t.Errorf("verify of a rewritten snapshot: %v (%s)", err, out.String())
	}
}

// `modelward audit archive` moves the entries older than a day at least
// 12 months back to a new file, with their hashes, and out of the
// database; the chain left verifies, starting after the archive. The
// runtime role cannot archive.
func TestAuditArchive(t *testing.T) {
	dbURL := testdb.New(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `
		INSERT INTO audit_log (at, actor, action, entity, entity_key) VALUES
		    ('2024-03-01 09:00+07', 'phula', 'result_update', 'result', '2024/09552/1'),
		    ('2024-05-01 09:00+07', 'hanoi', 'approve', 'assessment', '2024/09552'),
		    ('2024-11-30 09:00+07', 'phula', 'export', 'summary', '2024/01');
		INSERT INTO audit_log (actor, action, entity, entity_key) VALUES ('phula', 'sign_in', 'session', 'phula')`); err != nil {
		t.Fatal(err)
	}
	archive := func(url string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"audit", "archive"}, args...), env(map[string]string{"DATABASE_URL": url}), nil, &out, io.Discard)
		return out.String(), err
	}
	file := filepath.Join(t.TempDir(), "nhat-ky-2024.csv")
	if _, err := archive(dbURL, "--before", time.Now().AddDate(0, -6, 0).Format(time.DateOnly), "--out", file); err == nil || !strings.Contains(err.Error(), "12 months") {
		t.Errorf("archive of six months back: %v, want refused", err)
	}
	if _, err := archive(testdb.RuntimeURL(t, dbURL), "--before", "2025-01-01", "--out", file); err == nil {
		t.Error("the runtime role archived the audit log")
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("a refused archive left a file: %v", err)
	}
	out, err := archive(dbURL, "--before", "2025-01-01", "--out", file)
	if err != nil || !strings.Contains(out, "3 entries") {
		t.Fatalf("archive: %v (%s)", err, out)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) != 4 || rows[1][5] != "result_update" || rows[3][5] != "export" || len(rows[3][12]) != 64 {
		t.Fatalf("archive file: %v (%v)", rows, err)
	}
	var left int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE at < '2025-01-01'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d archived entries left in the database (%v)", left, err)
	}
	var after string
	if err := conn.QueryRow(ctx, `SELECT after->>'through_hash' FROM audit_log WHERE action = 'audit_archive'`).Scan(&after); err != nil || after != rows[3][12] {
		t.Errorf("the archive's record: %q (%v), want the last archived hash %s", after, err, rows[3][12])
	}
	var verify bytes.Buffer
	if err := run(ctx, []string{"audit", "verify"}, env(map[string]string{"DATABASE_URL": dbURL}), nil, &verify, io.Discard); err != nil {
		t.Errorf("verify after the archive: %v (%s)", err, verify.String())
	}
	// The same again finds nothing more, and never overwrites a file.
	if _, err := archive(dbURL, "--before", "2025-01-01", "--out", file); err == nil {
		t.Error("an archive overwrote a file")
	}
	if out, err := archive(dbURL, "--before", "2025-01-01", "--out", file+".2"); err != nil || !strings.Contains(out, "nothing archived") {
		t.Errorf("a second archive: %v (%s)", err, out)
	}
}
