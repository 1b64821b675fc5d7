package bank

import (
	"context"
	"testing"

	"github.com/creditflow/creditflow/ingest"
	"github.com/creditflow/creditflow/ingest/ingesttest"
	"github.com/creditflow/creditflow/store"
)

// mustIngest ingests the files with the statement booker of this package.
func mustIngest(tb testing.TB, db *store.DB, opt ingest.Options, paths ...string) ingest.Result {
	tb.Helper()
	opt.Now = ingesttest.FixedNow
	opt.Statements = BookStatements
	res, err := ingest.Files(context.Background(), db, paths, opt)
	if err != nil {
		tb.Fatalf("ingest: %v", err)
	}
	return res
}
