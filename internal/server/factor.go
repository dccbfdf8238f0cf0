package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// Signing in with a second factor takes two steps. The password step
// leaves the session half-signed-in: pendingUser names who gave the right
// password, and when, and pendingSecret is the secret being set up, when
// the user has none yet. Only the code step signs in.
const (
	pendingUser   = "pending_user"
	pendingSince  = "pending_since"
	pendingSecret = "pending_secret"
	// pendingFor is how long the code may follow the password.
	pendingFor = 5 * time.Minute
	// enrolSecret is the secret being set up from /me.
	enrolSecret = "enrol_secret" // #nosec G101 -- the name of a session key, not a secret
)

// defaultFactorRoles must use a second factor unless MFA_ROLES says otherwise.
var defaultFactorRoles = []assess.Role{assess.Admin, assess.Ministry}

// mustUseFactor says whether the role must sign in with a second factor.
func (s *Server) mustUseFactor(role assess.Role) bool { return s.factorRoles[role] }

// askFactor is the password step's answer for a user who has, or must set
// up, a second factor: the code form, or the set-up with a fresh secret.
func (s *Server) askFactor(w http.ResponseWriter, r *http.Request, u store.User, next string, res *web.Resume) error {
	ctx := r.Context()
	// A new token once the password is right, as at a full sign-in.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, pendingUser, u.ID)
	s.sessions.Put(ctx, pendingSince, s.now().Unix())
	p := web.FactorPage{Page: s.frame(r, langOf(r).T("factor.title"), 0, nil, nil, nil), Action: "/login/code", Next: next, Resume: res}
	if !u.HasFactor {
		f, err := assess.NewFactor(u.Username)
		if err != nil {
			return err
		}
		s.sessions.Put(ctx, pendingSecret, f.Secret)
		p.Title, p.Action, p.Required = langOf(r).T("factor.setup.title"), "/login/enrol", true
		p.Setup = &web.FactorSetup{Account: u.Username, Secret: f.Secret, URL: f.URL}
	}
	return renderHTML(w, r, http.StatusOK, web.Factor(p))
}

// codeInput is a code form as typed, with what rides along.
type codeInput struct {
	Code   string
	Next   string
	Resume *web.Resume
}

func parseCode(r *http.Request) (codeInput, error) {
	if err := parseForm(r); err != nil {
		return codeInput{}, err
	}
	return codeInput{Code: strings.TrimSpace(r.PostForm.Get("code")), Next: localPath(r.PostForm.Get("next")), Resume: resumeOf(r.PostForm)}, nil
}

func (in codeInput) validate() string {
	if in.Code == "" {
		return "factor.err.empty"
	}
	if len(in.Code) > 20 {
		return "factor.err.wrong"
	}
	return ""
}

// pendingOf is the user half-signed-in on the request's session, if the
// password step was less than pendingFor ago and they may still sign in.
func (s *Server) pendingOf(r *http.Request) (store.User, bool, error) {
	ctx := r.Context()
	id := s.sessions.GetInt64(ctx, pendingUser)
	since := time.Unix(s.sessions.GetInt64(ctx, pendingSince), 0)
	if id == 0 || s.now().Sub(since) > pendingFor {
		return store.User{}, false, nil
	}
	u, err := s.store.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, false, nil
	}
	if err != nil {
		return store.User{}, false, err
	}
	return u, u.Active, nil
}

// loginCode is the second step: a code from the app, or a recovery code.
// Each attempt counts against the account as a password does, so the six
// digits cannot be guessed.
func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) error {
	return s.codeStep(w, r, false)
}

// loginEnrol confirms the set-up the password step showed with its first
// code, then shows the recovery codes once.
func (s *Server) loginEnrol(w http.ResponseWriter, r *http.Request) error {
	return s.codeStep(w, r, true)
}

