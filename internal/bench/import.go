package bench

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// openWard finds the wards a plan lists as open to the reviewer (those
// locked have class="locked").
var openWard = regexp.MustCompile(`<h3>([0-9A-Z]+) `)

// importSpreadsheet measures the spreadsheet round trip of a province as
// its reviewer makes it: the CSV template out, every note changed, a dry
// run, and the import of the rows of the wards still open to them; it
// returns the rows applied and the time of the dry run and the import.
func importSpreadsheet(c *http.Client, base string) (rows int, took time.Duration, err error) {
	res, err := c.Get(base + ".csv")
	if err != nil {
		return 0, 0, err
	}
	body, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return 0, 0, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("template: %d", res.StatusCode)
	}
	all, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		return 0, 0, err
	}
	// Notes of this run's own, so that a run on a country measured before
	// (--reuse) changes every row too.
	stamp := time.Now().Format("20060102 150405.000")
	for i := 1; i < len(all); i++ {
		all[i][8] = fmt.Sprintf("bench %s %d", stamp, i)
	}
	post := func(rows [][]string, dryRun bool) (string, int, error) {
		var file bytes.Buffer
		w := csv.NewWriter(&file)
		if err := w.WriteAll(rows); err != nil {
			return "", 0, err
		}
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		if dryRun {
			_ = mw.WriteField("dry_run", "1")
		}
		fw, _ := mw.CreateFormFile("file", "bench.csv")
		_, _ = fw.Write(file.Bytes())
		_ = mw.Close()
		res, err := c.Post(base+"/import", mw.FormDataContentType(), &b)
		if err != nil {
			return "", 0, err
		}
		page, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		return string(page), res.StatusCode, err
	}
	start := time.Now()
	page, _, err := post(all, true)
	if err != nil {
		return 0, 0, err
	}
	dry := time.Since(start)
	open := map[string]bool{}
	for _, m := range openWard.FindAllStringSubmatch(page, -1) {
		open[m[1]] = true
	}
	kept := [][]string{all[0]}
	for _, row := range all[1:] {
		if open[row[0]] {
			kept = append(kept, row)
		}
	}
	start = time.Now()
	page, status, err := post(kept, false)
	if err != nil {
		return 0, 0, err
	}
	if status != http.StatusOK || !strings.Contains(page, `id="import-applied"`) {
		return 0, 0, fmt.Errorf("import: %d", status)
	}
	return len(kept) - 1, dry + time.Since(start), nil
}
