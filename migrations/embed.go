// Package migrations holds the database schema as goose SQL migrations,
// embedded so that the binary can migrate any database it is pointed at.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
