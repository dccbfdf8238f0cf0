// Package signing signs the portal's decisions as PDF signatures (a CMS
// SignedData over the whole file, with the signing certificate and time,
// as an incremental update) and checks a decision signed elsewhere: valid,
// covering the whole file, and beginning with the draft's exact bytes.
package signing

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/pdfsign/verify"
	"software.sslmate.com/src/go-pkcs12"
)

// Signer is a body's signing key and its certificate chain, the signing
// certificate first.
type Signer struct {
	Key   crypto.Signer
	Chain []*x509.Certificate
}

// Load reads a signing key and its certificate chain from a PEM file (a
// private key block and one or more certificate blocks, the signing
// certificate first) or a PKCS#12 file opened with password.
func Load(path, password string) (*Signer, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the operator's configured key file
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if !bytes.Contains(b, []byte("-----BEGIN")) {
		return loadPKCS12(path, b, password)
	}
	s := &Signer{}
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		switch block.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("signing key %s: %w", path, err)
			}
			s.Chain = append(s.Chain, c)
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
			if s.Key, err = parseKey(block); err != nil {
				return nil, fmt.Errorf("signing key %s: %w", path, err)
			}
		}
	}
	if s.Key == nil || len(s.Chain) == 0 {
		return nil, fmt.Errorf("signing key %s: a private key and its certificate are needed", path)
	}
	return s, nil
}

