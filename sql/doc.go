// Package sqlfiles embeds the .sql files of this folder: the numbered schema
// migrations and the named analytic queries. The files can be read and run
// as they are in the DuckDB shell; the store package applies and serves them.
//
// It may import the standard library only (embed).
package sqlfiles
