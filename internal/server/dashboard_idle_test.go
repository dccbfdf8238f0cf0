package server_test

import (
	"regexp"
	"strings"
	"testing"
)

// The national dashboard of 2023 lists the provinces whose wards take
// part; the others of the 63 are named once, on a collapsed line under it.
func TestNationalTablesListParticipants(t *testing.T) {
	srv, _ := newPortalDB(t)
	c := signIn(t, srv, "bocongan")
	r := get(t, c, srv.URL+"/2023/units/VN")
	children := section(t, r.body, `<h2>Các tỉnh/thành phố</h2>`)
	rows := regexp.MustCompile(`<th scope="row" data-label="Đơn vị">`).FindAllStringIndex(children, -1)
	if len(rows) == 0 || len(rows) > 5 {
		t.Fatalf("the provinces' table has %d rows, want the few that take part", len(rows))
	}
	mustContain(t, "provinces' table", children, "Thành phố Hà Nội",
		`<details class="idle-units"><summary>Các đơn vị khác chưa có phường tham gia năm nay: `+itoa(63-len(rows))+`</summary>`)
}

// section is the part of a page from marker to the end of its section.
func section(t *testing.T, page, marker string) string {
	t.Helper()
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatalf("no %s in the page", marker)
	}
	j := strings.Index(page[i:], "</section>")
	return page[i : i+j]
}

// Since the reform of 2025 wards lie in no district: Hà Nội's 2026
// dashboard has no district column or chart; 2023's has both.
func TestNoDistrictColumnAfterTheReform(t *testing.T) {
	srv, _ := newPortalDemo(t)
	c := signIn(t, srv, "hanoi")
	after := get(t, c, srv.URL+"/2026/units/01").body
	if strings.Contains(after, `<th scope="col">Quận/huyện</th>`) || strings.Contains(after, `id="district-title"`) {
		t.Error("2026's dashboard keeps a district column or chart")
	}
	mustContain(t, "2023", get(t, c, srv.URL+"/2023/units/01").body, `<th scope="col">Quận/huyện</th>`, `id="district-title"`)
}

// The most-failed criteria's chart cuts long titles to fit, and keeps each
// whole in its label's title (read on hover and by screen readers).
func TestNotMetChartKeepsWholeTitles(t *testing.T) {
	srv, _ := newPortalDemo(t)
	body := get(t, signIn(t, srv, "hanoi"), srv.URL+"/2023/units/01").body
	labels := regexp.MustCompile(`<text class="bar-label"[^>]*><title>([^<]*)</title>([^<]*)</text>`).FindAllStringSubmatch(body, -1)
	if len(labels) == 0 {
		t.Fatal("no labelled bar in the chart")
	}
	cut := false
	for _, l := range labels {
		shown := strings.TrimSuffix(l[2], "…")
		if !strings.HasPrefix(l[1], shown) {
			t.Errorf("label %q does not begin its title %q", l[2], l[1])
		}
		cut = cut || strings.HasSuffix(l[2], "…")
	}
	if !cut {
		t.Error("no title was cut: the case this guards is not on the page")
	}
}
