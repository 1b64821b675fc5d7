package storetest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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

// WriteFiles writes name, content pairs into a new temporary directory and
// returns their paths in order. A content's leading newlines are dropped.
func WriteFiles(tb testing.TB, files ...string) []string {
	tb.Helper()
	dir := tb.TempDir()
	var paths []string
	for i := 0; i+1 < len(files); i += 2 {
		p := filepath.Join(dir, files[i])
		if err := os.WriteFile(p, []byte(strings.TrimLeft(files[i+1], "\n")), 0o644); err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}
