package export

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"modelward/internal/assess"
	"modelward/internal/hostile"
	"modelward/internal/store"
)

// template is a results sheet of two wards, with notes a round trip must
// keep as they are.
func template() Results {
	c := []assess.Criterion{{Number: 1, TitleVI: "Tiêu chí một", Kind: assess.Check}, {Number: 2, TitleVI: "Tỷ lệ", Kind: assess.Measure, Comparator: ">=", Threshold: "90", Unit: "%"}}
	return Results{Year: 2026, Unit: "01", Criteria: c, Wards: []ResultsWard{
		{Code: "09552", Name: "Phường Kiến Hưng", Results: map[int]store.Result{
			1: {Status: assess.Met, Note: "'trích dẫn' của phường", Version: 3},
			2: {Status: assess.InProgress, Value: "85.5", Note: "=1+1 không phải công thức", Version: 1}}},
		{Code: "00004", Name: "Phường Ba Đình", Results: map[int]store.Result{}},
	}}
}

// The template, written and read back, gives the rows it was made of,
// in XLSX and in CSV: a note that begins with an apostrophe keeps it, one
// that looks like a formula comes back as typed.
func TestTemplateReadsBackUnchanged(t *testing.T) {
	want := append([][]string{ResultsHeader}, template().rows()...)
	for _, format := range []string{"xlsx", "csv"} {
		var b bytes.Buffer
		write := WriteResultsXLSX
		if format == "csv" {
			write = WriteResultsCSV
		}
		if err := write(&b, template()); err != nil {
			t.Fatal(err)
		}
		got, err := ReadSheet(context.Background(), b.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s read back:\n%q\nwant\n%q", format, got, want)
		}
	}
}

// Each hostile file is refused whole, with what is wrong in the user's
// words, and reading it costs little memory whatever it claims.
func TestHostileSpreadsheetsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		file []byte
		key  string
	}{
		{"100,000 rows with a cell in column XFD", hostile.WideXLSX(100000), "resimport.err.columns"},
		{"elements nested 30,000 deep", hostile.DeepXLSX(30000), "resimport.err.nested"},
		{"a sheet that lies about its size", hostile.LyingXLSX(20000), "resimport.err.zip"},
		{"a CSV line of a million commas", hostile.CommasCSV(1000000), "resimport.err.columns"},
		{"more rows than the limit", []byte(strings.Repeat("a\n", MaxSheetRows+2)), "resimport.err.rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := ReadSheet(context.Background(), tc.file)
			runtime.ReadMemStats(&after)
			var se *SheetError
			if !errors.As(err, &se) || se.Key != tc.key {
				t.Fatalf("%d bytes: %v, want %s", len(tc.file), err, tc.key)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("reading it allocated %d MB", alloc>>20)
			}
		})
	}
}

// Past its deadline a file is refused as too complex to read, never as if
// something else had failed.
func TestSheetReadingHasABudget(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	var b bytes.Buffer
	big := template()
	for range 400 {
		big.Wards = append(big.Wards, big.Wards[0])
	}
	if err := WriteResultsXLSX(&b, big); err != nil {
		t.Fatal(err)
	}
	_, err := ReadSheet(ctx, b.Bytes())
	var se *SheetError
	if !errors.As(err, &se) || se.Key != "resimport.err.budget" {
		t.Errorf("over budget: %v", err)
	}
}
