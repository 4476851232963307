-- +goose Up
-- Cumulative roll-ups (see repo.CumCubes): for each group of a cube and each
-- month start p, the sums of item_facts of the days before p. A range of
-- whole months is then the difference of two rows per group, whatever its
-- length. Dense: a group has a row at every month start after its first
-- month up to the cube's horizon, the month start after the newest fact, so
-- that the rows of one month start hold every group (no "latest row before"
-- search). Filled here from item_facts as repo's cumSource computes them.
CREATE TABLE stats_cum (
    cube                smallint NOT NULL,
    period              date NOT NULL,
    unit_code           text NOT NULL,
    channel             text NOT NULL,
    kind                text NOT NULL,
    category_code       text NOT NULL,
    received            bigint NOT NULL DEFAULT 0,
    answered            bigint NOT NULL DEFAULT 0,
    dispatched          bigint NOT NULL DEFAULT 0,
    completed           bigint NOT NULL DEFAULT 0,
    completed_on_time   bigint NOT NULL DEFAULT 0,
    accepted_on_time    bigint NOT NULL DEFAULT 0,
    replied             bigint NOT NULL DEFAULT 0,
    rated               bigint NOT NULL DEFAULT 0,
    satisfied           bigint NOT NULL DEFAULT 0,
    basically_satisfied bigint NOT NULL DEFAULT 0,
    dissatisfied        bigint NOT NULL DEFAULT 0,
    five_star           bigint NOT NULL DEFAULT 0,
    resolved            bigint NOT NULL DEFAULT 0,
    overdue             bigint NOT NULL DEFAULT 0,
    handle_seconds      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (cube, period, unit_code, channel, kind, category_code)
) WITH (fillfactor = 90); -- room for the updates of recent months in place

-- The monthly sums of every fact key once, from which each cube is derived.
CREATE TEMPORARY TABLE cum_months ON COMMIT DROP AS
SELECT (date_trunc('month', day) + interval '1 month')::date AS period, unit_code, channel, kind, category_code,
    sum(received)::bigint AS received, sum(answered)::bigint AS answered, sum(dispatched)::bigint AS dispatched,
    sum(completed)::bigint AS completed, sum(completed_on_time)::bigint AS completed_on_time,
    sum(accepted_on_time)::bigint AS accepted_on_time, sum(replied)::bigint AS replied, sum(rated)::bigint AS rated,
    sum(satisfied)::bigint AS satisfied, sum(basically_satisfied)::bigint AS basically_satisfied,
    sum(dissatisfied)::bigint AS dissatisfied, sum(five_star)::bigint AS five_star, sum(resolved)::bigint AS resolved,
    sum(overdue)::bigint AS overdue, sum(handle_seconds)::bigint AS handle_seconds
FROM item_facts GROUP BY 1, 2, 3, 4, 5;

INSERT INTO stats_cum (cube, period, unit_code, channel, kind, category_code, received, answered, dispatched,
    completed, completed_on_time, accepted_on_time, replied, rated, satisfied, basically_satisfied, dissatisfied,
    five_star, resolved, overdue, handle_seconds)
WITH defs (cube, u, c, k, cat) AS (VALUES
    (20, false, false, false, false), (21, true, false, false, false), (22, false, true, true, false),
    (23, false, false, false, true), (24, true, true, false, false), (25, true, true, true, false),
    (26, true, false, false, true), (27, false, true, true, true), (28, true, true, true, true)),
m AS (
    SELECT d.cube::smallint AS cube, s.period,
        CASE WHEN d.u THEN s.unit_code ELSE '*' END AS unit_code, CASE WHEN d.c THEN s.channel ELSE '*' END AS channel,
        CASE WHEN d.k THEN s.kind ELSE '*' END AS kind, CASE WHEN d.cat THEN s.category_code ELSE '*' END AS category_code,
        sum(received) AS received, sum(answered) AS answered, sum(dispatched) AS dispatched, sum(completed) AS completed,
        sum(completed_on_time) AS completed_on_time, sum(accepted_on_time) AS accepted_on_time, sum(replied) AS replied,
        sum(rated) AS rated, sum(satisfied) AS satisfied, sum(basically_satisfied) AS basically_satisfied,
        sum(dissatisfied) AS dissatisfied, sum(five_star) AS five_star, sum(resolved) AS resolved, sum(overdue) AS overdue,
        sum(handle_seconds) AS handle_seconds
    FROM cum_months s CROSS JOIN defs d GROUP BY 1, 2, 3, 4, 5, 6),
