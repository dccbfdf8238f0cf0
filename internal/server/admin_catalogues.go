package server

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

func (s *Server) adminCatalogues(w http.ResponseWriter, r *http.Request) error {
	p := web.CataloguesPage{}
	p.Flash, p.FlashArgs = s.popFlash(r)
	return s.renderCatalogues(w, r, http.StatusOK, p)
}

func (s *Server) renderCatalogues(w http.ResponseWriter, r *http.Request, status int, p web.CataloguesPage) error {
	list, err := s.store.Catalogues(r.Context())
	if err != nil {
		return err
	}
	for _, c := range list {
		p.Catalogues = append(p.Catalogues, catalogueRow(c))
	}
	p.Page = s.frame(r, langOf(r).T("cat.title"), 0, nil, nil, nil)
	return renderHTML(w, r, status, web.Catalogues(p))
}

func catalogueRow(c store.CatalogueInfo) web.CatalogueRow {
	return web.CatalogueRow{Year: c.Year, Href: fmt.Sprintf("/admin/catalogues/%d", c.Year), YearEndOpens: c.YearEndOpens,
		Criteria: c.Criteria, Revision: c.Revision, Locked: c.Locked}
}

// adminCopyCatalogue creates a year's catalogue by copying another.
func (s *Server) adminCopyCatalogue(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	form := web.CopyForm{From: f.Get("from"), To: strings.TrimSpace(f.Get("to")), Opens: f.Get("year_end_opens"), Errors: map[string]string{}}
	from, err := strconv.Atoi(form.From)
	if err != nil {
		form.Errors["from"] = "cat.err.year"
	}
	to, err := strconv.Atoi(form.To)
	if err != nil || to < 2000 || to > 2100 {
		form.Errors["to"] = "cat.err.year"
	}
	opens := time.Date(to, time.November, 1, 0, 0, 0, 0, time.UTC)
	if form.Opens != "" {
		d, ok := parseDate(form.Opens)
		if !ok || d.Year() != to {
			form.Errors["opens"] = "cat.err.date"
		}
		opens = d
	}
	if len(form.Errors) == 0 {
		err = s.store.CopyCatalogue(r.Context(), s.actor(r), from, to, opens)
		switch {
		case errors.Is(err, store.ErrExists):
			form.Errors["to"] = "cat.err.exists"
		case errors.Is(err, store.ErrNotFound):
			form.Errors["from"] = "cat.err.year"
		case err != nil:
			return err
		}
	}
	if len(form.Errors) > 0 {
		return s.renderCatalogues(w, r, http.StatusBadRequest, web.CataloguesPage{Copy: form})
	}
	s.flash(r, "cat.flash.copied", strconv.Itoa(to))
	http.Redirect(w, r, fmt.Sprintf("/admin/catalogues/%d", to), http.StatusSeeOther)
	return nil
}

// catalogueYear reads {year} of an admin catalogue route.
func (s *Server) catalogueYear(r *http.Request) (store.CatalogueInfo, error) {
	year, err := parseYear(r)
	if err != nil {
		return store.CatalogueInfo{}, err
	}
	return s.store.CatalogueInfo(r.Context(), year)
}

func (s *Server) adminCatalogue(w http.ResponseWriter, r *http.Request) error {
	info, err := s.catalogueYear(r)
	if err != nil {
		return err
	}
	return s.renderCatalogue(w, r, info, http.StatusOK, func(p *web.CataloguePage) {
		p.Flash, p.FlashArgs = s.popFlash(r)
	})
}

