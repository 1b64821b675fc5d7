// Package storetest opens real DuckDB databases for tests.
//
// It may import store and the standard library; only tests import it.
package storetest
