// Package store is the ledger's database: it opens DuckDB with the schema
// migrations of the sql folder applied, serialises writes, serves the named
// queries of that folder by name and scans DECIMAL money exactly.
//
// It may import the root domain package and the sql folder's embedded files;
// nothing else of ours.
package store
