package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// importBudget is the time an import may take, reading the file and
// planning its changes; past it the file is refused as too complex (422),
// never answered as if the database had failed.
const importBudget = 20 * time.Second

// maxImportRequest bounds an import's whole body: the file and a little
// room for the other fields.
const maxImportRequest = export.MaxSheetFile + 1<<20

// imports bounds the imports read at once by one copy of the portal:
// each may hold its file and its rows (some tens of megabytes at worst).
// One more waits for a slot, up to importWait, then is asked to come back.
const (
	importsPerServer = 2
	importWait       = 30 * time.Second
)

// maxShownErrors bounds the errors listed on the page; the rest are
// counted.
const maxShownErrors = 200

// importPlan is what an import would change, per ward, and what is wrong.
type importPlan struct {
	changes []store.ResultChange
	page    web.ImportPage
}

// importWard is a ward whose rows a file may hold: its name, the state of
// its file, and what an import may change there (assess.ImportOpen).
type importWard struct {
	name     string
	state    assess.State
	open     bool
	reopened map[int]bool
}

// planImport reads the rows against the wards of the unit and the year's
// catalogue, with the criterion form's own rules. A row that changes
// nothing is never an error: the template downloaded and brought back
// unchanged plans nothing, whatever the wards' states.
func (s *Server) planImport(ctx context.Context, r *http.Request, sc unitScope, rows [][]string, wards map[string]importWard) (importPlan, error) {
	l := langOf(r)
	var plan importPlan
	if len(rows) == 0 {
		plan.page.Errors = append(plan.page.Errors, l.T("resimport.err.empty"))
		return plan, nil
	}
	col := map[int]int{}
	for want, name := range export.ResultsHeader {
		col[want] = -1
		for i, h := range rows[0] {
			if strings.TrimSpace(h) == name {
				col[want] = i
			}
		}
	}
	for _, need := range []int{export.ColWard, export.ColNumber, export.ColStatus, export.ColValue, export.ColNote, export.ColVersion, export.ColYear, export.ColUnit} {
		if col[need] < 0 {
			plan.page.Errors = append(plan.page.Errors, l.T("resimport.err.header", export.ResultsHeader[need]))
		}
	}
	if len(plan.page.Errors) > 0 {
		return plan, nil
	}
	cell := func(row []string, c int) string {
		if col[c] < len(row) {
			return strings.TrimSpace(row[col[c]])
		}
		return ""
	}
	// The file must be this year's template of this unit, on every row;
	// otherwise it is refused whole, saying whose it is.
	year := strconv.Itoa(sc.Year)
	for i, row := range rows[1:] {
		if strings.Join(row, "") == "" {
			continue
		}
		if cell(row, export.ColYear) == "" || cell(row, export.ColUnit) == "" {
			plan.page.Errors = []string{l.T("resimport.err.origin", i+2)}
			return plan, nil
		}
		if y := cell(row, export.ColYear); y != year {
			plan.page.Errors = []string{l.T("resimport.err.year", i+2, y, sc.Year)}
			return plan, nil
		}
		if u := cell(row, export.ColUnit); u != sc.Unit.Code {
			plan.page.Errors = []string{l.T("resimport.err.unit", i+2, u, sc.Unit.Code, sc.Unit.Name)}
			return plan, nil
		}
	}
	byNumber := map[int]assess.Criterion{}
	for _, c := range sc.Catalogue.Criteria {
		byNumber[c.Number] = c
	}
	codes := make([]string, 0, len(wards))
	for code := range wards {
		codes = append(codes, code)
	}
	current, err := s.store.UnitResults(ctx, sc.Year, codes)
	if err != nil {
		return plan, err
	}
	planned := map[string]*web.ImportWard{}
	var order []string
	words := map[string]assess.Status{}
	for st, w := range export.StatusWords {
		words[strings.ToLower(w)], words[string(st)] = st, st
	}
	for w, st := range export.OldStatusWords {
		words[w] = st
	}
	fieldColumn := map[string]int{"status": export.ColStatus, "value": export.ColValue, "note": export.ColNote, "version": export.ColVersion}
	type key struct {
		ward   string
		number int
	}
	seen := map[key]int{}
	for i, row := range rows[1:] {
		line := i + 2
		if strings.Join(row, "") == "" {
			continue
		}
		fail := func(c int, msg string) {
			if len(plan.page.Errors) >= maxShownErrors {
				plan.page.MoreErrors++
				return
			}
			plan.page.Errors = append(plan.page.Errors, l.T("resimport.err.at", line, export.ResultsHeader[c], msg))
		}
		code := cell(row, export.ColWard)
		ward, ok := wards[code]
		if !ok {
			fail(export.ColWard, l.T("resimport.err.ward"))
			continue
		}
		n, err := strconv.Atoi(cell(row, export.ColNumber))
		c, known := byNumber[n]
		if err != nil || !known {
			fail(export.ColNumber, l.T("resimport.err.number"))
			continue
		}
		if first, dup := seen[key{code, n}]; dup {
			fail(export.ColNumber, l.T("resimport.err.duplicate", first))
			continue
		}
		seen[key{code, n}] = line
		w := planned[code]
		if w == nil {
			w = &web.ImportWard{Code: code, Name: ward.name}
			if !ward.open {
				w.State = l.State(ward.state)
			}
			planned[code] = w
			order = append(order, code)
		}
		cur := current[code][n]
		if cur.Status == "" {
			cur.Status = assess.NotStarted
		}
		status, ok := words[strings.ToLower(cell(row, export.ColStatus))]
		if ok && status == assess.PendingYearEnd {
			// The template writes a year-end criterion not judged yet as
			// pending: read back, it changes nothing. Anywhere else it is
			// not a status one may set.
			if c.YearEnd && !cur.Status.Judged() {
				status = cur.Status
			} else {
				ok = false
			}
		}
		in := resultInput{Status: string(status), Value: cell(row, export.ColValue), Note: cell(row, export.ColNote), Version: cell(row, export.ColVersion)}
		// A row as the template wrote it changes nothing, whatever the
		// state of the ward's file.
		stays := func() {
			if ward.open {
				w.Stays++
			} else {
				w.Locked++
			}
		}
		if ok && status == cur.Status && in.Value == web.VI.Decimal(cur.Value) && in.Note == cur.Note {
			stays()
			continue
		}
		if !ok && c.Kind != assess.Measure {
			fail(export.ColStatus, l.T("resimport.err.status"))
			continue
		}
		if c.Kind == assess.Measure && in.Value != "" {
			in.Status = string(assess.InProgress) // a measure's status comes from its value
		}
		ch, errs := in.validate(c, s.yearEndOpen(sc.Catalogue))
		if len(errs) > 0 {
			for _, f := range []string{"status", "value", "note", "version"} {
				if key, bad := errs[f]; bad {
					fail(fieldColumn[f], l.T(key))
				}
			}
			continue
		}
		if cur.Status == ch.Status && cur.Value == ch.Value && cur.Note == ch.Note {
			stays()
			continue
		}
		switch {
		case !ward.open:
			fail(export.ColStatus, l.T("resimport.err.locked", l.State(ward.state)))
			continue
		case ward.reopened != nil && !ward.reopened[n]:
			fail(export.ColStatus, l.T("resimport.err.notreturned"))
			continue
		}
		ch.Year, ch.Ward, ch.Number, ch.On = sc.Year, code, n, s.now()
		old := resultText(l, c, cur.Status, cur.Value, cur.Note)
		proposed := resultText(l, c, ch.Status, ch.Value, ch.Note)
		if cur.Version != ch.Version {
			w.Conflicts = append(w.Conflicts, web.ImportChange{Number: n, Line: line, Old: old, New: proposed})
			continue
		}
		w.Changes = append(w.Changes, web.ImportChange{Number: n, Line: line, Old: old, New: proposed})
		plan.changes = append(plan.changes, ch)
	}
	for _, code := range order {
		plan.page.Wards = append(plan.page.Wards, *planned[code])
	}
	return plan, nil
}

