package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/export"
	"modelward/internal/store"
	"modelward/web"
)

// loadInspection reads the inspection the address names, for a user who
// may see it: the Ministry, the province's reviewers and the team.
func (s *Server) loadInspection(r *http.Request) (store.Inspection, error) {
	year, err := parseYear(r)
	if err != nil {
		return store.Inspection{}, err
	}
	id, err := strconv.ParseInt(urlParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return store.Inspection{}, errNotFound
	}
	in, err := s.store.Inspection(r.Context(), year, id)
	if err != nil {
		return in, err
	}
	u := userOf(r)
	if !u.Actor().CanSeeInspection(in.ProvinceID, in.HasMember(u.ID)) {
		return in, &Error{Status: http.StatusForbidden, Key: "err.forbidden", Err: fmt.Errorf("%s may not read inspection %d", u.Username, id)}
	}
	return in, nil
}

// inspection shows one inspection: its team, dates and wards.
func (s *Server) inspection(w http.ResponseWriter, r *http.Request) error {
	in, err := s.loadInspection(r)
	if err != nil {
		return err
	}
	l := langOf(r)
	p := web.InspectionPage{Province: in.ProvinceName, LevelWord: web.LevelWord(l, in.Level, in.ProvinceType),
		Dates: dateRange(l, in.From, in.To), Leader: in.Leader.FullName, PlannedBy: in.PlannedBy}
	// No year switch: an inspection belongs to its year.
	p.Page = s.frame(r, l.T("insp.one", in.ProvinceName), in.Year, nil, nil, nil)
	p.Flash, p.FlashArgs = s.popFlash(r)
	for _, m := range in.Members {
		p.Members = append(p.Members, m.FullName)
	}
	base := inspectionHref(in.Year, in.ID)
	for _, w := range in.Wards {
		row := web.InspectionWardRow{Code: w.Code, Name: w.Name, WardHref: fmt.Sprintf("/%d/wards/%s", in.Year, w.Code),
			SheetHref: base + "/wards/" + w.Code, RecordHref: base + "/wards/" + w.Code + ".pdf",
			Findings: w.Findings, Total: w.Total, Proposal: w.Proposal,
			Tiers: storedTiers(w.Total, w.Claimed, w.Appraised, w.Inspected)}
		if w.ConcludedAt != nil {
			row.ConcludedOn = l.Date(*w.ConcludedAt)
		}
		p.Wards = append(p.Wards, row)
	}
	return renderHTML(w, r, http.StatusOK, web.Inspection(p))
}

// visit is a ward's visit in an inspection, as the sheet, its forms and
// its record read it.
type visit struct {
	in   store.Inspection
	view store.WardView
	base string // the sheet's address
}

// loadVisit reads the inspection and the ward's file the address names;
// the ward must be in the inspection.
func (s *Server) loadVisit(r *http.Request) (visit, error) {
	in, err := s.loadInspection(r)
	if err != nil {
		return visit{}, err
	}
	code := strings.TrimSuffix(urlParam(r, "code"), ".pdf")
	v, err := s.store.WardView(r.Context(), in.Year, code)
	if err != nil {
		return visit{}, err
	}
	if v.Assessment.Visit == nil || v.Assessment.Visit.Inspection != in.ID {
		return visit{}, errNotFound
	}
	return visit{in: in, view: v, base: inspectionHref(in.Year, in.ID) + "/wards/" + code}, nil
}

// open says whether the user may still record findings on the visit.
func (v visit) open(u store.User) bool {
	a := v.view.Assessment
	return a.Visit.Proposal == "" && a.State == assess.Approved && v.in.HasMember(u.ID)
}

// sheet shows a ward's inspection sheet.
func (s *Server) sheet(w http.ResponseWriter, r *http.Request) error {
	v, err := s.loadVisit(r)
	if err != nil {
		return err
	}
	p := web.SheetPage{}
	p.Flash, p.FlashArgs = s.popFlash(r)
	return s.renderSheet(w, r, http.StatusOK, v, p)
}

