package server

import (
	"math"
	"net/http"
	"strings"

	"modelward/internal/store"
)

// wroteCookie marks a browser that has just changed something: for as long
// as a standby may lag and still serve, its reads go to the primary, so
// that nobody sees their own change missing. It is a cookie rather than a
// mark in the portal's memory so that every copy behind the proxy honours
// it.
const wroteCookie = "modelward_wrote"

// readYourWrites sends the reads of a browser that changed something in
// the last MAX_REPLICA_LAG (and a little) to the primary. Without a read
// replica it does nothing.
func (s *Server) readYourWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs := s.store.ReadState()
		if !rs.Replica {
			next.ServeHTTP(w, r)
			return
		}
		name := wroteCookie
		if s.secure {
			name = "__Host-" + wroteCookie
		}
		if _, err := r.Cookie(name); err == nil {
			r = r.WithContext(store.ReadPrimary(r.Context()))
		}
		// Signing in or out, or choosing a language, changes nothing
		// that a page would read.
		if r.Method == http.MethodGet || r.Method == http.MethodHead ||
			strings.HasPrefix(r.URL.Path, "/login") || r.URL.Path == "/logout" || r.URL.Path == "/lang" {
			next.ServeHTTP(w, r)
			return
		}
		window := int(math.Ceil(rs.MaxLag.Seconds())) + 2
		cookie := &http.Cookie{Name: name, Value: "1", Path: "/", MaxAge: window, HttpOnly: true, // #nosec G124 -- Secure whenever the portal is behind TLS (SECURE_COOKIES), as the session's
			Secure: s.secure, SameSite: http.SameSiteLaxMode}
		next.ServeHTTP(&markWrites{ResponseWriter: w, cookie: cookie}, r)
	})
}

// markWrites sets its cookie on a response that says the change was made
// (a status below 400), before the headers go out.
type markWrites struct {
	http.ResponseWriter
	cookie *http.Cookie
	done   bool
}

func (m *markWrites) WriteHeader(status int) {
	if !m.done {
		m.done = true
		if status < 400 {
			m.Header().Add("Set-Cookie", m.cookie.String())
		}
	}
	m.ResponseWriter.WriteHeader(status)
}

func (m *markWrites) Write(b []byte) (int, error) {
	if !m.done {
		m.WriteHeader(http.StatusOK)
	}
	return m.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection beneath.
func (m *markWrites) Unwrap() http.ResponseWriter { return m.ResponseWriter }
