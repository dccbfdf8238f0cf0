package server_test

import (
	"net/url"
	"strings"
	"testing"
)

func criterionValues(threshold string) url.Values {
	return url.Values{"group": {"E"}, "group_vi": {"Phòng chống tội phạm và trật tự xã hội"}, "group_en": {"Crime and social order"},
		"title_vi": {"Tỷ lệ khám phá án phạm pháp hình sự"}, "title_en": {"Share of criminal cases solved"},
		"kind": {"measure"}, "unit": {"%"}, "comparator": {">="}, "threshold": {threshold}, "scale": {"share"}}
}

func TestCatalogueManagement(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	admin := signIn(t, srv, "admin")

	// Copy a year.
	r := post(t, admin, srv.URL+"/admin/catalogues", url.Values{"from": {"2022"}, "to": {"2027"}})
	if r.status != 303 || r.header.Get("Location") != "/admin/catalogues/2027" {
		t.Fatalf("copy = %d %s", r.status, r.header.Get("Location"))
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM criteria WHERE year = 2027`); n != 22 {
		t.Errorf("2027 has %d criteria", n)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM catalogues WHERE year = 2027 AND year_end_opens = '2027-11-01'`); n != 1 {
		t.Error("the copy does not open its year end on 1 November")
	}
	execSQL(t, dbURL, `INSERT INTO registrations (year, ward_id, level) VALUES (2027, unit_in_year('09886', 2027), 'city')`)
	for name, form := range map[string]url.Values{
		"existing year":  {"from": {"2022"}, "to": {"2023"}},
		"unknown source": {"from": {"1999"}, "to": {"2028"}},
		"bad year":       {"from": {"2022"}, "to": {"20x7"}},
		"date elsewhere": {"from": {"2022"}, "to": {"2028"}, "year_end_opens": {"2027-11-01"}},
	} {
		if r := post(t, admin, srv.URL+"/admin/catalogues", form); r.status != 400 {
			t.Errorf("%s = %d, want 400", name, r.status)
		}
	}

	// A year may have 23 criteria; nothing assumes 22.
	add := criterionValues("1")
	add.Set("number", "23")
	add.Set("title_vi", "Tiêu chí thử nghiệm")
	if r := post(t, admin, srv.URL+"/admin/catalogues/2027/criteria", add); r.status != 303 {
		t.Fatalf("add = %d: %s", r.status, r.body)
	}
	if r := post(t, admin, srv.URL+"/admin/catalogues/2027/criteria", add); r.status != 400 || !strings.Contains(r.body, "Đã có tiêu chí với số thứ tự này.") {
		t.Errorf("adding it twice = %d", r.status)
	}
	c := signIn(t, srv, "bocongan")
	mustContain(t, "2027 ward page", get(t, c, srv.URL+"/2027/wards/09886").body, "đạt 0/23 tiêu chí")
	if r := post(t, admin, srv.URL+"/admin/catalogues/2027/criteria/23/remove", nil); r.status != 303 {
		t.Errorf("remove = %d", r.status)
	}
	mustContain(t, "2027 after removal", get(t, c, srv.URL+"/2027/wards/09886").body, "đạt 0/22 tiêu chí")

	// Bad edits change nothing.
	before := dbState(t, dbURL)
	for name, form := range map[string]url.Values{
		"comparator": func() url.Values { v := criterionValues("90"); v.Set("comparator", "!="); return v }(),
		"threshold":  criterionValues("chín mươi"),
		"group":      func() url.Values { v := criterionValues("90"); v.Set("group", "e1"); return v }(),
		"title":      func() url.Values { v := criterionValues("90"); v.Set("title_vi", ""); return v }(),
		"kind":       func() url.Values { v := criterionValues("90"); v.Set("kind", "guess"); return v }(),
	} {
		r := post(t, admin, srv.URL+"/admin/catalogues/2022/criteria/13", form)
		if r.status != 400 {
			t.Errorf("bad %s = %d, want 400", name, r.status)
		}
		mustContain(t, "bad "+name, r.body, "Biểu mẫu có lỗi, chưa lưu:")
	}
	if r := post(t, admin, srv.URL+"/admin/catalogues/2022/year-end", url.Values{"year_end_opens": {"2025-01-01"}}); r.status != 400 {
		t.Errorf("year end outside the year = %d", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Error("refused catalogue edits changed the database")
	}
	// An open year is edited freely, with the threshold as people write it.
	if r := post(t, admin, srv.URL+"/admin/catalogues/2027/criteria/13", criterionValues("92,5")); r.status != 303 {
		t.Fatalf("edit = %d", r.status)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM criteria WHERE year = 2027 AND number = 13 AND threshold = 92.5`); n != 1 {
		t.Error("the threshold was not saved as 92.5")
	}

	// 2023 is locked: assessments were submitted.
	mustContain(t, "2023 catalogue", get(t, admin, srv.URL+"/admin/catalogues/2023").body, "Bộ tiêu chí đã khóa vì đã có hồ sơ gửi duyệt.")
	before = dbState(t, dbURL)
	r = post(t, admin, srv.URL+"/admin/catalogues/2023/criteria/13", criterionValues("92"))
	if r.status != 409 || !strings.Contains(r.body, "Đánh dấu ô tạo bản sửa đổi mới") {
		t.Errorf("editing a locked catalogue = %d", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Error("a refused edit of a locked catalogue changed the database")
	}
	// A new revision: Phú La's 91 % no longer meets 92 %, and every view agrees.
	withRevision := criterionValues("92")
	withRevision.Set("revision", "1")
	if r := post(t, admin, srv.URL+"/admin/catalogues/2023/criteria/13", withRevision); r.status != 303 {
		t.Fatalf("revision = %d", r.status)
	}
	if n := queryInt(t, dbURL, `SELECT revision FROM catalogues WHERE year = 2023`); n != 2 {
		t.Errorf("revision %d, want 2", n)
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'catalogue_revision' AND entity_key = '2023'`); n != 1 {
		t.Error("the revision is not audited")
	}
	mustContain(t, "Phú La after the revision", get(t, c, srv.URL+"/2023/wards/09552").body, "đạt 18/22 tiêu chí (3 tiêu chí chờ đánh giá cuối năm)")
	if !strings.Contains(get(t, c, srv.URL+"/2023/units/268/summary.csv").body, "09552,Phường Phú La,submitted,18,22,3,") {
		t.Error("the CSV does not follow the revision")
	}
	// A criterion in use is not removed.
	if r := post(t, admin, srv.URL+"/admin/catalogues/2023/criteria/13/remove", url.Values{"revision": {"1"}}); r.status != 409 {
		t.Errorf("removing a criterion in use = %d, want 409", r.status)
	}
}
