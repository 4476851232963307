-- +goose Up
-- A session is either an API bearer token or a browser session of the staff
-- console (a cookie). Bearer authentication accepts only 'api' sessions, so a
-- console cookie that leaks cannot be replayed against /api/v1.
ALTER TABLE sessions ADD COLUMN kind text NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'console'));

-- +goose Down
ALTER TABLE sessions DROP COLUMN kind;
