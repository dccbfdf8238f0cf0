package assess

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,63}$`)

// Account errors, each with its message for the user.
var (
	ErrUsername = errors.New("username: 2–64 characters, lower-case letters without accents, digits, . _ -")
	ErrPassword = errors.New("password refused")
)

// UnusedAccountLimit is how long an account may go unused (no sign-in,
// creation or enabling) before it is disabled (TCVN 14423:2026 level 3).
const UnusedAccountLimit = 45 * 24 * time.Hour

// CheckUsername says whether s can be a username.
func CheckUsername(s string) error {
	if !usernamePattern.MatchString(s) {
		return ErrUsername
	}
	return nil
}

// HashPassword hashes a password with bcrypt. CheckPassword has judged
// it already; this refuses only what no rule allows: under 8 characters,
// or over the 72 bytes bcrypt reads (refused rather than silently cut).
func HashPassword(password string) (string, error) {
	if utf8.RuneCountInString(password) < MinPasswordWithFactor || len(password) > maxPasswordBytes {
		return "", fmt.Errorf("%w: %w", ErrPassword, errPasswordLength)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(h), err
}

// dummyHash is compared against when a username is unknown, so that an
// unknown username takes as long to refuse as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such user, no such password"), bcrypt.DefaultCost)

// PasswordMatches reports whether password matches hash; an empty hash
// (unknown user) never matches but takes the same time.
func PasswordMatches(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// ErrEmail means an e-mail address is not one.
var ErrEmail = errors.New("not an e-mail address")

// CheckEmail says whether s is a plain e-mail address (no name, no
// brackets), of at most 254 characters.
func CheckEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return ErrEmail
	}
	return nil
}
