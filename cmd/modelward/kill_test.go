package main

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os/exec"
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
	time.Sleep(200 * time.Millisecond)
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
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("after restart: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	// SIGTERM: the server shuts down gracefully and exits 0.
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := server.Wait(); err != nil {
		t.Errorf("after SIGTERM the server exited with %v, want 0", err)
	}
}
