package web

import (
	"fmt"
	"strings"
	"time"

	"modelward/internal/assess"
)

// Lang is a language the portal speaks: Vietnamese first, English second.
type Lang string

const (
	VI Lang = "vi"
	EN Lang = "en"
)

// ParseLang returns the language named by s, Vietnamese when s names none.
func ParseLang(s string) Lang {
	if s == string(EN) {
		return EN
	}
	return VI
}

// Other is the language to switch to.
func (l Lang) Other() Lang {
	if l == EN {
		return VI
	}
	return EN
}

// T returns the message key in l, formatted with args when given. A key
// missing from the catalogue shows as [[key]] so that tests catch it.
func (l Lang) T(key string, args ...any) string {
	m, ok := messages[l][key]
	if !ok {
		return "[[" + key + "]]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}

// Date writes a date as dd/mm/yyyy, in Asia/Ho_Chi_Minh for instants.
func (l Lang) Date(t time.Time) string {
	return t.In(hoChiMinh).Format("02/01/2006")
}

// DateTime writes an instant as dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh.
func (l Lang) DateTime(t time.Time) string {
	return t.In(hoChiMinh).Format("02/01/2006 15:04")
}

// Decimal writes a stored decimal ("91.5") with the language's decimal mark.
func (l Lang) Decimal(s string) string {
	if l == VI {
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Status is the word for a criterion's status.
func (l Lang) Status(s assess.Status) string { return l.T("status." + string(s)) }

// State is the word for an assessment's workflow state; an assessment that
// does not exist yet reads "not started".
func (l Lang) State(s assess.State) string {
	if s == "" {
		return l.T("state.none")
	}
	return l.T("state." + string(s))
}

// Standing writes "19/22 met, 3 pending year end".
func (l Lang) Standing(s assess.Standing) string {
	if s.PendingYearEnd > 0 {
		return l.T("standing.pending", s.Met, s.Total, s.PendingYearEnd)
	}
	return l.T("standing", s.Met, s.Total)
}

// Unit is the measurement unit of a measure in l ("%" stays "%").
func (l Lang) Unit(u string) string {
	if u == "" || u == "%" {
		return u
	}
	if m, ok := messages[l]["unit."+u]; ok {
		return m
	}
	return u
}

var hoChiMinh = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		// No zone database on the machine: Vietnam has kept UTC+7 since 1975.
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

var messages = map[Lang]map[string]string{
	VI: {
		"app.short":               "Phường điển hình",
		"app.name":                "Công an phường điển hình, kiểu mẫu về ANTT và văn minh đô thị",
		"demo.notice":             "Số liệu trình diễn chỉ mang tính minh họa.",
		"lang.switch":             "English",
		"lang.current":            "Tiếng Việt",
		"year":                    "Năm",
		"year.switch":             "Chọn năm",
		"year.go":                 "Xem",
		"nav.breadcrumbs":         "Đơn vị",
		"kind.ministry":           "Bộ Công an",
		"kind.province":           "tỉnh/thành phố",
		"kind.district":           "quận/huyện",
		"kind.ward":               "phường",
		"status.met":              "đạt",
		"status.not_met":          "chưa đạt",
		"status.in_progress":      "đang thực hiện",
		"status.not_started":      "chưa đánh giá",
		"status.pending_year_end": "chờ đánh giá cuối năm",
		"state.none":              "chưa có hồ sơ",
		"state.draft":             "đang soạn",
		"state.submitted":         "đã gửi duyệt",
		"state.approved":          "đã phê duyệt",
		"state.returned":          "bị trả lại",
		"state.recognized":        "đã công nhận",
		"standing":                "đạt %d/%d tiêu chí",
		"standing.pending":        "đạt %d/%d tiêu chí, %d chờ đánh giá cuối năm",
		"standing.short":          "%d/%d",
		"dashboard":               "Bảng tổng hợp",
		"dashboard.title":         "Bảng tổng hợp năm %d",
		"dashboard.full":          "phường đạt đủ %d/%d tiêu chí",
		"dashboard.wards":         "phường tham gia",
		"dashboard.submitted":     "đã gửi duyệt",
		"dashboard.approved":      "đã phê duyệt",
		"dashboard.recognized":    "đã công nhận",
		"dashboard.nowards":       "Đơn vị này chưa có phường nào trong năm %d.",
		"chart.title":             "Phân bố phường theo kết quả",
		"chart.summary":           "%d trong %d phường đạt mức cao nhất là %d/%d tiêu chí.",
		"chart.axis.x":            "Số tiêu chí đạt",
		"chart.axis.y":            "Số phường",
		"chart.table":             "Số liệu của biểu đồ",
		"chart.col.standing":      "Kết quả",
		"chart.col.wards":         "Số phường",
		"children.province":       "Các tỉnh/thành phố",
		"children.district":       "Các quận/huyện",
		"children.direct":         "Trực thuộc thành phố",
		"col.unit":                "Đơn vị",
		"col.code":                "Mã",
		"col.ward":                "Phường",
		"col.district":            "Quận/huyện",
		"col.status":              "Trạng thái",
		"col.standing":            "Kết quả",
		"col.pending":             "Chờ cuối năm",
		"col.wards":               "Số phường",
		"col.full":                "Đạt đủ",
		"col.submitted":           "Đã gửi",
		"col.approved":            "Đã duyệt",
		"col.recognized":          "Công nhận",
		"wards.title":             "Các phường",
		"sort.by":                 "Sắp xếp theo %s",
		"sort.standing.desc":      "kết quả, cao trước",
		"sort.standing.asc":       "kết quả, thấp trước",
		"sort.code":               "mã",
		"export.csv":              "Tải báo cáo tổng hợp năm (CSV)",
		"ward.assessment":         "Hồ sơ đánh giá năm %d",
		"ward.state":              "Trạng thái hồ sơ",
		"ward.submitted_at":       "Gửi duyệt ngày %s",
		"ward.decision":           "Quyết định công nhận số %s, ngày %s",
		"ward.return_reason":      "Lý do trả lại",
		"ward.yearend":            "Các tiêu chí cuối năm được đánh giá từ ngày %s.",
		"ward.none":               "Phường chưa bắt đầu hồ sơ đánh giá năm %d.",
		"group":                   "Nhóm %s. %s",
		"crit.number":             "TT",
		"crit.title":              "Tiêu chí",
		"crit.kind":               "Loại",
		"crit.threshold":          "Ngưỡng",
		"crit.value":              "Giá trị",
		"crit.status":             "Trạng thái",
		"crit.note":               "Ghi chú",
		"crit.yearend":            "cuối năm",
		"kind.check":              "đánh giá",
		"kind.measure":            "chỉ số",
		"unit.vụ":                 "vụ",
		"unit.mô hình":            "mô hình",
		"err.title":               "Không thể hiển thị trang",
		"err.notfound":            "Không tìm thấy trang hoặc đơn vị này. Hãy kiểm tra lại địa chỉ.",
		"err.badyear":             "Năm phải là số có bốn chữ số, ví dụ 2023.",
		"err.unavailable":         "Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau ít phút.",
		"err.internal":            "Đã có lỗi xảy ra. Vui lòng thử lại; nếu vẫn lỗi, hãy báo quản trị hệ thống.",
		"err.home":                "Về trang chủ",
	},
	EN: {
		"app.short":               "Model wards",
		"app.name":                "Model ward police programme",
		"demo.notice":             "Demo figures are illustrative.",
		"lang.switch":             "Tiếng Việt",
		"lang.current":            "English",
		"year":                    "Year",
		"year.switch":             "Choose year",
		"year.go":                 "Show",
		"nav.breadcrumbs":         "Units",
		"kind.ministry":           "Ministry of Public Security",
		"kind.province":           "province",
		"kind.district":           "district",
		"kind.ward":               "ward",
		"status.met":              "met",
		"status.not_met":          "not met",
		"status.in_progress":      "in progress",
		"status.not_started":      "not started",
		"status.pending_year_end": "pending year end",
		"state.none":              "not started",
		"state.draft":             "draft",
		"state.submitted":         "submitted",
		"state.approved":          "approved",
		"state.returned":          "returned",
		"state.recognized":        "recognised",
		"standing":                "%d/%d met",
		"standing.pending":        "%d/%d met, %d pending year end",
		"standing.short":          "%d/%d",
		"dashboard":               "Dashboard",
		"dashboard.title":         "%d dashboard",
		"dashboard.full":          "wards at full standing %d/%d",
		"dashboard.wards":         "wards taking part",
		"dashboard.submitted":     "submitted",
		"dashboard.approved":      "approved",
		"dashboard.recognized":    "recognised",
		"dashboard.nowards":       "This unit has no wards in %d.",
		"chart.title":             "Wards by standing",
		"chart.summary":           "%d of %d wards at the highest standing, %d/%d.",
		"chart.axis.x":            "Criteria met",
		"chart.axis.y":            "Wards",
		"chart.table":             "The chart's figures",
		"chart.col.standing":      "Standing",
		"chart.col.wards":         "Wards",
		"children.province":       "Provinces",
		"children.district":       "Districts",
		"children.direct":         "Directly under the city",
		"col.unit":                "Unit",
		"col.code":                "Code",
		"col.ward":                "Ward",
		"col.district":            "District",
		"col.status":              "Status",
		"col.standing":            "Standing",
		"col.pending":             "Pending year end",
		"col.wards":               "Wards",
		"col.full":                "Full",
		"col.submitted":           "Submitted",
		"col.approved":            "Approved",
		"col.recognized":          "Recognised",
		"wards.title":             "Wards",
		"sort.by":                 "Sort by %s",
		"sort.standing.desc":      "standing, highest first",
		"sort.standing.asc":       "standing, lowest first",
		"sort.code":               "code",
		"export.csv":              "Download the yearly summary (CSV)",
		"ward.assessment":         "%d assessment",
		"ward.state":              "Assessment status",
		"ward.submitted_at":       "Submitted on %s",
		"ward.decision":           "Recognition decision no. %s, dated %s",
		"ward.return_reason":      "Reason for return",
		"ward.yearend":            "Year-end criteria are judged from %s.",
		"ward.none":               "The ward has not started its %d assessment.",
		"group":                   "Group %s. %s",
		"crit.number":             "No.",
		"crit.title":              "Criterion",
		"crit.kind":               "Kind",
		"crit.threshold":          "Threshold",
		"crit.value":              "Value",
		"crit.status":             "Status",
		"crit.note":               "Note",
		"crit.yearend":            "year end",
		"kind.check":              "check",
		"kind.measure":            "measure",
		"unit.vụ":                 "cases",
		"unit.mô hình":            "models",
		"err.title":               "This page cannot be shown",
		"err.notfound":            "This page or unit does not exist. Please check the address.",
		"err.badyear":             "The year must be four digits, for example 2023.",
		"err.unavailable":         "The service is briefly unavailable. Please try again in a few minutes.",
		"err.internal":            "Something went wrong. Please try again; if it keeps happening, tell the administrator.",
		"err.home":                "Home",
	},
}
