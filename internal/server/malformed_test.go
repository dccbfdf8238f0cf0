package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// fullState sums up everything a request could change.
func fullState(t *testing.T, dbURL string) string {
	t.Helper()
	return queryRow[string](t, dbURL, `SELECT md5(concat_ws(' | ',
		(SELECT string_agg(concat_ws(',', username, full_name, role, unit_id, active, password_hash, updated_at), ';' ORDER BY id) FROM users),
		(SELECT string_agg(concat_ws(',', code, kind, name, parent_code, valid_from, valid_to), ';' ORDER BY code) FROM units),
		(SELECT string_agg(concat_ws(',', old_id, new_id), ';' ORDER BY old_id, new_id) FROM unit_links),
		(SELECT count(*) FROM registrations), (SELECT count(*) FROM quotas),
		(SELECT string_agg(concat_ws(',', year, year_end_opens, revision), ';' ORDER BY year) FROM catalogues),
		(SELECT string_agg(concat_ws(',', year, number, title_vi, kind, comparator, threshold, year_end), ';' ORDER BY year, number) FROM criteria),
		(SELECT string_agg(concat_ws(',', id, state, version, return_reason, decision_no, decision_date, met, pending), ';' ORDER BY id) FROM assessments),
		(SELECT string_agg(concat_ws(',', assessment_id, number, status, value, note, version), ';' ORDER BY assessment_id, number) FROM results),
		(SELECT string_agg(concat_ws(',', id, title, removed_at), ';' ORDER BY id) FROM evidence),
		(SELECT string_agg(concat_ws(',', id, body), ';' ORDER BY id) FROM comments),
		(SELECT string_agg(concat_ws(',', id, name, revoked_at), ';' ORDER BY id) FROM api_tokens),
		(SELECT count(*) FROM audit_log WHERE entity <> 'session' AND action NOT IN ('sign_in', 'sign_in_failed', 'sign_out'))))`)
}

