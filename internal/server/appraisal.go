package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// appraisalInput is the appraisal form as sent: status is "agree", "met"
// or "not_met".
type appraisalInput struct {
	Status, Value, Reason, Version string
}

func parseAppraisal(r *http.Request) (appraisalInput, error) {
	if err := parseForm(r); err != nil {
		return appraisalInput{}, err
	}
	f := r.PostForm
	return appraisalInput{Status: f.Get("status"), Value: strings.TrimSpace(f.Get("value")),
		Reason: strings.TrimSpace(f.Get("reason")), Version: f.Get("version")}, nil
}

// appraise records the province's appraisal of one criterion of a
// submitted file (thẩm định): agreeing with the ward, or its own judgement
// with a reason. The ward's claim stays as it is.
func (s *Server) appraise(w http.ResponseWriter, r *http.Request) error {
	sc, c, err := s.loadCriterion(r, assess.Review)
	if err != nil {
		return err
	}
	in, err := parseAppraisal(r)
	if err != nil {
		return err
	}
	version, verr := strconv.Atoi(in.Version)
	if verr != nil || version < 0 {
		return &Error{Status: http.StatusBadRequest, Key: "crit.err.version"}
	}
	if !checkText(in.Reason, 2000) {
		return &Error{Status: http.StatusBadRequest, Key: "review.err.reason.long"}
	}
	a, err := s.store.Assessment(r.Context(), sc.Year, sc.Unit.Code)
	if err != nil {
		return err
	}
	claim := a.Results[c.Number]
	appraisal, err := c.Appraise(in.Status, in.Value, in.Reason, claim.Status, claim.Value, s.yearEndOpen(sc.Catalogue))
	if err != nil {
		key := "val.err.number"
		switch {
		case errors.Is(err, assess.ErrAppraisalChoice):
			key = "appraisal.err.choice"
		case errors.Is(err, assess.ErrAppraisalReason):
			key = "appraisal.err.reason"
		case errors.Is(err, assess.ErrMeasureNeeds):
			key = "crit.err.measure"
		}
		return s.refuseAppraisal(w, r, sc, c.Number, in, key)
	}
	err = s.store.SaveAppraisal(r.Context(), s.actor(r), store.AppraisalChange{
		Ward: sc.Unit.Code, Year: sc.Year, Number: c.Number, Appraisal: appraisal, Version: version})
	if err != nil {
		return err
	}
	s.flash(r, "flash.appraised", strconv.Itoa(c.Number))
	http.Redirect(w, r, fmt.Sprintf("%s#c%d", sc.href(), c.Number), http.StatusSeeOther) // #nosec G710 -- the ward's own path, built from its code as stored, never from the request
	return nil
}

// refuseAppraisal answers a refused appraisal with the ward page, the
// criterion's appraisal open as typed, its error named at the top.
func (s *Server) refuseAppraisal(w http.ResponseWriter, r *http.Request, sc unitScope, number int, in appraisalInput, key string) error {
	v, err := s.store.WardView(r.Context(), sc.Year, sc.Unit.Code)
	if err != nil {
		return err
	}
	if v.Assessment.State != assess.Submitted {
		return &Error{Status: http.StatusBadRequest, Key: key} // no appraisal form on the page to come back to
	}
	return s.renderWard(w, r, sc, v, http.StatusBadRequest, func(p *web.WardPage) {
		for gi := range p.Groups {
			for ci := range p.Groups[gi].Criteria {
				if row := &p.Groups[gi].Criteria[ci]; row.Number == number {
					row.AppraiseForm = &web.AppraiseForm{Status: in.Status, Value: in.Value, Reason: in.Reason, Error: key}
				}
			}
		}
		p.Errors = []web.FieldError{{ID: fmt.Sprintf("appraise-%d", number), Key: key}}
	})
}
