package creditflow

import "errors"

// Error kinds. Packages wrap them with context; web maps them to HTTP status
// codes in one table.
var (
	ErrInvalid      = errors.New("invalid input")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	// ErrLocked means another process holds the database file.
	ErrLocked = errors.New("database locked by another process")
)