// renderCatalogue shows a year's catalogue with status, after adjust.
func (s *Server) renderCatalogue(w http.ResponseWriter, r *http.Request, info store.CatalogueInfo, status int, adjust func(*web.CataloguePage)) error {
	cat, err := s.store.Catalogue(r.Context(), info.Year)
	if err != nil {
		return err
	}
	l := langOf(r)
	base := fmt.Sprintf("/admin/catalogues/%d", info.Year)
	p := web.CataloguePage{
		Page:       s.frame(r, l.T("cat.ofyear", info.Year), 0, nil, nil, nil),
		Info:       catalogueRow(info),
		EditHref:   func(n int) string { return fmt.Sprintf("%s/criteria/%d", base, n) },
		RemoveURL:  func(n int) string { return fmt.Sprintf("%s/criteria/%d/remove", base, n) },
		NewHref:    base + "/criteria/new",
		YearEndURL: base + "/year-end",
	}
	p.YearEndOpens = info.YearEndOpens.Format(time.DateOnly)
	cal, err := s.store.Calendar(r.Context(), info.Year)
	if err != nil {
		return err
	}
	p.CalendarURL, p.Calendar = base+"/calendar", map[string]string{}
	for i, d := range cal.Dates() {
		if *d != nil {
			p.Calendar[assess.CalendarKeys[i]] = (*d).Format(time.DateOnly)
		}
	}
	adjust(&p)
	for _, c := range cat.Criteria {
		row := web.CriterionRow{Number: c.Number, Title: pick(l, c.TitleVI, c.TitleEN), Kind: c.Kind, YearEnd: c.YearEnd}
		if c.Kind == assess.Measure {
			row.Threshold = l.Threshold(c.Comparator, c.Threshold, c.Unit)
		}
		p.Criteria = append(p.Criteria, row)
	}
	return renderHTML(w, r, status, web.Catalogue(p))
}

// catalogueError turns the store's refusals of a catalogue change into
// the user's words.
func catalogueError(err error) error {
	switch {
	case errors.Is(err, store.ErrLocked):
		return &Error{Status: http.StatusConflict, Key: "cat.err.locked", Err: err}
	case errors.Is(err, store.ErrInUse):
		return &Error{Status: http.StatusConflict, Key: "cat.err.inuse", Err: err}
	}
	return err
}

