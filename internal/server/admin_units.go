package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"modelward/internal/store"
	"modelward/internal/units"
	"modelward/web"
)

func (s *Server) adminUnits(w http.ResponseWriter, r *http.Request) error {
	p := web.UnitsPage{}
	p.Flash, p.FlashArgs = s.popFlash(r)
	return s.renderUnits(w, r, http.StatusOK, p)
}

func (s *Server) renderUnits(w http.ResponseWriter, r *http.Request, status int, p web.UnitsPage) error {
	p.Page = s.frame(r, langOf(r).T("units.title"), 0, nil, nil, nil)
	return renderHTML(w, r, status, web.Units(p))
}

func describeUnit(u units.Unit) string {
	text := fmt.Sprintf("%s %s (%s", u.Code, u.Name, u.Type)
	if u.Parent != "" {
		text += ", ↑ " + u.Parent
	}
	if u.ValidFrom != nil || u.ValidTo != nil {
		text += ", "
		if u.ValidFrom != nil {
			text += web.VI.Date(*u.ValidFrom)
		}
		text += "–"
		if u.ValidTo != nil {
			text += web.VI.Date(*u.ValidTo)
		}
	}
	return text + ")"
}

// adminImport plans an import of units or successors from CSV and, when
// asked and the plan has no problem, applies it in one transaction.
func (s *Server) adminImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseMultipartForm(MaxBodyBytes); err != nil { // #nosec G120 -- the body is bounded just above
		return bodyError(err)
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return s.renderUnits(w, r, http.StatusBadRequest, web.UnitsPage{Errors: map[string]string{"file": "import.err.nofile"}})
	}
	defer file.Close()
	ctx := r.Context()
	tree, links, err := s.store.UnitTree(ctx)
	if err != nil {
		return err
	}
	l := langOf(r)
	apply := r.FormValue("mode") == "apply"
	res := &web.ImportResult{What: r.FormValue("what")}
	words := func(problems []units.Problem) {
		for _, p := range problems {
			res.Problems = append(res.Problems, web.ImportLine{Line: p.Line, Text: l.T(p.Key, p.Arg)})
		}
	}
	actor := s.actor(r)
	switch res.What {
	case "units":
		plan, _ := units.PlanImport(tree, links, file, nil)
		for _, a := range plan.Adds {
			res.Adds = append(res.Adds, web.ImportLine{Line: a.N, Text: describeUnit(a.Unit)})
		}
		for _, c := range plan.Changes {
			res.Changes = append(res.Changes, web.ImportLine{Line: c.Line, Text: describeUnit(c.Before) + " → " + describeUnit(c.After)})
		}
		res.Unchanged = plan.Unchanged
		words(plan.Problems)
		if apply && plan.OK() && !plan.Empty() {
			if _, err := s.store.ApplyImport(ctx, actor, plan, nil); err != nil {
				return err
			}
			res.Applied = true
		}
	case "successors":
		_, plan := units.PlanImport(tree, links, nil, file)
		for _, a := range plan.Adds {
			res.Adds = append(res.Adds, web.ImportLine{Line: a.Line, Text: fmt.Sprintf("%s %s → %s %s (%s, %s)",
				a.Old.Code, a.Old.Name, a.New.Code, a.New.Name, web.VI.Date(a.On), a.Share)})
		}
		res.Unchanged = plan.Unchanged
		words(plan.Problems)
		if apply && plan.OK() && len(plan.Adds) > 0 {
			if _, err := s.store.ApplyImport(ctx, actor, units.Plan{}, plan); err != nil {
				return err
			}
			res.Applied = true
		}
	default:
		return &Error{Status: http.StatusBadRequest, Key: "err.form"}
	}
	status := http.StatusOK
	if len(res.Problems) > 0 {
		status = http.StatusBadRequest
	}
	return s.renderUnits(w, r, status, web.UnitsPage{Result: res})
}

// adminDeactivateUnit ends a unit's validity; its history stays.
func (s *Server) adminDeactivateUnit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	until, ok := parseDate(r.PostForm.Get("valid_to"))
	if !ok {
		return s.renderUnits(w, r, http.StatusBadRequest, web.UnitsPage{Errors: map[string]string{"until": "units.err.until"}})
	}
	err := s.store.DeactivateUnit(r.Context(), s.actor(r), code, until)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return s.renderUnits(w, r, http.StatusBadRequest, web.UnitsPage{Errors: map[string]string{"code": "units.err.code"}})
	case errors.Is(err, store.ErrSpan), errors.Is(err, store.ErrOrphans):
		return s.renderUnits(w, r, http.StatusBadRequest, web.UnitsPage{Errors: map[string]string{"until": "units.err.until"}})
	case err != nil:
		return err
	}
	s.flash(r, "units.flash.deactivated", code, web.VI.Date(until))
	http.Redirect(w, r, "/admin/units", http.StatusSeeOther)
	return nil
}
