package repo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrIdempotencyTaken means another request already used the idempotency key;
// the caller replays that request's response instead.
var ErrIdempotencyTaken = errors.New("idempotency key already used")

// IdemClaim is a request's Idempotency-Key, put in the request's context by
// the HTTP middleware and read by the store alone: the methods that create a
// resource a client may retry (InsertItem, InsertReply, InsertExtension,
// InsertRating, CreateRule) name it on the claim, Store.Tx records the key
// in the same transaction as that resource, and LockItem refuses a request
// whose key a concurrent first attempt recorded meanwhile. Core never sees
// the claim.
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

func idemClaimFrom(ctx context.Context) *IdemClaim {
	c, _ := ctx.Value(idemCtxKey{}).(*IdemClaim)
	return c
}

// created names the resource a request created in q's transaction, so that
// Store.Tx records the request's key with it. Outside a transaction, or
// without a claim in ctx, it does nothing.
func (q *Q) created(ctx context.Context, kind string, id int64) {
	if _, inTx := q.x.(*sqlx.Tx); !inTx {
		return
	}
	if c := idemClaimFrom(ctx); c != nil && !c.claimed {
		c.ResourceKind, c.ResourceID = kind, id
	}
}

// keyFree fails with ErrIdempotencyTaken when the request in ctx carries a
// key that another request recorded since this one started: a retry that
// waited on a row lock for its first attempt then replays the first answer
// instead of acting twice (or answering 409).
func (q *Q) keyFree(ctx context.Context) error {
	c := idemClaimFrom(ctx)
	if c == nil || c.claimed {
		return nil
	}
	_, err := q.GetIdempotency(ctx, c.Scope, c.Key)
	switch {
	case err == nil:
		return ErrIdempotencyTaken
	case errors.Is(err, ErrNotFound):
		return nil
	}
	return err
}

// ItemOfRequest finds the item created under the Idempotency-Key of the
// request in ctx (after InsertItem failed with ErrIdemKeyUsed).
func (q *Q) ItemOfRequest(ctx context.Context) (Item, error) {
	c := idemClaimFrom(ctx)
	if c == nil {
		return Item{}, fmt.Errorf("item of request: no idempotency key: %w", ErrNotFound)
	}
	return q.ItemByIdemKey(ctx, c.Scope, c.Key)
}

// withRequestKey stamps an item with the Idempotency-Key of the request in
// ctx, so that a retry after a lost response finds it.
func withRequestKey(ctx context.Context, it Item) Item {
	if c := idemClaimFrom(ctx); c != nil && it.IdemKey == nil {
		it.IdemScope, it.IdemKey = &c.Scope, &c.Key
	}
	return it
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