// renderSheet fills p from the visit: the cards (a refused one as typed,
// already in p.Cards' place by number) and the conclusion.
func (s *Server) renderSheet(w http.ResponseWriter, r *http.Request, status int, v visit, p web.SheetPage) error {
	l := langOf(r)
	ward := v.view.Path[len(v.view.Path)-1]
	a := v.view.Assessment
	cat := v.view.Catalogue
	u := userOf(r)
	p.Page = s.frame(r, l.T("sheet.title", ward.Name), v.in.Year, nil, v.view.Path, nil)
	p.Ward, p.Code = ward.Name, ward.Code
	p.InspectionHref = inspectionHref(v.in.Year, v.in.ID)
	p.WardHref = fmt.Sprintf("/%d/wards/%s", v.in.Year, ward.Code)
	p.RecordHref = v.base + ".pdf"
	p.Dates = dateRange(l, v.in.From, v.in.To)
	p.Tiers = assess.ComputeStandings(cat.Criteria, a.Judgements())
	p.Standing = p.Tiers.Official()
	p.Open = v.open(u)
	p.Version = a.Visit.Version
	typed := map[int]*web.FindingTyped{}
	for _, c := range p.Cards {
		typed[c.Number] = c.Typed
	}
	p.Cards = nil
	yearEndOpen := s.yearEndOpen(cat)
	var missing []int
	for _, c := range cat.Criteria {
		res := a.Results[c.Number]
		card := web.FindingCard{Number: c.Number, Title: pick(l, c.TitleVI, c.TitleEN), Group: pick(l, c.GroupVI, c.GroupEN),
			Measure: c.Kind == assess.Measure, Claim: c.Shown(res.Status), Action: fmt.Sprintf("%s/criteria/%d", v.base, c.Number),
			YearEndClosed: c.YearEnd && !yearEndOpen, Typed: typed[c.Number]}
		if c.Kind == assess.Measure {
			card.Threshold = l.Threshold(c.Comparator, c.Threshold, c.Unit)
			if res.Value != "" {
				card.ClaimValue = l.WithUnit(res.Value, c.Unit)
			}
		}
		if ap, ok := a.Appraisals[c.Number]; ok {
			card.Appraisal = &web.RowAppraisal{Agreed: ap.Agreed, Status: c.Shown(ap.Status), Reason: ap.Reason, By: ap.By}
			if ap.Value != "" {
				card.Appraisal.Value = l.WithUnit(ap.Value, c.Unit)
			}
		}
		if f, ok := a.Findings[c.Number]; ok {
			card.Finding = &web.RowAppraisal{Status: f.Status, Reason: f.Note, By: f.By}
			card.FoundValue = f.Value
			if f.Value != "" {
				card.Finding.Value = l.WithUnit(f.Value, c.Unit)
			}
		} else if !card.YearEndClosed {
			missing = append(missing, c.Number)
		}
		for _, e := range v.view.VisitEvidence {
			if e.Number == c.Number && e.Inspection == v.in.ID && e.RemovedAt == nil {
				card.Photos = append(card.Photos, web.VisitPhoto{Title: e.Title, Href: fmt.Sprintf("/evidence/%d", e.ID),
					ThumbSrc: fmt.Sprintf("/evidence/%d/thumb", e.ID)})
			}
		}
		p.Cards = append(p.Cards, card)
	}
	if vis := a.Visit; vis.Proposal != "" {
		p.Concluded = &web.SheetConclusion{Proposal: vis.Proposal, Note: vis.Note}
		if vis.ConcludedAt != nil {
			p.Concluded.On = l.Date(*vis.ConcludedAt)
		}
	} else if p.Open && v.in.Leader.ID == u.ID {
		if p.Conclude == nil {
			p.Conclude = &web.ConcludeForm{}
		}
		p.Conclude.Action = v.base + "/conclude"
		p.Conclude.Missing = missing
	}
	return renderHTML(w, r, status, web.Sheet(p))
}

