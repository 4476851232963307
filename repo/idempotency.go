package repo

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrIdempotencyTaken means another request already used the idempotency key;
// the caller replays that request's response instead.
var ErrIdempotencyTaken = errors.New("idempotency key already used")

// IdemClaim is a request's Idempotency-Key, carried in its context. The first
// transaction that names a resource records the key together with its own
// writes (see Store.Tx).
type IdemClaim struct {
	Scope        string
	Key          string
	Hash         []byte
	ResourceKind string
	ResourceID   int64
	claimed      bool
}

// Claimed reports whether this request's transaction recorded the key.
func (c *IdemClaim) Claimed() bool { return c != nil && c.claimed }

type idemCtxKey struct{}

// WithIdemClaim attaches a claim to ctx.
func WithIdemClaim(ctx context.Context, c *IdemClaim) context.Context {
	return context.WithValue(ctx, idemCtxKey{}, c)
}

// IdemClaimFrom returns the claim attached to ctx, or nil.
func IdemClaimFrom(ctx context.Context) *IdemClaim { return idemClaimFrom(ctx) }

func idemClaimFrom(ctx context.Context) *IdemClaim {
	c, _ := ctx.Value(idemCtxKey{}).(*IdemClaim)
	return c
}

// SetIdemResource names the resource a request creates, so that its key is
// recorded in the transaction that creates it. Without a claim in ctx it does
// nothing.
func SetIdemResource(ctx context.Context, kind string, id int64) {
	if c := idemClaimFrom(ctx); c != nil && !c.claimed {
		c.ResourceKind, c.ResourceID = kind, id
	}
}

// IdemRecord is a stored key and, once the request finished, its response.
type IdemRecord struct {
	Scope        string    `db:"scope"`
	Key          string    `db:"key"`
	RequestHash  []byte    `db:"request_hash"`
	ResourceKind string    `db:"resource_kind"`
	ResourceID   *int64    `db:"resource_id"`
	StatusCode   *int      `db:"status_code"`
	ContentType  *string   `db:"content_type"`
	Body         []byte    `db:"response_body"`
	CreatedAt    time.Time `db:"created_at"`
}

func (q *Q) claimIdempotency(ctx context.Context, c *IdemClaim) error {
	_, err := q.x.ExecContext(ctx, `
		INSERT INTO idempotency_keys (scope, key, request_hash, resource_kind, resource_id)
		VALUES ($1, $2, $3, $4, $5)`, c.Scope, c.Key, c.Hash, c.ResourceKind, c.ResourceID)
	if _, ok := IsUniqueViolation(err); ok {
		return ErrIdempotencyTaken
	}
	if err != nil {
		return fmt.Errorf("record idempotency key: %w", err)
	}
	return nil
}

// GetIdempotency reads a stored key.
func (q *Q) GetIdempotency(ctx context.Context, scope, key string) (IdemRecord, error) {
	var r IdemRecord
	err := sqlxGet(ctx, q, "get idempotency", &r, `SELECT scope, key, request_hash, resource_kind, resource_id, status_code,
		content_type, response_body, created_at FROM idempotency_keys WHERE scope = $1 AND key = $2`, scope, key)
	return r, err
}

// SaveIdemResponse stores the response of the request that claimed the key.
func (q *Q) SaveIdemResponse(ctx context.Context, scope, key string, status int, contentType string, body []byte) error {
	_, err := q.x.ExecContext(ctx, `UPDATE idempotency_keys SET status_code = $3, content_type = $4, response_body = $5
		WHERE scope = $1 AND key = $2`, scope, key, status, contentType, body)
	if err != nil {
		return fmt.Errorf("save idempotent response: %w", err)
	}
	return nil
}

// PurgeIdempotency deletes keys older than the retention period.
func (q *Q) PurgeIdempotency(ctx context.Context, olderThan time.Time) (int64, error) {
	res, err := q.x.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, olderThan)
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return res.RowsAffected()
}

// InsertIdemResponse records a key with its response after the fact, for
// requests whose work did not claim the key in its own transaction; a key
// already recorded without a response gets this one.
func (q *Q) InsertIdemResponse(ctx context.Context, scope, key string, hash []byte, status int, contentType string, body []byte) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash, status_code, content_type, response_body)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (scope, key) DO UPDATE SET status_code = EXCLUDED.status_code, content_type = EXCLUDED.content_type,
			response_body = EXCLUDED.response_body
		WHERE idempotency_keys.status_code IS NULL AND idempotency_keys.request_hash = EXCLUDED.request_hash`,
		scope, key, hash, status, contentType, body)
	if err != nil {
		return fmt.Errorf("record idempotency key: %w", err)
	}
	return nil
}
