-- +goose Up
-- Two more roll-ups (see repo.Cubes): unit × channel × kind by month (10) and
-- by day (11), so that a query grouped by those three reads one row per group
-- and period rather than the finest cube's one per category as well. Filled
-- from item_facts, whose sums the other cubes already equal; one cube after
-- the other, so that each one's rows lie together.
INSERT INTO stats_cube (cube, period, unit_code, channel, kind, category_code, received, answered, dispatched,
    completed, completed_on_time, accepted_on_time, replied, rated, satisfied, basically_satisfied, dissatisfied,
    five_star, resolved, overdue, handle_seconds)
SELECT 10, date_trunc('month', day)::date, unit_code, channel, kind, '*', sum(received), sum(answered), sum(dispatched),
    sum(completed), sum(completed_on_time), sum(accepted_on_time), sum(replied), sum(rated), sum(satisfied),
    sum(basically_satisfied), sum(dissatisfied), sum(five_star), sum(resolved), sum(overdue), sum(handle_seconds)
FROM item_facts GROUP BY 2, 3, 4, 5 ORDER BY 2, 3, 4, 5;

INSERT INTO stats_cube (cube, period, unit_code, channel, kind, category_code, received, answered, dispatched,
    completed, completed_on_time, accepted_on_time, replied, rated, satisfied, basically_satisfied, dissatisfied,
    five_star, resolved, overdue, handle_seconds)
SELECT 11, day, unit_code, channel, kind, '*', sum(received), sum(answered), sum(dispatched),
    sum(completed), sum(completed_on_time), sum(accepted_on_time), sum(replied), sum(rated), sum(satisfied),
    sum(basically_satisfied), sum(dissatisfied), sum(five_star), sum(resolved), sum(overdue), sum(handle_seconds)
FROM item_facts GROUP BY 2, 3, 4, 5 ORDER BY 2, 3, 4, 5;

ANALYZE stats_cube;

-- +goose Down
DELETE FROM stats_cube WHERE cube IN (10, 11);
