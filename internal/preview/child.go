package preview

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A file is drawn in a child process, never in the portal's own: the
// portal's executable started again with childEnv set to the file's type,
// the file on its standard input, the drawing (gob) on its output. The
// child caps its own address space and CPU time before it reads a byte, so
// a file that would take gigabytes to decode kills the child, not the
// portal, and the deadline below ends one that loops.
const childEnv = "MODELWARD_PREVIEW_CHILD"

// The child's bounds: address space beyond what the Go runtime reserves at
// start, CPU seconds, and the parent's deadline for the whole run.
const (
	childMemory = 1 << 30
	childCPU    = 20
	childWall   = 30 * time.Second
	// maxDrawing bounds what the parent reads back (two JPEGs).
	maxDrawing = 8 << 20
)

// init turns any binary that links this package into the drawing child
// when it is started as one (the portal, and the tests' own binaries), and
// before anything else of that binary runs.
func init() {
	typ, ok := os.LookupEnv(childEnv)
	if !ok {
		return
	}
	if err := drawAsChild(typ, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Drawing is what the child found: the pictures, or why there are none
// (the file is of a kind without pictures, or its pictures cannot be
// drawn), and an office file's own properties.
type Drawing struct {
	Preview
	Failed bool
	Reason string
	Office Office
}

// drawAsChild is the child's whole life: bound itself, read, draw, write.
func drawAsChild(contentType string, in io.Reader, out io.Writer) error {
	if err := limitSelf(); err != nil {
		return err
	}
	content, err := io.ReadAll(io.LimitReader(in, 64<<20))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), childWall)
	defer cancel()
	d, err := describe(ctx, contentType, content)
	if err != nil {
		return err
	}
	return gob.NewEncoder(out).Encode(d)
}

// describe draws a file, or says why it has no pictures. A renderer out
// of time or memory is an error: the file is tried again later.
func describe(ctx context.Context, contentType string, content []byte) (Drawing, error) {
	if o, ok := OfficeProperties(contentType, content); ok {
		return Drawing{Failed: true, Reason: "office file", Office: o}, nil
	}
	p, err := Make(ctx, contentType, content)
	if errors.Is(err, ErrTooSlow) {
		return Drawing{}, err
	}
	if err != nil {
		return Drawing{Failed: true, Reason: err.Error()}, nil
	}
	return Drawing{Preview: p}, nil
}

// limitSelf caps the child's address space (childMemory more than the Go
// runtime already reserved) and CPU time, and has the garbage collector
// keep well inside the cap.
func limitSelf() error {
	base, err := addressSpace()
	if err != nil {
		return err
	}
	as := base + childMemory
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: as, Max: as}); err != nil {
		return fmt.Errorf("limit address space: %w", err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: childCPU, Max: childCPU}); err != nil {
		return fmt.Errorf("limit CPU time: %w", err)
	}
	debug.SetMemoryLimit(childMemory / 2)
	return nil
}

// addressSpace is this process's virtual size, from /proc/self/status.
func addressSpace() (uint64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmSize:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("VmSize %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmSize in /proc/self/status")
}

// ErrChildFailed means the child died or ran out of time: the file may be
// hostile, or the machine was busy; the caller tries again later.
var ErrChildFailed = errors.New("the drawing process failed")

// Draw draws a file in a child process under the bounds above.
func Draw(ctx context.Context, contentType string, content []byte) (Drawing, error) {
	exe, err := os.Executable()
	if err != nil {
		return Drawing{}, fmt.Errorf("find the portal's executable: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, childWall)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe) // #nosec G204 -- the portal's own executable, with no arguments
	cmd.Env = []string{childEnv + "=" + contentType, "PATH=" + os.Getenv("PATH"), "TMPDIR=" + os.TempDir()}
	cmd.Stdin = bytes.NewReader(content)
	var out bytes.Buffer
	var stderr bytes.Buffer
	cmd.Stdout = &limitedBuffer{buf: &out, max: maxDrawing}
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 4096}
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		return Drawing{}, fmt.Errorf("%w: %v: %s", ErrChildFailed, err, bytes.TrimSpace(stderr.Bytes()))
	}
	var d Drawing
	if err := gob.NewDecoder(&out).Decode(&d); err != nil {
		return Drawing{}, fmt.Errorf("%w: its answer: %v", ErrChildFailed, err)
	}
	return d, nil
}

// limitedBuffer keeps the first max bytes written and drops the rest.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
