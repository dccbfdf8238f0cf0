package server

import (
	"errors"
	"fmt"
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

// validate returns the decision and version, or the field that is wrong
// and why (a message key); a bad version is a broken form, not a field.
func (in reviewInput) validate() (action assess.Action, version int, field, key string) {
	switch in.Decision {
	case "approve":
		action = assess.Approve
	case "return":
		action = assess.Return
	default:
		return "", 0, "decision", "review.err.decision"
	}
	if !checkText(in.Reason, 2000) {
		return "", 0, "reason", "review.err.reason.long"
	}
	if action == assess.Return && in.Reason == "" {
		return "", 0, "reason", "review.err.reason"
	}
	v, ok := parseVersion(in.Version)
	if !ok {
		return "", 0, "", "err.form"
	}
	return action, v, "", ""
}

// review approves a submitted assessment or returns it with a reason.
// Approval freezes the assessment; if it changed after the reviewer opened
// it, the decision is refused and the page shows what changed. A refused
// form comes back on the ward page as typed.
func (s *Server) review(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadWard(r, assess.Review)
	if err != nil {
		return err
	}
	in, err := parseReview(r)
	if err != nil {
		return err
	}
	action, version, field, key := in.validate()
	// What a return names is read, and checked, whatever else is wrong
	// with the form: a refusal gives back every reason as typed and names
	// each one missing.
	returning := in.Decision == "return"
	criteria, checked, unknown := returnedInput(r, sc.Catalogue)
	critErrs := map[int]string{}
	if returning {
		for n, reason := range criteria {
			switch {
			case reason == "":
				critErrs[n] = "review.err.criterion.reason.this"
			case !checkText(reason, 2000):
				critErrs[n] = "review.err.reason.long"
			}
		}
	}
	if in.Decision == "approve" && len(criteria) > 0 && field == "" {
		// Reasons typed for criteria and then "approve": one of the two
		// is a slip, and approving would drop the reasons without a word.
		field, key = "decision", "review.err.approve.reasons"
	}
	errs := map[string]string{}
	var summary []web.FieldError
	if field != "" {
		errs[field] = key
		summary = append(summary, web.FieldError{ID: "r-" + field, Key: key})
	}
	if returning && unknown {
		// A criterion that is not one would turn a partial return into a
		// whole one.
		errs["criteria"] = "review.err.criterion"
		summary = append(summary, web.FieldError{ID: "r-criteria", Key: "review.err.criterion"})
	}
	for _, c := range sc.Catalogue.Criteria {
		id := fmt.Sprintf("r-criterion-%d", c.Number)
		switch k := critErrs[c.Number]; k {
		case "":
		case "review.err.criterion.reason.this":
			summary = append(summary, web.FieldError{ID: id, Key: "review.err.criterion.reason.n", Args: []any{c.Number}})
		default:
			summary = append(summary, web.FieldError{ID: id, Key: k})
		}
	}
	if len(summary) > 0 {
		first := summary[0].Key
		return s.refuseOnWard(w, r, sc, http.StatusBadRequest, func(p *web.WardPage) *web.DecisionForm {
			if p.Review != nil {
				p.Review.Decision, p.Review.Reason = in.Decision, in.Reason
				p.Review.Errors = errs
				p.Review.Criteria = returnCriteriaForm(langOf(r), sc.Catalogue, criteria, checked, critErrs)
				p.Errors = summary
			}
			return p.Review
		}, first)
	}
	if key != "" {
		return &Error{Status: http.StatusBadRequest, Key: key}
	}
	flash := "flash.returned"
	if action == assess.Approve {
		flash, criteria = "flash.approved", nil
	}
	return s.decide(w, r, sc, store.StateChange{
		Ward: sc.Unit.Code, Year: sc.Year, Action: action, Reason: in.Reason, Version: version, Criteria: criteria,
	}, flash)
}

// refuseOnWard answers a refused decision with the ward page and status,
// fill putting the form back as typed (and returning it). When the page
// no longer offers that form (the state moved on), the refusal is the
// message key's error page instead.
func (s *Server) refuseOnWard(w http.ResponseWriter, r *http.Request, sc unitScope, status int, fill func(*web.WardPage) *web.DecisionForm, key string) error {
	v, err := s.store.WardView(r.Context(), sc.Year, sc.Unit.Code)
	if err != nil {
		return err
	}
	p, err := s.wardPage(r, sc, v)
	if err != nil {
		return err
	}
	if fill(&p) == nil {
		return &Error{Status: status, Key: key}
	}
	return renderHTML(w, r, status, web.Ward(p))
}

// decide takes a workflow step from the ward page and goes back to it. If
// the assessment changed since the decider opened the page (its version),
// the step is refused and the page shows what changed.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, sc unitScope, ch store.StateChange, flash string) error {
	ch.On = s.now()
	_, err := s.store.ChangeState(r.Context(), s.actor(r), ch)
	switch {
	case errors.Is(err, store.ErrChanged):
		v, verr := s.store.WardView(r.Context(), sc.Year, sc.Unit.Code)
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
	http.Redirect(w, r, sc.href(), http.StatusSeeOther) // #nosec G710 -- the ward's own path, built from its code as stored, never from the request
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
	if sc.Unit.Kind != "ward" {
		return errNotFound
	}
	if err := authorizeRecognise(r, v.Level, sc.Path); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	no := strings.TrimSpace(r.PostForm.Get("decision_no"))
	typedDate := strings.TrimSpace(r.PostForm.Get("decision_date"))
	refuse := func(status int, field, key string) error {
		return s.refuseOnWard(w, r, sc, status, func(p *web.WardPage) *web.DecisionForm {
			if p.Recognize != nil {
				p.Recognize.No, p.Recognize.Date = no, typedDate
				p.Recognize.Errors = map[string]string{field: key}
				p.Errors = []web.FieldError{{ID: map[string]string{"decision_no": "d-no", "decision_date": "d-date"}[field], Key: key}}
			}
			return p.Recognize
		}, key)
	}
	if no == "" || !checkText(no, 50) || strings.ContainsFunc(no, func(r rune) bool { return r < ' ' }) {
		return refuse(http.StatusBadRequest, "decision_no", "recognize.err.no")
	}
	date, ok := parseDate(typedDate)
	if !ok || date.Year() < sc.Year || assess.AfterToday(date, s.now()) {
		return refuse(http.StatusBadRequest, "decision_date", "recognize.err.date")
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	a := v.Assessment
	// Say why it is refused; the store checks the same again, atomically.
	// (The page offers no form in either case, and says why.)
	if a.State != assess.Approved {
		return &Error{Status: http.StatusConflict, Key: "recognize.err.state"}
	}
	tiers := assess.ComputeStandings(sc.Catalogue.Criteria, a.Judgements())
	if err := assess.RecognitionBar(v.Level, a.RecognitionVisit(), tiers.Official()); err != nil {
		return &Error{Status: http.StatusConflict, Key: "recognize.err." + recognitionRefusal(err), Err: err}
	}
	err = s.decide(w, r, sc, store.StateChange{
		Ward: sc.Unit.Code, Year: sc.Year, Action: assess.Recognize, DecisionNo: no, DecisionDate: &date, Version: version,
	}, "flash.recognized")
	if errors.Is(err, store.ErrDecisionBeforeApproval) {
		return refuse(http.StatusBadRequest, "decision_date", "recognize.err.beforeapproval")
	}
	return err
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
	key := ""
	switch {
	case reason == "":
		key = "reopen.err.reason"
	case !checkText(reason, 2000):
		key = "review.err.reason.long"
	}
	if key != "" {
		return s.refuseOnWard(w, r, sc, http.StatusBadRequest, func(p *web.WardPage) *web.DecisionForm {
			if p.Reopen != nil {
				p.Reopen.Reason, p.Reopen.Errors = reason, map[string]string{"reason": key}
				p.Errors = []web.FieldError{{ID: "o-reason", Key: key}}
			}
			return p.Reopen
		}, key)
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	return s.decide(w, r, sc, store.StateChange{
		Ward: sc.Unit.Code, Year: sc.Year, Action: assess.Reopen, Reason: reason, Version: version,
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
		p, err := s.criterionView(r, sc, c)
		if err != nil {
			return err
		}
		if p.CommentURL == "" {
			return &Error{Status: http.StatusConflict, Key: "comment.err.none"}
		}
		p.CommentBody, p.CommentError = body, "comment.err.body"
		return renderHTML(w, r, http.StatusBadRequest, web.Criterion(p))
	}
	err = s.store.AddComment(r.Context(), s.actor(r), sc.Unit.Code, sc.Year, c.Number, body)
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Status: http.StatusConflict, Key: "comment.err.none", Err: err}
	}
	if err != nil {
		return err
	}
	s.flash(r, "flash.commented")
	http.Redirect(w, r, sc.criterionHref(c.Number)+"#comments", http.StatusSeeOther) // #nosec G710 -- the ward's own path, built from its code as stored, never from the request
	return nil
}

// recognitionRefusal names why recognition's rule refuses a ward, for
// the page's notice (recognize.blocked.*) and a refused request
// (recognize.err.*).
func recognitionRefusal(err error) string {
	switch {
	case errors.Is(err, assess.ErrNeedsInspection):
		return "inspection"
	case errors.Is(err, assess.ErrInspectionOpen):
		return "open"
	case errors.Is(err, assess.ErrInspectionDeclined):
		return "declined"
	}
	return "notfull"
}

// revoke withdraws a ward's recognition (thu hồi) by a revoking decision,
// with a reason: by whoever decides at the ward's level. The decision that
// recognised it and the revocation both stay; the certificate's
// verification says revoked.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) error {
	sc, v, err := s.loadWardView(r)
	if err != nil {
		return err
	}
	if err := authorizeRecognise(r, v.Level, sc.Path); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	form := web.DecisionForm{Reason: strings.TrimSpace(f.Get("reason")), No: strings.TrimSpace(f.Get("decision_no")),
		Date: strings.TrimSpace(f.Get("decision_date")), Errors: map[string]string{}}
	if form.Reason == "" || !checkText(form.Reason, 2000) {
		form.Errors["reason"] = "revoke.err.reason"
	}
	if form.No == "" || !checkText(form.No, 50) || strings.ContainsFunc(form.No, func(r rune) bool { return r < ' ' }) {
		form.Errors["decision_no"] = "recognize.err.no"
	}
	date, ok := parseDate(form.Date)
	if !ok || date.Year() < sc.Year || assess.AfterToday(date, s.now()) {
		form.Errors["decision_date"] = "recognize.err.date"
	}
	if len(form.Errors) > 0 {
		key := form.Errors["reason"] + form.Errors["decision_no"] + form.Errors["decision_date"]
		return s.refuseOnWard(w, r, sc, http.StatusBadRequest, func(p *web.WardPage) *web.DecisionForm {
			if p.Revoke != nil {
				form.ActionURL, form.Version = p.Revoke.ActionURL, p.Revoke.Version
				p.Revoke = &form
				for field, id := range map[string]string{"reason": "v-reason", "decision_no": "v-no", "decision_date": "v-date"} {
					if k := form.Errors[field]; k != "" {
						p.Errors = append(p.Errors, web.FieldError{ID: id, Key: k})
					}
				}
			}
			return p.Revoke
		}, key)
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	return s.decide(w, r, sc, store.StateChange{
		Ward: sc.Unit.Code, Year: sc.Year, Action: assess.Revoke, Reason: form.Reason, DecisionNo: form.No, DecisionDate: &date, Version: version,
	}, "flash.revoked")
}
