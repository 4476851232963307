-- +goose Up
-- One name per concept: a primary unit that has not signed for an item by its
-- sign-for deadline is "accept overdue", as the event (accept_overdue) and the
-- notification already say, and as an item past its due time is "overdue".
ALTER TABLE assignments RENAME COLUMN accept_late TO accept_overdue;

-- +goose Down
ALTER TABLE assignments RENAME COLUMN accept_overdue TO accept_late;
