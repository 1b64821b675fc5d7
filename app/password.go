package app

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/creditflow/creditflow"
	"golang.org/x/crypto/argon2"
)

// passwordParams are the argon2id costs of new password hashes: RFC 9106's
// second recommended choice (3 passes over 64 MiB), with 2 lanes. A hash
// keeps its own costs, so raising them later leaves old hashes valid.
var passwordParams = argonParams{memoryKiB: 64 * 1024, passes: 3, lanes: 2, keyLen: 32}

// passwordSaltLen is the length of a password's random salt in bytes.
const passwordSaltLen = 16

type argonParams struct {
	memoryKiB uint32
	passes    uint32
	lanes     uint8
	keyLen    uint32
}

// hashPassword returns the argon2id hash of password with a new salt from
// rnd, in the PHC string format
// "$argon2id$v=19$m=65536,t=3,p=2$SALT$HASH" (base64 without padding).
func hashPassword(password string, rnd io.Reader) (string, error) {
	salt := make([]byte, passwordSaltLen)
	if _, err := io.ReadFull(rnd, salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	p := passwordParams
	key := argon2.IDKey([]byte(password), salt, p.passes, p.memoryKiB, p.lanes, p.keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memoryKiB, p.passes, p.lanes,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// checkPassword reports whether password matches the encoded hash, comparing
// in constant time. A hash it cannot read matches nothing.
func checkPassword(encoded, password string) bool {
	p, salt, want, err := parsePasswordHash(encoded)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.passes, p.memoryKiB, p.lanes, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// parsePasswordHash reads a hash of hashPassword.
func parsePasswordHash(encoded string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("argon2id version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memoryKiB, &p.passes, &p.lanes); err != nil {
		return p, nil, nil, fmt.Errorf("argon2id costs %q: %w", parts[3], err)
	}
	if p.memoryKiB == 0 || p.passes == 0 || p.lanes == 0 || p.memoryKiB > 1<<21 || p.passes > 64 {
		return p, nil, nil, fmt.Errorf("argon2id costs %q out of range", parts[3])
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, fmt.Errorf("argon2id salt: %w", err)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, fmt.Errorf("argon2id hash: %v", err)
	}
	return p, salt, key, nil
}

// minPasswordLen is the shortest password taken, in characters.
const minPasswordLen = 10

// checkNewPassword refuses a password too short to keep anyone out.
func checkNewPassword(password string) error {
	if n := len([]rune(password)); n < minPasswordLen {
		return fmt.Errorf("%w: a password needs at least %d characters, this one has %d", creditflow.ErrInvalid, minPasswordLen, n)
	}
	return nil
}

// passwordAlphabet are the characters of RandomPassword: no 0/O, 1/l/I.
const passwordAlphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// RandomPassword returns a new random password of 16 characters (about 92
// bits), for the demo's admin.
func RandomPassword() string {
	const n, limit = 16, 256 - 256%len(passwordAlphabet) // bytes at or over limit would favour some characters
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic(fmt.Sprintf("app: no randomness: %v", err))
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, passwordAlphabet[int(c)%len(passwordAlphabet)])
			}
		}
	}
	return string(out)
}
