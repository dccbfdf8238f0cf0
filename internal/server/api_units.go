package server

import (
	"net/http"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// apiUnit is a unit as the API gives it: the columns of the official lists.
type apiUnit struct {
	Code       string  `json:"code"`
	Kind       string  `json:"kind"`
	Type       string  `json:"type"`
	Name       string  `json:"name"`
	ParentCode string  `json:"parent_code"`
	ValidFrom  *string `json:"valid_from"`
	ValidTo    *string `json:"valid_to"`
}

// apiLink is a successor link seen from one unit.
type apiLink struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	On    string `json:"on"`
	Share string `json:"share"`
}

func toAPIUnit(u store.Unit) apiUnit {
	day := func(t *time.Time) *string {
		if t == nil {
			return nil
		}
		s := t.Format(time.DateOnly)
		return &s
	}
	return apiUnit{Code: u.Code, Kind: u.Kind, Type: u.Type, Name: u.Name, ParentCode: u.ParentCode,
		ValidFrom: day(u.ValidFrom), ValidTo: day(u.ValidTo)}
}

// apiUnits gives the unit tree to other Ministry systems: ?on=YYYY-MM-DD
// (today when absent) lists every unit in force that day; ?code= gives
// the whole history of one code, each unit with the links into and out of it.
func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, assess.ReadTree, []store.Unit{{ID: userOf(r).UnitID}}); err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	if code := strings.TrimSpace(q.Get("code")); code != "" {
		return s.apiCodeHistory(w, r, code)
	}
	now := s.now().In(web.HoChiMinh)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if raw := q.Get("on"); raw != "" {
		d, err := time.Parse(time.DateOnly, raw)
		if err != nil {
			return &Error{Status: http.StatusBadRequest, Key: "api.err.on", Err: err}
		}
		day = d
	}
	list, err := s.store.UnitsOn(ctx, day)
	if err != nil {
		return err
	}
	out := make([]apiUnit, len(list))
	for i, u := range list {
		out[i] = toAPIUnit(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"on": day.Format(time.DateOnly), "units": out})
	return nil
}

func (s *Server) apiCodeHistory(w http.ResponseWriter, r *http.Request, code string) error {
	ctx := r.Context()
	units, err := s.store.UnitsWithCode(ctx, code)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return errNotFound
	}
	links, err := s.store.LinksOfCode(ctx, code)
	if err != nil {
		return err
	}
	type history struct {
		apiUnit
		Predecessors []apiLink `json:"predecessors"`
		Successors   []apiLink `json:"successors"`
	}
	out := make([]history, len(units))
	for i, u := range units {
		h := history{apiUnit: toAPIUnit(u.Unit), Predecessors: []apiLink{}, Successors: []apiLink{}}
		for _, l := range links {
			on := l.On.Format(time.DateOnly)
			if l.NewID == u.ID {
				h.Predecessors = append(h.Predecessors, apiLink{Code: l.OldCode, Name: l.OldName, On: on, Share: l.Share})
			}
			if l.OldID == u.ID {
				h.Successors = append(h.Successors, apiLink{Code: l.NewCode, Name: l.NewName, On: on, Share: l.Share})
			}
		}
		out[i] = h
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": code, "units": out})
	return nil
}
