package words

import "modelward/internal/assess"

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
