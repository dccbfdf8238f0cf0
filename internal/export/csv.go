// Package export writes the yearly summary of a unit's wards — CSV, XLSX
// and PDF over one model, so every format has the same rows and figures —
// and the dossier a ward files for recognition.
package export

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

//go:embed fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf
var fonts embed.FS

// Summary is what every summary export writes.
type Summary struct {
	UnitCode    string
	UnitName    string
	Year        int
	Criteria    []assess.Criterion
	Wards       []store.WardStanding
	GeneratedBy string
	GeneratedAt time.Time
}

// CSVHeader is the contract's column list for a catalogue.
func CSVHeader(criteria []assess.Criterion) []string {
	h := []string{"province_code", "province", "district_code", "district", "ward_code", "ward",
		"status", "met", "total", "pending_year_end"}
	for _, c := range criteria {
		h = append(h, fmt.Sprintf("c%02d", c.Number))
	}
	return h
}

// wardState is the status column: the workflow state, or not_started for a
// ward without an assessment.
func wardState(w store.WardStanding) string {
	if w.State == "" {
		return string(assess.NotStarted)
	}
	return string(w.State)
}

// record is a ward's row in the contract's columns.
func record(w store.WardStanding) []string {
	rec := []string{w.ProvinceCode, w.Province, w.DistrictCode, w.District, w.Code, w.Name,
		wardState(w), strconv.Itoa(w.Standing.Met), strconv.Itoa(w.Standing.Total),
		strconv.Itoa(w.Standing.PendingYearEnd)}
	for _, st := range w.Statuses {
		rec = append(rec, string(st))
	}
	return rec
}

// WriteCSV writes the summary as UTF-8 CSV with a byte-order mark (so that
// spreadsheet programs read Vietnamese correctly), one row per ward.
func WriteCSV(w io.Writer, s Summary) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader(s.Criteria)); err != nil {
		return err
	}
	for _, ws := range s.Wards {
		if len(ws.Statuses) != len(s.Criteria) {
			return fmt.Errorf("ward %s has %d statuses for %d criteria", ws.Code, len(ws.Statuses), len(s.Criteria))
		}
		if err := cw.Write(record(ws)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Distribution counts wards at each standing, from 0 to the catalogue's size.
func (s Summary) Distribution() []int {
	counts := make([]int, len(s.Criteria)+1)
	for _, w := range s.Wards {
		if w.Standing.Met >= 0 && w.Standing.Met < len(counts) {
			counts[w.Standing.Met]++
		}
	}
	return counts
}
