-- +goose Up
-- The console's work queues, each read on every page load, must not scan
-- history at ten million items:
-- a unit's inbox reads its live assignments (a unit's history holds many
-- thousands of finished ones);
CREATE INDEX assignments_open_unit_idx ON assignments (unit_code, item_id) WHERE status IN ('assigned', 'accepted');
-- a unit head's approvals queue reads the final replies waiting for them;
CREATE INDEX replies_pending_idx ON replies (unit_code, id) WHERE status = 'pending';
-- the return-visit page lists the messages that could not be delivered.
CREATE INDEX deliveries_failed_idx ON deliveries (id) WHERE status = 'failed';
-- A caller's history is read by the normalised number (intake stores
-- citizen_phone normalised) through items_phone_idx, newest first.

-- +goose Down
DROP INDEX deliveries_failed_idx;
DROP INDEX replies_pending_idx;
DROP INDEX assignments_open_unit_idx;
