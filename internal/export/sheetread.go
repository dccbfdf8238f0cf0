package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reading a spreadsheet back (the results template, filled in): the first
// sheet of an XLSX workbook, or a CSV file, as rows of text. A workbook is
// read as a stream of XML tokens straight from the zip, never unfolded
// into memory, and every bound below is checked as the tokens arrive, so a
// small hostile file is refused before it costs anything: cells beyond
// the template's columns, rows beyond the limit, elements nested too deep
// or too many, parts larger unzipped than allowed, an archive whose
// entries lie about their sizes. Formulas are never run: a formula's cell
// gives the value last saved with it.
const (
	// MaxSheetFile bounds the file as uploaded.
	MaxSheetFile = 20 << 20
	// MaxSheetRows bounds the rows, header aside.
	MaxSheetRows = 100000
	// MaxSheetColumns is the columns read (A–Z): the template has 10, and
	// room for a few of the user's own.
	MaxSheetColumns = 26
	// MaxCellRunes bounds a cell's text.
	MaxCellRunes = 4000
	// maxSheetPart bounds a sheet unzipped; maxStringsPart the shared
	// strings; maxSmallPart the workbook and its relationships.
	maxSheetPart   = 100 << 20
	maxStringsPart = 20 << 20
	maxSmallPart   = 1 << 20
	// maxDepth bounds XML nesting (a sheet's text is 6 deep); maxElements
	// the elements of one part.
	maxDepth    = 24
	maxElements = 8 * MaxSheetRows * MaxSheetColumns
)

// SheetError refuses a whole file, saying what is wrong with it: a
// message key and its arguments, in the user's words.
type SheetError struct {
	Key  string
	Args []any
}

func (e *SheetError) Error() string { return fmt.Sprintf("%s %v", e.Key, e.Args) }

func sheetErr(key string, args ...any) error { return &SheetError{Key: key, Args: args} }

// ReadSheet reads a spreadsheet file's rows. ctx bounds the time it takes:
// past its deadline the file is refused as too complex to read.
func ReadSheet(ctx context.Context, b []byte) ([][]string, error) {
	if len(b) > MaxSheetFile {
		return nil, sheetErr("resimport.err.size")
	}
	var rows [][]string
	var err error
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		rows, err = readXLSX(ctx, b)
	} else {
		rows, err = readCSV(ctx, b)
	}
	if ctx.Err() != nil && err != nil {
		return nil, sheetErr("resimport.err.budget")
	}
	return rows, err
}

// sheetRows collects rows as they are read, with the bounds on rows and
// cells.
type sheetRows struct {
	rows [][]string
}

// put sets row (1-based) to cells; rows must come in order.
func (s *sheetRows) put(row int, cells []string) error {
	if row > MaxSheetRows+1 {
		return sheetErr("resimport.err.rows", MaxSheetRows)
	}
	if row <= len(s.rows) {
		return sheetErr("resimport.err.notsheet")
	}
	for i, c := range cells {
		if utf8.RuneCountInString(c) > MaxCellRunes {
			return sheetErr("resimport.err.cell", row, ColumnName(i), MaxCellRunes)
		}
	}
	for len(s.rows) < row-1 {
		s.rows = append(s.rows, nil)
	}
	s.rows = append(s.rows, cells)
	return nil
}

// ColumnName is column i (from 0) as a spreadsheet names it: A, B, …, AA.
func ColumnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

func readCSV(ctx context.Context, b []byte) ([][]string, error) {
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 || !strings.HasPrefix(http.DetectContentType(b), "text/plain") {
		return nil, sheetErr("resimport.err.notsheet")
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	// The csv reader holds a whole record's fields before it returns it:
	// a line of a million commas is refused before it is parsed.
	if line, ok := csvFieldsWithin(b, MaxSheetColumns); !ok {
		return nil, sheetErr("resimport.err.columns", line, ColumnName(MaxSheetColumns-1))
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	var s sheetRows
	for line := 1; ; line++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return s.rows, nil
		}
		if err != nil {
			return nil, sheetErr("resimport.err.notsheet")
		}
		for i, c := range row {
			row[i] = fromTextCell(c)
		}
		if err := s.put(line, row); err != nil {
			return nil, err
		}
		if line%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
}

// fromTextCell undoes TextCell: the apostrophe the export put before
// formula-like text goes; any other leading apostrophe is the user's own.
func fromTextCell(c string) string {
	if rest, ok := strings.CutPrefix(c, "'"); ok && TextCell(rest) == c {
		return rest
	}
	return c
}

// csvFieldsWithin says whether every record of a CSV file has at most max
// fields; if not, the record's number.
func csvFieldsWithin(b []byte, max int) (int, bool) {
	record, fields, quoted := 1, 1, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			quoted = !quoted // "" inside quotes toggles twice
		case quoted:
		case c == ',':
			if fields++; fields > max {
				return record, false
			}
		case c == '\n':
			record, fields = record+1, 1
		}
	}
	return 0, true
}