// Every form the portal takes, sent malformed — fields missing, of the
// wrong type, enormous, not UTF-8 — is refused with a 4xx and a message in
// the user's language, and nothing in the database changes.
func TestMalformedInputIsRefused(t *testing.T) {
	srv, dbURL := newPortalDB(t)
	users := map[string]string{"officer": "phula", "reviewer": "hanoi", "ministry": "bocongan", "admin": "admin"}
	type route struct {
		as, path string
		fields   []string
		// wrong sets fields to values of the wrong type or shape.
		wrong map[string]string
		// optional: the form has no required field, so an empty one is valid.
		optional bool
	}
	routes := []route{
		{"anyone", "/login", []string{"username", "password"}, nil, false},
		{"officer", "/2022/wards/09552/criteria/13", []string{"status", "value", "note", "version"},
			map[string]string{"status": "done", "value": "ninety", "version": "v2"}, false},
		{"officer", "/2022/wards/09552/criteria/13/evidence", []string{"title", "dated", "file"},
			map[string]string{"title": "x", "dated": "yesterday", "file": "%PDF"}, false},
		{"officer", "/2022/wards/09552/submit", nil, nil, true},
		{"officer", "/2023/wards/09552/evidence/abc/remove", []string{"version"}, map[string]string{"version": "x"}, false},
		{"reviewer", "/2023/wards/09552/criteria/13/comments", []string{"body"}, nil, false},
		{"reviewer", "/2023/wards/09552/review", []string{"decision", "reason", "version"},
			map[string]string{"decision": "maybe", "version": "new"}, false},
		{"ministry", "/2023/wards/09552/recognize", []string{"decision_no", "decision_date", "version"},
			map[string]string{"decision_date": "31/02/2022", "version": "-"}, false},
		{"admin", "/2022/wards/20236/reopen", []string{"reason", "version"}, map[string]string{"version": "one"}, false},
		{"admin", "/admin/catalogues", []string{"from", "to", "year_end_opens"},
			map[string]string{"from": "last", "to": "20x6", "year_end_opens": "soon"}, false},
		{"admin", "/admin/catalogues/2025/year-end", []string{"year_end_opens", "revision"}, map[string]string{"year_end_opens": "2025-13-40"}, false},
		{"admin", "/admin/catalogues/2025/criteria", []string{"number", "group", "group_vi", "group_en", "title_vi", "title_en", "kind", "unit", "comparator", "threshold", "scale"},
			map[string]string{"number": "twenty", "kind": "feeling", "comparator": "≈", "threshold": "high", "scale": "log"}, false},
		{"admin", "/admin/catalogues/2025/criteria/13", []string{"group", "group_vi", "group_en", "title_vi", "title_en", "kind", "unit", "comparator", "threshold", "scale"},
			map[string]string{"kind": "feeling", "comparator": "≈", "threshold": "high", "scale": "log"}, false},
		{"admin", "/admin/catalogues/2025/criteria/abc/remove", []string{"revision"}, nil, false},
		{"admin", "/admin/units/import", []string{"what", "mode", "file"}, map[string]string{"what": "planets", "mode": "apply", "file": "not,a,csv"}, false},
		{"admin", "/admin/units/deactivate", []string{"code", "valid_to"}, map[string]string{"code": "09552", "valid_to": "tomorrow"}, false},
		{"admin", "/admin/tokens", []string{"name", "username"}, map[string]string{"username": "nobody-such"}, false},
		{"admin", "/admin/tokens/abc/revoke", nil, nil, true},
		{"admin", "/admin/users", []string{"username", "full_name", "role", "unit", "password"},
			map[string]string{"username": "a b", "role": "king", "unit": "nowhere", "password": "short"}, false},
		{"admin", "/admin/users/phula/active", []string{"active"}, map[string]string{"active": "perhaps"}, false},
		{"admin", "/admin/users/phula/password", nil, nil, true},
	}
	signedIn := map[string]*http.Client{"anyone": newClient()}
	for role, user := range users {
		signedIn[role] = signIn(t, srv, user)
	}
	before := fullState(t, dbURL)
	for _, rt := range routes {
		variants := map[string]url.Values{
			"not UTF-8": {},
			"enormous":  {},
		}
		if !rt.optional {
			variants["missing"] = url.Values{}
		}
		for _, f := range rt.fields {
			variants["not UTF-8"].Set(f, "\xff\xfe\xfd")
			variants["enormous"].Set(f, strings.Repeat("a", 2<<20))
		}
		if len(rt.fields) == 0 {
			variants["not UTF-8"].Set("x", "\xff")
			variants["enormous"].Set("x", strings.Repeat("a", 2<<20))
		}
		if rt.wrong != nil {
			wrong := url.Values{}
			for _, f := range rt.fields {
				wrong.Set(f, "1")
			}
			for f, v := range rt.wrong {
				wrong.Set(f, v)
			}
			variants["wrong types"] = wrong
		}
		for name, form := range variants {
			r := post(t, signedIn[rt.as], srv.URL+rt.path, form)
			what := rt.path + " " + name
			if after := fullState(t, dbURL); after != before {
				t.Fatalf("%s (%d) changed the database", what, r.status)
			}
			if r.status < 400 || r.status > 499 {
				t.Errorf("%s: %d, want a 4xx", what, r.status)
				continue
			}
			if !strings.Contains(r.body, `<html lang="vi">`) || !strings.Contains(r.body, `role="alert"`) {
				t.Errorf("%s: %d without a message in Vietnamese: %.300s", what, r.status, r.body)
			}
			if strings.Contains(r.body, "[[") || strings.Contains(r.body, "%!") || strings.Contains(r.body, "\xff") {
				t.Errorf("%s: the message is broken: %.300s", what, r.body)
			}
		}
	}
}

// An address whose query is not UTF-8 is refused on every route, with a
// message, before any page echoes it back.
func TestQueryNotUTF8IsRefused(t *testing.T) {
	srv := newPortal(t)
	c := signIn(t, srv, "hanoi")
	for _, path := range []string{"/2023/units/01?q=%ff%fe", "/2023/units/01/summary.csv?x=%ff", "/2023/wards/09552?%ff=1",
		"/login?next=%ff", "/lang?to=en&next=%ff"} {
		r := get(t, c, srv.URL+path)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s = %d, want 400", path, r.status)
			continue
		}
		if strings.Contains(r.body, "\xff") || !strings.Contains(r.body, "Địa chỉ trang có ký tự không hợp lệ") {
			t.Errorf("%s: %.300s", path, r.body)
		}
	}
	r := get(t, c, srv.URL+"/api/v1/2023/units/01/summary?x=%ff")
	if r.status != http.StatusBadRequest || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || !strings.Contains(r.body, "UTF-8") {
		t.Errorf("API with a query not in UTF-8 = %d %s %.200s", r.status, r.header.Get("Content-Type"), r.body)
	}
}
