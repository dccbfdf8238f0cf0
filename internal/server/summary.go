package server

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"modelward/internal/assess"
	"modelward/internal/export"
	"modelward/internal/store"
)

// summaryFormat is one way to write the yearly summary.
type summaryFormat struct {
	contentType string
	ext         string
	write       func(io.Writer, export.Summary) error
}

var (
	summaryXLSX = summaryFormat{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", export.WriteXLSX}
	summaryPDF  = summaryFormat{"application/pdf", "pdf", export.WritePDF}
)

// summaryCSV exports the yearly summary as CSV: the contract's header, then
// the rows as PostgreSQL's COPY writes them.
func (s *Server) summaryCSV(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadUnit(r, assess.Export)
	if err != nil {
		return err
	}
	s.metrics.exports.WithLabelValues("csv").Inc()
	if err := s.auditExport(r, fmt.Sprintf("%d/%s.csv", sc.Year, sc.Unit.Code)); err != nil {
		return err
	}
	name := fmt.Sprintf("bao-cao-tong-hop-%d-%s.csv", sc.Year, sc.Unit.Code)
	return s.sendFile(w, r, "text/csv; charset=utf-8", name, func(out io.Writer) error {
		if err := export.WriteCSVHeader(out, sc.Catalogue.Criteria); err != nil {
			return err
		}
		return s.store.CopySummaryCSV(r.Context(), sc.Year, sc.Unit.Code, len(sc.Catalogue.Criteria), out)
	})
}

// summary exports the yearly summary of a unit's subtree, one row per
// ward, in the given format.
func (s *Server) summary(f summaryFormat) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		sc, err := s.loadUnit(r, assess.Export)
		if err != nil {
			return err
		}
		year, cat, unit := sc.Year, sc.Catalogue, sc.Unit
		s.metrics.exports.WithLabelValues(f.ext).Inc()
		if err := s.auditExport(r, fmt.Sprintf("%d/%s.%s", year, unit.Code, f.ext)); err != nil {
			return err
		}
		sum := export.Summary{UnitCode: unit.Code, UnitName: unit.Name, Year: year, Criteria: cat.Criteria,
			Each: func(fn func(store.WardStanding) error) error {
				return s.store.EachWardStanding(ctx, year, unit.Code, fn)
			},
			GeneratedBy: userOf(r).FullName, GeneratedAt: s.now()}
		return s.sendFile(w, r, f.contentType, fmt.Sprintf("bao-cao-tong-hop-%d-%s.%s", year, unit.Code, f.ext), func(b io.Writer) error {
			return f.write(b, sum)
		})
	}
}

// download is a response written as it is made: the first bytes are held
// until there are enough of them, so that a failure right away (say, the
// database is down) still gets a proper error page.
type download struct {
	w           http.ResponseWriter
	contentType string
	filename    string
	held        bytes.Buffer
	started     bool
}

const downloadHold = 64 << 10

func (d *download) Write(p []byte) (int, error) {
	if d.started {
		return d.w.Write(p)
	}
	d.held.Write(p)
	if d.held.Len() >= downloadHold {
		if err := d.start(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (d *download) start() error {
	h := d.w.Header()
	h.Set("Content-Type", d.contentType)
	if d.filename != "" {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.filename}))
	}
	h.Set("Cache-Control", "private, no-store")
	d.started = true
	_, err := d.held.WriteTo(d.w)
	return err
}

// sendFile streams a download made by write. A failure before anything was
// sent becomes an error page; one after it cuts the connection, so that no
// one takes a truncated file for a whole one.
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, contentType, filename string, write func(io.Writer) error) error {
	d := &download{w: w, contentType: contentType, filename: filename}
	if err := write(d); err != nil {
		if !d.started {
			return err
		}
		s.log.ErrorContext(r.Context(), "download failed half-way", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
	if !d.started {
		return d.start()
	}
	return nil
}

// dossier writes the ward's dossier for recognition as PDF.
func (s *Server) dossier(w http.ResponseWriter, r *http.Request) error {
	sc, v, err := s.loadWardView(r)
	if err != nil {
		return err
	}
	if sc.Unit.Kind != "ward" {
		return errNotFound
	}
	changes, err := s.store.History(r.Context(), sc.Unit.Code, sc.Year, 0, 10000)
	if err != nil {
		return err
	}
	d := export.Dossier{Path: sc.Path, Year: sc.Year, Criteria: sc.Catalogue.Criteria, Assessment: v.Assessment,
		Evidence: v.Evidence, Comments: v.Comments, GeneratedBy: userOf(r).FullName, GeneratedAt: s.now()}
	for i := len(changes) - 1; i >= 0; i-- {
		if strings.HasPrefix(changes[i].Action, "assessment_") {
			d.Decisions = append(d.Decisions, changes[i])
		}
	}
	s.metrics.exports.WithLabelValues("dossier").Inc()
	if err := s.auditExport(r, fmt.Sprintf("%d/%s/dossier.pdf", sc.Year, sc.Unit.Code)); err != nil {
		return err
	}
	name := fmt.Sprintf("ho-so-%s-%d.pdf", sc.Unit.Code, sc.Year)
	return s.sendFile(w, r, "application/pdf", name, func(b io.Writer) error { return export.WriteDossier(b, d) })
}

// auditExport records who exported what, from where: exports carry
// personal data (the personal-data law asks who accessed it).
func (s *Server) auditExport(r *http.Request, what string) error {
	return s.store.RecordRead(r.Context(), s.actor(r), "export", "summary", what)
}
