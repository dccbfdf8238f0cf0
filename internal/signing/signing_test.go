package signing

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"software.sslmate.com/src/go-pkcs12"
)

func draft(t *testing.T) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCreationDate(time.Date(2025, 4, 22, 0, 0, 0, 0, time.UTC))
	p.AddPage()
	p.SetFont("Helvetica", "", 12)
	p.Cell(40, 10, "QUYET DINH")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfsig, which nobody here wrote, says what it finds of a file.
func pdfsig(t *testing.T, doc []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdfsig"); err != nil {
		t.Skip("pdfsig (poppler-utils) is not installed")
	}
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("pdfsig", path).CombinedOutput()
	return string(out)
}

// The demo key signs; pdfsig finds the signature valid and covering the
// whole document, as the portal's own check does; a byte changed in the
// signed range fails both; a file that is not the draft, or carries no
// signature, is refused saying why.
func TestSignAndCheck(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	path, err := MakeDemo(filepath.Join(t.TempDir(), "key.pem"), "Bộ Công an", now)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Name(), "DEMO") || len(s.Chain) != 2 {
		t.Errorf("demo signer %q with %d certificates", s.Name(), len(s.Chain))
	}
	d := draft(t)
	signed, err := s.Sign(d, "Quyết định công nhận", now)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, d) {
		t.Error("the signed file does not begin with the draft")
	}
	out := pdfsig(t, signed)
	for _, want := range []string{"Signature is Valid", "Total document signed", "Bộ Công an (DEMO)"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig does not say %q:\n%s", want, out)
		}
	}
	c, err := Check(signed, d)
	if err != nil || c.Signer != "Bộ Công an (DEMO)" || !c.At.Equal(now) {
		t.Errorf("check: %+v, %v", c, err)
	}

	tampered := bytes.Clone(signed)
	tampered[len(d)/2] ^= 0x01
	if out := pdfsig(t, tampered); strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig finds a tampered file valid:\n%s", out)
	}
	if _, err := Check(tampered, tampered[:len(d)]); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered: %v", err)
	}
	if _, err := Check(signed, draft2(t)); !errors.Is(err, ErrNotDraft) {
		t.Errorf("another draft: %v", err)
	}
	if _, err := Check(append(bytes.Clone(d), "\n%%EOF\n"...), d); !errors.Is(err, ErrNoSignature) {
		t.Errorf("unsigned: %v", err)
	}
	// Something appended after the signature is not covered by it.
	if _, err := Check(append(bytes.Clone(signed), "\n%% appended\n"...), d); err == nil {
		t.Error("a file with bytes after its signature passed")
	}
}

func draft2(t *testing.T) []byte {
	b := draft(t)
	return append(bytes.Clone(b[:len(b)-10]), "0000000000"...)
}

// Files from outside that are not what they claim are refused, never a
// panic: the draft followed by garbage, by a truncated signature, by a
// signature dictionary whose byte range lies, or by too much.
func TestCheckHostile(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s, _, err := NewDemo("Bộ Công an", now)
	if err != nil {
		t.Fatal(err)
	}
	d := draft(t)
	signed, err := s.Sign(d, "x", now)
	if err != nil {
		t.Fatal(err)
	}
	tail := signed[len(d):]
	cases := map[string][]byte{
		"garbage":          append(bytes.Clone(d), bytes.Repeat([]byte{0xff, 0x00, '<', '('}, 5000)...),
		"truncated":        append(bytes.Clone(d), tail[:len(tail)/2]...),
		"lying byte range": append(bytes.Clone(d), bytes.Replace(tail, []byte("/ByteRange ["), []byte("/ByteRange [9"), 1)...),
		"too much":         append(bytes.Clone(d), make([]byte, MaxSignatureBytes+1)...),
	}
	for name, b := range cases {
		if _, err := Check(b, d); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A PKCS#12 file, as certificate authorities hand keys out, signs too.
func TestLoadPKCS12(t *testing.T) {
	s, _, err := NewDemo("Công an tỉnh Quảng Nam", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	p12, err := pkcs12.Modern.Encode(s.Key, s.Chain[0], s.Chain[1:], "mật khẩu")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.p12")
	if err := os.WriteFile(path, p12, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, "sai"); err == nil {
		t.Error("a wrong password opened the file")
	}
	loaded, err := Load(path, "mật khẩu")
	if err != nil {
		t.Fatal(err)
	}
	d := draft(t)
	signed, err := loaded.Sign(d, "x", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := Check(signed, d); err != nil || c.Signer != "Công an tỉnh Quảng Nam (DEMO)" {
		t.Errorf("check: %+v %v", c, err)
	}
}
