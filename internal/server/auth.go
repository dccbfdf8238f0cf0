package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

type userKey struct{}

// Session keys: the signed-in user, and when the session was last seen
// (Unix seconds).
const (
	sessionUserID = "user_id"
	sessionSeen   = "seen"
	// sessionIdleKey is how long the session may sit unused (seconds),
	// fixed at sign-in by the user's role.
	sessionIdleKey = "idle"
)

// loadUser puts the signed-in user on the request. The user is read afresh
// on every request, so that a disabled user's sessions stop at once and a
// changed role or unit takes effect at the next click.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if resumed(r) { // the user is on it already
			next.ServeHTTP(w, r)
			return
		}
		id := s.sessions.GetInt64(ctx, sessionUserID)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		now := s.now()
		token := s.sessions.Token(ctx)
		idle := now.Sub(time.Unix(s.sessions.GetInt64(ctx, sessionSeen), 0))
		if idle > s.idleOf(ctx) {
			if err := s.endSession(ctx); err != nil {
				s.page(func(http.ResponseWriter, *http.Request) error { return err })(w, r)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if idle >= sessionTouch {
			s.sessions.Put(ctx, sessionSeen, now.Unix())
			if err := s.store.TouchSession(ctx, token, now); err != nil {
				s.page(func(http.ResponseWriter, *http.Request) error { return err })(w, r)
				return
			}
		}
		// The user is read through the session's own record: a session
		// ended elsewhere (a new password, a disable, "end this session")
		// has none, and is over at once.
		u, err := s.store.UserBySession(ctx, token)
		switch {
		case errors.Is(err, store.ErrNotFound) || err == nil && (!u.Active || u.ID != id):
			if err := s.endSession(r.Context()); err != nil {
				s.page(func(http.ResponseWriter, *http.Request) error { return err })(w, r)
				return
			}
			next.ServeHTTP(w, r)
		case err != nil:
			s.page(func(http.ResponseWriter, *http.Request) error { return err })(w, r)
		default:
			next.ServeHTTP(w, r.WithContext(withUser(r.Context(), u)))
		}
	})
}

func withUser(ctx context.Context, u store.User) context.Context {
	noteUser(ctx, u.Username)
	return context.WithValue(ctx, userKey{}, u)
}

// actor is the signed-in user as the one who acts, with the address the
// request came from: every change's audit entry names it.
func (s *Server) actor(r *http.Request) assess.Actor {
	a := userOf(r).Actor()
	a.Addr = s.clientAddr(r)
	return a
}

// userOf returns the signed-in user, or a zero User.
func userOf(r *http.Request) store.User {
	u, _ := r.Context().Value(userKey{}).(store.User)
	return u
}

// requireSignIn sends people who are not signed in to the sign-in page, and
// refuses other requests with 401.
func (s *Server) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if userOf(r).ID != 0 {
			next.ServeHTTP(w, r)
			return
		}
		// A session cookie without a session: it ended while the page was open.
		_, err := r.Cookie(s.sessions.Cookie.Name)
		expired := err == nil
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			to := "/login?next=" + url.QueryEscape(r.URL.RequestURI())
			if expired {
				to += "&expired=1"
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		// A form: answer with the sign-in form, carrying what was typed.
		s.page(func(w http.ResponseWriter, r *http.Request) error {
			res, err := readResume(w, r)
			if err != nil {
				return err
			}
			if res == nil {
				return &Error{Status: http.StatusUnauthorized, Key: "err.signin"}
			}
			next := r.Referer()
			if u, err := url.Parse(next); err == nil && u.Host == r.Host {
				next = u.RequestURI()
			}
			return s.renderLogin(w, r, http.StatusUnauthorized, web.LoginForm{
				Next: localPath(next), Reason: "login.expired.form", Resume: res})
		})(w, r)
	})
}

// requireOwnPassword keeps a user whose password an admin set on their
// own page until they choose one: a password passed from hand to hand is
// not theirs. Pages lead to /me; forms elsewhere are refused.
func (s *Server) requireOwnPassword(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !userOf(r).MustChangePassword || r.URL.Path == "/me" || strings.HasPrefix(r.URL.Path, "/me/") {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			http.Redirect(w, r, "/me#password", http.StatusSeeOther)
			return
		}
		s.page(func(http.ResponseWriter, *http.Request) error {
			return &Error{Status: http.StatusForbidden, Key: "me.mustchange"}
		})(w, r)
	})
}

// authorize asks the access policy whether the signed-in user may do p to
// the unit at the end of path; 403 when not.
func authorize(r *http.Request, p assess.Permission, path []store.Unit) error {
	ids := pathIDs(path)
	u := userOf(r)
	if !u.Actor().Can(p, ids) {
		return &Error{Status: http.StatusForbidden, Key: "err.forbidden",
			Err: fmt.Errorf("%s (%s of %s #%d) may not %s %s (path %v)", u.Username, u.Role, u.UnitCode, u.UnitID, p, path[len(path)-1].Code, ids)}
	}
	return nil
}

