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

-- +goose Down
DROP INDEX audit_log_username_idx;
DROP INDEX audit_log_kind_idx;
DROP INDEX audit_log_sample_key_idx;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_outcome_check, DROP CONSTRAINT audit_log_kind_check,
    DROP COLUMN sample_key, DROP COLUMN outcome, DROP COLUMN target, DROP COLUMN client_ip, DROP COLUMN kind;
