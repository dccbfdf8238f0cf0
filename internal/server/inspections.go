package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

func inspectionsHref(year int) string { return fmt.Sprintf("/%d/inspections", year) }

func inspectionHref(year int, id int64) string { return fmt.Sprintf("/%d/inspections/%d", year, id) }

// inspections lists the year's inspections the user may see, and for
// those who decide the plan's form: a Ministry user first chooses the
// level and province (?level=&province=), a province's reviewer plans its
// city-level visits straight away.
func (s *Server) inspections(w http.ResponseWriter, r *http.Request) error {
	year, err := parseYear(r)
	if err != nil {
		return err
	}
	p := web.InspectionsPage{}
	p.Flash, p.FlashArgs = s.popFlash(r)
	q := r.URL.Query()
	plan := store.InspectionPlan{Year: year, Level: q.Get("level"), Province: q.Get("province")}
	return s.renderInspections(w, r, http.StatusOK, p, plan, nil)
}

// renderInspections shows the list with the plan's form for plan (its
// level and province, and as typed when it came back refused).
func (s *Server) renderInspections(w http.ResponseWriter, r *http.Request, status int, p web.InspectionsPage, plan store.InspectionPlan, errs map[string]string) error {
	ctx := r.Context()
	year := plan.Year
	u := userOf(r)
	actor := u.Actor()
	if u.Role != assess.Ministry && u.Role != assess.Reviewer {
		return &Error{Status: http.StatusForbidden, Key: "err.forbidden", Err: fmt.Errorf("%s (%s) may not read inspections", u.Username, u.Role)}
	}
	years, err := s.store.Years(ctx)
	if err != nil {
		return err
	}
	l := langOf(r)
	p.Page = s.frame(r, l.T("insp.title", year), year, years, nil, inspectionsHref)
	list, err := s.store.Inspections(ctx, year)
	if err != nil {
		return err
	}
	for _, in := range list {
		member := in.HasMember(u.ID)
		if !actor.CanSeeInspection(in.ProvinceID, member) {
			continue
		}
		row := web.InspectionRow{Href: inspectionHref(year, in.ID), Province: in.ProvinceName, Level: web.LevelWord(l, in.Level, in.ProvinceType),
			Dates: dateRange(l, in.From, in.To), Leader: in.Leader.FullName, Wards: len(in.Wards), Member: member}
		for _, w := range in.Wards {
			if w.Proposal != "" {
				row.Concluded++
			}
		}
		p.Rows = append(p.Rows, row)
	}
	cal, err := s.store.Calendar(ctx, year)
	if err != nil {
		return err
	}
	if cal.InspectionFrom != nil && cal.InspectionTo != nil {
		p.Window = dateRange(l, *cal.InspectionFrom, *cal.InspectionTo)
	}
	// The plan: a province's reviewer plans in its own province at city
	// level; the Ministry chooses, then plans at Ministry level.
	switch u.Role {
	case assess.Reviewer:
		path, err := s.store.UnitPathByID(ctx, year, u.UnitID)
		if err != nil || len(path) < 2 || path[len(path)-1].Kind != "province" {
			break // a district's reviewer plans nothing
		}
		plan.Level, plan.Province = store.LevelCity, path[len(path)-1].Code
	case assess.Ministry:
		provinces, err := s.provincesOf(r, year)
		if err != nil {
			return err
		}
		plan.Level = store.LevelMinistry
		p.Choose = &web.PlanChoice{Action: inspectionsHref(year) + "#plan-form",
			Levels: []web.Pick{{Value: store.LevelMinistry, Label: web.LevelWord(l, store.LevelMinistry, ""), Selected: true}}}
		known := false
		for _, pr := range provinces {
			p.Choose.Provinces = append(p.Choose.Provinces, web.Pick{Value: pr.Code, Label: pr.Name, Selected: pr.Code == plan.Province})
			known = known || pr.Code == plan.Province
		}
		if !known {
			plan.Province = ""
		}
	}
	if plan.Province != "" {
		form, err := s.planForm(r, plan, cal, errs)
		if err != nil {
			return err
		}
		p.Plan = form
		if form != nil {
			form.ErrorItems = p.PlanItems
		}
	}
	return renderHTML(w, r, status, web.Inspections(p))
}

// provincesOf lists the provinces in force in year.
func (s *Server) provincesOf(r *http.Request, year int) ([]store.Unit, error) {
	root, err := s.store.UnitPath(r.Context(), year, "VN")
	if err != nil {
		return nil, err
	}
	return s.store.Children(r.Context(), year, root[0].ID)
}

