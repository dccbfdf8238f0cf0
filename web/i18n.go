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
	return t.In(HoChiMinh).Format("02/01/2006")
}

// DateTime writes an instant as dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh.
func (l Lang) DateTime(t time.Time) string {
	return t.In(HoChiMinh).Format("02/01/2006 15:04")
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

// HoChiMinh is the time zone dates and times are shown in.
var HoChiMinh = func() *time.Location {
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
		"crit.heading":               "Tiêu chí %d",
		"crit.updated":               "Cập nhật bởi %s lúc %s",
		"crit.yearend.closed":        "Tiêu chí cuối năm: được đánh giá (đạt/chưa đạt) từ ngày %s. Trước ngày đó có thể ghi chú và số liệu.",
		"crit.stale":                 "Người khác vừa lưu tiêu chí này trong lúc bạn sửa. Chưa có gì bị ghi đè.",
		"crit.stale.theirs":          "Giá trị %s đã lưu",
		"crit.stale.yours":           "Nội dung bạn vừa nhập vẫn ở trong biểu mẫu dưới đây; hãy xem lại rồi lưu lần nữa nếu vẫn muốn thay đổi.",
		"form.errors":                "Biểu mẫu có lỗi, chưa lưu:",
		"crit.status.measure":        "Với chỉ số, trạng thái đạt/chưa đạt được tính từ giá trị so với ngưỡng; khi chưa có giá trị chỉ chọn được chưa đánh giá hoặc đang thực hiện.",
		"crit.save":                  "Lưu",
		"crit.edit":                  "Cập nhật",
		"crit.open":                  "Chi tiết",
		"crit.open.label":            "Tiêu chí %d: chi tiết và cập nhật",
		"scale.share":                "Tỷ lệ phần trăm từ 0 đến 100, ví dụ 91,5.",
		"scale.count":                "Số nguyên không âm.",
		"scale.change":               "Mức thay đổi so với năm trước, tính theo phần trăm; giảm ghi số âm, ví dụ -8.",
		"val.err.number":             "Giá trị phải là một số, ví dụ 91,5.",
		"val.err.share":              "Giá trị phải là số từ 0 đến 100.",
		"val.err.count":              "Giá trị phải là số nguyên không âm.",
		"val.err.long":               "Giá trị quá dài.",
		"crit.err.status":            "Hãy chọn một trạng thái trong danh sách.",
		"crit.err.measure":           "Hãy nhập giá trị để đánh giá đạt hay chưa đạt.",
		"crit.err.yearend":           "Tiêu chí cuối năm chưa đến thời điểm đánh giá đạt/chưa đạt.",
		"crit.err.note":              "Ghi chú tối đa 4.000 ký tự và không chứa ký tự rỗng.",
		"crit.err.version":           "Biểu mẫu thiếu thông tin phiên bản. Hãy tải lại trang rồi nhập lại.",
		"err.state":                  "Hồ sơ đã gửi duyệt hoặc đã được duyệt nên không thể thay đổi.",
		"err.conflict":               "Dữ liệu đã bị người khác thay đổi. Hãy tải lại trang.",
		"err.toolarge":               "Tệp hoặc biểu mẫu quá lớn.",
		"evidence.title":             "Minh chứng",
		"evidence.none":              "Chưa có minh chứng.",
		"evidence.meta":              "ngày %s · %s · %s",
		"evidence.uploaded":          "Tải lên bởi %s lúc %s",
		"evidence.removed":           "Đã gỡ bởi %s lúc %s (tệp vẫn được lưu trong lịch sử)",
		"evidence.remove":            "Gỡ minh chứng",
		"evidence.add":               "Thêm minh chứng",
		"evidence.file":              "Tệp",
		"evidence.file.hint":         "PDF, JPEG, PNG, DOCX hoặc XLSX, tối đa 20 MB.",
		"evidence.filetitle":         "Tên minh chứng",
		"evidence.dated":             "Ngày của minh chứng",
		"evidence.dated.hint":        "Ngày mà minh chứng nói đến, trong năm %d.",
		"evidence.upload":            "Tải lên",
		"evidence.count":             "%d minh chứng",
		"evidence.err.type":          "Chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX (kiểm tra theo nội dung tệp).",
		"evidence.err.toolarge":      "Tệp lớn hơn 20 MB.",
		"evidence.err.empty":         "Hãy chọn một tệp không rỗng.",
		"evidence.err.date":          "Ngày của minh chứng phải nằm trong năm đánh giá.",
		"evidence.err.title":         "Hãy nhập tên minh chứng (tối đa 300 ký tự).",
		"history.title":              "Lịch sử thay đổi",
		"history.link":               "Lịch sử thay đổi của hồ sơ năm",
		"history.timeline":           "Lịch sử thay đổi năm %d",
		"history.none":               "Chưa có thay đổi nào.",
		"history.at":                 "Thời điểm",
		"history.who":                "Người thực hiện",
		"history.what":               "Nội dung",
		"history.before":             "Trước",
		"history.after":              "Sau",
		"history.result_update":      "Cập nhật tiêu chí %d",
		"history.evidence_add":       "Thêm minh chứng cho tiêu chí %d",
		"history.evidence_remove":    "Gỡ minh chứng của tiêu chí %d",
		"history.assessment":         "Hồ sơ: %s",
		"action.submit":              "gửi duyệt",
		"action.approve":             "phê duyệt",
		"action.return":              "trả lại",
		"action.recognize":           "công nhận",
		"action.reopen":              "mở lại",
		"submit.title":               "Gửi duyệt hồ sơ năm %d",
		"submit.button":              "Gửi duyệt…",
		"submit.notjudged":           "Còn %d tiêu chí chưa được đánh giá đạt hay chưa đạt:",
		"submit.alljudged":           "Mọi tiêu chí đã được đánh giá.",
		"submit.readonly":            "Sau khi gửi, hồ sơ chỉ được xem, không sửa được, trừ khi bị trả lại.",
		"submit.confirm":             "Xác nhận gửi duyệt",
		"submit.cancel":              "Quay lại hồ sơ",
		"due.title":                  "Việc cần làm",
		"due.notstarted":             "%d tiêu chí chưa đánh giá",
		"due.inprogress":             "%d tiêu chí đang thực hiện",
		"due.yearend":                "Tiêu chí cuối năm được đánh giá từ ngày %s",
		"due.state":                  "Hồ sơ: %s",
		"flash.saved":                "Đã lưu tiêu chí %s: %s.",
		"flash.evidence.added":       "Đã thêm minh chứng cho tiêu chí %s.",
		"flash.evidence.removed":     "Đã gỡ minh chứng.",
		"flash.submitted":            "Đã gửi duyệt hồ sơ. Hồ sơ không sửa được nữa trừ khi bị trả lại.",
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
		"crit.heading":               "Criterion %d",
		"crit.updated":               "Updated by %s at %s",
		"crit.yearend.closed":        "Year-end criterion: judged (met or not met) from %s. Until then notes and figures may be recorded.",
		"crit.stale":                 "Someone else saved this criterion while you were editing it. Nothing was overwritten.",
		"crit.stale.theirs":          "What %s saved",
		"crit.stale.yours":           "What you typed is still in the form below; check it and save again if you still want the change.",
		"form.errors":                "The form has errors and was not saved:",
		"crit.status.measure":        "For a measure, met or not met follows from the value against the threshold; without a value choose not started or in progress.",
		"crit.save":                  "Save",
		"crit.edit":                  "Update",
		"crit.open":                  "Details",
		"crit.open.label":            "Criterion %d: details and updates",
		"scale.share":                "A percentage from 0 to 100, e.g. 91.5.",
		"scale.count":                "A whole number, not negative.",
		"scale.change":               "The change against the previous year, in per cent; a fall is negative, e.g. -8.",
		"val.err.number":             "The value must be a number, e.g. 91.5.",
		"val.err.share":              "The value must be a number from 0 to 100.",
		"val.err.count":              "The value must be a whole number, not negative.",
		"val.err.long":               "The value is too long.",
		"crit.err.status":            "Please choose one of the statuses listed.",
		"crit.err.measure":           "Please enter the value to judge met or not met.",
		"crit.err.yearend":           "A year-end criterion cannot be judged met or not met yet.",
		"crit.err.note":              "A note has at most 4,000 characters and no null characters.",
		"crit.err.version":           "The form lacks its version. Please reload the page and enter it again.",
		"err.state":                  "The assessment has been submitted or approved, so it cannot be changed.",
		"err.conflict":               "Someone else changed this. Please reload the page.",
		"err.toolarge":               "The file or form is too large.",
		"evidence.title":             "Evidence",
		"evidence.none":              "No evidence yet.",
		"evidence.meta":              "dated %s · %s · %s",
		"evidence.uploaded":          "Uploaded by %s at %s",
		"evidence.removed":           "Removed by %s at %s (the file stays in the history)",
		"evidence.remove":            "Remove evidence",
		"evidence.add":               "Add evidence",
		"evidence.file":              "File",
		"evidence.file.hint":         "PDF, JPEG, PNG, DOCX or XLSX, up to 20 MB.",
		"evidence.filetitle":         "Title",
		"evidence.dated":             "Date of the evidence",
		"evidence.dated.hint":        "The date the evidence refers to, in %d.",
		"evidence.upload":            "Upload",
		"evidence.count":             "%d evidence files",
		"evidence.err.type":          "Only PDF, JPEG, PNG, DOCX or XLSX files are accepted (checked from the content).",
		"evidence.err.toolarge":      "The file is larger than 20 MB.",
		"evidence.err.empty":         "Please choose a file that is not empty.",
		"evidence.err.date":          "The date of the evidence must fall inside the assessment year.",
		"evidence.err.title":         "Please enter a title (at most 300 characters).",
		"history.title":              "Change history",
		"history.link":               "Change history of the year's assessment",
		"history.timeline":           "Change history %d",
		"history.none":               "No changes yet.",
		"history.at":                 "When",
		"history.who":                "Who",
		"history.what":               "What",
		"history.before":             "Before",
		"history.after":              "After",
		"history.result_update":      "Criterion %d updated",
		"history.evidence_add":       "Evidence added to criterion %d",
		"history.evidence_remove":    "Evidence removed from criterion %d",
		"history.assessment":         "Assessment: %s",
		"action.submit":              "submitted",
		"action.approve":             "approved",
		"action.return":              "returned",
		"action.recognize":           "recognised",
		"action.reopen":              "reopened",
		"submit.title":               "Submit the %d assessment",
		"submit.button":              "Submit…",
		"submit.notjudged":           "%d criteria are not judged met or not met yet:",
		"submit.alljudged":           "Every criterion is judged.",
		"submit.readonly":            "Once submitted, the assessment can be read but not changed, unless it is returned.",
		"submit.confirm":             "Confirm and submit",
		"submit.cancel":              "Back to the assessment",
		"due.title":                  "What's due",
		"due.notstarted":             "%d criteria not started",
		"due.inprogress":             "%d criteria in progress",
		"due.yearend":                "Year-end criteria are judged from %s",
		"due.state":                  "Assessment: %s",
		"flash.saved":                "Criterion %s saved: %s.",
		"flash.evidence.added":       "Evidence added to criterion %s.",
		"flash.evidence.removed":     "Evidence removed.",
		"flash.submitted":            "Assessment submitted. It cannot be changed now unless it is returned.",
	},
}

// Size writes a file size in kB or MB, with the language's decimal mark.
func (l Lang) Size(n int64) string {
	switch {
	case n >= 1<<20:
		return l.Decimal(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MB"
	case n >= 1<<10:
		return l.Decimal(fmt.Sprintf("%.0f", float64(n)/(1<<10))) + " kB"
	}
	return fmt.Sprintf("%d B", n)
}
