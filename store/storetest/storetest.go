package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/creditflow/creditflow/store"
)

// MustOpen opens a new, migrated database file in tb's temporary directory
// and closes it when the test ends.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "test.duckdb"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
