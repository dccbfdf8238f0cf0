package words

import (
	"testing"
	"time"

	"modelward/internal/assess"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	for key := range messages[VI] {
		if _, ok := messages[EN][key]; !ok {
			t.Errorf("%q is in Vietnamese but not in English", key)
		}
	}
	for key := range messages[EN] {
		if _, ok := messages[VI][key]; !ok {
			t.Errorf("%q is in English but not in Vietnamese", key)
		}
	}
}

func TestWordsForEveryStatusAndState(t *testing.T) {
	for _, l := range []Lang{VI, EN} {
		for _, s := range []assess.Status{assess.NotStarted, assess.InProgress, assess.Met, assess.NotMet, assess.PendingYearEnd} {
			if w := l.Status(s); w == "" || w[0] == '[' {
				t.Errorf("%s has no word for status %s", l, s)
			}
		}
		for _, s := range []assess.State{"", assess.Draft, assess.Submitted, assess.Approved, assess.Returned, assess.Recognized} {
			if w := l.State(s); w == "" || w[0] == '[' {
				t.Errorf("%s has no word for state %q", l, s)
			}
		}
	}
}

func TestFormats(t *testing.T) {
	st := assess.Standing{Met: 19, Total: 22, PendingYearEnd: 3}
	for _, tt := range []struct{ got, want string }{
		{VI.Standing(st), "đạt 19/22 tiêu chí (3 tiêu chí chờ đánh giá cuối năm)"},
		{EN.Standing(st), "19/22 met (3 pending year end)"},
		{EN.Standing(assess.Standing{Met: 22, Total: 22}), "22/22 met"},
		{VI.Decimal("91.5"), "91,5"},
		{EN.Decimal("91.5"), "91.5"},
		{VI.WithUnit("-8", "%"), "-8 %"},
		{EN.WithUnit("0", "vụ"), "0 cases"},
		{VI.Date(time.Date(2025, 4, 22, 0, 0, 0, 0, time.UTC)), "22/04/2025"},
		// Instants are shown in Hồ Chí Minh City time (UTC+7).
		{VI.DateTime(time.Date(2023, 11, 19, 20, 30, 0, 0, time.UTC)), "20/11/2023 03:30"},
		{ParseLang("fr").T("status.met"), "đạt"},
		{VI.T("no.such.key"), "[[no.such.key]]"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// A threshold reads as what it asks: none of an event, none at all, a
// fall on last year; any other as its sign and value.
func TestThresholdInWords(t *testing.T) {
	for _, tc := range []struct {
		l              Lang
		c              assess.Comparator
		threshold, uni string
		want           string
	}{
		{VI, assess.LessEqual, "0", "vụ", "Không để xảy ra (0 vụ)"},
		{VI, assess.LessEqual, "0", "người", "Không có (0 người)"},
		{VI, assess.Less, "0", "%", "Giảm so với năm trước (< 0 %)"},
		{VI, assess.GreaterEqual, "90.5", "%", "≥ 90,5 %"},
		{EN, assess.GreaterEqual, "50", "camera", "≥ 50 cameras"},
		{EN, assess.LessEqual, "0", "vụ", "None to occur (0 cases)"},
	} {
		if got := tc.l.Threshold(tc.c, tc.threshold, tc.uni); got != tc.want {
			t.Errorf("%s %s %s %s = %q, want %q", tc.l, tc.c, tc.threshold, tc.uni, got, tc.want)
		}
	}
}
