package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/creditflow/creditflow"
	"github.com/creditflow/creditflow/store"
)

// maxUserName is the longest user name, in characters.
const maxUserName = 64

// checkUserName trims a user name and refuses an empty, long or odd one.
func checkUserName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", fmt.Errorf("%w: a user needs a name", creditflow.ErrInvalid)
	case len([]rune(name)) > maxUserName:
		return "", fmt.Errorf("%w: user name %.20q...: at most %d characters", creditflow.ErrInvalid, name, maxUserName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", fmt.Errorf("%w: user name %q has a control character", creditflow.ErrInvalid, name)
	}
	return name, nil
}

// NewUser is a user to add.
type NewUser struct {
	Name     string
	Role     creditflow.Role
	Lang     string // "nl", "en" or "" for the browser's
	Password string
}

// AddUser adds a user; names are unique regardless of case.
func (a *Auth) AddUser(ctx context.Context, by Principal, u NewUser) (creditflow.User, error) {
	name, err := checkUserName(u.Name)
	if err != nil {
		return creditflow.User{}, err
	}
	if _, err := creditflow.ParseRole(string(u.Role)); err != nil {
		return creditflow.User{}, err
	}
	lang, err := creditflow.ParseLang(u.Lang)
	if err != nil {
		return creditflow.User{}, err
	}
	if err := checkNewPassword(u.Password); err != nil {
		return creditflow.User{}, err
	}
	hash, err := hashPassword(u.Password, a.rand)
	if err != nil {
		return creditflow.User{}, err
	}
	now := a.now().UTC()
	err = a.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if old, _, err := a.findUser(ctx, tx, name); err == nil {
			return fmt.Errorf("%w: there is a user %q already", creditflow.ErrConflict, old.Name)
		} else if !errors.Is(err, creditflow.ErrNotFound) {
			return err
		}
		if _, err := tx.ExecContext(ctx, store.Query("user_insert"), name, string(u.Role), hash, nullString(lang), now, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, by.Actor(), "user_add", map[string]any{"name": name, "role": u.Role, "lang": lang})
	})
	if err != nil {
		return creditflow.User{}, fmt.Errorf("add user %s: %w", name, err)
	}
	return creditflow.User{Name: name, Role: u.Role, Lang: lang, CreatedAt: now, PasswordChangedAt: now}, nil
}

