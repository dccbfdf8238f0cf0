package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"modelward/internal/assess"

	"modelward/internal/store"
	"modelward/web"
)

var yearPattern = regexp.MustCompile(`^[0-9]{4}$`)

func urlParam(r *http.Request, name string) string { return chi.URLParam(r, name) }

// parseForm reads a urlencoded form; one that cannot be read, or that holds
// bytes that are not UTF-8 (no browser sends them for a UTF-8 page), is a
// 400 before any handler looks at it.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return &Error{Status: http.StatusBadRequest, Key: "err.form", Err: err}
	}
	if key, bad := notUTF8(r.Form); bad {
		return errFormNotUTF8(key)
	}
	return nil
}

// notUTF8 finds a field whose name or a value is not UTF-8.
func notUTF8(values url.Values) (string, bool) {
	for key, vs := range values {
		if !utf8.ValidString(key) || slices.ContainsFunc(vs, func(v string) bool { return !utf8.ValidString(v) }) {
			return key, true
		}
	}
	return "", false
}

func errFormNotUTF8(field string) error {
	return &Error{Status: http.StatusBadRequest, Key: "err.form.utf8", Err: fmt.Errorf("field %q is not UTF-8", strings.ToValidUTF8(field, "?"))}
}

// checkText refuses text that is not valid UTF-8, holds a null character or
// is longer than max characters. (Forms are checked for UTF-8 as they are
// read; multipart fields and stored text come here too.)
func checkText(s string, max int) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0) && utf8.RuneCountInString(s) <= max
}

// textQuery refuses an address whose query holds bytes that are not UTF-8:
// no link of the portal makes one, and pages would echo them back.
func (s *Server) textQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, bad := notUTF8(r.URL.Query())
		if !bad {
			next.ServeHTTP(w, r)
			return
		}
		refuse := func(http.ResponseWriter, *http.Request) error {
			return &Error{Status: http.StatusBadRequest, Key: "err.query.utf8", Err: fmt.Errorf("query field %q is not UTF-8", strings.ToValidUTF8(key, "?"))}
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.api(refuse)(w, r)
		} else {
			s.page(refuse)(w, r)
		}
	})
}

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
	l := langOf(r)
	p := web.Page{
		Lang:     l,
		Title:    title,
		Path:     r.URL.RequestURI(),
		Year:     year,
		Years:    years,
		YearHref: yearHref,
		Demo:     s.demo,
		Today:    assess.Day(s.now()),
	}
	if year != 0 {
		p.PrintTitle = title + " · " + l.T("print.year", year)
	}
	if r.Method == http.MethodPost {
		if p.PageURL = backLink(r); p.PageURL == "" {
			p.PageURL = r.URL.Path
		}
	}
	u := userOf(r)
	if u.ID != 0 {
		p.User = &web.UserBar{Username: u.Username, Name: u.FullName, Unit: u.UnitName, Role: l.T("role." + string(u.Role)),
			Line: whoLine(l, u), Unread: u.Unread}
	}
	// Ancestors outside the user's scope are named but not linked.
	ids := make([]int64, 0, len(path))
	for _, unit := range path {
		ids = append(ids, unit.ID)
		c := web.Crumb{Name: unit.Name}
		if u.Actor().Can(assess.Read, ids) {
			c.Href = unitHref(year, unit)
		}
		p.Crumbs = append(p.Crumbs, c)
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

// renderHTML writes a page. It renders into a buffer first so that a
// failure half-way gives an error page, not half a page.
func renderHTML(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	return renderCached(w, r, status, c, "no-store")
}

// pageBuffers hold pages as they are rendered: a buffer grown from nothing
// to a ward page's 20 KB at every request is reallocated and copied nine
// times over. A buffer grown past maxPooledPage (a national list) is left
// to the collector.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledPage = 256 << 10

// renderCached is renderHTML with the Cache-Control it is given: the
// public pages may be kept by browsers and proxies.
func renderCached(w http.ResponseWriter, r *http.Request, status int, c templ.Component, cacheControl string) error {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledPage {
			buf.Reset()
			pageBuffers.Put(buf)
		}
	}()
	if err := c.Render(r.Context(), buf); err != nil {
		return err
	}
	page := buf.Bytes()
	if hasControl(page) {
		page = showControls(page)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", cacheControl)
	// A known length spares the chunked encoding.
	w.Header().Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(status)
	_, err := w.Write(page)
	return err
}

// isControl reports the control characters that have no place in a page:
// all but tab, line feed and carriage return. The templates hold none, so
// any in a page come from what users typed.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f
}

// hasControl is isControl over bytes: in UTF-8 the control characters are
// single bytes that no longer character contains, so bytes are enough.
func hasControl(page []byte) bool {
	for _, b := range page {
		if isControl(rune(b)) {
			return true
		}
	}
	return false
}

// showControls writes each control character a user typed — stored as
// typed — as its Unicode picture (␇ for a bell, ␛ for an escape), so that it
// is seen and does nothing.
func showControls(page []byte) []byte {
	return bytes.Map(func(r rune) rune {
		switch {
		case r == 0x7f:
			return '\u2421'
		case isControl(r):
			return 0x2400 + r
		}
		return r
	}, page)
}

// whoLine names the signed-in user once in the top bar: "Nguyễn Văn A ·
// cán bộ Công an phường Kiến Hưng"; an account named after its unit is not
// followed by the unit's name again.
func whoLine(l web.Lang, u store.User) string {
	named := strings.Contains(assess.Fold(u.FullName), assess.Fold(u.UnitName))
	if named && u.Role == assess.WardOfficer {
		return u.FullName
	}
	if named || u.Role == assess.Admin || u.UnitKind == "ministry" {
		role := l.T("role." + string(u.Role))
		if strings.Contains(assess.Fold(u.FullName), assess.Fold(role)) {
			return u.FullName // "Cục V05 – Bộ Công an", not "… · Bộ Công an" again
		}
		return u.FullName + " · " + role
	}
	unit := u.UnitName
	if u.UnitKind == "ward" && l == web.VI {
		// "Phường Kiến Hưng" → "Công an phường Kiến Hưng"
		r := []rune(unit)
		unit = strings.ToLower(string(r[:1])) + string(r[1:])
	}
	return u.FullName + " · " + l.T("who."+string(u.Role), unit)
}
