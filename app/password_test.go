package app

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

// TestPasswordHash checks that a hash holds its costs and a salt of its
// own, takes the password it was made of and nothing else, and that a hash
// that is not one of ours matches nothing.
func TestPasswordHash(t *testing.T) {
	start := time.Now()
	h1, err := hashPassword("correct horse battery", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("one argon2id hash (m=%d KiB, t=%d, p=%d) took %v", passwordParams.memoryKiB, passwordParams.passes, passwordParams.lanes, time.Since(start))
	h2, err := hashPassword("correct horse battery", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q: want the PHC format with its costs", h1)
	}
	if h1 == h2 {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	if strings.Contains(h1, "correct horse") {
		t.Errorf("the hash holds the password")
	}
	parts := strings.Split(h1, "$")
	tampered := strings.Join(append(parts[:5:5], strings.Repeat("A", len(parts[5]))), "$")
	tests := []struct {
		name, hash, password string
		want                 bool
	}{
		{"the password", h1, "correct horse battery", true},
		{"the password, other salt", h2, "correct horse battery", true},
		{"another password", h1, "correct horse battery!", false},
		{"the empty password", h1, "", false},
		{"other case", h1, "Correct horse battery", false},
		{"changed hash", tampered, "correct horse battery", false},
		{"not argon2id", strings.Replace(h1, "argon2id", "argon2i", 1), "correct horse battery", false},
		{"other version", strings.Replace(h1, "v=19", "v=16", 1), "correct horse battery", false},
		{"huge memory", strings.Replace(h1, "m=65536", "m=99999999", 1), "correct horse battery", false},
		{"empty", "", "", false},
		{"plain text", "correct horse battery", "correct horse battery", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkPassword(tt.hash, tt.password); got != tt.want {
				t.Errorf("checkPassword = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCheckNewPassword refuses short passwords, counting characters, not
// bytes.
func TestCheckNewPassword(t *testing.T) {
	tests := []struct {
		password string
		ok       bool
	}{
		{"", false},
		{"123456789", false},
		{"1234567890", true},
		{"ëëëëë", false}, // ten bytes, five characters
		{"ëëëëëëëëëë", true},
	}
	for _, tt := range tests {
		if err := checkNewPassword(tt.password); (err == nil) != tt.ok {
			t.Errorf("checkNewPassword(%q) = %v, want ok %v", tt.password, err, tt.ok)
		}
	}
}

// TestRandomPassword draws passwords of the alphabet only, each new.
func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		p := RandomPassword()
		if len(p) != 16 || strings.Trim(p, passwordAlphabet) != "" {
			t.Fatalf("RandomPassword() = %q: want 16 characters of %s", p, passwordAlphabet)
		}
		if seen[p] {
			t.Fatalf("RandomPassword() gave %q twice", p)
		}
		seen[p] = true
	}
}
