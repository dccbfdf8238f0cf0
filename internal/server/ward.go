package server

import (
	"fmt"
	"net/http"
	"strconv"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// ward shows a ward's assessment for a year, criterion by criterion, with
// what the signed-in user may do next.
func (s *Server) ward(w http.ResponseWriter, r *http.Request) error {
	sc, v, err := s.loadWardView(r)
	if err != nil {
		return err
	}
	if sc.Unit.Kind != "ward" {
		http.Redirect(w, r, unitHref(sc.Year, sc.Unit), http.StatusSeeOther)
		return nil
	}
	return s.renderWard(w, r, sc, v, http.StatusOK, func(p *web.WardPage) {
		p.Flash, p.FlashArgs = s.popFlash(r)
		if (p.Flash == "flash.saved" || p.Flash == "flash.saved.evidence") && len(p.FlashArgs) > 0 {
			p.SavedNumber, _ = strconv.Atoi(fmt.Sprint(p.FlashArgs[0]))
		}
	})
}

// loadWardView reads {year} and {code} with everything the ward page shows,
// in one round trip, and checks that the signed-in user may read it. The
// unit may turn out not to be a ward; the caller checks sc.Unit.Kind.
func (s *Server) loadWardView(r *http.Request) (unitScope, store.WardView, error) {
	year, err := parseYear(r)
	if err != nil {
		return unitScope{}, store.WardView{}, err
	}
	v, err := s.store.WardView(r.Context(), year, urlParam(r, "code"))
	if err != nil {
		return unitScope{}, store.WardView{}, err
	}
	if err := s.authorizeRead(r, v.Path); err != nil {
		return unitScope{}, store.WardView{}, err
	}
	return unitScope{Year: year, Catalogue: v.Catalogue, Path: v.Path, Unit: v.Path[len(v.Path)-1]}, v, nil
}

// renderWard builds the ward page from its view and writes it with status,
// after adjust.
func (s *Server) renderWard(w http.ResponseWriter, r *http.Request, sc unitScope, v store.WardView, status int, adjust func(*web.WardPage)) error {
	p, err := s.wardPage(r, sc, v)
	if err != nil {
		return err
	}
	adjust(&p)
	if p.Changed {
		changes, err := s.store.History(r.Context(), sc.Unit.Code, sc.Year, 0, 20)
		if err != nil {
			return err
		}
		p.Recent = historyRows(langOf(r), sc.Catalogue, changes)
	}
	return renderHTML(w, r, status, web.Ward(p))
}

// wardPage builds the ward page from its view.
func (s *Server) wardPage(r *http.Request, sc unitScope, v store.WardView) (web.WardPage, error) {
	years, a, evidence := v.Years, v.Assessment, v.Evidence
	l := langOf(r)
	cat := sc.Catalogue
	tiers := assess.ComputeStandings(cat.Criteria, a.Judgements())
	standing := tiers.Official()
	p := web.WardPage{
		Page: s.frame(r, sc.Unit.Name, sc.Year, years, sc.Path, func(y int) string {
			return fmt.Sprintf("/%d/wards/%s", y, sc.Unit.Code)
		}),
		Code:         sc.Unit.Code,
		Name:         sc.Unit.Name,
		State:        a.State,
		Exists:       a.Exists,
		Standing:     standing,
		Tiers:        tiers,
		SubmittedAt:  a.SubmittedAt,
		ReturnReason: a.ReturnReason,
		DecisionNo:   a.DecisionNo,
		DecisionDate: a.DecisionDate,
		YearEndOpens: cat.YearEndOpens,
		YearEndOpen:  s.yearEndOpen(cat),
		Editable:     s.canEdit(r, sc, v),
		Level:        levelOf(l, v.Level, sc.Path),
		Deadline:     s.wardDeadline(r, sc, v),
		HistoryHref:  sc.href() + "/history",
		DossierHref:  sc.href() + "/dossier.pdf",
	}
	var kept []store.Evidence // in the criteria's order: the viewer steps through them
	for _, e := range evidence {
		if e.RemovedAt == nil {
			kept = append(kept, e)
		}
	}
	p.Viewer = evidenceViewer(l, sc, cat, kept, r.URL.Query().Get("view"))
	if vis := a.Visit; vis != nil {
		p.Visit = &web.WardVisit{Dates: dateRange(l, vis.From, vis.To), Found: len(a.Findings), Total: len(cat.Criteria),
			Proposal: vis.Proposal, Note: vis.Note}
		// The sheet for those who may see the inspection: the Ministry and
		// the province's reviewers (the path's province), among whom the
		// team always is.
		if len(sc.Path) > 1 && userOf(r).Actor().CanSeeInspection(sc.Path[1].ID, false) {
			p.Visit.SheetHref = fmt.Sprintf("%s/wards/%s", inspectionHref(sc.Year, vis.Inspection), sc.Unit.Code)
			p.Visit.RecordHref = p.Visit.SheetHref + ".pdf"
		}
	}
	if p.Editable {
		due := &web.Due{}
		if !s.yearEndOpen(cat) {
			due.YearEndOpens = l.Date(cat.YearEndOpens)
		}
		for _, c := range cat.Criteria {
			switch c.Shown(a.Results[c.Number].Status) {
			case assess.NotStarted:
				due.NotStarted++
			case assess.InProgress:
				due.InProgress++
			}
		}
		p.Due = due
		if a.Exists {
			p.SubmitHref = sc.href() + "/submit"
		}
		p.ImportHref = fmt.Sprintf("/%d/units/%s/results", sc.Year, sc.Unit.Code)
	}
	// The decisions this user may take now.
	if a.State == assess.Submitted && authorize(r, assess.Review, sc.Path) == nil {
		p.Review = &web.DecisionForm{ActionURL: sc.href() + "/review", Version: a.Version, Criteria: returnCriteriaForm(l, cat, nil, nil, nil)}
		p.NotJudged = notJudged(l, cat, a)
	}
	p.Returned = returnedList(l, cat, v, sc)
	if snap := v.Snapshot; snap != nil {
		switch {
		case a.State == assess.Submitted && snap.Action == "return":
			p.SinceReturn = changesSince(l, cat, snap, a, evidence)
		case (a.State == assess.Approved || a.State == assess.Recognized) && snap.Action == "approve":
			p.SinceApproval, p.ApprovedSnap = changesSince(l, cat, snap, a, evidence), true
		}
	}
	// A recognition form only where a recognition can succeed.
	if a.State == assess.Approved && authorizeRecognise(r, v.Level, sc.Path) == nil {
		if err := assess.RecognitionBar(v.Level, a.RecognitionVisit(), standing); err != nil {
			p.RecognizeBlocked = "recognize.blocked." + recognitionRefusal(err)
		} else {
			p.Recognize = &web.DecisionForm{ActionURL: sc.href() + "/recognize", Version: a.Version}
		}
	}
	if a.State == assess.Recognized && authorizeRecognise(r, v.Level, sc.Path) == nil {
		p.Revoke = &web.DecisionForm{ActionURL: sc.href() + "/revoke", Version: a.Version}
	}
	if a.Exists && !a.State.Editable() && authorize(r, assess.Administer, sc.Path) == nil {
		p.Reopen = &web.DecisionForm{ActionURL: sc.href() + "/reopen", Version: a.Version}
	}
	rows := criterionRows(l, sc, v, p.Editable)
	for i, c := range cat.Criteria {
		if len(p.Groups) == 0 || p.Groups[len(p.Groups)-1].Code != c.Group {
			p.Groups = append(p.Groups, web.CriteriaGroup{Code: c.Group, Title: pick(l, c.GroupVI, c.GroupEN)})
		}
		row := rows[i]
		if p.Review != nil {
			row.AppraiseURL = sc.criterionHref(c.Number) + "/appraisal"
		}
		g := &p.Groups[len(p.Groups)-1]
		g.Criteria = append(g.Criteria, row)
	}
	from, to := v.Predecessors, v.Successors
	// A predecessor's history is in the years before, up to the last year
	// whose address names it (its code may name another unit since); a
	// successor's record starts in the year it came into force.
	for _, u := range from {
		y := sc.Year - 1
		if u.Year != 0 && u.Year < y {
			y = u.Year
		}
		p.From = append(p.From, web.Crumb{Name: u.Name, Href: fmt.Sprintf("/%d/wards/%s", y, u.Code)})
	}
	for _, u := range to {
		y := sc.Year
		if u.ValidFrom != nil && u.ValidFrom.Year() > y {
			y = u.ValidFrom.Year()
		}
		p.To = append(p.To, web.Crumb{Name: u.Name, Href: fmt.Sprintf("/%d/wards/%s", y, u.Code)})
	}
	for _, y := range v.Registered {
		p.RegisteredYears = append(p.RegisteredYears, web.Crumb{Name: fmt.Sprint(y), Href: fmt.Sprintf("/%d/wards/%s", y, sc.Unit.Code)})
	}
	return p, nil
}

// notJudged names the criteria of a's catalogue not yet judged met or not
// met ("13. Tỷ lệ…"), a pending year-end one included.
func notJudged(l web.Lang, cat store.Catalogue, a store.Assessment) []string {
	var out []string
	for _, c := range cat.Criteria {
		switch a.Results[c.Number].Status {
		case assess.Met, assess.NotMet:
		default:
			out = append(out, fmt.Sprintf("%d. %s", c.Number, pick(l, c.TitleVI, c.TitleEN)))
		}
	}
	return out
}

// levelOf names the level the ward of path is registered at, empty when
// it is not registered.
func levelOf(l web.Lang, level string, path []store.Unit) string {
	if level == "" || len(path) < 2 {
		return ""
	}
	return web.LevelWord(l, level, path[1].Type)
}

// criterionRows are the catalogue's criteria with the ward's claims, in
// order, as the ward page and the submit page list them: each with its
// judgement and value, note, files, comments, the reason a return gave
// and the province's appraisal. editable says the user may change the
// file now (a partial return narrows it to the criteria it named).
func criterionRows(l web.Lang, sc unitScope, v store.WardView, editable bool) []web.CriterionRow {
	a := v.Assessment
	evidenceOf := map[int][]web.EvidenceLink{}
	for _, e := range v.Evidence {
		if e.RemovedAt == nil {
			evidenceOf[e.Number] = append(evidenceOf[e.Number], web.EvidenceLink{Title: e.Title, Href: fmt.Sprintf("/evidence/%d", e.ID),
				ViewHref: fmt.Sprintf("%s?view=%d#viewer", sc.href(), e.ID)})
		}
	}
	commentCount := map[int]int{}
	for _, c := range v.Comments {
		commentCount[c.Number]++
	}
	rows := make([]web.CriterionRow, 0, len(sc.Catalogue.Criteria))
	for _, c := range sc.Catalogue.Criteria {
		res := a.Results[c.Number]
		row := web.CriterionRow{
			Number:   c.Number,
			Title:    pick(l, c.TitleVI, c.TitleEN),
			Kind:     c.Kind,
			YearEnd:  c.YearEnd,
			Status:   c.Shown(res.Status),
			Note:     res.Note,
			Href:     sc.criterionHref(c.Number),
			Evidence: evidenceOf[c.Number],
			Comments: commentCount[c.Number],
			Editable: editable && criterionOpen(v, c.Number),
		}
		if a.State == assess.Returned {
			row.ReturnReason = v.Returned[c.Number]
		}
		if ap, ok := a.Appraisals[c.Number]; ok {
			row.Appraisal = &web.RowAppraisal{Agreed: ap.Agreed, Status: c.Shown(ap.Status), Reason: ap.Reason, By: ap.By}
			if ap.Value != "" {
				row.Appraisal.Value = l.WithUnit(ap.Value, c.Unit)
			}
		}
		if f, ok := a.Findings[c.Number]; ok {
			row.Finding = &web.RowAppraisal{Status: f.Status, Reason: f.Note, By: f.By}
			if f.Value != "" {
				row.Finding.Value = l.WithUnit(f.Value, c.Unit)
			}
		}
		if c.Kind == assess.Measure {
			row.Threshold = l.Threshold(c.Comparator, c.Threshold, c.Unit)
			if res.Value != "" {
				row.Value = l.WithUnit(res.Value, c.Unit)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// evidenceViewer opens the file view (an evidence id) of the ward's kept
// evidence in the page, between the one before and the one after.
func evidenceViewer(l web.Lang, sc unitScope, cat store.Catalogue, kept []store.Evidence, view string) *web.EvidenceViewer {
	id, err := strconv.ParseInt(view, 10, 64)
	if err != nil {
		return nil
	}
	for i, e := range kept {
		if e.ID != id {
			continue
		}
		v := &web.EvidenceViewer{Title: e.Title, Number: e.Number, ImageSrc: fmt.Sprintf("/evidence/%d/preview", e.ID),
			DownloadHref: fmt.Sprintf("/evidence/%d", e.ID), CloseHref: sc.href() + "#c" + strconv.Itoa(e.Number), Position: i + 1, Count: len(kept)}
		for _, c := range cat.Criteria {
			if c.Number == e.Number {
				v.Criterion = pick(l, c.TitleVI, c.TitleEN)
			}
		}
		if i > 0 {
			v.PrevHref = fmt.Sprintf("%s?view=%d#viewer", sc.href(), kept[i-1].ID)
		}
		if i+1 < len(kept) {
			v.NextHref = fmt.Sprintf("%s?view=%d#viewer", sc.href(), kept[i+1].ID)
		}
		return v
	}
	return nil
}
