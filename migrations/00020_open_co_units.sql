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

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS items_open_co_units_idx;
