package assess

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// Password rules (TCVN 14423:2026, level 3): at least 8 characters for a
// user who signs in with a second factor, at least 14 for one who does
// not, and nothing easy to guess.
const (
	MinPasswordWithFactor = 8
	MinPasswordAlone      = 14
	// maxPasswordBytes is what bcrypt reads.
	maxPasswordBytes = 72
)

// PasswordError is a new password refused, with its reason.
type PasswordError struct {
	// Min is the length the rule asks for, when the password is too
	// short; 0 when it is too long or too easy to guess.
	Min    int
	Common bool
}

func (e *PasswordError) Error() string {
	switch {
	case e.Common:
		return "password: too easy to guess (a common password, a name, a sequence or the like)"
	case e.Min > 0:
		return fmt.Sprintf("password: at least %d characters", e.Min)
	}
	return fmt.Sprintf("password: at most %d bytes", maxPasswordBytes)
}

func (e *PasswordError) Is(target error) bool { return target == ErrPassword }

// MinPassword is the shortest password a user may choose.
func MinPassword(withFactor bool) int {
	if withFactor {
		return MinPasswordWithFactor
	}
	return MinPasswordAlone
}

// localWords are guessed first by anyone attacking this portal: its own
// names, and the passwords Vietnamese users choose most.
var localWords = []string{"modelward", "congan", "bocongan", "catp", "capphuong", "phuong", "kieumau", "diemhinh",
	"matkhau", "anhyeuem", "emyeuanh", "iloveyou", "vietnam", "hanoi", "saigon", "hochiminh", "toilaai", "admin", "quantri"}

// CheckPassword checks a new password against the rules: at least 8
// characters with a second factor and 14 without, at most 72 bytes, and
// not easy to guess. Guessability is zxcvbn's estimate, which knows the
// 30,000 commonest passwords, names, words, dates, keyboard runs and
// sequences; the user's own names (username, full name, unit) and the
// portal's words count as common too. Without a factor the password must
// be "safely unguessable" (score 3, some 10^10 guesses); with one, a
// password is half of the sign-in and "somewhat guessable" (score 2) is
// enough, as a random 8 characters score.
func CheckPassword(password string, withFactor bool, personal ...string) error {
	min, score := MinPasswordAlone, 3
	if withFactor {
		min, score = MinPasswordWithFactor, 2
	}
	if utf8.RuneCountInString(password) < min {
		return &PasswordError{Min: min}
	}
	if len(password) > maxPasswordBytes {
		return &PasswordError{}
	}
	inputs := append([]string{}, localWords...)
	for _, p := range personal {
		// Each name as typed and without its accents ("kienhung" is Kiến
		// Hưng), whole, without spaces, word by word and two words at a
		// time.
		for _, form := range []string{strings.ToLower(p), Fold(p)} {
			words := strings.Fields(form)
			inputs = append(inputs, form, strings.Join(words, ""))
			inputs = append(inputs, words...)
			for i := 1; i < len(words); i++ {
				inputs = append(inputs, words[i-1]+words[i])
			}
		}
	}
	if zxcvbn.PasswordStrength(password, inputs).Score < score {
		return &PasswordError{Common: true}
	}
	return nil
}

// errPasswordLength is HashPassword's own bound, below every rule.
var errPasswordLength = errors.New("password: 8 to 72 bytes")
