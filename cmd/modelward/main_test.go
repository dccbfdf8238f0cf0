package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"modelward/internal/testdb"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestMigrateAndSeedAreRepeatable(t *testing.T) {
	url := testdb.New(t)
	ctx := context.Background()
	getenv := env(map[string]string{"DATABASE_URL": url})
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
	url := testdb.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"dev"}, env(map[string]string{"DATABASE_URL": url, "ADDR": "127.0.0.1:0"}), nil, out, io.Discard)
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
	for _, want := range []string{"phula", "hanoi", "bocongan", "admin", "modelward-demo"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner does not mention %q", want)
		}
	}
	res, err := http.Get("http://127.0.0.1:" + port + "/2023/wards/09552")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "đạt 19/22 tiêu chí, 3 chờ đánh giá cuối năm") {
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
