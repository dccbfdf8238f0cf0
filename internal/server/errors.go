package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"modelward/internal/store"
	"modelward/web"
)

// Error is an error with the status and the message (a catalogue key) the
// user sees.
type Error struct {
	Status int
	Key    string
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Key, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Key)
}

func (e *Error) Unwrap() error { return e.Err }

var errNotFound = &Error{Status: http.StatusNotFound, Key: "err.notfound"}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// page turns a handlerFunc into an http.HandlerFunc: the one place where an
// error becomes a status and a page in the user's language. Users see a
// safe message; the log gets the details.
func (s *Server) page(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status, key := s.classifyAndLog(r, err)
		if status == http.StatusServiceUnavailable {
			// A failover takes seconds: clients and proxies may come back.
			w.Header().Set("Retry-After", "5")
		}
		l := langOf(r)
		title := "err.title"
		if status < 500 && r.Method == http.MethodPost {
			title = "err.title.refused"
		}
		year, path := s.errorPlace(r, status)
		p := s.frame(r, l.T(title), year, nil, path, nil)
		e := web.ErrorView{Status: status, Title: l.T(title), Message: l.T(key), Back: backLink(r)}
		if len(path) > 0 && path[len(path)-1].Code == urlSegment(r, 2) {
			e.Unit = path[len(path)-1].Name
		}
		var ce *store.CodeElsewhereError
		if errors.As(err, &ce) {
			e.Message, e.Elsewhere = l.T("err.codeelsewhere", ce.Code, ce.Year), codeElsewhere(l, r, ce)
		}
		if status == http.StatusServiceUnavailable && r.Method == http.MethodPost {
			// The database is away for seconds (a failover): keep the form
			// in the page, to be sent again as a plain form. A file cannot
			// be kept: a criterion's form is kept without it (the page says
			// so), a form that is only a file is not kept.
			if res, err := readResume(w, r); err == nil && res != nil && (!res.Multipart || !strings.HasSuffix(res.Action, "/evidence")) {
				e.Retry = res
			}
		}
		if err := renderHTML(w, r, status, web.ErrorPage(p, e)); err != nil {
			s.log.ErrorContext(r.Context(), "error page failed", "err", err)
		}
	}
}

// classifyAndLog classifies err and logs it: failures in full, refusals
// at debug level. Users see only the message key's words.
func (s *Server) classifyAndLog(r *http.Request, err error) (int, string) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away (a phone scrolled past a thumbnail, a tab
		// closed): nothing failed, and nobody reads the answer.
		s.log.InfoContext(r.Context(), "client went away", "method", r.Method, "path", r.URL.Path)
		return statusClientClosed, "err.internal"
	}
	status, key := classify(err)
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	} else {
		s.log.DebugContext(r.Context(), "request refused", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	return status, key
}

// statusClientClosed is the status logged for a request its client gave
// up on (nginx's 499): not a server error.
const statusClientClosed = 499

func classify(err error) (int, string) {
	var e *Error
	var stale *store.StaleError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &e):
		return e.Status, e.Key
	case errors.Is(err, store.ErrState):
		return http.StatusConflict, "err.state"
	case errors.Is(err, store.ErrClosed):
		return http.StatusConflict, "err.closed"
	case errors.Is(err, store.ErrCriterionAccepted):
		return http.StatusConflict, "err.criterion.accepted"
	case errors.Is(err, store.ErrNoCriterion):
		return http.StatusBadRequest, "review.err.criterion"
	case errors.Is(err, store.ErrDecisionBeforeApproval):
		return http.StatusBadRequest, "recognize.err.beforeapproval"
	case errors.Is(err, store.ErrNotRegistered):
		return http.StatusConflict, "err.notregistered"
	case errors.As(err, &stale), errors.Is(err, store.ErrExists):
		return http.StatusConflict, "err.conflict"
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, "err.toolarge"
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "err.notfound"
	case unavailable(err):
		return http.StatusServiceUnavailable, "err.unavailable"
	}
	return http.StatusInternalServerError, "err.internal"
}

// unavailable reports whether err means the database could not be reached,
// as opposed to a fault in the portal: unreachable, too slow, or a write
// that reached a standby (no primary, mid-failover).
func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	return store.Unreachable(err) || errors.As(err, &pgErr) && pgErr.Code == "25006" ||
		errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err)
}

// codeElsewhere says what a code named at other times, each unit with its
// span and a link to its last year, on the same kind of page as asked.
func codeElsewhere(l web.Lang, r *http.Request, e *store.CodeElsewhereError) []web.Crumb {
	page := "units"
	if strings.Contains(r.URL.Path, "/wards/") {
		page = "wards"
	}
	var list []web.Crumb
	for _, u := range e.Units {
		var name string
		switch {
		case u.ValidFrom != nil && u.ValidTo != nil:
			name = l.T("err.codeunit.span", u.Name, l.Date(*u.ValidFrom), l.Date(*u.ValidTo))
		case u.ValidTo != nil:
			name = l.T("err.codeunit.to", u.Name, l.Date(*u.ValidTo))
		case u.ValidFrom != nil:
			name = l.T("err.codeunit.from", u.Name, l.Date(*u.ValidFrom))
		default:
			name = u.Name
		}
		// A unit still in force is named from the year it began.
		year := u.Year
		if year == 0 && u.ValidFrom != nil {
			year = u.ValidFrom.Year()
		}
		list = append(list, web.Crumb{Name: name,
			Href: fmt.Sprintf("/%d/%s/%s", year, page, u.Code)})
	}
	return list
}

// errorPlace finds the unit a refused request was about, from its address
// (/{year}/wards/{code}/… or /{year}/units/{code}/…), so that the error page
// keeps the unit's breadcrumbs; none for failures, or when it cannot.
func (s *Server) errorPlace(r *http.Request, status int) (int, []store.Unit) {
	if status >= 500 || userOf(r).ID == 0 {
		return 0, nil
	}
	if kind := urlSegment(r, 1); kind != "wards" && kind != "units" {
		return 0, nil
	}
	year, err := strconv.Atoi(urlSegment(r, 0))
	if err != nil || !yearPattern.MatchString(urlSegment(r, 0)) {
		return 0, nil
	}
	path, err := s.store.UnitPath(r.Context(), year, urlSegment(r, 2))
	if err != nil {
		return 0, nil
	}
	return year, path
}

// urlSegment is the i-th segment of the request's path, empty when none.
func urlSegment(r *http.Request, i int) string {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

// backLink is the page of this site the request came from, for the error
// page's way back; empty when there is none to go back to.
func backLink(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || ref.Path == r.URL.Path && r.Method == http.MethodGet {
		return ""
	}
	if back := localPath(ref.RequestURI()); back != "/" {
		return back
	}
	return ""
}
