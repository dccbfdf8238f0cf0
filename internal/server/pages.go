package server

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"modelward/internal/store"
	"modelward/web"
)

var yearPattern = regexp.MustCompile(`^[0-9]{4}$`)

func urlParam(r *http.Request, name string) string { return chi.URLParam(r, name) }

// parseYear reads {year}: four digits, or 400.
func parseYear(r *http.Request) (int, error) {
	s := urlParam(r, "year")
	if !yearPattern.MatchString(s) {
		return 0, &Error{Status: http.StatusBadRequest, Key: "err.badyear", Err: fmt.Errorf("year %q", s)}
	}
	return strconv.Atoi(s)
}

// frame fills what every page shows around its content.
func (s *Server) frame(r *http.Request, title string, year int, years []int, path []store.Unit, yearHref func(int) string) web.Page {
	p := web.Page{
		Lang:     langOf(r),
		Title:    title,
		Path:     r.URL.RequestURI(),
		Year:     year,
		Years:    years,
		YearHref: yearHref,
		Demo:     s.demo,
	}
	for _, u := range path {
		p.Crumbs = append(p.Crumbs, web.Crumb{Name: u.Name, Href: unitHref(year, u)})
	}
	return p
}

// unitHref is the page of a unit in a year: a ward's assessment, or the
// dashboard of any other unit.
func unitHref(year int, u store.Unit) string {
	if u.Kind == "ward" {
		return fmt.Sprintf("/%d/wards/%s", year, u.Code)
	}
	return fmt.Sprintf("/%d/units/%s", year, u.Code)
}

// home leads to the national dashboard of the newest year.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	years, err := s.store.Years(r.Context())
	if err != nil {
		return err
	}
	if len(years) == 0 {
		return errNotFound
	}
	http.Redirect(w, r, fmt.Sprintf("/%d/units/VN", years[0]), http.StatusSeeOther)
	return nil
}

// renderHTML writes a page. It renders into a buffer first so that a
// failure half-way gives an error page, not half a page.
func renderHTML(w http.ResponseWriter, r *http.Request, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := buf.WriteTo(w)
	return err
}
