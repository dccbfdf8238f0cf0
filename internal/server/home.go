package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// waitingLimit bounds each list of the home page; the dashboards list all.
const waitingLimit = 100

// home leads each person with what they must do now, across years: an
// officer's returned assessments, then the open year's criteria; a
// reviewer's queue, oldest first; the approved wards awaiting the user's
// decision. Admins go to their users.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := userOf(r)
	if u.Role == assess.Admin {
		http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
		return nil
	}
	year, err := s.homeYear(r, u)
	if err != nil {
		return err
	}
	l := langOf(r)
	unit := store.Unit{Code: u.UnitCode, Kind: u.UnitKind}
	p := web.HomePage{
		Page:     s.frame(r, l.T("due.title"), 0, nil, nil, nil),
		UnitName: u.UnitName,
		UnitHref: unitHref(year, unit),
		UnitYear: year,
	}
	if u.Role == assess.Ministry || u.Role == assess.Reviewer {
		p.InspectionsHref, p.DecisionsHref = inspectionsHref(year), decisionsHref(year)
	}
	now := s.now()
	cal, err := s.store.Calendar(ctx, year)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if next, ok := cal.Next(now, assess.DeadlinesOf(u.Role)...); ok {
		p.Deadline = s.deadlineOf(year, next)
	}
	if next, ok := cal.Next(now, assess.WatchedBy(u.Role)...); ok {
		p.Watched = s.deadlineOf(year, next)
	}
	if d := cal.ReviewDue; d != nil && u.Role == assess.Reviewer {
		p.ReviewDue = s.deadlineOf(year, assess.Deadline{Key: "review_due", On: *d})
	}
	calendars := map[int]assess.Calendar{year: cal}
	row := func(wt store.Waiting) web.WaitingRow {
		return web.WaitingRow{Year: wt.Year, Name: wt.Name, District: wt.District,
			Href:  fmt.Sprintf("/%d/wards/%s", wt.Year, wt.Code),
			Since: wt.Since, Days: max(0, int(now.Sub(wt.Since).Hours()/24)), Reason: wt.ReturnReason,
			Standing: l.T("standing.short", wt.Standing.Met, wt.Standing.Total), Level: wt.Level}
	}
	ministry := u.UnitKind == "ministry"
	switch u.Role {
	case assess.WardOfficer:
		returned, err := s.store.Waiting(ctx, u.UnitID, false, []assess.State{assess.Returned}, waitingLimit)
		if err != nil {
			return err
		}
		for _, wt := range returned {
			p.Returned = append(p.Returned, row(wt))
		}
		if err := s.openYear(r, &p, year); err != nil {
			return err
		}
		// The open year's return is told in its own section, criterion by
		// criterion.
		if o := p.Open; o != nil && o.State == assess.Returned {
			p.Returned = slices.DeleteFunc(p.Returned, func(w web.WaitingRow) bool { return w.Year == o.Year })
		}
	case assess.Reviewer:
		queue, err := s.store.Waiting(ctx, u.UnitID, ministry, []assess.State{assess.Submitted}, waitingLimit)
		if err != nil {
			return err
		}
		for _, wt := range queue {
			r := row(wt)
			r.Href += "#review"
			if r.Overdue, err = s.overdue(ctx, calendars, wt.Year, func(c assess.Calendar) *time.Time { return c.ReviewDue }); err != nil {
				return err
			}
			p.Queue = append(p.Queue, r)
		}
	}
	// Approved wards whose recognition is this user's to record.
	if u.Role == assess.Reviewer || u.Role == assess.Ministry {
		approved, err := s.store.Waiting(ctx, u.UnitID, ministry, []assess.State{assess.Approved}, waitingLimit)
		if err != nil {
			return err
		}
		for _, wt := range approved {
			if (wt.Level == "ministry") == ministry && assess.RecognitionBar(wt.Level, wt.Visit, wt.Standing) == nil {
				r := row(wt)
				r.Href += "#recognize"
				if r.Overdue, err = s.overdue(ctx, calendars, wt.Year, func(c assess.Calendar) *time.Time { return c.DecisionDue }); err != nil {
					return err
				}
				p.Decisions = append(p.Decisions, r)
			}
		}
	}
	p.Nothing = len(p.Returned) == 0 && p.Open == nil && len(p.Queue) == 0 && len(p.Decisions) == 0 && len(p.TakenOver) == 0
	return renderHTML(w, r, http.StatusOK, web.Home(p))
}

// overdue says whether the date of year's calendar that due picks has
// passed; calendars keeps the years already read.
func (s *Server) overdue(ctx context.Context, calendars map[int]assess.Calendar, year int, due func(assess.Calendar) *time.Time) (bool, error) {
	c, ok := calendars[year]
	if !ok {
		var err error
		c, err = s.store.Calendar(ctx, year)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		calendars[year] = c
	}
	return assess.Passed(due(c), s.now()), nil
}

