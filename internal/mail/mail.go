// Package mail sends the portal's notices by e-mail: from the outbox the
// store fills in each notice's transaction, through an SMTP server, with
// retries and backoff, so that a mail server that is down loses nothing
// and never slows a page.
package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"modelward/internal/store"
)

// Sender sends mail through one SMTP server.
type Sender struct {
	host string
	opts []gomail.Option
	from string
	// Timeout bounds one conversation with the server.
	Timeout time.Duration
}

// sendTimeout bounds one conversation with the mail server: a server that
// never answers holds the worker this long at most, and no page ever.
const sendTimeout = 20 * time.Second

// NewSender reads SMTP_URL: smtp://user:pass@host:port (STARTTLS when the
// server offers it) or smtps://… (TLS from the start), and the From
// address.
func NewSender(smtpURL, from string) (*Sender, error) {
	u, err := url.Parse(smtpURL)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("SMTP_URL: %q is not smtp://user:pass@host:port or smtps://…", smtpURL)
	}
	if from == "" {
		return nil, fmt.Errorf("MAIL_FROM: give the address mail is sent from")
	}
	s := &Sender{host: u.Hostname(), from: from, Timeout: sendTimeout}
	port := 587
	if u.Scheme == "smtps" {
		port = 465
		s.opts = append(s.opts, gomail.WithSSL())
	} else {
		s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL: port %q", p)
		}
	}
	s.opts = append(s.opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		s.opts = append(s.opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return s, nil
}

// Message is one mail: plain text, and the same as HTML.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Send sends one message.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("from %q: %w", s.from, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("to %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	c, err := gomail.NewClient(s.host, append(s.opts, gomail.WithTimeout(s.Timeout))...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	return c.DialAndSendWithContext(ctx, msg)
}

// Counts are what the worker did, for /metrics.
type Counts interface {
	Sent()
	Failed()
}

// maxAttempts is how often a mail is tried before it is given up.
const maxAttempts = 8

// backoff is how long to wait before attempt n+1: 30 s, 1 min, 2 min, …,
// at most an hour.
func backoff(attempts int) time.Duration {
	d := 30 * time.Second << min(attempts, 7)
	return min(d, time.Hour)
}

// Worker sends the outbox's mail.
type Worker struct {
	Store *store.Store
	Send  func(context.Context, Message) error
	// Render words one mail: a mail of its own, or the notices of one
	// address gathered (one or more).
	Render func([]store.OutgoingMail) Message
	Now    func() time.Time
	Log    *slog.Logger
	Counts Counts
}

// Deliver sends the mail due now, once, and says how many mails went out:
// each address's notices gathered in one, each other mail alone.
func (w Worker) Deliver(ctx context.Context) (int, error) {
	taken, err := w.Store.TakeMail(ctx, w.Now(), 20)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, group := range gather(taken) {
		msg := w.Render(group)
		msg.To = group[0].To
		if err := w.Send(ctx, msg); err != nil {
			attempts := 0
			for _, m := range group {
				attempts = max(attempts, m.Attempts)
			}
			retry := w.Now().Add(backoff(attempts))
			if attempts+1 >= maxAttempts {
				retry = time.Time{}
			}
			w.Log.Warn("mail not sent", "id", group[0].ID, "mails", len(group), "attempt", attempts+1, "err", err)
			if w.Counts != nil {
				w.Counts.Failed()
			}
			for _, m := range group {
				if err := w.Store.MailFailed(ctx, m.ID, w.Now(), retry, err.Error()); err != nil {
					return sent, err
				}
			}
			continue
		}
		for _, m := range group {
			if err := w.Store.MailSent(ctx, m.ID, w.Now()); err != nil {
				return sent, err
			}
		}
		if w.Counts != nil {
			w.Counts.Sent()
		}
		sent++
	}
	return sent, nil
}

// gather groups the mails taken (in address order) into the mails to
// send: an address's notices together, every other mail alone.
func gather(taken []store.OutgoingMail) [][]store.OutgoingMail {
	var out [][]store.OutgoingMail
	notices := map[string]int{}
	for _, m := range taken {
		if m.Notice == nil {
			out = append(out, []store.OutgoingMail{m})
			continue
		}
		if i, ok := notices[m.To]; ok {
			out[i] = append(out[i], m)
			continue
		}
		notices[m.To] = len(out)
		out = append(out, []store.OutgoingMail{m})
	}
	return out
}

// Run delivers every interval until ctx is done.
func (w Worker) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := w.Deliver(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("deliver mail", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