// resultText is a result in words, for the plan.
func resultText(l web.Lang, c assess.Criterion, st assess.Status, value, note string) string {
	t := l.Status(c.Shown(st))
	if value != "" {
		t += " · " + l.WithUnit(value, c.Unit)
	}
	if note != "" {
		t += " · " + note
	}
	return t
}

// importWards are the registered wards of the unit whose rows a file may
// hold, by code, each with what the import may change there: the import
// right and the wards' openness are the access policy's (assess.Import,
// assess.ImportOpen), the same for an officer and a reviewer.
func (s *Server) importWards(ctx context.Context, r *http.Request, sc unitScope) (map[string]importWard, error) {
	if err := authorize(r, assess.Import, sc.Path); err != nil {
		return nil, err
	}
	standings, err := s.store.WardStandings(ctx, sc.Year, sc.Unit.Code)
	if err != nil {
		return nil, err
	}
	var returned []string
	for _, w := range standings {
		if w.State == assess.Returned {
			returned = append(returned, w.Code)
		}
	}
	criteria, err := s.store.ReturnedCriteria(ctx, sc.Year, returned)
	if err != nil {
		return nil, err
	}
	wards := map[string]importWard{}
	for _, w := range standings {
		open, reopened := assess.ImportOpen(w.State, criteria[w.Code])
		wards[w.Code] = importWard{name: w.Name, state: w.State, open: open, reopened: reopened}
	}
	return wards, nil
}

