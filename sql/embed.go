// Package sqlfiles embeds the .sql files of this folder: the numbered schema
// migrations and the named analytic queries. The files can be read and run
// as they are in the DuckDB shell; the store package applies and serves them.
package sqlfiles

import "embed"

// FS holds every .sql file of this folder.
//
//go:embed *.sql
var FS embed.FS
