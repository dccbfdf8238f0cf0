package assess

import (
	"errors"
	"testing"
)

func TestParseValue(t *testing.T) {
	share := Criterion{Kind: Measure, Scale: Share}
	count := Criterion{Kind: Measure, Scale: Count}
	change := Criterion{Kind: Measure, Scale: Change}
	ok := []struct {
		c    Criterion
		raw  string
		want string
	}{
		{share, "91,5", "91.5"},
		{share, "91.5", "91.5"},
		{share, " 100 % ", "100"},
		{share, "0", "0"},
		{share, "091,50", "91.5"},
		{share, "100,0", "100"},
		{count, "0", "0"},
		{count, "12", "12"},
		{count, "3,0", "3"},
		{change, "-8", "-8"},
		{change, "−8", "-8"},
		{change, "+4,25", "4.25"},
		{change, "-0", "0"},
		{change, "-250", "-250"},
		{change, "1 200", "1200"},
	}
	for _, tt := range ok {
		got, err := tt.c.ParseValue(tt.raw)
		if err != nil || got != tt.want {
			t.Errorf("%s %q = %q, %v; want %q", tt.c.Scale, tt.raw, got, err, tt.want)
		}
	}
	bad := []struct {
		c    Criterion
		raw  string
		want error
	}{
		{share, "", ErrValueNotNumber},
		{share, "abc", ErrValueNotNumber},
		{share, "91,5,3", ErrValueNotNumber},
		{share, "1e3", ErrValueNotNumber},
		{share, "NaN", ErrValueNotNumber},
		{share, "100,01", ErrValueShare},
		{share, "-1", ErrValueShare},
		{count, "-1", ErrValueCount},
		{count, "2,5", ErrValueCount},
		{change, "0x10", ErrValueNotNumber},
		{change, "12345678901234567890123456789012345678901", ErrValueTooLong},
		{change, "1.", ErrValueNotNumber},
		{change, ".5", ErrValueNotNumber},
	}
	for _, tt := range bad {
		if got, err := tt.c.ParseValue(tt.raw); !errors.Is(err, tt.want) {
			t.Errorf("%s %q = %q, %v; want %v", tt.c.Scale, tt.raw, got, err, tt.want)
		}
	}
}

func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"91,5", "-8", "100 %", "abc", "−0,0", "1e9", "  7  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, c := range []Criterion{
			{Kind: Measure, Scale: Share, Comparator: GreaterEqual, Threshold: "90"},
			{Kind: Measure, Scale: Count, Comparator: LessEqual, Threshold: "0"},
			{Kind: Measure, Scale: Change, Comparator: Less, Threshold: "0"},
		} {
			v, err := c.ParseValue(raw)
			if err != nil {
				continue
			}
			// What is accepted is a plain decimal that evaluates and parses again to itself.
			if _, err := c.Evaluate(v); err != nil {
				t.Fatalf("%q accepted as %q, which does not evaluate: %v", raw, v, err)
			}
			if again, err := c.ParseValue(v); err != nil || again != v {
				t.Fatalf("%q → %q → %q, %v", raw, v, again, err)
			}
		}
	})
}

// FuzzEvaluate: a measure's judgement never panics, refuses what is not a
// plain decimal, and the comparators agree with each other: ≥ and <
// (and ≤ and >) judge every value in opposite ways, = is ≥ and ≤ at once.
func FuzzEvaluate(f *testing.F) {
	for _, s := range [][2]string{{"91.5", "90"}, {"90", "90"}, {"-8", "0"}, {"0", "0"}, {"1e9", "1"},
		{"100", "100.0"}, {"-0", "0"}, {"0.10", "0.1"}, {"", "1"}, {"12345678901234567890.5", "-3"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, value, threshold string) {
		judge := func(cmp Comparator) (Status, error) {
			return Criterion{Number: 1, Kind: Measure, Comparator: cmp, Threshold: threshold}.Evaluate(value)
		}
		ge, errGE := judge(GreaterEqual)
		lt, errLT := judge(Less)
		le, errLE := judge(LessEqual)
		gt, errGT := judge(Greater)
		eq, errEQ := judge(Equal)
		errs := []error{errGE, errLT, errLE, errGT, errEQ}
		for _, err := range errs[1:] {
			if (err == nil) != (errGE == nil) {
				t.Fatalf("%q against %q: comparators disagree on whether it can be judged: %v", value, threshold, errs)
			}
		}
		if errGE != nil {
			if decimalPattern.MatchString(value) && decimalPattern.MatchString(threshold) && len(value) <= 64 && len(threshold) <= 64 {
				t.Fatalf("plain decimals %q and %q refused: %v", value, threshold, errGE)
			}
			return
		}
		if (ge == Met) == (lt == Met) || (le == Met) == (gt == Met) {
			t.Fatalf("%q against %q: ≥ %s, < %s, ≤ %s, > %s", value, threshold, ge, lt, le, gt)
		}
		if (eq == Met) != (ge == Met && le == Met) {
			t.Fatalf("%q against %q: = %s, ≥ %s, ≤ %s", value, threshold, eq, ge, le)
		}
	})
}
