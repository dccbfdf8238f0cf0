package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

	"modelward/internal/assess"
	"modelward/internal/export"
)

// summaryFormat is one way to write the yearly summary.
type summaryFormat struct {
	contentType string
	ext         string
	write       func(io.Writer, export.Summary) error
}

var (
	summaryCSV  = summaryFormat{"text/csv; charset=utf-8", "csv", export.WriteCSV}
	summaryXLSX = summaryFormat{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", export.WriteXLSX}
	summaryPDF  = summaryFormat{"application/pdf", "pdf", export.WritePDF}
)

// summary exports the yearly summary of a unit's subtree, one row per
// ward, in the given format.
func (s *Server) summary(f summaryFormat) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
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
		if err := authorize(r, assess.Export, path); err != nil {
			return err
		}
		unit := path[len(path)-1]
		wards, err := s.store.WardStandings(ctx, year, unit.Code)
		if err != nil {
			return err
		}
		u := userOf(r)
		sum := export.Summary{UnitCode: unit.Code, UnitName: unit.Name, Year: year, Criteria: cat.Criteria,
			Wards: wards, GeneratedBy: u.FullName, GeneratedAt: s.now()}
		return sendFile(w, f.contentType, fmt.Sprintf("summary-%d-%s.%s", year, unit.Code, f.ext), func(b io.Writer) error {
			return f.write(b, sum)
		})
	}
}

// sendFile writes a download; it is built in full first, so that a failure
// half-way gives an error page rather than half a file.
func sendFile(w http.ResponseWriter, contentType, filename string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err := buf.WriteTo(w)
	return err
}

// dossier writes the ward's dossier for recognition as PDF.
func (s *Server) dossier(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadWard(r, assess.Read)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := s.store.Assessment(ctx, sc.Year, sc.Ward.Code)
	if err != nil {
		return err
	}
	evidence, err := s.store.EvidenceOf(ctx, sc.Ward.Code, sc.Year)
	if err != nil {
		return err
	}
	comments, err := s.store.Comments(ctx, sc.Ward.Code, sc.Year)
	if err != nil {
		return err
	}
	changes, err := s.store.History(ctx, sc.Ward.Code, sc.Year, 0, 10000)
	if err != nil {
		return err
	}
	d := export.Dossier{Path: sc.Path, Year: sc.Year, Criteria: sc.Catalogue.Criteria, Assessment: a,
		Evidence: evidence, Comments: comments, GeneratedBy: userOf(r).FullName, GeneratedAt: s.now()}
	for i := len(changes) - 1; i >= 0; i-- {
		if strings.HasPrefix(changes[i].Action, "assessment_") {
			d.Decisions = append(d.Decisions, changes[i])
		}
	}
	name := fmt.Sprintf("ho-so-%s-%d.pdf", sc.Ward.Code, sc.Year)
	return sendFile(w, "application/pdf", name, func(b io.Writer) error { return export.WriteDossier(b, d) })
}
