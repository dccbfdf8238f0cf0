package mail_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"modelward/internal/assess"
	"modelward/internal/mail"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// mailbox is a real SMTP server on loopback that refuses the first
// refuse messages (451, try later) and keeps the others.
type mailbox struct {
	mu       sync.Mutex
	refuse   int
	received []string
	to       []string
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

type session struct {
	b  *mailbox
	to string
}

func (s *session) Reset()                                    {}
func (s *session) Logout() error                             { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *session) Data(r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.b.refuse > 0 {
		s.b.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.b.received = append(s.b.received, string(body))
	s.b.to = append(s.b.to, s.to)
	return nil
}

func serveMailbox(t *testing.T, b *mailbox) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "smtp://" + l.Addr().String()
}

type counts struct{ sent, failed int }

func (c *counts) Sent()   { c.sent++ }
func (c *counts) Failed() { c.failed++ }

// A notice reaches a user with an address by mail, through a real SMTP
// server that first refuses: the worker tries again after the backoff,
// and the mail goes out once, worded in Vietnamese with the page's link.
func TestNoticeIsMailedWithRetry(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	if err := st.SetEmail(ctx, assess.Actor{}, "phula", "phula@congan.example"); err != nil {
		t.Fatal(err)
	}
	hanoi, err := st.UserByUsername(ctx, "hanoi")
	if err != nil {
		t.Fatal(err)
	}
	// A comment on the ward's criterion: a notice for its officer, and
	// its mail, in the comment's transaction.
	if err := st.AddComment(ctx, hanoi.Actor(), "09552", 2026, 13, "Đề nghị ghi rõ nguồn số liệu."); err != nil {
		t.Fatal(err)
	}
	if n, err := st.MailQueued(ctx); err != nil || n != 1 {
		t.Fatalf("%d mails queued (%v), want 1", n, err)
	}

	box := &mailbox{refuse: 1}
	sender, err := mail.NewSender(serveMailbox(t, box), "Cổng phường điển hình <noreply@bocongan.example>")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c := &counts{}
	w := mail.Worker{Store: st, Send: sender.Send, Render: mail.Notices("https://phuongdienhinh.example/"), Now: func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Counts: c}
	// The notice's mail waits a little, for others to go with it.
	if sent, err := w.Deliver(ctx); err != nil || sent != 0 || c.failed != 0 {
		t.Fatalf("a delivery at once: %d sent, %d failed, %v; want nothing tried", sent, c.failed, err)
	}
	now = now.Add(store.NoticeGather)
	if sent, err := w.Deliver(ctx); err != nil || sent != 0 || c.failed != 1 {
		t.Fatalf("first delivery: %d sent, %d failed, %v; want the refusal", sent, c.failed, err)
	}
	// Not again before the backoff.
	now = now.Add(10 * time.Second)
	if sent, _ := w.Deliver(ctx); sent != 0 || len(box.received) != 0 {
		t.Fatal("the mail was tried again before its backoff")
	}
	now = now.Add(time.Minute)
	if sent, err := w.Deliver(ctx); err != nil || sent != 1 || c.sent != 1 {
		t.Fatalf("second delivery: %d sent, %v", sent, err)
	}
	if len(box.received) != 1 || box.to[0] != "phula@congan.example" {
		t.Fatalf("received %d mails to %v", len(box.received), box.to)
	}
	subject, parts := readMail(t, box.received[0])
	if !strings.HasPrefix(subject, "Phường Kiến Hưng: ý kiến mới") {
		t.Errorf("subject %q: want the ward and what happened", subject)
	}
	link := "https://phuongdienhinh.example/2026/wards/09552/criteria/13#comments"
	if !strings.Contains(parts["text/plain"], link) || !strings.Contains(parts["text/html"], `href="`+link+`"`) {
		t.Errorf("the mail lacks the link in text or HTML: %v", parts)
	}
	if strings.Contains(box.received[0], "Đề nghị") || strings.Contains(parts["text/plain"], "nguồn số liệu") {
		t.Error("the mail carries the comment's text, beyond what the notice says")
	}
	if n, _ := st.MailQueued(ctx); n != 0 {
		t.Errorf("%d mails still queued after sending", n)
	}
	// Nothing goes twice.
	now = now.Add(time.Hour)
	if sent, _ := w.Deliver(ctx); sent != 0 || len(box.received) != 1 {
		t.Error("a sent mail went again")
	}
}

// A mail server that never answers holds the worker its timeout at most,
// and the mail waits for the next try.
func TestSilentMailServer(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	if err := st.SetEmail(ctx, assess.Actor{}, "phula", "phula@congan.example"); err != nil {
		t.Fatal(err)
	}
	hanoi, _ := st.UserByUsername(ctx, "hanoi")
	if err := st.AddComment(ctx, hanoi.Actor(), "09552", 2026, 13, "Ý kiến."); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accepts, and never says a word
		}
	}()
	sender, err := mail.NewSender("smtp://"+l.Addr().String(), "noreply@bocongan.example")
	if err != nil {
		t.Fatal(err)
	}
	sender.Timeout = 500 * time.Millisecond
	w := mail.Worker{Store: st, Send: sender.Send, Render: mail.Notices("https://x.example"), Now: time.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	start := time.Now()
	sent, err := w.Deliver(ctx)
	if err != nil || sent != 0 {
		t.Fatalf("delivery to a silent server: %d sent, %v", sent, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a silent server held the worker %s", d)
	}
	if n, _ := st.MailQueued(ctx); n != 1 {
		t.Errorf("%d mails queued, want the one to try again", n)
	}
}

func TestNewSender(t *testing.T) {
	for _, bad := range []string{"http://x", "smtp://", "mail.example:25"} {
		if _, err := mail.NewSender(bad, "a@b.example"); err == nil {
			t.Errorf("SMTP_URL %q accepted", bad)
		}
	}
	if _, err := mail.NewSender("smtps://u:p@mail.example", ""); err == nil {
		t.Error("no MAIL_FROM accepted")
	}
	_ = errors.New
	_ = store.ErrNotFound
}

// readMail reads a mail as sent: its subject, and its parts by type.
func readMail(t *testing.T, raw string) (string, map[string]string) {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			r = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[ct] = string(b)
	}
	return subject, parts
}

