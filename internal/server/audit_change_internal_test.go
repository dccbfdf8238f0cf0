package server

import (
	"reflect"
	"testing"

	"modelward/web"
)

// An entry's change in words: fields that differ, set or removed, named;
// a list in one line; what is not a JSON object shown as it is.
func TestAuditChangeInWords(t *testing.T) {
	for _, tc := range []struct {
		before, after string
		want          []web.AuditChange
	}{
		{`{"state":"submitted"}`, `{"state":"approved","reason":"Đủ"}`, []web.AuditChange{
			{Field: "Lý do", To: "Đủ"},
			{Field: "Trạng thái", From: "đã gửi duyệt", To: "đã phê duyệt", Had: true},
		}},
		{`{"ward":"09552","level":"ministry","ward_id":7}`, ``, []web.AuditChange{
			{Field: "Cấp", From: "cấp Bộ", To: "—", Had: true},
			{Field: "Phường", From: "09552", To: "—", Had: true},
		}},
		{``, `{"criteria":{"13":"Thiếu","5":"Sai"},"snapshot":{"id":1},"active":true,"size":1.5}`, []web.AuditChange{
			{Field: "Đang dùng", To: "có"},
			{Field: "Tiêu chí trả lại", To: "13: Thiếu; 5: Sai"},
			{Field: "Dung lượng (byte)", To: "1,5"},
		}},
		{`[1,2]`, `"x"`, []web.AuditChange{{Field: "Trước → sau", From: "[1,2]", To: `"x"`, Had: true}}},
		{`{"note":"a"}`, `{"note":"a"}`, nil},
	} {
		if got := auditChange(web.VI, tc.before, tc.after); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s → %s:\n got %+v\nwant %+v", tc.before, tc.after, got, tc.want)
		}
	}
}
