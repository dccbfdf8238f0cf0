package web

import (
	"fmt"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// FactorPage is a step of setting up or using the second factor: the
// code asked at sign-in, the QR code to set one up, or the recovery codes
// shown once.
type FactorPage struct {
	Page
	// Action is where the code form goes; Next and Resume ride along, as on
	// the sign-in form.
	Action string
	Next   string
	Resume *Resume
	// Error is what is wrong with the code (a message key); Until is when
	// a throttled attempt may try again, in words.
	Error string
	Until string
	// Setup is the factor being set up, nil when asking for a code.
	Setup *FactorSetup
	// Reauth asks a signed-in user for their current password (and code)
	// before the set-up; nil at sign-in.
	Reauth *Reauth
	// Required says the user's role must use a second factor.
	Required bool
	// Recovery are the recovery codes, shown once after a set-up; Continue
	// is where to go next.
	Recovery []string
	Continue string
}

// FactorSetup is a secret to add to an authenticator app.
type FactorSetup struct {
	Account string
	Secret  string
	URL     string
}

// SecretGroups is the secret in groups of four, easier to type.
func (f FactorSetup) SecretGroups() string {
	var b strings.Builder
	for i, c := range f.Secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// qrModules draws content as a QR code: the SVG path of its dark
// modules, inside a quiet zone of four, and the side of the whole square.
// Drawn on the server, it needs no script and no image request.
func qrModules(content string) (path string, side int, err error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return "", 0, err
	}
	n := code.Bounds().Dx()
	var b strings.Builder
	for y := range n {
		for x := range n {
			if r, _, _, _ := code.At(x, y).RGBA(); r == 0 {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+4, y+4)
			}
		}
	}
	return b.String(), n + 8, nil
}

func formEnctype(r *Resume) string {
	if r.Multipart {
		return "multipart/form-data"
	}
	return "application/x-www-form-urlencoded"
}

// Reauth asks for the current password, and a current code when Code is
// set, before a change to how the user signs in; Errors are by field
// (factor_password, factor_code, or email_…).
type Reauth struct {
	Code   bool
	Errors map[string]string
}
