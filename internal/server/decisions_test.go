package server_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"modelward/internal/server"
	"modelward/internal/signing"
	"modelward/internal/testdb"
)

// signedPortal serves the demo with the portal's signing key: a demo key
// under a demo authority, as seed --demo makes one.
func signedPortal(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	st, dbURL := testdb.Open(t, true)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	return servePortal(t, server.Config{Store: st, Demo: true, Logger: quiet, Now: testNow, Signer: demoSigner(t, "Bộ Công an")}), dbURL
}

// demoSigner is a demo key under a demo authority, for the body named.
func demoSigner(t *testing.T, body string) *signing.Signer {
	t.Helper()
	s, _, err := signing.NewDemo(body, testNow())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runTool runs an outside tool on a file, skipping the test when the tool
// is missing.
func runTool(t *testing.T, tool string, content []byte, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s is not installed", tool)
	}
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(tool, append(args, path)...).CombinedOutput()
	return string(out)
}

var decisionLocation = regexp.MustCompile(`^/2026/decisions/([0-9]+)$`)

// The Ministry drafts a decision for the demo's eligible ward (Ba Đình,
// inspected and proposed), reads the draft, and issues it signed by the
// portal: pdfsig finds the signature valid over the whole file; the ward
// is recognised; its certificate's QR code, read by zbarimg, opens a
// verification page that says valid, with the signed decision's SHA-256.
func TestDecisionSignedByThePortal(t *testing.T) {
	srv, dbURL := signedPortal(t)
	ministry := signIn(t, srv, "bocongan")
	page := get(t, ministry, srv.URL+"/2026/decisions").body
	mustContain(t, "decisions", page, `id="draft"`, `name="wards" value="00004" checked`)
	for _, w := range []string{"00097", "00190", "09552"} {
		if strings.Contains(page, `name="wards" value="`+w+`"`) {
			t.Errorf("ward %s, not eligible, is offered", w)
		}
	}
	form := url.Values{"number": {"15/QĐ-BCA"}, "date": {"2026-12-01"}, "signer": {"Nguyễn Văn A"}, "signer_title": {"Bộ trưởng"}, "wards": {"00004"}}
	before := dbState(t, dbURL)
	for name, tt := range map[string]struct {
		form   url.Values
		status int
		says   string
	}{
		"a ward not eligible": {with(form, "wards", "00097"), 409, "chưa đủ điều kiện công nhận"},
		"a future date":       {with(form, "date", "2027-01-01"), 400, "Ngày quyết định không hợp lệ"},
		"no signer":           {with(form, "signer", " "), 400, "Hãy nhập họ tên người ký"},
		"no ward":             {with(form, "wards", ""), 400, "Hãy chọn ít nhất một phường."},
	} {
		r := post(t, ministry, srv.URL+"/2026/decisions", tt.form)
		if r.status != tt.status || !strings.Contains(r.body, tt.says) {
			t.Errorf("%s = %d, want %d saying %q", name, r.status, tt.status, tt.says)
		}
	}
	if r := post(t, signIn(t, srv, "hanoi"), srv.URL+"/2026/decisions", form); r.status != http.StatusConflict {
		t.Errorf("the city drafting over a Ministry-level ward = %d", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Fatal("a refused draft changed the database")
	}
	r := post(t, ministry, srv.URL+"/2026/decisions", form)
	m := decisionLocation.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("draft = %d %s", r.status, r.header.Get("Location"))
	}
	decision := srv.URL + "/2026/decisions/" + m[1]
	page = get(t, ministry, decision).body
	mustContain(t, "draft page", page, "Quyết định số 15/QĐ-BCA", "dự thảo", "Phường Ba Đình", `id="issue-portal"`, `id="issue-upload"`)
	draft := get(t, ministry, decision+".pdf")
	text := pdfText(t, []byte(draft.body))
	mustContain(t, "draft", text, "BỘ CÔNG AN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 15/QĐ-BCA",
		"Hà Nội, ngày 1 tháng 12 năm 2026", "QUYẾT ĐỊNH", "Căn cứ", "Điều 1.", "Công an phường Ba Đình", "Điều 3.", "Nơi nhận:", "BỘ TRƯỞNG", "Nguyễn Văn A")
	out := runTool(t, "pdffonts", []byte(draft.body))
	fonts := strings.Split(strings.TrimSpace(out), "\n")
	if len(fonts) < 3 {
		t.Errorf("pdffonts finds no font:\n%s", out)
	}
	for _, line := range fonts[min(2, len(fonts)):] {
		if f := strings.Fields(line); len(f) < 5 || f[len(f)-5] != "yes" {
			t.Errorf("a font of the draft is not embedded: %s", line)
		}
	}

	r = post(t, ministry, decision+"/issue", url.Values{})
	if r.status != http.StatusSeeOther {
		t.Fatalf("issue = %d: %s", r.status, r.body)
	}
	signed := []byte(get(t, ministry, decision+".pdf").body)
	if !bytes.HasPrefix(signed, []byte(draft.body)) {
		t.Error("the signed decision does not begin with the draft")
	}
	out = runTool(t, "pdfsig", signed)
	for _, want := range []string{"Signature is Valid", "Total document signed", "Bộ Công an (DEMO)"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig does not say %q:\n%s", want, out)
		}
	}
	if st := stateOf(t, dbURL, "00004", 2026); st != "recognized" {
		t.Errorf("Ba Đình is %s after the decision", st)
	}
	if countAudit(t, dbURL, "decision_issue", "2026/"+m[1]) != 1 {
		t.Error("the issue is not audited")
	}
	page = get(t, ministry, decision).body
	mustContain(t, "issued", page, "đã ban hành, có chữ ký số", "ký bằng khóa của cổng", `href="/2026/wards/00004/certificate.pdf"`)
	if strings.Contains(page, `id="issue-portal"`) {
		t.Error("an issued decision still offers to issue")
	}
	if r := post(t, ministry, decision+"/issue", url.Values{}); r.status != http.StatusConflict {
		t.Errorf("issuing twice = %d", r.status)
	}
	mustContain(t, "ward page", get(t, ministry, srv.URL+"/2026/wards/00004").body, "Quyết định công nhận số 15/QĐ-BCA, ngày 01/12/2026")

	// The certificate and its QR code.
	cert := get(t, signIn(t, srv, "hanoi"), srv.URL+"/2026/wards/00004/certificate.pdf")
	if cert.status != 200 || cert.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("certificate = %d", cert.status)
	}
	mustContain(t, "certificate", pdfText(t, []byte(cert.body)), "GIẤY CHỨNG NHẬN", "Công an phường Ba Đình", "năm 2026", "15/QĐ-BCA")
	verifyURL := qrOf(t, []byte(cert.body))
	if !strings.HasPrefix(verifyURL, srv.URL+"/public/verify/") || len(strings.TrimPrefix(verifyURL, srv.URL+"/public/verify/")) < 26 {
		t.Fatalf("the QR code holds %q", verifyURL)
	}
	anonymous := newClient()
	v := get(t, anonymous, verifyURL)
	sum := queryRow[string](t, dbURL, `SELECT encode(sha256, 'hex') FROM decisions WHERE id = $1`, m[1])
	mustContain(t, "verification", v.body, "Giấy chứng nhận hợp lệ", "Phường Ba Đình", "Thành phố Hà Nội", "15/QĐ-BCA", sum)
	if d := get(t, anonymous, verifyURL+"/decision.pdf"); !bytes.Equal([]byte(d.body), signed) {
		t.Error("the verification page's decision is not the signed file")
	}
	if r := get(t, anonymous, srv.URL+"/public/verify/NOTATOKEN"); r.status != http.StatusNotFound || !strings.Contains(r.body, "Không tìm thấy giấy chứng nhận") {
		t.Errorf("an unknown token = %d", r.status)
	}
	// Revoked by a decision of the Ministry (the city may not): the
	// verification then says so; the certificate is no longer issued; the
	// history keeps both decisions.
	if r := post(t, signIn(t, srv, "hanoi"), srv.URL+"/2026/wards/00004/revoke", url.Values{"reason": {"x"}, "decision_no": {"1"}, "decision_date": {"2026-12-01"}}); r.status != http.StatusForbidden {
		t.Errorf("the city revoking a Ministry-level recognition = %d", r.status)
	}
	wardPage := get(t, ministry, srv.URL+"/2026/wards/00004").body
	vm := regexp.MustCompile(`action="/2026/wards/00004/revoke"[^>]*>\s*<input type="hidden" name="version" value="([0-9]+)"`).FindStringSubmatch(wardPage)
	if vm == nil {
		t.Fatal("no revocation form")
	}
	if r := post(t, ministry, srv.URL+"/2026/wards/00004/revoke", url.Values{"reason": {" "}, "decision_no": {"20/QĐ-BCA"}, "decision_date": {"2026-12-01"}, "version": {vm[1]}}); r.status != http.StatusBadRequest ||
		!strings.Contains(r.body, "Hãy nêu lý do thu hồi") {
		t.Errorf("a revocation without a reason = %d", r.status)
	}
	if r := post(t, ministry, srv.URL+"/2026/wards/00004/revoke", url.Values{"reason": {"Vi phạm sau khi công nhận"}, "decision_no": {"20/QĐ-BCA"},
		"decision_date": {"2026-12-01"}, "version": {vm[1]}}); r.status != http.StatusSeeOther {
		t.Fatalf("revoke = %d", r.status)
	}
	mustContain(t, "revoked verification", get(t, anonymous, verifyURL).body, "Việc công nhận đã bị thu hồi ngày 01/12/2026", "20/QĐ-BCA", "Vi phạm sau khi công nhận")
	if r := get(t, ministry, srv.URL+"/2026/wards/00004/certificate.pdf"); r.status != http.StatusNotFound {
		t.Errorf("a certificate after the revocation = %d", r.status)
	}
	if st := stateOf(t, dbURL, "00004", 2026); st != "approved" {
		t.Errorf("Ba Đình is %s after the revocation", st)
	}
	mustContain(t, "history", get(t, ministry, srv.URL+"/2026/wards/00004/history").body, "công nhận", "thu hồi công nhận",
		"Quyết định số 15/QĐ-BCA", "Quyết định số 20/QĐ-BCA")
	mustContain(t, "decision after", get(t, ministry, decision).body, "đã thu hồi ngày 01/12/2026")
	mustContain(t, "public list", get(t, anonymous, srv.URL+"/public/2026").body, "Phường Ba Đình", "đã thu hồi ngày 01/12/2026")
	mustContain(t, "feed", get(t, anonymous, srv.URL+"/public/feed.xml").body, "Thu hồi công nhận: Phường Ba Đình")

	// A certificate for a ward not recognised does not exist.
	if r := get(t, ministry, srv.URL+"/2026/wards/00097/certificate.pdf"); r.status != http.StatusNotFound {
		t.Errorf("a certificate for Hồng Hà = %d", r.status)
	}
}

