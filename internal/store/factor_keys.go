package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A second factor's secret must be known to the portal to check a code,
// so it cannot be hashed like a password: with FACTOR_KEY it is sealed
// with AES-256-GCM before it reaches the database, bound to its user (a
// sealed secret copied to another user's row does not open), so that a
// dump or a backup alone gives no codes.

// sealedPrefix marks a sealed secret; anything else is one stored as it
// is (before FACTOR_KEY was set).
const sealedPrefix = "aes256gcm:"

// ErrFactorKey means a sealed secret opens with none of the keys given.
var ErrFactorKey = errors.New("the second factor's secret does not open with FACTOR_KEY")

// FactorKeys are the keys second-factor secrets are sealed with: the
// first seals, every one opens (the others are older keys, kept while
// `modelward factor reseal` moves the secrets to the first).
type FactorKeys []cipher.AEAD

// ParseFactorKeys reads FACTOR_KEY: keys of 32 bytes in base64,
// separated by commas, the newest first; empty for none.
func ParseFactorKeys(v string) (FactorKeys, error) {
	var keys FactorKeys
	for i, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(f)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("FACTOR_KEY: key %d is not 32 bytes in base64 (make one with: openssl rand -base64 32)", i+1)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		keys = append(keys, aead)
	}
	return keys, nil
}

// boundTo is what a sealed secret is bound to: its user.
func boundTo(user int64) []byte {
	return []byte("modelward factor of user " + strconv.FormatInt(user, 10))
}

// seal is secret as the database keeps it: sealed with the first key, or
// as it is when there is none.
func (k FactorKeys) seal(user int64, secret string) (string, error) {
	if len(k) == 0 {
		return secret, nil
	}
	nonce := make([]byte, k[0].NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := k[0].Seal(nonce, nonce, []byte(secret), boundTo(user))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(sealed), nil
}

// open is the secret the database keeps as stored.
func (k FactorKeys) open(user int64, stored string) (string, error) {
	b64, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return stored, nil
	}
	sealed, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil {
		return "", fmt.Errorf("factor of user %d: %w", user, ErrFactorKey)
	}
	for _, key := range k {
		n := key.NonceSize()
		if len(sealed) < n {
			break
		}
		if plain, err := key.Open(nil, sealed[:n], sealed[n:], boundTo(user)); err == nil {
			return string(plain), nil
		}
	}
	return "", fmt.Errorf("factor of user %d: %w", user, ErrFactorKey)
}

// ResealFactorSecrets seals every second-factor secret with the first of
// the store's keys: those stored as they are, and those sealed with an
// older key. One transaction, audited; it returns how many it sealed anew.
func (s *Store) ResealFactorSecrets(ctx context.Context) (int, error) {
	if len(s.FactorKeys) == 0 {
		return 0, errors.New("FACTOR_KEY is not set: give the key to seal with")
	}
	n := 0
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id FOR UPDATE`)
		if err != nil {
			return err
		}
		type row struct {
			id     int64
			stored string
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			err := r.Scan(&x.id, &x.stored)
			return x, err
		})
		if err != nil {
			return err
		}
		for _, x := range list {
			secret, err := s.FactorKeys.open(x.id, x.stored)
			if err != nil {
				return err
			}
			if strings.HasPrefix(x.stored, sealedPrefix) {
				if _, err := s.FactorKeys[:1].open(x.id, x.stored); err == nil {
					continue // sealed with the first key already
				}
			}
			sealed, err := s.FactorKeys.seal(x.id, secret)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = $2 WHERE id = $1`, x.id, sealed); err != nil {
				return err
			}
			n++
		}
		return audit(ctx, tx, auditEntry{Actor: "system", Action: "factor_secrets_resealed", Entity: "users", EntityKey: "totp_secret",
			After: fmt.Appendf(nil, `{"resealed": %d, "total": %d}`, n, len(list))})
	})
	if err != nil {
		return 0, fmt.Errorf("reseal second-factor secrets: %w", err)
	}
	return n, nil
}