func (s *Server) codeStep(w http.ResponseWriter, r *http.Request, enrol bool) error {
	ctx := r.Context()
	in, err := parseCode(r)
	if err != nil {
		return err
	}
	u, ok, err := s.pendingOf(r)
	if err != nil {
		return err
	}
	secret := s.sessions.GetString(ctx, pendingSecret)
	if !ok || enrol == (secret == "") || enrol == u.HasFactor {
		return s.renderLogin(w, r, http.StatusUnauthorized, web.LoginForm{Next: in.Next, Resume: in.Resume, Error: "factor.err.expired"})
	}
	l := langOf(r)
	p := web.FactorPage{Page: s.frame(r, l.T("factor.title"), 0, nil, nil, nil), Action: "/login/code", Next: in.Next, Resume: in.Resume}
	if enrol {
		f, err := assess.FactorOf(u.Username, secret)
		if err != nil {
			return err
		}
		p.Title, p.Action, p.Required = l.T("factor.setup.title"), "/login/enrol", true
		p.Setup = &web.FactorSetup{Account: u.Username, Secret: f.Secret, URL: f.URL}
	}
	if p.Error = in.validate(); p.Error != "" {
		return renderHTML(w, r, http.StatusBadRequest, web.Factor(p))
	}
	addr := s.clientAddr(r)
	attempt, err := s.store.ReserveSignIn(ctx, u.Username, addr, s.now(), signInLimits)
	if until, ok := throttledUntil(err); ok {
		s.metrics.signIns.WithLabelValues("limited").Inc()
		if err := s.store.RecordSignIn(ctx, store.SignInEvent{Action: "sign_in_throttled", UserID: u.ID, Username: u.Username, ClientAddr: addr}); err != nil {
			return err
		}
		s.retryAfter(w, until)
		p.Error, p.Until = "login.err.limited", l.DateTime(until)
		return renderHTML(w, r, http.StatusTooManyRequests, web.Factor(p))
	}
	if err != nil {
		return err
	}
	recoveryLeft := -1
	if enrol {
		ok, err = s.enrolStep(r, u, secret, in.Code)
	} else {
		ok, recoveryLeft, err = s.checkCode(r, u, in.Code)
	}
	if err != nil {
		return err
	}
	if !ok {
		locked, err := s.store.SignInFailed(ctx, "sign_in_code_failed", u.ID, u.Username, addr, s.now(), signInLimits)
		if err != nil {
			return err
		}
		s.metrics.signIns.WithLabelValues("failure").Inc()
		p.Error = "factor.err.wrong"
		if locked != nil {
			s.retryAfter(w, locked.Until)
			p.Error, p.Until = "login.err.locked.code", l.DateTime(locked.Until)
		}
		return renderHTML(w, r, http.StatusUnauthorized, web.Factor(p))
	}
	if err := s.store.SignInSucceeded(ctx, attempt); err != nil {
		return err
	}
	if err := s.startSession(r, u); err != nil {
		return err
	}
	switch {
	case enrol:
		return s.showRecoveryCodes(w, r, in.Next, in.Resume)
	case recoveryLeft >= 0 && in.Resume == nil:
		// A recovery code stood in: say how many are left, where the
		// factor can be set up again.
		s.flash(r, "factor.recovery.left", strconv.Itoa(recoveryLeft))
		http.Redirect(w, r, "/me#factor", http.StatusSeeOther)
		return nil
	}
	return s.afterSignIn(w, r, u, in.Next, in.Resume)
}

// checkCode checks a code at sign-in: the app's code of now (spent, so it
// cannot serve twice), or an unused recovery code (spent too, and then
// recoveryLeft says how many remain; -1 otherwise).
func (s *Server) checkCode(r *http.Request, u store.User, code string) (ok bool, recoveryLeft int, err error) {
	ctx := r.Context()
	if !assess.IsFactorCode(code) {
		left, err := s.store.UseRecoveryCode(ctx, u.ID, u.Username, assess.RecoveryCodeHash(code), s.now(), s.clientAddr(r))
		if errors.Is(err, store.ErrCodeUsed) {
			return false, -1, nil
		}
		return err == nil, left, err
	}
	secret, last, err := s.store.FactorSecret(ctx, u.ID)
	if err != nil {
		return false, -1, err
	}
	step, ok := assess.MatchFactorCode(secret, code, s.now(), last)
	if !ok {
		return false, -1, nil
	}
	err = s.store.UseFactorStep(ctx, u.ID, step)
	if errors.Is(err, store.ErrCodeUsed) { // the same code, sent twice at once
		return false, -1, nil
	}
	return err == nil, -1, err
}