// openYear adds an officer's work in the home year: the criteria not yet
// judged, the year-end ones apart; or who took the ward over, when it is
// no longer in force.
func (s *Server) openYear(r *http.Request, p *web.HomePage, year int) error {
	u := userOf(r)
	v, err := s.store.WardView(r.Context(), year, u.UnitCode)
	if err != nil {
		return err
	}
	if ward := v.Path[len(v.Path)-1]; ward.ID != u.UnitID {
		return nil
	}
	l := langOf(r)
	for _, to := range v.Successors {
		// A successor still in force is opened in the current year.
		y := s.now().In(web.HoChiMinh).Year()
		if to.Year != 0 {
			y = to.Year
		}
		p.TakenOver = append(p.TakenOver, web.Crumb{Name: to.Name, Href: fmt.Sprintf("/%d/wards/%s", y, to.Code)})
	}
	if v.Level == "" || year != s.now().In(web.HoChiMinh).Year() {
		return nil
	}
	a := v.Assessment
	sc := unitScope{Year: year, Catalogue: v.Catalogue, Path: v.Path, Unit: v.Path[len(v.Path)-1]}
	standing := assess.ComputeStandings(v.Catalogue.Criteria, a.Judgements()).Official()
	o := &web.OpenYear{Year: year, Href: sc.href(), StateWord: l.State(a.State), Standing: l.Standing(standing),
		YearEndOpen: s.yearEndOpen(v.Catalogue), YearEndFrom: l.Date(v.Catalogue.YearEndOpens)}
	if !a.Exists {
		o.StateWord = l.T("due.start")
	} else {
		o.State = a.State
	}
	on := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return l.T("home.on", l.Date(*t))
	}
	switch o.State {
	case assess.Submitted:
		o.On = on(a.SubmittedAt)
	case assess.Returned:
		o.On, o.ReturnReason = on(a.ReviewedAt), a.ReturnReason
		for _, c := range v.Catalogue.Criteria {
			if reason, ok := v.Returned[c.Number]; ok {
				o.Returned = append(o.Returned, web.ReturnedItem{Reason: reason,
					Crumb: web.Crumb{Name: fmt.Sprintf("%d. %s", c.Number, pick(l, c.TitleVI, c.TitleEN)), Href: sc.criterionHref(c.Number)}})
			}
		}
	case assess.Approved:
		o.On = on(a.ReviewedAt)
		by, err := s.approvedBy(r, sc)
		if err != nil {
			return err
		}
		o.ApprovedBy = by
		o.Next = "home.next.city"
		if v.Level == "ministry" {
			o.Next = "home.next.ministry"
		}
		if !standing.Full() {
			o.Short, o.Standings = true, fmt.Sprintf("%d/%d", standing.Met, standing.Total)
		}
	case assess.Recognized:
		o.On, o.DecisionNo = on(a.DecisionDate), a.DecisionNo
	}
	for _, c := range v.Catalogue.Criteria {
		switch a.Results[c.Number].Status {
		case assess.Met, assess.NotMet:
			continue
		}
		item := web.Crumb{Name: fmt.Sprintf("%d. %s", c.Number, pick(l, c.TitleVI, c.TitleEN)), Href: sc.criterionHref(c.Number)}
		if c.YearEnd {
			o.YearEnd = append(o.YearEnd, item)
		} else {
			o.NotJudged = append(o.NotJudged, item)
		}
	}
	p.Open = o
	return nil
}

// approvedBy names who approved the ward's file last, from its history.
func (s *Server) approvedBy(r *http.Request, sc unitScope) (string, error) {
	changes, err := s.store.History(r.Context(), sc.Unit.Code, sc.Year, 0, 50)
	if err != nil {
		return "", err
	}
	for _, c := range changes { // newest first
		if c.Action == "assessment_"+string(assess.Approve) {
			return c.Actor, nil
		}
	}
	return "", nil
}

// homeYear is the year the user's own unit page opens on: the current
// year, or the last one whose address still names the user's unit when
// it has ended (its code may name another unit now); then the latest
// year with a catalogue up to it.
func (s *Server) homeYear(r *http.Request, u store.User) (int, error) {
	years, err := s.store.Years(r.Context())
	if err != nil {
		return 0, err
	}
	if len(years) == 0 {
		return 0, errNotFound
	}
	want := s.now().In(web.HoChiMinh).Year()
	units, err := s.store.UnitsWithCode(r.Context(), u.UnitCode)
	if err != nil {
		return 0, err
	}
	for _, unit := range units {
		if unit.ID == u.UnitID && unit.Year != 0 && unit.Year < want {
			want = unit.Year
		}
	}
	year := years[len(years)-1]
	for _, y := range years { // newest first
		if y <= want {
			year = y
			break
		}
	}
	return year, nil
}
