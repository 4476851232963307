package core

import (
	"encoding/base64"
	"strconv"

	"hotline/domain"
)

// Page is a cursor position and a page size.
type Page struct {
	// After is the id the previous page ended at (0: the first page).
	After int64
	Limit int
}

// Page sizes of every list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// ParsePage reads ?limit= and ?cursor= (DefaultPageSize, at most MaxPageSize).
func ParsePage(limit, cursor string) (Page, error) {
	p := Page{Limit: DefaultPageSize}
	var v domain.ValidationError
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxPageSize {
			v.Add("limit", "a whole number from 1 to %d", MaxPageSize)
		} else {
			p.Limit = n
		}
	}
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		n, err2 := strconv.ParseInt(string(b), 10, 64)
		if err != nil || err2 != nil || n <= 0 {
			v.Add("cursor", "not a cursor from a previous page")
		} else {
			p.After = n
		}
	}
	return p, v.Err()
}

// next returns the cursor of the following page when the query found more
// rows than the page holds.
func (p Page) next(found int, lastID func() int64) *string {
	if found <= p.Limit {
		return nil
	}
	s := base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(lastID(), 10)))
	return &s
}
