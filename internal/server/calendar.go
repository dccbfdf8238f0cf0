package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// deadlineOf is the calendar's date key as a line of the page.
func (s *Server) deadlineOf(year int, d assess.Deadline) *web.Deadline {
	return &web.Deadline{Key: d.Key, On: d.On, DaysLeft: assess.DaysLeft(d.On, s.now()), Href: fmt.Sprintf("/%d/calendar", year)}
}

// extendedTo is the day the ward's extension runs to, nil for none.
func extendedTo(e *store.Extension) *time.Time {
	if e == nil {
		return nil
	}
	return &e.Until
}

// openToWard says whether the ward's deadline still lets it change its
// assessment now.
func (s *Server) openToWard(v store.WardView) bool {
	return assess.OpenToWard(v.Calendar.SelfAssessmentDue, extendedTo(v.Extension), s.now())
}

// wardDeadline is the ward page's deadline block: the self-assessment's
// date and days left, the extension in force, and, for those who may give
// one, the form.
func (s *Server) wardDeadline(r *http.Request, sc unitScope, v store.WardView) *web.WardDeadline {
	due := v.Calendar.SelfAssessmentDue
	if due == nil || v.Level == "" {
		return nil
	}
	d := &web.WardDeadline{Due: s.deadlineOf(sc.Year, assess.Deadline{Key: "self_assessment_due", On: *due})}
	if e := v.Extension; e != nil {
		d.Extension = &web.ExtensionView{Until: e.Until, Reason: e.Reason, GrantedBy: e.GrantedBy, GrantedAt: e.GrantedAt}
	}
	a := v.Assessment
	d.Closed = !s.openToWard(v) && (!a.Exists || a.State.Editable())
	if authorize(r, assess.Extend, sc.Path) == nil && (!a.Exists || a.State.Editable()) {
		earliest := due.AddDate(0, 0, 1)
		if today := assess.Day(s.now()); today.After(earliest) {
			earliest = today
		}
		d.Form = &web.ExtensionForm{ActionURL: sc.href() + "/extension", Earliest: earliest, Latest: v.Calendar.LatestExtension(sc.Year)}
		if v.Extension != nil {
			d.Form.RevokeURL = sc.href() + "/extension/revoke"
		}
	}
	return d
}

// extensionInput is the extension form as typed.
type extensionInput struct{ Until, Reason string }

func parseExtension(r *http.Request) (extensionInput, error) {
	if err := parseForm(r); err != nil {
		return extensionInput{}, err
	}
	return extensionInput{Until: strings.TrimSpace(r.PostForm.Get("until")), Reason: strings.TrimSpace(r.PostForm.Get("reason"))}, nil
}

// validate checks the extension against the year's calendar and today:
// a day after the deadline, not in the past, not past the latest day an
// extension may run to, with a reason.
func (in extensionInput) validate(cal assess.Calendar, year int, now time.Time) (time.Time, map[string]string) {
	errs := map[string]string{}
	until, ok := parseDate(in.Until)
	due := cal.SelfAssessmentDue
	switch {
	case !ok:
		errs["until"] = "extension.err.date"
	case due != nil && !until.After(*due):
		errs["until"] = "extension.err.beforedue"
	case assess.Passed(&until, now):
		errs["until"] = "extension.err.past"
	case until.After(cal.LatestExtension(year)):
		errs["until"] = "extension.err.late"
	}
	switch {
	case in.Reason == "":
		errs["reason"] = "extension.err.reason"
	case !checkText(in.Reason, 1000):
		errs["reason"] = "review.err.reason.long"
	}
	return until, errs
}

