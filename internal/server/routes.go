package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"modelward/web"
)

// Handler returns every route of the portal, in one list.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(middleware.Recoverer)
	r.Use(limitBody)
	r.Use(withLang)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle("/static/*", http.FileServerFS(web.Static))
	r.Get("/lang", s.switchLang)

	r.Get("/", s.page(s.home))
	r.Get("/{year}/units/{code}", s.page(s.dashboard))
	r.Get("/{year}/units/{code}/summary.csv", s.page(s.summaryCSV))
	r.Get("/{year}/wards/{code}", s.page(s.ward))

	r.NotFound(s.page(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(s.page(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusMethodNotAllowed, Key: "err.notfound"}
	}))
	return r
}