// A province issues a decision for its city-level ward by uploading the
// draft signed elsewhere (here with a key of its own, as the signer's
// software would); a file that is not the draft signed, or a signed draft
// with a byte changed, is refused saying why and changes nothing.
func TestDecisionSignedElsewhere(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	approveDuongNoi(t, dbURL)
	hanoi := signIn(t, srv, "hanoi")
	r := post(t, hanoi, srv.URL+"/2026/decisions", url.Values{"number": {"45/QĐ-CAHN"}, "date": {"2026-11-30"}, "signer": {"Trần Văn B"},
		"signer_title": {"Giám đốc"}, "wards": {"09886"}})
	m := decisionLocation.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("draft = %d", r.status)
	}
	decision := srv.URL + "/2026/decisions/" + m[1]
	page := get(t, hanoi, decision).body
	if strings.Contains(page, `id="issue-portal"`) || !strings.Contains(page, `id="issue-upload"`) {
		t.Error("without a key the portal offers to sign, or no upload")
	}
	draft := []byte(get(t, hanoi, decision+".pdf").body)
	mustContain(t, "city draft", pdfText(t, draft), "CÔNG AN THÀNH PHỐ HÀ NỘI", "Số: 45/QĐ-CAHN", "Hà Nội, ngày 30 tháng 11 năm 2026", "GIÁM ĐỐC")

	outside := demoSigner(t, "Công an Thành phố Hà Nội")
	signed, err := outside.Sign(draft, "Ký ban hành", testNow())
	if err != nil {
		t.Fatal(err)
	}
	// A byte changed in what the signature covers, after the draft.
	tampered := bytes.Clone(signed)
	i := len(draft) + bytes.Index(signed[len(draft):], []byte("/Reason")) + 3
	tampered[i] ^= 0x20
	other, err := outside.Sign([]byte(get(t, hanoi, srv.URL+"/2026/units/01/summary.pdf").body), "x", testNow())
	if err != nil {
		t.Fatal(err)
	}
	before := dbState(t, dbURL)
	for name, tt := range map[string]struct {
		file []byte
		says string
	}{
		"unsigned":      {draft, "không có chữ ký số"},
		"tampered":      {tampered, "Chữ ký số không hợp lệ"},
		"another draft": {other, "không phải là dự thảo này đã được ký"},
	} {
		r := uploadFile(t, hanoi, decision+"/issue", tt.file)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, tt.says) {
			t.Errorf("%s = %d, want 400 saying %q", name, r.status, tt.says)
		}
	}
	if r := post(t, hanoi, decision+"/issue", url.Values{}); r.status != http.StatusConflict || !strings.Contains(r.body, "chưa được cấu hình khóa ký số") {
		t.Errorf("asking a portal without a key to sign = %d", r.status)
	}
	if dbState(t, dbURL) != before {
		t.Fatal("a refused issue changed the database")
	}
	// Signed by an outside signer, poppler's pdfsig with a key in an NSS
	// database, as the signer's own software would.
	signed = signWithPoppler(t, draft, "Giam doc Cong an Ha Noi (DEMO)")
	if out := runTool(t, "pdfsig", signed); !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Total document signed") {
		t.Fatalf("pdfsig on its own signature:\n%s", out)
	}
	if r := uploadFile(t, hanoi, decision+"/issue", signed); r.status != http.StatusSeeOther {
		t.Fatalf("upload = %d: %s", r.status, r.body)
	}
	if got := get(t, hanoi, decision+".pdf").body; got != string(signed) {
		t.Error("the stored decision is not the file uploaded")
	}
	mustContain(t, "issued", get(t, hanoi, decision).body, "Giam doc Cong an Ha Noi (DEMO)", "ký bằng phần mềm ký số, tải lên")
	if st := stateOf(t, dbURL, "09886", 2026); st != "recognized" {
		t.Errorf("Dương Nội is %s", st)
	}
}