// planForm is the plan of an inspection at plan's level in its province,
// offering the wards it may visit and the users who may join, as typed.
func (s *Server) planForm(r *http.Request, plan store.InspectionPlan, cal assess.Calendar, errs map[string]string) (*web.PlanForm, error) {
	ctx := r.Context()
	l := langOf(r)
	path, err := s.store.UnitPath(ctx, plan.Year, plan.Province)
	if err != nil {
		return nil, err
	}
	province := path[len(path)-1]
	if !userOf(r).Actor().CanPlanInspection(plan.Level, province.ID) {
		return nil, nil
	}
	wards, users, err := s.store.InspectionCandidates(ctx, plan.Year, province.ID, plan.Level)
	if err != nil {
		return nil, err
	}
	f := &web.PlanForm{Action: inspectionsHref(plan.Year), Level: plan.Level, LevelWord: web.LevelWord(l, plan.Level, province.Type),
		Province: province.Code, ProvinceName: province.Name, Errors: errs}
	if !plan.From.IsZero() {
		f.From = plan.From.Format(time.DateOnly)
	}
	if !plan.To.IsZero() {
		f.To = plan.To.Format(time.DateOnly)
	}
	if cal.InspectionFrom != nil {
		f.Min = cal.InspectionFrom.Format(time.DateOnly)
	}
	if cal.InspectionTo != nil {
		f.Max = cal.InspectionTo.Format(time.DateOnly)
	}
	for _, w := range wards {
		f.Wards = append(f.Wards, web.Pick{Value: w.Code, Label: w.Name, Note: w.Note, Selected: slices.Contains(plan.Wards, w.Code)})
	}
	me := userOf(r).Username
	for _, u := range users {
		f.Members = append(f.Members, web.Pick{Value: u.Code, Label: u.Name, Note: u.Note,
			Selected: slices.Contains(plan.Members, u.Code) || len(plan.Members) == 0 && u.Code == me})
		f.Leaders = append(f.Leaders, web.Pick{Value: u.Code, Label: u.Name, Selected: u.Code == plan.Leader})
	}
	return f, nil
}

// dateRange writes a span of days: "10/11/2023", or "01/12/2026 – 11/12/2026".
func dateRange(l web.Lang, from, to time.Time) string {
	if from.Equal(to) {
		return l.Date(from)
	}
	return l.Date(from) + " – " + l.Date(to)
}