// pathIDs are the identities of a path's units, as the access policy
// takes them.
func pathIDs(path []store.Unit) []int64 {
	ids := make([]int64, len(path))
	for i, u := range path {
		ids[i] = u.ID
	}
	return ids
}

// authorizeRecognise asks the access policy whether the signed-in user
// may record the recognition of the ward at the end of path, registered at
// level; 403 when not.
func authorizeRecognise(r *http.Request, level string, path []store.Unit) error {
	if u := userOf(r); !u.Actor().CanRecognise(level, pathIDs(path)) {
		return &Error{Status: http.StatusForbidden, Key: "err.forbidden",
			Err: fmt.Errorf("%s (%s of %s) may not recognise %s at level %q", u.Username, u.Role, u.UnitCode, path[len(path)-1].Code, level)}
	}
	return nil
}

// authorizeRead is authorize for reading a unit, which also lets in the
// people of the wards that took a ward over: a ward merged away in a reform
// keeps its history readable by the officers and reviewers of its successor.
func (s *Server) authorizeRead(r *http.Request, path []store.Unit) error {
	err := authorize(r, assess.Read, path)
	u := userOf(r)
	if err == nil || u.ID == 0 || len(path) == 0 || path[len(path)-1].Kind != "ward" {
		return err
	}
	ok, lerr := s.store.TakenOverWithin(r.Context(), path[len(path)-1].ID, u.UnitID)
	if lerr != nil {
		return lerr
	}
	if ok {
		return nil
	}
	return err
}

// signInLimits are the failed sign-ins allowed in 15 minutes: 5 for an
// account from one address, 10 for an account from anywhere, 100 from one
// address over every account (a police station behind one NAT address).
var signInLimits = store.SignInLimits{Window: 15 * time.Minute, PerPair: 5, PerAccount: 10, PerAddress: 100}

// retryAfter tells the client when a refused sign-in may try again.
func (s *Server) retryAfter(w http.ResponseWriter, until time.Time) {
	w.Header().Set("Retry-After", fmt.Sprint(int(until.Sub(s.now()).Seconds())+1))
}

