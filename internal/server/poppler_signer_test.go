package server_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// signWithPoppler signs a PDF as a signer's own software would, outside
// the portal: poppler's pdfsig -add-signature, with an RSA key and
// certificate put into an NSS database by certutil and pk12util.
func signWithPoppler(t *testing.T, doc []byte, holder string) []byte {
	t.Helper()
	for _, tool := range []string{"pdfsig", "certutil", "pk12util"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: holder},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	p12, err := pkcs12.Modern.Encode(key, cert, nil, "mat-khau")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := "sql:" + filepath.Join(dir, "nss")
	if err := os.Mkdir(filepath.Join(dir, "nss"), 0o700); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"key.p12": p12, "draft.pdf": doc}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil && !strings.Contains(string(out), "NSS_Shutdown") {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return string(out)
	}
	run("certutil", "-N", "-d", db, "--empty-password")
	run("pk12util", "-i", filepath.Join(dir, "key.p12"), "-d", db, "-W", "mat-khau")
	nick := ""
	for _, line := range strings.Split(run("pdfsig", "-list-nicks", "-nssdir", db), "\n") {
		if strings.HasPrefix(line, holder) {
			nick = strings.TrimSpace(line)
		}
	}
	if nick == "" {
		t.Fatal("the key is not in the NSS database")
	}
	out := filepath.Join(dir, "signed.pdf")
	run("pdfsig", "-add-signature", "-nssdir", db, "-nick", nick, "-reason", "Ky ban hanh", filepath.Join(dir, "draft.pdf"), out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
