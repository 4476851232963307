// Package migrations holds the database schema as numbered goose migrations,
// embedded into the binary so that `hotline migrate` and `hotline all` need no
// files beside them.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
