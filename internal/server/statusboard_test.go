package server_test

import (
	"strings"
	"testing"
)

// Every dashboard leads with where the registered wards' files stand, per
// child unit and level, each count linked to the list of its wards; the
// counts add up to the wards registered.
func TestStatusBoard(t *testing.T) {
	srv, dbURL := newPortalDemo(t)
	c := signIn(t, srv, "bocongan")
	r := get(t, c, srv.URL+"/2023/units/VN")
	mustContain(t, "national board", r.body, `id="board"`, "Tình hình hồ sơ", "Gửi đúng hạn", "Gửi muộn", "Đã công nhận", "cấp Bộ")
	board := r.body[strings.Index(r.body, `id="board"`):]
	board = board[:strings.Index(board, "</section>")]
	total := queryInt(t, dbURL, `SELECT count(*) FROM registrations WHERE year = 2023`)
	foot := board[strings.Index(board, "<tfoot>"):]
	if !strings.Contains(foot, `data-label="Đăng ký">`+itoa(total)+`</td>`) {
		t.Errorf("the board's total is not the %d registered wards: %s", total, foot)
	}
	// The demo's 2023 has submitted files (Phú La, Điện Biên, Ô Chợ Dừa).
	submitted := queryInt(t, dbURL, `SELECT count(*) FROM assessments WHERE year = 2023 AND state = 'submitted'`)
	if submitted == 0 {
		t.Fatal("the demo's 2023 has no submitted file to count")
	}
	if !strings.Contains(foot, `href="/2023/units/VN?state=submitted#wards">`+itoa(submitted)+`</a>`) {
		t.Errorf("the submitted count does not link the %d submitted wards: %s", submitted, foot)
	}
	drafts := queryInt(t, dbURL, `SELECT count(*) FROM assessments WHERE year = 2023 AND state = 'draft'`)
	if !strings.Contains(foot, `href="/2023/units/VN?state=draft#wards">`+itoa(drafts)+`</a>`) {
		t.Errorf("the draft count is not %d: %s", drafts, foot)
	}
	// Hà Nội's row links to its own list.
	if !strings.Contains(board, `href="/2023/units/01?state=`) {
		t.Error("a province's counts do not link to its own lists")
	}
}
