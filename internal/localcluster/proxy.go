package localcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// proxy is haproxy in front of the portal's copies: it sends each request
// to a copy whose /readyz answers 200 (to any that is up when none is
// ready), and sends a request that could not have reached a copy (its
// connection failed), or a page whose copy died before answering, to
// another.
type proxy struct {
	// Addr is where browsers reach the portal; Stats haproxy's own page.
	Addr, Stats string
	*child
}

// child is a program the cluster started, and its end.
type child struct {
	cmd *exec.Cmd
	// exited is closed once the program has ended; err says how.
	exited chan struct{}
	err    error
}

// startChild starts cmd with its output in log, which is closed when cmd
// ends.
func startChild(cmd *exec.Cmd, log *os.File) (*child, error) {
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return nil, err
	}
	c := &child{cmd: cmd, exited: make(chan struct{})}
	go func() { c.err = cmd.Wait(); _ = log.Close(); close(c.exited) }()
	return c, nil
}

// end sends the program sig and waits for it to end, killing it after
// grace.
func (c *child) end(sig os.Signal, grace time.Duration) {
	_ = c.cmd.Process.Signal(sig)
	select {
	case <-c.exited:
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// haproxyConfig is the proxy's configuration for the copies at portals.
// Only GET and HEAD are sent again after a copy took them and died: a form
// sent twice might be saved twice.
const haproxyConfig = `# modelward: the portal's copies behind haproxy (written by modelward dev --replicas)
global
    log stderr format raw daemon notice
    maxconn 2000

defaults
    mode http
    log global
    option httplog
    option dontlog-normal
    option forwardfor
    option redispatch 1
    retries 3
    retry-on conn-failure empty-response
    timeout connect 2s
    timeout client 5m
    timeout server 5m
    timeout http-request 10s
    timeout queue 10s
    errorfile 503 {{dir}}/503.http

frontend portal
    bind {{listen}}
    http-request disable-l7-retry if !METH_GET !METH_HEAD
    # No copy ready (the database has no primary, mid-failover): the copies
    # that are up answer all the same, with their own 503 that keeps a
    # form to be sent again, rather than the proxy's page.
    use_backend portals_up if { nbsrv(portals) eq 0 }
    default_backend portals

backend portals
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 1
{{servers}}
backend portals_up
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 1
{{servers}}
listen stats
    bind {{stats}}
    stats enable
    stats uri /
    stats refresh 2s
`

// proxyUnavailable is haproxy's answer when no copy is up at all.
const proxyUnavailable = "HTTP/1.0 503 Service Unavailable\r\n" +
	"Cache-Control: no-store\r\nConnection: close\r\nContent-Type: text/html; charset=utf-8\r\nRetry-After: 5\r\n\r\n" +
	`<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tạm thời gián đoạn · Briefly unavailable</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5">
<h1>Hệ thống tạm thời gián đoạn</h1>
<p>Cổng thông tin đang chuyển sang máy chủ dự phòng hoặc đang khởi động lại. Những gì đã lưu không mất; yêu cầu này chưa được thực hiện. Vui lòng thử lại sau vài giây.</p>
<h2 lang="en">Briefly unavailable</h2>
<p lang="en">The portal is switching to its standby server or restarting. Nothing saved is lost; this request was not carried out. Please try again in a few seconds.</p>
</body></html>
`

// FindHaproxy looks for haproxy on PATH and where Debian installs it.
func FindHaproxy() (string, error) {
	if p, err := exec.LookPath("haproxy"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/haproxy"); err == nil {
		return "/usr/sbin/haproxy", nil
	}
	return "", errors.New(`haproxy is not installed: "sudo apt-get install haproxy" (make cluster installs it when run as root)`)
}

// startProxy writes haproxy's configuration into dir and starts it on
// listen in front of portals; it returns once haproxy listens.
func startProxy(ctx context.Context, dir, listen string, portals []string) (*proxy, error) {
	bin, err := FindHaproxy()
	if err != nil {
		return nil, err
	}
	stats, err := freeLoopback()
	if err != nil {
		return nil, err
	}
	var servers strings.Builder
	for i, p := range portals {
		fmt.Fprintf(&servers, "    server portal%d %s check\n", i+1, p)
	}
	conf := strings.NewReplacer("{{dir}}", dir, "{{listen}}", listen, "{{stats}}", stats, "{{servers}}", servers.String()).Replace(haproxyConfig)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "503.http"), []byte(proxyUnavailable), 0o600); err != nil {
		return nil, err
	}
	if out, err := exec.CommandContext(ctx, bin, "-c", "-q", "-f", path).CombinedOutput(); err != nil { // #nosec G204 -- the OS's haproxy with the configuration just written
		return nil, fmt.Errorf("haproxy configuration: %w\n%s", err, bytes.TrimSpace(out))
	}
	logFile, err := os.OpenFile(filepath.Join(dir, "haproxy.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600) // #nosec G304 -- the cluster's own directory
	if err != nil {
		return nil, err
	}
	// -db: in the foreground, stopped with the process that started it.
	c, err := startChild(exec.Command(bin, "-db", "-f", path), logFile) // #nosec G204 -- as above
	if err != nil {
		return nil, fmt.Errorf("start haproxy: %w", err)
	}
	p := &proxy{Addr: listen, Stats: stats, child: c}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get("http://" + stats + "/"); err == nil {
			_ = res.Body.Close()
			return p, nil
		}
		select {
		case <-p.exited:
			b, _ := os.ReadFile(filepath.Join(dir, "haproxy.log")) // #nosec G304 -- the cluster's own directory
			return nil, fmt.Errorf("haproxy stopped: %v\n%s", p.err, bytes.TrimSpace(b))
		default:
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, errors.New("haproxy did not start listening within 10 s")
		}
	}
}

// stop ends haproxy, letting requests in flight finish: SIGUSR1 is its
// soft stop (it stops listening and ends once its connections are done).
func (p *proxy) stop() { p.end(syscall.SIGUSR1, 10*time.Second) }

// freeLoopback is a free address on loopback.
func freeLoopback() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
