package export

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"modelward/internal/store"
	"modelward/web"
)

// Sheet names of the XLSX summary.
const (
	SheetSummary      = "Tổng hợp"
	SheetCriteria     = "Theo tiêu chí"
	SheetDistribution = "Phân bố"
)

// xlsxHeader is the CSV's columns in Vietnamese.
func xlsxHeader(s Summary) []any {
	h := []any{"Mã tỉnh/TP", "Tỉnh/thành phố", "Mã quận/huyện", "Quận/huyện", "Mã phường", "Phường",
		"Trạng thái", "Số tiêu chí đạt", "Tổng số tiêu chí", "Chờ đánh giá cuối năm"}
	for _, c := range s.Criteria {
		h = append(h, fmt.Sprintf("TC%02d", c.Number))
	}
	return h
}

// WriteXLSX writes the summary as a workbook with excelize's streaming
// writer: a summary sheet (the CSV's rows, numbers stored as numbers, the
// header frozen and filterable), wards × criteria in words, and the
// distribution of wards by standing. Cell values are written as strings or
// numbers, never formulas, so a name starting with "=" stays text.
func WriteXLSX(w io.Writer, s Summary) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}

	// Summary sheet.
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	_ = sw.SetColWidth(2, 2, 20)
	_ = sw.SetColWidth(4, 4, 20)
	_ = sw.SetColWidth(6, 6, 24)
	_ = sw.SetColWidth(7, 7, 14)
	header := xlsxHeader(s)
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: bold}); err != nil {
		return err
	}
	wards := 0
	distribution := make([]int, len(s.Criteria)+1)
	err = s.Each(func(ws store.WardStanding) error {
		row := []any{ws.ProvinceCode, ws.Province, ws.DistrictCode, ws.District, ws.Code, ws.Name,
			wardState(ws), ws.Standing.Met, ws.Standing.Total, ws.Standing.PendingYearEnd}
		for _, st := range ws.Statuses {
			row = append(row, string(st))
		}
		wards++
		if ws.Standing.Met >= 0 && ws.Standing.Met < len(distribution) {
			distribution[ws.Standing.Met]++
		}
		cell, _ := excelize.CoordinatesToCellName(1, wards+1)
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return err
	}
	// A table gives the header its filters; unlike a sheet autofilter it
	// is added while streaming, without reading the sheet back.
	last, _ := excelize.CoordinatesToCellName(len(header), max(wards+1, 2))
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "TongHop", StyleName: "TableStyleLight1"}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}

	// Wards × criteria, in words.
	if _, err := f.NewSheet(SheetCriteria); err != nil {
		return err
	}
	cw, err := f.NewStreamWriter(SheetCriteria)
	if err != nil {
		return err
	}
	if err := cw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: 1, TopLeftCell: "C2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	_ = cw.SetColWidth(2, 2, 24)
	h := []any{"Mã phường", "Phường"}
	for _, c := range s.Criteria {
		h = append(h, fmt.Sprintf("%d. %s", c.Number, c.TitleVI))
	}
	if err := cw.SetRow("A1", h, excelize.RowOpts{StyleID: bold}); err != nil {
		return err
	}
	// A second pass over the wards: a stream writer fills one sheet at a time.
	i := 0
	err = s.Each(func(ws store.WardStanding) error {
		row := []any{ws.Code, ws.Name}
		for _, st := range ws.Statuses {
			row = append(row, web.VI.Status(st))
		}
		i++
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		return cw.SetRow(cell, row)
	})
	if err != nil {
		return err
	}
	if err := cw.Flush(); err != nil {
		return err
	}

	// Distribution.
	if _, err := f.NewSheet(SheetDistribution); err != nil {
		return err
	}
	dw, err := f.NewStreamWriter(SheetDistribution)
	if err != nil {
		return err
	}
	if err := dw.SetRow("A1", []any{"Số tiêu chí đạt", "Số phường"}, excelize.RowOpts{StyleID: bold}); err != nil {
		return err
	}
	for met, n := range distribution {
		cell, _ := excelize.CoordinatesToCellName(1, met+2)
		if err := dw.SetRow(cell, []any{fmt.Sprintf("%d/%d", met, len(s.Criteria)), n}); err != nil {
			return err
		}
	}
	if err := dw.Flush(); err != nil {
		return err
	}
	f.SetDocProps(&excelize.DocProperties{Creator: s.GeneratedBy, Title: fmt.Sprintf("Báo cáo tổng hợp năm %d – %s", s.Year, s.UnitName)})
	_, err = f.WriteTo(w)
	return err
}
