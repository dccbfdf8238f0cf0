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
