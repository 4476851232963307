-- +goose NO TRANSACTION
-- +goose Up
-- A unit's inbox is read from its open items: the items with the units
-- (dispatched or accepted) whose primary unit it is (items_unit_status_idx)
-- or among whose co-handling units it is (this index, which holds open items
-- only). Reading the unit's assignments first was slower: a co-handling
-- unit's assignment stays accepted after the item is closed, so a unit's
-- "open" assignments grow with its history (9,000 at 1 M items, against
-- about 20 open items). Built concurrently: the items table stays writable.
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
