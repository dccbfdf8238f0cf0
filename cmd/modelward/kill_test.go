package main

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/testdb"
)

// The server killed with SIGKILL in the middle of an evidence upload leaves
// no evidence row behind; a new server serves the same data, and stops with
// exit status 0 on SIGTERM.
func TestKillDuringUpload(t *testing.T) {
	dbURL := testdb.NewDemo(t)
	addr := freeAddr(t)
	start := func() *exec.Cmd {
		cmd := startServe(t, dbURL, addr)
		waitReady(t, addr, 10*time.Second)
		return cmd
	}
	server := start()
	c := signInAt(t, addr)
	readBefore := bytesRead(t, server.Process.Pid)

	// Send half an upload, then kill the server.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	sent := make(chan struct{})
	go func() {
		mw.WriteField("title", "Báo cáo dở dang")
		mw.WriteField("dated", "2026-05-01")
		fw, _ := mw.CreateFormFile("file", "half.pdf")
		fw.Write([]byte("%PDF-1.4\n"))
		fw.Write(make([]byte, 256<<10))
		close(sent)
		// The rest never comes.
	}()
	req, _ := http.NewRequest("POST", "http://"+addr+"/2026/wards/09552/criteria/13/evidence", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	done := make(chan error, 1)
	go func() {
		res, err := c.Do(req)
		if err == nil {
			res.Body.Close()
			err = fmt.Errorf("the upload was answered %d", res.StatusCode)
		}
		done <- err
	}()
	<-sent
	// The server has read the half upload (its own count of bytes read),
	// and waits for the rest: now it dies.
	for deadline := time.Now().Add(10 * time.Second); bytesRead(t, server.Process.Pid)-readBefore < 256<<10; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server did not read the half upload within 10 s")
		}
	}
	if err := server.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	server.Wait()
	pw.CloseWithError(io.ErrClosedPipe)
	if err := <-done; err == nil {
		t.Error("the interrupted upload got an answer")
	}

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows, assessments int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM evidence), (SELECT count(*) FROM assessments WHERE year = 2026)`).Scan(&rows, &assessments); err != nil {
		t.Fatal(err)
	}
	if rows != 0 || assessments != 13 {
		t.Errorf("after the kill: %d evidence rows, %d assessments for 2026; want none and the demo's 13", rows, assessments)
	}
	// A new server starts and serves.
	server = start()
	res, err := c.Get("http://" + addr + "/2026/wards/09552")
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("after restart: %d", res.StatusCode)
	}
	// SIGTERM: the server shuts down gracefully and exits 0.
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := server.Wait(); err != nil {
		t.Errorf("after SIGTERM the server exited with %v, want 0", err)
	}
}

// bytesRead is what process pid has read so far, sockets included
// (rchar in /proc/pid/io).
func bytesRead(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "rchar: "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no rchar in /proc/pid/io")
	return 0
}
