// Package ingest loads the canonical input files into the ledger database:
// it validates whole files, merges them idempotently in one transaction and
// recomputes the payment allocations of the customers they touch.
//
// It holds the canonical files (customers, invoices, payments and customer
// accounts as CSV, Parquet or NDJSON; other CSV dialects and XLSX workbooks
// are first rewritten into canonical CSV by ingest/dialect, and keep their
// own name and lines in every message), open-items lists (snapshots.go),
// UBL e-invoices (read by ingest/ubl), the payment allocation, exchange-rate
// files and the conversion of invoices and payments in other currencies
// (rates.go, currency.go), and the recognition of every file's kind, bank
// statements included. It does not book bank statements: a run hands them,
// with its open transaction (Tx), to the StatementBooker of
// Options.Statements, which package bank provides. So every file of a run
// lands in one transaction, statements too, without ingest knowing banks.
//
// It may import the root domain package, store (and through it the named
// queries of the sql folder), ingest/ubl and ingest/dialect; not bank,
// which imports it.
package ingest
