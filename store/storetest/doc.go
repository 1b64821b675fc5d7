// Package storetest opens real DuckDB databases for tests and writes the
// files they load.
//
// It may import store and the standard library; only tests import it.
package storetest