// saveFinding records a member's finding on one criterion of the sheet.
func (s *Server) saveFinding(w http.ResponseWriter, r *http.Request) error {
	v, err := s.loadVisit(r)
	if err != nil {
		return err
	}
	// The form is multipart when it carries a photo taken on the visit.
	fields := map[string]string{}
	var up evidenceUpload
	if isMultipart(r) {
		release, busy := s.takeUpload(w, r)
		if busy != nil {
			return busy
		}
		defer release()
		if fields, up, err = readMultipart(r, "finding", "value", "note", "version"); err != nil {
			return err
		}
	} else {
		if err := parseForm(r); err != nil {
			return err
		}
		for _, k := range []string{"finding", "value", "note", "version"} {
			fields[k] = r.PostForm.Get(k)
		}
	}
	n, err := strconv.Atoi(urlParam(r, "n"))
	if err != nil {
		return errNotFound
	}
	var c assess.Criterion
	for _, cc := range v.view.Catalogue.Criteria {
		if cc.Number == n {
			c = cc
		}
	}
	if c.Number == 0 {
		return errNotFound
	}
	if !v.in.HasMember(userOf(r).ID) {
		return &Error{Status: http.StatusForbidden, Key: "err.forbidden", Err: fmt.Errorf("%s is not in inspection %d", userOf(r).Username, v.in.ID)}
	}
	version, ok := parseVersion(fields["version"])
	if !ok {
		return &Error{Status: http.StatusBadRequest, Key: "err.form"}
	}
	typed := &web.FindingTyped{Finding: fields["finding"], Value: strings.TrimSpace(fields["value"]), Note: fields["note"]}
	refuse := func(status int, key string) error {
		typed.Error = key
		p := web.SheetPage{Cards: []web.FindingCard{{Number: n, Typed: typed}},
			Errors: []web.FieldError{{ID: fmt.Sprintf("c%d", n), Key: key}}}
		return s.renderSheet(w, r, status, v, p)
	}
	if !checkText(typed.Note, 2000) || !checkText(typed.Value, 40) {
		return refuse(http.StatusBadRequest, "sheet.err.long")
	}
	appraised := v.view.Assessment.Judgements().At(assess.TierAppraisal)[n]
	found, err := c.Find(typed.Finding, typed.Value, typed.Note, appraised, s.yearEndOpen(v.view.Catalogue))
	if err != nil {
		return refuse(http.StatusBadRequest, findingRefusal(err))
	}
	// A photo needs no title or date on site: the criterion and the day
	// (within the year) are taken.
	var photo *store.NewEvidence
	if up.Chosen {
		l := langOf(r)
		if up.Title == "" {
			up.Title = l.T("sheet.photo.title", n)
		}
		if up.Dated == "" {
			day := assess.Day(s.now())
			if last := time.Date(v.in.Year, time.December, 31, 0, 0, 0, 0, time.UTC); day.After(last) {
				day = last
			}
			up.Dated = day.Format(time.DateOnly)
		}
		e, status, errs := up.validate(v.in.Year)
		for _, field := range []string{"file", "title", "dated"} {
			if key := errs[field]; key != "" {
				return refuse(status, key)
			}
		}
		e.On = s.now()
		photo = &e
	}
	err = s.store.SaveFinding(r.Context(), s.actor(r), store.FindingChange{Inspection: v.in.ID, Ward: v.view.Path[len(v.view.Path)-1].Code,
		Year: v.in.Year, Number: n, Finding: found, Version: version}, photo)
	var stale *store.StaleError
	switch {
	case errors.As(err, &stale):
		return refuse(http.StatusConflict, "sheet.err.stale")
	case errors.Is(err, store.ErrState):
		return refuse(http.StatusConflict, "sheet.err.closed")
	case errors.Is(err, store.ErrNotMember):
		return &Error{Status: http.StatusForbidden, Key: "err.forbidden", Err: err}
	case errors.Is(err, store.ErrQuota):
		return refuse(http.StatusRequestEntityTooLarge, "evidence.err.quota")
	case err != nil:
		return err
	}
	s.flash(r, "sheet.flash.saved", strconv.Itoa(n))
	// #nosec G710 -- the sheet's own path, built from the inspection's id and the ward's code as stored
	http.Redirect(w, r, fmt.Sprintf("%s#c%d", v.base, n), http.StatusSeeOther)
	return nil
}

