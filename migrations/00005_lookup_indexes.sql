-- +goose Up
-- Found under load at ten million items: every final reply looks for items
-- merged into the answered one, and the retention job for long-closed items.
CREATE INDEX items_merged_into_idx ON items (merged_into_id) WHERE merged_into_id IS NOT NULL;
CREATE INDEX items_closed_at_idx ON items (closed_at) WHERE status = 'closed';
-- a unit's work queue: its items in one status, newest first
CREATE INDEX items_unit_status_idx ON items (primary_unit_code, status, id DESC);

-- +goose Down
DROP INDEX items_unit_status_idx;
DROP INDEX items_closed_at_idx;
DROP INDEX items_merged_into_idx;