func (s *Server) resultsHref(sc unitScope) string {
	return fmt.Sprintf("/%d/units/%s/results", sc.Year, sc.Unit.Code)
}

// resultsPage is the page of the spreadsheet round trip: the template to
// download, the form to bring it back.
func (s *Server) resultsPage(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadUnit(r, assess.Read)
	if err != nil {
		return err
	}
	if _, err := s.importWards(r.Context(), r, sc); err != nil {
		return err
	}
	return s.renderImport(w, r, sc, http.StatusOK, web.ImportPage{})
}

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, sc unitScope, status int, p web.ImportPage) error {
	l := langOf(r)
	p.Page = s.frame(r, l.T("resimport.title")+" · "+sc.Unit.Name, sc.Year, nil, sc.Path, nil)
	base := s.resultsHref(sc)
	p.UnitName, p.XLSXHref, p.CSVHref, p.ActionURL = sc.Unit.Name, base+".xlsx", base+".csv", base+"/import"
	return renderHTML(w, r, status, web.Import(p))
}

// resultsTemplate writes the unit's registered wards' results as the
// spreadsheet to fill in, XLSX or CSV.
func (s *Server) resultsTemplate(ext string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		sc, err := s.loadUnit(r, assess.Read)
		if err != nil {
			return err
		}
		wards, err := s.store.WardStandings(r.Context(), sc.Year, sc.Unit.Code)
		if err != nil {
			return err
		}
		codes := make([]string, len(wards))
		for i, ws := range wards {
			codes[i] = ws.Code
		}
		results, err := s.store.UnitResults(r.Context(), sc.Year, codes)
		if err != nil {
			return err
		}
		sheet := export.Results{Year: sc.Year, Unit: sc.Unit.Code, Criteria: sc.Catalogue.Criteria}
		for _, ws := range wards {
			sheet.Wards = append(sheet.Wards, export.ResultsWard{Code: ws.Code, Name: ws.Name, Results: results[ws.Code]})
		}
		if err := s.auditExport(r, fmt.Sprintf("%d/%s/results.%s", sc.Year, sc.Unit.Code, ext)); err != nil {
			return err
		}
		name := fmt.Sprintf("ket-qua-%d-%s.%s", sc.Year, sc.Unit.Code, ext)
		if ext == "csv" {
			return s.sendFile(w, r, "text/csv; charset=utf-8", name, func(out io.Writer) error { return export.WriteResultsCSV(out, sheet) })
		}
		return s.sendFile(w, r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, func(out io.Writer) error {
			return export.WriteResultsXLSX(out, sheet)
		})
	}
}

