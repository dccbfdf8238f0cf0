// Package export writes the yearly summary of a unit's wards — XLSX and
// PDF over one model, read from the same query as the CSV, so every format
// has the same rows and figures — and the dossier a ward files for
// recognition.
package export

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

//go:embed fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf
var fonts embed.FS

// Summary is what every summary export writes. Wards are read one at a
// time from Each, so that memory does not grow with the number of wards.
type Summary struct {
	UnitCode    string
	UnitName    string
	Year        int
	Criteria    []assess.Criterion
	Each        func(fn func(store.WardStanding) error) error
	GeneratedBy string
	GeneratedAt time.Time
}

// Wards returns a ward source over a slice, for callers that hold one.
func Wards(list []store.WardStanding) func(fn func(store.WardStanding) error) error {
	return func(fn func(store.WardStanding) error) error {
		for _, w := range list {
			if err := fn(w); err != nil {
				return err
			}
		}
		return nil
	}
}

// CSVHeader is the contract's column list for a catalogue.
func CSVHeader(criteria []assess.Criterion) []string {
	h := []string{"province_code", "province", "district_code", "district", "ward_code", "ward",
		"status", "met", "total", "pending_year_end"}
	for _, c := range criteria {
		h = append(h, fmt.Sprintf("c%02d", c.Number))
	}
	return append(h, "level", "decision_no", "decision_date", "claimed_met", "appraised_met", "inspected_met", "inspection")
}

// WriteCSVHeader starts a summary CSV: a byte-order mark (so that
// spreadsheet programs read Vietnamese correctly) and the contract's header.
func WriteCSVHeader(w io.Writer, criteria []assess.Criterion) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader(criteria)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
