// Package ledgertest makes ledgers in real DuckDB databases for the tests
// and benchmarks: files ingested, and demo ledgers generated, ingested, cut
// at a date, and kept between runs when asked.
//
// It may import the root domain package, store, demo and ingest; only
// tests import it.
package ledgertest