h AS (SELECT max(period) AS h FROM cum_months),
g AS (SELECT cube, unit_code, channel, kind, category_code, min(period) AS first FROM m GROUP BY 1, 2, 3, 4, 5),
grid AS (
    SELECT g.cube, p::date AS period, g.unit_code, g.channel, g.kind, g.category_code
    FROM g CROSS JOIN h CROSS JOIN LATERAL generate_series(g.first, h.h, interval '1 month') AS p)
SELECT grid.cube, grid.period, grid.unit_code, grid.channel, grid.kind, grid.category_code,
    (sum(coalesce(m.received, 0)) OVER w)::bigint, (sum(coalesce(m.answered, 0)) OVER w)::bigint,
    (sum(coalesce(m.dispatched, 0)) OVER w)::bigint, (sum(coalesce(m.completed, 0)) OVER w)::bigint,
    (sum(coalesce(m.completed_on_time, 0)) OVER w)::bigint, (sum(coalesce(m.accepted_on_time, 0)) OVER w)::bigint,
    (sum(coalesce(m.replied, 0)) OVER w)::bigint, (sum(coalesce(m.rated, 0)) OVER w)::bigint,
    (sum(coalesce(m.satisfied, 0)) OVER w)::bigint, (sum(coalesce(m.basically_satisfied, 0)) OVER w)::bigint,
    (sum(coalesce(m.dissatisfied, 0)) OVER w)::bigint, (sum(coalesce(m.five_star, 0)) OVER w)::bigint,
    (sum(coalesce(m.resolved, 0)) OVER w)::bigint, (sum(coalesce(m.overdue, 0)) OVER w)::bigint,
    (sum(coalesce(m.handle_seconds, 0)) OVER w)::bigint
FROM grid LEFT JOIN m ON m.cube = grid.cube AND m.period = grid.period AND m.unit_code = grid.unit_code
    AND m.channel = grid.channel AND m.kind = grid.kind AND m.category_code = grid.category_code
WINDOW w AS (PARTITION BY grid.cube, grid.unit_code, grid.channel, grid.kind, grid.category_code ORDER BY grid.period)
ORDER BY 1, 2, 3, 4, 5, 6;

-- Daily roll-ups by category (12), channel × kind × category (13) and
-- unit × category (14): the days around whole months of a query grouped by
-- category are read from these rather than from the finest cube.
INSERT INTO stats_cube (cube, period, unit_code, channel, kind, category_code, received, answered, dispatched,
    completed, completed_on_time, accepted_on_time, replied, rated, satisfied, basically_satisfied, dissatisfied,
    five_star, resolved, overdue, handle_seconds)
SELECT 12, day, '*', '*', '*', category_code, sum(received), sum(answered), sum(dispatched),
    sum(completed), sum(completed_on_time), sum(accepted_on_time), sum(replied), sum(rated), sum(satisfied),
    sum(basically_satisfied), sum(dissatisfied), sum(five_star), sum(resolved), sum(overdue), sum(handle_seconds)
FROM item_facts GROUP BY 2, 6 ORDER BY 2, 6;

INSERT INTO stats_cube (cube, period, unit_code, channel, kind, category_code, received, answered, dispatched,
    completed, completed_on_time, accepted_on_time, replied, rated, satisfied, basically_satisfied, dissatisfied,
    five_star, resolved, overdue, handle_seconds)
SELECT 13, day, '*', channel, kind, category_code, sum(received), sum(answered), sum(dispatched),
    sum(completed), sum(completed_on_time), sum(accepted_on_time), sum(replied), sum(rated), sum(satisfied),
    sum(basically_satisfied), sum(dissatisfied), sum(five_star), sum(resolved), sum(overdue), sum(handle_seconds)
FROM item_facts GROUP BY 2, 4, 5, 6 ORDER BY 2, 4, 5, 6;

INSERT INTO stats_cube (cube, period, unit_code, channel, kind, category_code, received, answered, dispatched,
    completed, completed_on_time, accepted_on_time, replied, rated, satisfied, basically_satisfied, dissatisfied,
    five_star, resolved, overdue, handle_seconds)
SELECT 14, day, unit_code, '*', '*', category_code, sum(received), sum(answered), sum(dispatched),
    sum(completed), sum(completed_on_time), sum(accepted_on_time), sum(replied), sum(rated), sum(satisfied),
    sum(basically_satisfied), sum(dissatisfied), sum(five_star), sum(resolved), sum(overdue), sum(handle_seconds)
FROM item_facts GROUP BY 2, 3, 6 ORDER BY 2, 3, 6;

ANALYZE stats_cum;
ANALYZE stats_cube;

-- +goose Down
DELETE FROM stats_cube WHERE cube IN (12, 13, 14);
DROP TABLE stats_cum;
