// Package ingesttest holds what the tests of ingest and bank share: input
// files written into a temporary directory, the small ledger of their
// tests, dumps of the database to compare, and the environment and memory
// readings of their benchmarks.
//
// It may import store and the standard library, not ingest, so that the
// tests inside package ingest can use it too; only tests import it.
package ingesttest