// enrolStep sets up the secret as u's factor if code is its code of now,
// with fresh recovery codes kept on the session until they are shown.
func (s *Server) enrolStep(r *http.Request, u store.User, secret, code string) (bool, error) {
	step, ok := assess.MatchFactorCode(secret, code, s.now(), 0)
	if !ok {
		return false, nil
	}
	codes := assess.NewRecoveryCodes()
	hashes := make([][]byte, len(codes))
	for i, c := range codes {
		hashes[i] = assess.RecoveryCodeHash(c)
	}
	if err := s.store.EnrolFactor(r.Context(), u.ID, u.Username, secret, step, hashes, s.now(), s.clientAddr(r)); err != nil {
		return false, err
	}
	s.sessions.Put(r.Context(), recoveryShown, strings.Join(codes, " "))
	return true, nil
}

// recoveryShown holds the recovery codes of a set-up between the code
// that confirms it and the page that shows them, once.
const recoveryShown = "recovery_codes"

func (s *Server) showRecoveryCodes(w http.ResponseWriter, r *http.Request, next string, res *web.Resume) error {
	codes := strings.Fields(s.sessions.PopString(r.Context(), recoveryShown))
	if next == "" || next == "/login" || strings.HasPrefix(next, "/login?") {
		next = "/"
	}
	p := web.FactorPage{Page: s.frame(r, langOf(r).T("factor.recovery.title"), 0, nil, nil, nil),
		Recovery: codes, Continue: next, Resume: res}
	return renderHTML(w, r, http.StatusOK, web.Factor(p))
}

// meFactor sets up a second factor from /me: the first one for a role that
// may choose, or a new phone's (the old secret and codes stop at the
// confirmation).
func (s *Server) meFactor(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	f, err := assess.NewFactor(u.Username)
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), enrolSecret, f.Secret)
	return s.renderMeFactor(w, r, http.StatusOK, f, "", nil)
}

// renderMeFactor is the set-up page: what is wrong with the code
// (errKey), or with the current password or code (reauthErrs).
func (s *Server) renderMeFactor(w http.ResponseWriter, r *http.Request, status int, f assess.Factor, errKey string, reauthErrs map[string]string) error {
	u := userOf(r)
	p := web.FactorPage{Page: s.frame(r, langOf(r).T("factor.setup.title"), 0, nil, nil, nil), Action: "/me/factor", Next: "/me",
		Setup: &web.FactorSetup{Account: u.Username, Secret: f.Secret, URL: f.URL}, Error: errKey,
		Reauth: &web.Reauth{Code: u.HasFactor, Errors: reauthErrs}}
	return renderHTML(w, r, status, web.Factor(p))
}

// meEnrol confirms the set-up of meFactor with its first code.
func (s *Server) meEnrol(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	in, err := parseCode(r)
	if err != nil {
		return err
	}
	secret := s.sessions.GetString(r.Context(), enrolSecret)
	if secret == "" {
		http.Redirect(w, r, "/me/factor", http.StatusSeeOther)
		return nil
	}
	f, err := assess.FactorOf(u.Username, secret)
	if err != nil {
		return err
	}
	if key := in.validate(); key != "" {
		return s.renderMeFactor(w, r, http.StatusBadRequest, f, key, nil)
	}
	errs, status, err := s.confirmIdentity(w, r, "factor", reauthOf(r), u.HasFactor)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.renderMeFactor(w, r, status, f, "", errs)
	}
	ok, err := s.enrolStep(r, u, secret, in.Code)
	if err != nil {
		return err
	}
	if !ok {
		return s.renderMeFactor(w, r, http.StatusBadRequest, f, "factor.err.wrong", nil)
	}
	s.sessions.Remove(r.Context(), enrolSecret)
	return s.showRecoveryCodes(w, r, "/me", nil)
}

// meRemoveFactor turns the second factor off, for a role that may choose.
func (s *Server) meRemoveFactor(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	if err := parseForm(r); err != nil {
		return err
	}
	if s.mustUseFactor(u.Role) {
		return &Error{Status: http.StatusForbidden, Key: "factor.err.required"}
	}
	errs, status, err := s.confirmIdentity(w, r, "factor", reauthOf(r), u.HasFactor)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.refuseOnMe(w, r, status, errs, "")
	}
	if err := s.store.ResetFactor(r.Context(), s.actor(r), u.Username, s.sessions.Token(r.Context())); err != nil {
		return err
	}
	s.flash(r, "me.flash.factor.off")
	http.Redirect(w, r, "/me#factor", http.StatusSeeOther)
	return nil
}
