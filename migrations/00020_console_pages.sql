-- +goose NO TRANSACTION
-- +goose Up
-- A unit's inbox is read from its open items (with the units: dispatched or
-- accepted), not from its assignments: a co-handling unit's assignment stays
-- accepted after the item is closed, so a unit's "open" assignments grow with
-- its history (9,000 at 1 M items, against about 20 open items). As primary
-- unit, its open items in due order with what the list and the counts read
-- (2,398 for the busiest unit at 10 M items, of which the list shows 200):
CREATE INDEX CONCURRENTLY IF NOT EXISTS items_open_unit_due_idx ON items (primary_unit_code, due_at, id)
    INCLUDE (status, overdue, kind) WHERE status IN ('dispatched', 'accepted');
-- as co-handling unit, the co-handling units of open items only. Built
-- concurrently: the items table stays writable.
CREATE INDEX CONCURRENTLY IF NOT EXISTS items_open_co_units_idx ON items USING gin (co_unit_codes)
    WHERE status IN ('dispatched', 'accepted');

-- The return-visit queue reads answered items by visit due time and id.
-- Visits fall due at the start of the next working day, so thousands of
-- items share one due time, and items_visit_due_idx (the time alone) made
-- Postgres read and sort all of them (11,000 rows and a sort on disk at
-- 10 M items) to find the first 100. This index holds what the queue's
-- choice reads (the rating lookup needs the answer time), so that choice is
-- an index-only scan the planner prefers to the sort.
CREATE INDEX CONCURRENTLY IF NOT EXISTS items_visit_queue_idx ON items (visit_due_at, id)
    INCLUDE (replied_at, received_at)
    WHERE status IN ('replied', 'answered') AND merged_into_id IS NULL;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS items_visit_queue_idx;
DROP INDEX CONCURRENTLY IF EXISTS items_open_co_units_idx;
DROP INDEX CONCURRENTLY IF EXISTS items_open_unit_due_idx;