// throttledUntil says whether err refuses a sign-in attempt, and until when.
func throttledUntil(err error) (time.Time, bool) {
	var t *store.ThrottledError
	if errors.As(err, &t) {
		return t.Until, true
	}
	return time.Time{}, false
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if userOf(r).ID != 0 {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	q := r.URL.Query()
	f := web.LoginForm{Next: localPath(q.Get("next"))}
	switch {
	case q.Get("expired") == "1":
		f.Reason = "login.expired"
	case f.Next != "/":
		f.Reason = "login.needed"
	}
	return s.renderLogin(w, r, http.StatusOK, f)
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, f web.LoginForm) error {
	l := langOf(r)
	p := web.LoginPage{Page: s.frame(r, l.T("login.title"), 0, nil, nil, nil), Form: f}
	return renderHTML(w, r, status, web.Login(p))
}

// loginInput is the sign-in form as typed.
type loginInput struct {
	Username string
	Password string
	Next     string
	// Resume is a form sent after the session ended, to send once signed in.
	Resume *web.Resume
}

func parseLogin(r *http.Request) (loginInput, error) {
	if err := parseForm(r); err != nil {
		return loginInput{}, err
	}
	return loginInput{
		Username: strings.TrimSpace(r.PostForm.Get("username")),
		Password: r.PostForm.Get("password"),
		Next:     localPath(r.PostForm.Get("next")),
		Resume:   resumeOf(r.PostForm),
	}, nil
}

// validate returns the message key of what is wrong with the form, if anything.
func (in loginInput) validate() (field, key string) {
	if in.Username == "" {
		return "username", "login.err.username.empty"
	}
	if assess.CheckUsername(in.Username) != nil {
		return "username", "login.err.username.invalid"
	}
	if in.Password == "" {
		return "password", "login.err.password.empty"
	}
	if len(in.Password) > 1000 {
		return "password", "login.err.password.long"
	}
	return "", ""
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	in, err := parseLogin(r)
	if err != nil {
		return err
	}
	form := web.LoginForm{Username: in.Username, Next: in.Next, Resume: in.Resume}
	if in.Resume != nil {
		form.Reason = "login.expired.form"
	}
	if len(in.Username) > 200 {
		form.Username = ""
	}
	if field, key := in.validate(); key != "" {
		form.Field, form.Error = field, key
		return s.renderLogin(w, r, http.StatusBadRequest, form)
	}
	addr := s.clientAddr(r)
	// The attempt is counted before the password is compared, so that
	// attempts sent at once cannot all pass the limit.
	attempt, err := s.store.ReserveSignIn(ctx, in.Username, addr, s.now(), signInLimits)
	if until, ok := throttledUntil(err); ok {
		s.metrics.signIns.WithLabelValues("limited").Inc()
		if err := s.store.RecordSignIn(ctx, store.SignInEvent{Action: "sign_in_throttled", Username: in.Username, ClientAddr: addr}); err != nil {
			return err
		}
		s.retryAfter(w, until)
		form.Error, form.Until = "login.err.limited", langOf(r).DateTime(until)
		return s.renderLogin(w, r, http.StatusTooManyRequests, form)
	}
	if err != nil {
		return err
	}
	u, err := s.store.UserByUsername(ctx, in.Username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// An unknown user, a disabled one and a wrong password get the same
	// answer, in the same time.
	if !assess.PasswordMatches(u.PasswordHash, in.Password) || !u.Active {
		locked, err := s.store.SignInFailed(ctx, "sign_in_failed", u.ID, in.Username, addr, s.now(), signInLimits)
		if err != nil {
			return err
		}
		s.metrics.signIns.WithLabelValues("failure").Inc()
		form.Error = "login.err.wrong"
		if locked != nil {
			// This failure locks the account: say so now, not at the next try.
			s.retryAfter(w, locked.Until)
			form.Error, form.Until = "login.err.locked", langOf(r).DateTime(locked.Until)
		}
		return s.renderLogin(w, r, http.StatusUnauthorized, form)
	}
	if err := s.store.SignInSucceeded(ctx, attempt); err != nil {
		return err
	}
	if u.HasFactor || s.mustUseFactor(u.Role) {
		return s.askFactor(w, r, u, in.Next, in.Resume)
	}
	if err := s.startSession(r, u); err != nil {
		return err
	}
	return s.afterSignIn(w, r, u, in.Next, in.Resume)
}

// startSession signs u in on the request's session, which gets a new
// token, so that a token planted before cannot be used.
func (s *Server) startSession(r *http.Request, u store.User) error {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	for _, k := range []string{pendingUser, pendingSince, pendingSecret} {
		s.sessions.Remove(ctx, k)
	}
	s.sessions.Put(ctx, sessionUserID, u.ID)
	s.sessions.Put(ctx, sessionSeen, s.now().Unix())
	idle := s.idle
	if u.Role == assess.Admin {
		idle = s.adminIdle
	}
	s.sessions.Put(ctx, sessionIdleKey, int64(idle/time.Second))
	addr := s.clientAddr(r)
	if err := s.store.StartSession(ctx, s.sessions.Token(ctx), u.ID, s.now(), addr, r.UserAgent()); err != nil {
		return err
	}
	if err := s.store.RecordSignIn(ctx, store.SignInEvent{Action: "sign_in", UserID: u.ID, Username: u.Username, ClientAddr: addr}); err != nil {
		return err
	}
	s.metrics.signIns.WithLabelValues("success").Inc()
	return nil
}

// afterSignIn sends the form the session ended on, or goes where the user
// was going.
func (s *Server) afterSignIn(w http.ResponseWriter, r *http.Request, u store.User, next string, res *web.Resume) error {
	if u.MustChangePassword {
		http.Redirect(w, r, "/me#password", http.StatusSeeOther)
		return nil
	}
	if res != nil {
		return s.resume(w, r, u, res, next)
	}
	if next == "/login" || strings.HasPrefix(next, "/login?") {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if u := userOf(r); u.ID != 0 {
		if err := s.store.RecordSignIn(r.Context(), store.SignInEvent{Action: "sign_out", UserID: u.ID, Username: u.Username, ClientAddr: s.clientAddr(r)}); err != nil {
			return err
		}
	}
	if err := s.endSession(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// clientAddr is the address the request came from: the peer's, or, when
// the peer is a proxy listed in TRUSTED_PROXIES, the last address in
// X-Forwarded-For that is not one of those proxies. Anyone else can send
// that header, so it is read from them never.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trustedProxy(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trustedProxy(a) {
			return a.Unmap().String()
		}
	}
	return host
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.trustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// endSession ends the request's session: its record and its data.
func (s *Server) endSession(ctx context.Context) error {
	if token := s.sessions.Token(ctx); token != "" {
		if err := s.store.EndSession(ctx, token); err != nil {
			return err
		}
	}
	return s.sessions.Destroy(ctx)
}

// idleOf is how long the request's session may sit unused.
func (s *Server) idleOf(ctx context.Context) time.Duration {
	if n := s.sessions.GetInt64(ctx, sessionIdleKey); n > 0 {
		return time.Duration(n) * time.Second
	}
	return s.idle
}
