package export

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"modelward/internal/assess"
	"modelward/internal/store"
)

// country is a summary of n wards with varied standings, as a national
// export would see it.
func country(tb testing.TB, n int) Summary {
	tb.Helper()
	criteria := catalogue22()
	statuses := []assess.Status{assess.Met, assess.NotMet, assess.InProgress, assess.NotStarted, assess.PendingYearEnd}
	wards := make([]store.WardStanding, n)
	for i := range wards {
		w := store.WardStanding{
			ProvinceCode: fmt.Sprintf("P%02d", i%63), Province: fmt.Sprintf("Tỉnh %d", i%63),
			DistrictCode: fmt.Sprintf("P%02dD%02d", i%63, i%11), District: fmt.Sprintf("Quận %d", i%11),
			Code: fmt.Sprintf("W%05d", i), Name: fmt.Sprintf("Phường số %d", i), State: assess.Submitted,
		}
		for k := range criteria {
			st := statuses[(i+k)%len(statuses)]
			w.Statuses = append(w.Statuses, st)
			if st == assess.Met {
				w.Standing.Met++
			}
		}
		w.Standing.Total = len(criteria)
		if i%7 == 0 {
			w.Code, w.Name = "=1+1", "@SUM(A1)"
		}
		wards[i] = w
	}
	return Summary{UnitCode: "VN", UnitName: "Việt Nam", Year: 2025, Criteria: criteria, Each: Wards(wards),
		GeneratedBy: "test", GeneratedAt: time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC)}
}

// TestWriteXLSX reads the workbook back: every ward on both sheets, numbers
// as numbers, formula-like names as plain text, the distribution adding up.
func TestWriteXLSX(t *testing.T) {
	const n = 300
	s := country(t, n)
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, s); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 3 || got[0] != SheetSummary || got[1] != SheetCriteria || got[2] != SheetDistribution {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := f.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+1 || len(rows[0]) != 17+len(s.Criteria) {
		t.Fatalf("summary sheet: %d rows of %d cells, want %d of %d", len(rows), len(rows[0]), n+1, 17+len(s.Criteria))
	}
	if rows[1][4] != "=1+1" || rows[1][5] != "@SUM(A1)" {
		t.Errorf("first ward = %q %q, want the names as typed", rows[1][4], rows[1][5])
	}
	if formula, _ := f.GetCellFormula(SheetSummary, "E2"); formula != "" {
		t.Errorf("E2 holds the formula %q, want text", formula)
	}
	if typ, _ := f.GetCellType(SheetSummary, "H2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("met column type = %v, want a number", typ)
	}
	crit, err := f.GetRows(SheetCriteria)
	if err != nil {
		t.Fatal(err)
	}
	if len(crit) != n+1 || len(crit[0]) != 2+len(s.Criteria) {
		t.Fatalf("criteria sheet: %d rows of %d cells", len(crit), len(crit[0]))
	}
	if crit[2][0] != rows[2][4] {
		t.Errorf("criteria sheet row 3 is %q, summary sheet row 3 is %q", crit[2][0], rows[2][4])
	}
	dist, err := f.GetRows(SheetDistribution)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, r := range dist[1:] {
		var k int
		fmt.Sscan(r[1], &k)
		total += k
	}
	if total != n {
		t.Errorf("distribution counts %d wards, want %d", total, n)
	}
}

// BenchmarkWriteXLSX is the national export's encoding cost, without the
// database: 10,000 wards.
func BenchmarkWriteXLSX(b *testing.B) {
	s := country(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}

// catalogue22 is a catalogue of 22 criteria as the 2023 one is shaped:
// seven groups, measures among checks, three judged at year end.
func catalogue22() []assess.Criterion {
	var cs []assess.Criterion
	for n := 1; n <= 22; n++ {
		c := assess.Criterion{Number: n, Group: string(rune('A' + (n-1)/4)), GroupVI: fmt.Sprintf("Nhóm %d", (n-1)/4+1),
			TitleVI: fmt.Sprintf("Tiêu chí số %d của bộ tiêu chí năm 2023", n), TitleEN: fmt.Sprintf("Criterion %d", n),
			Kind: assess.Check, YearEnd: n == 1 || n == 5 || n == 7}
		if n%3 == 0 {
			c.Kind, c.Comparator, c.Threshold, c.Unit, c.Scale = assess.Measure, assess.GreaterEqual, "90", "%", assess.Share
		}
		cs = append(cs, c)
	}
	return cs
}