// A burst of notices to one person (a reviewer's many comments) goes in
// one mail listing them all, and the next notices wait until a few
// minutes after it: the portal never floods a mailbox.
func TestNoticesToOnePersonAreGathered(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	if err := st.SetEmail(ctx, assess.Actor{}, "phula", "phula@congan.example"); err != nil {
		t.Fatal(err)
	}
	hanoi, err := st.UserByUsername(ctx, "hanoi")
	if err != nil {
		t.Fatal(err)
	}
	comment := func(n int) {
		t.Helper()
		if err := st.AddComment(ctx, hanoi.Actor(), "09552", 2026, n, "Ý kiến."); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 40 {
		comment(1 + i%20)
	}
	box := &mailbox{}
	sender, err := mail.NewSender(serveMailbox(t, box), "noreply@bocongan.example")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(store.NoticeGather)
	w := mail.Worker{Store: st, Send: sender.Send, Render: mail.Notices("https://phuongdienhinh.example"), Now: func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if sent, err := w.Deliver(ctx); err != nil || sent != 1 || len(box.received) != 1 {
		t.Fatalf("the burst: %d mails sent (%v), want 1", sent, err)
	}
	subject, parts := readMail(t, box.received[0])
	if subject != "[Phường điển hình] 40 thông báo mới" || strings.Count(parts["text/plain"], "https://phuongdienhinh.example/2026/wards/09552/criteria/") != 40 {
		t.Errorf("the gathered mail: %q, %d links", subject, strings.Count(parts["text/plain"], "/criteria/"))
	}
	if n, _ := st.MailQueued(ctx); n != 0 {
		t.Errorf("%d mails still queued", n)
	}
	// The next comment waits for the interval after that mail.
	comment(5)
	now = now.Add(store.NoticeGather + time.Second)
	if sent, _ := w.Deliver(ctx); sent != 0 {
		t.Error("a notice went out within the interval after the last mail")
	}
	now = now.Add(store.NoticeInterval)
	if sent, err := w.Deliver(ctx); err != nil || sent != 1 || len(box.received) != 2 {
		t.Errorf("after the interval: %d sent (%v), want 1", sent, err)
	}
}
