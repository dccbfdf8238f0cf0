package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// unitScope is what every ward and unit route loads first: the year, its
// catalogue and the unit with its place in the tree, after asking the
// access policy. On a ward route (loadWard) the unit is a ward.
type unitScope struct {
	Year      int
	Catalogue store.Catalogue
	Path      []store.Unit
	Unit      store.Unit
}

func (w unitScope) href() string { return fmt.Sprintf("/%d/wards/%s", w.Year, w.Unit.Code) }

func (w unitScope) criterionHref(n int) string { return fmt.Sprintf("%s/criteria/%d", w.href(), n) }

// loadWard reads {year} and {code}, checks that code is a ward and that the
// signed-in user may do p to it.
func (s *Server) loadWard(r *http.Request, p assess.Permission) (unitScope, error) {
	sc, err := s.loadUnit(r, p)
	if err != nil {
		return sc, err
	}
	if sc.Unit.Kind != "ward" {
		return sc, errNotFound
	}
	return sc, nil
}

// loadUnit reads {year} and {code} and checks that the signed-in user may
// do p to that unit, whatever its kind.
func (s *Server) loadUnit(r *http.Request, p assess.Permission) (unitScope, error) {
	ctx := r.Context()
	year, err := parseYear(r)
	if err != nil {
		return unitScope{}, err
	}
	cat, err := s.store.Catalogue(ctx, year)
	if err != nil {
		return unitScope{}, err
	}
	path, err := s.store.UnitPath(ctx, year, urlParam(r, "code"))
	if err != nil {
		return unitScope{}, err
	}
	var authz error
	if p == assess.Read {
		authz = s.authorizeRead(r, path)
	} else {
		authz = authorize(r, p, path)
	}
	if authz != nil {
		return unitScope{}, authz
	}
	return unitScope{Year: year, Catalogue: cat, Path: path, Unit: path[len(path)-1]}, nil
}

// loadCriterion is loadWard followed by criterion.
func (s *Server) loadCriterion(r *http.Request, p assess.Permission) (unitScope, assess.Criterion, error) {
	sc, err := s.loadWard(r, p)
	if err != nil {
		return sc, assess.Criterion{}, err
	}
	c, err := sc.criterion(r)
	return sc, c, err
}

// criterion reads {n} and finds that criterion in the year's catalogue.
func (w unitScope) criterion(r *http.Request) (assess.Criterion, error) {
	n, err := strconv.Atoi(urlParam(r, "n"))
	if err != nil {
		return assess.Criterion{}, errNotFound
	}
	for _, c := range w.Catalogue.Criteria {
		if c.Number == n {
			return c, nil
		}
	}
	return assess.Criterion{}, errNotFound
}

// yearEndOpen reports whether the year-end window of the catalogue is open
// on today's date in Vietnam.
func (s *Server) yearEndOpen(cat store.Catalogue) bool {
	now := s.now().In(web.HoChiMinh)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return !today.Before(cat.YearEndOpens)
}

// Flash messages survive one redirect in the session: a catalogue key and
// its arguments.
func (s *Server) flash(r *http.Request, key string, args ...string) {
	s.sessions.Put(r.Context(), flashKey, key)
	s.sessions.Put(r.Context(), flashArg, strings.Join(args, "\x1f"))
}

func (s *Server) popFlash(r *http.Request) (string, []any) {
	key := s.sessions.PopString(r.Context(), flashKey)
	raw := s.sessions.PopString(r.Context(), flashArg)
	if key == "" {
		return "", nil
	}
	var args []any
	if raw != "" {
		for _, a := range strings.Split(raw, "\x1f") {
			args = append(args, a)
		}
	}
	return key, args
}
