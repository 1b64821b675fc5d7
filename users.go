package creditflow

import (
	"encoding/json"
	"fmt"
	"time"
)

// User is a person who logs in to the dashboards by name and password
// (gebruiker). Only a hash of the password is kept.
type User struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Lang is the language the user prefers ("nl" or "en"); empty means
	// the language the browser asks for.
	Lang      string    `json:"lang,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// PasswordChangedAt is when the password was set last.
	PasswordChangedAt time.Time `json:"password_changed_at"`
	// LastVisitAt is the user's last login; nil before the first.
	LastVisitAt *time.Time `json:"last_visit_at,omitempty"`
}

// ParseLang checks a preferred language: "nl", "en", or "" for the
// browser's choice.
func ParseLang(s string) (string, error) {
	switch s {
	case "", "nl", "en":
		return s, nil
	}
	return "", fmt.Errorf("%w: language %q: expected nl, en or nothing (the browser's language)", ErrInvalid, s)
}

// APIToken is what is known of an API token: never the token itself.
type APIToken struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// AuditEntry is one line of the audit log: who did what when.
type AuditEntry struct {
	ID    int64     `json:"id"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	// Action is what was done: login, token_create, user_add, ingest,
	// dunning_action, match ...
	Action string          `json:"action"`
	Detail json.RawMessage `json:"detail,omitempty"`
}
