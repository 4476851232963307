package repo

import "context"

// CallerItems returns the latest items of a caller, found by the normalised
// phone number intake stores, newest first: an index scan of items_phone_idx
// however many items there are. scopeUnit, when set, keeps only the items on
// which that unit is the primary or a co-handling unit.
func (q *Q) CallerItems(ctx context.Context, phone, scopeUnit string, limit int) ([]Item, error) {
	var out []Item
	err := sqlxSelect(ctx, q, "caller items", &out, `SELECT `+itemCols+` FROM items
		WHERE citizen_phone = $1 AND citizen_phone <> ''
			AND ($2 = '' OR primary_unit_code = $2 OR co_unit_codes @> ARRAY[$2]::text[])
		ORDER BY received_at DESC, id DESC LIMIT $3`, phone, scopeUnit, limit)
	return out, err
}

// CountCallerItems counts a caller's items (the history heading says how many).
func (q *Q) CountCallerItems(ctx context.Context, phone, scopeUnit string) (int64, error) {
	var n int64
	err := sqlxGet(ctx, q, "count caller items", &n, `SELECT count(*) FROM items WHERE citizen_phone = $1 AND citizen_phone <> ''
		AND ($2 = '' OR primary_unit_code = $2 OR co_unit_codes @> ARRAY[$2]::text[])`, phone, scopeUnit)
	return n, err
}
