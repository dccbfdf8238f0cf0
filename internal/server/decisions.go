package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"modelward/internal/assess"
	"modelward/internal/export"
	"modelward/internal/signing"
	"modelward/internal/store"
	"modelward/web"
)

func decisionsHref(year int) string { return fmt.Sprintf("/%d/decisions", year) }

func decisionHref(year int, id int64) string { return fmt.Sprintf("/%d/decisions/%d", year, id) }

// decider is where a user decides recognitions: the Ministry at its
// level, a province's reviewers at theirs (province, at city level).
type decider struct {
	level    string
	province store.Unit
}

// deciderOf is the user's place to decide in year, nil for a user who
// decides nothing.
func (s *Server) deciderOf(r *http.Request, year int) (*decider, error) {
	u := userOf(r)
	switch u.Role {
	case assess.Ministry:
		return &decider{level: store.LevelMinistry}, nil
	case assess.Reviewer:
		path, err := s.store.UnitPathByID(r.Context(), year, u.UnitID)
		if err != nil {
			return nil, err
		}
		if len(path) > 1 && path[len(path)-1].Kind == "province" {
			return &decider{level: store.LevelCity, province: path[len(path)-1]}, nil
		}
	}
	return nil, nil
}

// decides says whether the decider decides at the decision's level and
// province.
func (dc *decider) decides(d store.Decision) bool {
	return dc != nil && dc.level == d.Level && (dc.level == store.LevelMinistry || dc.province.Code == d.ProvinceCode)
}

// decisions lists the year's decisions, and for those who decide the form
// that drafts one over the eligible wards.
func (s *Server) decisions(w http.ResponseWriter, r *http.Request) error {
	year, err := parseYear(r)
	if err != nil {
		return err
	}
	p := web.DecisionsPage{}
	p.Flash, p.FlashArgs = s.popFlash(r)
	return s.renderDecisions(w, r, http.StatusOK, year, p, store.NewDecision{Year: year}, nil, "")
}

func (s *Server) renderDecisions(w http.ResponseWriter, r *http.Request, status, year int, p web.DecisionsPage, typed store.NewDecision, errs map[string]string, items string) error {
	ctx := r.Context()
	l := langOf(r)
	years, err := s.store.Years(ctx)
	if err != nil {
		return err
	}
	p.Page = s.frame(r, l.T("dec.title", year), year, years, nil, decisionsHref)
	list, err := s.store.Decisions(ctx, year)
	if err != nil {
		return err
	}
	dc, err := s.deciderOf(r, year)
	if err != nil {
		return err
	}
	for _, d := range list {
		if d.State == "draft" && !dc.decides(d) {
			continue
		}
		p.Rows = append(p.Rows, web.DecisionRow{Href: decisionHref(year, d.ID), Number: d.Number, Date: l.Date(d.DecidedOn),
			Level: web.LevelWord(l, d.Level, d.ProvinceType), Wards: len(d.Wards), Issued: d.State == "issued", OnPaper: d.OnPaper})
	}
	if dc == nil {
		return renderHTML(w, r, status, web.DecisionList(p))
	}
	eligible, err := s.store.EligibleWards(ctx, year, dc.level, dc.province.ID)
	if err != nil {
		return err
	}
	f := &web.DraftForm{Action: decisionsHref(year), LevelWord: web.LevelWord(l, dc.level, dc.province.Type), Number: typed.Number,
		Signer: typed.Signer, SignerTitle: typed.SignerTitle, Errors: errs, ErrorItems: items}
	if !typed.DecidedOn.IsZero() {
		f.Date = typed.DecidedOn.Format("2006-01-02")
	}
	for _, c := range eligible {
		f.Wards = append(f.Wards, web.Pick{Value: c.Code, Label: c.Name, Note: c.Note, Selected: typed.Wards == nil || slices.Contains(typed.Wards, c.Code)})
	}
	p.Draft = f
	return renderHTML(w, r, status, web.DecisionList(p))
}

