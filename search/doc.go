// Package search finds what a person types in the search box: customers by
// name or id, invoices by number, customers by the IBAN of their bank
// accounts, payments by their reference, and bank transactions by their
// end-to-end id or, while they wait to be matched, by their reference,
// payer and IBAN.
//
// A name or id is searched from one character, an invoice number from three
// with a digit among them, an IBAN from five letters and digits with a
// digit, a reference from four characters.
//
// Names compare as words: lower case, accents stripped ("cafe" finds
// Café), a dot or an apostrophe dropped ("bv" finds B.V.) and other signs
// as spaces; a name is found by its start, the start of one of its words,
// a part of it, or all the words typed in any order. Ids and invoice
// numbers compare in upper case, IBANs also without spaces. Hits are ranked
// by how well they match (Rank) and, between equals, by kind in the order
// of Kinds.
//
// The customers and their accounts are kept in memory (Index), made from
// the ledger as it stands: a few hundred bytes a customer, none for the
// payment history. Invoices, payments and bank transactions are read with
// one query (sql/search_ledger.sql) per search, so that the index does not
// grow with the history. Make a new Index after an ingest or a booked
// payment (package app does).
//
// It may import the root domain package and store.
package search
