package server

import (
	"errors"
	"net/http"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// submitForm asks the officer to confirm, listing what is not judged yet.
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) error {
	sc, v, err := s.loadWardView(r)
	if err != nil {
		return err
	}
	if sc.Unit.Kind != "ward" {
		return errNotFound
	}
	if err := authorize(r, assess.Edit, sc.Path); err != nil {
		return err
	}
	a := v.Assessment
	if !a.Exists || !a.State.Editable() {
		return &Error{Status: http.StatusConflict, Key: "err.state"}
	}
	l := langOf(r)
	p := web.SubmitPage{
		Page:      s.frame(r, l.T("submit.title", sc.Year)+" · "+sc.Unit.Name, sc.Year, nil, sc.Path, nil),
		WardName:  sc.Unit.Name,
		WardHref:  sc.href(),
		ActionURL: sc.href() + "/submit",
		Standing:  l.Standing(assess.ComputeStanding(sc.Catalogue.Criteria, a.Stored())),
	}
	p.Answers = criterionRows(l, sc, v, true)
	for _, row := range p.Answers {
		switch {
		case !row.Status.Judged():
			p.NotJudged = append(p.NotJudged, row)
		case row.Status == assess.NotMet:
			p.NotMet = append(p.NotMet, row)
		}
	}
	return renderHTML(w, r, http.StatusOK, web.Submit(p))
}

// submit sends the assessment for review; it is read-only for the ward
// from then on.
func (s *Server) submit(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadWard(r, assess.Edit)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	_, err = s.store.ChangeState(r.Context(), s.actor(r), store.StateChange{
		Ward: sc.Unit.Code, Year: sc.Year, Action: assess.Submit, On: s.now(),
	})
	if errors.Is(err, store.ErrNotFound) {
		// Nothing recorded yet: there is nothing to submit.
		return &Error{Status: http.StatusConflict, Key: "err.state", Err: err}
	}
	if err != nil {
		return err
	}
	s.flash(r, "flash.submitted")
	http.Redirect(w, r, sc.href(), http.StatusSeeOther) // #nosec G710 -- the ward's own path, built from its code as stored, never from the request
	return nil
}
