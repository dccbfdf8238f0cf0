package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// reviewInput is the review form as typed.
type reviewInput struct {
	Decision string
	Reason   string
	Version  string
}

func parseReview(r *http.Request) (reviewInput, error) {
	if err := parseForm(r); err != nil {
		return reviewInput{}, err
	}
	f := r.PostForm
	return reviewInput{Decision: f.Get("decision"), Reason: strings.TrimSpace(f.Get("reason")), Version: f.Get("version")}, nil
}

// parseVersion reads an optional version field: empty means "do not check".
func parseVersion(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	v, err := strconv.Atoi(s)
	return v, err == nil && v > 0
}

func (in reviewInput) validate() (assess.Action, int, *Error) {
	var action assess.Action
	switch in.Decision {
	case "approve":
		action = assess.Approve
	case "return":
		action = assess.Return
	default:
		return "", 0, &Error{Status: http.StatusBadRequest, Key: "review.err.decision"}
	}
	if !checkText(in.Reason, 2000) {
		return "", 0, &Error{Status: http.StatusBadRequest, Key: "review.err.reason.long"}
	}
	if action == assess.Return && in.Reason == "" {
		return "", 0, &Error{Status: http.StatusBadRequest, Key: "review.err.reason"}
	}
	v, ok := parseVersion(in.Version)
	if !ok {
		return "", 0, &Error{Status: http.StatusBadRequest, Key: "err.form"}
	}
	return action, v, nil
}

// review approves a submitted assessment or returns it with a reason.
// Approval freezes the assessment; if it changed after the reviewer opened
// it, the decision is refused and the page shows what changed.
func (s *Server) review(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadWard(r, assess.Review)
	if err != nil {
		return err
	}
	in, err := parseReview(r)
	if err != nil {
		return err
	}
	action, version, verr := in.validate()
	if verr != nil {
		return verr
	}
	flash := "flash.returned"
	if action == assess.Approve {
		flash = "flash.approved"
	}
	return s.decide(w, r, sc, store.StateChange{
		Ward: sc.Ward.Code, Year: sc.Year, Action: action, Reason: in.Reason, Version: version,
	}, flash)
}

// decide takes a workflow step from the ward page and goes back to it. If
// the assessment changed since the decider opened the page (its version),
// the step is refused and the page shows what changed.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, sc wardScope, ch store.StateChange, flash string) error {
	_, err := s.store.ChangeState(r.Context(), userOf(r).Actor(), ch)
	switch {
	case errors.Is(err, store.ErrChanged):
		v, verr := s.store.WardView(r.Context(), sc.Year, sc.Ward.Code)
		if verr != nil {
			return verr
		}
		return s.renderWard(w, r, sc, v, http.StatusConflict, func(p *web.WardPage) { p.Changed = true })
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusConflict, Key: "err.state", Err: err}
	case err != nil:
		return err
	}
	s.flash(r, flash)
	http.Redirect(w, r, sc.href(), http.StatusSeeOther)
	return nil
}

// formVersion reads the optional version field of a decision form.
func formVersion(r *http.Request) (int, error) {
	v, ok := parseVersion(r.PostForm.Get("version"))
	if !ok {
		return 0, &Error{Status: http.StatusBadRequest, Key: "err.form"}
	}
	return v, nil
}

// parseDate reads a date as the contract gives it (2025-04-22) or as people
// write it (22/04/2025).
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// recognize records the recognition of an approved assessment in which
// every criterion is met: by the Ministry for a ward registered at its
// level, by the province's reviewers for one at the province's.
func (s *Server) recognize(w http.ResponseWriter, r *http.Request) error {
	sc, v, err := s.loadWardView(r)
	if err != nil {
		return err
	}
	if sc.Ward.Kind != "ward" {
		return errNotFound
	}
	if err := authorizeRecognise(r, v.Level, sc.Path); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	no := strings.TrimSpace(r.PostForm.Get("decision_no"))
	if no == "" || !checkText(no, 50) || strings.ContainsFunc(no, func(r rune) bool { return r < ' ' }) {
		return &Error{Status: http.StatusBadRequest, Key: "recognize.err.no"}
	}
	date, ok := parseDate(r.PostForm.Get("decision_date"))
	if !ok || date.Year() < sc.Year || date.After(s.now()) {
		return &Error{Status: http.StatusBadRequest, Key: "recognize.err.date"}
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	a := v.Assessment
	// Say why it is refused; the store checks the same again, atomically.
	if a.State != assess.Approved {
		return &Error{Status: http.StatusConflict, Key: "recognize.err.state"}
	}
	if st := assess.ComputeStanding(sc.Catalogue.Criteria, a.Stored()); !st.Full() {
		return &Error{Status: http.StatusConflict, Key: "recognize.err.notfull"}
	}
	return s.decide(w, r, sc, store.StateChange{
		Ward: sc.Ward.Code, Year: sc.Year, Action: assess.Recognize, DecisionNo: no, DecisionDate: &date, Version: version,
	}, "flash.recognized")
}

// reopen takes an assessment in any state back to draft, with a reason;
// an admin's act, audited.
func (s *Server) reopen(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadWard(r, assess.Administer)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if reason == "" {
		return &Error{Status: http.StatusBadRequest, Key: "reopen.err.reason"}
	}
	if !checkText(reason, 2000) {
		return &Error{Status: http.StatusBadRequest, Key: "review.err.reason.long"}
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	return s.decide(w, r, sc, store.StateChange{
		Ward: sc.Ward.Code, Year: sc.Year, Action: assess.Reopen, Reason: reason, Version: version,
	}, "flash.reopened")
}

// comment adds to a criterion's thread.
func (s *Server) comment(w http.ResponseWriter, r *http.Request) error {
	sc, c, err := s.loadCriterion(r, assess.Comment)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	body := strings.TrimSpace(r.PostForm.Get("body"))
	if body == "" || !checkText(body, 4000) {
		return &Error{Status: http.StatusBadRequest, Key: "comment.err.body"}
	}
	err = s.store.AddComment(r.Context(), userOf(r).Actor(), sc.Ward.Code, sc.Year, c.Number, body)
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Status: http.StatusConflict, Key: "comment.err.none", Err: err}
	}
	if err != nil {
		return err
	}
	s.flash(r, "flash.commented")
	http.Redirect(w, r, sc.criterionHref(c.Number)+"#comments", http.StatusSeeOther)
	return nil
}
