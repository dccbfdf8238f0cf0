package words

import (
	"unicode"
	"unicode/utf8"

	"modelward/internal/assess"
)

// ComparatorSign is the printed sign of a comparator.
func ComparatorSign(c assess.Comparator) string {
	switch c {
	case assess.LessEqual:
		return "≤"
	case assess.GreaterEqual:
		return "≥"
	}
	return string(c)
}

// Threshold writes a measure's threshold as a person reads it: "≥ 90 %";
// a bound of none as what it asks, "Không để xảy ra (0 vụ)", "Không có
// (0 người)"; below 0 % as "Giảm so với năm trước (< 0 %)".
func (l Lang) Threshold(c assess.Comparator, threshold, unit string) string {
	zero := threshold == "0" || threshold == "0.0" || threshold == "0.00"
	switch {
	case zero && c == assess.LessEqual && unit == "vụ":
		return l.T("threshold.none.event", "0 "+l.Unit(unit))
	case zero && c == assess.LessEqual:
		return l.T("threshold.none", l.WithUnit("0", unit))
	case zero && c == assess.Less && unit == "%":
		return l.T("threshold.down", "< "+l.WithUnit("0", unit))
	}
	return ComparatorSign(c) + " " + l.WithUnit(threshold, unit)
}

// WithUnit writes a number with its measurement unit in l.
func (l Lang) WithUnit(decimal, unit string) string {
	if unit == "" {
		return l.Decimal(decimal)
	}
	return l.Decimal(decimal) + " " + l.Unit(unit)
}

// LevelWord names a registration level for a province of provinceType
// (tinh or thanh_pho): "cấp Bộ", "cấp tỉnh", "cấp thành phố".
func LevelWord(l Lang, level, provinceType string) string {
	if level == "city" {
		if provinceType != "thanh_pho" {
			provinceType = "tinh"
		}
		return l.T("level.city." + provinceType)
	}
	return l.T("level.ministry")
}

// StatusMark is the one-letter mark of a status, so that colour is never
// the only sign of it.
func StatusMark(s assess.Status) string {
	switch s {
	case assess.Met:
		return "✓"
	case assess.NotMet:
		return "✗"
	case assess.PendingYearEnd:
		return "◷"
	case assess.InProgress:
		return "…"
	}
	return "–"
}

// Capitalised is s with its first letter in upper case: a status chip,
// a spreadsheet's cell ("Đang soạn", "Chưa đạt").
func Capitalised(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
