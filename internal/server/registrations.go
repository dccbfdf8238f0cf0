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

// loadProvince is loadUnit for the pages of a province's registrations:
// the unit must be a province.
func (s *Server) loadProvince(r *http.Request, p assess.Permission) (unitScope, error) {
	sc, err := s.loadUnit(r, p)
	if err != nil {
		return sc, err
	}
	if sc.Unit.Kind != "province" {
		return sc, errNotFound
	}
	return sc, nil
}

func registrationsHref(year int, province string) string {
	return fmt.Sprintf("/%d/units/%s/registrations", year, province)
}

// registrations shows the wards a province registered for a year, the
// Ministry's quota, and the forms that change them; ?q= searches the
// province's wards by name (without accents) or code.
func (s *Server) registrations(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadProvince(r, assess.Register)
	if err != nil {
		return err
	}
	p := web.RegistrationsPage{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	p.Flash, p.FlashArgs = s.popFlash(r)
	return s.renderRegistrations(w, r, sc, http.StatusOK, p)
}

func (s *Server) renderRegistrations(w http.ResponseWriter, r *http.Request, sc unitScope, status int, p web.RegistrationsPage) error {
	ctx := r.Context()
	province := sc.Unit
	years, err := s.store.Years(ctx)
	if err != nil {
		return err
	}
	list, err := s.store.Registrations(ctx, sc.Year, province.ID)
	if err != nil {
		return err
	}
	if p.Quota, err = s.store.QuotaOf(ctx, sc.Year, province); err != nil {
		return err
	}
	l := langOf(r)
	p.Page = s.frame(r, l.T("reg.title", province.Name), sc.Year, years, sc.Path, func(y int) string {
		return registrationsHref(y, province.Code)
	})
	p.Province, p.ProvinceType = province.Name, province.Type
	cal, err := s.store.Calendar(ctx, sc.Year)
	if err != nil {
		return err
	}
	p.Due = cal.RegistrationDue
	p.Closed = assess.Passed(cal.RegistrationDue, s.now())
	p.MayRegister = !p.Closed || userOf(r).Actor().MayRegisterLate()
	p.Href = registrationsHref(sc.Year, province.Code)
	p.CanSetQuota = authorize(r, assess.SetQuota, sc.Path) == nil
	if p.QuotaForm.Quota == "" && p.Quota != nil && p.QuotaForm.Errors == nil {
		p.QuotaForm.Quota = strconv.Itoa(*p.Quota)
	}
	registered := map[string]bool{}
	for _, g := range list {
		registered[g.WardCode] = true
		if g.Level == store.LevelMinistry {
			p.Ministry++
		} else {
			p.City++
		}
		row := web.RegistrationRow{Code: g.WardCode, Name: g.WardName, District: g.District,
			Href: fmt.Sprintf("/%d/wards/%s", sc.Year, g.WardCode), Level: g.Level,
			RegisteredBy: g.RegisteredBy, RegisteredAt: g.RegisteredAt, Late: assess.Passed(cal.RegistrationDue, g.RegisteredAt)}
		if !g.HasAssessment {
			row.RemoveAction = p.Href + "/" + g.WardCode + "/remove"
		}
		p.Rows = append(p.Rows, row)
	}
	if p.Query != "" {
		wards, err := s.store.WardsIn(ctx, sc.Year, province.ID)
		if err != nil {
			return err
		}
		q := assess.Fold(p.Query)
		for _, ward := range wards {
			if registered[ward.Code] || !(strings.Contains(assess.Fold(ward.Name), q) || strings.HasPrefix(ward.Code, p.Query)) {
				continue
			}
			p.Candidates = append(p.Candidates, web.CandidateRow{Code: ward.Code, Name: ward.Name})
			if len(p.Candidates) == 20 {
				break
			}
		}
	}
	return renderHTML(w, r, status, web.Registrations(p))
}

// register puts a ward of the province on its list for the year.
func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadProvince(r, assess.Register)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	form := web.RegistrationForm{WardCode: strings.TrimSpace(r.PostForm.Get("ward_code")), Level: r.PostForm.Get("level"), Errors: map[string]string{}}
	if form.WardCode == "" || !checkText(form.WardCode, 16) {
		form.Errors["ward_code"] = "reg.err.code"
	}
	if form.Level != store.LevelMinistry && form.Level != store.LevelCity {
		form.Errors["level"] = "reg.err.level"
	}
	// After the deadline a province registers no more; the Ministry may,
	// and its registrations show as late.
	cal, err := s.store.Calendar(r.Context(), sc.Year)
	if err != nil {
		return err
	}
	if assess.Passed(cal.RegistrationDue, s.now()) && !userOf(r).Actor().MayRegisterLate() {
		return s.renderRegistrations(w, r, sc, http.StatusConflict, web.RegistrationsPage{Refused: true})
	}
	status := http.StatusBadRequest
	if len(form.Errors) == 0 {
		err = s.store.Register(r.Context(), s.actor(r), sc.Year, sc.Unit.ID, form.WardCode, form.Level)
		switch {
		case errors.Is(err, store.ErrNotFound):
			form.Errors["ward_code"] = "reg.err.unknown"
		case errors.Is(err, store.ErrNotWard):
			form.Errors["ward_code"] = "reg.err.notward"
		case errors.Is(err, store.ErrOutside):
			form.Errors["ward_code"], status = "reg.err.outside", http.StatusForbidden
		case errors.Is(err, store.ErrExists):
			form.Errors["ward_code"], status = "reg.err.exists", http.StatusConflict
		case err != nil:
			return err
		}
	}
	if len(form.Errors) > 0 {
		return s.renderRegistrations(w, r, sc, status, web.RegistrationsPage{Form: form})
	}
	over, err := s.quotaOverrun(r, sc)
	if err != nil {
		return err
	}
	if over > 0 && form.Level == store.LevelMinistry {
		s.flash(r, "reg.flash.added.over", form.WardCode, strconv.Itoa(over))
	} else {
		s.flash(r, "reg.flash.added", form.WardCode)
	}
	http.Redirect(w, r, registrationsHref(sc.Year, sc.Unit.Code)+"#w"+form.WardCode, http.StatusSeeOther)
	return nil
}

