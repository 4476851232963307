-- +goose Up
-- Each item's current contribution to the statistics (domain.Count), with the
-- dimensions it is counted under. The worker recomputes an item's row when it
-- appears in stats_dirty and applies the difference to stats_cube.
CREATE TABLE item_facts (
    item_id             bigint PRIMARY KEY, -- derived data: no foreign key, so the roll-up never locks items
    day                 date NOT NULL,
    unit_code           text NOT NULL,
    channel             text NOT NULL,
    kind                text NOT NULL,
    category_code       text NOT NULL,
    received            smallint NOT NULL,
    answered            smallint NOT NULL,
    dispatched          smallint NOT NULL,
    completed           smallint NOT NULL,
    completed_on_time   smallint NOT NULL,
    accepted_on_time    smallint NOT NULL,
    replied             smallint NOT NULL,
    rated               smallint NOT NULL,
    satisfied           smallint NOT NULL,
    basically_satisfied smallint NOT NULL,
    dissatisfied        smallint NOT NULL,
    five_star           smallint NOT NULL,
    resolved            smallint NOT NULL,
    overdue             smallint NOT NULL,
    handle_seconds      bigint NOT NULL
);

-- Roll-ups of item_facts at several grains ("cubes", see repo/stats.go): a
-- dimension a cube does not keep holds '*'. Exactly the sums of item_facts;
-- `hotline stats verify` checks it.
CREATE TABLE stats_cube (
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
);

-- +goose Down
DROP TABLE stats_cube;
DROP TABLE item_facts;