// xlsxPart opens a part of the workbook for reading, refusing one larger
// unzipped than max. archive/zip checks, as it reads, that the part holds
// exactly the size its entry declares: one that lies is an error, never
// read short.
func xlsxPart(z *zip.Reader, name string, max uint64) (io.ReadCloser, error) {
	for _, f := range z.File {
		if f.Name != name {
			continue
		}
		if f.UncompressedSize64 > max {
			return nil, sheetErr("resimport.err.unzipped", max>>20)
		}
		return f.Open()
	}
	return nil, nil
}

// xmlTokens reads a part's tokens with the bounds on depth and elements.
type xmlTokens struct {
	ctx      context.Context
	d        *xml.Decoder
	depth    int
	elements int
}

func newTokens(ctx context.Context, r io.Reader) *xmlTokens {
	return &xmlTokens{ctx: ctx, d: xml.NewDecoder(r)}
}

// next is the next token; io.EOF at the part's end.
func (t *xmlTokens) next() (xml.Token, error) {
	tok, err := t.d.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, sheetErr("resimport.err.zip")
		}
		return nil, sheetErr("resimport.err.notsheet")
	}
	switch tok.(type) {
	case xml.StartElement:
		t.depth++
		t.elements++
		if t.depth > maxDepth || t.elements > maxElements {
			return nil, sheetErr("resimport.err.nested")
		}
		if t.elements%4096 == 0 && t.ctx.Err() != nil {
			return nil, t.ctx.Err()
		}
	case xml.EndElement:
		t.depth--
	}
	return tok, nil
}

// drain reads a part to its end, so that archive/zip checks its size and
// checksum.
func (t *xmlTokens) drain() error {
	for {
		if _, err := t.next(); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

const relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

func attr(e xml.StartElement, space, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local && (space == "" || a.Name.Space == space) {
			return a.Value
		}
	}
	return ""
}

// firstSheet finds the first sheet's part and the shared strings' part
// through the workbook and its relationships.
func firstSheet(ctx context.Context, z *zip.Reader) (sheet, sharedPart string, err error) {
	id := ""
	err = eachStart(ctx, z, "xl/workbook.xml", func(e xml.StartElement) bool {
		if e.Name.Local == "sheet" {
			id = attr(e, relNS, "id")
			return false
		}
		return true
	})
	if err != nil || id == "" {
		return "", "", cmpErr(err, sheetErr("resimport.err.notsheet"))
	}
	err = eachStart(ctx, z, "xl/_rels/workbook.xml.rels", func(e xml.StartElement) bool {
		if e.Name.Local != "Relationship" {
			return true
		}
		target := attr(e, "", "Target")
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join("xl", target)
		}
		switch typ := attr(e, "", "Type"); {
		case attr(e, "", "Id") == id:
			sheet = target
		case strings.HasSuffix(typ, "/sharedStrings"):
			sharedPart = target
		}
		return true
	})
	if err != nil || sheet == "" {
		return "", "", cmpErr(err, sheetErr("resimport.err.notsheet"))
	}
	return sheet, sharedPart, nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// eachStart calls fn with each start element of a small part, until fn
// says to stop.
func eachStart(ctx context.Context, z *zip.Reader, name string, fn func(xml.StartElement) bool) error {
	rc, err := xlsxPart(z, name, maxSmallPart)
	if err != nil || rc == nil {
		return cmpErr(err, sheetErr("resimport.err.notsheet"))
	}
	defer rc.Close()
	t := newTokens(ctx, rc)
	for {
		tok, err := t.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if e, ok := tok.(xml.StartElement); ok && !fn(e) {
			return nil
		}
	}
}

// sharedStrings reads the workbook's table of strings: each <si>'s text,
// its phonetic runs left out.
func sharedStrings(ctx context.Context, z *zip.Reader, name string) ([]string, error) {
	if name == "" {
		return nil, nil
	}
	rc, err := xlsxPart(z, name, maxStringsPart)
	if err != nil || rc == nil {
		return nil, err
	}
	defer rc.Close()
	t := newTokens(ctx, rc)
	var out []string
	var text strings.Builder
	inText, phonetic := false, 0
	for {
		tok, err := t.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "si":
				text.Reset()
			case "rPh":
				phonetic++
			case "t":
				inText = phonetic == 0
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "si":
				if len(out) >= MaxSheetRows*MaxSheetColumns {
					return nil, sheetErr("resimport.err.nested")
				}
				out = append(out, text.String())
			case "rPh":
				phonetic--
			case "t":
				inText = false
			}
		case xml.CharData:
			if inText {
				text.Write(e)
			}
		}
	}
}

