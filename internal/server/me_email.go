package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

// emailConfirmFor is how long a confirmation link stays good.
const emailConfirmFor = 24 * time.Hour

// baseURL is the portal's address for links in mail and feeds: BASE_URL,
// never the request's Host header (anyone can send one that names
// another site). Without BASE_URL links are relative, which a feed reader
// resolves against the feed; serve refuses to send mail without it.
func (s *Server) baseURL() string {
	return strings.TrimRight(s.base, "/")
}

// meEmail sets the user's own address: an empty one removes it at once; a
// new one is the user's once they open the link mailed to it. Either asks
// for the current password (and code) first, and a user may ask for a few
// confirmation mails an hour.
func (s *Server) meEmail(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	u := userOf(r)
	email := strings.TrimSpace(r.PostForm.Get("email"))
	refuse := func(status int, errs map[string]string) error { return s.refuseOnMe(w, r, status, errs, email) }
	if email != "" && assess.CheckEmail(email) != nil {
		return refuse(http.StatusBadRequest, map[string]string{"email": "me.err.email"})
	}
	errs, status, err := s.confirmIdentity(w, r, "email", reauthOf(r), u.HasFactor)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return refuse(status, errs)
	}
	if email == "" {
		if err := s.store.SetEmail(r.Context(), s.actor(r), u.Username, ""); err != nil {
			return err
		}
		s.flash(r, "me.flash.email.removed")
		http.Redirect(w, r, "/me#email", http.StatusSeeOther)
		return nil
	}
	token := make([]byte, 32)
	_, _ = rand.Read(token) // never fails (crypto/rand)
	raw := base64.RawURLEncoding.EncodeToString(token)
	sum := sha256.Sum256([]byte(raw))
	l := langOf(r)
	link := s.baseURL() + "/me/email/confirm?token=" + raw
	err = s.store.RequestEmail(r.Context(), u.ID, email, sum[:], s.now(), s.now().Add(emailConfirmFor),
		l.T("mail.confirm.subject"), l.T("mail.confirm.body", u.Username, link))
	if errors.Is(err, store.ErrTooManyMails) {
		w.Header().Set("Retry-After", "3600")
		return refuse(http.StatusTooManyRequests, map[string]string{"email": "me.err.toomany"})
	}
	if err != nil {
		return err
	}
	s.flash(r, "me.flash.email.sent", email)
	http.Redirect(w, r, "/me#email", http.StatusSeeOther)
	return nil
}

// emailToken holds a confirmation link's token, opened while signed out,
// until the user has signed in: it never rides in the sign-in page's
// address (next=), where proxies and browsers' histories keep it.
const emailToken = "email_token"

// meConfirmEmail opens the link mailed to a new address. Signed out, the
// token waits in the session and the user signs in first.
func (s *Server) meConfirmEmail(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if userOf(r).ID == 0 {
		if token != "" && len(token) <= 64 {
			s.sessions.Put(r.Context(), emailToken, token)
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape("/me/email/confirm"), http.StatusSeeOther)
		return nil
	}
	if token == "" {
		token = s.sessions.PopString(r.Context(), emailToken)
	}
	sum := sha256.Sum256([]byte(token))
	email, err := s.store.ConfirmEmail(r.Context(), s.actor(r), sum[:], s.now())
	if errors.Is(err, store.ErrBadToken) {
		return &Error{Status: http.StatusBadRequest, Key: "me.err.token", Err: err}
	}
	if err != nil {
		return err
	}
	s.flash(r, "me.flash.email.confirmed", email)
	http.Redirect(w, r, "/me#email", http.StatusSeeOther)
	return nil
}

// meMail turns notices by mail off, or on again.
func (s *Server) meMail(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	off := r.PostForm.Get("mail") != "on"
	if err := s.store.SetMailOff(r.Context(), userOf(r).ID, off); err != nil {
		return err
	}
	key := "me.flash.mail.on"
	if off {
		key = "me.flash.mail.off"
	}
	s.flash(r, key)
	http.Redirect(w, r, "/me#email", http.StatusSeeOther)
	return nil
}
