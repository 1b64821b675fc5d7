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
	"io"
	"strings"
	"time"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// tokenPrefix starts every API token, so that leaked tokens are easy to find.
const tokenPrefix = "cf_"

// CreateToken makes a new random API token with a role for the command
// line, stores only its SHA-256 hash and returns the token itself, which is
// shown once.
func CreateToken(ctx context.Context, db *store.DB, role creditflow.Role, name string, now time.Time) (string, error) {
	return createToken(ctx, db, rand.Reader, Principal{}, role, name, now)
}

// CreateToken makes a new API token for by, as the package's CreateToken.
func (a *Auth) CreateToken(ctx context.Context, by Principal, role creditflow.Role, name string) (string, error) {
	return createToken(ctx, a.db, a.rand, by, role, name, a.now())
}

func createToken(ctx context.Context, db *store.DB, rnd io.Reader, by Principal, role creditflow.Role, name string, now time.Time) (string, error) {
	if _, err := creditflow.ParseRole(string(role)); err != nil {
		return "", err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "", fmt.Errorf("%w: a token needs a name (who or what uses it)", creditflow.ErrInvalid)
	}
	id, secret := randomHex(rnd, 6), randomHex(rnd, 24)
	token := tokenPrefix + id + "_" + secret
	err := db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, store.Query("api_token_insert"), id, name, string(role), HashSecret(token), now.UTC()); err != nil {
			return err
		}
		return audit(ctx, tx, now, by.Actor(), "token_create", map[string]any{"token_id": id, "name": name, "role": role})
	})
	if err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	return token, nil
}

// RandomHex returns n random bytes in hex.
func RandomHex(n int) string { return randomHex(rand.Reader, n) }

// HashSecret is the SHA-256 of a secret in hex: what is kept of tokens
// and session ids.
func HashSecret(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// errBadToken is the answer to a token that is not valid.
var errBadToken = fmt.Errorf("%w: unknown or revoked token", creditflow.ErrUnauthorized)

// CheckToken returns the name and role of a bearer token.
func CheckToken(ctx context.Context, db *store.DB, token string) (name string, role creditflow.Role, err error) {
	p, _, err := findToken(ctx, db, token)
	return p.Name, p.Role, err
}

// findToken returns the principal of a token that is not revoked, and its
// last use before this one.
func findToken(ctx context.Context, db *store.DB, token string) (Principal, *time.Time, error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	id, _, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 {
		return Principal{}, nil, fmt.Errorf("%w: malformed token", creditflow.ErrUnauthorized)
	}
	var name, role, hash string
	var lastUsed sql.NullTime
	err := db.QueryRowContext(ctx, store.Query("api_token_find"), id).Scan(&name, &role, &hash, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return Principal{}, nil, errBadToken
	}
	if err != nil {
		return Principal{}, nil, fmt.Errorf("check token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(HashSecret(token))) != 1 {
		return Principal{}, nil, errBadToken
	}
	p := Principal{Kind: PrincipalToken, Name: name, TokenID: id, Role: creditflow.Role(role)}
	if lastUsed.Valid {
		return p, &lastUsed.Time, nil
	}
	return p, nil, nil
}

// checkToken is findToken on the Auth's database.
func (a *Auth) checkToken(ctx context.Context, token string) (Principal, *time.Time, error) {
	return findToken(ctx, a.db, token)
}

// CheckBearer returns the principal of a bearer token and records its use,
// at most once a minute per token.
func (a *Auth) CheckBearer(ctx context.Context, token string) (Principal, error) {
	p, _, err := a.checkToken(ctx, token)
	if err != nil {
		return Principal{}, err
	}
	now := a.now().UTC()
	a.mu.Lock()
	last, seen := a.tokenUsed[p.TokenID]
	a.mu.Unlock()
	if seen && now.Sub(last) < touchEvery {
		return p, nil
	}
	ok, err := a.db.TryWriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, store.Query("api_token_used"), now, p.TokenID)
		return err
	})
	switch {
	case err != nil:
		a.log.WarnContext(ctx, "write when a token was last used", "token_id", p.TokenID, "err", err)
	case ok:
		a.noteTokenUse(p.TokenID, now)
	}
	return p, nil
}

// noteTokenUse remembers when the last use of a token was written.
func (a *Auth) noteTokenUse(id string, at time.Time) {
	a.mu.Lock()
	a.tokenUsed[id] = at
	a.mu.Unlock()
}

// Tokens lists every API token, the newest first, revoked ones too.
func (a *Auth) Tokens(ctx context.Context) ([]creditflow.APIToken, error) {
	var ts []creditflow.APIToken
	err := store.EachRow(ctx, a.db, store.Query("api_token_list"), func(rows *sql.Rows) error {
		var t creditflow.APIToken
		var role string
		var used, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &role, &t.CreatedAt, &used, &revoked); err != nil {
			return err
		}
		t.Role = creditflow.Role(role)
		t.LastUsedAt, t.RevokedAt = nullTime(used), nullTime(revoked)
		ts = append(ts, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken revokes the token id and ends the sessions opened with it.
func (a *Auth) RevokeToken(ctx context.Context, by Principal, id string) error {
	now := a.now().UTC()
	err := a.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var name, role string
		var revoked sql.NullTime
		err := tx.QueryRowContext(ctx, store.Query("api_token_get"), id).Scan(&name, &role, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: no token %q", creditflow.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		if revoked.Valid {
			return fmt.Errorf("%w: token %s (%s) was revoked on %s", creditflow.ErrConflict, id, name, revoked.Time.Format("2006-01-02 15:04"))
		}
		if _, err := tx.ExecContext(ctx, store.Query("api_token_revoke"), now, id); err != nil {
			return err
		}
		if err := a.endSessionsOf(ctx, tx, Principal{Kind: PrincipalToken, TokenID: id}); err != nil {
			return err
		}
		return audit(ctx, tx, now, by.Actor(), "token_revoke", map[string]any{"token_id": id, "name": name, "role": role})
	})
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	return nil
}

// nullTime is the time of a nullable column, nil for NULL.
func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time
	return &u
}
