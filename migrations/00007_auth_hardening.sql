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

-- +goose Down
ALTER TABLE users DROP COLUMN totp_secret, DROP COLUMN totp_enabled, DROP COLUMN totp_last_step;
DROP INDEX sessions_user_live_idx;
ALTER TABLE sessions DROP COLUMN last_seen;
