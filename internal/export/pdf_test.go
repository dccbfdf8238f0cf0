package export

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

// wordBox is a word pdftotext found, and the right edge of its box.
var wordBox = regexp.MustCompile(`<word xMin="[0-9.]+" yMin="[0-9.]+" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>`)

// printedWords lists the words of a PDF as poppler's pdftotext reads
// them, each with its right edge in points, and the page's width.
func printedWords(t *testing.T, pdf []byte) (words []string, rightmost float64, pageWidth float64) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is not installed; `make test` installs poppler-utils as root")
		}
		t.Skip("pdftotext is not installed (sudo apt-get install poppler-utils)")
	}
	cmd := exec.Command("pdftotext", "-bbox", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`<page width="([0-9.]+)"`).FindSubmatch(out); m != nil {
		pageWidth, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	for _, m := range wordBox.FindAllSubmatch(out, -1) {
		x, _ := strconv.ParseFloat(string(m[1]), 64)
		rightmost = max(rightmost, x)
		words = append(words, string(m[2]))
	}
	return words, rightmost, pageWidth
}

// A summary with long names and decision numbers, for n criteria, with
// districts or without (after the reform).
func longSummary(n int, districts bool) Summary {
	var criteria []assess.Criterion
	for k := 1; k <= n; k++ {
		criteria = append(criteria, assess.Criterion{Number: k, TitleVI: fmt.Sprintf("Tiêu chí số %d", k), Kind: assess.Check})
	}
	decided := time.Date(2025, 4, 22, 0, 0, 0, 0, time.UTC)
	var wards []store.WardStanding
	for i := range 40 {
		w := store.WardStanding{Code: fmt.Sprintf("%05d", 26000+i), Name: fmt.Sprintf("Phường Nguyễn Trung Trực Thượng Đình Số %d", i),
			State: assess.Recognized, Standing: assess.Standing{Met: n, Total: n}, Level: "ministry",
			DecisionNo: fmt.Sprintf("%d/QĐ-BCA-V05", 1520+i), DecisionDate: &decided}
		if districts {
			w.District = "Thị xã Sơn Tây Mở Rộng Phía Bắc"
		}
		for range criteria {
			w.Statuses = append(w.Statuses, assess.Met)
		}
		wards = append(wards, w)
	}
	return Summary{UnitCode: "VN", UnitName: "Việt Nam", Year: 2025, Criteria: criteria, Each: Wards(wards),
		GeneratedBy: "test", GeneratedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
}

// The national summary fits A4 landscape: nothing past the right margin,
// no text cut short (decision numbers whole, every criterion's column
// there), and no district column in a year without districts; with too
// many criteria to sit beside the wards, the marks get pages of their own.
func TestSummaryPDFFitsThePage(t *testing.T) {
	for _, tc := range []struct {
		criteria  int
		districts bool
	}{{22, false}, {22, true}, {20, true}, {60, false}} {
		var buf bytes.Buffer
		if err := WritePDF(&buf, longSummary(tc.criteria, tc.districts)); err != nil {
			t.Fatal(err)
		}
		words, right, width := printedWords(t, buf.Bytes())
		name := fmt.Sprintf("%d criteria, districts %v", tc.criteria, tc.districts)
		// 10 mm margins: 28.3 pt on each side.
		if width == 0 || right > width-28 {
			t.Errorf("%s: text reaches %.1f pt on a page %.1f pt wide", name, right, width)
		}
		text := strings.Join(words, " ")
		// Codes, numbers and dates are never broken, and names wrap whole.
		for _, want := range []string{"26000", "26039", "1520/QĐ-BCA-V05,", "1559/QĐ-BCA-V05,", "22/04/2025", "Số 39", fmt.Sprint(tc.criteria)} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: %q missing", name, want)
			}
		}
		if has := strings.Contains(text, "Quận/huyện"); has != tc.districts {
			t.Errorf("%s: district column shown %v", name, has)
		}
	}
}
