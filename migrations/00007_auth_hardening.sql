-- +goose Up
-- Sessions end after HOTLINE_SESSION_IDLE without use; last_seen is
-- refreshed at most once a minute, not on every request.
ALTER TABLE sessions ADD COLUMN last_seen timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_user_live_idx ON sessions (user_id, created_at) WHERE revoked_at IS NULL;
-- An optional TOTP second factor: the secret is written at enrolment and
-- never returned again; totp_enabled once a code confirmed it; the last
-- time step used, so that a code cannot be replayed.
ALTER TABLE users ADD COLUMN totp_secret text,
    ADD COLUMN totp_enabled boolean NOT NULL DEFAULT false,
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;
-- Dates a client sent are now between 2000-01-01 and 2100-01-01; values
-- stored before outside that range (a platform due_at of 9999-12-31 made
-- every read of the item fail to encode) are dropped, and the deadlines
-- derived from them brought back into it.
UPDATE items SET upstream_due_at = NULL
    WHERE upstream_due_at < '2000-01-01' OR upstream_due_at >= '2100-01-01';
UPDATE items SET posted_at = NULL
    WHERE posted_at < '2000-01-01' OR posted_at >= '2100-01-01';
UPDATE items SET due_at = LEAST(due_at, '2099-12-31 23:59:59+08'),
        accept_due_at = LEAST(accept_due_at, '2099-12-31 23:59:59+08'),
        original_due_at = LEAST(original_due_at, '2099-12-31 23:59:59+08'),
        remind_at = LEAST(remind_at, '2099-12-31 23:59:59+08')
    WHERE due_at >= '2100-01-01' OR accept_due_at >= '2100-01-01'
        OR original_due_at >= '2100-01-01' OR remind_at >= '2100-01-01';

-- +goose Down
ALTER TABLE users DROP COLUMN totp_secret, DROP COLUMN totp_enabled, DROP COLUMN totp_last_step;
DROP INDEX sessions_user_live_idx;
ALTER TABLE sessions DROP COLUMN last_seen;
