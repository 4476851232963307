package repo

import (
	"context"
	"fmt"
	"time"
)

// Rating is a row of ratings.
type Rating struct {
	ID           int64     `db:"id"`
	ItemID       int64     `db:"item_id"`
	Source       string    `db:"source"`
	Method       string    `db:"method"`
	Satisfaction string    `db:"satisfaction"`
	Stars        *int      `db:"stars"`
	Resolved     bool      `db:"resolved"`
	Comment      string    `db:"comment"`
	OperatorID   *int64    `db:"operator_id"`
	CreatedAt    time.Time `db:"created_at"`
}

const ratingCols = `id, item_id, source, method, satisfaction, stars, resolved, comment, operator_id, created_at`

// InsertRating stores a rating.
func (q *Q) InsertRating(ctx context.Context, r Rating) (Rating, error) {
	var out Rating
	err := sqlxGet(ctx, q, "insert rating", &out, `INSERT INTO ratings (item_id, source, method, satisfaction, stars, resolved, comment,
		operator_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+ratingCols,
		r.ItemID, r.Source, r.Method, r.Satisfaction, r.Stars, r.Resolved, r.Comment, r.OperatorID, r.CreatedAt)
	if err != nil {
		return Rating{}, err
	}
	q.created(ctx, "rating", out.ID)
	return out, nil
}

// ItemRatings lists an item's ratings, oldest first; the last one counts.
func (q *Q) ItemRatings(ctx context.Context, itemID int64) ([]Rating, error) {
	var out []Rating
	err := sqlxSelect(ctx, q, "read item ratings", &out, `SELECT `+ratingCols+` FROM ratings WHERE item_id = $1 ORDER BY created_at, id`, itemID)
	return out, err
}

// RatingLink is a row of rating_links.
type RatingLink struct {
	TokenHash []byte     `db:"token_hash"`
	ItemID    int64      `db:"item_id"`
	CreatedAt time.Time  `db:"created_at"`
	ExpiresAt time.Time  `db:"expires_at"`
	UsedAt    *time.Time `db:"used_at"`
}

// InsertRatingLink stores a rating link under the hash of its token.
func (q *Q) InsertRatingLink(ctx context.Context, l RatingLink) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO rating_links (token_hash, item_id, expires_at) VALUES ($1, $2, $3)`,
		l.TokenHash, l.ItemID, l.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store rating link: %w", err)
	}
	return nil
}

// LockRatingLink reads a rating link and locks it.
func (q *Q) LockRatingLink(ctx context.Context, hash []byte) (RatingLink, error) {
	var l RatingLink
	err := sqlxGet(ctx, q, "lock rating link", &l, `SELECT token_hash, item_id, created_at, expires_at, used_at FROM rating_links
		WHERE token_hash = $1 FOR UPDATE`, hash)
	return l, err
}

// UseRatingLink marks a link used.
func (q *Q) UseRatingLink(ctx context.Context, hash []byte, at time.Time) error {
	_, err := q.x.ExecContext(ctx, `UPDATE rating_links SET used_at = $2 WHERE token_hash = $1`, hash, at)
	if err != nil {
		return fmt.Errorf("use rating link: %w", err)
	}
	return nil
}

// RatingLinkByHash reads a rating link without locking it (to show what it
// is for before it is used).
func (q *Q) RatingLinkByHash(ctx context.Context, hash []byte) (RatingLink, error) {
	var l RatingLink
	err := sqlxGet(ctx, q, "read rating link", &l, `SELECT token_hash, item_id, created_at, expires_at, used_at FROM rating_links
		WHERE token_hash = $1`, hash)
	return l, err
}
