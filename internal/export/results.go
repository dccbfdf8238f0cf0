package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/internal/words"
)

// The results template: one row per registered ward and criterion, with
// the ward's figures as stored and their version, to fill in a spreadsheet
// and bring back through the import.

// SheetResults is the template's sheet.
const SheetResults = "Kết quả"

// ResultsHeader are the template's columns, in Vietnamese; the import
// finds its columns by these names. The last two say which year and unit
// the template was made for, on every row (a row copied from another file
// says where it came from): a file for another year or unit is refused.
var ResultsHeader = []string{"Mã phường", "Tên phường", "Số tiêu chí", "Tiêu chí", "Loại", "Ngưỡng", "Trạng thái", "Giá trị", "Ghi chú", "Phiên bản",
	"Năm", "Mã đơn vị"}

// Column positions in ResultsHeader.
const (
	ColWard = iota
	ColWardName
	ColNumber
	ColTitle
	ColKind
	ColThreshold
	ColStatus
	ColValue
	ColNote
	ColVersion
	ColYear
	ColUnit
)

// StatusWords are the statuses as the template writes them: the pages'
// words, capitalised ("Chưa đạt", "Chờ đánh giá cuối năm"). The import
// reads them, the codes, and OldStatusWords.
var StatusWords = func() map[assess.Status]string {
	out := map[assess.Status]string{}
	for _, st := range []assess.Status{assess.NotStarted, assess.InProgress, assess.Met, assess.NotMet, assess.PendingYearEnd} {
		out[st] = words.Capitalised(words.VI.Status(st))
	}
	return out
}()

// OldStatusWords are the words templates written before used, still read.
var OldStatusWords = map[string]assess.Status{"chưa bắt đầu": assess.NotStarted, "không đạt": assess.NotMet}

// Results is the template's content: the year and the code of the unit it
// is made for, and its wards' results.
type Results struct {
	Year     int
	Unit     string
	Criteria []assess.Criterion
	Wards    []ResultsWard
}

// ResultsWard is one ward's results.
type ResultsWard struct {
	Code    string
	Name    string
	Results map[int]store.Result
}

func (s Results) rows() [][]string {
	l := words.VI
	var out [][]string
	for _, w := range s.Wards {
		for _, c := range s.Criteria {
			res := w.Results[c.Number]
			status := c.Shown(res.Status) // a year-end criterion not judged yet is pending, as on the pages
			kind, threshold := words.Capitalised(l.T("kind."+string(c.Kind))), ""
			if c.Kind == assess.Measure {
				threshold = l.Threshold(c.Comparator, c.Threshold, c.Unit)
			}
			out = append(out, []string{w.Code, w.Name, strconv.Itoa(c.Number), c.TitleVI, kind, threshold,
				StatusWords[status], l.Decimal(res.Value), res.Note, strconv.Itoa(res.Version), strconv.Itoa(s.Year), s.Unit})
		}
	}
	return out
}

// WriteResultsCSV writes the template as CSV (UTF-8 with BOM, for Excel).
func WriteResultsCSV(w io.Writer, s Results) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ResultsHeader); err != nil {
		return err
	}
	for _, row := range s.rows() {
		for i := range row {
			row[i] = TextCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// TextCell keeps a spreadsheet from running a CSV cell as a formula: one
// that starts with =, +, @, a tab, a carriage return, or a - that does
// not begin a number gets a leading apostrophe.
func TextCell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '@' || s[0] == '\t' || s[0] == '\r' || (s[0] == '-' && len(s) > 1 && (s[1] < '0' || s[1] > '9'))) {
		return "'" + s
	}
	return s
}

// WriteResultsXLSX writes the template as a workbook: the header frozen,
// a list to choose each status from, the threshold beside each measure,
// every cell text (never a formula).
func WriteResultsXLSX(w io.Writer, s Results) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetResults); err != nil {
		return err
	}
	head := make([]any, len(ResultsHeader))
	for i, h := range ResultsHeader {
		head[i] = h
	}
	if err := f.SetSheetRow(SheetResults, "A1", &head); err != nil {
		return err
	}
	rows := s.rows()
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		if err := f.SetSheetRow(SheetResults, fmt.Sprintf("A%d", i+2), &cells); err != nil {
			return err
		}
	}
	if err := f.SetPanes(SheetResults, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if len(rows) > 0 {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("G2:G%d", len(rows)+1)
		if err := dv.SetDropList([]string{StatusWords[assess.NotStarted], StatusWords[assess.InProgress], StatusWords[assess.Met], StatusWords[assess.NotMet]}); err != nil {
			return err
		}
		if err := f.AddDataValidation(SheetResults, dv); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(SheetResults, "D", "D", 60); err != nil {
		return err
	}
	if err := f.SetColWidth(SheetResults, "I", "I", 40); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}
