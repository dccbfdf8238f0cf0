package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"modelward/internal/store"
	"modelward/web"
)

// API tokens live 90 days unless the admin says otherwise, a year at most.
const (
	tokenDays    = 90
	maxTokenDays = 365
)

func (s *Server) adminTokens(w http.ResponseWriter, r *http.Request) error {
	flash, _ := s.popFlash(r)
	return s.renderTokens(w, r, http.StatusOK, web.TokensPage{Flash: flash})
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, p web.TokensPage) error {
	tokens, err := s.store.Tokens(r.Context())
	if err != nil {
		return err
	}
	for _, t := range tokens {
		p.Tokens = append(p.Tokens, web.TokenRow{ID: t.ID, Name: t.Name, Username: t.Username, CreatedBy: t.CreatedBy,
			CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt,
			ExpiresAt: t.ExpiresAt, Expired: !t.ExpiresAt.After(s.now()),
			RevokeURL: fmt.Sprintf("/admin/tokens/%d/revoke", t.ID)})
	}
	p.Page = s.frame(r, langOf(r).T("tokens.title"), 0, nil, nil, nil)
	return renderHTML(w, r, status, web.Tokens(p))
}

// adminCreateToken issues a token for a user; it is shown once, on this
// response, and only its hash is kept.
func (s *Server) adminCreateToken(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	form := web.TokenForm{Name: strings.TrimSpace(r.PostForm.Get("name")), Username: strings.TrimSpace(r.PostForm.Get("username")),
		Days: strings.TrimSpace(r.PostForm.Get("days")), Errors: map[string]string{}}
	days := tokenDays
	if form.Days != "" {
		n, err := strconv.Atoi(form.Days)
		if err != nil || n < 1 || n > maxTokenDays {
			form.Errors["days"] = "tokens.err.days"
		}
		days = n
	}
	if form.Name == "" || !checkText(form.Name, 100) {
		form.Errors["name"] = "tokens.err.name"
	}
	if form.Username == "" || !checkText(form.Username, 64) {
		form.Errors["username"] = "tokens.err.user"
		form.Username = ""
	}
	if len(form.Errors) > 0 {
		return s.renderTokens(w, r, http.StatusBadRequest, web.TokensPage{Form: form})
	}
	token := "mw_" + rand.Text() + rand.Text()
	now := s.now()
	_, err := s.store.CreateToken(r.Context(), s.actor(r), form.Username, form.Name, token, now, now.AddDate(0, 0, days))
	if errors.Is(err, store.ErrNotFound) {
		form.Errors["username"] = "tokens.err.user"
		return s.renderTokens(w, r, http.StatusBadRequest, web.TokensPage{Form: form})
	}
	if err != nil {
		return err
	}
	return s.renderTokens(w, r, http.StatusOK, web.TokensPage{Secret: token})
}

func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(urlParam(r, "id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	if err := s.store.RevokeToken(r.Context(), s.actor(r), id); err != nil {
		return err
	}
	s.flash(r, "tokens.flash.revoked")
	http.Redirect(w, r, "/admin/tokens", http.StatusSeeOther)
	return nil
}
