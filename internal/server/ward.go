package server

import (
	"fmt"
	"net/http"

	"modelward/internal/assess"
	"modelward/web"
)

// ward shows a ward's assessment for a year, criterion by criterion.
func (s *Server) ward(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	year, err := parseYear(r)
	if err != nil {
		return err
	}
	cat, err := s.store.Catalogue(ctx, year)
	if err != nil {
		return err
	}
	path, err := s.store.UnitPath(ctx, urlParam(r, "code"))
	if err != nil {
		return err
	}
	if err := authorize(r, assess.Read, path); err != nil {
		return err
	}
	unit := path[len(path)-1]
	if unit.Kind != "ward" {
		http.Redirect(w, r, unitHref(year, unit), http.StatusSeeOther)
		return nil
	}
	years, err := s.store.Years(ctx)
	if err != nil {
		return err
	}
	a, err := s.store.Assessment(ctx, year, unit.Code)
	if err != nil {
		return err
	}

	l := langOf(r)
	p := web.WardPage{
		Page: s.frame(r, unit.Name, year, years, path, func(y int) string {
			return fmt.Sprintf("/%d/wards/%s", y, unit.Code)
		}),
		Code:         unit.Code,
		Name:         unit.Name,
		State:        a.State,
		Exists:       a.Exists,
		Standing:     assess.ComputeStanding(cat.Criteria, a.Stored()),
		SubmittedAt:  a.SubmittedAt,
		ReturnReason: a.ReturnReason,
		DecisionNo:   a.DecisionNo,
		DecisionDate: a.DecisionDate,
		YearEndOpens: cat.YearEndOpens,
	}
	p.Editable = canEdit(r, wardScope{Path: path}, a)
	p.Flash, p.FlashArgs = s.popFlash(r)
	p.HistoryHref = fmt.Sprintf("/%d/wards/%s/history", year, unit.Code)
	evidence, err := s.store.EvidenceOf(ctx, unit.Code, year)
	if err != nil {
		return err
	}
	evidenceCount := map[int]int{}
	for _, e := range evidence {
		if e.RemovedAt == nil {
			evidenceCount[e.Number]++
		}
	}
	if p.Editable {
		due := &web.Due{}
		for _, c := range cat.Criteria {
			switch c.Shown(a.Results[c.Number].Status) {
			case assess.NotStarted:
				due.NotStarted++
			case assess.InProgress:
				due.InProgress++
			}
		}
		due.YearEndOpens = l.Date(cat.YearEndOpens)
		p.Due = due
		if a.Exists {
			p.SubmitHref = fmt.Sprintf("/%d/wards/%s/submit", year, unit.Code)
		}
	}
	for _, c := range cat.Criteria {
		if len(p.Groups) == 0 || p.Groups[len(p.Groups)-1].Code != c.Group {
			title := c.GroupVI
			if l == web.EN {
				title = c.GroupEN
			}
			p.Groups = append(p.Groups, web.CriteriaGroup{Code: c.Group, Title: title})
		}
		res := a.Results[c.Number]
		row := web.CriterionRow{
			Number:   c.Number,
			Title:    c.TitleVI,
			Kind:     c.Kind,
			YearEnd:  c.YearEnd,
			Status:   c.Shown(res.Status),
			Note:     res.Note,
			Href:     fmt.Sprintf("/%d/wards/%s/criteria/%d", year, unit.Code, c.Number),
			Evidence: evidenceCount[c.Number],
		}
		if l == web.EN {
			row.Title = c.TitleEN
		}
		if c.Kind == assess.Measure {
			row.Threshold = web.ComparatorSign(c.Comparator) + " " + l.WithUnit(c.Threshold, c.Unit)
			if res.Value != "" {
				row.Value = l.WithUnit(res.Value, c.Unit)
			}
		}
		g := &p.Groups[len(p.Groups)-1]
		g.Criteria = append(g.Criteria, row)
	}
	return renderHTML(w, r, http.StatusOK, web.Ward(p))
}
