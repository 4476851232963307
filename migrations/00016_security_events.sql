-- +goose Up
-- The audit log records security events beside reads of personal data
-- (OWASP ASVS 5.0 V16): kind groups them (data_access, auth, access_denied,
-- admin), action names the event, client_ip is the caller's address, target
-- what the event was about, outcome success or failure. sample_key is set
-- on events written by the middleware (401/403/429): one row per key (the
-- address, the event and the minute), so a flood cannot fill the table.
ALTER TABLE audit_log
    ADD COLUMN kind text NOT NULL DEFAULT 'data_access',
    ADD COLUMN client_ip text NOT NULL DEFAULT '',
    ADD COLUMN target text NOT NULL DEFAULT '',
    ADD COLUMN outcome text NOT NULL DEFAULT 'success',
    ADD COLUMN sample_key text;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_kind_check
    CHECK (kind IN ('data_access', 'auth', 'access_denied', 'admin'));
ALTER TABLE audit_log ADD CONSTRAINT audit_log_outcome_check
    CHECK (outcome IN ('success', 'failure'));
CREATE UNIQUE INDEX audit_log_sample_key_idx ON audit_log (sample_key) WHERE sample_key IS NOT NULL;
CREATE INDEX audit_log_kind_idx ON audit_log (kind, id);
CREATE INDEX audit_log_username_idx ON audit_log (username, id);

-- Rating tokens are no longer stored in clear: a delivery asks for a link
-- (extra.rating_link) and the sender mints it. Messages already sent lose
-- the token they carried; one still to send asks for a new link.
UPDATE deliveries SET extra = extra - 'rating_token' - 'rating_url',
    body = regexp_replace(body, '/rate/[A-Za-z0-9_-]+', '/rate/-', 'g')
    WHERE status = 'sent' AND extra ? 'rating_token';
UPDATE deliveries SET extra = (extra - 'rating_token' - 'rating_url') || '{"rating_link": "1"}',
    body = regexp_replace(body, '\s*请对办理结果评价:\S*/rate/[A-Za-z0-9_-]+\s*$', '')
    WHERE status <> 'sent' AND extra ? 'rating_token';
DELETE FROM idempotency_keys WHERE position('/rate/'::bytea IN response_body) > 0
    AND position('"expires_at"'::bytea IN response_body) > 0;

-- +goose Down
DROP INDEX audit_log_username_idx;
DROP INDEX audit_log_kind_idx;
DROP INDEX audit_log_sample_key_idx;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_outcome_check, DROP CONSTRAINT audit_log_kind_check,
    DROP COLUMN sample_key, DROP COLUMN outcome, DROP COLUMN target, DROP COLUMN client_ip, DROP COLUMN kind;