// quotaOverrun is how many Ministry-level registrations of the province
// exceed the Ministry's quota, 0 when none do or there is no quota.
func (s *Server) quotaOverrun(r *http.Request, sc unitScope) (int, error) {
	quota, err := s.store.QuotaOf(r.Context(), sc.Year, sc.Unit)
	if err != nil || quota == nil {
		return 0, err
	}
	list, err := s.store.Registrations(r.Context(), sc.Year, sc.Unit.ID)
	if err != nil {
		return 0, err
	}
	ministry := 0
	for _, g := range list {
		if g.Level == store.LevelMinistry {
			ministry++
		}
	}
	return web.QuotaOver(quota, ministry), nil
}

// unregister takes a ward without an assessment off the list.
func (s *Server) unregister(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadProvince(r, assess.Register)
	if err != nil {
		return err
	}
	code := urlParam(r, "ward")
	err = s.store.Unregister(r.Context(), s.actor(r), sc.Year, sc.Unit.ID, code)
	switch {
	case errors.Is(err, store.ErrState):
		return s.renderRegistrations(w, r, sc, http.StatusConflict, web.RegistrationsPage{Flash: "reg.err.assessed", FlashArgs: []any{code}})
	case errors.Is(err, store.ErrOutside):
		return &Error{Status: http.StatusForbidden, Key: "err.forbidden", Err: err}
	case err != nil:
		return err
	}
	s.flash(r, "reg.flash.removed", code)
	http.Redirect(w, r, registrationsHref(sc.Year, sc.Unit.Code)+"#registered", http.StatusSeeOther)
	return nil
}

// setQuota sets the Ministry's quota for the province and year; an empty
// field clears it.
func (s *Server) setQuota(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadProvince(r, assess.SetQuota)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	raw := strings.TrimSpace(r.PostForm.Get("quota"))
	var quota *int
	if raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > 10000 {
			return s.renderRegistrations(w, r, sc, http.StatusBadRequest, web.RegistrationsPage{
				QuotaForm: web.QuotaForm{Quota: raw, Errors: map[string]string{"quota": "reg.err.quota"}}})
		}
		quota = &n
	}
	if err := s.store.SetQuota(r.Context(), s.actor(r), sc.Year, sc.Unit.ID, quota); err != nil {
		return err
	}
	s.flash(r, "reg.flash.quota")
	http.Redirect(w, r, registrationsHref(sc.Year, sc.Unit.Code)+"#quota", http.StatusSeeOther)
	return nil
}
