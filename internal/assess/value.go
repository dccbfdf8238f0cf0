package assess

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
)

// Errors for a measure's value as typed; each has a message for the user.
var (
	ErrValueNotNumber = errors.New("value is not a number")
	ErrValueShare     = errors.New("value must be a number from 0 to 100")
	ErrValueCount     = errors.New("value must be a whole number, not negative")
	ErrValueTooLong   = errors.New("value is too long")
)

var decimalPattern = regexp.MustCompile(`^[+-]?[0-9]+([.][0-9]+)?$`)

// ParseValue reads a measure's value as an officer types it — "91,5" or
// "91.5", "−8" with a typographic minus, "100 %" — checks it against the
// criterion's scale, and returns it as a plain decimal ("91.5", "-8").
func (c Criterion) ParseValue(raw string) (string, error) {
	if len(raw) > 40 {
		return "", ErrValueTooLong
	}
	s := strings.TrimSpace(raw)
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	s = strings.NewReplacer("−", "-", "–", "-", ",", ".", " ", "", "\u00a0", "").Replace(s)
	if !decimalPattern.MatchString(s) {
		return "", ErrValueNotNumber
	}
	v, ok := new(big.Rat).SetString(s)
	if !ok {
		return "", ErrValueNotNumber
	}
	switch c.Scale {
	case Share:
		if v.Sign() < 0 || v.Cmp(big.NewRat(100, 1)) > 0 {
			return "", ErrValueShare
		}
	case Count:
		if v.Sign() < 0 || !v.IsInt() {
			return "", ErrValueCount
		}
	}
	return canonical(s), nil
}

// canonical drops a leading plus, leading zeros and trailing fractional
// zeros, so that "091,50" is stored as "91.5".
func canonical(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	whole, frac, _ := strings.Cut(s, ".")
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	frac = strings.TrimRight(frac, "0")
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out
}