// extend gives a ward more time to finish its self-assessment: the
// province's reviewers, the Ministry and admins.
func (s *Server) extend(w http.ResponseWriter, r *http.Request) error {
	sc, v, err := s.loadWardView(r)
	if err != nil {
		return err
	}
	if err := authorize(r, assess.Extend, sc.Path); err != nil {
		return err
	}
	in, err := parseExtension(r)
	if err != nil {
		return err
	}
	if v.Level == "" {
		return &Error{Status: http.StatusConflict, Key: "extension.err.unregistered"}
	}
	until, errs := in.validate(v.Calendar, sc.Year, s.now())
	if len(errs) > 0 {
		return s.renderWard(w, r, sc, v, http.StatusBadRequest, func(p *web.WardPage) {
			if p.Deadline != nil && p.Deadline.Form != nil {
				p.Deadline.Form.Until, p.Deadline.Form.Reason, p.Deadline.Form.Errors = in.Until, in.Reason, errs
			}
		})
	}
	if a := v.Assessment; a.Exists && !a.State.Editable() {
		return &Error{Status: http.StatusConflict, Key: "extension.err.state"}
	}
	if err := s.store.GrantExtension(r.Context(), s.actor(r), sc.Year, sc.Unit.ID, sc.Unit.Code, until, in.Reason); err != nil {
		return err
	}
	s.flash(r, "flash.extended", langOf(r).Date(until))
	http.Redirect(w, r, sc.href()+"#deadline", http.StatusSeeOther) // #nosec G710 -- the ward's own path, built from its code as stored, never from the request
	return nil
}

// revokeExtension takes a ward's extension back.
func (s *Server) revokeExtension(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadWard(r, assess.Extend)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.store.RevokeExtension(r.Context(), s.actor(r), sc.Year, sc.Unit.ID, sc.Unit.Code); err != nil {
		return err
	}
	s.flash(r, "flash.extension.revoked")
	http.Redirect(w, r, sc.href()+"#deadline", http.StatusSeeOther) // #nosec G710 -- the ward's own path, built from its code as stored, never from the request
	return nil
}

// calendar is the year's dates for everyone signed in, what each means,
// which are the user's to act by, and the days left to the next.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) error {
	year, err := parseYear(r)
	if err != nil {
		return err
	}
	cal, err := s.store.Calendar(r.Context(), year)
	if err != nil {
		return err
	}
	u := userOf(r)
	l := langOf(r)
	p := web.CalendarPage{Page: s.frame(r, l.T("calendar.title", fmt.Sprint(year)), year, nil, nil, nil), Year: year, Empty: true}
	yours := assess.DeadlinesOf(u.Role)
	for i, d := range cal.Dates() {
		row := web.CalendarRow{Key: assess.CalendarKeys[i], On: *d, Passed: assess.Passed(*d, s.now()), Yours: slices.Contains(yours, assess.CalendarKeys[i])}
		if *d != nil {
			p.Empty = false
		}
		p.Rows = append(p.Rows, row)
	}
	if next, ok := cal.Next(s.now(), yours...); ok {
		p.Next = s.deadlineOf(year, next)
	}
	if u.Role == assess.Admin {
		p.EditHref = fmt.Sprintf("/admin/catalogues/%d#calendar", year)
	}
	return renderHTML(w, r, http.StatusOK, web.Calendar(p))
}

// adminSetCalendar saves a year's calendar from the catalogue page.
func (s *Server) adminSetCalendar(w http.ResponseWriter, r *http.Request) error {
	info, err := s.catalogueYear(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var cal assess.Calendar
	typed := map[string]string{}
	errs := map[string]string{}
	for i, d := range cal.Dates() {
		key := assess.CalendarKeys[i]
		v := strings.TrimSpace(r.PostForm.Get(key))
		typed[key] = v
		if v == "" {
			continue
		}
		t, ok := parseDate(v)
		if !ok {
			errs[key] = "calendar.err.date"
			continue
		}
		*d = &t
	}
	if len(errs) == 0 {
		if key := cal.OutOfOrder(); key != "" {
			errs[key] = "calendar.err.order"
		}
	}
	if len(errs) > 0 {
		return s.renderCatalogue(w, r, info, http.StatusBadRequest, func(p *web.CataloguePage) {
			p.Calendar, p.CalendarErrors = typed, errs
		})
	}
	err = s.store.SetCalendar(r.Context(), s.actor(r), info.Year, cal)
	if errors.Is(err, assess.ErrCalendarOrder) {
		return &Error{Status: http.StatusBadRequest, Key: "calendar.err.order", Err: err}
	}
	if err != nil {
		return err
	}
	s.flash(r, "cat.flash.calendar")
	http.Redirect(w, r, fmt.Sprintf("/admin/catalogues/%d#calendar", info.Year), http.StatusSeeOther)
	return nil
}
