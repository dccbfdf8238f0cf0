package assess

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The second factor is TOTP (RFC 6238) as every authenticator app makes
// it: six digits from a shared secret, a new code every 30 seconds.
const (
	factorPeriod = 30
	factorIssuer = "modelward"
	// RecoveryCodes is how many single-use recovery codes a user gets.
	RecoveryCodes = 10
)

var factorOpts = totp.ValidateOpts{Period: factorPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Factor is a second factor being set up: its secret (base32) and the
// otpauth:// address an authenticator app reads from the QR code.
type Factor struct {
	Secret string
	URL    string
}

// NewFactor draws a fresh secret for username (160 bits).
func NewFactor(username string) (Factor, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: factorIssuer, AccountName: username, Period: factorPeriod})
	if err != nil {
		return Factor{}, err
	}
	return Factor{Secret: k.Secret(), URL: k.URL()}, nil
}

// FactorOf is the factor of an existing secret, for showing it again.
func FactorOf(username, secret string) (Factor, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return Factor{}, err
	}
	k, err := totp.Generate(totp.GenerateOpts{Issuer: factorIssuer, AccountName: username, Period: factorPeriod, Secret: raw})
	if err != nil {
		return Factor{}, err
	}
	return Factor{Secret: secret, URL: k.URL()}, nil
}

// FactorStep is the 30-second step of t, which a code belongs to.
func FactorStep(t time.Time) int64 { return t.Unix() / factorPeriod }

// FactorCode is the secret's code in the step of t.
func FactorCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, factorOpts)
}

// IsFactorCode says whether s has the shape of an authenticator's code
// (six digits, spaces allowed), rather than a recovery code's.
func IsFactorCode(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// MatchFactorCode says whether code is the secret's code at now, or one
// step either side (a phone's clock drifts), and in which step. A step at
// or before lastStep was used already and is refused: a code seen over a
// shoulder cannot sign in a second time (RFC 6238 §5.2).
func MatchFactorCode(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	code = strings.ReplaceAll(code, " ", "")
	if !IsFactorCode(code) {
		return 0, false
	}
	for _, d := range []int64{0, -1, 1} {
		step := FactorStep(now) + d
		if step <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*factorPeriod, 0), factorOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

var recoveryEncoding = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// NewRecoveryCodes draws the single-use codes that stand in for a lost
// phone: ten of ten letters and digits (50 bits each), shown as
// "abcde-fghij", with no 0/o or 1/l to misread.
func NewRecoveryCodes() []string {
	codes := make([]string, RecoveryCodes)
	for i := range codes {
		b := make([]byte, 7)
		_, _ = rand.Read(b) // never fails (crypto/rand)
		s := recoveryEncoding.EncodeToString(b)[:10]
		codes[i] = s[:5] + "-" + s[5:]
	}
	return codes
}

// RecoveryCodeHash is what is stored of a recovery code: its SHA-256, of
// the code as typed in any case, with or without the dash. The codes are
// random and long, so a fast hash is enough.
func RecoveryCodeHash(code string) []byte {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	h := sha256.Sum256([]byte(c))
	return h[:]
}
