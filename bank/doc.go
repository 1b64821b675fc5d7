// Package bank owns bank statements and their matching: it reads
// camt.052/053/054 and MT940 statements (bank/camt, bank/mt940), matches
// their credits to open invoices (bank/match), books the confident matches
// as payments and keeps the rest in the unmatched queue, where a person
// matches them by hand. It also compares the matching with the truth of a
// generated ledger (EvaluateMatching).
//
// Statements are ingested with the canonical files, in one run and one
// transaction: ingest recognises them and hands them to BookStatements,
// its statement booker, with the run's open transaction (ingest.Tx). A
// caller that may ingest statements sets it:
//
//	ingest.Files(ctx, db, paths, ingest.Options{Statements: bank.BookStatements})
//
// It may import the root domain package, store, ingest and its own
// sub-packages bank/camt, bank/mt940 and bank/match; ingest does not
// import it.
package bank
