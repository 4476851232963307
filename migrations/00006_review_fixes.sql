-- +goose Up
-- A final reply that was never approved and lost its place is 'discarded'
-- (never shown to anyone outside the unit); one that counted and was later
-- replaced is 'superseded'.
ALTER TABLE replies DROP CONSTRAINT replies_status_check,
    ADD CONSTRAINT replies_status_check CHECK (status IN ('pending', 'approved', 'effective', 'superseded', 'discarded'));
-- A pending extension is withdrawn when its unit no longer holds the item.
ALTER TABLE extensions DROP CONSTRAINT extensions_status_check,
    ADD CONSTRAINT extensions_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn'));
-- Long notices (a 2,000-character return reason) do not fit a btree key.
DROP INDEX notifications_once;
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, item_id, type, md5(message));
-- What the public list shows is scrubbed once, when a manager publishes, and
-- kept: later anonymisation of the citizen cannot bring a name back.
ALTER TABLE items ADD COLUMN published_title text, ADD COLUMN published_content text;
ALTER TABLE replies ADD COLUMN published_body text;
CREATE INDEX items_published_idx ON items (id DESC) WHERE published_at IS NOT NULL;
-- Reads of several items are one audit row naming them all.
ALTER TABLE audit_log ADD COLUMN item_ids bigint[] NOT NULL DEFAULT '{}';
CREATE INDEX audit_log_item_ids_idx ON audit_log USING gin (item_ids);

-- +goose Down
DROP INDEX audit_log_item_ids_idx;
ALTER TABLE audit_log DROP COLUMN item_ids;
DROP INDEX items_published_idx;
ALTER TABLE replies DROP COLUMN published_body;
ALTER TABLE items DROP COLUMN published_title, DROP COLUMN published_content;
DROP INDEX notifications_once;
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, item_id, type, message);
ALTER TABLE extensions DROP CONSTRAINT extensions_status_check,
    ADD CONSTRAINT extensions_status_check CHECK (status IN ('pending', 'approved', 'rejected'));
ALTER TABLE replies DROP CONSTRAINT replies_status_check,
    ADD CONSTRAINT replies_status_check CHECK (status IN ('pending', 'approved', 'effective', 'superseded'));