func readXLSX(ctx context.Context, b []byte) ([][]string, error) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, sheetErr("resimport.err.notsheet")
	}
	sheetName, stringsName, err := firstSheet(ctx, z)
	if err != nil {
		return nil, err
	}
	shared, err := sharedStrings(ctx, z, stringsName)
	if err != nil {
		return nil, err
	}
	rc, err := xlsxPart(z, sheetName, maxSheetPart)
	if err != nil || rc == nil {
		return nil, cmpErr(err, sheetErr("resimport.err.notsheet"))
	}
	defer rc.Close()
	t := newTokens(ctx, rc)
	var s sheetRows
	var (
		row, col         int      // the current row (1-based) and cell column (0-based)
		cells            []string // the current row's cells
		cellType         string
		value            strings.Builder
		inValue, inCells bool
	)
	for {
		tok, err := t.next()
		if errors.Is(err, io.EOF) {
			return s.rows, nil
		}
		if err != nil {
			return nil, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "sheetData":
				inCells = true
			case "row":
				if !inCells {
					break
				}
				row++
				if r := attr(e, "", "r"); r != "" {
					if row, err = strconv.Atoi(r); err != nil || row < 1 {
						return nil, sheetErr("resimport.err.notsheet")
					}
				}
				if row > MaxSheetRows+1 {
					return nil, sheetErr("resimport.err.rows", MaxSheetRows)
				}
				cells, col = nil, -1
			case "c":
				col++
				if ref := attr(e, "", "r"); ref != "" {
					if col, err = refColumn(ref); err != nil {
						return nil, err
					}
				}
				if col >= MaxSheetColumns {
					return nil, sheetErr("resimport.err.columns", row, ColumnName(MaxSheetColumns-1))
				}
				cellType = attr(e, "", "t")
				value.Reset()
			case "v", "t":
				inValue = true
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "v", "t":
				inValue = false
			case "c":
				v, err := cellText(cellType, value.String(), shared)
				if err != nil {
					return nil, err
				}
				for len(cells) <= col {
					cells = append(cells, "")
				}
				cells[col] = v
			case "row":
				if err := s.put(row, cells); err != nil {
					return nil, err
				}
			case "sheetData":
				// The rest of the part is read for archive/zip's checks.
				if err := t.drain(); err != nil {
					return nil, err
				}
				return s.rows, nil
			}
		case xml.CharData:
			if inValue {
				if value.Len()+len(e) > 4*MaxCellRunes {
					return nil, sheetErr("resimport.err.cell", row, ColumnName(col), MaxCellRunes)
				}
				value.Write(e)
			}
		}
	}
}

// refColumn is the column (from 0) of a cell reference such as "J12".
func refColumn(ref string) (int, error) {
	col, letters := 0, 0
	for _, r := range ref {
		if r < 'A' || r > 'Z' {
			break
		}
		if letters++; letters > 3 {
			return 0, sheetErr("resimport.err.notsheet")
		}
		col = col*26 + int(r-'A') + 1
	}
	if letters == 0 {
		return 0, sheetErr("resimport.err.notsheet")
	}
	return col - 1, nil
}

// cellText is a cell's text by its type: a shared string, inline text, or
// a value as saved (a number with at most 15 significant digits, as a
// spreadsheet shows it).
func cellText(typ, v string, shared []string) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(shared) {
			return "", sheetErr("resimport.err.notsheet")
		}
		return shared[i], nil
	case "", "n":
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
	}
	return v, nil
}
