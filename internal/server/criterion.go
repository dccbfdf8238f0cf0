package server

import (
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// criterionPage shows one criterion of a ward's assessment, with its form
// for the ward's officer, its evidence and its history.
func (s *Server) criterionPage(w http.ResponseWriter, r *http.Request) error {
	sc, c, err := s.loadCriterion(r, assess.Read)
	if err != nil {
		return err
	}
	p, err := s.criterionView(r, sc, c)
	if err != nil {
		return err
	}
	p.Flash, p.FlashArgs = s.popFlash(r)
	return renderHTML(w, r, http.StatusOK, web.Criterion(p))
}

// criterionView builds the page of criterion c as stored, with a form that
// starts from the stored result.
func (s *Server) criterionView(r *http.Request, sc unitScope, c assess.Criterion) (web.CriterionPage, error) {
	ctx := r.Context()
	// The assessment, its evidence and its comments in one round trip.
	v, err := s.store.WardView(ctx, sc.Year, sc.Unit.Code)
	if err != nil {
		return web.CriterionPage{}, err
	}
	a := v.Assessment
	l := langOf(r)
	res := a.Results[c.Number]
	p := web.CriterionPage{
		Page:      s.frame(r, l.T("crit.heading", c.Number)+" · "+sc.Unit.Name, sc.Year, nil, sc.Path, nil),
		WardName:  sc.Unit.Name,
		WardHref:  sc.href(),
		ActionURL: sc.criterionHref(c.Number),
		Number:    c.Number,
		Title:     pick(l, c.TitleVI, c.TitleEN),
		Group:     l.T("group", c.Group, pick(l, c.GroupVI, c.GroupEN)),
		Kind:      c.Kind,
		YearEnd:   c.YearEnd,
		Current:   resultView(l, c, res),
		Editable:  s.canEdit(r, sc, v) && criterionOpen(v, c.Number),
		Accepted:  s.canEdit(r, sc, v) && !criterionOpen(v, c.Number),
		Form:      web.ResultForm{Status: string(res.Status), Value: l.Decimal(res.Value), Note: res.Note, Version: res.Version},
	}
	if p.Form.Status == "" {
		p.Form.Status = string(assess.NotStarted)
	}
	p.PrevHref, p.NextHref, p.NextNumber = neighbours(sc, v, c.Number)
	if a.State == assess.Returned && criterionOpen(v, c.Number) {
		p.Returned = &web.ReturnNotice{On: a.ReviewedAt, Reason: v.Returned[c.Number], FileReason: a.ReturnReason}
	}
	if c.YearEnd && !s.yearEndOpen(sc.Catalogue) {
		p.YearEndOpens = &sc.Catalogue.YearEndOpens
	}
	if c.Kind == assess.Measure {
		p.Threshold = l.Threshold(c.Comparator, c.Threshold, c.Unit)
		p.Unit = l.Unit(c.Unit)
		p.ScaleHint = l.T("scale." + string(c.Scale))
	}
	for _, e := range v.Evidence {
		if e.Number == c.Number {
			p.Evidence = append(p.Evidence, evidenceRow(l, sc, e, userOf(r).Role == assess.Admin))
		}
	}
	for _, cm := range v.Comments {
		if cm.Number == c.Number {
			p.Comments = append(p.Comments, web.CommentRow{Author: cm.Author, Role: l.T("role." + string(cm.Role)), Body: cm.Body, At: cm.At})
		}
	}
	if a.Exists && authorize(r, assess.Comment, sc.Path) == nil {
		p.CommentURL = sc.criterionHref(c.Number) + "/comments"
	}
	changes, err := s.store.History(ctx, sc.Unit.Code, sc.Year, c.Number, 100)
	if err != nil {
		return web.CriterionPage{}, err
	}
	p.History = historyRows(l, sc.Catalogue, changes)
	return p, nil
}

// neighbours are the criteria before and after number n in the catalogue,
// among those the ward may change (all, unless a return names some), and
// the next one's number.
func neighbours(sc unitScope, v store.WardView, n int) (prev, next string, nextNumber int) {
	var open []int
	for _, c := range sc.Catalogue.Criteria {
		if criterionOpen(v, c.Number) || c.Number == n {
			open = append(open, c.Number)
		}
	}
	i := slices.Index(open, n)
	if i > 0 {
		prev = sc.criterionHref(open[i-1])
	}
	if i >= 0 && i+1 < len(open) {
		nextNumber = open[i+1]
		next = sc.criterionHref(nextNumber)
	}
	return prev, next, nextNumber
}

func pick(l web.Lang, vi, en string) string {
	if l == web.EN {
		return en
	}
	return vi
}

// canEdit reports whether the user may record in the ward's assessment
// now: their ward, registered for the year, the assessment open, and its
// deadline (or extension) not passed.
func (s *Server) canEdit(r *http.Request, sc unitScope, v store.WardView) bool {
	a := v.Assessment
	return v.Level != "" && authorize(r, assess.Edit, sc.Path) == nil && (!a.Exists || a.State.Editable()) && s.openToWard(v)
}

func resultView(l web.Lang, c assess.Criterion, res store.Result) web.ResultView {
	v := web.ResultView{Status: c.Shown(res.Status), Note: res.Note, Version: res.Version, UpdatedBy: res.UpdatedBy}
	if res.Value != "" {
		v.Value = l.WithUnit(res.Value, c.Unit)
	}
	if res.Version > 0 {
		at := res.UpdatedAt
		v.UpdatedAt = &at
	}
	return v
}

// evidenceRow is a file as the criterion page lists it; its SHA-256 only
// for admins (officers read "PDF, 17 KB"; the dossier carries the hash).
func evidenceRow(l web.Lang, sc unitScope, e store.Evidence, withHash bool) web.EvidenceRow {
	row := web.EvidenceRow{
		ID: e.ID, Href: fmt.Sprintf("/evidence/%d", e.ID),
		RemoveURL: fmt.Sprintf("%s/evidence/%d/remove", sc.href(), e.ID),
		Title:     e.Title, Dated: e.Dated, Type: fileType(e.ContentType),
		Size:       l.Size(e.Size),
		UploadedBy: e.UploadedBy, UploadedAt: e.UploadedAt, RemovedBy: e.RemovedBy, RemovedAt: e.RemovedAt,
		ThumbSrc: fmt.Sprintf("/evidence/%d/thumb", e.ID), PreviewHref: fmt.Sprintf("/evidence/%d/preview", e.ID), Pages: e.Pages,
		DocTitle: e.DocTitle, Sheets: e.Sheets,
	}
	if withHash {
		row.SHA256 = hex.EncodeToString(e.SHA256)
	}
	if e.RemovedAt == nil {
		// The thumbnail opens the ward page's viewer, with the files before
		// and after and a way back, not a bare picture.
		row.PreviewHref = fmt.Sprintf("%s?view=%d#viewer", sc.href(), e.ID)
	}
	return row
}

// resultInput is the result form as typed.
type resultInput struct {
	Status  string
	Value   string
	Note    string
	Version string
	// Then is "next" to go on to the next criterion once saved.
	Then string
}

func parseResult(r *http.Request) (resultInput, error) {
	if err := parseForm(r); err != nil {
		return resultInput{}, err
	}
	f := r.PostForm
	return resultInput{Status: f.Get("status"), Value: strings.TrimSpace(f.Get("value")), Note: f.Get("note"), Version: f.Get("version"), Then: f.Get("then")}, nil
}

// validate judges the input against the criterion; errors are message keys
// by field.
func (in resultInput) validate(c assess.Criterion, yearEndOpen bool) (store.ResultChange, map[string]string) {
	errs := map[string]string{}
	ch := store.ResultChange{Number: c.Number, Note: in.Note}
	v, err := strconv.Atoi(in.Version)
	if err != nil || v < 0 {
		errs["version"] = "crit.err.version"
	}
	ch.Version = v
	if !checkText(in.Note, 4000) {
		errs["note"] = "crit.err.note"
	}
	status, value, err := c.Judge(assess.Status(in.Status), in.Value, yearEndOpen)
	switch {
	case errors.Is(err, assess.ErrStatus):
		errs["status"] = "crit.err.status"
	case errors.Is(err, assess.ErrYearEndClosed):
		errs["status"] = "crit.err.yearend"
	case errors.Is(err, assess.ErrMeasureNeeds):
		errs["value"] = "crit.err.measure"
	case errors.Is(err, assess.ErrValueShare):
		errs["value"] = "val.err.share"
	case errors.Is(err, assess.ErrValueCount) || err != nil && c.Scale == assess.Count:
		errs["value"] = "val.err.count"
	case errors.Is(err, assess.ErrValueTooLong):
		errs["value"] = "val.err.long"
	case err != nil:
		errs["value"] = "val.err.number"
	}
	ch.Status, ch.Value = status, value
	return ch, errs
}

// saveCriterion records a criterion's result, and a file with it when the
// form carries one, in one transaction: post, then redirect to the ward
// page with a message. A bad form or a stale version shows the form again
// with what was typed (all but the file, which a browser cannot be given
// back). The form is multipart from the page; url-encoded, without a
// file, from other clients.
func (s *Server) saveCriterion(w http.ResponseWriter, r *http.Request) error {
	sc, c, err := s.loadCriterion(r, assess.Edit)
	if err != nil {
		return err
	}
	var in resultInput
	var up evidenceUpload
	if isMultipart(r) {
		release, busy := s.takeUpload(w, r)
		if busy != nil {
			return busy
		}
		defer release()
		in, up, err = parseResultWithFile(r)
	} else {
		in, err = parseResult(r)
	}
	if err != nil {
		return err
	}
	ch, errs := in.validate(c, s.yearEndOpen(sc.Catalogue))
	ch.On = s.now()
	status := http.StatusBadRequest
	// A title or date typed without a file is a file forgotten.
	withFile := up.Chosen || up.Title != "" || up.Dated != ""
	var e store.NewEvidence
	if withFile {
		var fileStatus int
		var fileErrs map[string]string
		e, fileStatus, fileErrs = up.validate(sc.Year)
		for k, v := range fileErrs {
			errs[k] = v
		}
		if len(fileErrs) > 0 && fileStatus != http.StatusBadRequest {
			status = fileStatus
		}
	}
	l := langOf(r)
	typed := web.ResultForm{Status: in.Status, Value: in.Value, Note: in.Note, Version: ch.Version, Errors: errs}
	keepTyped := func(p *web.CriterionPage) {
		p.Form = typed
		p.Upload = web.UploadForm{Title: up.Title, Dated: up.Dated}
	}
	if len(errs) > 0 {
		return s.rerenderCriterion(w, r, sc, c, status, func(p *web.CriterionPage) {
			typed.Version = p.Form.Version
			keepTyped(p)
		})
	}
	ch.Year, ch.Ward = sc.Year, sc.Unit.Code
	var saved store.Result
	if withFile {
		e.Year, e.Ward, e.Number, e.On = sc.Year, sc.Unit.Code, c.Number, ch.On
		saved, err = s.store.SaveResultWithEvidence(r.Context(), s.actor(r), ch, e)
	} else {
		saved, err = s.store.SaveResult(r.Context(), s.actor(r), ch)
	}
	var stale *store.StaleError
	if errors.As(err, &stale) {
		// Show what is stored now beside what was typed; the form now
		// carries the current version, so saving again is a deliberate act.
		return s.rerenderCriterion(w, r, sc, c, http.StatusConflict, func(p *web.CriterionPage) {
			theirs := p.Current
			p.Stale = &theirs
			typed.Version = stale.Current.Version
			typed.Errors = nil
			keepTyped(p)
		})
	}
	if errors.Is(err, store.ErrQuota) {
		return s.rerenderCriterion(w, r, sc, c, http.StatusRequestEntityTooLarge, func(p *web.CriterionPage) {
			typed.Version = p.Form.Version
			typed.Errors = map[string]string{"file": "evidence.err.quota"}
			keepTyped(p)
		})
	}
	if err != nil {
		return err
	}
	if withFile {
		s.flash(r, "flash.saved.evidence", strconv.Itoa(c.Number), l.Status(c.Shown(saved.Status)), e.Title)
	} else {
		s.flash(r, "flash.saved", strconv.Itoa(c.Number), l.Status(c.Shown(saved.Status)))
	}
	to := fmt.Sprintf("%s#c%d", sc.href(), c.Number)
	if in.Then == "next" {
		// "Save and go to the next criterion": twenty criteria without
		// going back to the ward page each time.
		v, err := s.store.WardView(r.Context(), sc.Year, sc.Unit.Code)
		if err != nil {
			return err
		}
		if _, next, _ := neighbours(sc, v, c.Number); next != "" {
			to = next
		}
	}
	http.Redirect(w, r, to, http.StatusSeeOther) // #nosec G710 -- the ward's own paths, built from its code as stored, never from the request
	return nil
}

// isMultipart says whether r's body is a multipart form.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// parseResultWithFile reads the criterion's form as the page sends it:
// its fields and, maybe, a file with its title and date.
func parseResultWithFile(r *http.Request) (resultInput, evidenceUpload, error) {
	f, up, err := readMultipart(r, "status", "value", "note", "version", "then")
	if err != nil {
		return resultInput{}, up, err
	}
	return resultInput{Status: f["status"], Value: strings.TrimSpace(f["value"]), Note: f["note"], Version: f["version"], Then: f["then"]}, up, nil
}

// rerenderCriterion shows the criterion page again with status, after
// adjust has put in what the user typed.
func (s *Server) rerenderCriterion(w http.ResponseWriter, r *http.Request, sc unitScope, c assess.Criterion, status int, adjust func(*web.CriterionPage)) error {
	p, err := s.criterionView(r, sc, c)
	if err != nil {
		return err
	}
	if !p.Editable {
		return &Error{Status: http.StatusConflict, Key: "err.state"}
	}
	adjust(&p)
	return renderHTML(w, r, status, web.Criterion(p))
}
