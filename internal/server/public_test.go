package server_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The public list needs no sign-in and shows exactly the recognised wards
// of a year, by province, with their decisions, and nothing else: no
// draft, submitted or approved ward, no figures, no officer's name.
func TestPublicListOfModelWards(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	year := queryInt(t, dbURL, `SELECT max(year) FROM assessments WHERE state = 'recognized'`)
	want := queryInt(t, dbURL, `SELECT count(*) FROM assessments WHERE state = 'recognized' AND year = $1`, year)
	if want == 0 {
		t.Fatal("the demo has no recognised ward")
	}
	r := get(t, nil, srv.URL+"/public")
	if r.status != http.StatusOK || r.header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("/public = %d, Cache-Control %q", r.status, r.header.Get("Cache-Control"))
	}
	mustContain(t, "public list", r.body, "Các phường điển hình, kiểu mẫu năm "+itoa(year), itoa(want)+" phường được công nhận", `href="/public/feed.xml"`,
		`id="issuer">BỘ CÔNG AN`, `<a class="signin" href="/login" id="signin-link">Cán bộ đăng nhập</a>`)
	if strings.Contains(r.body, "form class=\"signout\"") || strings.Contains(r.body, "modelward_session") {
		t.Error("the public page carries a session")
	}
	if _, ok := r.header["Set-Cookie"]; ok {
		t.Error("the public page sets a cookie, so it cannot be cached")
	}
	// Every recognised ward is there, with its decision; no other ward is.
	rows := queryRows(t, dbURL, `SELECT w.name, a.decision_no FROM assessments a JOIN units w ON w.id = a.ward_id WHERE a.year = $1 AND a.state = 'recognized'`, year)
	for _, row := range rows {
		mustContain(t, "recognised ward", r.body, row[0], "Số "+row[1]+", ngày")
	}
	others := queryRows(t, dbURL, `SELECT w.name, '' FROM assessments a JOIN units w ON w.id = a.ward_id
		WHERE a.year = $1 AND a.state <> 'recognized' AND w.name NOT IN (SELECT w2.name FROM assessments a2 JOIN units w2 ON w2.id = a2.ward_id WHERE a2.state = 'recognized')`, year)
	for _, row := range others {
		if strings.Contains(r.body, ">"+row[0]) {
			t.Errorf("%s, not recognised, is on the public list", row[0])
		}
	}
	for _, private := range []string{"/22", "tiêu chí", "Công an phường Kiến Hưng", "evidence", "đã duyệt"} {
		if strings.Contains(r.body, private) {
			t.Errorf("the public list shows %q", private)
		}
	}
	if r := get(t, nil, srv.URL+"/public/2021"); r.status != http.StatusOK || !strings.Contains(r.body, "Chưa có phường nào được công nhận năm 2021.") {
		t.Errorf("/public/2021 = %d", r.status)
	}
	mustContain(t, "sign-in page", get(t, nil, srv.URL+"/login").body, `href="/public"`)

	// The feed: Atom, the newest decisions.
	r = get(t, nil, srv.URL+"/public/feed.xml")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed = %d %q", r.status, r.header.Get("Content-Type"))
	}
	var feed struct {
		Entries []struct {
			Title string `xml:"title"`
			ID    string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(r.body), &feed); err != nil {
		t.Fatal(err)
	}
	all := queryInt(t, dbURL, `SELECT count(*) FROM assessments WHERE state = 'recognized'`)
	if n := len(feed.Entries); n != min(all, 50) || n == 0 || !strings.Contains(feed.Entries[0].Title, "được công nhận") {
		t.Errorf("feed has %d entries (of %d recognised): %+v", n, all, feed.Entries)
	}
}

// queryRows reads rows of two text columns.
func queryRows(t *testing.T, dbURL, sql string, args ...any) [][2]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		out = append(out, [2]string{a, b})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
