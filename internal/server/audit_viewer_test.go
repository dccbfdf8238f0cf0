package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// An admin reads the audit log with filters, a page at a time, and as CSV;
// no one else may. Exports and evidence downloads are in it.
func TestAdminReadsTheAuditLog(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	ministry := signIn(t, srv, "bocongan")
	if r := get(t, ministry, srv.URL+"/2023/units/01/summary.csv"); r.status != 200 {
		t.Fatalf("export = %d", r.status)
	}
	get(t, ministry, srv.URL+"/2023/wards/09552/dossier.pdf")
	if countAudit(t, dbURL, "export", "2023/01.csv") != 1 || countAudit(t, dbURL, "export", "2023/09552/dossier.pdf") != 1 {
		t.Error("exports are not audited")
	}
	for _, user := range []string{"bocongan", "hanoi", "phula"} {
		for _, path := range []string{"/admin/audit", "/admin/audit.csv"} {
			if r := get(t, signIn(t, srv, user), srv.URL+path); r.status != 403 {
				t.Errorf("%s opening %s = %d, want 403", user, path, r.status)
			}
		}
	}
	admin := signIn(t, srv, "admin")
	r := get(t, admin, srv.URL+"/admin/audit?actor=bocongan&action=export")
	if r.status != 200 {
		t.Fatalf("viewer = %d", r.status)
	}
	mustContain(t, "filtered viewer", r.body, `title="export">Xuất dữ liệu</td>`, "summary 2023/01.csv", "Bộ Công an",
		`<option value="export" selected>Xuất dữ liệu</option>`)
	if strings.Contains(r.body, `title="sign_in"`) {
		t.Error("the action filter lets other actions through")
	}
	if r := get(t, admin, srv.URL+"/admin/audit?from=31.12.2022"); r.status != 400 || !strings.Contains(r.body, `href="#a-from"`) {
		t.Errorf("a bad date = %d", r.status)
	}
	// Pages of 50, newest first, with a link to the older ones.
	page := get(t, admin, srv.URL+"/admin/audit").body
	if n := strings.Count(page, "<tr>") - 1; n != 50 {
		t.Errorf("the first page shows %d entries, want 50", n)
	}
	if !strings.Contains(page, `rel="next"`) {
		t.Error("no link to older entries")
	}
	// The two exports above, and this one.
	csv := get(t, admin, srv.URL+"/admin/audit.csv?action=export")
	if csv.status != 200 || !strings.HasPrefix(csv.body, "\uFEFFseq,at,actor,role,action") || strings.Count(csv.body, ",export,") != 3 {
		t.Errorf("CSV = %d: %q", csv.status, csv.body)
	}
}

// The unit filter finds the entries about the wards below a unit (a
// province, a district, the ward itself), their code read in the entry's
// year; a unit elsewhere finds none of them, and a code that is not one
// is refused.
func TestAuditViewerByUnit(t *testing.T) {
	srv, _ := newPortalDB(t)
	officer := signIn(t, srv, "phula")
	if r := post(t, officer, srv.URL+"/2022/wards/09552/criteria/2", url.Values{"status": {"met"}, "version": {"0"}}); r.status != 303 {
		t.Fatalf("save = %d", r.status)
	}
	admin := signIn(t, srv, "admin")
	const entry = "result 09552/2022/2"
	for unit, found := range map[string]bool{"01": true, "268": true, "09552": true, "48": false, "001": false} {
		r := get(t, admin, srv.URL+"/admin/audit?action=result_update&unit="+unit)
		if r.status != 200 {
			t.Fatalf("unit %s = %d", unit, r.status)
		}
		if strings.Contains(r.body, entry) != found {
			t.Errorf("unit %s: the save in Phú La found %t, want %t", unit, !found, found)
		}
	}
	csv := get(t, admin, srv.URL+"/admin/audit.csv?unit=268")
	if !strings.Contains(csv.body, "09552/2022/2") || strings.Contains(csv.body, "sign_in") {
		t.Errorf("the CSV by unit: %q", csv.body)
	}
	r := get(t, admin, srv.URL+"/admin/audit?unit=abc")
	if r.status != 400 || !strings.Contains(r.body, `href="#a-unit"`) || !strings.Contains(r.body, "Mã đơn vị gồm 2 đến 5 chữ số") {
		t.Errorf("a unit that is no code = %d", r.status)
	}
}

// A reviewer's approval reads in the viewer as a person would say it: the
// action's name, the state before and after in words, and the address it
// came from, as every change does.
func TestAuditViewerReadsAsWords(t *testing.T) {
	srv, _ := newPortalDB(t)
	review(t, signIn(t, srv, "hanoi"), srv.URL+"/2023/wards/09552", url.Values{"decision": {"approve"}})
	officer := signIn(t, srv, "phula")
	if r := post(t, officer, srv.URL+"/2022/wards/09552/criteria/2", url.Values{"status": {"met"}, "note": {"Đủ hồ sơ"}, "version": {"0"}}); r.status != 303 {
		t.Fatalf("save = %d", r.status)
	}
	admin := signIn(t, srv, "admin")
	approval := rowWith(t, get(t, admin, srv.URL+"/admin/audit?action=assessment_approve").body, "assessment 09552/2023")
	mustContain(t, "the approval", approval, `title="assessment_approve">Phê duyệt hồ sơ</td>`,
		`Trạng thái: <span class="before">đã gửi duyệt</span> → đã phê duyệt`, `data-label="Địa chỉ">127.0.0.1</td>`)
	save := rowWith(t, get(t, admin, srv.URL+"/admin/audit?action=result_update").body, "result 09552/2022/2")
	mustContain(t, "the save", save, "Cập nhật kết quả tiêu chí", `Kết quả: <span class="before">chưa đánh giá</span> → đạt`, `Ghi chú: <span class="before">—</span> → Đủ hồ sơ`, `127.0.0.1</td>`)
	if strings.Contains(save, "{") || strings.Contains(approval, "{") {
		t.Errorf("raw JSON in the viewer: %s\n%s", approval, save)
	}
}

// rowWith is the first table row of page that holds s.
func rowWith(t *testing.T, page, s string) string {
	t.Helper()
	i := strings.Index(page, s)
	if i < 0 {
		t.Fatalf("no %q in the page", s)
	}
	start := strings.LastIndex(page[:i], "<tr>")
	end := strings.Index(page[i:], "</tr>")
	return page[start : i+end]
}

// review sends a reviewer's decision on the ward's file as its page stands
// (the form's version read from it), and fails the test unless it is taken.
func review(t *testing.T, reviewer *http.Client, ward string, form url.Values) {
	t.Helper()
	m := versionField.FindStringSubmatch(get(t, reviewer, ward).body)
	if m == nil {
		t.Fatal("no review form")
	}
	form.Set("version", m[1])
	if r := post(t, reviewer, ward+"/review", form); r.status != http.StatusSeeOther {
		t.Fatalf("%s = %d", form.Get("decision"), r.status)
	}
}
