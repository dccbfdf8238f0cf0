package assess

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The RFC 6238 test secret ("12345678901234567890" in base32) and its
// published SHA-1 codes, cut to six digits as authenticator apps show them.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestFactorCodeIsRFC6238(t *testing.T) {
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		got, err := FactorCode(rfcSecret, time.Unix(unix, 0))
		if err != nil || got != want {
			t.Errorf("code at %d = %q (%v), want %q", unix, got, err, want)
		}
	}
}

func TestMatchFactorCode(t *testing.T) {
	now := time.Unix(1111111109, 0)
	step := FactorStep(now)
	code := func(d time.Duration) string {
		c, err := FactorCode(rfcSecret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tt := range []struct {
		name     string
		code     string
		lastStep int64
		want     int64
		ok       bool
	}{
		{"now", code(0), 0, step, true},
		{"typed with a space", code(0)[:3] + " " + code(0)[3:], 0, step, true},
		{"a step late (clock drift)", code(-30 * time.Second), 0, step - 1, true},
		{"a step early", code(30 * time.Second), 0, step + 1, true},
		{"two steps late", code(-60 * time.Second), 0, 0, false},
		{"used already", code(0), step, 0, false},
		{"an older step after a newer one", code(-30 * time.Second), step, 0, false},
		{"the next step after this one", code(30 * time.Second), step, step + 1, true},
		{"wrong", "000000", 0, 0, false},
		{"letters", "abcdef", 0, 0, false},
		{"short", code(0)[:5], 0, 0, false},
		{"empty", "", 0, 0, false},
	} {
		got, ok := MatchFactorCode(rfcSecret, tt.code, now, tt.lastStep)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: MatchFactorCode(%q) = %d, %t; want %d, %t", tt.name, tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNewFactor(t *testing.T) {
	f, err := NewFactor("bocongan")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Secret) != 32 || !regexp.MustCompile(`^[A-Z2-7]+$`).MatchString(f.Secret) {
		t.Errorf("secret %q: want 32 base32 characters (160 bits)", f.Secret)
	}
	if !strings.HasPrefix(f.URL, "otpauth://totp/modelward:bocongan?") || !strings.Contains(f.URL, "secret="+f.Secret) {
		t.Errorf("URL %q", f.URL)
	}
	g, _ := NewFactor("bocongan")
	if g.Secret == f.Secret {
		t.Error("two set-ups drew the same secret")
	}
	again, err := FactorOf("bocongan", f.Secret)
	if err != nil || again.URL != f.URL {
		t.Errorf("FactorOf = %q (%v), want %q", again.URL, err, f.URL)
	}
	// The demo's secret is valid base32 for the apps and for the portal.
	if _, err := FactorOf("admin", "MODELWARDDEMOTOTPSECRET234"); err != nil {
		t.Errorf("demo secret: %v", err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes()
	if len(codes) != 10 {
		t.Fatalf("%d codes, want 10", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if !regexp.MustCompile(`^[a-km-np-z2-9]{5}-[a-km-np-z2-9]{5}$`).MatchString(c) {
			t.Errorf("code %q: want abcde-fghij without 0, 1, l, o", c)
		}
		if IsFactorCode(c) {
			t.Errorf("recovery code %q looks like an app's code", c)
		}
		seen[c] = true
	}
	if len(seen) != 10 {
		t.Errorf("codes repeat: %v", codes)
	}
	h := RecoveryCodeHash("abcde-fghij")
	for _, typed := range []string{"ABCDE-FGHIJ", "abcdefghij", " abcde fghij "} {
		if string(RecoveryCodeHash(typed)) != string(h) {
			t.Errorf("%q hashes differently from abcde-fghij", typed)
		}
	}
	if string(RecoveryCodeHash("abcde-fghik")) == string(h) {
		t.Error("two codes hash the same")
	}
}