// loadPKCS12 reads a PKCS#12 file: its key, certificate and chain.
func loadPKCS12(path string, b []byte, password string) (*Signer, error) {
	key, cert, chain, err := pkcs12.DecodeChain(b, password)
	if err != nil {
		return nil, fmt.Errorf("signing key %s (PKCS#12): %w", path, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("signing key %s: the key cannot sign", path)
	}
	return &Signer{Key: signer, Chain: append([]*x509.Certificate{cert}, chain...)}, nil
}

func parseKey(block *pem.Block) (crypto.Signer, error) {
	switch block.Type {
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(block.Bytes)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	}
	return nil, errors.New("an RSA or ECDSA key is needed")
}

// Name is the signing certificate's holder, as a signature names it.
func (s *Signer) Name() string { return s.Chain[0].Subject.CommonName }

// Sign signs pdf as of at, naming reason, and returns the signed file: the
// draft's bytes followed by the signature's incremental update.
func (s *Signer) Sign(doc []byte, reason string, at time.Time) ([]byte, error) {
	in := bytes.NewReader(doc)
	rdr, err := pdf.NewReader(in, int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	var out bytes.Buffer
	err = sign.Sign(in, &out, rdr, int64(len(doc)), sign.SignData{
		Signature: sign.SignDataSignature{
			Info:       sign.SignDataSignatureInfo{Name: s.Name(), Reason: reason, Date: at},
			CertType:   sign.ApprovalSignature,
			DocMDPPerm: sign.AllowFillingExistingFormFieldsAndSignaturesPerms,
		},
		Signer:            s.Key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.Chain[0],
		CertificateChains: [][]*x509.Certificate{s.Chain},
	})
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return out.Bytes(), nil
}

// MaxSignatureBytes bounds what a signature may add to its draft: a CMS
// signature with a certificate chain, timestamps and revocation data is
// tens of kilobytes; past this, the file is not the draft signed.
const MaxSignatureBytes = 1 << 20

// Why a signed file is refused; each has a message.
var (
	ErrNotDraft     = errors.New("the signed file does not begin with the draft")
	ErrNoSignature  = errors.New("the file carries no signature")
	ErrBadSignature = errors.New("a signature does not verify")
	ErrNotCovered   = errors.New("the signature does not cover the whole file")
)

// Checked is what a check found of a signed file: who signed and when.
type Checked struct {
	Signer string
	At     time.Time
}

// Check checks a decision signed elsewhere against its draft: it begins
// with the draft's exact bytes (a signature is an incremental update), and
// carries a signature that verifies and covers the whole file. The
// signer's certificate is reported, not judged: trust in it is the
// signer's authority's (a government CA), outside the portal.
func Check(signed, draft []byte) (c Checked, err error) {
	if bytes.Equal(signed, draft) {
		return Checked{}, ErrNoSignature
	}
	if !bytes.HasPrefix(signed, draft) {
		return Checked{}, ErrNotDraft
	}
	if len(signed)-len(draft) > MaxSignatureBytes {
		return Checked{}, fmt.Errorf("%w: %d bytes after the draft", ErrBadSignature, len(signed)-len(draft))
	}
	// The reader of a file from outside must not take the portal down: a
	// panic in it is a refusal.
	defer func() {
		if r := recover(); r != nil {
			c, err = Checked{}, fmt.Errorf("%w: %v", ErrBadSignature, r)
		}
	}()
	// What follows the draft either carries a signature dictionary or
	// none: a file that has one and does not verify (or does not even
	// parse) is a bad signature, not a missing one.
	hasSignature := bytes.Contains(signed[len(draft):], []byte("/ByteRange"))
	if !hasSignature {
		return Checked{}, ErrNoSignature
	}
	resp, err := verify.Verify(bytes.NewReader(signed), int64(len(signed)))
	if err != nil {
		return Checked{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if resp == nil || len(resp.Signers) == 0 {
		return Checked{}, ErrNoSignature
	}
	for _, s := range resp.Signers {
		if !s.ValidSignature {
			return Checked{}, ErrBadSignature
		}
	}
	if !coversWholeFile(signed) {
		return Checked{}, ErrNotCovered
	}
	last := resp.Signers[len(resp.Signers)-1]
	c = Checked{Signer: last.Name}
	if last.SignatureTime != nil {
		c.At = *last.SignatureTime
	}
	if len(last.Certificates) > 0 && last.Certificates[0].Certificate != nil {
		c.Signer = last.Certificates[0].Certificate.Subject.CommonName
	}
	return c, nil
}

// coversWholeFile says whether the file's last signature's byte range
// runs from its first byte to its last, leaving out only the signature's
// own contents.
func coversWholeFile(b []byte) bool {
	i := bytes.LastIndex(b, []byte("/ByteRange"))
	if i < 0 {
		return false
	}
	rest := b[i+len("/ByteRange"):]
	open, end := bytes.IndexByte(rest, '['), bytes.IndexByte(rest, ']')
	if open < 0 || end < open || end > 200 {
		return false
	}
	fields := strings.Fields(string(rest[open+1 : end]))
	if len(fields) != 4 {
		return false
	}
	var n [4]int64
	for k, f := range fields {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return false
		}
		n[k] = v
	}
	return n[0] == 0 && n[1] > 0 && n[2] > n[1] && n[2]+n[3] == int64(len(b))
}

// MakeDemo writes a demo signing key (NewDemo) as one PEM file at path,
// unless a file is there already, and returns path.
func MakeDemo(path, body string, now time.Time) (string, error) {
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	_, pemBytes, err := NewDemo(body, now)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, pemBytes, 0o600)
}

// NewDemo makes a demo certificate authority and a signing key it
// certified for the body named, both saying they are a demo, and returns
// the signer and its PEM (key, certificate, authority's certificate).
func NewDemo(body string, now time.Time) (*Signer, []byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	ca := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: "modelward DEMO certificate authority (not for real use)", Organization: []string{"DEMO"}},
		NotBefore: now.AddDate(-5, 0, 0), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	leaf := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: body + " (DEMO)", Organization: []string{"DEMO"}},
		NotBefore: now.AddDate(-5, 0, 0), NotAfter: now.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	leafCert, err := x509.ParseCertificate(leafDER)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	var out bytes.Buffer
	for _, b := range []*pem.Block{{Type: "PRIVATE KEY", Bytes: keyDER}, {Type: "CERTIFICATE", Bytes: leafDER}, {Type: "CERTIFICATE", Bytes: caDER}} {
		if err := pem.Encode(&out, b); err != nil {
			return nil, nil, err
		}
	}
	return &Signer{Key: key, Chain: []*x509.Certificate{leafCert, caCert}}, out.Bytes(), nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}
