package export

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/internal/words"
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
	return append(h, "Cấp đăng ký", "Số quyết định", "Ngày quyết định",
		"Tự đánh giá: số tiêu chí đạt", "Thẩm định: số tiêu chí đạt", "Kiểm tra: số tiêu chí đạt", "Kết luận kiểm tra")
}

// tierCell is a tier's criteria met, or an empty cell for a tier not reached.
func tierCell(met *int) any {
	if met == nil {
		return ""
	}
	return *met
}

// proposalWord is an inspection's conclusion in words.
func proposalWord(p string) string {
	if p == "" {
		return ""
	}
	return words.VI.T("inspection.proposal." + p)
}

// WriteXLSX writes the summary as a workbook with excelize's streaming
// writer: a summary sheet (the CSV's rows, numbers stored as numbers, the
// header frozen and filterable), wards × criteria in words, and the
// distribution of wards by standing. Cell values are written as strings or
// numbers, never formulas, so a name starting with "=" stays text.
//
// The wards are read once: the criteria sheet is filled by a second
// goroutine while the summary sheet is filled from the database rows, and
// the archive is compressed at deflate's fastest level (a national
// workbook is a few MB either way; the default level took a third of the
// time).
func WriteXLSX(w io.Writer, s Summary) (err error) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetZipWriter(fastZip)
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetCriteria); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetDistribution); err != nil {
		return err
	}
	// Printed on A4 landscape, the width fitted to one page, the header
	// repeated on every page. Set before streaming: the stream writer
	// writes the sheet's settings as they stand.
	for _, sheet := range []string{SheetSummary, SheetCriteria, SheetDistribution} {
		if err := printOnA4(f, sheet); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	cw, err := f.NewStreamWriter(SheetCriteria)
	if err != nil {
		return err
	}
	dw, err := f.NewStreamWriter(SheetDistribution)
	if err != nil {
		return err
	}

	// Summary sheet's header: each column as wide as its header or its
	// names, frozen; the header wraps.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 6, YSplit: 1, TopLeftCell: "G2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	header := xlsxHeader(s)
	for i, h := range header {
		width := float64(utf8.RuneCountInString(fmt.Sprint(h))) + 2
		switch i {
		case 1, 3:
			width = 22
		case 5:
			width = 26
		}
		if width > 30 {
			width = 16 // long headers wrap
		}
		_ = sw.SetColWidth(i+1, i+1, max(width, 6))
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: bold, Height: 45}); err != nil {
		return err
	}
	// Criteria sheet's header.
	if err := cw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: 1, TopLeftCell: "C2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	_ = cw.SetColWidth(1, 1, 11)
	_ = cw.SetColWidth(2, 2, 26)
	_ = cw.SetColWidth(3, 2+len(s.Criteria), 18)
	h := []any{"Mã phường", "Phường"}
	for _, c := range s.Criteria {
		h = append(h, fmt.Sprintf("%d. %s", c.Number, c.TitleVI))
	}
	if err := cw.SetRow("A1", h, excelize.RowOpts{StyleID: bold, Height: 90}); err != nil {
		return err
	}

	// The criteria sheet's rows, in batches, to a second goroutine. It
	// stops taking rows at its first error; done carries that error.
	const batch = 256
	pending := make(chan []store.WardStanding, 4)
	done := make(chan error, 1)
	go func() {
		var failed error
		row, i := make([]any, 0, 2+len(s.Criteria)), 1
		for wards := range pending {
			for _, ws := range wards {
				if failed != nil {
					break
				}
				row = append(row[:0], ws.Code, ws.Name)
				for _, st := range ws.Statuses {
					row = append(row, words.VI.Status(st))
				}
				i++
				cell, _ := excelize.CoordinatesToCellName(1, i)
				failed = cw.SetRow(cell, row)
			}
		}
		done <- failed
	}()

	wards := 0
	distribution := make([]int, len(s.Criteria)+1)
	buf := make([]store.WardStanding, 0, batch)
	row := make([]any, 0, 17+len(s.Criteria))
	err = s.Each(func(ws store.WardStanding) error {
		row = append(row[:0], ws.ProvinceCode, ws.Province, ws.DistrictCode, ws.District, ws.Code, ws.Name,
			stateWord(ws), ws.Standing.Met, ws.Standing.Total, ws.Standing.PendingYearEnd)
		for _, st := range ws.Statuses {
			row = append(row, words.VI.Status(st))
		}
		row = append(row, levelWord(ws.Level), ws.DecisionNo, decisionDateVI(ws),
			ws.Claimed, tierCell(ws.Appraised), tierCell(ws.Inspected), proposalWord(ws.Inspection))
		wards++
		if ws.Standing.Met >= 0 && ws.Standing.Met < len(distribution) {
			distribution[ws.Standing.Met]++
		}
		cell, _ := excelize.CoordinatesToCellName(1, wards+1)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
		if buf = append(buf, ws); len(buf) == batch {
			pending <- buf
			buf = make([]store.WardStanding, 0, batch)
		}
		return nil
	})
	if len(buf) > 0 {
		pending <- buf
	}
	close(pending)
	if criteriaErr := <-done; err == nil {
		err = criteriaErr
	}
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
	if err := cw.Flush(); err != nil {
		return err
	}

	// Distribution.
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
	if err := f.SetDocProps(&excelize.DocProperties{Creator: s.GeneratedBy, Title: fmt.Sprintf("Báo cáo tổng hợp năm %d – %s", s.Year, s.UnitName)}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// printOnA4 sets a sheet to print on A4 landscape, one page wide, with
// its first row repeated at the top of every page.
func printOnA4(f *excelize.File, sheet string) error {
	size, landscape, wide, tall, fit := 9, "landscape", 1, 0, true // 9 is A4
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$1", Scope: sheet})
}

// stateWord is the status column in words: the workflow state, or "chưa
// đánh giá" for a ward without an assessment.
func stateWord(w store.WardStanding) string {
	if w.State == "" {
		return words.VI.Status(assess.NotStarted)
	}
	return words.VI.State(w.State)
}

// levelWord names a registration level in words.
func levelWord(level string) string {
	if level == "" {
		return ""
	}
	return words.LevelWord(words.VI, level, "")
}

// decisionDateVI writes the decision's date as people write it.
func decisionDateVI(w store.WardStanding) string {
	if w.DecisionDate == nil {
		return ""
	}
	return words.VI.Date(*w.DecisionDate)
}

// fastZip is a zip writer that deflates at the fastest level.
func fastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}
