package assess

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

func measure(cmp Comparator, threshold string) Criterion {
	return Criterion{Number: 13, Kind: Measure, Comparator: cmp, Threshold: threshold}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		cmp       Comparator
		threshold string
		value     string
		want      Status
	}{
		{LessEqual, "0", "0", Met},
		{LessEqual, "0", "1", NotMet},
		{LessEqual, "0", "-1", Met},
		{Less, "0", "0", NotMet},
		{Less, "0", "-8", Met},
		{Less, "0", "-0.001", Met},
		{Less, "0", "0.001", NotMet},
		{GreaterEqual, "90", "90", Met},
		{GreaterEqual, "90", "91", Met},
		{GreaterEqual, "90", "89.99", NotMet},
		{GreaterEqual, "90", "90.0", Met},
		{Greater, "90", "90", NotMet},
		{Greater, "90", "90.5", Met},
		{Equal, "100", "100", Met},
		{Equal, "100", "100.00", Met},
		{Equal, "100", "99.9", NotMet},
		// Exact decimals: 0.1+0.2 style rounding must not flip a result at the threshold.
		{GreaterEqual, "0.3", "0.3", Met},
		{Less, "0.3", "0.29999999999999999", Met},
	}
	for _, tt := range tests {
		got, err := measure(tt.cmp, tt.threshold).Evaluate(tt.value)
		if err != nil {
			t.Errorf("%s %s %s: %v", tt.value, tt.cmp, tt.threshold, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s %s %s = %s, want %s", tt.value, tt.cmp, tt.threshold, got, tt.want)
		}
	}
}

func TestEvaluateRefusesBadInput(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    Criterion
		v    string
	}{
		{"not a number", measure(GreaterEqual, "90"), "abc"},
		{"comma decimal must be normalised before", measure(GreaterEqual, "90"), "91,5"},
		{"check is not evaluated", Criterion{Kind: Check}, "1"},
		{"unknown comparator", measure("!=", "1"), "1"},
		{"bad threshold", measure(Less, "x"), "1"},
	} {
		if got, err := tt.c.Evaluate(tt.v); err == nil {
			t.Errorf("%s: got %s, want an error", tt.name, got)
		}
	}
}

func catalogue2023() []Criterion {
	var cs []Criterion
	for n := 1; n <= 22; n++ {
		cs = append(cs, Criterion{Number: n, Kind: Check, YearEnd: n == 1 || n == 5 || n == 7})
	}
	return cs
}

