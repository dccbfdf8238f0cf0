// Package server is the portal's HTTP side: the routes, the middleware, the
// handlers and the one place where errors become pages.
package server

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"modelward/internal/assess"
	"modelward/internal/signing"
	"modelward/internal/store"
	"modelward/web"
)

// Server serves the portal.
type Server struct {
	store    *store.Store
	log      *slog.Logger
	sessions *scs.SessionManager
	// demo says the database holds the demo data, so pages label their
	// figures as illustrative.
	demo    bool
	now     func() time.Time
	metrics *metrics
	// handler is every route (routes), built once: Handler serves it, and
	// a form sent after its session ended is replayed through it.
	handler http.Handler
	// trustedProxies may say who the client is (X-Forwarded-For).
	trustedProxies []netip.Prefix
	// metricsToken lets a scraper read /metrics; empty for none.
	metricsToken string
	// idle and adminIdle end a session left unused that long.
	idle, adminIdle time.Duration
	secure          bool
	uploads         uploadSlots
	// imports holds a slot per spreadsheet import in flight.
	imports chan struct{}
	// factorRoles must sign in with a second factor.
	factorRoles map[assess.Role]bool
	// base is the portal's address for links in mail (BASE_URL).
	base string
	// signer signs the decisions the portal issues; nil without SIGNING_KEY.
	signer *signing.Signer
}

// Config is what the server needs from its surroundings.
type Config struct {
	Store  *store.Store
	Logger *slog.Logger
	Demo   bool
	// SecureCookies marks the session cookie Secure: set it when the portal
	// is reached over TLS (directly or through a proxy).
	SecureCookies bool
	// SessionCleanup is how often expired sessions are deleted; 0 never.
	SessionCleanup time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (TRUSTED_PROXIES); none by default.
	TrustedProxies []netip.Prefix
	// MetricsToken is the bearer token a scraper sends for /metrics
	// (METRICS_TOKEN); without one only admins read it.
	MetricsToken string
	// IdleTimeout ends a session unused that long (default 15 minutes);
	// AdminIdleTimeout an admin's (default 5 minutes).
	IdleTimeout      time.Duration
	AdminIdleTimeout time.Duration
	// FactorRoles must sign in with a second factor (MFA_ROLES); nil means
	// admin and ministry. The other roles may choose to.
	FactorRoles []assess.Role
	// BaseURL is the portal's address as users reach it (BASE_URL), for
	// links in mail; empty means the address each request came to.
	BaseURL string
	// Signer is the body's signing key (SIGNING_KEY), with which the
	// portal signs the decisions it issues; nil: decisions are signed
	// elsewhere and uploaded.
	Signer *signing.Signer
}

// Session lifetimes: signed out after 15 idle minutes (an admin after 5;
// both configurable), and after 12 hours whatever happens. The time a
// session was last seen is written at most once a minute (sessionTouch),
// not on every request.
const (
	defaultIdle      = 15 * time.Minute
	defaultAdminIdle = 5 * time.Minute
	sessionLifetime  = 12 * time.Hour
	sessionTouch     = time.Minute
)

// New returns a server; its Handler serves every route.
func New(cfg Config) *Server {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	sm := scs.New()
	sm.Store = cfg.Store.SessionStore(cfg.SessionCleanup)
	// No scs IdleTimeout: it would write the session to the database on
	// every request to move the deadline. loadUser keeps the idle timeout.
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = "modelward_session"
	if cfg.SecureCookies {
		// Only over TLS, only for this host, only for the whole site.
		sm.Cookie.Name = "__Host-modelward_session"
		sm.Cookie.Path = "/"
	}
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Persist = false
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s := &Server{store: cfg.Store, log: log, sessions: sm, demo: cfg.Demo, now: now, trustedProxies: cfg.TrustedProxies,
		metricsToken: cfg.MetricsToken, idle: cmp.Or(cfg.IdleTimeout, defaultIdle), adminIdle: cmp.Or(cfg.AdminIdleTimeout, defaultAdminIdle),
		secure: cfg.SecureCookies, base: cfg.BaseURL, imports: make(chan struct{}, importsPerServer), signer: cfg.Signer}
	s.metrics = s.newMetrics()
	roles := cfg.FactorRoles
	if roles == nil {
		roles = defaultFactorRoles
	}
	s.factorRoles = map[assess.Role]bool{}
	for _, role := range roles {
		s.factorRoles[role] = true
	}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.page(func(http.ResponseWriter, *http.Request) error { return err })(w, r)
	}
	s.handler = s.routes()
	return s
}

// MaxBodyBytes bounds every request body the portal reads.
const MaxBodyBytes = 1 << 20

// limitBody bounds every request body to MaxBodyBytes. A route that takes
// files raises its own bound with allowBody, in the list of routes.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), rawBodyKey{}, r.Body))
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

type rawBodyKey struct{}

// allowBody bounds a route's request bodies to n bytes instead.
func allowBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if raw, ok := r.Context().Value(rawBodyKey{}).(io.ReadCloser); ok {
				r.Body = http.MaxBytesReader(w, raw, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// securityHeaders sets the headers every response carries: only this site's
// own resources, no inline script, no framing, no sniffing.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// staticFiles serves the embedded assets. An address with the file's
// content hash (web.Asset) never changes meaning, so it is kept a year;
// any other is checked again each time.
func staticFiles() http.Handler {
	files := http.FileServerFS(web.Static)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if v := r.URL.Query().Get("v"); v != "" && v == web.AssetVersion(name) {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}