func (s *Server) adminSetYearEnd(w http.ResponseWriter, r *http.Request) error {
	info, err := s.catalogueYear(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	typed := r.PostForm.Get("year_end_opens")
	d, ok := parseDate(typed)
	if !ok || d.Year() != info.Year {
		return s.renderCatalogue(w, r, info, http.StatusBadRequest, func(p *web.CataloguePage) {
			p.YearEndOpens, p.YearEndError = typed, "cat.err.date"
		})
	}
	if err := s.store.SetYearEndOpens(r.Context(), s.actor(r), info.Year, d, r.PostForm.Get("revision") == "1"); err != nil {
		return catalogueError(err)
	}
	s.flash(r, "cat.flash.saved")
	http.Redirect(w, r, fmt.Sprintf("/admin/catalogues/%d", info.Year), http.StatusSeeOther)
	return nil
}

func criterionForm(c assess.Criterion) web.CriterionForm {
	return web.CriterionForm{Number: strconv.Itoa(c.Number), Group: c.Group, GroupVI: c.GroupVI, GroupEN: c.GroupEN,
		TitleVI: c.TitleVI, TitleEN: c.TitleEN, Kind: string(c.Kind), Unit: c.Unit, Comparator: string(c.Comparator),
		Threshold: c.Threshold, Scale: string(c.Scale), YearEnd: c.YearEnd}
}

func (s *Server) adminCriterion(w http.ResponseWriter, r *http.Request) error {
	info, err := s.catalogueYear(r)
	if err != nil {
		return err
	}
	p := web.CriterionEditPage{IsNew: urlParam(r, "n") == "new", Form: web.CriterionForm{Kind: "check"}}
	if !p.IsNew {
		cat, err := s.store.Catalogue(r.Context(), info.Year)
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(urlParam(r, "n"))
		found := false
		for _, c := range cat.Criteria {
			if c.Number == n {
				p.Form, found = criterionForm(c), true
			}
		}
		if !found {
			return errNotFound
		}
	}
	return s.renderCriterionEdit(w, r, info, http.StatusOK, p)
}

func (s *Server) renderCriterionEdit(w http.ResponseWriter, r *http.Request, info store.CatalogueInfo, status int, p web.CriterionEditPage) error {
	base := fmt.Sprintf("/admin/catalogues/%d", info.Year)
	p.CatalogueYear, p.CatalogueHref, p.Locked = info.Year, base, info.Locked
	if p.IsNew {
		p.ActionURL = base + "/criteria"
	} else {
		p.ActionURL = base + "/criteria/" + p.Form.Number
	}
	p.Page = s.frame(r, langOf(r).T("cat.ofyear", info.Year), 0, nil, nil, nil)
	return renderHTML(w, r, status, web.CriterionEdit(p))
}

var groupPattern = regexp.MustCompile(`^[A-Z]{1,3}$`)

// parseCriterion reads the criterion form and checks it; errors are
// message keys by field.
func parseCriterion(r *http.Request, number string) (assess.Criterion, web.CriterionForm, error) {
	if err := parseForm(r); err != nil {
		return assess.Criterion{}, web.CriterionForm{}, err
	}
	f := r.PostForm
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	form := web.CriterionForm{Number: number, Group: get("group"), GroupVI: get("group_vi"), GroupEN: get("group_en"),
		TitleVI: get("title_vi"), TitleEN: get("title_en"), Kind: get("kind"), Unit: get("unit"),
		Comparator: get("comparator"), Threshold: get("threshold"), Scale: get("scale"), YearEnd: f.Get("year_end") == "1",
		Errors: map[string]string{}}
	c := assess.Criterion{Group: form.Group, GroupVI: form.GroupVI, GroupEN: form.GroupEN, TitleVI: form.TitleVI,
		TitleEN: form.TitleEN, Kind: assess.Kind(form.Kind), Unit: form.Unit, YearEnd: form.YearEnd}
	n, err := strconv.Atoi(number)
	if err != nil || n < 1 || n > 999 {
		form.Errors["number"] = "cat.err.number"
	}
	c.Number = n
	if !groupPattern.MatchString(form.Group) {
		form.Errors["group"] = "cat.err.group"
	}
	for field, v := range map[string]string{"group_vi": form.GroupVI, "group_en": form.GroupEN, "title_vi": form.TitleVI, "title_en": form.TitleEN} {
		if v == "" || !checkText(v, 500) {
			form.Errors[field] = "cat.err.text"
		}
	}
	if !checkText(form.Unit, 20) {
		form.Errors["unit"] = "cat.err.unit"
	}
	switch c.Kind {
	case assess.Check:
		// A check has no threshold.
	case assess.Measure:
		c.Comparator, c.Scale = assess.Comparator(form.Comparator), assess.Scale(form.Scale)
		if !c.Comparator.Valid() {
			form.Errors["comparator"] = "cat.err.comparator"
		}
		if !c.Scale.Valid() {
			form.Errors["scale"] = "cat.err.scale"
		}
		// Any decimal, written as people write it.
		t, err := (assess.Criterion{Scale: assess.Change}).ParseValue(form.Threshold)
		if err != nil {
			form.Errors["threshold"] = "cat.err.threshold"
		}
		c.Threshold = t
	default:
		form.Errors["kind"] = "cat.err.kind"
	}
	return c, form, nil
}

func (s *Server) adminSaveCriterion(w http.ResponseWriter, r *http.Request) error {
	info, err := s.catalogueYear(r)
	if err != nil {
		return err
	}
	isNew := urlParam(r, "n") == ""
	number := urlParam(r, "n")
	if isNew {
		if err := parseForm(r); err != nil {
			return err
		}
		number = strings.TrimSpace(r.PostForm.Get("number"))
	}
	c, form, err := parseCriterion(r, number)
	if err != nil {
		return err
	}
	if len(form.Errors) > 0 {
		return s.renderCriterionEdit(w, r, info, http.StatusBadRequest, web.CriterionEditPage{IsNew: isNew, Form: form})
	}
	err = s.store.SaveCriterion(r.Context(), s.actor(r), info.Year, c, isNew, r.PostForm.Get("revision") == "1")
	if errors.Is(err, store.ErrExists) {
		form.Errors["number"] = "cat.err.numexists"
		return s.renderCriterionEdit(w, r, info, http.StatusBadRequest, web.CriterionEditPage{IsNew: isNew, Form: form})
	}
	if err != nil {
		return catalogueError(err)
	}
	s.flash(r, "cat.flash.saved")
	http.Redirect(w, r, fmt.Sprintf("/admin/catalogues/%d", info.Year), http.StatusSeeOther)
	return nil
}

func (s *Server) adminRemoveCriterion(w http.ResponseWriter, r *http.Request) error {
	info, err := s.catalogueYear(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	n, err := strconv.Atoi(urlParam(r, "n"))
	if err != nil {
		return errNotFound
	}
	if err := s.store.RemoveCriterion(r.Context(), s.actor(r), info.Year, n, r.PostForm.Get("revision") == "1"); err != nil {
		return catalogueError(err)
	}
	s.flash(r, "cat.flash.saved")
	http.Redirect(w, r, fmt.Sprintf("/admin/catalogues/%d", info.Year), http.StatusSeeOther)
	return nil
}