// draftDecision records a draft decision over the wards chosen, with its
// PDF.
func (s *Server) draftDecision(w http.ResponseWriter, r *http.Request) error {
	year, err := parseYear(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	dc, err := s.deciderOf(r, year)
	if err != nil {
		return err
	}
	if dc == nil {
		return &Error{Status: http.StatusForbidden, Key: "err.forbidden", Err: fmt.Errorf("%s may not decide", userOf(r).Username)}
	}
	f := r.PostForm
	d := store.NewDecision{Year: year, Level: dc.level, Province: dc.province.Code, Number: strings.TrimSpace(f.Get("number")),
		Signer: strings.TrimSpace(f.Get("signer")), SignerTitle: strings.TrimSpace(f.Get("signer_title"))}
	errs := map[string]string{}
	if d.Number == "" || !checkText(d.Number, 50) || strings.ContainsFunc(d.Number, func(r rune) bool { return r < ' ' }) {
		errs["number"] = "recognize.err.no"
	}
	date, ok := parseDate(f.Get("date"))
	if !ok || date.Year() < year || assess.AfterToday(date, s.now()) {
		errs["date"] = "recognize.err.date"
	}
	d.DecidedOn = date
	if d.Signer == "" || !checkText(d.Signer, 200) {
		errs["signer"] = "dec.err.signer"
	}
	if d.SignerTitle == "" || !checkText(d.SignerTitle, 200) {
		errs["signer_title"] = "dec.err.title"
	}
	d.Wards = []string{}
	for _, code := range f["wards"] {
		if code = strings.TrimSpace(code); checkText(code, 16) && code != "" && !slices.Contains(d.Wards, code) {
			d.Wards = append(d.Wards, code)
		}
	}
	if len(d.Wards) == 0 || len(d.Wards) > 2000 {
		errs["wards"] = "dec.err.wards"
	}
	if len(errs) > 0 {
		return s.renderDecisions(w, r, http.StatusBadRequest, year, web.DecisionsPage{}, d, errs, "")
	}
	id, err := s.store.CreateDecision(r.Context(), s.actor(r), d, func(dec store.Decision) ([]byte, error) {
		var b bytes.Buffer
		err := export.WriteDecision(&b, dec)
		return b.Bytes(), err
	})
	var refused *store.DecisionError
	if errors.As(err, &refused) {
		errs["wards"] = "dec.err.wards." + refused.Reason
		return s.renderDecisions(w, r, http.StatusConflict, year, web.DecisionsPage{}, d, errs, strings.Join(refused.Items, ", "))
	}
	if err != nil {
		return err
	}
	s.flash(r, "dec.flash.drafted", d.Number)
	http.Redirect(w, r, decisionHref(year, id), http.StatusSeeOther)
	return nil
}

// loadDecision reads the decision the address names ({id}, or {id}.pdf):
// anyone's once issued, a draft only for those who decide at its level.
func (s *Server) loadDecision(r *http.Request) (store.Decision, *decider, error) {
	year, err := parseYear(r)
	if err != nil {
		return store.Decision{}, nil, err
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(urlParam(r, "id"), ".pdf"), 10, 64)
	if err != nil || id <= 0 {
		return store.Decision{}, nil, errNotFound
	}
	d, err := s.store.Decision(r.Context(), year, id)
	if err != nil {
		return d, nil, err
	}
	dc, err := s.deciderOf(r, year)
	if err != nil {
		return d, nil, err
	}
	// An issued decision is a public act; a draft is its deciders' (to
	// anyone else it does not exist).
	if d.State == "draft" && !dc.decides(d) {
		return d, nil, errNotFound
	}
	return d, dc, nil
}

// decisionOrFile serves /{year}/decisions/{id} (the page) and
// /{year}/decisions/{id}.pdf (the draft, or once issued the signed file).
func (s *Server) decisionOrFile(w http.ResponseWriter, r *http.Request) error {
	d, dc, err := s.loadDecision(r)
	if err != nil {
		return err
	}
	if strings.HasSuffix(urlParam(r, "id"), ".pdf") {
		if d.OnPaper {
			return errNotFound
		}
		b, err := s.store.DecisionFile(r.Context(), d.Year, d.ID)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("quyet-dinh-%d-%d.pdf", d.Year, d.ID)
		return s.sendFile(w, r, "application/pdf", name, func(out io.Writer) error { _, err := out.Write(b); return err })
	}
	p := web.DecisionPage{}
	p.Flash, p.FlashArgs = s.popFlash(r)
	return s.renderDecision(w, r, http.StatusOK, d, dc, p)
}

func (s *Server) renderDecision(w http.ResponseWriter, r *http.Request, status int, d store.Decision, dc *decider, p web.DecisionPage) error {
	l := langOf(r)
	p.Page = s.frame(r, l.T("dec.one", d.Number), d.Year, nil, nil, nil)
	p.Number, p.Date, p.LevelWord = d.Number, l.Date(d.DecidedOn), web.LevelWord(l, d.Level, d.ProvinceType)
	p.Signer, p.SignerTitle, p.Issued, p.OnPaper, p.IssuedAt = d.Signer, d.SignerTitle, d.State == "issued", d.OnPaper, d.IssuedAt
	p.SignedBy, p.PortalSigned = d.SignedBy, d.PortalSigned
	if d.SHA256 != nil {
		p.SHA256 = fmt.Sprintf("%x", d.SHA256)
	}
	if !d.OnPaper {
		p.FileHref = decisionHref(d.Year, d.ID) + ".pdf"
	}
	for _, dw := range d.Wards {
		row := web.DecisionWardRow{Name: dw.Name, Province: dw.Province, Href: fmt.Sprintf("/%d/wards/%s", d.Year, dw.Code),
			Standing: l.T("standing.short", dw.Met, dw.Total)}
		if dw.Token != "" {
			if userOf(r).ID != 0 && dw.RevokedAt == nil {
				row.CertificateHref = fmt.Sprintf("/%d/wards/%s/certificate.pdf", d.Year, dw.Code)
			}
			row.VerifyHref = "/public/verify/" + dw.Token
		}
		if userOf(r).ID == 0 {
			row.Href = ""
		}
		if dw.RevokedAt != nil {
			row.Revoked = l.T("dec.revoked", l.Date(*dw.RevokedAt))
		}
		p.Wards = append(p.Wards, row)
	}
	if d.State == "draft" && dc.decides(d) {
		if p.Issue == nil {
			p.Issue = &web.IssueForm{}
		}
		p.Issue.Action = decisionHref(d.Year, d.ID) + "/issue"
		if s.signer != nil {
			p.PortalKey = s.signer.Name()
		}
	}
	return renderHTML(w, r, status, web.Decision(p))
}

// issueDecision issues a draft: signed by the portal's key (a form
// without a file), or as the PDF the decider signed elsewhere (multipart
// file), checked against the draft.
func (s *Server) issueDecision(w http.ResponseWriter, r *http.Request) error {
	d, dc, err := s.loadDecision(r)
	if err != nil {
		return err
	}
	if !dc.decides(d) {
		return &Error{Status: http.StatusForbidden, Key: "err.forbidden", Err: fmt.Errorf("%s may not issue decision %d", userOf(r).Username, d.ID)}
	}
	var upload []byte
	if isMultipart(r) {
		release, busy := s.takeUpload(w, r)
		if busy != nil {
			return busy
		}
		defer release()
		_, up, err := readMultipart(r)
		if err != nil {
			return err
		}
		if up.TooLarge {
			return &Error{Status: http.StatusRequestEntityTooLarge, Key: "evidence.err.toolarge"}
		}
		if len(up.Content) == 0 {
			return s.refuseIssue(w, r, d, dc, http.StatusBadRequest, "dec.err.file")
		}
		upload = up.Content
	} else if err := parseForm(r); err != nil {
		return err
	}
	if upload == nil && s.signer == nil {
		return s.refuseIssue(w, r, d, dc, http.StatusConflict, "dec.err.nokey")
	}
	now := s.now()
	err = s.store.IssueDecision(r.Context(), s.actor(r), d.Year, d.ID, func(draft []byte) (store.Issue, error) {
		if upload != nil {
			c, err := signing.Check(upload, draft)
			if err != nil {
				return store.Issue{}, err
			}
			return store.Issue{Signed: upload, SignedBy: c.Signer, On: now}, nil
		}
		signed, err := s.signer.Sign(draft, "Quyết định công nhận "+d.Number, now)
		if err != nil {
			return store.Issue{}, err
		}
		return store.Issue{Signed: signed, SignedBy: s.signer.Name(), Portal: true, On: now}, nil
	})
	switch {
	case errors.Is(err, signing.ErrNotDraft):
		return s.refuseIssue(w, r, d, dc, http.StatusBadRequest, "dec.err.notdraft")
	case errors.Is(err, signing.ErrNoSignature):
		return s.refuseIssue(w, r, d, dc, http.StatusBadRequest, "dec.err.nosignature")
	case errors.Is(err, signing.ErrBadSignature), errors.Is(err, signing.ErrNotCovered):
		return s.refuseIssue(w, r, d, dc, http.StatusBadRequest, "dec.err.badsignature")
	case errors.Is(err, store.ErrDecisionBeforeApproval):
		return s.refuseIssue(w, r, d, dc, http.StatusConflict, "recognize.err.beforeapproval")
	case errors.Is(err, store.ErrWardChanged):
		return s.refuseIssue(w, r, d, dc, http.StatusConflict, "dec.err.changed")
	case errors.Is(err, store.ErrState):
		return &Error{Status: http.StatusConflict, Key: "dec.err.issued", Err: err}
	case err != nil:
		return err
	}
	s.flash(r, "dec.flash.issued", d.Number, strconv.Itoa(len(d.Wards)))
	http.Redirect(w, r, decisionHref(d.Year, d.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) refuseIssue(w http.ResponseWriter, r *http.Request, d store.Decision, dc *decider, status int, key string) error {
	return s.renderDecision(w, r, status, d, dc, web.DecisionPage{Issue: &web.IssueForm{Error: key}})
}

// certificate writes a recognised ward's certificate: its officers their
// own, reviewers and the Ministry any in scope.
func (s *Server) certificate(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadWard(r, assess.Read)
	if err != nil {
		return err
	}
	token, err := s.store.CertificateToken(r.Context(), sc.Year, sc.Unit.Code)
	if err != nil {
		return err
	}
	if token == "" {
		return errNotFound
	}
	v, err := s.store.Verify(r.Context(), token)
	if err != nil {
		return err
	}
	c := export.Certificate{Ward: v.Ward, Province: v.Province, Year: v.Year, Level: v.Level, ProvinceType: v.ProvinceType,
		Number: v.Number, Decided: web.VI.Date(v.DecidedOn), VerifyURL: s.absolute(r, "/public/verify/"+token)}
	name := fmt.Sprintf("giay-chung-nhan-%s-%d.pdf", sc.Unit.Code, sc.Year)
	return s.sendFile(w, r, "application/pdf", name, func(out io.Writer) error { return export.WriteCertificate(out, c) })
}

// absolute is path as an address outside the portal reaches it: under
// BASE_URL, else under the address the request came to.
func (s *Server) absolute(r *http.Request, path string) string {
	if s.base != "" {
		return s.baseURL() + path
	}
	scheme := "http"
	if r.TLS != nil || s.secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// verifyRecognition is the public verification page a certificate's QR
// code opens: no sign-in, in Vietnamese.
func (s *Server) verifyRecognition(w http.ResponseWriter, r *http.Request) error {
	token := urlParam(r, "token")
	l := web.VI
	frame := s.frame(r, l.T("verify.title"), 0, nil, nil, nil)
	frame.Lang, frame.User = l, nil
	p := web.VerifyPage{Page: frame}
	v, err := s.store.Verify(r.Context(), token)
	if errors.Is(err, store.ErrNotFound) || len(token) > 64 {
		return renderHTML(w, r, http.StatusNotFound, web.Verify(p))
	}
	if err != nil {
		return err
	}
	p.Found, p.Ward, p.Province, p.Year = true, v.Ward, v.Province, v.Year
	p.LevelWord, p.Number, p.Date, p.OnPaper = web.LevelWord(l, v.Level, v.ProvinceType), v.Number, l.Date(v.DecidedOn), v.OnPaper
	if v.SHA256 != nil {
		p.SHA256 = fmt.Sprintf("%x", v.SHA256)
		p.DecisionHref = "/public/verify/" + token + "/decision.pdf"
	}
	if v.RevokedAt != nil {
		p.Revoked, p.RevokedOn, p.RevokeNo, p.RevokeReason = true, l.Date(*v.RevokedAt), v.RevokeNo, v.RevokeReason
		if v.RevokeDate != nil {
			p.RevokedOn = l.Date(*v.RevokeDate)
		}
	}
	return renderHTML(w, r, http.StatusOK, web.Verify(p))
}

// verifiedDecision is the signed decision a certificate's recognition
// stands on, for anyone who verifies it.
func (s *Server) verifiedDecision(w http.ResponseWriter, r *http.Request) error {
	v, err := s.store.Verify(r.Context(), urlParam(r, "token"))
	if err != nil {
		return err
	}
	if v.OnPaper {
		return errNotFound
	}
	b, err := s.store.DecisionFile(r.Context(), v.Year, v.DecisionID)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("quyet-dinh-%d-%d.pdf", v.Year, v.DecisionID)
	return s.sendFile(w, r, "application/pdf", name, func(out io.Writer) error { _, err := out.Write(b); return err })
}
