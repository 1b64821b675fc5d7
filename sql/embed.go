package sqlfiles

import "embed"

// FS holds every .sql file of this folder.
//
//go:embed *.sql
var FS embed.FS
