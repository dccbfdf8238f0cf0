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
		"app.short":                  "Phường điển hình",
		"app.name":                   "Công an phường điển hình, kiểu mẫu về ANTT và văn minh đô thị",
		"demo.notice":                "Số liệu trình diễn chỉ mang tính minh họa.",
		"lang.switch":                "English",
		"lang.current":               "Tiếng Việt",
		"year":                       "Năm",
		"year.switch":                "Chọn năm",
		"year.go":                    "Xem",
		"nav.breadcrumbs":            "Đơn vị",
		"kind.ministry":              "Bộ Công an",
		"kind.province":              "tỉnh/thành phố",
		"kind.district":              "quận/huyện",
		"kind.ward":                  "phường",
		"status.met":                 "đạt",
		"status.not_met":             "chưa đạt",
		"status.in_progress":         "đang thực hiện",
		"status.not_started":         "chưa đánh giá",
		"status.pending_year_end":    "chờ đánh giá cuối năm",
		"state.none":                 "chưa có hồ sơ",
		"state.draft":                "đang soạn",
		"state.submitted":            "đã gửi duyệt",
		"state.approved":             "đã phê duyệt",
		"state.returned":             "bị trả lại",
		"state.recognized":           "đã công nhận",
		"standing":                   "đạt %d/%d tiêu chí",
		"standing.pending":           "đạt %d/%d tiêu chí, %d chờ đánh giá cuối năm",
		"standing.short":             "%d/%d",
		"dashboard":                  "Bảng tổng hợp",
		"dashboard.title":            "Bảng tổng hợp năm %d",
		"dashboard.full":             "phường đạt đủ %d/%d tiêu chí",
		"dashboard.wards":            "phường tham gia",
		"dashboard.submitted":        "đã gửi duyệt",
		"dashboard.approved":         "đã phê duyệt",
		"dashboard.recognized":       "đã công nhận",
		"dashboard.nowards":          "Đơn vị này chưa có phường nào trong năm %d.",
		"chart.title":                "Phân bố phường theo kết quả",
		"chart.summary":              "%d trong %d phường đạt mức cao nhất là %d/%d tiêu chí.",
		"chart.axis.x":               "Số tiêu chí đạt",
		"chart.axis.y":               "Số phường",
		"chart.table":                "Số liệu của biểu đồ",
		"chart.col.standing":         "Kết quả",
		"chart.col.wards":            "Số phường",
		"children.province":          "Các tỉnh/thành phố",
		"children.district":          "Các quận/huyện",
		"children.direct":            "Trực thuộc thành phố",
		"col.unit":                   "Đơn vị",
		"col.code":                   "Mã",
		"col.ward":                   "Phường",
		"col.district":               "Quận/huyện",
		"col.status":                 "Trạng thái",
		"col.standing":               "Kết quả",
		"col.pending":                "Chờ cuối năm",
		"col.wards":                  "Số phường",
		"col.full":                   "Đạt đủ",
		"col.submitted":              "Đã gửi",
		"col.approved":               "Đã duyệt",
		"col.recognized":             "Công nhận",
		"wards.title":                "Các phường",
		"sort.by":                    "Sắp xếp theo %s",
		"sort.standing.desc":         "kết quả, cao trước",
		"sort.standing.asc":          "kết quả, thấp trước",
		"sort.code":                  "mã",
		"export.csv":                 "Tải báo cáo tổng hợp năm (CSV)",
		"ward.assessment":            "Hồ sơ đánh giá năm %d",
		"ward.state":                 "Trạng thái hồ sơ",
		"ward.submitted_at":          "Gửi duyệt ngày %s",
		"ward.decision":              "Quyết định công nhận số %s, ngày %s",
		"ward.return_reason":         "Lý do trả lại",
		"ward.yearend":               "Các tiêu chí cuối năm được đánh giá từ ngày %s.",
		"ward.none":                  "Phường chưa bắt đầu hồ sơ đánh giá năm %d.",
		"group":                      "Nhóm %s. %s",
		"crit.number":                "TT",
		"crit.title":                 "Tiêu chí",
		"crit.kind":                  "Loại",
		"crit.threshold":             "Ngưỡng",
		"crit.value":                 "Giá trị",
		"crit.status":                "Trạng thái",
		"crit.note":                  "Ghi chú",
		"crit.yearend":               "cuối năm",
		"kind.check":                 "đánh giá",
		"kind.measure":               "chỉ số",
		"unit.vụ":                    "vụ",
		"unit.mô hình":               "mô hình",
		"err.title":                  "Không thể hiển thị trang",
		"err.notfound":               "Không tìm thấy trang hoặc đơn vị này. Hãy kiểm tra lại địa chỉ.",
		"err.badyear":                "Năm phải là số có bốn chữ số, ví dụ 2023.",
		"err.unavailable":            "Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau ít phút.",
		"err.internal":               "Đã có lỗi xảy ra. Vui lòng thử lại; nếu vẫn lỗi, hãy báo quản trị hệ thống.",
		"err.home":                   "Về trang chủ",
		"signout":                    "Đăng xuất",
		"role.ward_officer":          "cán bộ công an phường",
		"role.reviewer":              "cán bộ duyệt hồ sơ",
		"role.ministry":              "Bộ Công an",
		"role.admin":                 "quản trị hệ thống",
		"login.title":                "Đăng nhập",
		"login.username":             "Tên đăng nhập",
		"login.password":             "Mật khẩu",
		"login.submit":               "Đăng nhập",
		"login.err.username.empty":   "Hãy nhập tên đăng nhập.",
		"login.err.username.invalid": "Tên đăng nhập gồm 2–64 ký tự: chữ thường không dấu, chữ số và . _ -",
		"login.err.password.empty":   "Hãy nhập mật khẩu.",
		"login.err.password.long":    "Mật khẩu quá dài.",
		"login.err.wrong":            "Tên đăng nhập hoặc mật khẩu không đúng.",
		"login.err.limited":          "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
		"err.forbidden":              "Tài khoản của bạn không có quyền xem hoặc thay đổi đơn vị này.",
		"err.signin":                 "Bạn cần đăng nhập để thực hiện việc này.",
		"err.method":                 "Trang này không nhận yêu cầu kiểu này.",
		"err.crossorigin":            "Yêu cầu bị từ chối vì không xuất phát từ trang của hệ thống.",
		"err.form":                   "Không đọc được nội dung biểu mẫu. Vui lòng gửi lại.",
		"admin.users":                "Người dùng",
		"admin.secret":               "Mật khẩu mới của %s (chỉ hiển thị một lần, hãy chuyển cho người dùng):",
		"admin.filter.q":             "Tìm theo tên",
		"admin.filter.all":           "Tất cả",
		"admin.filter.go":            "Lọc",
		"admin.role":                 "Vai trò",
		"admin.unit":                 "Đơn vị",
		"admin.unit.code":            "Mã đơn vị",
		"admin.active":               "Tình trạng",
		"admin.active.true":          "đang hoạt động",
		"admin.active.false":         "đã khóa",
		"admin.username":             "Tên đăng nhập",
		"admin.fullname":             "Họ tên hoặc tên đơn vị",
		"admin.actions":              "Thao tác",
		"admin.disable":              "Khóa",
		"admin.enable":               "Mở khóa",
		"admin.resetpw":              "Đặt lại mật khẩu",
		"admin.new":                  "Thêm người dùng",
		"admin.new.hint":             "Mật khẩu ban đầu được tạo ngẫu nhiên và hiển thị một lần sau khi thêm.",
		"admin.create":               "Thêm",
		"admin.err.username":         "Tên đăng nhập gồm 2–64 ký tự: chữ thường không dấu, chữ số và . _ -",
		"admin.err.fullname":         "Hãy nhập họ tên (tối đa 200 ký tự).",
		"admin.err.role":             "Hãy chọn một vai trò.",
		"admin.err.unit":             "Không có đơn vị với mã này.",
		"admin.err.unitrole":         "Vai trò không phù hợp với đơn vị: cán bộ phường thuộc một phường, cán bộ duyệt thuộc tỉnh/thành phố hoặc quận/huyện, Bộ Công an và quản trị thuộc Bộ.",
		"admin.err.exists":           "Tên đăng nhập này đã có người dùng.",
		"admin.err.self":             "Bạn không thể tự khóa tài khoản của mình.",
		"admin.flash.created":        "Đã thêm người dùng %s.",
		"admin.flash.disabled":       "Đã khóa tài khoản %s; các phiên đăng nhập của tài khoản này đã kết thúc.",
		"admin.flash.enabled":        "Đã mở khóa tài khoản %s.",
	},
	EN: {
		"app.short":                  "Model wards",
		"app.name":                   "Model ward police programme",
		"demo.notice":                "Demo figures are illustrative.",
		"lang.switch":                "Tiếng Việt",
		"lang.current":               "English",
		"year":                       "Year",
		"year.switch":                "Choose year",
		"year.go":                    "Show",
		"nav.breadcrumbs":            "Units",
		"kind.ministry":              "Ministry of Public Security",
		"kind.province":              "province",
		"kind.district":              "district",
		"kind.ward":                  "ward",
		"status.met":                 "met",
		"status.not_met":             "not met",
		"status.in_progress":         "in progress",
		"status.not_started":         "not started",
		"status.pending_year_end":    "pending year end",
		"state.none":                 "not started",
		"state.draft":                "draft",
		"state.submitted":            "submitted",
		"state.approved":             "approved",
		"state.returned":             "returned",
		"state.recognized":           "recognised",
		"standing":                   "%d/%d met",
		"standing.pending":           "%d/%d met, %d pending year end",
		"standing.short":             "%d/%d",
		"dashboard":                  "Dashboard",
		"dashboard.title":            "%d dashboard",
		"dashboard.full":             "wards at full standing %d/%d",
		"dashboard.wards":            "wards taking part",
		"dashboard.submitted":        "submitted",
		"dashboard.approved":         "approved",
		"dashboard.recognized":       "recognised",
		"dashboard.nowards":          "This unit has no wards in %d.",
		"chart.title":                "Wards by standing",
		"chart.summary":              "%d of %d wards at the highest standing, %d/%d.",
		"chart.axis.x":               "Criteria met",
		"chart.axis.y":               "Wards",
		"chart.table":                "The chart's figures",
		"chart.col.standing":         "Standing",
		"chart.col.wards":            "Wards",
		"children.province":          "Provinces",
		"children.district":          "Districts",
		"children.direct":            "Directly under the city",
		"col.unit":                   "Unit",
		"col.code":                   "Code",
		"col.ward":                   "Ward",
		"col.district":               "District",
		"col.status":                 "Status",
		"col.standing":               "Standing",
		"col.pending":                "Pending year end",
		"col.wards":                  "Wards",
		"col.full":                   "Full",
		"col.submitted":              "Submitted",
		"col.approved":               "Approved",
		"col.recognized":             "Recognised",
		"wards.title":                "Wards",
		"sort.by":                    "Sort by %s",
		"sort.standing.desc":         "standing, highest first",
		"sort.standing.asc":          "standing, lowest first",
		"sort.code":                  "code",
		"export.csv":                 "Download the yearly summary (CSV)",
		"ward.assessment":            "%d assessment",
		"ward.state":                 "Assessment status",
		"ward.submitted_at":          "Submitted on %s",
		"ward.decision":              "Recognition decision no. %s, dated %s",
		"ward.return_reason":         "Reason for return",
		"ward.yearend":               "Year-end criteria are judged from %s.",
		"ward.none":                  "The ward has not started its %d assessment.",
		"group":                      "Group %s. %s",
		"crit.number":                "No.",
		"crit.title":                 "Criterion",
		"crit.kind":                  "Kind",
		"crit.threshold":             "Threshold",
		"crit.value":                 "Value",
		"crit.status":                "Status",
		"crit.note":                  "Note",
		"crit.yearend":               "year end",
		"kind.check":                 "check",
		"kind.measure":               "measure",
		"unit.vụ":                    "cases",
		"unit.mô hình":               "models",
		"err.title":                  "This page cannot be shown",
		"err.notfound":               "This page or unit does not exist. Please check the address.",
		"err.badyear":                "The year must be four digits, for example 2023.",
		"err.unavailable":            "The service is briefly unavailable. Please try again in a few minutes.",
		"err.internal":               "Something went wrong. Please try again; if it keeps happening, tell the administrator.",
		"err.home":                   "Home",
		"signout":                    "Sign out",
		"role.ward_officer":          "ward officer",
		"role.reviewer":              "reviewer",
		"role.ministry":              "Ministry",
		"role.admin":                 "administrator",
		"login.title":                "Sign in",
		"login.username":             "Username",
		"login.password":             "Password",
		"login.submit":               "Sign in",
		"login.err.username.empty":   "Please enter your username.",
		"login.err.username.invalid": "A username has 2–64 characters: lower-case letters without accents, digits and . _ -",
		"login.err.password.empty":   "Please enter your password.",
		"login.err.password.long":    "The password is too long.",
		"login.err.wrong":            "The username or password is not right.",
		"login.err.limited":          "Too many failed sign-ins. Please try again in 15 minutes.",
		"err.forbidden":              "Your account may not see or change this unit.",
		"err.signin":                 "Please sign in to do this.",
		"err.method":                 "This page does not take this kind of request.",
		"err.crossorigin":            "The request was refused because it did not come from the portal's own pages.",
		"err.form":                   "The form could not be read. Please send it again.",
		"admin.users":                "Users",
		"admin.secret":               "New password for %s (shown once only; pass it on to the user):",
		"admin.filter.q":             "Search by name",
		"admin.filter.all":           "All",
		"admin.filter.go":            "Filter",
		"admin.role":                 "Role",
		"admin.unit":                 "Unit",
		"admin.unit.code":            "Unit code",
		"admin.active":               "Status",
		"admin.active.true":          "active",
		"admin.active.false":         "disabled",
		"admin.username":             "Username",
		"admin.fullname":             "Full name or unit name",
		"admin.actions":              "Actions",
		"admin.disable":              "Disable",
		"admin.enable":               "Enable",
		"admin.resetpw":              "Reset password",
		"admin.new":                  "Add a user",
		"admin.new.hint":             "The first password is generated at random and shown once after adding.",
		"admin.create":               "Add",
		"admin.err.username":         "A username has 2–64 characters: lower-case letters without accents, digits and . _ -",
		"admin.err.fullname":         "Please enter a full name (at most 200 characters).",
		"admin.err.role":             "Please choose a role.",
		"admin.err.unit":             "There is no unit with this code.",
		"admin.err.unitrole":         "The role does not fit the unit: a ward officer belongs to a ward, a reviewer to a province or district, the Ministry and administrators to the Ministry.",
		"admin.err.exists":           "This username is taken.",
		"admin.err.self":             "You cannot disable your own account.",
		"admin.flash.created":        "User %s added.",
		"admin.flash.disabled":       "Account %s disabled; its sessions have ended.",
		"admin.flash.enabled":        "Account %s enabled.",
	},
}
