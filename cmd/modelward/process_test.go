package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// binary builds the modelward binary once for the tests that run it as a
// process, as an operator would.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	built := buildOnce()
	if built.err != nil {
		t.Fatalf("build: %v\n%s", built.err, built.out)
	}
	return built.path
}

type build struct {
	path string
	out  []byte
	err  error
}

var buildOnce = sync.OnceValue(func() build {
	dir, err := os.MkdirTemp("", "modelward-bin-")
	if err != nil {
		return build{err: err}
	}
	// The directory is left for the OS: the binary is needed until the
	// last test of the package ends.
	path := filepath.Join(dir, "modelward")
	out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
	return build{path: path, out: out, err: err}
})

// freeAddr is a loopback address with a free port.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServe starts `modelward serve` on addr against dbURL; the test ends
// it if it still runs.
func startServe(t *testing.T, dbURL, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary(t), "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "ADDR="+addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd
}

// waitReady waits until addr answers /readyz with 200.
func waitReady(t *testing.T, addr string, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not ready within %s", addr, within)
		}
	}
}

// signInAt signs the demo officer in at addr and returns a client that
// keeps the session and does not follow redirects. Cookies are per host,
// whatever the port, so the client also works on other copies on loopback.
func signInAt(t *testing.T, addr string) *http.Client {
	t.Helper()
	return signInAs(t, addr, "phula")
}