func with(v url.Values, key, value string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	if key == "wards" && value != "" {
		out.Add(key, value)
	} else {
		out.Set(key, value)
	}
	return out
}

func uploadFile(t *testing.T, c *http.Client, u string, content []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "quyet-dinh-da-ky.pdf")
	fw.Write(content)
	mw.Close()
	res, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

// qrOf reads the QR code of a PDF's first page with zbarimg, from the
// page drawn by pdftoppm: tools nobody here wrote.
func qrOf(t *testing.T, pdf []byte) string {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "c.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", filepath.Join(dir, "page.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// The demo carries its decisions issued and verifiable: 2878 of
// 22/4/2025 recognising three wards of Quảng Nam for 2024, signed (pdfsig
// finds it valid over the whole file), each ward's certificate verifying.
func TestDemoDecisions(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	ministry := signIn(t, srv, "bocongan")
	id := queryInt(t, dbURL, `SELECT id FROM decisions WHERE year = 2024 AND number = '2878'`)
	page := get(t, ministry, fmt.Sprintf("%s/2024/decisions/%d", srv.URL, id)).body
	mustContain(t, "2878", page, "Quyết định số 2878", "22/04/2025", "đã ban hành, có chữ ký số", "Phường Điện An", "Phường Điện Nam Trung", "Phường Điện Nam Đông")
	signed := []byte(get(t, ministry, fmt.Sprintf("%s/2024/decisions/%d.pdf", srv.URL, id)).body)
	if out := runTool(t, "pdfsig", signed); !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Total document signed") {
		t.Errorf("pdfsig on the demo's 2878:\n%s", out)
	}
	token := queryRow[string](t, dbURL, `SELECT x.token FROM decision_wards x JOIN assessments a ON a.id = x.assessment_id
		WHERE x.decision_id = $1 AND a.ward_id = unit_in_year('20575', 2024)`, id)
	mustContain(t, "verification", get(t, newClient(), srv.URL+"/public/verify/"+token).body, "Giấy chứng nhận hợp lệ", "Phường Điện An", "2878", "22/04/2025")
}

// Issued decisions are public acts: the public list links each to its
// decision, which anyone reads and downloads; a draft is nobody's but its
// deciders'.
func TestDecisionsArePublic(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	anonymous := newClient()
	id := queryInt(t, dbURL, `SELECT id FROM decisions WHERE year = 2024 AND number = '2878'`)
	href := fmt.Sprintf("/2024/decisions/%d", id)
	mustContain(t, "public list", get(t, anonymous, srv.URL+"/public/2024").body, `href="`+href+`"`)
	page := get(t, anonymous, srv.URL+href)
	if page.status != http.StatusOK {
		t.Fatalf("the decision, signed out = %d", page.status)
	}
	mustContain(t, "decision", page.body, "Quyết định số 2878", "Phường Điện An", `href="/public/verify/`)
	if strings.Contains(page.body, "certificate.pdf") || strings.Contains(page.body, `href="/2024/wards/`) {
		t.Error("the public decision leads into the portal")
	}
	if r := get(t, anonymous, srv.URL+href+".pdf"); r.status != http.StatusOK || !strings.HasPrefix(r.body, "%PDF") {
		t.Errorf("the signed decision, signed out = %d", r.status)
	}
	mustContain(t, "list", get(t, anonymous, srv.URL+"/2024/decisions").body, "2878")
	mustContain(t, "feed", get(t, anonymous, srv.URL+"/public/feed.xml").body, href+`" rel="related"`)
	// A draft.
	ministry := signIn(t, srv, "bocongan")
	r := post(t, ministry, srv.URL+"/2026/decisions", url.Values{"number": {"15/QĐ-BCA"}, "date": {"2026-12-01"}, "signer": {"A"}, "signer_title": {"Bộ trưởng"}, "wards": {"00004"}})
	m := decisionLocation.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("draft = %d", r.status)
	}
	for who, c := range map[string]*http.Client{"anonymous": anonymous, "the city": signIn(t, srv, "hanoi"), "an officer": signIn(t, srv, "phula")} {
		if r := get(t, c, srv.URL+"/2026/decisions/"+m[1]); r.status != http.StatusNotFound {
			t.Errorf("%s reading a Ministry draft = %d", who, r.status)
		}
		if strings.Contains(get(t, c, srv.URL+"/2026/decisions").body, "15/QĐ-BCA") {
			t.Errorf("%s sees the Ministry's draft listed", who)
		}
	}
}