func TestComputeStanding(t *testing.T) {
	cat := catalogue2023()
	allMetBut := func(status Status, numbers ...int) map[int]Status {
		m := map[int]Status{}
		for _, c := range cat {
			m[c.Number] = Met
		}
		for _, n := range numbers {
			m[n] = status
		}
		return m
	}
	tests := []struct {
		name   string
		stored map[int]Status
		want   Standing
	}{
		{"nothing recorded", map[int]Status{}, Standing{Met: 0, Total: 22, PendingYearEnd: 3}},
		{"November inspection", allMetBut(NotStarted, 1, 5, 7), Standing{Met: 19, Total: 22, PendingYearEnd: 3}},
		{"year-end work in progress is still pending", allMetBut(InProgress, 1, 5, 7), Standing{Met: 19, Total: 22, PendingYearEnd: 3}},
		{"year-end judged not met", allMetBut(NotMet, 1), Standing{Met: 21, Total: 22, PendingYearEnd: 0}},
		{"one ordinary criterion not met", func() map[int]Status {
			m := allMetBut(NotStarted, 1, 5, 7)
			m[6] = NotMet
			return m
		}(), Standing{Met: 18, Total: 22, PendingYearEnd: 3}},
		{"all met", allMetBut(Met), Standing{Met: 22, Total: 22}},
	}
	for _, tt := range tests {
		got := ComputeStanding(cat, tt.stored)
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
	if !ComputeStanding(cat, allMetBut(Met)).Full() {
		t.Error("22/22 is not full")
	}
	if ComputeStanding(cat, allMetBut(NotMet, 3)).Full() {
		t.Error("21/22 is full")
	}
	if (Standing{}).Full() {
		t.Error("an empty catalogue counts as full")
	}
}

func TestTransition(t *testing.T) {
	full := Standing{Met: 22, Total: 22}
	short := Standing{Met: 21, Total: 22}
	allowed := []struct {
		from   State
		action Action
		st     Standing
		reason string
		want   State
	}{
		{Draft, Submit, short, "", Submitted},
		{Returned, Submit, short, "", Submitted},
		{Submitted, Approve, short, "", Approved},
		{Submitted, Return, short, "thiếu minh chứng", Returned},
		{Approved, Recognize, full, "", Recognized},
		{Submitted, Reopen, short, "sửa lỗi nhập", Draft},
		{Approved, Reopen, short, "sửa lỗi nhập", Draft},
		{Recognized, Reopen, full, "quyết định bị hủy", Draft},
	}
	for _, tt := range allowed {
		got, err := Transition(tt.from, tt.action, tt.st, tt.reason)
		if err != nil || got != tt.want {
			t.Errorf("%s --%s--> got %q, %v; want %s", tt.from, tt.action, got, err, tt.want)
		}
	}
	refused := []struct {
		from   State
		action Action
		st     Standing
		reason string
	}{
		{Submitted, Submit, short, ""},
		{Approved, Submit, short, ""},
		{Recognized, Submit, full, ""},
		{Draft, Approve, short, ""},
		{Returned, Approve, short, ""},
		{Approved, Approve, short, ""},
		{Submitted, Return, short, ""},
		{Draft, Return, short, "lý do"},
		{Approved, Recognize, short, ""},
		{Submitted, Recognize, full, ""},
		{Draft, Recognize, full, ""},
		{Recognized, Recognize, full, ""},
		{Draft, Reopen, short, "lý do"},
		{Returned, Reopen, short, "lý do"},
		{Approved, Reopen, short, ""},
		{Draft, "delete", short, ""},
	}
	for _, tt := range refused {
		got, err := Transition(tt.from, tt.action, tt.st, tt.reason)
		if !errors.Is(err, ErrTransition) {
			t.Errorf("%s --%s--> got %q, %v; want ErrTransition", tt.from, tt.action, got, err)
		}
	}
}

func TestAccounts(t *testing.T) {
	for _, u := range []string{"phula", "hanoi", "ca.hadong-01", "a1"} {
		if err := CheckUsername(u); err != nil {
			t.Errorf("%q refused: %v", u, err)
		}
	}
	for _, u := range []string{"", "a", "PhuLa", "phú-la", "-x", "a b", "ａｄｍｉｎ", string(make([]byte, 65))} {
		if CheckUsername(u) == nil {
			t.Errorf("%q accepted", u)
		}
	}
	if _, err := HashPassword("short"); !errors.Is(err, ErrPassword) {
		t.Errorf("short password: %v", err)
	}
	h, err := HashPassword("mật khẩu đủ dài")
	if err != nil {
		t.Fatal(err)
	}
	if !PasswordMatches(h, "mật khẩu đủ dài") || PasswordMatches(h, "mật khẩu khác dài") || PasswordMatches("", "x") {
		t.Error("password matching is wrong")
	}
}

// foldByChain is how Fold was written first, with x/text's transformers:
// the reference Fold must agree with.
func foldByChain(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.NewReplacer("đ", "d", "Đ", "d").Replace(out)
	return strings.ToLower(strings.Join(strings.Fields(out), " "))
}

func TestFoldAgreesWithTheTransformerChain(t *testing.T) {
	for _, s := range []string{"", "  ", "Ô Chợ Dừa", "Phường Kiến Hưng", "ĐỐNG ĐA\t  quận", "Công an phường Phú La ",
		"Nguyễn Văn A · cán bộ", "Ǆemal Ǉubljana", "İstanbul", "x\u0301\u0323y", "\u00a0Hà\u2003Nội\u00a0", "ﬁ Ω Å"} {
		if got, want := Fold(s), foldByChain(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzFold(f *testing.F) {
	f.Add("Phường Kiến Hưng")
	f.Add("ĐỐNG ĐA  quận")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip()
		}
		if got, want := Fold(s), foldByChain(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}