// importResults reads a spreadsheet back: with dry_run=1 it shows the
// plan only; otherwise, when the plan has no error and no conflict, it
// makes every change in one transaction and shows what it did.
func (s *Server) importResults(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadUnit(r, assess.Read)
	if err != nil {
		return err
	}
	wards, err := s.importWards(r.Context(), r, sc)
	if err != nil {
		return err
	}
	select {
	case s.imports <- struct{}{}:
		defer func() { <-s.imports }()
	case <-time.After(importWait):
		w.Header().Set("Retry-After", "30")
		return &Error{Status: http.StatusTooManyRequests, Key: "resimport.err.busy"}
	case <-r.Context().Done():
		return r.Context().Err()
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil { // #nosec G120 -- the route bounds the body (routes.go)
		return bodyError(err)
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		return s.renderImport(w, r, sc, http.StatusBadRequest, web.ImportPage{Errors: []string{langOf(r).T("resimport.err.nofile")}})
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, export.MaxSheetFile+1))
	if err != nil {
		return err
	}
	l := langOf(r)
	if len(b) > export.MaxSheetFile {
		return s.renderImport(w, r, sc, http.StatusRequestEntityTooLarge, web.ImportPage{Errors: []string{l.T("resimport.err.size")}})
	}
	sum := sha256.Sum256(b)
	ctx, cancel := context.WithTimeout(r.Context(), importBudget)
	defer cancel()
	refuse := func(status int, key string, args ...any) error {
		return s.renderImport(w, r, sc, status, web.ImportPage{Errors: []string{l.T(key, args...)}, FileName: header.Filename})
	}
	rows, err := export.ReadSheet(ctx, b)
	var fe *export.SheetError
	switch {
	case errors.As(err, &fe) && fe.Key == "resimport.err.budget":
		return refuse(http.StatusUnprocessableEntity, fe.Key, int(importBudget.Seconds()))
	case errors.As(err, &fe):
		return refuse(http.StatusBadRequest, fe.Key, fe.Args...)
	case err != nil:
		return err
	}
	b = nil // the rows are all that is needed now
	plan, err := s.planImport(ctx, r, sc, rows, wards)
	if err != nil && ctx.Err() != nil && r.Context().Err() == nil {
		return refuse(http.StatusUnprocessableEntity, "resimport.err.budget", int(importBudget.Seconds()))
	}
	if err != nil {
		return err
	}
	p := plan.page
	p.FileName, p.SHA256, p.DryRun = header.Filename, hex.EncodeToString(sum[:]), r.PostForm.Get("dry_run") == "1"
	conflicts := 0
	for _, w := range p.Wards {
		conflicts += len(w.Conflicts)
	}
	switch {
	case len(p.Errors) > 0:
		return s.renderImport(w, r, sc, http.StatusBadRequest, p)
	case conflicts > 0 && !p.DryRun:
		return s.renderImport(w, r, sc, http.StatusConflict, p)
	case p.DryRun || len(plan.changes) == 0:
		return s.renderImport(w, r, sc, http.StatusOK, p)
	}
	err = s.store.ImportResults(r.Context(), s.actor(r), plan.changes, p.SHA256, header.Filename)
	var ie *store.ImportError
	if errors.As(err, &ie) {
		ch := plan.changes[ie.Index]
		_, key := classify(ie.Err)
		p.Errors = []string{l.T("resimport.err.apply", ch.Ward, ch.Number, l.T(key))}
		status, _ := classify(ie.Err)
		return s.renderImport(w, r, sc, status, p)
	}
	if err != nil {
		return err
	}
	p.Applied = len(plan.changes)
	return s.renderImport(w, r, sc, http.StatusOK, p)
}