// Users lists every user by name.
func (a *Auth) Users(ctx context.Context) ([]creditflow.User, error) {
	var us []creditflow.User
	err := store.EachRow(ctx, a.db, store.Query("user_list"), func(rows *sql.Rows) error {
		u, _, err := scanUser(rows)
		us = append(us, u)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

// User returns the user name, found regardless of case.
func (a *Auth) User(ctx context.Context, name string) (creditflow.User, error) {
	u, _, err := a.findUser(ctx, a.db, name)
	return u, err
}

// findUser returns a user, regardless of case, with the password hash.
func (a *Auth) findUser(ctx context.Context, q store.Querier, name string) (creditflow.User, string, error) {
	u, hash, err := scanUser(q.QueryRowContext(ctx, store.Query("user_find"), strings.TrimSpace(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", fmt.Errorf("%w: no user %q", creditflow.ErrNotFound, strings.TrimSpace(name))
	}
	return u, hash, err
}

// scanUser reads a row of user_find or user_list.
func scanUser(row interface{ Scan(...any) error }) (creditflow.User, string, error) {
	var u creditflow.User
	var role, hash string
	var lang sql.NullString
	var visit sql.NullTime
	if err := row.Scan(&u.Name, &role, &hash, &lang, &u.CreatedAt, &u.PasswordChangedAt, &visit); err != nil {
		return u, "", err
	}
	u.Role, u.Lang, u.LastVisitAt = creditflow.Role(role), lang.String, nullTime(visit)
	return u, hash, nil
}

// UserChange is a change of a user; nil fields stay as they are.
type UserChange struct {
	Role     *creditflow.Role
	Lang     *string // "" for the browser's
	Password *string
}

// ChangeUser changes a user's role, language or password. A new password
// ends the user's sessions, unless the users changes their own. Nobody
// takes the admin role from themselves, so that an admin is left.
func (a *Auth) ChangeUser(ctx context.Context, by Principal, name string, ch UserChange) (creditflow.User, error) {
	if ch.Role != nil {
		if _, err := creditflow.ParseRole(string(*ch.Role)); err != nil {
			return creditflow.User{}, err
		}
		if by.isUser(name) && *ch.Role != creditflow.RoleAdmin && by.Role == creditflow.RoleAdmin {
			return creditflow.User{}, fmt.Errorf("%w: you cannot take the admin role from yourself; ask another admin", creditflow.ErrConflict)
		}
	}
	if ch.Lang != nil {
		if _, err := creditflow.ParseLang(*ch.Lang); err != nil {
			return creditflow.User{}, err
		}
	}
	var hash string
	if ch.Password != nil {
		if err := checkNewPassword(*ch.Password); err != nil {
			return creditflow.User{}, err
		}
		var err error
		if hash, err = hashPassword(*ch.Password, a.rand); err != nil {
			return creditflow.User{}, err
		}
	}
	now := a.now().UTC()
	var u creditflow.User
	err := a.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, _, err = a.findUser(ctx, tx, name); err != nil {
			return err
		}
		p := Principal{Kind: PrincipalUser, Name: u.Name}
		if ch.Role != nil && *ch.Role != u.Role {
			if _, err := tx.ExecContext(ctx, store.Query("user_set_role"), string(*ch.Role), u.Name); err != nil {
				return err
			}
			if err := audit(ctx, tx, now, by.Actor(), "user_role", map[string]any{"name": u.Name, "role": *ch.Role, "was": u.Role}); err != nil {
				return err
			}
			u.Role = *ch.Role
		}
		if ch.Lang != nil && *ch.Lang != u.Lang {
			if _, err := tx.ExecContext(ctx, store.Query("user_set_lang"), nullString(*ch.Lang), u.Name); err != nil {
				return err
			}
			if err := audit(ctx, tx, now, by.Actor(), "user_lang", map[string]any{"name": u.Name, "lang": *ch.Lang}); err != nil {
				return err
			}
			u.Lang = *ch.Lang
		}
		if ch.Password != nil {
			if _, err := tx.ExecContext(ctx, store.Query("user_set_password"), hash, now, u.Name); err != nil {
				return err
			}
			if !by.isUser(u.Name) {
				if err := a.endSessionsOf(ctx, tx, p); err != nil {
					return err
				}
			}
			if err := audit(ctx, tx, now, by.Actor(), "user_password", map[string]any{"name": u.Name}); err != nil {
				return err
			}
			u.PasswordChangedAt = now
		}
		a.forget(p) // the sessions read the new role and language
		return nil
	})
	if err != nil {
		return creditflow.User{}, fmt.Errorf("change user %s: %w", strings.TrimSpace(name), err)
	}
	return u, nil
}

// RemoveUser removes a user and ends their sessions. Nobody removes
// themselves.
func (a *Auth) RemoveUser(ctx context.Context, by Principal, name string) error {
	if by.isUser(name) {
		return fmt.Errorf("%w: you cannot remove yourself; ask another admin", creditflow.ErrConflict)
	}
	now := a.now().UTC()
	err := a.db.WriteTx(ctx, func(tx *sql.Tx) error {
		u, _, err := a.findUser(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := a.endSessionsOf(ctx, tx, Principal{Kind: PrincipalUser, Name: u.Name}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, store.Query("user_delete"), u.Name); err != nil {
			return err
		}
		return audit(ctx, tx, now, by.Actor(), "user_remove", map[string]any{"name": u.Name, "role": u.Role})
	})
	if err != nil {
		return fmt.Errorf("remove user %s: %w", strings.TrimSpace(name), err)
	}
	return nil
}

// nullString is s, or NULL when it is empty.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
