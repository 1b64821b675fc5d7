// Package ingest loads the canonical input files into the ledger database:
// it validates whole files, merges them idempotently in one transaction and
// recomputes the payment allocations of the customers they touch.
//
// It may import the root domain package, store and its own readers and
// matcher (camt, mt940, ubl, match); nothing else of ours.
package ingest