// findingRefusal is the message key of a finding assess refuses.
func findingRefusal(err error) string {
	switch {
	case errors.Is(err, assess.ErrFindingChoice):
		return "sheet.err.choice"
	case errors.Is(err, assess.ErrFindingNote):
		return "sheet.err.note"
	case errors.Is(err, assess.ErrFindingYearEnd):
		return "sheet.err.yearend"
	case errors.Is(err, assess.ErrMeasureNeeds):
		return "sheet.err.value"
	}
	return "sheet.err.number"
}

// concludeVisit records the leader's conclusion of a ward's visit.
func (s *Server) concludeVisit(w http.ResponseWriter, r *http.Request) error {
	v, err := s.loadVisit(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if v.in.Leader.ID != userOf(r).ID {
		return &Error{Status: http.StatusForbidden, Key: "err.forbidden", Err: fmt.Errorf("%s does not lead inspection %d", userOf(r).Username, v.in.ID)}
	}
	form := &web.ConcludeForm{Proposal: r.PostForm.Get("proposal"), Note: strings.TrimSpace(r.PostForm.Get("note"))}
	refuse := func(status int, key string) error {
		form.Error = key
		p := web.SheetPage{Conclude: form, Errors: []web.FieldError{{ID: "c-proposal", Key: key}}}
		return s.renderSheet(w, r, status, v, p)
	}
	switch {
	case form.Proposal != "recognize" && form.Proposal != "decline":
		return refuse(http.StatusBadRequest, "sheet.err.proposal")
	case !checkText(form.Note, 4000):
		return refuse(http.StatusBadRequest, "sheet.err.long")
	case form.Proposal == "decline" && form.Note == "":
		return refuse(http.StatusBadRequest, "sheet.err.decline")
	}
	ward := v.view.Path[len(v.view.Path)-1].Code
	err = s.store.ConcludeVisit(r.Context(), s.actor(r), store.Conclusion{Inspection: v.in.ID, Ward: ward, Year: v.in.Year,
		Proposal: form.Proposal, Note: form.Note}, s.yearEndOpen(v.view.Catalogue))
	var missing *store.ErrFindingsMissing
	switch {
	case errors.As(err, &missing):
		return refuse(http.StatusConflict, "sheet.err.missing")
	case errors.Is(err, store.ErrState):
		return refuse(http.StatusConflict, "sheet.err.closed")
	case err != nil:
		return err
	}
	s.flash(r, "sheet.flash.concluded")
	// #nosec G710 -- the sheet's own path, built from the inspection's id and the ward's code as stored
	http.Redirect(w, r, v.base+"#conclusion", http.StatusSeeOther)
	return nil
}

// record writes a ward's inspection record as PDF: the checklist to take
// along before the visit is concluded, the record (biên bản) after.
func (s *Server) record(w http.ResponseWriter, r *http.Request) error {
	v, err := s.loadVisit(r)
	if err != nil {
		return err
	}
	ward := v.view.Path[len(v.view.Path)-1]
	rec := export.Record{Inspection: v.in, Path: v.view.Path, Criteria: v.view.Catalogue.Criteria,
		Assessment: v.view.Assessment, GeneratedAt: s.now()}
	s.metrics.exports.WithLabelValues("record").Inc()
	name := fmt.Sprintf("bien-ban-kiem-tra-%s-%d.pdf", ward.Code, v.in.Year)
	return s.sendFile(w, r, "application/pdf", name, func(b io.Writer) error { return export.WriteRecord(b, rec) })
}

// sheetOrRecord serves …/wards/{code} (the sheet) and …/wards/{code}.pdf
// (the record) from one route: a ward's code never holds a dot.
func (s *Server) sheetOrRecord(w http.ResponseWriter, r *http.Request) error {
	if strings.HasSuffix(urlParam(r, "code"), ".pdf") {
		return s.record(w, r)
	}
	return s.sheet(w, r)
}
