package main

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/testdb"
	"modelward/migrations"
)

// Three servers and three `migrate` started at once on an empty database:
// the servers say they are not ready until the schema is there, each
// migration is applied once, and then every copy serves, sharing sessions.
func TestCopiesStartTogetherOnEmptyDatabase(t *testing.T) {
	bin := binary(t)
	dbURL := testdb.Empty(t)
	addrs := []string{freeAddr(t), freeAddr(t), freeAddr(t)}
	for _, addr := range addrs {
		startServe(t, dbURL, addr)
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	outs := make([]string, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "migrate")
			cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
			out, err := cmd.CombinedOutput()
			errs[i], outs[i] = err, string(out)
		}()
	}
	// While the migrations run or before, a server is up but not ready.
	for _, addr := range addrs {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			res, err := http.Get("http://" + addr + "/healthz")
			if err == nil {
				res.Body.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s did not start", addr)
			}
		}
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migrate %d: %v\n%s", i, err, outs[i])
		}
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	files, _ := migrations.FS.ReadDir(".")
	var applied, distinct int
	if err := conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if want := len(files); applied != want || distinct != want {
		t.Errorf("goose_db_version holds %d rows for %d versions, want each of %d migrations once", applied, distinct, want)
	}
	for _, addr := range addrs {
		waitReady(t, addr, 10*time.Second)
	}

	// Demo data, then a session opened on one copy works on the others.
	seedCmd := exec.Command(bin, "seed", "--demo")
	seedCmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
	if out, err := seedCmd.CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	c := signInAt(t, addrs[0])
	for _, addr := range addrs {
		res, err := c.Get("http://" + addr + "/2023/wards/09552")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), "Phường Phú La") {
			t.Errorf("%s: the ward page with a session from another copy = %d", addr, res.StatusCode)
		}
	}
}

// On an empty database /readyz says what is missing.
func TestReadyzBeforeMigrations(t *testing.T) {
	addr := freeAddr(t)
	startServe(t, testdb.Empty(t), addr)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "modelward migrate") {
				t.Fatalf("readyz before migrations = %d %q", res.StatusCode, body)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not start")
		}
	}
}

// SIGTERM while an upload is half sent: the server stops taking new
// connections at once, lets the upload finish and saves it, then closes
// its pool and exits 0.
func TestSIGTERMFinishesRequestsInFlight(t *testing.T) {
	dbURL := testdb.NewDemo(t)
	addr := freeAddr(t)
	server := startServe(t, dbURL, addr)
	waitReady(t, addr, 10*time.Second)
	c := signInAt(t, addr)

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	firstHalf, rest := make(chan struct{}), make(chan struct{})
	go func() {
		mw.WriteField("title", "Biên bản gửi lúc máy chủ dừng")
		mw.WriteField("dated", "2026-05-01")
		fw, _ := mw.CreateFormFile("file", "bien-ban.pdf")
		fw.Write([]byte("%PDF-1.4\n"))
		fw.Write(make([]byte, 256<<10))
		close(firstHalf)
		<-rest
		fw.Write(make([]byte, 256<<10))
		fw.Write([]byte("\n%%EOF\n"))
		mw.Close()
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/2026/wards/09552/criteria/13/evidence", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	answered := make(chan *http.Response, 1)
	failed := make(chan error, 1)
	go func() {
		res, err := c.Do(req)
		if err != nil {
			failed <- err
			return
		}
		res.Body.Close()
		answered <- res
	}()
	<-firstHalf
	time.Sleep(100 * time.Millisecond)
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// New connections are refused while the upload is still open.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still takes connections after SIGTERM")
		}
	}
	close(rest)
	select {
	case res := <-answered:
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("the upload in flight was answered %d, want 303", res.StatusCode)
		}
	case err := <-failed:
		t.Fatalf("the upload in flight failed: %v", err)
	case <-time.After(15 * time.Second):
		t.Fatal("the upload in flight got no answer")
	}
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()
	select {
	case err := <-exited:
		var exit *exec.ExitError
		if errors.As(err, &exit) || err != nil {
			t.Errorf("after SIGTERM the server exited with %v, want 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not exit after SIGTERM")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	var size int64
	if err := conn.QueryRow(ctx, `SELECT count(*), coalesce(max(size), 0) FROM evidence WHERE title = 'Biên bản gửi lúc máy chủ dừng'`).Scan(&n, &size); err != nil {
		t.Fatal(err)
	}
	if want := int64(len("%PDF-1.4\n") + 512<<10 + len("\n%%EOF\n")); n != 1 || size != want {
		t.Errorf("%d evidence rows of %d bytes, want 1 of %d", n, size, want)
	}
}