// planInspection records a planned inspection: its level and province,
// dates inside the year's inspection window, wards, members and leader.
func (s *Server) planInspection(w http.ResponseWriter, r *http.Request) error {
	year, err := parseYear(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	plan, errs := readPlan(r, year)
	ctx := r.Context()
	path, err := s.store.UnitPath(ctx, year, plan.Province)
	if errors.Is(err, store.ErrNotFound) || err == nil && path[len(path)-1].Kind != "province" {
		return &Error{Status: http.StatusBadRequest, Key: "insp.err.province", Err: fmt.Errorf("province %q", plan.Province)}
	}
	if err != nil {
		return err
	}
	if !userOf(r).Actor().CanPlanInspection(plan.Level, path[len(path)-1].ID) {
		return &Error{Status: http.StatusForbidden, Key: "err.forbidden", Err: fmt.Errorf("%s may not plan a %q inspection of %s", userOf(r).Username, plan.Level, plan.Province)}
	}
	cal, err := s.store.Calendar(ctx, year)
	if err != nil {
		return err
	}
	if errs["from"] == "" && errs["to"] == "" && !insideWindow(cal, plan.From, plan.To) {
		errs["from"] = "insp.err.window"
	}
	if len(errs) > 0 {
		return s.renderInspections(w, r, http.StatusBadRequest, web.InspectionsPage{}, plan, errs)
	}
	id, err := s.store.PlanInspection(ctx, s.actor(r), plan)
	var refused *store.PlanError
	if errors.As(err, &refused) {
		status := http.StatusConflict
		if refused.Reason == "unknown" {
			status = http.StatusBadRequest
		}
		field := refused.Field
		if field == "province" {
			field = "wards"
		}
		errs[field] = "insp.err." + refused.Field + "." + refused.Reason
		p := web.InspectionsPage{PlanItems: strings.Join(refused.Items, ", ")}
		return s.renderInspections(w, r, status, p, plan, errs)
	}
	if err != nil {
		return err
	}
	s.flash(r, "insp.flash.planned", fmt.Sprint(len(plan.Wards)))
	http.Redirect(w, r, inspectionHref(year, id), http.StatusSeeOther)
	return nil
}

// readPlan parses a plan's form; errs names each field it refuses (keys).
func readPlan(r *http.Request, year int) (store.InspectionPlan, map[string]string) {
	f := r.PostForm
	plan := store.InspectionPlan{Year: year, Level: f.Get("level"), Province: strings.TrimSpace(f.Get("province")),
		Leader: strings.TrimSpace(f.Get("leader"))}
	errs := map[string]string{}
	if plan.Level != store.LevelMinistry && plan.Level != store.LevelCity {
		errs["wards"] = "insp.err.level"
	}
	from, okFrom := parseDate(f.Get("from"))
	to, okTo := parseDate(f.Get("to"))
	switch {
	case !okFrom:
		errs["from"] = "insp.err.from"
	case !okTo:
		errs["to"] = "insp.err.to"
	case to.Before(from):
		errs["to"] = "insp.err.order"
	}
	plan.From, plan.To = from, to
	for _, code := range f["wards"] {
		if code = strings.TrimSpace(code); code != "" && checkText(code, 16) && !slices.Contains(plan.Wards, code) {
			plan.Wards = append(plan.Wards, code)
		}
	}
	for _, name := range f["members"] {
		if name = strings.TrimSpace(name); name != "" && checkText(name, 64) && !slices.Contains(plan.Members, name) {
			plan.Members = append(plan.Members, name)
		}
	}
	if len(plan.Wards) == 0 || len(plan.Wards) > 200 {
		errs["wards"] = "insp.err.wards"
	}
	if len(plan.Members) > 50 {
		errs["members"] = "insp.err.members"
	}
	if plan.Leader == "" || !checkText(plan.Leader, 64) {
		errs["leader"] = "insp.err.leader"
	}
	return plan, errs
}

// insideWindow says whether a visit's days lie in the year's inspection
// window (any days when the calendar has none).
func insideWindow(cal assess.Calendar, from, to time.Time) bool {
	if cal.InspectionFrom != nil && from.Before(*cal.InspectionFrom) {
		return false
	}
	return cal.InspectionTo == nil || !to.After(*cal.InspectionTo)
}

// changes lists the criteria the appraisal and the inspection overturned
// in the unit's wards (?criterion=N for one), each with its reason: where
// a dashboard's counts lead.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadUnit(r, assess.Read)
	if err != nil {
		return err
	}
	l := langOf(r)
	criterion := 0
	if q := r.URL.Query().Get("criterion"); q != "" {
		if criterion, err = strconv.Atoi(q); err != nil || criterion < 1 || criterion > 1000 {
			return &Error{Status: http.StatusBadRequest, Key: "err.form", Err: fmt.Errorf("criterion %q", q)}
		}
	}
	list, err := s.store.TierChanges(r.Context(), sc.Year, sc.Unit.Code, criterion)
	if err != nil {
		return err
	}
	titles := map[int]string{}
	for _, c := range sc.Catalogue.Criteria {
		titles[c.Number] = pick(l, c.TitleVI, c.TitleEN)
	}
	p := web.ChangesPage{UnitName: sc.Unit.Name, AllHref: changesHref(sc.Year, sc.Unit.Code)}
	p.Page = s.frame(r, l.T("changes.title", sc.Unit.Name, sc.Year), sc.Year, nil, sc.Path, nil)
	if criterion != 0 {
		p.Criterion = fmt.Sprintf("%d. %s", criterion, titles[criterion])
	}
	unitOf := map[int]string{}
	for _, c := range sc.Catalogue.Criteria {
		unitOf[c.Number] = c.Unit
	}
	for _, c := range list {
		row := web.OverturnRow{Ward: c.Ward, WardHref: fmt.Sprintf("/%d/wards/%s", sc.Year, c.WardCode), Province: c.Province,
			Number: c.Number, Title: titles[c.Number], From: c.From, To: c.To, Reason: c.Reason, By: c.By, On: l.Date(c.At)}
		if c.FromValue != "" {
			row.FromValue = l.WithUnit(c.FromValue, unitOf[c.Number])
		}
		if c.ToValue != "" {
			row.ToValue = l.WithUnit(c.ToValue, unitOf[c.Number])
		}
		if c.Tier == assess.TierInspection {
			p.Inspected = append(p.Inspected, row)
		} else {
			p.Appraised = append(p.Appraised, row)
		}
	}
	return renderHTML(w, r, http.StatusOK, web.Changes(p))
}
