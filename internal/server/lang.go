package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"modelward/web"
)

type langKey struct{}

const langCookie = "lang"

// withLang puts the user's language, kept in a cookie, on the request.
// Vietnamese is the default.
func withLang(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := web.VI
		if c, err := r.Cookie(langCookie); err == nil {
			l = web.ParseLang(c.Value)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), langKey{}, l)))
	})
}

func langOf(r *http.Request) web.Lang {
	if l, ok := r.Context().Value(langKey{}).(web.Lang); ok {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		return web.ParseLang(c.Value)
	}
	return web.VI
}

// switchLang keeps the chosen language in a cookie and goes back to the page.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	l := web.ParseLang(r.URL.Query().Get("to"))
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure,
	}) // #nosec G124 -- Secure whenever the portal is reached over TLS (SECURE_COOKIES); over plain HTTP (make run) a browser would drop a Secure cookie
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther) // #nosec G710 -- localPath lets through only this site's own paths (redirect_test.go)
}

// localPath returns next when it is a path on this site, "/" otherwise, so
// that no redirect can send anyone elsewhere. It judges next as a browser
// reads it: tabs and line breaks dropped, a backslash taken for a slash
// (a tab in "/<tab>/evil.example" and the backslash of "/\evil.example" both make
// it //evil.example).
func localPath(next string) string {
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	read := strings.ReplaceAll(next, "\\", "/")
	if !strings.HasPrefix(read, "/") || strings.HasPrefix(read, "//") {
		return "/"
	}
	if u, err := url.Parse(read); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return read
}
