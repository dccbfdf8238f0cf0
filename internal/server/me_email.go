package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// emailConfirmFor is how long a confirmation link stays good.
const emailConfirmFor = 24 * time.Hour

// baseURL is the portal's address for links in mail: BASE_URL, or the
// address the request came to.
func (s *Server) baseURL(r *http.Request) string {
	if s.base != "" {
		return strings.TrimRight(s.base, "/")
	}
	scheme := "http"
	if r.TLS != nil || s.secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// meEmail sets the user's own address: an empty one removes it at once; a
// new one is the user's once they open the link mailed to it.
func (s *Server) meEmail(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	u := userOf(r)
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if email == "" {
		if err := s.store.SetEmail(r.Context(), u.Actor(), u.Username, ""); err != nil {
			return err
		}
		s.flash(r, "me.flash.email.removed")
		http.Redirect(w, r, "/me#email", http.StatusSeeOther)
		return nil
	}
	if assess.CheckEmail(email) != nil {
		p, err := s.mePage(r)
		if err != nil {
			return err
		}
		p.Errors, p.EmailTyped = map[string]string{"email": "me.err.email"}, email
		return renderHTML(w, r, http.StatusBadRequest, web.Me(p))
	}
	token := make([]byte, 32)
	_, _ = rand.Read(token) // never fails (crypto/rand)
	raw := base64.RawURLEncoding.EncodeToString(token)
	sum := sha256.Sum256([]byte(raw))
	l := langOf(r)
	link := s.baseURL(r) + "/me/email/confirm?token=" + raw
	if err := s.store.RequestEmail(r.Context(), u.ID, email, sum[:], s.now().Add(emailConfirmFor),
		l.T("mail.confirm.subject"), l.T("mail.confirm.body", u.Username, link)); err != nil {
		return err
	}
	s.flash(r, "me.flash.email.sent", email)
	http.Redirect(w, r, "/me#email", http.StatusSeeOther)
	return nil
}

// meConfirmEmail opens the link mailed to a new address.
func (s *Server) meConfirmEmail(w http.ResponseWriter, r *http.Request) error {
	sum := sha256.Sum256([]byte(r.URL.Query().Get("token")))
	email, err := s.store.ConfirmEmail(r.Context(), userOf(r).Actor(), sum[:], s.now())
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
