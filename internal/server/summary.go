package server

import (
	"bytes"
	"fmt"
	"net/http"

	"modelward/internal/assess"
	"modelward/internal/export"
)

// summaryCSV exports the yearly summary of a unit's subtree as CSV, one row
// per ward, in the contract's columns.
func (s *Server) summaryCSV(w http.ResponseWriter, r *http.Request) error {
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
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, cat.Criteria, wards); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="summary-%d-%s.csv"`, year, unit.Code))
	_, err = buf.WriteTo(w)
	return err
}
