package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// tokenPrefix starts every API token, so that leaked tokens are easy to find.
const tokenPrefix = "cf_"

// CreateToken makes a new random API token with a role, stores only its
// SHA-256 hash and returns the token itself, which is shown once.
func CreateToken(ctx context.Context, db *store.DB, role creditflow.Role, name string, now time.Time) (string, error) {
	if _, err := creditflow.ParseRole(string(role)); err != nil {
		return "", err
	}
	if strings.TrimSpace(name) == "" {
		return "", fmt.Errorf("%w: a token needs a name (who or what uses it)", creditflow.ErrInvalid)
	}
	id, secret := RandomHex(6), RandomHex(24)
	token := tokenPrefix + id + "_" + secret
	err := db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, store.Query("api_token_insert"), id, name, string(role), HashSecret(token), now.UTC()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, store.Query("api_token_audit"), now.UTC(), id, name, string(role))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	return token, nil
}

// RandomHex returns n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// HashSecret is the SHA-256 of a secret in hex: what is kept of tokens
// and session ids.
func HashSecret(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CheckToken returns the name and role of a bearer token.
func CheckToken(ctx context.Context, db *store.DB, token string) (name string, role creditflow.Role, err error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	id, _, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 {
		return "", "", fmt.Errorf("%w: malformed token", creditflow.ErrUnauthorized)
	}
	var r, hash string
	err = db.QueryRowContext(ctx, store.Query("api_token_find"), id).Scan(&name, &r, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("%w: unknown or revoked token", creditflow.ErrUnauthorized)
	}
	if err != nil {
		return "", "", err
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(HashSecret(token))) != 1 {
		return "", "", fmt.Errorf("%w: unknown or revoked token", creditflow.ErrUnauthorized)
	}
	return name, creditflow.Role(r), nil
}
