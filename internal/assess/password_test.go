package assess

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPassword(t *testing.T) {
	for _, tt := range []struct {
		password   string
		withFactor bool
		personal   []string
		min        int  // the length asked, when too short
		common     bool // refused as easy to guess
		tooLong    bool
	}{
		{password: "xK9#mP2q", withFactor: true},
		{password: "xK9#mP2q", min: 14},
		{password: "xK9#mP", withFactor: true, min: 8},
		{password: "mùa thu Hà Đông năm hai nghìn"},
		{password: "correct horse battery staple"},
		{password: "Password12345!", common: true},
		{password: "abc12345", withFactor: true, common: true},
		{password: "12345678901234", common: true},
		{password: "qwertyuiop1234", common: true},
		{password: "matkhau12345678", common: true},
		{password: "congan123456789", common: true},
		{password: "modelward-demo", common: true},
		{password: "phulaphula123456", personal: []string{"phula"}, common: true},
		{password: "Công an phường Phú La", personal: []string{"Công an phường Phú La"}, common: true},
		{password: "kienhung123456", personal: []string{"phula", "Công an phường Kiến Hưng", "Phường Kiến Hưng"}, common: true},
		{password: "phuongkienhung2026", personal: []string{"Phường Kiến Hưng"}, common: true},
		{password: strings.Repeat("ư", 40), tooLong: true},
	} {
		err := CheckPassword(tt.password, tt.withFactor, tt.personal...)
		var pe *PasswordError
		switch {
		case tt.min == 0 && !tt.common && !tt.tooLong:
			if err != nil {
				t.Errorf("%q (factor %t) refused: %v", tt.password, tt.withFactor, err)
			}
		case !errors.As(err, &pe) || !errors.Is(err, ErrPassword):
			t.Errorf("%q (factor %t) = %v, want a PasswordError", tt.password, tt.withFactor, err)
		case pe.Min != tt.min || pe.Common != tt.common:
			t.Errorf("%q (factor %t) = %+v, want min %d common %t", tt.password, tt.withFactor, *pe, tt.min, tt.common)
		}
	}
}
