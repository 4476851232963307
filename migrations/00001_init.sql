-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE units (
    code           text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
    name           text NOT NULL,
    parent_code    text REFERENCES units (code),
    reply_approval boolean NOT NULL DEFAULT false,
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX units_parent_idx ON units (parent_code);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'manager', 'operator', 'unit_head', 'unit_staff')),
    unit_code     text REFERENCES units (code),
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((role IN ('unit_head', 'unit_staff')) = (unit_code IS NOT NULL))
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE INDEX users_unit_idx ON users (unit_code) WHERE unit_code IS NOT NULL;

-- Sessions live in Postgres so that login and logout never depend on Redis.
-- The token itself is never stored, only its SHA-256.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE login_failures (
    id        bigserial PRIMARY KEY,
    username  text NOT NULL,
    client_ip text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_user_idx ON login_failures (lower(username), failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, failed_at);

CREATE TABLE categories (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
    name        text NOT NULL,
    parent_code text REFERENCES categories (code),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE routing_rules (
    id                bigserial PRIMARY KEY,
    priority          integer NOT NULL,
    channel           text,
    kind              text,
    category_code     text REFERENCES categories (code),
    keywords          text[] NOT NULL DEFAULT '{}',
    region            text,
    primary_unit_code text NOT NULL REFERENCES units (code),
    co_unit_codes     text[] NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routing_rules_priority_idx ON routing_rules (priority, id);

CREATE TABLE sla_policies (
    kind                  text PRIMARY KEY,
    accept_hours          numeric(6, 2) NOT NULL CHECK (accept_hours > 0),
    reply_workdays        integer NOT NULL CHECK (reply_workdays > 0),
    urgent_accept_minutes integer NOT NULL CHECK (urgent_accept_minutes > 0),
    urgent_reply_workdays integer NOT NULL CHECK (urgent_reply_workdays > 0),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sla_policies (kind, accept_hours, reply_workdays, urgent_accept_minutes, urgent_reply_workdays) VALUES
    ('consultation', 2, 1, 30, 1),
    ('complaint', 2, 5, 30, 1),
    ('help', 2, 5, 30, 1),
    ('suggestion', 2, 15, 30, 1),
    ('report', 2, 15, 30, 1),
    ('praise', 2, 15, 30, 1);

CREATE TABLE items (
    id                bigserial PRIMARY KEY,
    tracking_code     text NOT NULL UNIQUE,
    secret_hash       bytea,
    channel           text NOT NULL CHECK (channel IN ('hotline', 'mailbox', 'microblog', 'platform')),
    kind              text NOT NULL CHECK (kind IN ('consultation', 'complaint', 'suggestion', 'help', 'report', 'praise')),
    category_code     text REFERENCES categories (code),
    title             text NOT NULL DEFAULT '',
    content           text NOT NULL,
    status            text NOT NULL CHECK (status IN ('received', 'answered', 'pending_dispatch', 'dispatched', 'accepted', 'replied', 'closed')),
    urgent            boolean NOT NULL DEFAULT false,
    confidential      boolean NOT NULL DEFAULT false,
    citizen_name      text NOT NULL DEFAULT '',
    citizen_phone     text NOT NULL DEFAULT '',
    citizen_email     text NOT NULL DEFAULT '',
    author_id         text NOT NULL DEFAULT '',
    region            text NOT NULL DEFAULT '',
    -- post_id of a microblog item, external_id of a platform item
    source_ref        text,
    source_url        text NOT NULL DEFAULT '',
    posted_at         timestamptz,
    upstream_due_at   timestamptz,
    publish_consent   boolean NOT NULL DEFAULT false,
    published_at      timestamptz,
    answer            text NOT NULL DEFAULT '',
    received_at       timestamptz NOT NULL DEFAULT now(),
    dispatched_at     timestamptz,
    accept_due_at     timestamptz,
    due_at            timestamptz,
    original_due_at   timestamptz,
    remind_at         timestamptz,
    reminded_at       timestamptz,
    overdue           boolean NOT NULL DEFAULT false,
    overdue_at        timestamptz,
    primary_unit_code text REFERENCES units (code),
    co_unit_codes     text[] NOT NULL DEFAULT '{}',
    accepted_at       timestamptz,
    replied_at        timestamptz,
    completed_at      timestamptz,
    handle_seconds    bigint,
    closed_at         timestamptz,
    visit_due_at      timestamptz,
    reopened_count    integer NOT NULL DEFAULT 0,
    merged_into_id    bigint REFERENCES items (id),
    created_by        bigint REFERENCES users (id),
    idem_scope        text,
    idem_key          text,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX items_source_ref_key ON items (channel, source_ref) WHERE source_ref IS NOT NULL;
CREATE UNIQUE INDEX items_idem_key ON items (idem_scope, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX items_received_idx ON items (received_at DESC, id DESC);
CREATE INDEX items_status_idx ON items (status, id DESC);
CREATE INDEX items_pending_route_idx ON items (id) WHERE status = 'received';
CREATE INDEX items_unit_idx ON items (primary_unit_code, id DESC);
CREATE INDEX items_co_units_idx ON items USING gin (co_unit_codes);
CREATE INDEX items_channel_idx ON items (channel, id DESC);
CREATE INDEX items_kind_idx ON items (kind, id DESC);
CREATE INDEX items_category_idx ON items (category_code, id DESC);
CREATE INDEX items_overdue_idx ON items (id DESC) WHERE overdue;
CREATE INDEX items_phone_idx ON items (citizen_phone, received_at) WHERE citizen_phone <> '';
CREATE INDEX items_author_idx ON items (author_id, received_at) WHERE author_id <> '';
CREATE INDEX items_text_trgm_idx ON items USING gin ((title || ' ' || content) gin_trgm_ops);

-- One row per unit an item has been given to. The primary unit's row drives the
-- item; co-handling units add opinions. A returned or replaced assignment stays as
-- history with status 'returned' or 'withdrawn'.
CREATE TABLE assignments (
    id             bigserial PRIMARY KEY,
    item_id        bigint NOT NULL REFERENCES items (id),
    unit_code      text NOT NULL REFERENCES units (code),
    role           text NOT NULL CHECK (role IN ('primary', 'co')),
    status         text NOT NULL CHECK (status IN ('assigned', 'accepted', 'replied', 'returned', 'withdrawn')),
    assigned_at    timestamptz NOT NULL DEFAULT now(),
    accept_due_at  timestamptz,
    accepted_at    timestamptz,
    accept_late    boolean NOT NULL DEFAULT false,
    returned_at    timestamptz,
    return_reason  text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX assignments_active_key ON assignments (item_id, unit_code) WHERE status NOT IN ('returned', 'withdrawn');
CREATE INDEX assignments_item_idx ON assignments (item_id, id);
CREATE INDEX assignments_unit_idx ON assignments (unit_code, item_id);

-- The item's timeline. Append-only: the trigger below refuses updates and deletes.
CREATE TABLE events (
    id          bigserial PRIMARY KEY,
    item_id     bigint NOT NULL REFERENCES items (id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor       text NOT NULL,
    action      text NOT NULL,
    from_status text,
    to_status   text,
    note        text NOT NULL DEFAULT '',
    unit_code   text
);
CREATE INDEX events_item_idx ON events (item_id, id);

-- +goose StatementBegin
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();

-- Items whose statistics contribution must be recomputed: a row per event,
-- written in the event's transaction and drained by the worker. Rows are
-- only ever inserted and deleted by id, so writers never wait on the drain.
CREATE TABLE stats_dirty (
    id      bigserial PRIMARY KEY,
    item_id bigint NOT NULL
);

CREATE TABLE idempotency_keys (
    scope          text NOT NULL,
    key            text NOT NULL,
    request_hash   bytea NOT NULL,
    resource_kind  text NOT NULL DEFAULT '',
    resource_id    bigint,
    status_code    integer,
    content_type   text,
    response_body  bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE stats_dirty;
DROP TABLE events;
DROP FUNCTION events_append_only();
DROP TABLE assignments;
DROP TABLE items;
DROP TABLE sla_policies;
DROP TABLE routing_rules;
DROP TABLE categories;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE units;
