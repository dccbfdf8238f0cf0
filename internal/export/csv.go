// Package export writes the yearly summary of a unit's wards in the formats
// the Ministry exchanges: CSV now, others over the same rows.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"modelward/internal/assess"
	"modelward/internal/store"
)

// CSVHeader is the contract's column list for a catalogue of n criteria.
func CSVHeader(criteria []assess.Criterion) []string {
	h := []string{"province_code", "province", "district_code", "district", "ward_code", "ward",
		"status", "met", "total", "pending_year_end"}
	for _, c := range criteria {
		h = append(h, fmt.Sprintf("c%02d", c.Number))
	}
	return h
}

// WriteCSV writes the summary as UTF-8 CSV with a byte-order mark (so that
// spreadsheet programs read Vietnamese correctly), one row per ward. The
// status of a ward without an assessment is not_started.
func WriteCSV(w io.Writer, criteria []assess.Criterion, wards []store.WardStanding) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader(criteria)); err != nil {
		return err
	}
	for _, ws := range wards {
		if len(ws.Statuses) != len(criteria) {
			return fmt.Errorf("ward %s has %d statuses for %d criteria", ws.Code, len(ws.Statuses), len(criteria))
		}
		state := string(ws.State)
		if state == "" {
			state = string(assess.NotStarted)
		}
		rec := []string{ws.ProvinceCode, ws.Province, ws.DistrictCode, ws.District, ws.Code, ws.Name,
			state, strconv.Itoa(ws.Standing.Met), strconv.Itoa(ws.Standing.Total),
			strconv.Itoa(ws.Standing.PendingYearEnd)}
		for _, st := range ws.Statuses {
			rec = append(rec, string(st))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
