package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// sheetVersion finds the version an inspection sheet's forms carry.
var sheetVersion = regexp.MustCompile(`name="version" value="([0-9]+)"`)

// The Ministry plans a visit to Hà Nội's approved Ô Chợ Dừa in the 2026
// window; every plan the facts refuse changes nothing and says which
// wards or users; the province's reviewers are told of the planned visit.
// On the sheet the team records its findings (one that differs from the
// appraisal needs a note), the leader concludes once every criterion has
// one, and the sheet closes. The official standing is then the
// inspection's, and recognition follows it: refused while a criterion is
// short or the visit open, allowed for Ba Đình, concluded in the demo.
func TestInspection(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	ministry, hanoi, admin := signIn(t, srv, "bocongan"), signIn(t, srv, "hanoi"), signIn(t, srv, "admin")
	version := regexp.MustCompile(`action="/2026/wards/00190/review"[^>]*>\s*<input type="hidden" name="version" value="([0-9]+)"`).
		FindStringSubmatch(get(t, hanoi, srv.URL+"/2026/wards/00190").body)
	if version == nil {
		t.Fatal("no review form")
	}
	if r := post(t, hanoi, srv.URL+"/2026/wards/00190/review", url.Values{"decision": {"approve"}, "version": {version[1]}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve = %d", r.status)
	}
	list := get(t, ministry, srv.URL+"/2026/inspections?level=ministry&province=01")
	mustContain(t, "inspections", list.body, "Thời gian kiểm tra theo lịch của năm: 01/12/2026 – 20/12/2026",
		`href="/2026/inspections/`, "1/2 phường", `name="wards" value="00190"`, `name="leader"`, `min="2026-12-01"`, `max="2026-12-20"`)
	if strings.Contains(list.body, `name="wards" value="00004"`) {
		t.Error("a ward already in an inspection is offered again")
	}
	for who, c := range map[string]*http.Client{"an officer": signIn(t, srv, "phula"), "an admin": admin} {
		if r := get(t, c, srv.URL+"/2026/inspections"); r.status != http.StatusForbidden {
			t.Errorf("%s reading inspections = %d", who, r.status)
		}
	}

	plan := func(change func(url.Values)) url.Values {
		v := url.Values{"level": {"ministry"}, "province": {"01"}, "from": {"2026-12-14"}, "to": {"2026-12-15"},
			"wards": {"00190"}, "members": {"bocongan"}, "leader": {"bocongan"}}
		if change != nil {
			change(v)
		}
		return v
	}
	before := dbState(t, dbURL)
	for name, tt := range map[string]struct {
		c      *http.Client
		form   url.Values
		status int
		says   []string
	}{
		"outside the window": {ministry, plan(func(v url.Values) { v.Set("to", "2026-12-28") }), 400,
			[]string{"nằm trong thời gian kiểm tra theo lịch", `value="2026-12-28"`}},
		"ends before it starts": {ministry, plan(func(v url.Values) { v.Set("to", "2026-12-13") }), 400, []string{"không được trước ngày bắt đầu"}},
		"a returned file": {ministry, plan(func(v url.Values) { v.Add("wards", "00070") }), 409,
			[]string{"Chỉ kiểm tra phường đã được phê duyệt hồ sơ", "00070"}},
		"a ward already planned":          {ministry, plan(func(v url.Values) { v.Add("wards", "00004") }), 409, []string{"đã có trong một đợt kiểm tra khác", "00004"}},
		"a city-level ward":               {ministry, plan(func(v url.Values) { v.Set("wards", "00226") }), 409, []string{"không đăng ký ở cấp này", "00226"}},
		"a reviewer in a Ministry team":   {ministry, plan(func(v url.Values) { v.Add("members", "hanoi") }), 409, []string{"Không thể tham gia:", "hanoi"}},
		"an unknown leader":               {ministry, plan(func(v url.Values) { v.Set("leader", "nobody") }), 400, []string{"Trưởng đoàn không tồn tại", "nobody"}},
		"no ward":                         {ministry, plan(func(v url.Values) { v.Del("wards") }), 400, []string{"Hãy chọn ít nhất một phường"}},
		"the city plans a Ministry visit": {hanoi, plan(nil), 403, nil},
	} {
		r := post(t, tt.c, srv.URL+"/2026/inspections", tt.form)
		if r.status != tt.status {
			t.Errorf("%s = %d, want %d", name, r.status, tt.status)
		}
		mustContain(t, name, r.body, tt.says...)
	}
	if dbState(t, dbURL) != before {
		t.Fatal("a refused plan changed the database")
	}

	r := post(t, ministry, srv.URL+"/2026/inspections", plan(nil))
	if r.status != http.StatusSeeOther {
		t.Fatalf("plan = %d", r.status)
	}
	id := queryInt(t, dbURL, `SELECT max(id) FROM inspections`)
	base := fmt.Sprintf("%s/2026/inspections/%d", srv.URL, id)
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/2026/inspections/%d", id) {
		t.Errorf("plan went to %q", loc)
	}
	if countAudit(t, dbURL, "inspection_plan", fmt.Sprintf("2026/%d", id)) != 1 {
		t.Error("the plan is not audited")
	}
	mustContain(t, "the reviewer's notices", get(t, hanoi, srv.URL+"/notifications").body,
		"Đoàn kiểm tra thực tế sẽ kiểm tra Phường Ô Chợ Dừa (năm 2026) trong thời gian từ 14/12/2026 đến 15/12/2026.")
	mustContain(t, "the inspection", get(t, hanoi, base).body, "Kiểm tra thực tế — Thành phố Hà Nội", "14/12/2026 – 15/12/2026",
		"Cục V05 – Bộ Công an", "Tự đánh giá 17/20 · Thẩm định 16/20", "Đã ghi 0/20 tiêu chí", `href="/2026/inspections/`+fmt.Sprint(id)+`/wards/00190"`)

	// The checklist to take along, before the visit.
	r = get(t, ministry, base+"/wards/00190.pdf")
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("checklist = %d %s", r.status, r.header.Get("Content-Type"))
	}
	mustContain(t, "checklist", pdfText(t, []byte(r.body)), "PHIẾU KIỂM TRA THỰC TẾ", "Phường Ô Chợ Dừa", "□ Đạt", "Trưởng đoàn:", "Cục V05 – Bộ Công an",
		"Chưa đạt. Còn")

	sheet := base + "/wards/00190"
	page := get(t, ministry, sheet).body
	mustContain(t, "sheet", page, "Phiếu kiểm tra thực tế — Phường Ô Chợ Dừa", `id="c13"`, `name="finding" value="met"`, `id="conclude"`,
		"Còn các tiêu chí chưa ghi kết quả kiểm tra: 1, 2, 3")
	if strings.Contains(get(t, hanoi, sheet).body, `name="finding"`) {
		t.Error("a reviewer outside the team is offered the sheet's forms")
	}
	sheetAt := sheetVersion.FindStringSubmatch(page)[1]
	before = dbState(t, dbURL)
	for name, tt := range map[string]struct {
		c      *http.Client
		n      int
		form   url.Values
		status int
		says   string
	}{
		"differs without a note":  {ministry, 13, url.Values{"finding": {"met"}, "version": {sheetAt}}, 400, "Kết quả kiểm tra khác kết quả thẩm định: hãy ghi rõ lý do."},
		"no choice":               {ministry, 2, url.Values{"finding": {"maybe"}, "note": {"gõ dở"}, "version": {sheetAt}}, 400, ">gõ dở</textarea>"},
		"a measure without value": {ministry, 3, url.Values{"finding": {"met"}, "version": {sheetAt}}, 400, "hãy nhập giá trị kiểm tra được"},
		"stale":                   {ministry, 2, url.Values{"finding": {"met"}, "version": {"999"}}, 409, "Phiếu đã được thành viên khác cập nhật"},
		"not in the team":         {hanoi, 2, url.Values{"finding": {"met"}, "version": {sheetAt}}, 403, ""},
	} {
		r := post(t, tt.c, fmt.Sprintf("%s/criteria/%d", sheet, tt.n), tt.form)
		if r.status != tt.status || !strings.Contains(r.body, tt.says) {
			t.Errorf("%s = %d, want %d saying %q", name, r.status, tt.status, tt.says)
		}
	}
	if r := post(t, ministry, sheet+"/conclude", url.Values{"proposal": {"recognize"}}); r.status != http.StatusConflict ||
		!strings.Contains(r.body, "còn tiêu chí chưa ghi kết quả kiểm tra") {
		t.Errorf("concluding with criteria left = %d", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Fatal("a refused finding or conclusion changed the database")
	}

	// Every criterion found: as appraised, but criterion 13 found met (the
	// pavements were cleared) and the year-end ones judged on site.
	values := map[int]string{}
	for _, row := range strings.Split(queryRow[string](t, dbURL, `SELECT string_agg(r.number || '=' || r.value::text, ',') FROM results r
		JOIN assessments a ON a.id = r.assessment_id WHERE a.year = 2026 AND a.ward_id = unit_in_year('00190', 2026) AND r.value IS NOT NULL`), ",") {
		var n int
		var v string
		fmt.Sscanf(strings.Replace(row, "=", " ", 1), "%d %s", &n, &v)
		values[n] = v
	}
	// With a photo taken there, in the same form: it is the inspection's,
	// not the ward's.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"finding": "met", "version": sheetAt} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "IMG_0001.png")
	fw.Write(samplePNG(t))
	mw.Close()
	res, err := ministry.Post(sheet+"/criteria/2", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	if r := read(t, res); r.status != http.StatusSeeOther {
		t.Fatalf("finding with a photo = %d: %s", r.status, r.body)
	}
	page = get(t, ministry, sheet).body
	mustContain(t, "sheet with a photo", page, `id="photos-2"`, "Ảnh kiểm tra thực tế tiêu chí 2")
	crit := get(t, hanoi, srv.URL+"/2026/wards/00190/criteria/2").body
	if strings.Contains(section(t, crit, `<section id="evidence"`), "Ảnh kiểm tra thực tế tiêu chí 2") {
		t.Error("the team's photo is listed as the ward's evidence")
	}
	mustContain(t, "criterion's history", crit, "Đoàn kiểm tra thêm ảnh cho tiêu chí 2", "Kết quả kiểm tra thực tế tiêu chí 2")
	if n := queryInt(t, dbURL, `SELECT count(*) FROM evidence WHERE inspection_id = $1 AND number = 2 AND dated = '2026-12-01'`, id); n != 1 {
		t.Error("the photo is not stored as the inspection's, dated the day it was taken")
	}
	sheetAt = sheetVersion.FindStringSubmatch(page)[1]
	for n := 1; n <= 20; n++ {
		if n == 2 {
			continue
		}
		form := url.Values{"finding": {"met"}, "value": {values[n]}, "version": {sheetAt}}
		if n == 13 || n == 1 || n == 5 || n == 9 {
			form.Set("note", "Kiểm tra tại chỗ: đạt.")
		}
		r := post(t, ministry, fmt.Sprintf("%s/criteria/%d", sheet, n), form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("finding %d = %d", n, r.status)
		}
		sheetAt = sheetVersion.FindStringSubmatch(get(t, ministry, sheet).body)[1]
	}
	if n := queryInt(t, dbURL, `SELECT count(*) FROM audit_log WHERE action = 'finding_update' AND entity_key LIKE '00190/2026/%'`); n != 20 {
		t.Errorf("%d findings audited, want 20", n)
	}
	mustContain(t, "ward page", get(t, hanoi, srv.URL+"/2026/wards/00190").body,
		"Tự đánh giá 17/20 · Thẩm định 16/20 · <strong>Kiểm tra 20/20</strong>", `id="finding-13"`, "Kiểm tra tại chỗ: đạt.")
	// Not yet concluded: recognition waits.
	if r := post(t, ministry, srv.URL+"/2026/wards/00190/recognize", url.Values{"decision_no": {"16/QĐ-BCA"}, "decision_date": {"2026-12-01"}}); r.status != http.StatusConflict ||
		!strings.Contains(r.body, "đoàn kiểm tra thực tế chưa kết luận") {
		t.Errorf("recognising during the visit = %d", r.status)
	}
	if r := post(t, hanoi, sheet+"/conclude", url.Values{"proposal": {"recognize"}}); r.status != http.StatusForbidden {
		t.Errorf("a non-leader concluding = %d", r.status)
	}
	if r := post(t, ministry, sheet+"/conclude", url.Values{"proposal": {"decline"}}); r.status != http.StatusBadRequest ||
		!strings.Contains(r.body, "Khi không đề nghị công nhận, hãy ghi nhận xét.") {
		t.Errorf("declining without remarks = %d", r.status)
	}
	if r := post(t, ministry, sheet+"/conclude", url.Values{"proposal": {"recognize"}, "note": {"Đạt 20/20 tiêu chí."}}); r.status != http.StatusSeeOther {
		t.Fatalf("conclude = %d", r.status)
	}
	page = get(t, ministry, sheet).body
	mustContain(t, "concluded sheet", page, `id="conclusion"`, "Đề nghị công nhận", "Đạt 20/20 tiêu chí.")
	if strings.Contains(page, `name="finding"`) || strings.Contains(page, `id="conclude"`) {
		t.Error("a concluded sheet still has forms")
	}
	if r := post(t, ministry, sheet+"/criteria/2", url.Values{"finding": {"not_met"}, "note": {"x"}, "version": {sheetAt}}); r.status != http.StatusConflict {
		t.Errorf("a finding after the conclusion = %d", r.status)
	}
	mustContain(t, "record", pdfText(t, []byte(get(t, ministry, sheet+".pdf").body)), "BIÊN BẢN KIỂM TRA THỰC TẾ", "Đề nghị công nhận.",
		"Đạt 20/20 tiêu chí.", "Tự đánh giá 17/20 · Thẩm định 16/20 · Kiểm tra 20/20", "Kiểm tra tại chỗ: đạt.", "TRƯỞNG ĐOÀN KIỂM TRA")
	if !strings.Contains(get(t, ministry, srv.URL+"/2026/units/01/summary.csv").body, ",ministry,,,17,16,20,recognize\n") {
		t.Error("the summary does not carry Ô Chợ Dừa's tiers")
	}

	// The ward page says where its visit stands, and leads those who may
	// see the inspection to its sheet; the homes lead to the inspections.
	demoVisit := fmt.Sprintf("/2026/inspections/%d/wards/00097", queryInt(t, dbURL, `SELECT min(id) FROM inspections WHERE year = 2026`))
	mustContain(t, "Hồng Hà's page", get(t, hanoi, srv.URL+"/2026/wards/00097").body, `id="visit"`,
		"Kiểm tra thực tế 01/12/2026 – 11/12/2026", "Đã ghi 12/20 tiêu chí", `href="`+demoVisit+`"`, `href="`+demoVisit+`.pdf"`)
	mustContain(t, "Ministry's home", get(t, ministry, srv.URL+"/").body, `href="/2026/inspections" id="inspections-link"`)

	// Recognition follows the inspection: Ô Chợ Dừa (20/20 found,
	// concluded) and Ba Đình may be recognised; Hồng Hà, whose visit goes
	// on, may not.
	for ward, want := range map[string]int{"00190": 303, "00004": 303, "00097": 409} {
		r := post(t, ministry, srv.URL+"/2026/wards/"+ward+"/recognize", url.Values{"decision_no": {"16/QĐ-BCA"}, "decision_date": {"2026-12-01"}})
		if r.status != want {
			t.Errorf("recognising %s = %d, want %d", ward, r.status, want)
		}
	}
}

// Each dashboard says where the tiers differ, per child unit and for the
// criteria most often overturned, and every count leads to the list of
// those criteria with their reasons; the counts are the findings'.
func TestTierDifferencesOnDashboards(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	ministry := signIn(t, srv, "bocongan")
	national := get(t, ministry, srv.URL+"/2026/units/VN").body
	tiers := section(t, national, `<section id="tier-differences"`)
	mustContain(t, "national tiers", tiers, "Thẩm định đã thay đổi 1 tiêu chí so với phường tự đánh giá",
		"Kiểm tra thực tế đã thay đổi 1 tiêu chí so với thẩm định", `href="/2026/units/VN/changes#appraised"`,
		`href="/2026/units/VN/changes?criterion=11"`, `href="/2026/units/VN/changes?criterion=13"`)
	// Hà Nội's row: one of each, linked.
	row := rowWith(t, national, `href="/2026/units/01"`)
	mustContain(t, "Hà Nội's row", row, `<a href="/2026/units/01/changes#appraised">1</a>`, `<a href="/2026/units/01/changes#inspected">1</a>`)
	findings := queryInt(t, dbURL, `SELECT count(*) FROM findings f JOIN assessments a ON a.id = f.assessment_id
		JOIN results r ON r.assessment_id = a.id AND r.number = f.number WHERE a.year = 2026 AND f.status <> r.status`)
	if findings != 1 {
		t.Errorf("%d findings differ in the demo's 2026, the dashboard counts 1", findings)
	}

	page := get(t, ministry, srv.URL+"/2026/units/01/changes").body
	mustContain(t, "changes", page, "Thẩm định khác phường tự đánh giá (1)", "Phường Ô Chợ Dừa", "Còn lấn chiếm vỉa hè tại khu chợ",
		"Kiểm tra thực tế khác thẩm định (1)", "Phường Hồng Hà", "Hai cơ sở karaoke chưa đủ điều kiện phòng cháy")
	page = get(t, ministry, srv.URL+"/2026/units/VN/changes?criterion=11").body
	mustContain(t, "one criterion", page, "11. ", "Phường Hồng Hà", "Thẩm định khác phường tự đánh giá (0)")
	if r := get(t, ministry, srv.URL+"/2026/units/VN/changes?criterion=x"); r.status != http.StatusBadRequest {
		t.Errorf("a criterion that is not a number = %d", r.status)
	}
	// The ward table shows a ward's tiers where they differ.
	hanoi := section(t, get(t, ministry, srv.URL+"/2026/units/01").body, `<h2 id="wards">`)
	mustContain(t, "Ô Chợ Dừa's row", rowWith(t, hanoi, `href="/2026/wards/00190"`), "16/20", "Tự đánh giá 17/20", "Thẩm định 16/20")
	if strings.Contains(rowWith(t, hanoi, `href="/2026/wards/00004"`), "tiers-small") {
		t.Error("Ba Đình's tiers, all 20/20, are repeated in its row")
	}
	// Before any file reaches the appraisal, nothing is said.
	if strings.Contains(get(t, ministry, srv.URL+"/2025/units/VN").body, `id="tier-differences"`) {
		t.Error("2025 shows tier differences though no file reached the appraisal")
	}
}

// The tiers a ward page shows are the ones the summary exports carry: each
// of Hà Nội's 2026 wards in the CSV against its page, and the PDF's tier
// column.
func TestTiersReconcileWithPages(t *testing.T) {
	srv, _ := newPortalDemo(t)
	ministry := signIn(t, srv, "bocongan")
	recs := csvRecords(t, get(t, ministry, srv.URL+"/2026/units/01/summary.csv").body)
	header := recs[0]
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	checked := 0
	for _, rec := range recs[1:] {
		total := rec[col["total"]]
		page := get(t, ministry, srv.URL+"/2026/wards/"+rec[col["ward_code"]]).body
		want := []string{fmt.Sprintf("đạt %s/%s tiêu chí", rec[col["met"]], total)}
		if rec[col["appraised_met"]] != "" {
			want = append(want, fmt.Sprintf("Tự đánh giá %s/%s", rec[col["claimed_met"]], total),
				fmt.Sprintf("Thẩm định %s/%s", rec[col["appraised_met"]], total))
			checked++
		}
		if rec[col["inspected_met"]] != "" {
			want = append(want, fmt.Sprintf("Kiểm tra %s/%s", rec[col["inspected_met"]], total))
		}
		if p := rec[col["inspection"]]; p != "" {
			want = append(want, map[string]string{"recognize": "Đề nghị công nhận", "decline": "Không đề nghị công nhận"}[p])
		}
		mustContain(t, rec[col["ward_code"]], page, want...)
	}
	if checked < 3 {
		t.Errorf("only %d wards past their claim", checked)
	}
	text := pdfText(t, []byte(get(t, ministry, srv.URL+"/2026/units/01/summary.pdf").body))
	mustContain(t, "summary PDF", text, "Tự ĐG · TĐ · KT", "17 · 16 · –", "20 · 20 · 19", "20 · 20 · 20")
}
